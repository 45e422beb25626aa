"""The signature scheme receivers rely on: t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from factcheck.webhook_signing import parse, sign, signature, verify

SECRET = "whsec-test"
BODY = b'{"data":{"id":1},"id":"abc","type":"verdict.published"}'
T = 1_764_000_000


def test_sign_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), f"{T}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, BODY, T) == f"t={T},v1={expected}"


def test_a_str_body_signs_like_its_utf8_bytes():
    text = '{"note":"café ✓"}'
    assert signature(SECRET, text, T) == signature(SECRET, text.encode("utf-8"), T)


def test_verify_accepts_a_fresh_valid_signature():
    assert verify(SECRET, BODY, sign(SECRET, BODY, T), now=T + 10)


@pytest.mark.parametrize(
    ("body", "secret", "now", "why"),
    [
        (BODY.replace(b"1", b"2"), SECRET, T, "tampered body"),
        (BODY + b" ", SECRET, T, "re-serialised body"),
        (BODY, "another-secret", T, "wrong secret"),
        (BODY, SECRET, T + 301, "timestamp older than the tolerance"),
        (BODY, SECRET, T - 301, "timestamp from the future"),
    ],
)
def test_verify_rejects(body, secret, now, why):
    assert not verify(secret, body, sign(SECRET, BODY, T), now=now), why


@pytest.mark.parametrize("header", [None, "", "garbage", f"t={T}", "v1=abcd", f"t=soon,v1={'0' * 64}"])
def test_verify_rejects_missing_or_malformed_headers(header):
    assert not verify(SECRET, BODY, header, now=T)


def test_a_replayed_header_with_a_new_timestamp_does_not_verify():
    _, (sig,) = parse(sign(SECRET, BODY, T))
    assert not verify(SECRET, BODY, f"t={T + 100},v1={sig}", now=T + 100)


def test_verify_accepts_any_of_several_signatures_while_a_secret_rotates():
    old = sign("old-secret", BODY, T).split(",")[1]
    header = f"{sign(SECRET, BODY, T)},{old}"
    assert verify(SECRET, BODY, header, now=T)
    assert verify("old-secret", BODY, header, now=T)


def test_tolerance_is_adjustable():
    header = sign(SECRET, BODY, T)
    assert verify(SECRET, BODY, header, tolerance=3600, now=T + 1000)
    assert not verify(SECRET, BODY, header, tolerance=60, now=T + 61)
