"""ClaimReview JSON-LD: the shape of published examples, and the field rules search engines apply."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.api.conftest import article_with_claims
from tests.api.test_auth import assert_error

SAMPLES = json.loads((Path(__file__).parent.parent / "fixtures" / "claimreview_samples.json").read_text())
# Keys in the samples that are that dataset's own, not ClaimReview's.
NOT_SCHEMA = {"_provenance", "identifier", "appearance_text"}
TEXT = "Unemployment fell to 3.4% in January.\nThe city built 2,000 homes in 2022."


def claimreviews(client, headers, external_id="cms-1"):
    response = client.get(f"/api/v1/articles/{external_id}/claimreview.jsonld", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/ld+json"
    return response.json()


@pytest.fixture
def reviews(client, db, reader, publish, scale):
    _, (first, second) = article_with_claims(
        TEXT, author="Jane Doe", url="https://news.example/jobs", title="Jobs and homes",
        published_at=datetime(2023, 2, 1, tzinfo=UTC),
    )
    publish(first, rating=scale[1], summary="Half of it holds.")
    publish(second, rating=scale[0])
    return claimreviews(client, reader)


def shape(value):
    """Keys and value types, recursively: what two ClaimReview documents must share."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items() if k not in NOT_SCHEMA}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def covers(ours, theirs) -> list[str]:
    """The paths of `theirs` missing from `ours` (types must match where both have a value)."""
    missing = []
    for key, expected in theirs.items():
        if key not in ours:
            missing.append(key)
        elif isinstance(expected, dict):
            missing += [f"{key}.{k}" for k in covers(ours[key], expected)]
        elif not isinstance(expected, list) and ours[key] != expected:
            missing.append(f"{key}: {ours[key]} != {expected}")
    return missing


@pytest.mark.parametrize("sample", SAMPLES, ids=[s["identifier"] for s in SAMPLES])
def test_our_claimreview_has_every_field_of_published_examples(reviews, sample):
    for review in reviews:
        assert covers(shape(review), shape(sample)) == []
        assert review["@context"] == sample["@context"] and review["@type"] == sample["@type"]
        assert review["author"]["@type"] == sample["author"]["@type"] == "Organization"
        assert review["itemReviewed"]["@type"] == sample["itemReviewed"]["@type"] == "Claim"


def test_claimreview_field_rules(reviews, settings):
    assert len(reviews) == 2
    for review in reviews:
        assert review["claimReviewed"].strip()
        rating = review["reviewRating"]
        assert rating["@type"] == "Rating" and rating["alternateName"].strip()
        assert rating["bestRating"] >= rating["ratingValue"] >= rating["worstRating"]
        assert (rating["bestRating"], rating["worstRating"]) == (5, 1)
        assert review["url"].startswith(settings.public_base_url)
        assert review["author"] == {"@type": "Organization", "name": settings.organization_name,
                                    "url": settings.organization_url}
        datetime.fromisoformat(review["datePublished"])
        item = review["itemReviewed"]
        assert item["author"] == {"@type": "Person", "name": "Jane Doe"}
        assert item["datePublished"] == "2023-02-01"
        assert item["appearance"] == [{"@type": "CreativeWork", "url": "https://news.example/jobs",
                                       "headline": "Jobs and homes", "datePublished": "2023-02-01"}]
    assert reviews[0]["reviewRating"]["alternateName"] == "Half true"
    assert reviews[0]["name"] == "Half of it holds."


def test_the_review_url_is_stable_across_a_correction(client, db, reader, publish, correct):
    _, (claim, _) = article_with_claims(TEXT)
    publish(claim)
    before = claimreviews(client, reader)[0]
    correct(claim)
    after = claimreviews(client, reader)[0]
    assert after["url"] == before["url"]
    assert after["reviewRating"]["alternateName"] == "True"
    assert after["datePublished"] == before["datePublished"] and "dateModified" in after


def test_an_article_without_verdicts_has_an_empty_list(client, db, reader):
    article_with_claims(TEXT)
    assert claimreviews(client, reader) == []


def test_claimreview_of_an_unknown_article_is_404(client, reader):
    response = client.get("/api/v1/articles/nope/claimreview.jsonld", headers=reader)
    assert_error(response, 404, "not_found")
