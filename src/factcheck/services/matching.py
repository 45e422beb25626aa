""""Checked before": match new claims to published verdicts, suggest or auto-link, and act on suggestions.

The search (services/match_search.py: full-text candidates, re-scored into a probability) is
compared here with the two configured thresholds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from factcheck.analysis import claim_matcher as cm
from factcheck.analysis.claim_groups import group_near_identical
from factcheck.exceptions import ConflictError, NotFoundError, ValidationError
from factcheck.models import (
    Article, Claim, ClaimStatus, Rating, Role, User, Verdict, VerdictState, utcnow,
)
from factcheck.models.match import MatchSuggestion
from factcheck.services.audit import AuditService
from factcheck.services.match_index import COMMON_FLOOR, MAX_QUERY_WORDS
from factcheck.services.match_search import CANDIDATES, ENCODER_CANDIDATES, Match, MatchSearch
from factcheck.services.permissions import require_role
from factcheck.services.triage import TriageService
from factcheck.services.verdicts import next_number
from factcheck.services.workflow import move, valid_id
from factcheck.settings import Settings

__all__ = ["CANDIDATES", "ENCODER_CANDIDATES", "Match", "MatchingService", "SuggestionView"]

# For a new claim only confident matches matter: its 6 rarest words (none in over 300 claims when
# rarer ones exist) and 8 candidates find the same suggestions at 0.9 on dev, twice as fast.
SUGGEST_PLAN = {"candidates": 8, "most_words": 6, "common": 300, "lexical_floor": cm.SUGGEST_FLOOR}
# With the sentence encoder, new claims: 8 candidates find 98% of train's suggestions at 0.55.
ENCODER_SUGGEST_PLAN = {"candidates": 8, "most_words": MAX_QUERY_WORDS, "common": COMMON_FLOOR}
MAX_SUGGESTIONS = 3  # per new claim
MAX_BULK = 200
MAX_GROUPED = 500  # candidate claims compared when grouping the queue
OPEN_STATES = ("suggested", "auto_linked")
SHOWN_STATES = ("suggested", "auto_linked", "confirmed")


@dataclass
class SuggestionView:
    suggestion: MatchSuggestion
    matched_claim: Claim
    verdict: Verdict | None
    rating: Rating | None
    article_id: int
    article_title: str

    @property
    def is_open(self) -> bool:
        return self.suggestion.state in OPEN_STATES


@dataclass
class BulkOutcome:
    done: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)  # suggestion id → why it was left alone


class MatchingService(MatchSearch):
    """Suggestions for new claims (above the lower threshold; an automatic link above the higher
    one) and what people decide about them; the search itself is MatchSearch's."""

    def __init__(self, db: Session, *, settings: Settings | None = None) -> None:
        super().__init__(db, settings=settings)
        defaults = Settings.model_fields
        self.suggest_at = (settings.match_suggest_threshold if settings
                           else defaults["match_suggest_threshold"].default)
        self.auto_at = settings.match_auto_threshold if settings else defaults["match_auto_threshold"].default
        self.audit = AuditService(db)

    # -- suggestions -------------------------------------------------------------------------------

    def suggest_for_claim(self, claim: Claim) -> list[MatchSuggestion]:
        """Store suggestions above the lower threshold; link the best one above the higher one."""
        return self._suggest([claim])

    def suggest_for_claims(self, claims: Sequence[Claim]) -> list[MatchSuggestion]:
        """Suggestions for each new claim (what ingest calls after storing candidates)."""
        # No separate "is the index empty?" query: with no documents the search finds no words.
        return self._suggest(claims) if claims else []

    def _suggest(self, claims: Sequence[Claim]) -> list[MatchSuggestion]:
        # An article's claims together: one statistics query, one full-text statement, one insert.
        plan = ENCODER_SUGGEST_PLAN if self.encoder else SUGGEST_PLAN
        ranked = self._rank([c.exact for c in claims], [c.id for c in claims], **plan,
                            at_least=self.suggest_at)
        likely = [c.id for c, scored in zip(claims, ranked, strict=True)
                  if scored and scored[0][1] >= self.suggest_at]
        if not likely:  # most new claims were never checked before
            return []
        existing: dict[int, set[int]] = {}
        for claim_id, matched_id in self.db.execute(
                select(MatchSuggestion.claim_id, MatchSuggestion.matched_claim_id)
                .where(MatchSuggestion.claim_id.in_(likely))):
            existing.setdefault(claim_id, set()).add(matched_id)
        made: list[tuple[Claim, MatchSuggestion]] = []
        for claim, scored in zip(claims, ranked, strict=True):
            first = True
            for hit, score in scored[:MAX_SUGGESTIONS]:
                if score < self.suggest_at or hit.claim_id in existing.get(claim.id, ()):
                    continue
                auto = (score >= self.auto_at and first and claim.status == ClaimStatus.candidate.value
                        and claim.duplicate_of_id is None)
                first = False
                made.append((claim, MatchSuggestion(
                    claim_id=claim.id, matched_claim_id=hit.claim_id,
                    matched_verdict_id=hit.verdict_id, score=round(score, 4),
                    state="auto_linked" if auto else "suggested")))
        if not made:
            return []
        self.db.add_all([s for _, s in made])
        self.db.flush()
        for claim, suggestion in made:
            if suggestion.state == "auto_linked":
                change = move(self.db, claim, ClaimStatus.duplicate,
                              values={"duplicate_of_id": suggestion.matched_claim_id})
                self._record("match.auto_linked", suggestion, None, change)
            else:
                self._record("match.suggested", suggestion, None, {"score": suggestion.score})
        return [s for _, s in made]

    def for_claim(self, claim_id: int) -> list[SuggestionView]:
        rows = self.db.scalars(select(MatchSuggestion).where(MatchSuggestion.claim_id == claim_id)
                               .order_by(MatchSuggestion.score.desc(), MatchSuggestion.id))
        return self._views(list(rows))

    def latest_for_claims(self, claim_ids: Iterable[int]) -> dict[int, SuggestionView]:
        """The best shown suggestion for each claim (one query for a page of the queue)."""
        ids = [i for i in set(claim_ids) if valid_id(i)]
        if not ids:
            return {}
        rows = self.db.scalars(
            select(MatchSuggestion).where(MatchSuggestion.claim_id.in_(ids),
                                          MatchSuggestion.state.in_(SHOWN_STATES))
            .order_by(MatchSuggestion.score.desc(), MatchSuggestion.id))
        best: dict[int, MatchSuggestion] = {}
        for row in rows:
            best.setdefault(row.claim_id, row)
        return {v.suggestion.claim_id: v for v in self._views(list(best.values()))}

    def open_suggestions(self, *, limit: int = 50, offset: int = 0) -> list[SuggestionView]:
        """A page of suggestions waiting for a person, best first."""
        if not 1 <= limit <= MAX_BULK or offset < 0:
            raise ValidationError(f"limit must be 1–{MAX_BULK} and offset not negative.")
        rows = self.db.scalars(
            select(MatchSuggestion).where(MatchSuggestion.state.in_(OPEN_STATES))
            .order_by(MatchSuggestion.score.desc(), MatchSuggestion.id).limit(limit).offset(offset))
        return self._views(list(rows))

    def get(self, suggestion_id: int) -> MatchSuggestion:
        row = self.db.get(MatchSuggestion, suggestion_id) if valid_id(suggestion_id) else None
        if row is None:
            raise NotFoundError(f"Suggestion {suggestion_id} does not exist.")
        return row

    def view(self, suggestion_id: int) -> SuggestionView:
        return self._views([self.get(suggestion_id)])[0]

    # -- decisions ---------------------------------------------------------------------------------

    def confirm(self, suggestion_id: int, *, actor: User, reuse_verdict: bool = False) -> MatchSuggestion:
        """The claim was checked before: mark it a duplicate, or reuse the earlier verdict for review."""
        require_role(actor, Role.checker)
        suggestion = self._open(suggestion_id)
        claim = self.db.get(Claim, suggestion.claim_id)
        if reuse_verdict:
            self._reuse(suggestion, claim, actor)
        elif claim.status != ClaimStatus.duplicate.value:
            TriageService(self.db).mark_duplicate(claim.id, actor=actor, version=claim.version,
                                                  duplicate_of_id=suggestion.matched_claim_id)
        self._decide(suggestion, "confirmed", actor, {"reuse_verdict": reuse_verdict})
        return suggestion

    def reject(self, suggestion_id: int, *, actor: User) -> MatchSuggestion:
        require_role(actor, Role.checker)
        suggestion = self._open(suggestion_id)
        if suggestion.state == "auto_linked":
            self._unlink(suggestion)
        self._decide(suggestion, "rejected", actor, {})
        return suggestion

    def undo_auto_link(self, suggestion_id: int, *, actor: User) -> MatchSuggestion:
        require_role(actor, Role.checker)
        suggestion = self.get(suggestion_id)
        if suggestion.state != "auto_linked":
            raise ConflictError(f"Only an automatic link can be undone (this one is {suggestion.state}).",
                                details={"state": suggestion.state})
        self._unlink(suggestion)
        self._decide(suggestion, "undone", actor, {})
        return suggestion

    def bulk_confirm(self, ids: Sequence[int], *, actor: User) -> BulkOutcome:
        return self._bulk(ids, actor, lambda i: self.confirm(i, actor=actor))

    def bulk_reject(self, ids: Sequence[int], *, actor: User) -> BulkOutcome:
        return self._bulk(ids, actor, lambda i: self.reject(i, actor=actor))

    # -- grouping the queue ------------------------------------------------------------------------

    def group_candidates(self, claims: Sequence[Claim] | None = None, *,
                         threshold: float = 95.0) -> list[list[Claim]]:
        """Near-identical candidate claims (same fingerprint or ratio ≥ threshold), groups of two or more."""
        if claims is None:
            claims = list(self.db.scalars(
                select(Claim).where(Claim.status == ClaimStatus.candidate.value)
                .order_by(Claim.score.desc(), Claim.id).limit(MAX_GROUPED)))
        claims = list(claims)[:MAX_GROUPED]
        return [[claims[i] for i in group] for group in group_near_identical(
            [c.exact for c in claims], threshold=threshold)]

    # -- helpers -----------------------------------------------------------------------------------

    def _reuse(self, suggestion: MatchSuggestion, claim: Claim, actor: User) -> Verdict:
        """A new verdict version on this claim, copied from the earlier one, waiting for an editor."""
        earlier = self.db.scalar(
            select(Verdict).where(Verdict.claim_id == suggestion.matched_claim_id,
                                  Verdict.state == VerdictState.published.value))
        if earlier is None:
            raise ConflictError("The earlier claim has no published verdict to reuse.")
        if claim.status == ClaimStatus.duplicate.value:  # auto-linked: back into the workflow
            move(self.db, claim, ClaimStatus.candidate, values={"duplicate_of_id": None})
        for step in (ClaimStatus.accepted, ClaimStatus.in_progress, ClaimStatus.in_review):
            if claim.status != step.value:
                move(self.db, claim, step, values={"assignee_id": actor.id, "lease_expires_at": None})
        claim.duplicate_of_id = suggestion.matched_claim_id
        number = next_number(self.db, claim.id)
        verdict = Verdict(
            claim_id=claim.id, number=number, state=VerdictState.in_review.value,
            rating_id=earlier.rating_id, claim_reviewed=earlier.claim_reviewed,
            summary=earlier.summary, reasoning=earlier.reasoning, reused_from_id=earlier.id,
            proposed_by_id=actor.id, submitted_at=utcnow(), evidence=list(earlier.evidence))
        self.db.add(verdict)
        self.db.flush()
        self.audit.record("verdict.reused", subject_type="verdict", subject_id=verdict.id,
                          actor=actor, claim_id=claim.id, article_id=claim.article_id,
                          details={"reused_from_id": earlier.id, "number": number})
        return verdict

    def _unlink(self, suggestion: MatchSuggestion) -> None:
        claim = self.db.get(Claim, suggestion.claim_id)
        if (claim.status == ClaimStatus.duplicate.value
                and claim.duplicate_of_id == suggestion.matched_claim_id):
            move(self.db, claim, ClaimStatus.candidate, values={"duplicate_of_id": None})

    def _open(self, suggestion_id: int) -> MatchSuggestion:
        suggestion = self.get(suggestion_id)
        if suggestion.state not in OPEN_STATES:
            raise ConflictError(f"This suggestion was already {suggestion.state}.",
                                details={"state": suggestion.state})
        return suggestion

    def _decide(self, suggestion: MatchSuggestion, state: str, actor: User, details: dict) -> None:
        before = suggestion.state
        suggestion.state, suggestion.decided_by_id, suggestion.decided_at = state, actor.id, utcnow()
        self.db.flush()
        self._record(f"match.{state}", suggestion, actor, {"before": before, **details})

    def _bulk(self, ids: Sequence[int], actor: User, action) -> BulkOutcome:  # type: ignore[no-untyped-def]
        require_role(actor, Role.checker)
        ids = list(dict.fromkeys(ids))
        if not ids:
            raise ValidationError("Select at least one suggestion.")
        if len(ids) > MAX_BULK:
            raise ValidationError(f"At most {MAX_BULK} suggestions at a time.")
        outcome = BulkOutcome()
        for suggestion_id in ids:
            try:
                with self.db.begin_nested():
                    action(suggestion_id)
                outcome.done.append(suggestion_id)
            except (ConflictError, NotFoundError, ValidationError) as error:
                outcome.skipped[suggestion_id] = error.message
        return outcome

    def _record(self, action: str, suggestion: MatchSuggestion, actor: User | None, details: dict) -> None:
        claim = self.db.get(Claim, suggestion.claim_id)
        self.audit.record(action, subject_type="match_suggestion", subject_id=suggestion.id,
                          actor=actor, claim_id=claim.id, article_id=claim.article_id,
                          details={"matched_claim_id": suggestion.matched_claim_id, **details})

    def _views(self, rows: list[MatchSuggestion]) -> list[SuggestionView]:
        if not rows:
            return []
        claims = {c.id: c for c in self.db.scalars(
            select(Claim).where(Claim.id.in_({r.matched_claim_id for r in rows})))}
        stored = {v.id: v for v in self.db.scalars(
            select(Verdict).where(Verdict.id.in_({r.matched_verdict_id for r in rows if r.matched_verdict_id})))}
        # After a correction, show the verdict in force now, not the one first matched.
        current = {v.claim_id: v for v in self.db.scalars(
            select(Verdict).where(Verdict.claim_id.in_(claims),
                                  Verdict.state == VerdictState.published.value))}
        titles = dict(self.db.execute(select(Article.id, Article.title).where(
            Article.id.in_({c.article_id for c in claims.values()}))).all())
        views = []
        for row in rows:
            matched = claims[row.matched_claim_id]
            verdict = current.get(row.matched_claim_id) or stored.get(row.matched_verdict_id)
            views.append(SuggestionView(row, matched, verdict, verdict.rating if verdict else None,
                                        matched.article_id, titles.get(matched.article_id, "")))
        return views
