"""The operator commands: clear output, one-line errors with exit code 2, never a traceback."""

from __future__ import annotations

import json

import pytest

from factcheck import migrations
from factcheck.cli import app
from factcheck.settings import get_settings

TEXT = (
    "On March 8, U.S. State Department spokesperson Ned Price addressed a briefing.\n\n"
    "Pakistan has lost more than 80,000 lives over the past two decades.\n"
)


@pytest.fixture
def database(tmp_path, monkeypatch):
    """Unlike the shared fixture, not migrated: these tests run `factcheck db upgrade` themselves."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_detect_prints_one_json_object_per_sentence_with_exact_offsets(runner, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")

    result = runner.invoke(app, ["detect", str(path), "--published-at", "2023-03-20"])

    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 2
    assert set(rows[0]) == {"index", "start", "end", "text", "score", "is_claim", "kinds", "facts", "reasons"}
    for row in rows:
        assert TEXT[row["start"]:row["end"]] == row["text"]
        assert 0 <= row["score"] <= 1
        for fact in row["facts"]:
            assert TEXT[fact["start"]:fact["end"]] == fact["text"]
    assert rows[0]["is_claim"] and rows[1]["is_claim"]


def test_detect_sentences_reads_one_sentence_per_line_from_stdin(runner):
    lines = "Ned Price spoke on March 8.\nI think we should talk.\n"
    result = runner.invoke(app, ["detect", "--sentences", "-"], input=lines)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == ["Ned Price spoke on March 8.", "I think we should talk."]
    assert rows[1]["start"] == lines.index("I think")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["detect", "/no/such/file.txt"], "no such file"),
        (["detect", "-", "--published-at", "yesterday"], "--published-at"),
    ],
)
def test_detect_bad_input_is_one_line_and_exit_code_2(runner, args, message):
    result = runner.invoke(app, args, input="text")
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_detect_refuses_binary_input(runner, tmp_path):
    path = tmp_path / "b.bin"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    result = runner.invoke(app, ["detect", str(path)])
    assert result.exit_code == 2 and "error:" in result.output


def test_db_upgrade_current_and_downgrade(runner, database):
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    current = runner.invoke(app, ["db", "current"])
    assert current.exit_code == 0 and "empty" not in current.stdout
    assert runner.invoke(app, ["db", "downgrade", "base"]).exit_code == 0
    assert "empty" in runner.invoke(app, ["db", "current"]).stdout


def test_ingest_prints_the_article_id_and_a_table_of_claims(runner, database, tmp_path):
    migrations.upgrade(database)
    path = tmp_path / "briefing.txt"
    path.write_text(TEXT, encoding="utf-8")

    result = runner.invoke(app, ["ingest", str(path), "--title", "Briefing", "--external-id", "cms-9",
                                 "--published-at", "2023-03-20"])

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("article 1 (created, revision 1)")
    assert "Ned Price" in result.stdout and "score" in result.stdout

    again = runner.invoke(app, ["ingest", str(path), "--title", "Briefing", "--external-id", "cms-9"])
    assert "unchanged" in again.stdout


def test_ingest_of_an_empty_file_is_refused_with_exit_code_2(runner, database, tmp_path):
    migrations.upgrade(database)
    path = tmp_path / "empty.txt"
    path.write_text("  \n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 2 and "empty" in result.output


def test_demo_loads_the_reference_article_once(runner, database):
    migrations.upgrade(database)
    first = runner.invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    assert "demo article loaded" in first.stdout
    assert "already loaded" in runner.invoke(app, ["demo"]).stdout


def test_every_command_has_help(runner):
    for args in (["--help"], ["db", "--help"], ["ingest", "--help"], ["detect", "--help"],
                 ["demo", "--help"], ["serve", "--help"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "Usage" in result.stdout


def test_an_invalid_setting_is_named_by_its_environment_variable(runner, tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    monkeypatch.setenv("FACTCHECK_WEBHOOK_ALLOW_PRIVATE_NETWORKS", "maybe")
    monkeypatch.setenv("FACTCHECK_LEASE_MINUTES", "0")
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["detect", str(path)])
    finally:
        get_settings.cache_clear()

    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "FACTCHECK_WEBHOOK_ALLOW_PRIVATE_NETWORKS: Input should be a valid boolean" in result.output
    assert "FACTCHECK_LEASE_MINUTES: Input should be greater than 0" in result.output
