"""The demo loader's accounts and rating scale: created once, printed, never in production."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from factcheck.exceptions import PermissionDenied
from factcheck.models import DEFAULT_SCALE, Article, Rating, User
from factcheck.services.demo import DEMO_ACCOUNTS, load_demo
from factcheck.services.users import UserService


def test_the_demo_seeds_the_scale_and_accounts_once_and_prints_the_logins(db, settings):
    first = list(load_demo(db, settings=settings))
    second = list(load_demo(db, settings=settings))
    assert db.scalar(select(func.count(Rating.id))) == len(DEFAULT_SCALE)
    assert db.scalar(select(func.count(User.id))) == len(DEMO_ACCOUNTS)
    for email, _, role, password in DEMO_ACCOUNTS:
        assert f"demo login ({role}): {email} / {password}" in first
        assert f"demo login ({role}): {email} / {password}" in second
    assert "rating scale: kept" in second


def test_the_demo_accounts_can_sign_in(db, settings):
    list(load_demo(db, settings=settings))
    email, _, role, password = DEMO_ACCOUNTS[0]
    user = UserService(db, settings=settings).authenticate(email=email, password=password, address="x")
    assert user.role == role


def test_production_refuses_the_demo_and_creates_nothing(db, settings):
    production = settings.model_copy(update={"environment": "production"})
    with pytest.raises(PermissionDenied, match="never loaded in production"):
        list(load_demo(db, settings=production))
    assert db.scalar(select(func.count(User.id))) == 0
    assert db.scalar(select(func.count(Article.id))) == 0
