"""Check-worthiness of sentences: score, claim kinds, the facts inside, and the reasons.

``ClaimDetector`` is cheap to build; the model and gazetteer load once per process, on first use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from factcheck.analysis.checkworthiness_model import (
    Scored,
    Scorer,
    default_scorer,
    is_overall_reason,
)
from factcheck.analysis.facts import FactSpan
from factcheck.analysis.features import SentenceFeatures, extract_features

__all__ = ["DEFAULT_THRESHOLD", "HIGH_PRIORITY_THRESHOLD", "ClaimDetector", "FactSpan",
           "SentenceResult"]

# Scores are calibrated so that 0.5 is the recall-first queue threshold chosen by cross-validation.
DEFAULT_THRESHOLD = 0.5
HIGH_PRIORITY_THRESHOLD = 0.8
MAX_REASONS = 6


@dataclass(frozen=True, slots=True)
class SentenceResult:
    index: int
    start: int
    end: int
    text: str
    score: float
    is_claim: bool
    kinds: tuple[str, ...]
    facts: tuple[FactSpan, ...]
    reasons: tuple[str, ...]

    def to_dict(self) -> dict:
        return {
            "index": self.index,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "score": round(self.score, 4),
            "is_claim": self.is_claim,
            "kinds": list(self.kinds),
            "facts": [f.to_dict() for f in self.facts],
            "reasons": list(self.reasons),
        }


def _reasons(contributions: Iterable[tuple[str, float]]) -> tuple[str, ...]:
    """The strongest MAX_REASONS named reasons, strongest first, then the "overall wording" one (a
    read-out's) if there is one: it names nothing a checker can look at, so it neither takes a
    named reason's slot nor comes before them, however strong."""
    named = [reason for reason, _ in contributions if not is_overall_reason(reason)]
    overall = [reason for reason, _ in contributions if is_overall_reason(reason)]
    return tuple(named[:MAX_REASONS] + overall)


class ClaimDetector:
    def __init__(self, threshold: float = DEFAULT_THRESHOLD, *, scorer: Scorer | None = None) -> None:
        self.threshold = threshold
        self._scorer = scorer

    @property
    def scorer(self) -> Scorer:
        return self._scorer if self._scorer is not None else default_scorer()

    def detect(self, text: str, *, published_at: dt.date | None = None) -> list[SentenceResult]:
        """Segment ``text`` into sentences and score each; offsets index ``text``."""
        from factcheck.analysis.segmenter import segment  # noqa: PLC0415  (a sibling still in flux)

        return self._score_spans(text, ((s.start, s.end) for s in segment(text)), published_at)

    def detect_lines(self, text: str, *, published_at: dt.date | None = None) -> list[SentenceResult]:
        """One sentence per non-blank line (stripped); offsets index the whole ``text``."""
        spans = []
        position = 0
        for line in text.splitlines(keepends=True):
            stripped = line.strip()
            if stripped:
                start = position + (len(line) - len(line.lstrip()))
                spans.append((start, start + len(stripped)))
            position += len(line)
        return self._score_spans(text, spans, published_at)

    def score_sentences(self, sentences: list[str], *,
                        published_at: dt.date | None = None) -> list[SentenceResult]:
        """Score ready-made sentences; offsets are relative to each sentence."""
        items = []
        for sentence in sentences:
            stripped = sentence.strip()
            start = len(sentence) - len(sentence.lstrip()) if stripped else 0
            items.append((sentence, start, start + len(stripped)))
        return self._score_all(items, published_at)

    def _score_spans(self, text: str, spans: Iterable[tuple[int, int]],
                     published_at: dt.date | None) -> list[SentenceResult]:
        return self._score_all([(text, start, end) for start, end in spans], published_at)

    def _score_all(self, items: list[tuple[str, int, int]],
                   published_at: dt.date | None) -> list[SentenceResult]:
        features = [extract_features(text[start:end], published_at=published_at)
                    for text, start, end in items]
        batch = getattr(self.scorer, "score_batch", None)  # e.g. the encoder scorer: one call
        scores = batch(features) if batch else [self.scorer.score(f) for f in features]
        return [self._result(index, start, end, f, scored) for index, ((_, start, end), f, scored)
                in enumerate(zip(items, features, scores))]

    def _result(self, index: int, start: int, end: int, features: SentenceFeatures,
                scored: Scored) -> SentenceResult:
        sentence = features.text
        reasons = _reasons(scored.contributions)
        return SentenceResult(
            index=index,
            start=start,
            end=end,
            text=sentence,
            score=scored.score,
            is_claim=scored.score >= self.threshold,
            kinds=features.kinds,
            facts=tuple(f.shifted(start) for f in features.facts),
            reasons=reasons,
        )
