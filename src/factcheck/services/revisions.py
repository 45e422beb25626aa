"""A new revision of an article: re-anchor every claim, re-score only new or changed sentences, and
send changed verdicts back to review. Rules and figures: docs/revisions.md.
"""

from __future__ import annotations

import bisect
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from factcheck.analysis.anchoring import Anchor, locate, quote_selector
from factcheck.analysis.claim_detector import ClaimDetector, SentenceResult
from factcheck.analysis.facts import extract_facts
from factcheck.analysis.segmenter import segment
from factcheck.exceptions import ConflictError
from factcheck.models import (
    AnchorState, Article, ArticleRevision, Claim, ClaimStatus, Fact, Role, Sentence, User, Verdict,
    VerdictState, utcnow,
)
from factcheck.services import events
from factcheck.services.audit import AuditService
from factcheck.services.matching import MatchingService
from factcheck.services.permissions import require_role
from factcheck.services.verdicts import next_number
from factcheck.services.workflow import move
from factcheck.settings import Settings

TEXT_CHANGED_NOTE = "The article's text changed since this verdict; re-approved for the new wording."


@dataclass
class RevisionOutcome:
    revision: ArticleRevision
    claims: list[Claim]  # the claims of the new revision, in text order (orphans are not in it)
    counts: Counter[str] = field(default_factory=Counter)


class RevisionService:
    def __init__(
        self, db: Session, *, settings: Settings, detector: ClaimDetector | None = None
    ) -> None:
        self.db = db
        self.settings = settings
        if detector is None:
            from factcheck.services.ingest import make_detector  # noqa: PLC0415 (ingest imports us)

            detector = make_detector(settings)
        self.detector = detector
        self.audit = AuditService(db)
        self._orphaned: list[Claim] = []

    def revise(
        self,
        article: Article,
        *,
        text: str,
        actor: User | None,
        source_format: str = "text",
        published_at: datetime | None = None,
    ) -> RevisionOutcome:
        """Store `text` (already prepared by ingest) as the article's next revision.

        `actor` is None for API clients and the CLI, which are authorised by their own surface.
        """
        if actor is not None:
            require_role(actor, Role.checker)
        previous = article.current_revision
        if previous is None:
            raise ValueError("revise() needs an article with a revision; ingest creates the first")
        when = published_at or article.published_at
        revision = ArticleRevision(
            number=previous.number + 1, text=text, source_format=source_format,
            content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            created_by_id=actor.id if actor else None,
        )
        try:
            with self.db.begin_nested():
                article.revisions.append(revision)
                self.db.flush()
        except IntegrityError as error:  # (article, number) is unique: a concurrent revision won
            raise ConflictError(
                "Another revision of this article was saved at the same time. Reload and try again."
            ) from error
        counts: Counter[str] = Counter()
        sentences, fresh = self._sentences(previous, revision, when, counts)
        placed = self._reanchor(article, previous, revision, sentences, actor, when, counts)
        created = self._new_claims(article, revision, sentences, fresh, placed)
        counts["new"] = len(created)
        claims = sorted(placed + created, key=lambda c: (c.start, c.id or 0))
        details = {"revision": revision.number, "previous": previous.number, **dict(counts)}
        self.audit.record("article.revised", subject_type="article", subject_id=article.id,
                          actor=actor, article_id=article.id, details=details)
        events.emit(self.db, "article.revised", {
            "article": {"id": article.id, "external_id": article.external_id, "url": article.url,
                        "title": article.title},
            "revision": {"id": revision.id, "number": revision.number},
            "counts": dict(counts),
        })
        return RevisionOutcome(revision=revision, claims=claims, counts=counts)

    # --- sentences: reuse the scores of unchanged sentences ---------------------------------------

    def _sentences(
        self, previous: ArticleRevision, revision: ArticleRevision, when: datetime | None,
        counts: Counter[str],
    ) -> tuple[list[Sentence], dict[int, SentenceResult]]:
        """The new revision's sentences, and the detector's results for those scored afresh."""
        known = {previous.text[s.start:s.end]: s.score for s in previous.sentences}
        spans = segment(revision.text)
        todo = [i for i, span in enumerate(spans) if revision.text[span.start:span.end] not in known]
        results = self.detector.score_sentences(
            [revision.text[spans[i].start:spans[i].end] for i in todo],
            published_at=when.date() if when else None,
        ) if todo else []
        fresh = {i: _shift(result, i, spans[i].start) for i, result in zip(todo, results, strict=True)}
        sentences = [
            Sentence(revision_id=revision.id, index=i, start=span.start, end=span.end,
                     score=fresh[i].score if i in fresh else known[revision.text[span.start:span.end]])
            for i, span in enumerate(spans)
        ]
        self.db.add_all(sentences)
        self.db.flush()
        counts["sentences_rescored"] = len(fresh)
        counts["sentences_reused"] = len(spans) - len(fresh)
        return sentences, fresh

    # --- claims: re-anchor, orphan, send back to review -------------------------------------------

    def _reanchor(
        self, article: Article, previous: ArticleRevision, revision: ArticleRevision,
        sentences: list[Sentence], actor: User | None, when: datetime | None, counts: Counter[str],
    ) -> list[Claim]:
        """Place every claim of the previous revision, and retry the article's older orphans."""
        claims = self.db.scalars(
            select(Claim)
            .where(Claim.article_id == article.id,
                   or_(Claim.revision_id == previous.id, Claim.anchor_state == AnchorState.orphan.value))
            .options(selectinload(Claim.facts))
            .order_by(Claim.start, Claim.id)
        ).all()
        starts = [s.start for s in sentences]
        placed: list[Claim] = []
        for claim in claims:
            anchor = locate(revision.text, exact=claim.exact, prefix=claim.prefix, suffix=claim.suffix,
                            start=claim.start, end=claim.end)
            if anchor is None:
                self._orphan(claim, revision, actor, counts)
                continue
            old = {"revision": _number(article, claim.revision_id), "start": claim.start,
                   "end": claim.end, "exact": claim.exact, "state": claim.anchor_state}
            changed = self._place(claim, anchor, revision, sentences, starts, when)
            counts["changed" if changed else "reattached" if old["state"] == "orphan"
                   else "kept" if anchor.start == old["start"] else "moved"] += 1
            details = {"method": anchor.method, "confidence": anchor.confidence, "changed": changed,
                       "before": old, "after": {"revision": revision.number, "start": claim.start,
                                                "end": claim.end}}
            if changed:
                details["after"]["exact"] = claim.exact
            self.audit.record("claim.reanchored", subject_type="claim", subject_id=claim.id,
                              actor=actor, claim_id=claim.id, article_id=article.id, details=details)
            if changed:
                self._back_to_review(claim, actor, old["exact"], counts)
            placed.append(claim)
        self.db.flush()
        for claim in self._orphaned:  # after the flush: each emit's query would flush again
            events.claim_orphaned(self.db, claim)
        return placed

    def _place(
        self, claim: Claim, anchor: Anchor, revision: ArticleRevision, sentences: list[Sentence],
        starts: list[int], when: datetime | None,
    ) -> bool:
        text = revision.text
        quote = quote_selector(text, anchor.start, anchor.end)
        changed = quote.exact != claim.exact
        if changed:
            claim.facts = [Fact(kind=f.kind, text=f.text, start=f.start, end=f.end, value=f.value)
                           for f in (x.shifted(anchor.start) for x in
                                     extract_facts(quote.exact, published_at=when.date() if when else None))]
            claim.exact = quote.exact
            claim.anchor_state = AnchorState.changed.value
            claim.version += 1  # an open form on the old wording must reload
        else:
            delta = anchor.start - claim.start  # facts index the text: they move with the claim
            for fact in claim.facts:
                fact.start, fact.end = fact.start + delta, fact.end + delta
            if claim.anchor_state == AnchorState.orphan.value:
                claim.anchor_state = AnchorState.anchored.value
        claim.revision_id = revision.id
        claim.start, claim.end = anchor.start, anchor.end
        claim.prefix, claim.suffix = quote.prefix, quote.suffix
        claim.sentence_id = _sentence_at(sentences, starts, anchor.start, anchor.end)
        return changed

    def _orphan(self, claim: Claim, revision: ArticleRevision, actor: User | None,
                counts: Counter[str]) -> None:
        if claim.anchor_state == AnchorState.orphan.value:
            counts["still_orphaned"] += 1
            return
        before = claim.anchor_state
        claim.anchor_state = AnchorState.orphan.value
        counts["orphaned"] += 1
        self.audit.record("claim.orphaned", subject_type="claim", subject_id=claim.id, actor=actor,
                          claim_id=claim.id, article_id=claim.article_id, details={
                              "revision": revision.number, "exact": claim.exact,
                              "before": {"anchor_state": before}, "status": claim.status})
        self._orphaned.append(claim)

    def _back_to_review(self, claim: Claim, actor: User | None, old_exact: str,
                        counts: Counter[str]) -> None:
        """A changed claim with a published verdict goes back to the editor as a new version."""
        if claim.status != ClaimStatus.published.value:
            if claim.status == ClaimStatus.in_review.value:
                counts["back_to_review"] += 1  # already waiting for an editor; the flag tells why
            return
        published = self.db.scalar(
            select(Verdict).where(Verdict.claim_id == claim.id,
                                  Verdict.state == VerdictState.published.value)
            .options(selectinload(Verdict.evidence))
        )
        if published is None:
            return
        self.db.flush()  # move() compares and sets on the row: it must hold the re-anchored state
        # The same steps as a correction: published → in_progress → in_review, with a new version
        # (the published one stays public until an editor approves or returns the new one).
        reopened = move(self.db, claim, ClaimStatus.in_progress, correction=True,
                        values={"lease_expires_at": None})
        submitted = move(self.db, claim, ClaimStatus.in_review)
        verdict = Verdict(
            claim_id=claim.id, number=next_number(self.db, claim.id),
            state=VerdictState.in_review.value, rating_id=published.rating_id,
            claim_reviewed=published.claim_reviewed, summary=published.summary,
            reasoning=published.reasoning, correction_note=TEXT_CHANGED_NOTE,
            proposed_by_id=published.proposed_by_id, submitted_at=utcnow(),
            evidence=list(published.evidence),
        )
        self.db.add(verdict)
        self.db.flush()
        counts["back_to_review"] += 1
        self.audit.record("claim.text_changed", subject_type="verdict", subject_id=verdict.id,
                          actor=actor, claim_id=claim.id, article_id=claim.article_id, details={
                              "before": reopened["before"], "after": submitted["after"],
                              "number": verdict.number, "replaces": published.number,
                              "old_exact": old_exact, "exact": claim.exact})

    # --- new candidates from new or changed sentences ---------------------------------------------

    def _new_claims(
        self, article: Article, revision: ArticleRevision, sentences: list[Sentence],
        fresh: dict[int, SentenceResult], placed: list[Claim],
    ) -> list[Claim]:
        taken = [(c.start, c.end) for c in placed]
        claims = []
        for index, result in sorted(fresh.items()):
            if not result.is_claim or _overlaps(taken, result.start, result.end):
                continue
            quote = quote_selector(revision.text, result.start, result.end)
            claims.append(Claim(
                article_id=article.id, revision_id=revision.id, sentence_id=sentences[index].id,
                status=ClaimStatus.candidate.value, origin="detector",
                exact=quote.exact, prefix=quote.prefix, suffix=quote.suffix,
                start=result.start, end=result.end, score=result.score,
                kinds=list(result.kinds), reasons=list(result.reasons),
                facts=[Fact(kind=f.kind, text=f.text, start=f.start, end=f.end, value=f.value)
                       for f in result.facts],
            ))
        self.db.add_all(claims)
        self.db.flush()
        if claims and self.settings.matching_enabled:  # "checked before", as for a new article
            MatchingService(self.db, settings=self.settings).suggest_for_claims(claims)
        return claims


def _shift(result: SentenceResult, index: int, offset: int) -> SentenceResult:
    """A result scored on the sentence alone, moved to its place in the revision's text."""
    return SentenceResult(
        index=index, start=result.start + offset, end=result.end + offset, text=result.text,
        score=result.score, is_claim=result.is_claim, kinds=result.kinds,
        facts=tuple(f.shifted(offset) for f in result.facts), reasons=result.reasons,
    )


def _sentence_at(sentences: list[Sentence], starts: list[int], start: int, end: int) -> int | None:
    """The sentence holding most of [start, end)."""
    i = max(0, bisect.bisect_right(starts, start) - 1)
    best, overlap = None, 0
    while i < len(sentences) and sentences[i].start < end:
        shared = min(end, sentences[i].end) - max(start, sentences[i].start)
        if shared > overlap:
            best, overlap = sentences[i].id, shared
        i += 1
    return best


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _number(article: Article, revision_id: int) -> int | None:
    return next((r.number for r in article.revisions if r.id == revision_id), None)
