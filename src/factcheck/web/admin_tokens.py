"""Admin page for API tokens: create one (its secret is shown once, on this answer only), list, revoke."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from factcheck.dependencies import DbSession
from factcheck.exceptions import FactcheckError, ValidationError
from factcheck.services.api_tokens import SCOPES, ApiTokenService
from factcheck.services.users import UserService
from factcheck.web.auth import CurrentAdmin
from factcheck.web.errors import status_for
from factcheck.web.rendering import is_htmx, render

router = APIRouter(prefix="/admin/tokens")
PAGE, SECTION = "admin/tokens.html", "admin/_tokens.html"
NO_STORE = {"Cache-Control": "no-store"}  # a page showing a secret must not be cached


def _context(db: Session, **extra: Any) -> dict[str, Any]:
    users = UserService(db)
    tokens = ApiTokenService(db).list(system=True)
    owners = {u.id: u for u in users.list()}
    return {
        "tokens": [(t, owners.get(t.user_id)) for t in tokens],
        "users": [u for u in owners.values() if u.is_active],
        "scopes": SCOPES, "form": {}, "secret": None, "notice": None, "error": None, **extra,
    }


@router.get("", name="admin_tokens")
def tokens_page(request: Request, db: DbSession, admin: CurrentAdmin):
    return render(request, PAGE, _context(db), fragment=SECTION)


@router.post("")
def create_token(
    request: Request, db: DbSession, admin: CurrentAdmin,
    name: Annotated[str, Form()] = "", scopes: Annotated[list[str], Form()] = [],  # noqa: B006
    user_id: Annotated[str, Form()] = "", expires_days: Annotated[str, Form()] = "",
):
    form = {"name": name, "scopes": scopes, "user_id": user_id, "expires_days": expires_days}
    try:
        user = UserService(db).get(_int(user_id, "user")) if user_id.strip() else None
        days = _int(expires_days, "expiry") if expires_days.strip() else None
        issued = ApiTokenService(db).create(name=name, scopes=scopes, actor=admin, user=user,
                                            expires_days=days)
    except FactcheckError as error:
        return render(request, PAGE, _context(db, form=form, error=error.message), fragment=SECTION,
                      status_code=status_for(error))
    # Answered in place, not redirected: the secret exists only in this response.
    return render(request, PAGE, _context(db, secret=issued.secret, created=issued.token),
                  fragment=SECTION, status_code=201, headers=NO_STORE)


@router.post("/{token_id}/revoke")
def revoke_token(request: Request, token_id: int, db: DbSession, admin: CurrentAdmin):
    try:
        token = ApiTokenService(db).revoke(token_id, actor=admin)
    except FactcheckError as error:
        return render(request, PAGE, _context(db, error=error.message), fragment=SECTION,
                      status_code=status_for(error))
    if not is_htmx(request):
        return RedirectResponse(request.app.url_path_for("admin_tokens"), status_code=303)
    return render(request, PAGE, _context(db, notice=f"Revoked “{token.name}”: it stops working at once."),
                  fragment=SECTION)


def _int(value: str, field: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise ValidationError(f"The {field} must be a whole number; got {value!r}.") from None
