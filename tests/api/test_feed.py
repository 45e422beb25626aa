"""GET /verdicts: the feed in publishing order, opaque cursors, nothing lost while verdicts are published."""

from __future__ import annotations

from datetime import timedelta

import pytest

from factcheck.api.pagination import encode_cursor
from tests.api.conftest import article_with_claims
from tests.api.test_auth import assert_error

LINES = "\n".join(f"Claim number {i} says unemployment fell {i}% in 2022." for i in range(12))


def feed(client, headers, **params):
    response = client.get("/api/v1/verdicts", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def drain(client, headers, cursor=None, limit=3):
    """Follow next_cursor until has_more is false; return the entries and the last cursor."""
    seen = []
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        page = feed(client, headers, **params)
        seen += page["verdicts"]
        cursor = page["next_cursor"] or cursor
        if not page["has_more"]:
            return seen, cursor


def test_the_feed_lists_published_verdicts_in_feed_order(client, db, reader, publish):
    _, claims = article_with_claims(LINES)
    published = [publish(claim) for claim in reversed(claims[:5])]
    page = feed(client, reader)
    assert [v["id"] for v in page["verdicts"]] == [v.id for v in published]
    positions = [v["feed_position"] for v in page["verdicts"]]
    assert positions == sorted(positions) and len(set(positions)) == 5
    assert page["has_more"] is False
    assert page["verdicts"][0]["article"]["external_id"] == "cms-1"
    assert {v["event"] for v in page["verdicts"]} == {"published"}


def test_paging_while_verdicts_are_published_loses_nothing(client, db, reader, publish, correct):
    _, claims = article_with_claims(LINES)
    for claim in claims[:4]:
        publish(claim)
    first = feed(client, reader, limit=3)
    assert first["has_more"] is True
    # Between two pages: new verdicts, and a correction of one already read.
    publish(claims[4])
    publish(claims[5])
    correction = correct(claims[0])
    rest, cursor = drain(client, reader, cursor=first["next_cursor"])
    ids = [v["id"] for v in first["verdicts"] + rest]
    assert len(ids) == len(set(ids)) == 7
    assert rest[-1]["id"] == correction.id and rest[-1]["event"] == "corrected"
    # Polling with the last cursor gets only what came after it.
    assert feed(client, reader, cursor=cursor)["verdicts"] == []
    later = publish(claims[6])
    assert [v["id"] for v in feed(client, reader, cursor=cursor)["verdicts"]] == [later.id]


def test_a_corrected_verdict_keeps_its_place_and_reads_superseded(client, db, reader, publish, correct):
    _, claims = article_with_claims(LINES)
    original = publish(claims[0])
    corrected = correct(claims[0])
    entries = feed(client, reader)["verdicts"]
    assert [(v["id"], v["status"], v["event"]) for v in entries] == [
        (original.id, "superseded", "published"), (corrected.id, "published", "corrected"),
    ]
    assert entries[0]["superseded_by"] == corrected.id


def test_updated_since_filters_by_publication_time(client, db, reader, publish):
    _, claims = article_with_claims(LINES)
    old = publish(claims[0])
    old.published_at = old.published_at - timedelta(days=2)
    db.flush()
    recent = publish(claims[1])
    since = (recent.published_at - timedelta(days=1)).isoformat()
    assert [v["id"] for v in feed(client, reader, updated_since=since)["verdicts"]] == [recent.id]


def test_an_empty_feed_has_no_cursor(client, reader):
    assert feed(client, reader) == {"verdicts": [], "next_cursor": None, "has_more": False}


@pytest.mark.parametrize("params", [
    {"cursor": "not-a-cursor"}, {"cursor": encode_cursor(1)[:-2]}, {"limit": 0}, {"limit": 501},
    {"updated_since": "yesterday"}, {"updated_since": "2023-01-01T00:00:00"},
])
def test_bad_feed_parameters_are_422(client, reader, params):
    response = client.get("/api/v1/verdicts", params=params, headers=reader)
    assert_error(response, 422, "invalid_input")


def test_the_feed_has_an_etag(client, db, reader, publish):
    _, claims = article_with_claims(LINES)
    publish(claims[0])
    etag = client.get("/api/v1/verdicts", headers=reader).headers["ETag"]
    again = client.get("/api/v1/verdicts", headers={**reader, "If-None-Match": etag})
    assert again.status_code == 304
