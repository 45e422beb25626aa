"""Ingest stores an article, its revision, sentences and candidate claims in one transaction, or nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from factcheck.exceptions import TooLargeError, ValidationError
from factcheck.models import Article, ArticleRevision, AuditEvent, Claim, Fact, Sentence
from factcheck.services.ingest import IngestService

ARTICLE = (
    "Officials met again.\n\n"
    "On March 8, U.S. State Department spokesperson Ned Price addressed a briefing at the "
    "U.S. State Department. Pakistan has lost more than 80,000 lives over the past two decades.\n\n"
    "Both countries need to engage in an honest dialogue, I think."
)
PUBLISHED = datetime(2023, 3, 20, tzinfo=UTC)


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


@pytest.fixture
def service(db, settings):
    return IngestService(db, settings=settings)


def test_it_stores_the_article_revision_sentences_and_claims(db, service):
    result = service.ingest(text=ARTICLE, title="Talks", published_at=PUBLISHED)

    assert result.created and not result.unchanged
    revision = result.revision
    assert revision.number == 1 and revision.text == ARTICLE
    sentences = db.scalars(select(Sentence).where(Sentence.revision_id == revision.id)).all()
    assert [ARTICLE[s.start:s.end] for s in sentences][:2] == [
        "Officials met again.",
        "On March 8, U.S. State Department spokesperson Ned Price addressed a briefing at the "
        "U.S. State Department.",
    ]
    quotes = [c.exact for c in result.claims]
    assert any("Ned Price" in q for q in quotes)
    assert any("80,000" in q for q in quotes)
    assert not any("honest dialogue" in q for q in quotes)


def test_claims_carry_exact_selectors_and_facts_with_offsets(db, service):
    result = service.ingest(text=ARTICLE, title="Talks", published_at=PUBLISHED)

    for claim in result.claims:
        assert claim.status == "candidate"
        assert ARTICLE[claim.start:claim.end] == claim.exact
        assert ARTICLE[:claim.start].endswith(claim.prefix)
        assert ARTICLE[claim.end:].startswith(claim.suffix)
        assert 0 <= claim.score <= 1 and claim.reasons
        for fact in claim.facts:
            assert ARTICLE[fact.start:fact.end] == fact.text
    price = next(c for c in result.claims if "Ned Price" in c.exact)
    dates = [f for f in price.facts if f.kind == "date"]
    assert dates and dates[0].text == "March 8" and dates[0].value == "2023-03-08"


def test_ingesting_the_same_text_again_changes_nothing(db, service):
    first = service.ingest(text=ARTICLE, title="Talks", external_id="cms-1")
    before = (count(db, ArticleRevision), count(db, Claim), count(db, AuditEvent))

    again = service.ingest(text=ARTICLE, title="Talks", external_id="cms-1")

    assert again.unchanged and again.article.id == first.article.id
    assert (count(db, ArticleRevision), count(db, Claim), count(db, AuditEvent)) == before


def test_pasting_the_same_text_without_an_external_id_does_not_duplicate_the_article(db, service):
    first = service.ingest(text=ARTICLE, title="Talks")
    again = service.ingest(text=ARTICLE, title="Talks")
    assert again.unchanged and again.article.id == first.article.id
    assert count(db, Article) == 1


def test_new_text_for_the_same_external_id_is_a_new_revision(db, service):
    service.ingest(text=ARTICLE, title="Talks", external_id="cms-1")
    result = service.ingest(text=ARTICLE + "\n\nIn 2011 U.S. forces killed Osama bin Laden.",
                            title="Talks", external_id="cms-1")
    assert result.revised and result.revision.number == 2
    assert count(db, Article) == 1


def test_html_is_reduced_to_text_without_scripts(db, service):
    html = (
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
        "<h1>Headline</h1><p>On March 8, Ned Price addressed a briefing.</p>"
        "<p>Second &amp; last paragraph.</p></body></html>"
    )
    result = service.ingest(text=html, title="HTML")
    text = result.revision.text
    assert result.revision.source_format == "html"
    assert "alert" not in text and "color:red" not in text and "<" not in text
    assert "Second & last paragraph." in text
    assert "\n\n" in text


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", ValidationError),
        ("   \n\n\t  ", ValidationError),
        ("Hello\x00world", ValidationError),
        (b"\xff\xfe\xfa\x00\x01binary", ValidationError),
        (b"caf\xe9 latin-1 bytes", ValidationError),
        ("<p></p><script>only a script</script>", ValidationError),
        ("x" * 1001, TooLargeError),
    ],
    ids=["empty", "whitespace", "nul", "binary", "not-utf8", "html-without-text", "too-large"],
)
def test_bad_input_is_refused_and_nothing_is_stored(db, settings, text, error):
    settings.max_article_chars = 1000
    with pytest.raises(error):
        IngestService(db, settings=settings).ingest(text=text, title="Bad")
    assert count(db, Article) == 0 and count(db, ArticleRevision) == 0


def test_a_title_is_required(db, service):
    with pytest.raises(ValidationError):
        service.ingest(text=ARTICLE, title="  ")


def test_utf8_bytes_with_a_bom_are_accepted(db, service):
    result = service.ingest(text="Price spoke on March 8.".encode("utf-8-sig"), title="BOM")
    assert result.revision.text.startswith("Price")


def test_a_crash_in_the_middle_leaves_no_partial_article(engine, settings):
    """The request/CLI transaction rolls back everything the service flushed."""
    from sqlalchemy.orm import Session

    class ExplodingDetector:
        def detect(self, text, *, published_at=None):
            raise RuntimeError("detector crashed")

    with Session(engine) as session:
        before = (count(session, Article), count(session, Sentence), count(session, Claim))
    with pytest.raises(RuntimeError), Session(engine) as session, session.begin():
        IngestService(session, settings=settings, detector=ExplodingDetector()).ingest(
            text=ARTICLE, title="Crash"
        )
    with Session(engine) as session:
        after = (count(session, Article), count(session, Sentence), count(session, Claim))
    assert after == before


def test_a_byte_order_mark_in_pasted_text_is_dropped(db, service):
    result = service.ingest(text="\ufeffPrice spoke on March 8.", title="BOM")
    assert result.revision.text == "Price spoke on March 8."
