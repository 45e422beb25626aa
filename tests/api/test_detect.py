"""POST /detect: the `factcheck detect` contract over JSON, for a text or ready-made sentences."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from factcheck.models import Article
from factcheck.services.ingest import make_detector
from tests.api.test_auth import assert_error

TEXT = "Pakistan has lost more than 80,000 lives over the past two decades. We should talk more."


@pytest.fixture
def detector_token(make_token):
    return make_token(["detect"])


def test_detect_scores_a_text_like_the_cli_and_stores_nothing(client, db, settings, detector_token):
    response = client.post("/api/v1/detect", json={"text": TEXT}, headers=detector_token)
    assert response.status_code == 200, response.text
    expected = [r.to_dict() for r in make_detector(settings).detect(TEXT)]
    assert response.json() == {"sentences": expected}
    assert response.json()["sentences"][0]["is_claim"] is True
    assert db.scalar(select(func.count(Article.id))) == 0


def test_detect_scores_given_sentences_with_offsets_relative_to_each(client, settings, detector_token):
    sentences = ["Unemployment fell to 3.4% in January 2023.", "  Hello there.  "]
    body = client.post("/api/v1/detect", json={"sentences": sentences, "published_at": "2023-02-01"},
                       headers=detector_token).json()["sentences"]
    assert [s["text"] for s in body] == ["Unemployment fell to 3.4% in January 2023.", "Hello there."]
    assert (body[1]["start"], body[1]["end"]) == (2, 14)
    assert body[0]["score"] > body[1]["score"]


@pytest.mark.parametrize("payload", [
    {}, {"text": "a", "sentences": ["a"]}, {"text": " "}, {"sentences": []}, {"text": "x\x00y"},
    {"sentences": ["ok", 3]}, {"text": "a", "published_at": "March 8"},
])
def test_bad_detect_input_is_422(client, detector_token, payload):
    assert_error(client.post("/api/v1/detect", json=payload, headers=detector_token), 422, "invalid_input")


def test_detect_over_the_size_limit_is_413(client, app, detector_token):
    app.state.settings.max_article_chars = 50
    try:
        response = client.post("/api/v1/detect", json={"text": TEXT}, headers=detector_token)
    finally:
        app.state.settings.max_article_chars = 500_000
    assert_error(response, 413, "too_large")


def test_detect_needs_its_scope(client, make_token):
    response = client.post("/api/v1/detect", json={"text": TEXT}, headers=make_token(["articles:read"]))
    assert_error(response, 403, "forbidden")
