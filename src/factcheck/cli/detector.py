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
    encoder: Annotated[bool, typer.Option("--encoder", help="Also train the optional encoder "
                                          "model (needs the `encoder` extra).")] = False,
    encoder_out: Annotated[Path | None, typer.Option(
        "--encoder-out", help="Encoder model file to write (default: the shipped one).")] = None,
    vectors: Annotated[bool, typer.Option("--vectors", help="Also train the static-vector model "
                                          "(the default scorer's read-out beside the linear model).")] = False,
    vectors_out: Annotated[Path | None, typer.Option(
        "--vectors-out", help="Static-vector model file to write (default: the shipped one).")] = None,
) -> None:
    """Cross-validate on DATA, choose the thresholds, fit and write the JSON model(s)."""
    try:
        import sklearn  # noqa: F401, PLC0415
    except ImportError:
        _fail("training needs scikit-learn: pip install 'factcheck[train]'")
    from factcheck.analysis.checkworthiness_model import MODEL_PATH  # noqa: PLC0415
    from factcheck.analysis.checkworthiness_readout import (  # noqa: PLC0415
        ENCODER_MODEL_PATH,
        VECTORS_MODEL_PATH,
    )
    from factcheck.analysis.checkworthiness_training import train as train_model  # noqa: PLC0415

    if encoder_out is not None:
        encoder = True
    if vectors_out is not None:
        vectors = True
    from factcheck.analysis.checkworthiness_training import file_sha256  # noqa: PLC0415

    before = file_sha256(MODEL_PATH) if MODEL_PATH.exists() else None
    try:
        report = train_model(data, out_path=out or MODEL_PATH, seed=seed, folds=folds,
                             encoder_out=(encoder_out or ENCODER_MODEL_PATH) if encoder else None,
                             vectors_out=(vectors_out or VECTORS_MODEL_PATH) if vectors else None)
    except (ValueError, UnicodeDecodeError) as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"{error.filename or out}: {error.strerror}")
    typer.echo(f"sentences        {report.sentences} ({report.positives} check-worthy)")
    _print_model(report, f"{report.terms} terms")
    if report.encoder is not None:
        typer.echo("encoder model (the linear model + a read-out of the embedding and rules)")
        _print_model(report.encoder, f"{report.encoder.terms} hidden units")
    if report.vectors is not None:
        typer.echo("static-vector model (the linear model + a read-out of the static vector and rules)")
        _print_model(report.vectors, f"{report.vectors.terms} hidden units")
    for readout, done, flag in ((ENCODER_MODEL_PATH, report.encoder, "--encoder"),
                                (VECTORS_MODEL_PATH, report.vectors, "--vectors")):
        changed = report.out_path == MODEL_PATH and file_sha256(MODEL_PATH) != before
        if done is None and changed and readout.exists():
            typer.echo(f"note             {readout.name} was trained beside the previous model "
                       f"file: retrain it with {flag}")


def _print_model(report, size: str) -> None:
    typer.echo(f"cross-validation {report.folds} folds, out-of-fold at the queue threshold:")
    typer.echo(f"  precision      {report.cv_precision:.3f}")
    typer.echo(f"  recall         {report.cv_recall:.3f}")
    typer.echo(f"  F1             {report.cv_f1:.3f} (best threshold: {report.best_cv_f1:.3f})")
    if report.blocked_f1 is not None:
        typer.echo(f"  held-out debates (folds of consecutive sentences): F1 {report.blocked_f1:.3f} "
                   f"(best threshold: {report.blocked_best_f1:.3f})")
    typer.echo(f"threshold        0.5 (logit {report.raw_threshold:.3f}), recall-first")
    typer.echo(f"high priority    0.8 (logit {report.raw_high_priority_threshold:.3f}): "
               f"precision {report.high_priority_precision:.3f}, "
               f"recall {report.high_priority_recall:.3f}")
    typer.echo(f"model            {report.out_path} ({size}, {report.size_bytes / 1e6:.2f} MB)")
