"""The /api/v1 router: every API route, and `install()` wiring its error handlers and body limit."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant

from factcheck.api import articles, detect, errors, verdicts, workflow
from factcheck.api.fast_path import CachedVerdicts
from factcheck.exceptions import ValidationError

API_PREFIX = "/api/v1"


def _query_names(dependant: Dependant) -> frozenset[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return frozenset(names)


def _declared_query(route: object) -> frozenset[str]:
    names = getattr(route, "_factcheck_query_names", None)
    if names is None:
        names = _query_names(route.dependant)  # type: ignore[attr-defined]
        route._factcheck_query_names = names  # type: ignore[attr-defined]
    return names


async def reject_unknown_query(request: Request) -> None:
    """A misspelt parameter (`?limt=5`) is an error, not silently ignored."""
    route = request.scope.get("route")
    if route is None or not request.query_params:
        return
    unknown = sorted(set(request.query_params.keys()) - _declared_query(route))
    if unknown:
        raise ValidationError(
            f"Unknown query parameter(s): {', '.join(unknown)}.",
            details={"unknown": unknown, "allowed": sorted(_declared_query(route))},
        )


router = APIRouter(prefix=API_PREFIX, dependencies=[Depends(reject_unknown_query)])
router.include_router(articles.router)
router.include_router(verdicts.router)
router.include_router(detect.router)
router.include_router(workflow.router)


@router.get("/ping", tags=["meta"], summary="Liveness of the API; no authentication (benchmark ceiling)")
async def ping() -> dict[str, str]:
    return {"status": "ok"}


def install(app: FastAPI) -> None:
    """Mount the router; call after the HTML error handlers so JSON ones wrap them for /api/ paths."""
    app.include_router(router)
    errors.install(app)
    app.add_middleware(CachedVerdicts)  # inside the body limit (the last added runs first)
    app.add_middleware(errors.BodyLimitMiddleware, max_bytes=app.state.settings.max_upload_bytes)
