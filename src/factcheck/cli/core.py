"""Core commands: db upgrade/downgrade/current, ingest, detect, demo, serve."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

from factcheck.cli.common import fail, load_settings, read_input, session_scope
from factcheck.exceptions import FactcheckError

db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    from factcheck import migrations

    settings = load_settings()
    migrations.upgrade(settings.database_url, revision)
    typer.echo(f"database at {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")]) -> None:
    """Revert migrations down to REVISION."""
    from factcheck import migrations

    settings = load_settings()
    migrations.downgrade(settings.database_url, revision)
    typer.echo(f"database at {revision}")


@db_app.command("current")
def db_current() -> None:
    """Print the database's current migration revision."""
    from factcheck import migrations
    from factcheck.db import make_engine

    engine = make_engine(load_settings().database_url)
    try:
        typer.echo(migrations.current_revision(engine) or "empty (no migrations applied)")
    finally:
        engine.dispose()


def _parse_published(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(f"--published-at {value!r}: use an ISO date such as 2023-03-20")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _default_title(path: str, text: str) -> str:
    if path != "-":
        return Path(path).stem.replace("-", " ").replace("_", " ").strip().capitalize()
    first = next((line.strip() for line in text.splitlines() if line.strip()), "Untitled")
    return first[:200]


def ingest(
    path: Annotated[str, typer.Argument(help="A .txt or .html file, or - for standard input.")],
    title: Annotated[Optional[str], typer.Option(help="Headline (default: from the file name).")] = None,
    url: Annotated[Optional[str], typer.Option(help="The article's public URL.")] = None,
    external_id: Annotated[Optional[str], typer.Option(help="The CMS's id for the article.")] = None,
    published_at: Annotated[Optional[str], typer.Option(help="Publication date, e.g. 2023-03-20.")] = None,
    author: Annotated[Optional[str], typer.Option(help="The article's author.")] = None,
) -> None:
    """Store an article and its candidate claims; print the article id and a table of claims."""
    from factcheck.services.ingest import IngestService

    settings = load_settings()
    raw = read_input(path)
    source_format = "html" if path.lower().endswith((".html", ".htm")) else "auto"
    try:
        with session_scope(settings) as db:
            result = IngestService(db, settings=settings).ingest(
                text=raw, title=title or _default_title(path, raw.decode("utf-8", "replace")),
                url=url, external_id=external_id, author=author,
                published_at=_parse_published(published_at), source_format=source_format,
            )
            _print_ingest(result)
    except FactcheckError as error:
        fail(error.message)


def _print_ingest(result) -> None:  # type: ignore[no-untyped-def]
    state = "created" if result.created else "new revision" if result.revised else "unchanged"
    typer.echo(
        f"article {result.article.id} ({state}, revision {result.revision.number}): "
        f"{len(result.claims)} candidate claims"
    )
    if not result.claims:
        return
    typer.echo(f"{'id':>6}  {'score':>5}  {'kinds':<28}  claim")
    for claim in sorted(result.claims, key=lambda c: -c.score):
        text = claim.exact if len(claim.exact) <= 90 else claim.exact[:87] + "..."
        typer.echo(f"{claim.id:>6}  {claim.score:>5.2f}  {','.join(claim.kinds)[:28]:<28}  {text}")


def detect(
    path: Annotated[str, typer.Argument(help="A text file, or - for standard input.")],
    sentences: Annotated[bool, typer.Option("--sentences", help="One sentence per line; no segmentation.")] = False,
    published_at: Annotated[Optional[str], typer.Option(help="The text's date, to resolve dates like 'March 8'.")] = None,
) -> None:
    """Score a text without a database: print one JSON object per sentence."""
    from factcheck.services.ingest import make_detector
    from factcheck.services.text_input import decode

    settings = load_settings()
    try:
        text = decode(read_input(path))
    except FactcheckError as error:
        fail(error.message)
    if "\x00" in text:
        fail("the input contains NUL bytes; it looks like a binary file")
    when: date | None = None
    if published_at:
        try:
            when = date.fromisoformat(published_at)
        except ValueError:
            fail(f"--published-at {published_at!r}: use an ISO date such as 2023-03-20")
    detector = make_detector(settings)
    results = detector.detect_lines(text, published_at=when) if sentences else detector.detect(text, published_at=when)
    for result in results:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False))


def demo() -> None:
    """Load the reference article (and the demo accounts, when accounts exist); safe to repeat."""
    from factcheck.services.demo import load_demo

    settings = load_settings()
    with session_scope(settings) as db:
        for line in load_demo(db, settings=settings):
            typer.echo(line)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    reload: Annotated[bool, typer.Option("--reload", help="Restart on code changes (development).")] = False,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the web UI and the API."""
    import uvicorn

    load_settings()  # refuse bad settings before starting
    uvicorn.run(
        "factcheck.app:create_app", factory=True, host=host, port=port, reload=reload,
        workers=None if reload else workers, proxy_headers=True,
    )


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(detect)
    app.command()(demo)
    app.command()(serve)
