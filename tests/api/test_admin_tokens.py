"""/admin/tokens: admins create (secret shown once), list and revoke tokens; others are refused."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from factcheck.models import ApiToken, Role
from factcheck.services.api_tokens import hash_secret
from tests.functional.conftest import login, make_user


@pytest.fixture
def admin_client(client, db):
    return login(client, make_user(db, role=Role.admin, email="ada@newsroom.test", name="Ada Admin"))


def secret_in(html: str) -> str:
    match = re.search(r'value="(fc_[0-9a-f]{8}_[A-Za-z0-9_-]+)"', html)
    assert match, "the new token is shown"
    return match.group(1)


@pytest.mark.parametrize("htmx", [False, True])
def test_an_admin_creates_a_token_and_sees_its_secret_once(admin_client, db, htmx):
    headers = admin_client.htmx_headers if htmx else admin_client.csrf_headers
    response = admin_client.post("/admin/tokens", headers=headers, data={
        "name": "cms <b>", "scopes": ["articles:write", "verdicts:read"], "expires_days": "90"})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    assert ("<html" in response.text.lower()) is not htmx
    secret = secret_in(response.text)
    token = db.scalars(select(ApiToken)).one()
    assert token.token_hash == hash_secret(secret) and token.created_by_id == admin_client.user.id
    assert "cms &lt;b&gt;" in response.text  # escaped
    listing = admin_client.get("/admin/tokens")
    assert listing.status_code == 200 and secret not in listing.text and f"fc_{token.prefix}_" in listing.text


def test_a_personal_token_acts_as_the_chosen_user(admin_client, db):
    editor = make_user(db, role=Role.editor, email="ed@newsroom.test", name="Ed Itor")
    response = admin_client.post("/admin/tokens", headers=admin_client.csrf_headers, data={
        "name": "ed's bot", "scopes": ["workflow"], "user_id": str(editor.id)})
    assert response.status_code == 201
    assert db.scalars(select(ApiToken)).one().user_id == editor.id


@pytest.mark.parametrize("data", [
    {"name": "x"}, {"name": "", "scopes": ["detect"]}, {"name": "x", "scopes": ["workflow"]},
    {"name": "x", "scopes": ["detect"], "expires_days": "soon"},
    {"name": "x", "scopes": ["detect"], "user_id": "999999"},
])
def test_refused_input_shows_the_message_and_stores_nothing(admin_client, db, data):
    response = admin_client.post("/admin/tokens", headers=admin_client.htmx_headers, data=data)
    assert response.status_code in (404, 422)
    assert 'role="alert"' in response.text
    assert db.scalars(select(ApiToken)).all() == []


def test_revoking_from_the_page_stops_the_token(admin_client, db):
    admin_client.post("/admin/tokens", headers=admin_client.csrf_headers,
                      data={"name": "cms", "scopes": ["articles:read"]})
    token = db.scalars(select(ApiToken)).one()
    response = admin_client.post(f"/admin/tokens/{token.id}/revoke", headers=admin_client.csrf_headers,
                                 follow_redirects=False)
    assert response.status_code == 303
    db.refresh(token)
    assert token.revoked_at is not None


def test_non_admins_cannot_see_or_create_tokens(client, db):
    editor = login(client, make_user(db, role=Role.editor, email="e@newsroom.test", name="E"))
    assert editor.get("/admin/tokens").status_code == 403
    response = editor.post("/admin/tokens", headers=editor.csrf_headers,
                           data={"name": "x", "scopes": ["admin"]})
    assert response.status_code == 403
    assert db.scalars(select(ApiToken)).all() == []


def test_creating_without_the_csrf_token_is_refused(admin_client, db):
    response = admin_client.post("/admin/tokens", data={"name": "x", "scopes": ["detect"]})
    assert response.status_code == 403
    assert db.scalars(select(ApiToken)).all() == []
