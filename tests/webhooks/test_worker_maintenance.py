"""The worker's periodic upkeep: run on the first pass, then once per interval; a failure is logged
and deliveries go on."""

from __future__ import annotations

from factcheck.worker import Worker


def make_worker(committed, settings, maintenance, interval: float = 600.0) -> Worker:  # type: ignore[no-untyped-def]
    return Worker(committed, settings, maintenance=maintenance, maintenance_interval=interval)


def test_upkeep_runs_at_once_then_once_per_interval(committed, settings):
    runs: list[int] = []
    worker = make_worker(committed, settings, lambda: runs.append(1), interval=600)
    assert worker.maintain(now=1000.0)
    assert not worker.maintain(now=1599.0)
    assert worker.maintain(now=1600.0)
    assert len(runs) == 2
    worker.close()


def test_a_failing_upkeep_is_logged_and_the_worker_goes_on(committed, settings, caplog):
    def broken() -> None:
        raise RuntimeError("disk full")

    worker = make_worker(committed, settings, broken)
    assert worker.maintain(now=0.0)
    assert "maintenance failed" in caplog.text
    assert worker.run_once().claimed == 0  # deliveries are unaffected
    worker.close()


def test_without_upkeep_nothing_runs(committed, settings):
    worker = Worker(committed, settings)
    assert not worker.maintain(now=0.0)
    worker.close()
