"""`factcheck matching ...`: maintenance of the "checked before" index (the encoder's stored vectors)."""

from __future__ import annotations

from typing import Annotated

import typer

from factcheck.cli.common import fail, load_settings, session_scope
from factcheck.exceptions import FactcheckError
from factcheck.services.matching import MatchingService

app = typer.Typer(help="Claim matching: backfill the sentence encoder's vectors.", no_args_is_help=True)


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


@app.callback()
def _group() -> None:
    """Claim matching maintenance."""
