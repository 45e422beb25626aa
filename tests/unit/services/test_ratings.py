"""RatingService and DeskSettings against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factcheck.exceptions import ConflictError, NotFoundError, PermissionDenied, ValidationError
from factcheck.models import DEFAULT_SCALE, AuditEvent, Rating
from factcheck.services.desk_settings import DeskSettings
from factcheck.services.ratings import RatingService
from tests.factories import RatingFactory, UserFactory

GOOD = {"label": "Pants on fire", "value": 0, "colour": "#B60205", "description": "Ridiculous."}


@pytest.fixture
def admin(db):  # type: ignore[no-untyped-def]
    return UserFactory(role="admin")


class TestDefaultScale:
    def test_it_seeds_the_default_scale_in_order_when_there_are_no_ratings(self, db):
        created = RatingService(db).ensure_default_scale()
        assert [r.name for r in created] == [step["name"] for step in DEFAULT_SCALE]
        assert [r.name for r in RatingService(db).list()] == [step["name"] for step in DEFAULT_SCALE]

    def test_it_leaves_an_existing_scale_alone(self, db):
        RatingFactory(name="only")
        assert RatingService(db).ensure_default_scale() == []
        assert [r.name for r in RatingService(db).list()] == ["only"]


class TestCreate:
    def test_it_adds_a_rating_at_the_end_and_records_it(self, db, admin):
        RatingFactory(position=4)
        rating = RatingService(db).create(name="Pants-on-fire", actor=admin, **GOOD)
        assert (rating.name, rating.colour, rating.position) == ("pants-on-fire", "#b60205", 5)
        event = db.scalar(select(AuditEvent).where(AuditEvent.action == "rating.created"))
        assert event.subject_id == rating.id and event.actor_id == admin.id

    @pytest.mark.parametrize(
        "change, message",
        [
            ({"colour": "red"}, "#rrggbb"),
            ({"colour": "#12345"}, "#rrggbb"),
            ({"colour": "#gggggg"}, "#rrggbb"),
            ({"label": "  "}, "label"),
            ({"value": -1}, "value"),
            ({"name": "Not a slug!"}, "slug"),
            ({"description": "x" * 2001}, "description"),
        ],
    )
    def test_it_refuses_bad_fields_and_adds_nothing(self, db, admin, change, message):
        with pytest.raises(ValidationError, match=message):
            RatingService(db).create(**{"name": "new-one", "actor": admin, **GOOD, **change})
        assert db.scalar(select(Rating.id)) is None

    def test_names_are_unique(self, db, admin):
        RatingFactory(name="false")
        with pytest.raises(ConflictError, match="already exists"):
            RatingService(db).create(name="false", actor=admin, **GOOD)

    @pytest.mark.parametrize("role", ["checker", "editor"])
    def test_only_admins_edit_the_scale(self, db, role):
        with pytest.raises(PermissionDenied):
            RatingService(db).create(name="x", actor=UserFactory(role=role), **GOOD)


class TestUpdateAndDeactivate:
    def test_update_changes_the_fields_and_records_what_changed(self, db, admin):
        rating = RatingFactory(label="False", colour="#cf222e", value=3, position=2)
        RatingService(db).update(rating.id, label="Wrong", value=3, colour="#000000",
                                 description="", position=9, actor=admin)
        assert (rating.label, rating.colour, rating.position) == ("Wrong", "#000000", 9)
        event = db.scalar(select(AuditEvent).where(AuditEvent.action == "rating.updated"))
        assert event.details["changes"]["label"] == ["False", "Wrong"]

    def test_a_bad_update_changes_nothing(self, db, admin):
        rating = RatingFactory(label="False", colour="#cf222e")
        with pytest.raises(ValidationError):
            RatingService(db).update(rating.id, label="Wrong", value=3, colour="nope",
                                     description="", position=1, actor=admin)
        assert (rating.label, rating.colour) == ("False", "#cf222e")

    def test_deactivated_ratings_leave_the_active_scale_but_stay(self, db, admin):
        keep, drop = RatingFactory(), RatingFactory()
        RatingService(db).deactivate(drop.id, actor=admin)
        assert RatingService(db).list() == [keep]
        assert RatingService(db).list(include_inactive=True) == [keep, drop]
        RatingService(db).reactivate(drop.id, actor=admin)
        assert RatingService(db).list() == [keep, drop]

    def test_the_last_active_rating_cannot_be_deactivated(self, db, admin):
        only = RatingFactory()
        with pytest.raises(ConflictError):
            RatingService(db).deactivate(only.id, actor=admin)

    def test_an_unknown_rating_is_not_found(self, db, admin):
        with pytest.raises(NotFoundError):
            RatingService(db).get(424242)


class TestDeskSettings:
    def test_the_two_person_rule_is_on_by_default(self, db):
        assert DeskSettings(db).two_person_rule() is True

    def test_an_admin_turns_it_off_and_on_again_with_an_audit_trail(self, db, admin):
        DeskSettings(db).set_two_person_rule(False, actor=admin)
        assert DeskSettings(db).two_person_rule() is False
        DeskSettings(db).set_two_person_rule(True, actor=admin)
        assert DeskSettings(db).two_person_rule() is True
        events = db.scalars(select(AuditEvent).where(AuditEvent.action == "settings.changed")).all()
        assert [(e.details["from"], e.details["to"]) for e in events] == [(True, False), (False, True)]

    def test_an_editor_cannot_change_it(self, db):
        with pytest.raises(PermissionDenied):
            DeskSettings(db).set_two_person_rule(False, actor=UserFactory(role="editor"))
        assert DeskSettings(db).two_person_rule() is True
