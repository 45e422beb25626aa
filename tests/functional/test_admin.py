"""Admin pages over HTTP: users, the rating scale, desk settings; with and without htmx."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from factcheck.models import Rating, User
from factcheck.services.desk_settings import DeskSettings
from tests.factories import RatingFactory

ADMIN_PAGES = ["/admin", "/admin/users", "/admin/ratings", "/admin/settings"]
NEW_USER = {"email": "New@Newsroom.test", "name": "Nina New", "role": "editor",
            "password": "a good long password"}
NEW_RATING = {"name": "pants-on-fire", "label": "Pants on fire", "value": "0",
              "colour": "#b60205", "description": "Ridiculous.", "position": ""}


def count(db, model) -> int:  # type: ignore[no-untyped-def]
    return db.scalar(select(func.count()).select_from(model))


class TestAccess:
    @pytest.mark.parametrize("path", ADMIN_PAGES)
    def test_admins_see_the_admin_pages(self, as_admin, path):
        response = as_admin.get(path)
        assert response.status_code == 200
        assert 'href="/admin"' in response.text  # the admin link in the main nav

    @pytest.mark.parametrize("who", ["checker", "editor"])
    @pytest.mark.parametrize("path", ADMIN_PAGES)
    def test_other_roles_get_403(self, logged_in_client, who, path):
        response = logged_in_client(who).get(path)
        assert response.status_code == 403
        assert "admin role" in response.text

    @pytest.mark.parametrize("who", ["checker", "editor"])
    def test_other_roles_cannot_post_either_and_nothing_changes(self, logged_in_client, who, db):
        client = logged_in_client(who)
        response = client.post("/admin/users", data=NEW_USER, headers=client.csrf_headers)
        assert response.status_code == 403
        assert db.scalar(select(User).where(User.email == "new@newsroom.test")) is None

    def test_anonymous_visitors_are_sent_to_login(self, client):
        response = client.get("/admin/users", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login?next=/admin/users"

    def test_the_index_links_every_admin_page(self, as_admin):
        page = as_admin.get("/admin").text
        for href in ["/admin/users", "/admin/ratings", "/admin/settings", "/admin/tokens", "/admin/webhooks"]:
            assert f'href="{href}"' in page


class TestUsers:
    def test_the_list_shows_every_account(self, as_admin, users):
        page = as_admin.get("/admin/users").text
        for user in (users.checker, users.editor, users.editor2, users.admin):
            assert user.email in page

    def test_creating_a_user_redirects_back_to_the_list(self, as_admin, db):
        response = as_admin.post("/admin/users", data={**NEW_USER, "csrf_token": as_admin.csrf},
                                 follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/admin/users"
        assert db.scalar(select(User.role).where(User.email == "new@newsroom.test")) == "editor"

    def test_creating_a_user_over_htmx_answers_the_section_with_a_notice(self, as_admin):
        response = as_admin.post("/admin/users", data=NEW_USER, headers=as_admin.htmx_headers)
        assert response.status_code == 200
        assert "<html" not in response.text
        assert "Added Nina New (new@newsroom.test) as editor." in response.text

    @pytest.mark.parametrize("htmx", [False, True])
    def test_a_bad_user_is_refused_with_the_form_kept_and_nothing_created(self, as_admin, db, htmx):
        headers = as_admin.htmx_headers if htmx else as_admin.csrf_headers
        before = count(db, User)
        response = as_admin.post("/admin/users", data={**NEW_USER, "password": "short"}, headers=headers)
        assert response.status_code == 422
        assert "at least 10 characters" in response.text
        assert 'value="Nina New"' in response.text
        assert ("<html" in response.text) is not htmx
        assert count(db, User) == before

    def test_user_written_values_are_escaped(self, as_admin, db):
        as_admin.post("/admin/users", headers=as_admin.csrf_headers,
                      data={**NEW_USER, "name": "<script>alert(1)</script>"})
        page = as_admin.get("/admin/users").text
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page

    def test_changing_a_role(self, as_admin, users, db):
        response = as_admin.post(f"/admin/users/{users.checker.id}/role", data={"role": "editor"},
                                 headers=as_admin.htmx_headers)
        assert response.status_code == 200 and "Chris Checker: editor." in response.text
        db.refresh(users.checker)
        assert users.checker.role == "editor"

    def test_deactivating_signs_the_user_out(self, as_admin, as_checker, users):
        response = as_admin.post(f"/admin/users/{users.checker.id}/deactivate",
                                 headers=as_admin.csrf_headers, follow_redirects=False)
        assert response.status_code == 303
        assert as_checker.get("/articles", follow_redirects=False).status_code == 303
        as_admin.post(f"/admin/users/{users.checker.id}/reactivate", headers=as_admin.csrf_headers)
        page = as_admin.get("/admin/users").text
        assert f"/admin/users/{users.checker.id}/deactivate" in page  # active again

    def test_the_last_admin_cannot_demote_themselves(self, as_admin, users, db):
        response = as_admin.post(f"/admin/users/{users.admin.id}/role", data={"role": "checker"},
                                 headers=as_admin.htmx_headers)
        assert response.status_code == 409
        assert "last active admin" in response.text
        db.refresh(users.admin)
        assert users.admin.role == "admin"

    @pytest.mark.parametrize("user_id", [424242, 2**40])
    def test_an_unknown_user_is_404(self, as_admin, user_id):
        response = as_admin.post(f"/admin/users/{user_id}/deactivate", headers=as_admin.htmx_headers)
        assert response.status_code == 404


class TestRatings:
    def test_the_scale_is_listed_in_order_with_inactive_ones_marked(self, as_admin):
        RatingFactory(name="second", position=2)
        RatingFactory(name="first", position=1)
        RatingFactory(name="gone", position=3, is_active=False)
        page = as_admin.get("/admin/ratings").text
        assert page.index("first") < page.index("second") < page.index("gone")
        assert "inactive" in page.split("gone")[1][:300]

    @pytest.mark.parametrize("htmx", [False, True])
    def test_adding_a_rating(self, as_admin, db, htmx):
        headers = as_admin.htmx_headers if htmx else as_admin.csrf_headers
        response = as_admin.post("/admin/ratings", data=NEW_RATING, headers=headers,
                                 follow_redirects=False)
        assert response.status_code == (200 if htmx else 303)
        rating = db.scalar(select(Rating).where(Rating.name == "pants-on-fire"))
        assert (rating.label, rating.value, rating.colour) == ("Pants on fire", 0, "#b60205")

    @pytest.mark.parametrize(
        "change, message",
        [({"colour": "red"}, "#rrggbb"), ({"value": "lots"}, "whole number"),
         ({"name": "Bad Name"}, "slug"), ({"label": ""}, "label")],
    )
    def test_bad_ratings_are_refused_and_nothing_is_added(self, as_admin, db, change, message):
        response = as_admin.post("/admin/ratings", data={**NEW_RATING, **change},
                                 headers=as_admin.htmx_headers)
        assert response.status_code == 422 and message in response.text
        assert count(db, Rating) == 0

    def test_a_duplicate_name_is_a_conflict(self, as_admin, db):
        RatingFactory(name="pants-on-fire")
        response = as_admin.post("/admin/ratings", data=NEW_RATING, headers=as_admin.htmx_headers)
        assert response.status_code == 409 and "already exists" in response.text

    def test_editing_a_rating(self, as_admin, db):
        rating = RatingFactory(label="False", colour="#cf222e", value=3, position=1)
        response = as_admin.post(
            f"/admin/ratings/{rating.id}", headers=as_admin.htmx_headers,
            data={"label": "Wrong", "value": "2", "colour": "#AA0000", "description": "No.", "position": "4"},
        )
        assert response.status_code == 200 and "“Wrong” saved." in response.text
        db.refresh(rating)
        assert (rating.label, rating.value, rating.colour, rating.position) == ("Wrong", 2, "#aa0000", 4)

    def test_a_bad_edit_changes_nothing(self, as_admin, db):
        rating = RatingFactory(label="False", colour="#cf222e")
        response = as_admin.post(
            f"/admin/ratings/{rating.id}", headers=as_admin.htmx_headers,
            data={"label": "Wrong", "value": "2", "colour": "crimson", "description": "", "position": "1"},
        )
        assert response.status_code == 422
        db.refresh(rating)
        assert (rating.label, rating.colour) == ("False", "#cf222e")

    def test_deactivating_and_reactivating(self, as_admin, db):
        keep, drop = RatingFactory(), RatingFactory()
        as_admin.post(f"/admin/ratings/{drop.id}/deactivate", headers=as_admin.csrf_headers)
        db.refresh(drop)
        assert not drop.is_active
        as_admin.post(f"/admin/ratings/{drop.id}/reactivate", headers=as_admin.csrf_headers)
        db.refresh(drop)
        assert drop.is_active and keep.is_active


class TestSettings:
    def test_the_page_shows_the_two_person_rule_on_by_default(self, as_admin):
        page = as_admin.get("/admin/settings").text
        assert 'name="two_person_rule" value="on" checked' in page

    @pytest.mark.parametrize("htmx", [False, True])
    def test_turning_the_two_person_rule_off_and_on(self, as_admin, db, htmx):
        headers = as_admin.htmx_headers if htmx else as_admin.csrf_headers
        response = as_admin.post("/admin/settings", data={}, headers=headers, follow_redirects=False)
        assert response.status_code == (200 if htmx else 303)
        assert DeskSettings(db).two_person_rule() is False
        as_admin.post("/admin/settings", data={"two_person_rule": "on"}, headers=headers)
        assert DeskSettings(db).two_person_rule() is True

    def test_without_csrf_the_setting_stays(self, as_admin, db):
        assert as_admin.post("/admin/settings", data={}).status_code == 403
        assert DeskSettings(db).two_person_rule() is True
