"""Opaque feed cursors: the feed position to resume after, as 11 base64url characters.

Every string of the documented shape is a cursor (8 bytes, big-endian): nothing to forge but a
position, which only skips ahead in a feed the token may read anyway.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct

from factcheck.exceptions import ValidationError

CURSOR_PATTERN = r"^[A-Za-z0-9_-]{10}[AEIMQUYcgkosw048]$"
_CURSOR = re.compile(CURSOR_PATTERN)


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(struct.pack(">Q", position)).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    if not _CURSOR.fullmatch(cursor):
        raise ValidationError("The cursor is not one this API issued.", details={"cursor": cursor[:100]})
    try:
        return struct.unpack(">Q", base64.urlsafe_b64decode(cursor + "="))[0]
    except (binascii.Error, struct.error) as error:  # unreachable for a matching cursor
        raise ValidationError("The cursor is not one this API issued.") from error
