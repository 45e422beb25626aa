"""The application factory: wires settings, the database, routes and static files together."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from factcheck import __version__
from factcheck.api import router as api
from factcheck.api.invalidation import ChangeListener
from factcheck.db import make_engine, make_read_session_factory, make_session_factory
from factcheck.paths import STATIC_DIR
from factcheck.settings import Settings, get_settings
from factcheck.worker import start_background_worker, stop_background_worker
from factcheck.web import admin
from factcheck.web import articles, auth, errors, health
from factcheck.web import dashboard
from factcheck.web import admin_webhooks
from factcheck.web import admin_tokens
from factcheck.web import claims, review, sources, workspace
from factcheck.web import revisions
from factcheck.web import matching


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    start_background_worker(app)  # webhook delivery inside `serve` for the embedded SQLite default
    listener = app.state.change_listener = _change_listener(app)
    if listener is not None:
        listener.start()
    try:
        yield
    finally:
        if listener is not None:
            listener.stop()
        stop_background_worker(app)


def _change_listener(app: FastAPI) -> ChangeListener | None:
    engine: Engine = app.state.engine
    if engine.dialect.name != "postgresql" or not app.state.settings.api_cache_listen:
        return None
    return ChangeListener.for_engine(engine)


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """Build the app; `engine` lets a caller (tests, benchmarks) share one it already has."""
    settings = settings or get_settings()
    app = FastAPI(
        title="factcheck",
        version=__version__,
        description="Claim extraction and fact-checking workbench: the publishing API.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
        # Every route: HTML ones need a signed-in user and, when state-changing, a CSRF token.
        dependencies=auth.APP_DEPENDENCIES,
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.database_url)
    app.state.session_factory = make_session_factory(app.state.engine)
    app.state.read_session_factory = make_read_session_factory(app.state.engine)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    errors.install(app)
    api.install(app)  # after errors.install: its JSON handlers wrap the HTML ones for /api/
    auth.install(app)
    app.include_router(health.router)
    app.include_router(auth.router, include_in_schema=False)
    app.include_router(admin.router, include_in_schema=False)
    app.include_router(articles.router, include_in_schema=False)
    app.include_router(dashboard.router, include_in_schema=False)
    app.include_router(admin_webhooks.router, include_in_schema=False)
    app.include_router(admin_tokens.router, include_in_schema=False)
    app.include_router(matching.router, include_in_schema=False)
    for router in (claims.router, workspace.router, sources.router, review.router):
        app.include_router(router, include_in_schema=False)
    app.include_router(revisions.router, include_in_schema=False)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/articles", status_code=303)

    return app
