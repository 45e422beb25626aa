"""Admin pages: users and roles, the rating scale, desk settings (admins only).

Every change answers a plain form with a redirect back to its page, and htmx with the page's
section re-rendered; refused input re-renders the section with the message and changes nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from factcheck.dependencies import DbSession
from factcheck.exceptions import FactcheckError, ValidationError
from factcheck.models import Role
from factcheck.services.desk_settings import DeskSettings
from factcheck.services.ratings import RatingService
from factcheck.services.users import UserService
from factcheck.web.auth import CurrentAdmin
from factcheck.web.errors import status_for
from factcheck.web.rendering import is_htmx, render

router = APIRouter(prefix="/admin")
ROLES = [role.value for role in Role]


SECTIONS = {  # route name: (page template, section fragment)
    "admin_users": ("admin/users.html", "admin/_users.html"),
    "admin_ratings": ("admin/ratings.html", "admin/_ratings.html"),
    "admin_settings": ("admin/settings.html", "admin/_settings.html"),
}


def _answer(request: Request, page: str, context: dict[str, Any], *,
            notice: str | None = None, error: FactcheckError | None = None):
    """After a change: htmx gets the re-rendered section, a plain form a redirect to the page."""
    if error is None and not is_htmx(request):
        return RedirectResponse(request.app.url_path_for(page), status_code=303)
    template, fragment = SECTIONS[page]
    context = {**context, "notice": notice, "error": error.message if error else None}
    return render(request, template, context, fragment=fragment,
                  status_code=status_for(error) if error else 200)


def _int(value: str, field: str) -> int:
    try:
        return int(value.strip())
    except (AttributeError, ValueError):
        raise ValidationError(f"The {field} must be a whole number; got {value!r}.") from None


@router.get("", name="admin_index")
def admin_index(request: Request, admin: CurrentAdmin):
    return render(request, "admin/index.html")


# Users

def _users_context(db: Session, form: dict[str, str] | None = None) -> dict[str, Any]:
    return {"users": UserService(db).list(), "roles": ROLES, "form": form or {}}


@router.get("/users", name="admin_users")
def users_page(request: Request, db: DbSession, admin: CurrentAdmin):
    return render(request, "admin/users.html", _users_context(db), fragment="admin/_users.html")


@router.post("/users")
def create_user(
    request: Request, db: DbSession, admin: CurrentAdmin,
    email: Annotated[str, Form()] = "", name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "checker", password: Annotated[str, Form()] = "",
):
    form = {"email": email, "name": name, "role": role}
    try:
        user = UserService(db).create(email=email, name=name, role=role, password=password, actor=admin)
    except FactcheckError as error:
        return _answer(request, "admin_users", _users_context(db, form), error=error)
    return _answer(request, "admin_users", _users_context(db),
                   notice=f"Added {user.name} ({user.email}) as {user.role}.")


def _user_change(request: Request, db: Session, change) -> Any:  # type: ignore[no-untyped-def]
    try:
        user = change(UserService(db))
    except FactcheckError as error:
        db.rollback()  # nothing of a refused change may reach the database
        return _answer(request, "admin_users", _users_context(db), error=error)
    state = user.role if user.is_active else "deactivated"
    return _answer(request, "admin_users", _users_context(db),
                   notice=f"{user.name}: {state}.")


@router.post("/users/{user_id}/role")
def change_role(request: Request, user_id: int, db: DbSession, admin: CurrentAdmin,
                role: Annotated[str, Form()] = ""):
    return _user_change(request, db, lambda users: users.set_role(user_id, role, actor=admin))


@router.post("/users/{user_id}/deactivate")
def deactivate_user(request: Request, user_id: int, db: DbSession, admin: CurrentAdmin):
    return _user_change(request, db, lambda users: users.deactivate(user_id, actor=admin))


@router.post("/users/{user_id}/reactivate")
def reactivate_user(request: Request, user_id: int, db: DbSession, admin: CurrentAdmin):
    return _user_change(request, db, lambda users: users.reactivate(user_id, actor=admin))


# The rating scale

def _ratings_context(db: Session, form: dict[str, str] | None = None) -> dict[str, Any]:
    return {"ratings": RatingService(db).list(include_inactive=True), "form": form or {}}


@router.get("/ratings", name="admin_ratings")
def ratings_page(request: Request, db: DbSession, admin: CurrentAdmin):
    return render(request, "admin/ratings.html", _ratings_context(db), fragment="admin/_ratings.html")


@router.post("/ratings")
def create_rating(
    request: Request, db: DbSession, admin: CurrentAdmin,
    name: Annotated[str, Form()] = "", label: Annotated[str, Form()] = "",
    value: Annotated[str, Form()] = "", colour: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "", position: Annotated[str, Form()] = "",
):
    form = {"name": name, "label": label, "value": value, "colour": colour,
            "description": description, "position": position}
    try:
        rating = RatingService(db).create(
            name=name, label=label, value=_int(value, "value"), colour=colour,
            description=description,
            position=_int(position, "order") if position.strip() else None, actor=admin,
        )
    except FactcheckError as error:
        return _answer(request, "admin_ratings", _ratings_context(db, form),
                       error=error)
    return _answer(request, "admin_ratings", _ratings_context(db),
                   notice=f"Added the rating “{rating.label}”.")


def _rating_change(request: Request, db: Session, change) -> Any:  # type: ignore[no-untyped-def]
    try:
        rating = change(RatingService(db))
    except FactcheckError as error:
        db.rollback()
        return _answer(request, "admin_ratings", _ratings_context(db), error=error)
    state = "saved" if rating.is_active else "deactivated"
    return _answer(request, "admin_ratings", _ratings_context(db),
                   notice=f"“{rating.label}” {state}.")


@router.post("/ratings/{rating_id}")
def update_rating(
    request: Request, rating_id: int, db: DbSession, admin: CurrentAdmin,
    label: Annotated[str, Form()] = "", value: Annotated[str, Form()] = "",
    colour: Annotated[str, Form()] = "", description: Annotated[str, Form()] = "",
    position: Annotated[str, Form()] = "",
):
    return _rating_change(request, db, lambda ratings: ratings.update(
        rating_id, label=label, value=_int(value, "value"), colour=colour,
        description=description, position=_int(position, "order"), actor=admin,
    ))


@router.post("/ratings/{rating_id}/deactivate")
def deactivate_rating(request: Request, rating_id: int, db: DbSession, admin: CurrentAdmin):
    return _rating_change(request, db, lambda ratings: ratings.deactivate(rating_id, actor=admin))


@router.post("/ratings/{rating_id}/reactivate")
def reactivate_rating(request: Request, rating_id: int, db: DbSession, admin: CurrentAdmin):
    return _rating_change(request, db, lambda ratings: ratings.reactivate(rating_id, actor=admin))


# Desk settings

@router.get("/settings", name="admin_settings")
def settings_page(request: Request, db: DbSession, admin: CurrentAdmin):
    return render(request, "admin/settings.html",
                  {"two_person_rule": DeskSettings(db).two_person_rule()},
                  fragment="admin/_settings.html")


@router.post("/settings")
def save_settings(request: Request, db: DbSession, admin: CurrentAdmin,
                  two_person_rule: Annotated[str, Form()] = ""):
    enabled = DeskSettings(db).set_two_person_rule(two_person_rule == "on", actor=admin)
    return _answer(request, "admin_settings", {"two_person_rule": enabled},
                   notice=f"Saved: the two-person rule is {'on' if enabled else 'off'}.")
