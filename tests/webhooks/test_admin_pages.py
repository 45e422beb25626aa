"""Admin webhook pages over HTTP: admins only, CSRF-checked, escaped, with and without htmx."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from factcheck.models import WebhookDelivery, WebhookEndpoint, utcnow
from tests.factories import WebhookAttemptFactory, WebhookDeliveryFactory, WebhookEndpointFactory

PAGES = ["/admin/webhooks", "/admin/webhooks/{id}"]


def endpoints(db) -> list[WebhookEndpoint]:  # type: ignore[no-untyped-def]
    db.expire_all()
    return list(db.scalars(select(WebhookEndpoint)))


@pytest.mark.parametrize("who", ["as_checker", "as_editor"])
def test_non_admins_are_refused_every_page_and_action(request, db, who):
    browser = request.getfixturevalue(who)
    endpoint = WebhookEndpointFactory()
    delivery = WebhookDeliveryFactory(endpoint_id=endpoint.id, status="failed", attempts=1)
    for path in PAGES:
        assert browser.get(path.format(id=endpoint.id)).status_code == 403
    for path, data in [
        ("/admin/webhooks", {"url": "https://evil.example/", "events": ["verdict.published"]}),
        (f"/admin/webhooks/{endpoint.id}", {"url": "https://evil.example/", "events": ["verdict.published"]}),
        (f"/admin/webhooks/{endpoint.id}/rotate-secret", {}),
        (f"/admin/webhooks/{endpoint.id}/delete", {}),
        (f"/admin/webhooks/deliveries/{delivery.id}/resend", {}),
    ]:
        response = browser.post(path, data={**data, "csrf_token": browser.csrf})
        assert response.status_code == 403, path
    assert [e.url for e in endpoints(db)] == [endpoint.url]
    assert len(db.scalars(select(WebhookDelivery)).all()) == 1


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/admin/webhooks", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_state_changing_requests_need_the_csrf_token(db, as_admin):
    endpoint = WebhookEndpointFactory()
    delivery = WebhookDeliveryFactory(endpoint_id=endpoint.id, status="failed", attempts=1)
    secret = endpoint.secret
    for path, data in [
        ("/admin/webhooks", {"url": "https://cms.example/", "events": "verdict.published"}),
        (f"/admin/webhooks/{endpoint.id}/rotate-secret", {}),
        (f"/admin/webhooks/{endpoint.id}/delete", {}),
        (f"/admin/webhooks/deliveries/{delivery.id}/resend", {}),
    ]:
        for token in (None, "forged"):
            form = data if token is None else {**data, "csrf_token": token}
            assert as_admin.post(path, data=form).status_code == 403, path
    [still] = endpoints(db)
    assert still.secret == secret
    assert len(db.scalars(select(WebhookDelivery)).all()) == 1


def test_an_admin_registers_an_endpoint_and_sees_its_secret_once(db, as_admin):
    response = as_admin.post("/admin/webhooks", data={
        "url": "https://cms.example/hooks", "description": "The CMS",
        "events": ["verdict.published", "verdict.corrected"], "csrf_token": as_admin.csrf,
    })
    assert response.status_code == 201
    [endpoint] = endpoints(db)
    assert endpoint.events == ["verdict.published", "verdict.corrected"]
    assert endpoint.secret in response.text and "not shown again" in response.text
    assert response.headers["cache-control"] == "no-store"

    page = as_admin.get(f"/admin/webhooks/{endpoint.id}")
    assert page.status_code == 200 and endpoint.secret not in page.text
    assert "https://cms.example/hooks" in as_admin.get("/admin/webhooks").text


def test_a_bad_registration_shows_the_error_and_changes_nothing(db, as_admin):
    response = as_admin.post("/admin/webhooks", data={
        "url": "ftp://cms.example/", "events": "verdict.published", "csrf_token": as_admin.csrf})
    assert response.status_code == 422
    assert "must start with http:// or https://" in response.text
    assert 'value="ftp://cms.example/"' in response.text  # the form keeps what was typed
    assert endpoints(db) == []


def test_user_written_values_are_escaped(db, as_admin):
    WebhookEndpointFactory(url="https://cms.example/?q=<script>alert(1)</script>",
                           description="<img src=x onerror=alert(1)>")
    text = as_admin.get("/admin/webhooks").text
    assert "<script>alert(1)" not in text and "<img src=x" not in text
    assert "&lt;script&gt;" in text and "&lt;img src=x" in text


def test_rotating_the_secret_shows_the_new_one(db, as_admin):
    endpoint = WebhookEndpointFactory()
    old = endpoint.secret
    response = as_admin.post(f"/admin/webhooks/{endpoint.id}/rotate-secret", data={"csrf_token": as_admin.csrf})
    [rotated] = endpoints(db)
    assert rotated.secret != old and rotated.secret in response.text and old not in response.text


def test_updating_pauses_and_changes_events(db, as_admin):
    endpoint = WebhookEndpointFactory(events=["verdict.published"])
    response = as_admin.post(f"/admin/webhooks/{endpoint.id}", data={
        "url": endpoint.url, "events": ["claim.orphaned"], "csrf_token": as_admin.csrf,
    }, follow_redirects=False)
    assert response.status_code == 303
    [updated] = endpoints(db)
    assert updated.events == ["claim.orphaned"] and not updated.is_active

    bad = as_admin.post(f"/admin/webhooks/{endpoint.id}", data={"url": endpoint.url, "csrf_token": as_admin.csrf})
    assert bad.status_code == 422 and "at least one event" in bad.text


def test_the_endpoint_page_lists_deliveries_with_their_attempts(db, as_admin):
    endpoint = WebhookEndpointFactory()
    delivery = WebhookDeliveryFactory(endpoint_id=endpoint.id, status="failed", attempts=2, last_error="HTTP 500")
    WebhookAttemptFactory(delivery_id=delivery.id, status_code=500, latency_ms=12.3,
                          response_excerpt="<b>upstream down</b>")
    WebhookAttemptFactory(delivery_id=delivery.id, status_code=None, latency_ms=10000.0,
                          response_excerpt=None, error="timed out after 10 s")
    WebhookDeliveryFactory(endpoint_id=endpoint.id, status="delivered", attempts=1)

    text = as_admin.get(f"/admin/webhooks/{endpoint.id}").text
    assert f'id="delivery-{delivery.id}"' in text and delivery.event_id in text
    assert "12 ms" in text and "10000 ms" in text and "timed out after 10 s" in text
    assert "&lt;b&gt;upstream down&lt;/b&gt;" in text
    assert text.count(">Resend</button>") == 1  # only the failed one


def test_resend_with_htmx_swaps_in_the_refreshed_deliveries(db, as_admin):
    endpoint = WebhookEndpointFactory()
    failed = WebhookDeliveryFactory(endpoint_id=endpoint.id, status="failed", attempts=3)

    response = as_admin.post(f"/admin/webhooks/deliveries/{failed.id}/resend", headers=as_admin.htmx_headers)

    assert response.status_code == 200 and response.headers["HX-Trigger"] == "webhook-resent"
    assert response.text.lstrip().startswith('<section id="deliveries">') and "<html" not in response.text
    new = db.scalars(select(WebhookDelivery).where(WebhookDelivery.id != failed.id)).one()
    assert new.event_id == failed.event_id and new.status == "pending"
    assert f"re-sent as #{new.id}" in response.text and ">Resend</button>" not in response.text


def test_resend_without_htmx_redirects_to_the_endpoint_page(db, as_admin):
    endpoint = WebhookEndpointFactory()
    failed = WebhookDeliveryFactory(endpoint_id=endpoint.id, status="pending", attempts=1,
                                    next_attempt_at=utcnow() + timedelta(minutes=5))
    response = as_admin.post(f"/admin/webhooks/deliveries/{failed.id}/resend",
                             data={"csrf_token": as_admin.csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert re.fullmatch(rf"/admin/webhooks/{endpoint.id}#delivery-\d+", response.headers["location"])


def test_resending_a_delivered_delivery_is_a_conflict_shown_in_the_flash_area(db, as_admin):
    delivered = WebhookDeliveryFactory(status="delivered", attempts=1)
    response = as_admin.post(f"/admin/webhooks/deliveries/{delivered.id}/resend", headers=as_admin.htmx_headers)
    assert response.status_code == 409 and response.headers["HX-Retarget"] == "#flash"
    assert "was delivered" in response.text


def test_deleting_an_endpoint(db, as_admin):
    endpoint = WebhookEndpointFactory()
    response = as_admin.post(f"/admin/webhooks/{endpoint.id}/delete", headers=as_admin.htmx_headers)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/admin/webhooks"
    assert endpoints(db) == []


@pytest.mark.parametrize(("path", "status"), [
    ("/admin/webhooks/999999", 404),
    ("/admin/webhooks/99999999999999999999", 422),  # beyond PostgreSQL's integers: refused at the edge
    ("/admin/webhooks/deliveries/0/resend", 422),
])
def test_unknown_or_absurd_ids_are_refused_cleanly(as_admin, path, status):
    method = as_admin.post if path.endswith("resend") else as_admin.get
    assert method(path, headers=as_admin.csrf_headers).status_code == status
