"""The worker process and the background loop inside `factcheck serve`."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from factcheck.app import create_app
from factcheck.settings import Settings
from factcheck.worker import runs_in_app


def wait_for(condition, seconds: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize(
    ("url", "setting", "expected"),
    [
        ("sqlite:///var/f.db", None, True),
        ("postgresql+psycopg://db/factcheck", None, False),
        ("postgresql+psycopg://db/factcheck", True, True),
        ("sqlite:///var/f.db", False, False),
    ],
)
def test_the_app_delivers_by_itself_on_sqlite_unless_told_otherwise(url, setting, expected):
    settings = Settings(_env_file=None, database_url=url, run_worker_in_app=setting)
    assert runs_in_app(settings) is expected


def test_the_app_runs_a_background_worker_when_asked_and_stops_it_at_shutdown(
    make_endpoint, emit_committed, receiver, committed, engine, settings
):
    make_endpoint()
    [delivery_id] = emit_committed()
    app = create_app(settings.model_copy(update={"run_worker_in_app": True}), engine=engine)
    with TestClient(app):
        thread = app.state.webhook_worker_thread
        assert thread.is_alive()
        assert wait_for(lambda: len(receiver.delivered) == 1)
    assert not thread.is_alive()
    assert app.state.webhook_worker is None
    assert receiver.requests[0].signature_ok


def test_tests_and_postgresql_deployments_start_no_background_worker(engine, settings):
    app = create_app(settings, engine=engine)  # the suite's settings say run_worker_in_app=False
    with TestClient(app):
        assert app.state.webhook_worker is None


def test_a_stopped_worker_loop_returns_promptly(make_worker):
    import threading

    worker = make_worker(poll_interval=30)
    thread = threading.Thread(target=worker.run)
    thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    worker.stop()
    thread.join(5)
    assert not thread.is_alive() and time.monotonic() - started < 2


def test_the_loop_survives_a_failing_pass(make_worker, monkeypatch):
    import threading

    worker = make_worker(poll_interval=0.01)
    calls = []

    def broken():  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) >= 3:
            worker.stop()
        raise RuntimeError("database went away")

    monkeypatch.setattr(worker, "run_once", broken)
    thread = threading.Thread(target=worker.run)
    thread.start()
    thread.join(5)
    assert len(calls) == 3 and not thread.is_alive()


def test_the_worker_process_stops_cleanly_on_sigterm(database_url, make_endpoint, emit_committed, receiver):
    import os
    import signal
    import subprocess
    import sys

    make_endpoint()
    emit_committed()
    env = {**os.environ, "FACTCHECK_DATABASE_URL": database_url, "FACTCHECK_ENVIRONMENT": "test"}
    process = subprocess.Popen(
        [sys.executable, "-c", "from factcheck.cli import main; main()", "worker", "--poll-interval", "0.1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        assert wait_for(lambda: len(receiver.delivered) == 1, seconds=60)  # a loaded CI box is slow
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "stopped" in output
