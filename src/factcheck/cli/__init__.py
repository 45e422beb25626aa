"""Operator commands: serve, db, ingest, detect, demo, users, tokens, detector, worker, matching,
vectors."""

from __future__ import annotations

import typer

from factcheck.cli import core
from factcheck.cli.common import run_app

app = typer.Typer(
    name="factcheck",
    help="factcheck: a claim-extraction and fact-checking workbench for newsrooms.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
core.register(app)
app.add_typer(core.db_app, name="db")


def _register_optional() -> None:
    # Sub-applications live in their own modules, one per concept.
    import importlib

    for module, name in (("detector", "detector"), ("users", "users"), ("tokens", "tokens"),
                         ("webhooks", "webhooks"), ("matching", "matching"),
                         ("vectors", "vectors")):
        try:
            sub = importlib.import_module(f"factcheck.cli.{module}")
        except ModuleNotFoundError as error:
            if error.name != f"factcheck.cli.{module}":
                raise
            continue
        app.add_typer(sub.app, name=name)
        if hasattr(sub, "register"):
            sub.register(app)


_register_optional()


def main() -> None:
    run_app(app)
