"""`factcheck webhooks ...` (endpoints and deliveries) and the top-level `factcheck worker` command."""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Optional

import typer

from factcheck.cli.common import fail, load_settings, session_scope
from factcheck.exceptions import FactcheckError
from factcheck.models import EVENTS
from factcheck.services.webhooks import WebhookService

app = typer.Typer(help="Webhook endpoints and their deliveries.", no_args_is_help=True)


@app.command("list")
def list_endpoints() -> None:
    """List endpoints with their events and delivery counts."""
    with _service() as service:
        summaries = service.overview(recent=0)
        if not summaries:
            typer.echo("no webhook endpoints (add one with: factcheck webhooks add URL --events ...)")
        for s in summaries:
            e = s.endpoint
            counts = ", ".join(f"{n} {status}" for status, n in sorted(s.counts.items())) or "no deliveries"
            state = "active" if e.is_active else "paused"
            typer.echo(f"{e.id:>4}  {state:<6}  {e.url}  [{', '.join(e.events)}]  {counts}")
            if e.description:
                typer.echo(f"      {e.description}")


@app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="The receiver's http(s) URL.")],
    events: Annotated[list[str], typer.Option(
        "--events", "-e", help=f"Repeat or comma-separate: {', '.join(EVENTS)}.")],
    description: Annotated[str, typer.Option(help="What this endpoint is for.")] = "",
) -> None:
    """Register an endpoint; prints its signing secret (store it in the receiver)."""
    chosen = [part for value in events for part in value.split(",")]
    with _service() as service:
        endpoint = service.create(url=url, events=chosen, description=description)
        typer.echo(f"endpoint {endpoint.id}: {endpoint.url} [{', '.join(endpoint.events)}]")
        typer.echo(f"secret: {endpoint.secret}")


@app.command("remove")
def remove(endpoint_id: Annotated[int, typer.Argument(help="The endpoint's id.")]) -> None:
    """Delete an endpoint and its delivery history."""
    with _service() as service:
        service.remove(endpoint_id)
    typer.echo(f"endpoint {endpoint_id} removed")


@app.command("rotate-secret")
def rotate_secret(endpoint_id: Annotated[int, typer.Argument(help="The endpoint's id.")]) -> None:
    """Give an endpoint a new signing secret and print it."""
    with _service() as service:
        typer.echo(f"secret: {service.rotate_secret(endpoint_id).secret}")


@app.command("deliveries")
def deliveries(
    endpoint: Annotated[Optional[int], typer.Option("--endpoint", help="Only this endpoint's.")] = None,
    status: Annotated[Optional[str], typer.Option(help="pending, delivered or failed.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many, newest first.")] = 20,
) -> None:
    """Recent deliveries, newest first, with their last result."""
    with _service() as service:
        rows = service.deliveries(endpoint, status=status, limit=limit)
        if not rows:
            typer.echo("no deliveries")
        for row in rows:
            d = row.delivery
            last = d.last_error or (f"HTTP {d.last_status_code}" if d.last_status_code else "")
            note = f"  resent as {row.resent_as}" if row.resent_as else ""
            typer.echo(
                f"{d.id:>6}  endpoint {d.endpoint_id}  {d.event:<18} {d.status:<9} "
                f"attempts {d.attempts}  {d.created_at:%Y-%m-%d %H:%M}  {last}{note}"
            )


@app.command("resend")
def resend(delivery_id: Annotated[int, typer.Argument(help="A failing or failed delivery's id.")]) -> None:
    """Queue a failing or failed delivery again (a new attempt cycle; same event id)."""
    with _service() as service:
        new = service.resend(delivery_id)
        typer.echo(f"delivery {delivery_id} queued again as delivery {new.id}")


def worker(
    once: Annotated[bool, typer.Option("--once", help="One pass over due deliveries, then exit.")] = False,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Deliveries sent in parallel.")] = 4,
    poll_interval: Annotated[float, typer.Option(
        min=0.05, max=3600, help="Seconds between polls when idle.")] = 2.0,
) -> None:
    """Deliver webhooks from the outbox until SIGTERM/SIGINT (run as many as you like)."""
    from factcheck.db import make_engine, make_session_factory
    from factcheck.worker import Worker, upkeep

    settings = load_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    runner = Worker(sessions, settings, concurrency=concurrency, poll_interval=poll_interval,
                    maintenance=upkeep(settings, sessions))
    try:
        if once:
            result = runner.run_once()
            typer.echo(f"{result.claimed} sent: {result.delivered} delivered, "
                       f"{result.retrying} to retry, {result.failed} failed")
            return
        for signum in (signal.SIGTERM, signal.SIGINT):
            # The first signal finishes the batch in hand and exits; no delivery is cut off half-way.
            signal.signal(signum, lambda *_: runner.stop())
        typer.echo(f"worker {runner.worker_id}: delivering webhooks (Ctrl-C to stop)")
        runner.run()
    finally:
        runner.close()
        engine.dispose()


def register(main_app: typer.Typer) -> None:
    main_app.command("worker")(worker)


@contextmanager
def _service() -> Iterator[WebhookService]:
    """An operator's WebhookService in a committed session; domain errors become one-line failures."""
    try:
        with session_scope(load_settings()) as db:
            yield WebhookService(db, operator=True)
    except FactcheckError as error:
        fail(error.message)
