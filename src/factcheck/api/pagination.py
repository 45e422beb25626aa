"""Opaque feed cursors: the feed position to resume after, base64url-encoded and versioned."""

from __future__ import annotations

import base64
import binascii
import json

from factcheck.exceptions import ValidationError

VERSION = 1


def encode_cursor(position: int) -> str:
    raw = json.dumps({"v": VERSION, "p": position}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        position = data["p"]
        valid = data.get("v") == VERSION and type(position) is int and 0 <= position < 2**63
    except (binascii.Error, ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError):
        valid = False
    if not valid:
        raise ValidationError("The cursor is not one this API issued.", details={"cursor": cursor[:100]})
    return position
