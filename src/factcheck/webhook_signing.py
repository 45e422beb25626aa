"""Webhook signatures, Stripe style: `X-Factcheck-Signature: t=<unix time>,v1=<hex HMAC-SHA256>`.

Pure standard library, so a receiver can copy it; the HMAC covers f"{t}.{body}" with the raw body bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Factcheck-Signature"
EVENT_HEADER = "X-Factcheck-Event"
DELIVERY_HEADER = "X-Factcheck-Delivery"
SCHEME = "v1"


def _as_bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body


def signature(secret: str, body: bytes | str, timestamp: int) -> str:
    """The hex HMAC-SHA256 of `{timestamp}.{body}` keyed with `secret`."""
    message = f"{int(timestamp)}.".encode() + _as_bytes(body)
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes | str, timestamp: int | None = None) -> str:
    """The signature header's value for `body`, sent at `timestamp` (default: now)."""
    t = int(time.time() if timestamp is None else timestamp)
    return f"t={t},{SCHEME}={signature(secret, body, t)}"


def parse(header: str) -> tuple[int | None, list[str]]:
    """Split a header into its timestamp and its v1 signatures (several while a secret rotates)."""
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == SCHEME and value:
            signatures.append(value)
    return timestamp, signatures


def verify(
    secret: str, body: bytes | str, header: str | None, tolerance: int = 300, *, now: float | None = None
) -> bool:
    """True when `header` signs exactly `body` with `secret` and its timestamp is within `tolerance` s."""
    if not header:
        return False
    timestamp, signatures = parse(header)
    if timestamp is None or not signatures:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        return False
    expected = signature(secret, body, timestamp)
    return any(hmac.compare_digest(expected, candidate) for candidate in signatures)
