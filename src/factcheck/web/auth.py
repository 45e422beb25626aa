"""Signing in to the HTML workbench: the session cookie, the login wall, role dependencies, login pages.

`APP_DEPENDENCIES` run on every route of the app: every HTML route needs a signed-in user except
the public paths below, and every state-changing HTML request needs a CSRF token (web/csrf.py).
Routes that need a role ask for it: `user: CurrentEditor`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.responses import Response

from starlette.concurrency import run_in_threadpool

from factcheck.dependencies import DbSession, SettingsDep
from factcheck.exceptions import AuthenticationError, FactcheckError, RateLimitedError
from factcheck.models import Role, User
from factcheck.services.permissions import require_role
from factcheck.services.users import MIN_PASSWORD_LENGTH, UserService
from factcheck.settings import Settings
from factcheck.web import csrf
from factcheck.web.errors import html_error
from factcheck.web.rendering import is_htmx, render

SESSION_COOKIE = "factcheck_session"
PUBLIC_PATHS = frozenset({"/login", "/healthz", "/readyz"})
PUBLIC_PREFIXES = ("/static/", "/api/")


class LoginRequired(AuthenticationError):
    """No valid session: browsers are sent to the login page, other clients get 401."""

    def __init__(self) -> None:
        super().__init__("Please sign in to continue.")


@dataclass(frozen=True)
class SessionData:
    user_id: int
    version: int
    csrf: str


@dataclass(frozen=True)
class UserView:
    """What templates see of the signed-in user: a plain copy, so a page rendered after the
    request's transaction rolled back (an error page) never touches a detached ORM object."""

    id: int
    email: str
    name: str
    role: str

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def at_least(self, role: str | Role) -> bool:
        return self.role_enum.at_least(Role(role))


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


# The session cookie: signed (not encrypted) user id, session version and CSRF secret.

def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt="factcheck.session")


def issue_session(settings: Settings, user: User) -> tuple[str, str]:
    """A new session cookie value for `user`, and the CSRF token that goes with it."""
    token = csrf.new_secret()
    return _serializer(settings).dumps({"u": user.id, "v": user.session_version, "c": token}), token


def read_session(request: Request, settings: Settings) -> SessionData | None:
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        data = _serializer(settings).loads(raw, max_age=settings.session_max_age_hours * 3600)
        return SessionData(user_id=int(data["u"]), version=int(data["v"]), csrf=str(data["c"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def set_session_cookie(response: Response, request: Request, settings: Settings, value: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, value, max_age=settings.session_max_age_hours * 3600, httponly=True,
        samesite="lax", secure=request.url.scheme == "https", path="/",
    )


# Dependencies

async def load_user(request: Request, db: DbSession, settings: SettingsDep) -> User | None:
    """The signed-in user (once per request); sets request.state.user and the template context.

    Async so that API requests (token auth) and anonymous ones pass without a thread-pool hop.
    """
    request.state.user = None
    request.state.csrf_token = None
    if request.url.path.startswith("/api/"):
        return None  # the API authenticates with tokens, never with the browser's cookie
    session = read_session(request, settings)
    user = await run_in_threadpool(db.get, User, session.user_id) if session else None
    if user is None or not user.is_active or user.session_version != session.version:
        return None  # a deactivated user or an outdated session is signed out
    request.state.user = user
    request.state.csrf_token = session.csrf
    context = getattr(request.state, "template_context", None) or {}
    view = UserView(id=user.id, email=user.email, name=user.name, role=user.role)
    request.state.template_context = {**context, "current_user": view, "csrf_token": session.csrf}
    return user


async def require_login(request: Request, user: Annotated[User | None, Depends(load_user)]) -> None:
    if user is None and not is_public(request.url.path):
        raise LoginRequired()


async def require_csrf(
    request: Request, _: Annotated[None, Depends(require_login)]
) -> None:
    if csrf.needs_check(request):
        await csrf.check(request, getattr(request.state, "csrf_token", None))


APP_DEPENDENCIES = [Depends(require_login), Depends(require_csrf)]


def current_user(user: Annotated[User | None, Depends(load_user)]) -> User:
    if user is None:
        raise LoginRequired()
    return user


def _needs(role: Role):  # type: ignore[no-untyped-def]
    def dependency(user: Annotated[User, Depends(current_user)]) -> User:
        return require_role(user, role)

    dependency.__name__ = f"current_{role.value}"
    return dependency


CurrentUser = Annotated[User, Depends(current_user)]
CurrentChecker = Annotated[User, Depends(_needs(Role.checker))]
CurrentEditor = Annotated[User, Depends(_needs(Role.editor))]
CurrentAdmin = Annotated[User, Depends(_needs(Role.admin))]


# The login wall's answer, and the login pages

def safe_next(value: str | None) -> str:
    """Only a local path: an open redirect would let a phishing link borrow our login page."""
    value = (value or "").strip()
    parts = urlsplit(value)
    if (not value.startswith("/") or value.startswith(("//", "/\\")) or parts.scheme
            or parts.netloc or any(c in value for c in "\r\n\t")):
        return "/"
    return "/" if parts.path in ("/login", "/logout") else value


def _requested_path(request: Request) -> str:
    if is_htmx(request) and request.headers.get("HX-Current-URL"):
        current = urlsplit(request.headers["HX-Current-URL"])
        return current.path + (f"?{current.query}" if current.query else "")
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def install(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, error: LoginRequired):
        target = "/login?next=" + quote(safe_next(_requested_path(request)), safe="/")
        if is_htmx(request):
            response: Response = Response(status_code=401, headers={"HX-Redirect": target})
        elif request.method in ("GET", "HEAD") and not request.url.path.startswith("/api/"):
            response = RedirectResponse(target, status_code=303)
        else:
            response = html_error(request, 401, error.message)
        if SESSION_COOKIE in request.cookies:
            response.delete_cookie(SESSION_COOKIE, path="/")
        return response


router = APIRouter()


def _login_page(request: Request, settings: Settings, *, next_url: str, email: str = "",
                error: str | None = None, status_code: int = 200,
                headers: dict[str, str] | None = None) -> Response:
    token, new_cookie = csrf.login_token(request, settings)
    response = render(
        request, "auth/login.html",
        {"next": next_url, "email": email, "error": error, "login_token": token,
         "organization_name": settings.organization_name},
        status_code=status_code, headers=headers,
    )
    if new_cookie:
        csrf.set_login_cookie(response, request, new_cookie)
    return response


@router.get("/login")
def login_form(request: Request, settings: SettingsDep, next: str = "/"):
    if getattr(request.state, "user", None) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, settings, next_url=safe_next(next))


@router.post("/login")
def login(
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
):
    next_url = safe_next(next)
    if not csrf.tokens_match(csrf.read_login_token(request, settings), csrf_token):
        return _login_page(request, settings, next_url=next_url, email=email, status_code=403,
                           error="The sign-in form expired. Please try again.")
    try:
        # The failed attempt must be committed to count, so errors are answered, not raised.
        user = UserService(db, settings=settings).authenticate(
            email=email, password=password, address=request.client.host if request.client else "",
        )
    except RateLimitedError as error:
        return _login_page(request, settings, next_url=next_url, email=email, error=error.message,
                           status_code=429, headers={"Retry-After": str(error.retry_after)})
    except FactcheckError as error:
        return _login_page(request, settings, next_url=next_url, email=email, error=error.message,
                           status_code=401)
    value, _ = issue_session(settings, user)
    if is_htmx(request):
        response: Response = Response(status_code=204, headers={"HX-Redirect": next_url})
    else:
        response = RedirectResponse(next_url, status_code=303)
    set_session_cookie(response, request, settings, value)
    response.delete_cookie(csrf.LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, db: DbSession, user: CurrentUser):
    UserService(db).end_sessions(user)  # the cookie alone is not enough: end it server-side
    if is_htmx(request):
        response: Response = Response(status_code=204, headers={"HX-Redirect": "/login"})
    else:
        response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# The signed-in user's own account: who they are, and changing their password.

def _account_page(request: Request, user: User, *, error: str | None = None,
                  notice: str | None = None, status_code: int = 200) -> Response:
    return render(request, "auth/account.html",
                  {"user": user, "error": error, "notice": notice,
                   "min_length": MIN_PASSWORD_LENGTH},
                  fragment="auth/_password_form.html", status_code=status_code)


@router.get("/account")
def account(request: Request, user: CurrentUser):
    return _account_page(request, user)


@router.post("/account/password")
def change_password(
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    user: CurrentUser,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    confirmation: Annotated[str, Form()] = "",
):
    try:
        # A wrong current password must be committed to count, so errors are answered, not raised.
        UserService(db, settings=settings).change_own_password(
            user, current_password=current_password, new_password=new_password,
            confirmation=confirmation, address=request.client.host if request.client else "",
        )
    except RateLimitedError as error:
        response = _account_page(request, user, error=error.message, status_code=429)
        response.headers["Retry-After"] = str(error.retry_after)
        return response
    except FactcheckError as error:
        status = 403 if isinstance(error, AuthenticationError) else 422
        return _account_page(request, user, error=error.message, status_code=status)
    # Every other session of this user has ended; this browser gets a fresh one.
    value, token = issue_session(settings, user)
    request.state.template_context = {**getattr(request.state, "template_context", {}),
                                      "csrf_token": token}
    response = _account_page(request, user, notice="Your password was changed. You were signed "
                             "out everywhere else.")
    set_session_cookie(response, request, settings, value)
    return response
