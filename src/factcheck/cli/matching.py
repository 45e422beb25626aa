"""`factcheck matching ...`: maintenance of the "checked before" index (its full-text segments, the
encoder's stored vectors)."""

from __future__ import annotations

from typing import Annotated

import typer

from factcheck.cli.common import fail, load_settings, session_scope
from factcheck.exceptions import FactcheckError
from factcheck.services.match_search import MatchSearch
from factcheck.services.matching import MatchingService

app = typer.Typer(help="Claim matching: compact the full-text index, backfill the sentence encoder's "
                  "vectors.", no_args_is_help=True)


@app.command("reindex")
def reindex(
    everything: Annotated[bool, typer.Option(
        "--all", help="Encode every published claim again, not only those without a vector.")] = False,
) -> None:
    """Store the sentence encoder's vector of published claims (needs FACTCHECK_MATCHING_ENCODER=1)."""
    settings = load_settings()
    if not settings.matching_encoder:
        fail("the sentence encoder is off: set FACTCHECK_MATCHING_ENCODER=1 (and install the "
             "`encoder` extra) first")
    try:
        with session_scope(settings) as db:
            count = MatchingService(db, settings=settings).reindex(everything=everything)
    except FactcheckError as error:
        fail(error.message)
    typer.echo(f"{count} published claim(s) encoded")


@app.command("compact")
def compact() -> None:
    """Compact the full-text index of published claims (SQLite; `serve` and `worker` also do it when
    it has fragmented). Run it after a bulk import."""
    settings = load_settings()
    if not settings.is_sqlite:
        typer.echo("nothing to do: PostgreSQL keeps its GIN index itself")
        return
    with session_scope(settings) as db:
        before, after = MatchSearch(db).compact_index(force=True) or (0, 0)
    typer.echo(f"full-text index compacted: {before} segment(s) -> {after}")


@app.callback()
def _group() -> None:
    """Claim matching maintenance."""
