"""UserService against a real database: creating accounts, signing in, rate limits, admin changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from factcheck.exceptions import (
    AuthenticationError,
    ConflictError,
    PermissionDenied,
    RateLimitedError,
    ValidationError,
)
from factcheck.models import AuditEvent, LoginAttempt, User, utcnow
from factcheck.services.users import UserService
from tests.factories import UserFactory
from tests.functional.conftest import FAST_HASHER

PASSWORD = "a long enough password"


@pytest.fixture
def service(db, settings):  # type: ignore[no-untyped-def]
    return UserService(db, settings=settings, hasher=FAST_HASHER)


@pytest.fixture
def admin(service):  # type: ignore[no-untyped-def]
    return service.create(email="boss@newsroom.test", name="Boss", role="admin",
                          password=PASSWORD, system=True)


def make(service, admin, email="sam@newsroom.test", role="checker"):  # type: ignore[no-untyped-def]
    return service.create(email=email, name="Sam", role=role, password=PASSWORD, actor=admin)


class TestCreate:
    def test_it_normalises_the_email_and_hashes_the_password(self, service, admin):
        user = service.create(email="  Sam@NewsRoom.Test ", name=" Sam ", role="editor",
                              password=PASSWORD, actor=admin)
        assert (user.email, user.name, user.role) == ("sam@newsroom.test", "Sam", "editor")
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash

    def test_it_records_who_created_the_account(self, service, admin, db):
        user = make(service, admin)
        event = db.scalar(select(AuditEvent).where(AuditEvent.subject_id == user.id,
                                                   AuditEvent.action == "user.created"))
        assert event.actor_id == admin.id and event.details["role"] == "checker"

    @pytest.mark.parametrize(
        "change, message",
        [
            ({"email": "not-an-email"}, "valid email"),
            ({"email": "a@b"}, "valid email"),
            ({"password": "short"}, "at least 10"),
            ({"role": "overlord"}, "Unknown role"),
            ({"name": ""}, "name"),
        ],
    )
    def test_it_refuses_bad_input_and_creates_nothing(self, service, admin, db, change, message):
        fields = {"email": "new@newsroom.test", "name": "New", "role": "checker", "password": PASSWORD}
        with pytest.raises(ValidationError, match=message):
            service.create(**{**fields, **change}, actor=admin)
        assert db.scalar(select(User).where(User.email == "new@newsroom.test")) is None

    def test_emails_are_unique_whatever_their_case(self, service, admin):
        make(service, admin)
        with pytest.raises(ConflictError):
            make(service, admin, email="SAM@newsroom.test")

    @pytest.mark.parametrize("role", ["checker", "editor"])
    def test_only_admins_create_accounts(self, service, role):
        with pytest.raises(PermissionDenied):
            make(service, UserFactory(role=role))

    def test_nobody_creates_accounts_without_an_actor_unless_it_is_the_operator(self, service):
        with pytest.raises(PermissionDenied):
            make(service, None)


class TestAuthenticate:
    def test_the_right_password_signs_in_and_is_recorded(self, service, admin, db):
        user = service.authenticate(email="BOSS@newsroom.test", password=PASSWORD, address="10.0.0.1")
        assert user == admin and user.last_login_at is not None
        attempt = db.scalar(select(LoginAttempt))
        assert (attempt.succeeded, attempt.address, attempt.user_id) == (True, "10.0.0.1", admin.id)

    @pytest.mark.parametrize("email, password", [("boss@newsroom.test", "wrong password"),
                                                 ("nobody@newsroom.test", PASSWORD)])
    def test_wrong_credentials_fail_the_same_way(self, service, admin, db, email, password):
        with pytest.raises(AuthenticationError, match="Wrong email or password"):
            service.authenticate(email=email, password=password, address="10.0.0.1")
        assert db.scalar(select(LoginAttempt.succeeded)) is False

    def test_an_account_without_a_usable_password_cannot_sign_in(self, service, db):
        user = UserFactory(password_hash="!")
        with pytest.raises(AuthenticationError, match="Wrong email or password"):
            service.authenticate(email=user.email, password="any password at all", address="x")

    def test_a_deactivated_user_is_refused(self, service, admin):
        user = make(service, admin)
        service.deactivate(user.id, actor=admin)
        with pytest.raises(AuthenticationError, match="deactivated"):
            service.authenticate(email=user.email, password=PASSWORD, address="10.0.0.1")

    def fail_times(self, service, n, *, email, address):  # type: ignore[no-untyped-def]
        for _ in range(n):
            with pytest.raises(AuthenticationError):
                service.authenticate(email=email, password="wrong password", address=address)

    def test_too_many_failures_for_one_account_lock_it_even_with_the_right_password(self, service, admin, settings):
        self.fail_times(service, settings.login_max_failures, email=admin.email, address="10.0.0.1")
        with pytest.raises(RateLimitedError) as raised:
            service.authenticate(email=admin.email, password=PASSWORD, address="10.9.9.9")
        assert 0 < raised.value.retry_after <= settings.login_window_minutes * 60 + 1

    def test_too_many_failures_from_one_address_lock_every_account_from_there(self, service, admin, settings):
        for n in range(settings.login_max_failures):
            self.fail_times(service, 1, email=f"guess{n}@newsroom.test", address="10.6.6.6")
        with pytest.raises(RateLimitedError):
            service.authenticate(email=admin.email, password=PASSWORD, address="10.6.6.6")
        assert service.authenticate(email=admin.email, password=PASSWORD, address="10.0.0.2") == admin

    def test_failures_older_than_the_window_do_not_count(self, service, admin, settings, db):
        old = utcnow() - timedelta(minutes=settings.login_window_minutes + 1)
        db.add_all(LoginAttempt(email=admin.email, address="10.0.0.1", succeeded=False, created_at=old)
                   for _ in range(settings.login_max_failures))
        db.flush()
        assert service.authenticate(email=admin.email, password=PASSWORD, address="10.0.0.1") == admin

    def test_one_failure_under_the_limit_still_allows_signing_in(self, service, admin, settings):
        self.fail_times(service, settings.login_max_failures - 1, email=admin.email, address="10.0.0.1")
        assert service.authenticate(email=admin.email, password=PASSWORD, address="10.0.0.1") == admin


class TestAdminChanges:
    def test_deactivation_ends_sessions_and_is_audited(self, service, admin, db):
        user = make(service, admin)
        service.deactivate(user.id, actor=admin)
        assert (user.is_active, user.session_version) == (False, 2)
        assert db.scalar(select(AuditEvent.actor_id).where(AuditEvent.action == "user.deactivated")) == admin.id

    def test_set_role_changes_the_role_and_records_from_and_to(self, service, admin, db):
        user = make(service, admin)
        service.set_role(user.id, "editor", actor=admin)
        assert user.role == "editor"
        event = db.scalar(select(AuditEvent).where(AuditEvent.action == "user.role_changed"))
        assert (event.details["from"], event.details["to"]) == ("checker", "editor")

    def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(self, service, admin):
        with pytest.raises(ConflictError, match="last active admin"):
            service.set_role(admin.id, "editor", actor=admin)
        with pytest.raises(ConflictError, match="last active admin"):
            service.deactivate(admin.id, system=True)
        assert admin.role == "admin" and admin.is_active

    def test_admins_cannot_deactivate_themselves(self, service, admin):
        make(service, admin, email="second@newsroom.test", role="admin")
        with pytest.raises(ConflictError, match="your own account"):
            service.deactivate(admin.id, actor=admin)
        assert admin.is_active

    def test_a_user_changes_their_own_password_but_not_someone_elses(self, service, admin):
        sam = make(service, admin)
        kim = make(service, admin, email="kim@newsroom.test")
        service.set_password(sam.id, password="my new password", actor=sam)
        assert service.authenticate(email=sam.email, password="my new password", address="x") == sam
        with pytest.raises(PermissionDenied):
            service.set_password(kim.id, password="a takeover password", actor=sam)

    @pytest.mark.parametrize("action", ["deactivate", "set_role"])
    def test_editors_cannot_change_accounts(self, service, admin, action):
        user = make(service, admin)
        editor = make(service, admin, email="ed@newsroom.test", role="editor")
        args = (user.id, "admin") if action == "set_role" else (user.id,)
        with pytest.raises(PermissionDenied):
            getattr(service, action)(*args, actor=editor)
        assert user.role == "checker" and user.is_active
