"""The worker's periodic upkeep: once per interval (the first one interval after start); a failure is
logged and deliveries go on."""

from __future__ import annotations

from factcheck.worker import Worker


def make_worker(committed, settings, maintenance, interval: float = 600.0) -> Worker:  # type: ignore[no-untyped-def]
    return Worker(committed, settings, maintenance=maintenance, maintenance_interval=interval)


def test_upkeep_runs_once_per_interval_from_the_start(committed, settings):
    import time

    runs: list[int] = []
    worker = make_worker(committed, settings, lambda: runs.append(1), interval=600)
    start = time.monotonic()
    assert not worker.maintain(now=start + 1)  # a worker just started does not begin with it
    assert worker.maintain(now=start + 601)
    assert not worker.maintain(now=start + 1200)
    assert worker.maintain(now=start + 1202)
    assert len(runs) == 2
    worker.close()


def test_only_sqlite_has_upkeep(committed, settings):
    from factcheck.worker import upkeep

    assert (upkeep(settings, committed) is not None) == settings.is_sqlite


def test_a_failing_upkeep_is_logged_and_the_worker_goes_on(committed, settings, caplog):
    def broken() -> None:
        raise RuntimeError("disk full")

    worker = make_worker(committed, settings, broken)
    assert worker.maintain(now=float("inf"))
    assert "maintenance failed" in caplog.text
    assert worker.run_once().claimed == 0  # deliveries are unaffected
    worker.close()


def test_without_upkeep_nothing_runs(committed, settings):
    worker = Worker(committed, settings)
    assert not worker.maintain(now=float("inf"))
    worker.close()
