"""`factcheck users ...`: the operator's account commands (create, list, deactivate, set-role, set-password).

The operator is trusted: these run as the system (`system=True`), with no signed-in actor.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from factcheck.cli.common import fail, load_settings, session_scope
from factcheck.exceptions import FactcheckError
from factcheck.services.users import UserService, check_password

app = typer.Typer(help="Workbench accounts: create, list, deactivate, change roles.",
                  no_args_is_help=True)


def _run(action: Callable[[UserService], Any]) -> Any:
    settings = load_settings()
    try:
        with session_scope(settings) as db:
            return action(UserService(db, settings=settings))
    except FactcheckError as error:
        fail(error.message)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        return check_password(password)
    except FactcheckError as error:
        fail(error.message)


@app.command("create")
def create(
    email: Annotated[str, typer.Argument(help="The user's email, used to sign in.")],
    name: Annotated[str, typer.Option("--name", help="Full name, shown in the workbench.")],
    role: Annotated[str, typer.Option("--role", help="checker, editor or admin.")] = "checker",
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input.")] = False,
) -> None:
    """Create an account (the password is asked twice unless --password-stdin)."""
    password = _read_password(password_stdin)
    user = _run(lambda users: _summary(users.create(
        email=email, name=name, role=role, password=password, system=True)))
    typer.echo(f"created {user}")


@app.command("list")
def list_users() -> None:
    """Print every account: id, email, role, state, name."""
    rows = _run(lambda users: [
        (u.id, u.email, u.role, "active" if u.is_active else "deactivated", u.name,
         u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else "never")
        for u in users.list()
    ])
    if not rows:
        typer.echo("no users yet: create one with `factcheck users create EMAIL --name NAME --role admin`")
        return
    typer.echo(f"{'id':>5}  {'email':<32}  {'role':<8}  {'state':<11}  {'last login':<16}  name")
    for user_id, email, role, state, name, last in rows:
        typer.echo(f"{user_id:>5}  {email:<32}  {role:<8}  {state:<11}  {last:<16}  {name}")


@app.command("deactivate")
def deactivate(email: Annotated[str, typer.Argument(help="The account's email.")]) -> None:
    """Deactivate an account: it can no longer sign in, and its open sessions end."""
    user = _run(lambda users: _summary(users.deactivate(users.get_by_email(email).id, system=True)))
    typer.echo(f"deactivated {user}")


@app.command("set-role")
def set_role(
    email: Annotated[str, typer.Argument(help="The account's email.")],
    role: Annotated[str, typer.Argument(help="checker, editor or admin.")],
) -> None:
    """Change an account's role."""
    user = _run(lambda users: _summary(users.set_role(users.get_by_email(email).id, role, system=True)))
    typer.echo(f"role changed: {user}")


@app.command("set-password")
def set_password(
    email: Annotated[str, typer.Argument(help="The account's email.")],
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input.")] = False,
) -> None:
    """Set an account's password (asked twice unless --password-stdin); its open sessions end."""
    password = _read_password(password_stdin)
    user = _run(lambda users: _summary(
        users.set_password(users.get_by_email(email).id, password=password, system=True)))
    typer.echo(f"password changed: {user}")


def _summary(user: Any) -> str:
    state = "" if user.is_active else ", deactivated"
    return f"{user.email} ({user.role}{state}, id {user.id})"
