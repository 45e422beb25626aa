"""The application factory: wires settings, the database, routes and static files together."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from factcheck import __version__
from factcheck.db import make_engine, make_session_factory
from factcheck.paths import STATIC_DIR
from factcheck.settings import Settings, get_settings
from factcheck.web import articles, errors, health


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
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.database_url)
    app.state.session_factory = make_session_factory(app.state.engine)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    errors.install(app)
    app.include_router(health.router)
    app.include_router(articles.router, include_in_schema=False)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/articles", status_code=303)

    return app
