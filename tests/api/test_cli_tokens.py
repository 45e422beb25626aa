"""`factcheck tokens create|list|revoke`: the secret printed once, hashes stored, clear errors."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from factcheck import migrations
from factcheck.cli import app
from factcheck.cli.common import session_scope
from factcheck.models import ApiToken
from factcheck.services.api_tokens import ApiTokenService, hash_secret
from factcheck.services.users import UserService
from factcheck.settings import get_settings


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", url)
    get_settings.cache_clear()
    migrations.upgrade(url)
    yield url
    get_settings.cache_clear()


def test_create_prints_the_secret_once_and_stores_its_hash(runner, database):
    result = runner.invoke(app, ["tokens", "create", "--name", "cms", "--scopes",
                                 "articles:write,verdicts:read", "--expires-days", "30"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert secret.startswith("fc_")
    with session_scope(get_settings()) as db:
        token = db.scalars(select(ApiToken)).one()
        assert token.token_hash == hash_secret(secret)
        assert token.scopes == ["articles:write", "verdicts:read"] and token.expires_at is not None
        assert ApiTokenService(db).authenticate(secret)[0].id == token.id
    listing = runner.invoke(app, ["tokens", "list"])
    assert listing.exit_code == 0 and "cms" in listing.stdout and secret not in listing.stdout


def test_a_personal_token_names_its_user_by_email(runner, database):
    with session_scope(get_settings()) as db:
        UserService(db).create(email="erin@newsroom.test", name="Erin", role="editor",
                               password="a long enough password", system=True)
    result = runner.invoke(app, ["tokens", "create", "--name", "erin-bot", "--scopes", "workflow",
                                 "--user", "erin@newsroom.test"])
    assert result.exit_code == 0, result.output
    assert "erin@newsroom.test" in runner.invoke(app, ["tokens", "list"]).stdout


@pytest.mark.parametrize("args", [
    ["--name", "x", "--scopes", "everything"],
    ["--name", "x", "--scopes", "workflow"],
    ["--name", "x", "--scopes", "detect", "--user", "nobody@newsroom.test"],
    ["--name", "x", "--scopes", "detect", "--expires-days", "0"],
])
def test_bad_requests_fail_with_one_line_and_store_nothing(runner, database, args):
    result = runner.invoke(app, ["tokens", "create", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "Traceback" not in result.output
    with session_scope(get_settings()) as db:
        assert db.scalars(select(ApiToken)).all() == []


def test_revoke_stops_the_token(runner, database):
    secret = runner.invoke(app, ["tokens", "create", "--name", "cms", "--scopes", "detect"]).stdout.strip()
    with session_scope(get_settings()) as db:
        token_id = db.scalars(select(ApiToken.id)).one()
    result = runner.invoke(app, ["tokens", "revoke", str(token_id)])
    assert result.exit_code == 0 and "revoked" in result.stdout
    assert "revoked" in runner.invoke(app, ["tokens", "list"]).stdout
    assert runner.invoke(app, ["tokens", "revoke", "99999"]).exit_code == 2
    from factcheck.exceptions import AuthenticationError

    with session_scope(get_settings()) as db, pytest.raises(AuthenticationError):
        ApiTokenService(db).authenticate(secret)
