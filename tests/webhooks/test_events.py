"""Emitting events: one outbox row per subscribed active endpoint, in the caller's transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factcheck.models import WebhookDelivery
from factcheck.services import events
from tests.factories import ClaimFactory, RevisionFactory, VerdictFactory, WebhookEndpointFactory


def test_emit_writes_one_delivery_per_subscribed_active_endpoint_sharing_one_event_id(db):
    cms = WebhookEndpointFactory(events=["verdict.published"])
    archive = WebhookEndpointFactory(events=["verdict.published", "claim.orphaned"])
    WebhookEndpointFactory(events=["claim.orphaned"])
    WebhookEndpointFactory(events=["verdict.published"], is_active=False)

    deliveries = events.emit(db, "verdict.published", {"verdict": {"id": 3}})
    db.flush()

    assert sorted(d.endpoint_id for d in deliveries) == sorted([cms.id, archive.id])
    assert len({d.event_id for d in deliveries}) == 1
    body = deliveries[0].payload
    assert body["id"] == deliveries[0].event_id and body["type"] == "verdict.published"
    assert body["data"] == {"verdict": {"id": 3}} and body["created_at"].endswith("+00:00")
    assert {d.status for d in deliveries} == {"pending"}


def test_emit_refuses_unknown_events_and_unsendable_payloads(db):
    WebhookEndpointFactory()
    with pytest.raises(ValueError, match="unknown event"):
        events.emit(db, "verdict.deleted", {})
    with pytest.raises(TypeError):
        events.emit(db, "verdict.published", {"when": object()})
    with pytest.raises(ValueError):
        events.emit(db, "verdict.published", {"score": float("nan")})
    db.flush()
    assert db.scalars(select(WebhookDelivery)).all() == []


def test_verdict_published_carries_the_verdict_and_the_cms_article_id(db):
    WebhookEndpointFactory(events=["verdict.published"])
    revision = RevisionFactory(article__external_id="cms-42")
    claim = ClaimFactory(revision=revision)
    verdict = VerdictFactory(claim_id=claim.id, state="published")

    [delivery] = events.verdict_published(db, verdict)

    data = delivery.payload["data"]
    assert (data["id"], data["version"], data["claim_id"]) == (verdict.id, 1, claim.id)
    assert data["rating"]["name"] == verdict.rating.name
    assert data["article_external_id"] == "cms-42"


def test_the_other_helpers_emit_their_event(db):
    WebhookEndpointFactory(events=["verdict.corrected", "article.revised", "claim.orphaned"])
    claim = ClaimFactory()
    first = VerdictFactory(claim_id=claim.id, state="superseded")
    verdict = VerdictFactory(claim_id=claim.id, number=2, correction_note="The year was 2011.")
    revision = RevisionFactory(number=2)

    [corrected] = events.verdict_corrected(db, verdict, supersedes=first)
    [revised] = events.article_revised(db, revision.article, revision)
    [orphaned] = events.claim_orphaned(db, claim)

    assert corrected.payload["data"]["correction_note"] == "The year was 2011."
    assert corrected.payload["data"]["supersedes"] == {"id": first.id, "version": 1}
    assert revised.payload["data"]["revision"] == {"id": revision.id, "number": 2}
    assert orphaned.payload["type"] == "claim.orphaned"
    assert orphaned.payload["data"]["claim"]["id"] == claim.id
