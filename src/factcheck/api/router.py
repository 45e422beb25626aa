"""The /api/v1 router: every API route, and `install()` wiring its error handlers and body limit."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from factcheck.api import articles, detect, errors, verdicts

API_PREFIX = "/api/v1"

router = APIRouter(prefix=API_PREFIX)
router.include_router(articles.router)
router.include_router(verdicts.router)
router.include_router(detect.router)


@router.get("/ping", tags=["meta"], summary="Liveness of the API; no authentication (benchmark ceiling)")
async def ping() -> dict[str, str]:
    return {"status": "ok"}


def install(app: FastAPI) -> None:
    """Mount the router; call after the HTML error handlers so JSON ones wrap them for /api/ paths."""
    app.include_router(router)
    errors.install(app)
    app.add_middleware(errors.BodyLimitMiddleware, max_bytes=app.state.settings.max_upload_bytes)
