"""The relational model: one aggregate per module; importing this package registers every table."""

from factcheck.models.api_token import ApiToken
from factcheck.models.app_setting import AppSetting
from factcheck.models.article import Article, ArticleRevision, Sentence
from factcheck.models.audit import AuditEvent
from factcheck.models.base import Base, utcnow
from factcheck.models.claim import AnchorState, Claim, ClaimStatus, Fact
from factcheck.models.match import MatchSuggestion
from factcheck.models.rating import DEFAULT_SCALE, Rating
from factcheck.models.source import Evidence, Source, SourceKind, Stance
from factcheck.models.user import LoginAttempt, Role, User
from factcheck.models.verdict import Verdict, VerdictState, verdict_evidence
from factcheck.models.webhook import EVENTS, WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "DEFAULT_SCALE", "EVENTS", "AnchorState", "ApiToken", "AppSetting", "Article",
    "ArticleRevision", "AuditEvent", "Base", "Claim", "ClaimStatus", "Evidence", "Fact",
    "LoginAttempt", "MatchSuggestion", "Rating", "Role", "Sentence", "Source", "SourceKind",
    "Stance", "User", "Verdict", "VerdictState", "WebhookAttempt", "WebhookDelivery",
    "WebhookEndpoint", "utcnow", "verdict_evidence",
]
