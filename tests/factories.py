"""factory_boy factories for the models; `bind(session)` points them at the test's session."""

from __future__ import annotations

import hashlib

import factory
from factory.alchemy import SQLAlchemyModelFactory

from factcheck import models

_FACTORIES: list[type[SQLAlchemyModelFactory]] = []


def bind(session) -> None:  # type: ignore[no-untyped-def]
    for cls in _FACTORIES:
        cls._meta.sqlalchemy_session = session


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_persistence = "flush"

    def __init_subclass__(cls, **kwargs):  # type: ignore[no-untyped-def]
        super().__init_subclass__(**kwargs)
        _FACTORIES.append(cls)


class UserFactory(Base):
    class Meta:
        model = models.User

    email = factory.Sequence(lambda n: f"user{n}@newsroom.test")
    name = factory.Sequence(lambda n: f"User {n}")
    role = "checker"
    # Not a real hash: tests that log in set a password through the user service.
    password_hash = "!"
    is_active = True


SAMPLE_TEXT = (
    "On March 8, State Department spokesperson Ned Price addressed a briefing in Washington.\n\n"
    "Pakistan has lost more than 80,000 lives over the past two decades.\n\n"
    "We think both countries need to talk more."
)


class ArticleFactory(Base):
    class Meta:
        model = models.Article

    title = factory.Sequence(lambda n: f"Article {n}")
    url = factory.Sequence(lambda n: f"https://news.example/{n}")
    external_id = None


class RevisionFactory(Base):
    class Meta:
        model = models.ArticleRevision

    article = factory.SubFactory(ArticleFactory)
    number = 1
    text = SAMPLE_TEXT
    content_hash = factory.LazyAttribute(lambda o: hashlib.sha256(o.text.encode()).hexdigest())


class ClaimFactory(Base):
    """A claim on the first sentence of its revision's text unless offsets are given."""

    class Meta:
        model = models.Claim

    revision = factory.SubFactory(RevisionFactory)
    article_id = factory.LazyAttribute(lambda o: o.revision.article_id)
    revision_id = factory.LazyAttribute(lambda o: o.revision.id)
    start = 0
    end = factory.LazyAttribute(lambda o: o.revision.text.find("\n") if "\n" in o.revision.text else len(o.revision.text))
    exact = factory.LazyAttribute(lambda o: o.revision.text[o.start:o.end])
    prefix = factory.LazyAttribute(lambda o: o.revision.text[max(0, o.start - 32):o.start])
    suffix = factory.LazyAttribute(lambda o: o.revision.text[o.end:o.end + 32])
    status = "candidate"
    score = 0.8
    kinds = factory.LazyFunction(lambda: ["date", "event"])
    reasons = factory.LazyFunction(lambda: ["date: March 8"])

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.pop("revision", None)
        return super()._create(model_class, *args, **kwargs)


class RatingFactory(Base):
    class Meta:
        model = models.Rating

    name = factory.Sequence(lambda n: f"rating-{n}")
    label = factory.Sequence(lambda n: f"Rating {n}")
    value = 3
    colour = "#cf222e"
    position = factory.Sequence(int)


class SourceFactory(Base):
    class Meta:
        model = models.Source

    url = factory.Sequence(lambda n: f"https://state.gov/briefings/{n}")
    title = factory.Sequence(lambda n: f"Department press briefing {n}")
    publisher = "U.S. Department of State"
    kind = "official"


# -- workflow (claims taken, evidence, verdicts) ----------------------------------------------


class EvidenceFactory(Base):
    class Meta:
        model = models.Evidence

    claim_id = factory.LazyFunction(lambda: ClaimFactory().id)
    source = factory.SubFactory(SourceFactory)
    source_id = factory.LazyAttribute(lambda o: o.source.id)
    excerpt = "More than 80,000 Pakistanis have died in the fight against terrorism."
    stance = "supports"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.pop("source", None)
        return super()._create(model_class, *args, **kwargs)


class VerdictFactory(Base):
    class Meta:
        model = models.Verdict

    claim_id = factory.LazyFunction(lambda: ClaimFactory().id)
    number = 1
    state = "draft"
    rating_id = factory.LazyFunction(lambda: RatingFactory().id)
    claim_reviewed = "Pakistan has lost more than 80,000 lives"
    summary = "Official figures support the number."
    reasoning = "The government's count and independent tallies agree."
    lock_version = 1


class WebhookEndpointFactory(Base):
    class Meta:
        model = models.WebhookEndpoint

    url = factory.Sequence(lambda n: f"https://cms.example/hooks/{n}")
    secret = factory.Sequence(lambda n: f"test-secret-{n}")
    events = factory.LazyFunction(lambda: ["verdict.published", "verdict.corrected"])
    description = "The CMS"
    is_active = True


class WebhookDeliveryFactory(Base):
    """A delivery of a verdict.published event; pass status/attempts for failing or failed ones."""

    class Meta:
        model = models.WebhookDelivery

    endpoint_id = factory.LazyFunction(lambda: WebhookEndpointFactory().id)
    event = "verdict.published"
    event_id = factory.Sequence(lambda n: f"evt{n:08d}")
    payload = factory.LazyAttribute(lambda o: {"id": o.event_id, "type": o.event, "data": {}})
    status = "pending"
    attempts = 0


class WebhookAttemptFactory(Base):
    class Meta:
        model = models.WebhookAttempt

    delivery_id = factory.LazyFunction(lambda: WebhookDeliveryFactory().id)
    status_code = 500
    latency_ms = 42.0
    response_excerpt = "Internal Server Error"
