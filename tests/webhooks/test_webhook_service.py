"""WebhookService: endpoints CRUD for admins, validation that changes nothing, deliveries and resend."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from factcheck.exceptions import ConflictError, NotFoundError, PermissionDenied, ValidationError
from factcheck.models import AuditEvent, WebhookDelivery, WebhookEndpoint, utcnow
from factcheck.services.webhooks import WebhookService
from tests.factories import (
    UserFactory, WebhookAttemptFactory, WebhookDeliveryFactory, WebhookEndpointFactory,
)


@pytest.fixture
def admin(db):  # type: ignore[no-untyped-def]
    return UserFactory(role="admin")


@pytest.fixture
def service(db):  # type: ignore[no-untyped-def]
    return WebhookService(db)


def audit_actions(db, subject_type: str, subject_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    return list(db.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
        .order_by(AuditEvent.id)
    ))


def count(db, model) -> int:  # type: ignore[no-untyped-def]
    return db.scalar(select(func.count()).select_from(model))


def test_create_generates_a_secret_orders_events_and_records_it(db, service, admin):
    endpoint = service.create(
        url=" https://cms.example/hooks ", events=["claim.orphaned", "verdict.published", "claim.orphaned"],
        description="  The CMS  ", actor=admin,
    )
    assert endpoint.url == "https://cms.example/hooks"
    assert endpoint.events == ["verdict.published", "claim.orphaned"]
    assert endpoint.description == "The CMS" and endpoint.is_active
    assert len(endpoint.secret) >= 40 and endpoint.created_by_id == admin.id
    assert audit_actions(db, "webhook_endpoint", endpoint.id) == ["webhook.created"]


def test_two_endpoints_get_different_secrets(service, admin):
    one = service.create(url="https://a.example/", events=["verdict.published"], actor=admin)
    two = service.create(url="https://a.example/", events=["verdict.published"], actor=admin)
    assert one.secret != two.secret


@pytest.mark.parametrize("role", ["checker", "editor"])
def test_only_admins_manage_webhooks(db, service, role):
    user = UserFactory(role=role)
    endpoint = WebhookEndpointFactory()
    calls = [
        lambda: service.create(url="https://a.example/", events=["verdict.published"], actor=user),
        lambda: service.endpoints(actor=user),
        lambda: service.update(endpoint.id, is_active=False, actor=user),
        lambda: service.rotate_secret(endpoint.id, actor=user),
        lambda: service.remove(endpoint.id, actor=user),
        lambda: service.deliveries(endpoint.id, actor=user),
        lambda: service.resend(WebhookDeliveryFactory(status="failed", attempts=3).id, actor=user),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    with pytest.raises(PermissionDenied):
        service.endpoints(actor=None)


def test_a_deactivated_admin_is_refused(service):
    with pytest.raises(PermissionDenied):
        service.endpoints(actor=UserFactory(role="admin", is_active=False))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Give the endpoint's URL"),
        ("ftp://cms.example/hooks", "must start with http:// or https://"),
        ("javascript:alert(1)", "must start with http:// or https://"),
        ("https://", "must start with http:// or https://"),
        ("https://cms.example/a b", "spaces"),
        ("https://cms.example:99999/", "malformed"),
        ("https://cms.example/" + "x" * 2048, "longer than 2048"),
    ],
)
def test_a_bad_url_is_refused_and_changes_nothing(db, service, admin, url, message):
    with pytest.raises(ValidationError, match=message):
        service.create(url=url, events=["verdict.published"], actor=admin)
    assert count(db, WebhookEndpoint) == 0


@pytest.mark.parametrize(
    ("events", "message"),
    [([], "at least one event"), (["verdict.deleted"], "Unknown event 'verdict.deleted'"), ([" "], "at least one")],
)
def test_events_must_be_a_non_empty_subset_of_the_known_ones(db, service, admin, events, message):
    with pytest.raises(ValidationError, match=message):
        service.create(url="https://a.example/", events=events, actor=admin)
    assert count(db, WebhookEndpoint) == 0


def test_update_changes_only_what_is_given_and_records_the_changes(db, service, admin):
    endpoint = WebhookEndpointFactory(events=["verdict.published"])
    service.update(endpoint.id, events=["article.revised"], is_active=False, actor=admin)
    assert endpoint.events == ["article.revised"] and not endpoint.is_active
    assert endpoint.url.startswith("https://cms.example/")
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "webhook.updated")).one()
    assert event.details == {"events": [["verdict.published"], ["article.revised"]], "is_active": [True, False]}


def test_rotating_the_secret_replaces_it(db, service, admin):
    endpoint = WebhookEndpointFactory()
    old = endpoint.secret
    assert service.rotate_secret(endpoint.id, actor=admin).secret != old
    assert audit_actions(db, "webhook_endpoint", endpoint.id) == ["webhook.secret_rotated"]


def test_remove_deletes_the_endpoint_with_its_deliveries(db, service, admin):
    endpoint = WebhookEndpointFactory()
    WebhookAttemptFactory(delivery_id=WebhookDeliveryFactory(endpoint_id=endpoint.id).id)
    service.remove(endpoint.id, actor=admin)
    db.expire_all()
    assert count(db, WebhookEndpoint) == count(db, WebhookDelivery) == 0
    assert audit_actions(db, "webhook_endpoint", endpoint.id) == ["webhook.removed"]


def test_unknown_ids_are_not_found(service, admin):
    for call in (lambda: service.get(404, actor=admin), lambda: service.resend(404, actor=admin),
                 lambda: service.deliveries(404, actor=admin)):
        with pytest.raises(NotFoundError):
            call()


def test_deliveries_come_newest_first_with_their_attempts(db, service, admin):
    endpoint = WebhookEndpointFactory()
    older = WebhookDeliveryFactory(endpoint_id=endpoint.id, status="failed", attempts=2)
    WebhookAttemptFactory(delivery_id=older.id)
    WebhookAttemptFactory(delivery_id=older.id, status_code=None, error="timed out after 10 s")
    newer = WebhookDeliveryFactory(endpoint_id=endpoint.id)
    WebhookDeliveryFactory()  # another endpoint's
    db.expire_all()

    rows = service.deliveries(endpoint.id, actor=admin)
    assert [r.delivery.id for r in rows] == [newer.id, older.id]
    assert [a.error for a in rows[1].delivery.attempts_log] == [None, "timed out after 10 s"]
    assert [r.delivery.id for r in service.deliveries(endpoint.id, status="failed", actor=admin)] == [older.id]
    assert len(service.deliveries(actor=admin)) == 3
    with pytest.raises(ValidationError):
        service.deliveries(endpoint.id, status="lost", actor=admin)


def test_overview_counts_deliveries_by_status(service, admin):
    endpoint = WebhookEndpointFactory()
    for status in ("delivered", "delivered", "failed"):
        WebhookDeliveryFactory(endpoint_id=endpoint.id, status=status, attempts=1)
    [summary] = service.overview(actor=admin, recent=2)
    assert summary.counts == {"delivered": 2, "failed": 1}
    assert len(summary.recent) == 2


def test_resend_queues_a_failed_delivery_as_a_new_cycle_of_the_same_event(db, service, admin):
    old = WebhookDeliveryFactory(status="failed", attempts=7, last_error="HTTP 500")
    new = service.resend(old.id, actor=admin)

    assert (new.status, new.attempts, new.event_id, new.payload) == ("pending", 0, old.event_id, old.payload)
    assert new.endpoint_id == old.endpoint_id and new.id > old.id
    assert new.next_attempt_at <= utcnow() and new.created_at > old.created_at
    assert old.status == "failed" and old.attempts == 7  # the history stays as it was
    [row] = [r for r in service.deliveries(old.endpoint_id, actor=admin) if r.delivery.id == old.id]
    assert row.resent_as == new.id and not row.can_resend
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "webhook.resent")).one()
    assert (event.subject_id, event.actor_id, event.details["resent_as"]) == (old.id, admin.id, new.id)


def test_resend_of_a_failing_delivery_stops_its_retries(service, admin):
    old = WebhookDeliveryFactory(status="pending", attempts=2, next_attempt_at=utcnow() + timedelta(hours=1))
    new = service.resend(old.id, actor=admin)
    assert old.status == "failed" and new.status == "pending"


def test_resend_refuses_what_needs_no_resend(db, service, admin):
    cases = {
        "was delivered": WebhookDeliveryFactory(status="delivered", attempts=1),
        "has not been tried yet": WebhookDeliveryFactory(status="pending", attempts=0),
        "being sent right now": WebhookDeliveryFactory(
            status="pending", attempts=1, locked_until=utcnow() + timedelta(minutes=1)),
    }
    before = count(db, WebhookDelivery)
    for message, delivery in cases.items():
        with pytest.raises(ConflictError, match=message):
            service.resend(delivery.id, actor=admin)
    assert count(db, WebhookDelivery) == before
    assert cases["being sent right now"].status == "pending"


def test_a_delivery_is_resent_once(db, service, admin):
    old = WebhookDeliveryFactory(status="failed", attempts=3)
    new = service.resend(old.id, actor=admin)
    with pytest.raises(ConflictError, match=f"already re-sent as delivery {new.id}"):
        service.resend(old.id, actor=admin)


def test_the_cli_operator_needs_no_account_and_is_recorded_as_such(db):
    endpoint = WebhookService(db, operator=True).create(url="https://a.example/", events=["verdict.published"])
    event = db.scalars(select(AuditEvent).where(AuditEvent.subject_id == endpoint.id)).one()
    assert event.actor_id is None and event.details["via"] == "cli"
