"""`factcheck webhooks ...` and `factcheck worker --once` against the test database."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from factcheck.cli import app as cli
from factcheck.settings import get_settings
from tests.webhooks.conftest import load_deliveries


@pytest.fixture
def run(database_url, committed, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", database_url)
    monkeypatch.setenv("FACTCHECK_ENVIRONMENT", "test")
    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, list(args))

    yield invoke
    get_settings.cache_clear()


def test_add_list_and_remove_an_endpoint(run):
    added = run("webhooks", "add", "https://cms.example/hooks", "--events", "verdict.published,claim.orphaned",
                "-e", "verdict.corrected", "--description", "The CMS")
    assert added.exit_code == 0, added.output
    endpoint_id = int(re.search(r"endpoint (\d+):", added.output).group(1))
    assert re.search(r"secret: [\w-]{40,}", added.output)

    listed = run("webhooks", "list")
    assert "https://cms.example/hooks" in listed.output
    assert "verdict.published, verdict.corrected, claim.orphaned" in listed.output

    assert run("webhooks", "remove", str(endpoint_id)).exit_code == 0
    assert "no webhook endpoints" in run("webhooks", "list").output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["webhooks", "add", "ftp://cms.example/", "--events", "verdict.published"], "must start with http"),
        (["webhooks", "add", "https://cms.example/", "--events", "verdict.deleted"], "Unknown event"),
        (["webhooks", "remove", "4040"], "no webhook endpoint 4040"),
        (["webhooks", "resend", "4040"], "no webhook delivery 4040"),
        (["webhooks", "deliveries", "--status", "lost"], "Unknown delivery status"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_code_2(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_worker_once_delivers_and_resend_requeues_a_failure(run, make_endpoint, emit_committed, receiver, committed):
    make_endpoint()
    receiver.fail_first = 1
    [delivery_id] = emit_committed()

    once = run("worker", "--once")
    assert once.exit_code == 0 and "1 sent: 0 delivered, 1 to retry, 0 failed" in once.output
    listing = run("webhooks", "deliveries")
    assert re.search(rf"{delivery_id}\s+endpoint \d+\s+verdict.published\s+pending\s+attempts 1 .* HTTP 500", listing.output)

    resent = run("webhooks", "resend", str(delivery_id))
    assert resent.exit_code == 0, resent.output
    new_id = int(re.search(r"as delivery (\d+)", resent.output).group(1))
    assert "1 sent: 1 delivered" in run("worker", "--once").output
    old, new = load_deliveries(committed, [delivery_id, new_id])
    assert (old.status, new.status) == ("failed", "delivered")
    assert receiver.delivered == [old.event_id]  # one 2xx for the event, whatever the rows
