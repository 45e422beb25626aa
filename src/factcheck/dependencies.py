"""FastAPI dependencies shared by the HTML and JSON surfaces: settings and the request's session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from factcheck.settings import Settings


async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


async def get_db(request: Request) -> AsyncIterator[Session]:
    """One transaction per request: committed when the handler returns, rolled back if it raises.

    The session connects lazily; a request that never touched the database (a health check, an
    API call refused before any query) ends without a database round trip or thread-pool hop.
    """
    session: Session = request.app.state.session_factory()
    try:
        yield session
        if session.in_transaction():
            await run_in_threadpool(session.commit)
    except BaseException:
        if session.in_transaction():
            await run_in_threadpool(session.rollback)
        raise
    finally:
        session.close()  # no I/O left: commit or rollback already gave the connection back


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
# scope="function": commit before the response is sent, so a client that follows a redirect
# sees what was written, and a failed commit is an error response, never a false success.
DbSession = Annotated[Session, Depends(get_db, scope="function")]
