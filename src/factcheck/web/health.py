"""Health endpoints for load balancers and docker-compose: liveness and database readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", include_in_schema=False)
def readyz(request: Request) -> JSONResponse:
    try:
        with request.app.state.engine.connect().execution_options(read_only=True) as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"
        return JSONResponse({"status": "unavailable", "error": type(error).__name__}, status_code=503)
    return JSONResponse({"status": "ok"})
