"""`factcheck vectors distill`: make the static word-piece table shipped with matching and the
claim detector (analysis/static_vectors.py) from all-MiniLM-L6-v2 (needs the `encoder` extra)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from factcheck.cli.common import fail

app = typer.Typer(help="Static sentence vectors: distil the shipped word-piece table.",
                  no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Static sentence vectors: distil the shipped word-piece table."""


@app.command()
def distill(
    corpus: Annotated[list[Path], typer.Option(
        "--corpus", help="Texts: JSON lines (vclaim, title, text) or TSV with a `text` column; "
        "repeatable. Training splits only.")],
    out: Annotated[Path | None, typer.Option(
        "--out", help="Table to write (default: the one shipped in the package).")] = None,
    dimensions: Annotated[int, typer.Option(min=8, max=384, help="Dimensions kept.")] = 128,
    epochs: Annotated[int, typer.Option(min=1, max=50)] = 4,
    seed: Annotated[int, typer.Option(help="Random seed (held-out split, fitting order).")] = 0,
) -> None:
    """Fit the word-piece table to MiniLM's sentence vectors on CORPUS and write it."""
    from factcheck.analysis.sentence_encoder import encoder_installed  # noqa: PLC0415
    from factcheck.analysis.static_vectors import VECTORS_PATH  # noqa: PLC0415
    from factcheck.analysis.static_vectors_training import distill as run, read_corpus  # noqa: PLC0415

    if not encoder_installed():
        fail("distilling needs the `encoder` extra (make encoder)")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        sentences = read_corpus(corpus)
    except (ValueError, UnicodeDecodeError) as error:
        fail(str(error))
    except OSError as error:
        fail(f"{error.filename}: {error.strerror}")
    if len(sentences) < 100:
        fail(f"the corpus has {len(sentences)} sentences; distilling needs at least 100")
    typer.echo(f"{len(sentences):,} sentences")
    report = run(sentences, out_path=out or VECTORS_PATH, dimensions=dimensions, epochs=epochs,
                 seed=seed, log=typer.echo)
    typer.echo(f"held-out cosine with MiniLM: {report.start_cosine:.3f} before fitting, "
               f"{report.cosine:.3f} after, {report.reduced_cosine:.3f} as shipped "
               f"({report.dimensions} dimensions, int8)")
    typer.echo(f"wrote {report.out_path} ({report.size_bytes / 1e6:.1f} MB) in {report.seconds:.0f} s")
