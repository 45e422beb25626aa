"""The dashboard page: queue sizes, the oldest waiting claims, checks per day and ratings."""

from __future__ import annotations

from fastapi import APIRouter, Request

from factcheck.dependencies import DbSession
from factcheck.presenters.dashboard import build_dashboard
from factcheck.services.dashboard import DashboardService
from factcheck.web.auth import CurrentChecker
from factcheck.web.rendering import render

router = APIRouter()


@router.get("/dashboard")
def dashboard(request: Request, db: DbSession, user: CurrentChecker):
    page = build_dashboard(DashboardService(db).summary(actor=user))
    return render(request, "dashboard/index.html", {"page": page}, fragment="dashboard/_panels.html")
