"""api/reads.py: a read that meets a connection the server dropped is retried once on a fresh one."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError

from factcheck.api.reads import _run


class Factory:
    """Sessions whose first `failures` uses fail as a dropped connection (or another error) does."""

    def __init__(self, failures: int, *, invalidated: bool = True) -> None:
        self.failures, self.invalidated, self.calls = failures, invalidated, 0

    def __call__(self):  # type: ignore[no-untyped-def]
        return self

    def __enter__(self):  # type: ignore[no-untyped-def]
        self.calls += 1
        if self.calls <= self.failures:
            raise DBAPIError("SELECT 1", {}, Exception("server closed the connection"),
                             connection_invalidated=self.invalidated)
        return self

    def __exit__(self, *exc) -> None:  # type: ignore[no-untyped-def]
        return None


def test_a_dropped_connection_is_retried_once():
    factory = Factory(failures=1)
    assert _run(factory, lambda session: "fingerprint") == "fingerprint"  # type: ignore[arg-type]
    assert factory.calls == 2


def test_a_second_failure_is_raised():
    with pytest.raises(DBAPIError):
        _run(Factory(failures=2), lambda session: "fingerprint")  # type: ignore[arg-type]


def test_other_database_errors_are_not_retried():
    factory = Factory(failures=1, invalidated=False)
    with pytest.raises(DBAPIError):
        _run(factory, lambda session: "fingerprint")  # type: ignore[arg-type]
    assert factory.calls == 1
