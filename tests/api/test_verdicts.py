"""Published verdicts per article (anchors, corrections, ETag) and one verdict by id."""

from __future__ import annotations

import pytest

from factcheck.services.api_tokens import TokenCache
from tests import factories
from tests.api.conftest import article_with_claims
from tests.api.test_auth import assert_error

EMOJI_TEXT = (
    "Le président a dit 😀 que le déficit a baissé de 3 %.\n"
    "Crème brûlée 🇫🇷 sales rose 12% in 2022.\n"
    "Plain ASCII line about 40 million people."
)


def verdicts(client, headers, external_id="cms-1"):
    return client.get(f"/api/v1/articles/{external_id}/verdicts", headers=headers)


def test_an_article_lists_only_published_verdicts_with_both_selectors(client, db, reader, publish, scale):
    _, (first, second, third) = article_with_claims(EMOJI_TEXT)
    publish(first, rating=scale[1])
    publish(third)
    response = verdicts(client, reader)
    assert response.status_code == 200
    body = response.json()
    assert [v["claim_id"] for v in body["verdicts"]] == [first.id, third.id]
    verdict = body["verdicts"][0]
    quote, position = verdict["selectors"]
    assert quote == {"type": "TextQuoteSelector", "exact": first.exact, "prefix": first.prefix,
                     "suffix": first.suffix}
    assert (position["start"], position["end"]) == (first.start, first.end)
    assert verdict["rating"] == {"name": "half-true", "label": "Half true", "value": 3,
                                 "best": 5, "worst": 1, "colour": "#b08800"}
    assert verdict["evidence"][0]["url"].startswith("https://state.gov/")
    assert verdict["evidence"][0]["stance"] == "supports"
    assert verdict["version"] == 1 and verdict["corrections"] == []
    assert verdict["published_at"] and verdict["approved_at"]


def test_utf16_offsets_count_emoji_as_two_code_units(client, db, reader, publish):
    _, claims = article_with_claims(EMOJI_TEXT)
    for claim in claims:
        publish(claim)
    body = verdicts(client, reader).json()
    # What JavaScript would compute: str.length and indices count UTF-16 code units.
    for verdict in body["verdicts"]:
        quote, position = verdict["selectors"]
        start16, end16 = position["utf16"]["start"], position["utf16"]["end"]
        as_utf16 = EMOJI_TEXT.encode("utf-16-le")
        assert as_utf16[start16 * 2:end16 * 2].decode("utf-16-le") == quote["exact"]
        assert EMOJI_TEXT[position["start"]:position["end"]] == quote["exact"]
    first, second, third = (v["selectors"][1] for v in body["verdicts"])
    assert first["utf16"] == {"start": first["start"], "end": first["end"] + 1}  # 😀 (accents: 1 unit)
    assert second["utf16"]["start"] == second["start"] + 1
    assert second["utf16"]["end"] == second["end"] + 1 + 2  # 🇫🇷 is two astral code points
    assert third["utf16"]["start"] == third["start"] + 3


def test_a_correction_replaces_the_verdict_and_lists_its_note(client, db, reader, publish, correct):
    _, (claim, *_) = article_with_claims(EMOJI_TEXT)
    original = publish(claim)
    corrected = correct(claim, note="The 2022 figure was revised.")
    body = verdicts(client, reader).json()
    assert len(body["verdicts"]) == 1
    verdict = body["verdicts"][0]
    assert verdict["id"] == corrected.id and verdict["version"] == 2
    assert verdict["rating"]["name"] == "true"
    assert verdict["corrections"] == [
        {"version": 2, "correction_note": "The 2022 figure was revised.",
         "published_at": verdict["published_at"]},
    ]
    assert verdict["first_published_at"] == original.published_at.isoformat().replace("+00:00", "Z")


def test_the_etag_changes_when_a_verdict_is_published_and_304_otherwise(client, db, reader, publish):
    _, (first, second, _) = article_with_claims(EMOJI_TEXT)
    publish(first)
    response = verdicts(client, reader)
    etag = response.headers["ETag"]
    assert verdicts(client, reader).headers["ETag"] == etag, "stable for the same content"
    not_modified = verdicts(client, {**reader, "If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.headers["ETag"] == etag
    assert verdicts(client, {**reader, "If-None-Match": f'W/{etag}, "other"'}).status_code == 304
    publish(second)
    fresh = verdicts(client, {**reader, "If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag
    assert len(fresh.json()["verdicts"]) == 2


def test_verdicts_of_an_older_revision_are_not_listed_for_the_new_one(client, db, reader, publish):
    article, (claim, *_) = article_with_claims(EMOJI_TEXT)
    publish(claim)
    factories.RevisionFactory(article=article, number=2, text="A rewritten story.")
    db.expire(article)
    body = verdicts(client, reader).json()
    assert body["article"]["revision"] == 2 and body["verdicts"] == []


def test_an_unknown_article_is_404(client, reader):
    assert_error(verdicts(client, reader, "nope"), 404, "not_found")


def test_reading_verdicts_needs_the_verdicts_scope(client, make_token):
    assert_error(verdicts(client, make_token(["articles:read"])), 403, "forbidden")


def test_one_verdict_as_json_and_as_claimreview(client, db, reader, publish):
    _, (claim, *_) = article_with_claims(EMOJI_TEXT, author="Jane Doe")
    verdict = publish(claim)
    as_json = client.get(f"/api/v1/verdicts/{verdict.id}", headers=reader)
    assert as_json.status_code == 200 and as_json.headers["content-type"] == "application/json"
    assert as_json.json()["id"] == verdict.id and as_json.headers["Vary"] == "Accept"
    as_ld = client.get(f"/api/v1/verdicts/{verdict.id}",
                       headers={**reader, "Accept": "application/ld+json"})
    assert as_ld.headers["content-type"] == "application/ld+json"
    assert as_ld.json()["@type"] == "ClaimReview"
    assert as_ld.headers["ETag"] != as_json.headers["ETag"]


def test_a_superseded_version_stays_readable_and_points_at_its_successor(client, db, reader, publish,
                                                                        correct):
    _, (claim, *_) = article_with_claims(EMOJI_TEXT)
    old = publish(claim)
    new = correct(claim)
    body = client.get(f"/api/v1/verdicts/{old.id}", headers=reader).json()
    assert body["status"] == "superseded" and body["superseded_by"] == new.id


@pytest.mark.parametrize("verdict_id", ["999999", str(2**31), str(2**63), "-1", "abc"])
def test_unknown_or_impossible_verdict_ids_are_404_or_422(client, reader, verdict_id):
    response = client.get(f"/api/v1/verdicts/{verdict_id}", headers=reader)
    assert response.status_code == (404 if verdict_id == "999999" else 422)
    assert response.json()["error"]["code"] in ("not_found", "invalid_input")


def test_a_draft_verdict_is_not_visible(client, db, reader):
    _, (claim, *_) = article_with_claims(EMOJI_TEXT)
    draft = factories.VerdictFactory(claim_id=claim.id, state="draft")
    assert_error(client.get(f"/api/v1/verdicts/{draft.id}", headers=reader), 404, "not_found")


def test_renaming_a_rating_changes_the_cached_body(client, db, reader, publish, scale):
    _, (claim, *_) = article_with_claims(EMOJI_TEXT)
    publish(claim, rating=scale[0])
    before = verdicts(client, reader)
    scale[0].label = "Wrong"
    db.flush()
    after = verdicts(client, reader)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.json()["verdicts"][0]["rating"]["label"] == "Wrong"


@pytest.fixture
def other_process(settings, engine, connection):
    """A second app, as another worker process would be: its own caches, the same database."""
    from fastapi.testclient import TestClient
    from sqlalchemy.orm import Session

    from factcheck.app import create_app

    app = create_app(settings, engine=engine)
    app.state.session_factory = app.state.read_session_factory = lambda: Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    app.state.api_token_cache = TokenCache(clock=lambda: 0.0)  # as the `app` fixture's
    with TestClient(app) as client:
        yield client


def test_a_publish_shows_on_the_next_request_of_every_process(
    client, other_process, db, reader, publish, correct
):
    _, (first, second, _) = article_with_claims(EMOJI_TEXT)
    publish(first)
    for process in (client, other_process):
        assert [v["claim_id"] for v in verdicts(process, reader).json()["verdicts"]] == [first.id]
    publish(second)  # by another session, as the desk's web process would
    for process in (client, other_process):
        body = verdicts(process, reader).json()
        assert [v["claim_id"] for v in body["verdicts"]] == [first.id, second.id]
    corrected = correct(first)
    for process in (client, other_process):
        assert verdicts(process, reader).json()["verdicts"][0]["id"] == corrected.id


def test_a_publish_on_another_article_leaves_the_body_and_its_etag_unchanged(
    client, db, reader, publish
):
    _, (claim, *_) = article_with_claims(EMOJI_TEXT)
    _, (elsewhere, *_) = article_with_claims(EMOJI_TEXT, external_id="cms-2")
    publish(claim)
    before = verdicts(client, reader)
    publish(elsewhere)
    after = verdicts(client, {**reader, "If-None-Match": before.headers["ETag"]})
    assert after.status_code == 304


def test_an_article_title_change_changes_the_cached_body(client, db, reader, publish):
    article, (claim, *_) = article_with_claims(EMOJI_TEXT)
    publish(claim)
    assert verdicts(client, reader).json()["article"]["title"] != "New headline"
    article.title = "New headline"
    db.flush()
    assert verdicts(client, reader).json()["article"]["title"] == "New headline"
