"""Signed-in HTTP clients for functional tests.

- `users`: a namespace of accounts made through UserService, password `PASSWORD` for all:
  `users.checker`, `users.editor`, `users.editor2`, `users.admin`.
- `as_checker`, `as_editor`, `as_editor2`, `as_admin`: TestClients signed in as that user.
  Each has `.user`, `.csrf` (the token) and `.csrf_headers` ({"X-CSRF-Token": ...}); add
  `.htmx_headers` for an htmx request that carries the token too:
      as_editor.post("/claims/1/approve", headers=as_editor.htmx_headers)
      as_editor.post("/articles", data={..., "csrf_token": as_editor.csrf})
- `logged_in_client(user_or_role)`: a further signed-in client (e.g. two checkers racing).
- `login(client, user)`: sign an existing client in (sets the cookie and the attributes above).
The anonymous client is the root conftest's `client`. Sessions are minted with the same code as
the login form (web.auth.issue_session); tests/functional/test_auth.py covers the form itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from factcheck.models import Role, User
from factcheck.services.users import UserService
from factcheck.web.auth import SESSION_COOKIE, issue_session

PASSWORD = "correct horse battery staple"
# Cheap Argon2 parameters keep account set-up fast; verification reads them from the hash.
FAST_HASHER = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))


def make_user(db, *, role: Role | str, email: str, name: str, password: str = PASSWORD) -> User:  # type: ignore[no-untyped-def]
    return UserService(db, hasher=FAST_HASHER).create(
        email=email, name=name, role=role, password=password, system=True
    )


@pytest.fixture
def users(db) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    return SimpleNamespace(
        checker=make_user(db, role=Role.checker, email="checker@newsroom.test", name="Chris Checker"),
        editor=make_user(db, role=Role.editor, email="editor@newsroom.test", name="Eda Editor"),
        editor2=make_user(db, role=Role.editor, email="editor2@newsroom.test", name="Ed Second"),
        admin=make_user(db, role=Role.admin, email="admin@newsroom.test", name="Ada Admin"),
    )


def login(client: TestClient, user: User) -> TestClient:
    value, token = issue_session(client.app.state.settings, user)
    client.cookies.set(SESSION_COOKIE, value)
    client.user = user  # type: ignore[attr-defined]
    client.csrf = token  # type: ignore[attr-defined]
    client.csrf_headers = {"X-CSRF-Token": token}  # type: ignore[attr-defined]
    client.htmx_headers = {"X-CSRF-Token": token, "HX-Request": "true"}  # type: ignore[attr-defined]
    return client


@pytest.fixture
def logged_in_client(app, db, users) -> Iterator[Callable[[User | str], TestClient]]:  # type: ignore[no-untyped-def]
    clients: list[TestClient] = []

    def make(who: User | str) -> TestClient:
        user = getattr(users, who) if isinstance(who, str) else who
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return login(client, user)

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def as_checker(logged_in_client) -> TestClient:  # type: ignore[no-untyped-def]
    return logged_in_client("checker")


@pytest.fixture
def as_editor(logged_in_client) -> TestClient:  # type: ignore[no-untyped-def]
    return logged_in_client("editor")


@pytest.fixture
def as_editor2(logged_in_client) -> TestClient:  # type: ignore[no-untyped-def]
    return logged_in_client("editor2")


@pytest.fixture
def as_admin(logged_in_client) -> TestClient:  # type: ignore[no-untyped-def]
    return logged_in_client("admin")
