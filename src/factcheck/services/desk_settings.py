"""Desk-wide switches an admin changes at run time, stored in `app_setting` (e.g. the two-person rule)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from factcheck.models import AppSetting, Role, User
from factcheck.services.audit import AuditService
from factcheck.services.permissions import require_role

TWO_PERSON_RULE = "two_person_rule"


class DeskSettings:
    def __init__(self, db: Session) -> None:
        self.db = db

    def two_person_rule(self) -> bool:
        """Whether a verdict needs an editor other than its proposer to approve it (default: yes)."""
        row = self.db.get(AppSetting, TWO_PERSON_RULE)
        return bool(row.value.get("enabled", True)) if row is not None else True

    def set_two_person_rule(self, enabled: bool, *, actor: User | None) -> bool:
        require_role(actor, Role.admin)
        before = self.two_person_rule()
        if before == enabled:
            return enabled
        row = self.db.get(AppSetting, TWO_PERSON_RULE)
        if row is None:
            self.db.add(AppSetting(key=TWO_PERSON_RULE, value={"enabled": enabled}))
        else:
            row.value = {"enabled": enabled}  # a new dict, so the JSON column sees the change
        self.db.flush()
        AuditService(self.db).record(
            "settings.changed", subject_type="app_setting", subject_id=0, actor=actor,
            details={"key": TWO_PERSON_RULE, "from": before, "to": enabled},
        )
        return enabled
