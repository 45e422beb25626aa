"""Sources (shared across claims) and the evidence that links a source to a claim with an excerpt."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from factcheck.exceptions import ConflictError, NotFoundError, PermissionDenied, ValidationError
from factcheck.models import (
    Claim, ClaimStatus, Evidence, Role, Source, SourceKind, Stance, User, Verdict, VerdictState,
    verdict_evidence,
)
from factcheck.services.audit import AuditService
from factcheck.services.leases import holds
from factcheck.services.permissions import require_role
from factcheck.services.workflow import get_claim, valid_id

MAX_EXCERPT = 5000
# Evidence frozen into these verdicts is part of the public record and cannot be removed.
FROZEN_STATES = (VerdictState.published.value, VerdictState.superseded.value)


def _clean_url(value: str | None, label: str, *, required: bool) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationError(f"The {label} is required.")
        return None
    if len(value) > 2048:
        raise ValidationError(f"The {label} is longer than 2048 characters.")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise ValidationError(f"The {label} must be a web address starting with http:// or https://.")
    return value


def _clean_text(value: str | None, label: str, limit: int, *, required: bool = False) -> str | None:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError(f"The {label} contains a NUL character.")
    if required and not value:
        raise ValidationError(f"The {label} is required.")
    if len(value) > limit:
        raise ValidationError(f"The {label} is longer than {limit} characters.")
    return value or None


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class SourceService:
    def __init__(self, db: Session) -> None:
        self.db = db
        self.audit = AuditService(db)

    def create(
        self,
        *,
        url: str,
        title: str,
        kind: str = SourceKind.secondary.value,
        publisher: str | None = None,
        published_on: date | None = None,
        archived_url: str | None = None,
        actor: User,
    ) -> Source:
        """A new shared source; a URL already on file is refused with the existing source's id."""
        require_role(actor, Role.checker)
        clean_url = _clean_url(url, "URL", required=True)
        fields = {
            "url": clean_url,
            "title": _clean_text(title, "title", 500, required=True),
            "publisher": _clean_text(publisher, "publisher", 255),
            "archived_url": _clean_url(archived_url, "archived URL", required=False),
            "published_on": published_on,
        }
        if kind not in SourceKind.__members__:
            raise ValidationError(f"The kind must be one of: {', '.join(SourceKind)}.")
        if published_on is not None and not isinstance(published_on, date):
            raise ValidationError("The publication date must be a date.")
        existing = self.by_url(clean_url)
        if existing is not None:
            raise ConflictError(f"This URL is already a source: {existing.title!r}. Reuse it.",
                                details={"source_id": existing.id})
        source = Source(kind=kind, created_by_id=actor.id, **fields)
        self.db.add(source)
        self.db.flush()
        self.audit.record("source.created", subject_type="source", subject_id=source.id,
                          actor=actor, details={"url": source.url})
        return source

    def by_url(self, url: str) -> Source | None:
        return self.db.scalar(select(Source).where(Source.url == url).order_by(Source.id).limit(1))

    def get(self, source_id: int) -> Source:
        source = self.db.get(Source, source_id) if valid_id(source_id) else None
        if source is None:
            raise NotFoundError(f"Source {source_id} does not exist.")
        return source

    def search(self, q: str, *, limit: int = 10) -> list[Source]:
        """Sources whose title, publisher or URL contains `q`, newest first (type-ahead reuse)."""
        q = (q or "").strip()
        if not q:
            return []
        pattern = _like(q)
        return list(self.db.scalars(
            select(Source)
            .where(or_(Source.title.ilike(pattern, escape="\\"), Source.url.ilike(pattern, escape="\\"),
                       Source.publisher.ilike(pattern, escape="\\")))
            .order_by(Source.id.desc())
            .limit(max(1, min(limit, 25)))
        ))

    def evidence(self, claim_id: int) -> list[Evidence]:
        return list(self.db.scalars(
            select(Evidence).where(Evidence.claim_id == claim_id).order_by(Evidence.id)
        ))

    def attach(
        self, claim_id: int, *, source_id: int, excerpt: str = "", stance: str = Stance.context.value,
        actor: User,
    ) -> Evidence:
        """Link a source to the claim the actor is working on, with the excerpt that matters."""
        claim = self._editable_claim(claim_id, actor)
        source = self.db.get(Source, source_id) if valid_id(source_id) else None
        if source is None:
            raise ValidationError(f"Source {source_id} does not exist.")
        if stance not in Stance.__members__:
            raise ValidationError(f"The stance must be one of: {', '.join(Stance)}.")
        evidence = Evidence(claim_id=claim.id, source_id=source.id, stance=stance,
                            excerpt=_clean_text(excerpt, "excerpt", MAX_EXCERPT) or "",
                            created_by_id=actor.id)
        self.db.add(evidence)
        self.db.flush()
        self.audit.record("evidence.attached", subject_type="evidence", subject_id=evidence.id,
                          actor=actor, claim_id=claim.id, article_id=claim.article_id,
                          details={"source_id": source.id, "stance": stance})
        return evidence

    def attach_new(
        self, claim_id: int, *, url: str, title: str, kind: str = SourceKind.secondary.value,
        publisher: str | None = None, published_on: date | None = None,
        archived_url: str | None = None, excerpt: str = "", stance: str = Stance.context.value,
        actor: User,
    ) -> Evidence:
        """Create a source and attach it; a URL already on file reuses that source."""
        self._editable_claim(claim_id, actor)
        existing = self.by_url(_clean_url(url, "URL", required=True) or "")
        source = existing or self.create(
            url=url, title=title, kind=kind, publisher=publisher, published_on=published_on,
            archived_url=archived_url, actor=actor,
        )
        return self.attach(claim_id, source_id=source.id, excerpt=excerpt, stance=stance, actor=actor)

    def detach(self, evidence_id: int, *, actor: User) -> Claim:
        """Remove evidence from a claim, unless a published verdict rests on it."""
        evidence = self.db.get(Evidence, evidence_id) if valid_id(evidence_id) else None
        if evidence is None:
            raise NotFoundError(f"Evidence {evidence_id} does not exist.")
        claim = self._editable_claim(evidence.claim_id, actor)
        frozen = self.db.scalar(
            select(Verdict.number)
            .join(verdict_evidence, verdict_evidence.c.verdict_id == Verdict.id)
            .where(verdict_evidence.c.evidence_id == evidence_id, Verdict.state.in_(FROZEN_STATES))
            .limit(1)
        )
        if frozen is not None:
            raise ConflictError(
                f"Published verdict version {frozen} rests on this evidence; it cannot be removed. "
                "Issue a correction instead."
            )
        self.db.delete(evidence)
        self.db.flush()
        self.audit.record("evidence.detached", subject_type="evidence", subject_id=evidence_id,
                          actor=actor, claim_id=claim.id, article_id=claim.article_id,
                          details={"source_id": evidence.source_id})
        return claim

    def _editable_claim(self, claim_id: int, actor: User) -> Claim:
        """Evidence changes need the claim's live lease, or an editor (who may also prepare corrections)."""
        require_role(actor, Role.checker)
        claim = get_claim(self.db, claim_id)
        if actor.role_enum.at_least(Role.editor):
            if claim.status in (ClaimStatus.in_progress.value, ClaimStatus.published.value):
                return claim
            raise ConflictError(
                f"Evidence can only change while the claim is in progress or published (it is {claim.status})."
            )
        if not holds(claim, actor):
            raise PermissionDenied("Take this claim first: evidence changes need your live lease.")
        return claim
