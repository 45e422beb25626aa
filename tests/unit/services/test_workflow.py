"""The claim status machine: the transition table and the compare-and-set move."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from factcheck.exceptions import IllegalTransitionError, StaleVersionError
from factcheck.models import Claim, ClaimStatus
from factcheck.services.workflow import allowed_transitions, check_transition, move
from tests.factories import ClaimFactory

S = ClaimStatus

ALLOWED = [
    ("candidate", "accepted"), ("candidate", "dismissed"), ("candidate", "duplicate"),
    ("accepted", "in_progress"), ("accepted", "dismissed"), ("accepted", "duplicate"),
    ("accepted", "candidate"), ("dismissed", "candidate"), ("duplicate", "candidate"),
    ("in_progress", "in_review"), ("in_progress", "accepted"),
    ("in_review", "published"), ("in_review", "in_progress"),
]
REFUSED = [
    ("candidate", "in_progress"), ("candidate", "published"), ("candidate", "in_review"),
    ("accepted", "published"), ("in_progress", "published"), ("in_progress", "dismissed"),
    ("in_review", "accepted"), ("published", "in_progress"), ("published", "candidate"),
    ("dismissed", "accepted"), ("duplicate", "accepted"), ("in_progress", "candidate"),
]


@pytest.mark.parametrize(("current", "requested"), ALLOWED)
def test_it_allows_the_workflow_transitions(current, requested):
    check_transition(current, requested)


@pytest.mark.parametrize(("current", "requested"), REFUSED)
def test_it_refuses_other_transitions_naming_the_allowed_ones(current, requested):
    with pytest.raises(IllegalTransitionError) as raised:
        check_transition(current, requested)
    assert raised.value.details["allowed"] == sorted(s.value for s in allowed_transitions(current))
    assert raised.value.details["current"] == current


def test_published_reopens_only_through_a_correction():
    assert allowed_transitions("published") == frozenset()
    check_transition("published", "in_progress", correction=True)
    with pytest.raises(IllegalTransitionError):
        check_transition("published", "accepted", correction=True)


@pytest.mark.parametrize("current", ["in_progress", "in_review"])
def test_a_correction_under_way_may_return_to_published_only_as_a_withdrawal(current):
    with pytest.raises(IllegalTransitionError):
        check_transition(current, "published" if current == "in_progress" else "candidate")
    check_transition(current, "published", correction=True)


def test_move_changes_status_bumps_version_and_reports_before_and_after(db):
    claim = ClaimFactory()
    change = move(db, claim, S.accepted, version=1)
    assert change == {"before": {"status": "candidate", "version": 1},
                      "after": {"status": "accepted", "version": 2}}
    assert (claim.status, claim.version) == ("accepted", 2)


def test_move_refuses_an_old_version_and_changes_nothing(db):
    claim = ClaimFactory(version=3)
    with pytest.raises(StaleVersionError) as raised:
        move(db, claim, S.accepted, version=2)
    assert raised.value.details["current_version"] == 3
    db.refresh(claim)
    assert (claim.status, claim.version) == ("candidate", 3)


def test_move_notices_a_change_made_behind_the_sessions_back(db):
    claim = ClaimFactory()
    # Another transaction dismissed it; this session still holds the old copy.
    db.execute(update(Claim).where(Claim.id == claim.id).values(status="dismissed", version=2)
               .execution_options(synchronize_session=False))
    assert claim.status == "candidate"
    with pytest.raises(IllegalTransitionError) as raised:
        move(db, claim, S.accepted)
    assert raised.value.details["current"] == "dismissed"


def test_move_with_a_version_reports_the_newer_version_first(db):
    claim = ClaimFactory()
    db.execute(update(Claim).where(Claim.id == claim.id).values(version=5)
               .execution_options(synchronize_session=False))
    with pytest.raises(StaleVersionError):
        move(db, claim, S.accepted, version=1)
