"""`factcheck users ...`: accounts from the command line, with one-line errors and exit code 2."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factcheck.cli import app
from factcheck.db import make_engine, make_session_factory
from factcheck.models import AuditEvent, User

PASSWORD = "operator chosen password"


def read_users(url: str) -> dict[str, User]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            return {u.email: u for u in session.scalars(select(User))}
    finally:
        engine.dispose()


def create(runner, email="ada@newsroom.test", role="admin", password=PASSWORD):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["users", "create", email, "--name", "Ada Admin", "--role", role,
                               "--password-stdin"], input=password + "\n")


def test_create_reads_the_password_from_stdin_and_stores_only_its_hash(runner, database):
    result = create(runner, email="Ada@Newsroom.test")
    assert result.exit_code == 0, result.output
    assert "created ada@newsroom.test (admin, id 1)" in result.stdout
    user = read_users(database)["ada@newsroom.test"]
    assert user.role == "admin" and PASSWORD not in user.password_hash


def test_create_asks_for_the_password_twice(runner, database):
    result = runner.invoke(app, ["users", "create", "eve@newsroom.test", "--name", "Eve"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert read_users(database)["eve@newsroom.test"].role == "checker"


def test_create_refuses_two_passwords_that_differ(runner, database):
    result = runner.invoke(app, ["users", "create", "eve@newsroom.test", "--name", "Eve"],
                           input=f"{PASSWORD}\nsomething else\n{PASSWORD}\n{PASSWORD}\n")
    assert "do not match" in result.output.lower()


@pytest.mark.parametrize(
    "args, password, message",
    [
        (["bad-email"], PASSWORD, "not a valid email"),
        (["ok@newsroom.test", "--role", "overlord"], PASSWORD, "Unknown role"),
        (["ok@newsroom.test"], "short", "at least 10 characters"),
    ],
)
def test_create_with_bad_input_fails_in_one_line_and_creates_nothing(runner, database, args, password, message):
    result = runner.invoke(app, ["users", "create", *args, "--name", "X", "--password-stdin"],
                           input=password + "\n")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert read_users(database) == {}


def test_a_duplicate_email_is_refused(runner, database):
    create(runner)
    result = create(runner, email="ADA@newsroom.test")
    assert result.exit_code == 2 and "already exists" in result.stderr


def test_list_shows_every_account(runner, database):
    create(runner)
    create(runner, email="chris@newsroom.test", role="checker")
    result = runner.invoke(app, ["users", "list"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "email" in lines[0] and len(lines) == 3
    assert any("chris@newsroom.test" in line and "checker" in line and "never" in line for line in lines)


def test_list_on_an_empty_database_says_how_to_start(runner, database):
    result = runner.invoke(app, ["users", "list"])
    assert result.exit_code == 0 and "factcheck users create" in result.stdout


def test_deactivate_ends_the_account_and_is_audited(runner, database):
    create(runner)
    create(runner, email="chris@newsroom.test", role="checker")
    result = runner.invoke(app, ["users", "deactivate", "chris@newsroom.test"])
    assert result.exit_code == 0, result.output
    user = read_users(database)["chris@newsroom.test"]
    assert not user.is_active and user.session_version == 2
    engine = make_engine(database)
    with make_session_factory(engine)() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.deactivated"))
        assert event.subject_id == user.id and event.actor_id is None
    engine.dispose()


def test_set_role_changes_the_role(runner, database):
    create(runner)
    create(runner, email="chris@newsroom.test", role="checker")
    result = runner.invoke(app, ["users", "set-role", "chris@newsroom.test", "editor"])
    assert result.exit_code == 0, result.output
    assert read_users(database)["chris@newsroom.test"].role == "editor"


def test_set_password_replaces_the_hash(runner, database):
    create(runner)
    before = read_users(database)["ada@newsroom.test"].password_hash
    result = runner.invoke(app, ["users", "set-password", "ada@newsroom.test", "--password-stdin"],
                           input="another long password\n")
    assert result.exit_code == 0, result.output
    assert read_users(database)["ada@newsroom.test"].password_hash != before


@pytest.mark.parametrize("args", [["deactivate", "ghost@newsroom.test"],
                                  ["set-role", "ghost@newsroom.test", "editor"]])
def test_an_unknown_email_is_a_one_line_error(runner, database, args):
    result = runner.invoke(app, ["users", *args])
    assert result.exit_code == 2
    assert result.stderr == "error: No user has the email 'ghost@newsroom.test'.\n"


def test_the_last_admin_cannot_be_demoted(runner, database):
    create(runner)
    result = runner.invoke(app, ["users", "set-role", "ada@newsroom.test", "checker"])
    assert result.exit_code == 2 and "last active admin" in result.stderr
    assert read_users(database)["ada@newsroom.test"].role == "admin"
