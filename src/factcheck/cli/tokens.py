"""`factcheck tokens ...`: API tokens for a CMS or a person's automation (create prints the secret once).

The operator is trusted: these run as the system (`system=True`), with no signed-in actor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Optional

import typer
from sqlalchemy.orm import Session

from factcheck.cli.common import fail, load_settings, session_scope
from factcheck.exceptions import FactcheckError
from factcheck.models import ApiToken
from factcheck.services.api_tokens import SCOPES, ApiTokenService
from factcheck.services.users import UserService

app = typer.Typer(help="API tokens: create (shown once), list, revoke.", no_args_is_help=True)


def _run(action: Callable[[Session], Any]) -> Any:
    settings = load_settings()
    try:
        with session_scope(settings) as db:
            return action(db)
    except FactcheckError as error:
        fail(error.message)


def _when(value) -> str:  # type: ignore[no-untyped-def]
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


def _row(token: ApiToken, owner: str) -> str:
    state = "revoked" if token.revoked_at else "active"
    return (f"{token.id:>4}  {token.name[:24]:<24}  fc_{token.prefix}_…  {state:<7}  "
            f"{owner[:28]:<28}  {','.join(token.scopes)}  expires {_when(token.expires_at)}  "
            f"last used {_when(token.last_used_at)}")


@app.command("create")
def create(
    name: Annotated[str, typer.Option("--name", help="What the token is for, e.g. 'cms'.")],
    scopes: Annotated[str, typer.Option("--scopes", help=f"Comma-separated: {', '.join(SCOPES)}.")],
    user: Annotated[Optional[str], typer.Option(
        "--user", help="EMAIL: a personal token acting with this user's role.")] = None,
    expires_days: Annotated[Optional[int], typer.Option(
        "--expires-days", help="Days until the token stops working (default: never).")] = None,
) -> None:
    """Create a token and print it once; only its SHA-256 hash is stored."""

    def action(db: Session) -> tuple[int, str]:
        owner = UserService(db).get_by_email(user) if user else None
        issued = ApiTokenService(db).create(
            name=name, scopes=scopes.split(","), system=True, user=owner, expires_days=expires_days,
        )
        return issued.token.id, issued.secret

    token_id, secret = _run(action)
    typer.echo(f"created token {token_id} ({name}); copy it now, it is not shown again:", err=True)
    typer.echo(secret)


@app.command("list")
def list_tokens() -> None:
    """Print every token: id, name, prefix, state, owner, scopes, expiry, last use."""

    def action(db: Session) -> list[str]:
        users = UserService(db)
        rows = []
        for token in ApiTokenService(db).list(system=True):
            owner = users.get(token.user_id).email if token.user_id else "(client)"
            rows.append(_row(token, owner))
        return rows

    rows = _run(action)
    if not rows:
        typer.echo("no tokens")
    for row in rows:
        typer.echo(row)


@app.command("revoke")
def revoke(token_id: Annotated[int, typer.Argument(help="The token's id (see `tokens list`).")]) -> None:
    """Revoke a token: it stops working at once."""
    name = _run(lambda db: ApiTokenService(db).revoke(token_id, system=True).name)
    typer.echo(f"revoked token {token_id} ({name})")
