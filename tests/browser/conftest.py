"""Browser tests: headless Debian Chromium driven by pytest-playwright against a real uvicorn server.

The server runs in its own process on a free loopback port with a migrated, demo-seeded SQLite file;
tests add what they need through the services (`live_server.session()`), then load pages.
Without /usr/bin/chromium the tests are skipped with a message (a failure when CI is set).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from factcheck import migrations
from factcheck.db import make_engine, make_session_factory
from factcheck.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SECRET = "browser-tests-secret-key-not-for-production"
_SCREENSHOTS = pytest.StashKey[Path]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not CHROMIUM.exists():
        message = f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "headless": True,
            "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    settings: Settings

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session on the server's database, committed at the end (the server sees it at once)."""
        engine = make_engine(self.settings.database_url)
        try:
            with make_session_factory(engine)() as session, session.begin():
                yield session
        finally:
            engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from factcheck.services.demo import load_demo

    folder = tmp_path_factory.mktemp("live")
    database_url = f"sqlite:///{folder / 'factcheck.db'}"
    settings = Settings(_env_file=None, environment="test", database_url=database_url,
                        secret_key=SECRET, run_worker_in_app=False)
    migrations.upgrade(database_url)
    server = LiveServer(url="", settings=settings)
    port = free_port()
    env = {**os.environ, "FACTCHECK_DATABASE_URL": database_url, "FACTCHECK_ENVIRONMENT": "test",
           "FACTCHECK_SECRET_KEY": SECRET, "FACTCHECK_RUN_WORKER_IN_APP": "false"}
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "factcheck.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=folder,
    )
    server.url = f"http://127.0.0.1:{port}"
    try:
        with server.session() as db:  # seeded while the server process starts up
            list(load_demo(db, settings=settings))
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited: {(folder / 'server.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the server did not answer /healthz within 30 s")
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    return live_server.url


@pytest.fixture(scope="session")
def screenshots_dir(artifacts_dir: Path, pytestconfig: pytest.Config) -> Path:
    path = artifacts_dir / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    pytestconfig.stash[_SCREENSHOTS] = path
    return path


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    path = config.stash.get(_SCREENSHOTS, None)
    if path is not None:
        terminalreporter.write_sep("-", "browser screenshots")
        terminalreporter.write_line(str(path))
