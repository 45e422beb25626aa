"""`factcheck detector ...`: train the check-worthiness model shipped with the claim detector."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Check-worthiness model: train and export the claim detector's model.",
                  no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Check-worthiness model: train and export the claim detector's model."""


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@app.command()
def train(
    data: Annotated[list[Path], typer.Option("--data", help="Labelled TSV (CheckThat! 2024 "
                                             "Sentence_id/Text/class_label, or 2020 debates); repeatable.")],
    out: Annotated[Path | None, typer.Option("--out", help="Model file to write "
                                             "(default: the one shipped in the package).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed for the folds.")] = 0,
    folds: Annotated[int, typer.Option(min=2, max=20, help="Cross-validation folds.")] = 5,
) -> None:
    """Cross-validate on DATA, choose the thresholds, fit and write the JSON model."""
    try:
        import sklearn  # noqa: F401, PLC0415
    except ImportError:
        _fail("training needs scikit-learn: pip install 'factcheck[train]'")
    from factcheck.analysis.checkworthiness_model import MODEL_PATH  # noqa: PLC0415
    from factcheck.analysis.checkworthiness_model import train as train_model  # noqa: PLC0415

    try:
        report = train_model(data, out_path=out or MODEL_PATH, seed=seed, folds=folds)
    except (ValueError, UnicodeDecodeError) as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"{error.filename or out}: {error.strerror}")
    typer.echo(f"sentences        {report.sentences} ({report.positives} check-worthy)")
    typer.echo(f"cross-validation {report.folds} folds, out-of-fold at the queue threshold:")
    typer.echo(f"  precision      {report.cv_precision:.3f}")
    typer.echo(f"  recall         {report.cv_recall:.3f}")
    typer.echo(f"  F1             {report.cv_f1:.3f} (best threshold: {report.best_cv_f1:.3f})")
    typer.echo(f"threshold        0.5 (logit {report.raw_threshold:.3f}), recall-first")
    typer.echo(f"high priority    0.8 (logit {report.raw_high_priority_threshold:.3f}): "
               f"precision {report.high_priority_precision:.3f}, "
               f"recall {report.high_priority_recall:.3f}")
    typer.echo(f"model            {report.out_path} ({report.terms} terms, "
               f"{report.size_bytes / 1e6:.2f} MB)")
