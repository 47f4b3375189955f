"""LoRA training of the repair model on pairs from `structconv tune data`.

What makes it fit a 2-core CPU (measured in the issue, and kept here):
- the loss is on the answer tokens only, and the 262,144-way lm_head runs only at
  those positions (6.5 s instead of 10.9 s a step, far less memory);
- float32 by default: on a CPU without AVX-512 bf16 (this AMD EPYC has AVX2 only)
  bf16 autocast is emulated and a 4x224 step took 637 s; `precision="bf16"` keeps
  it for CPUs that have it (2.8 s a step measured on one that did);
- LoRA r=16 on all seven linear projections (3.8M parameters);
- OMP_WAIT_POLICY=PASSIVE: spin-waiting threads made steps 2-3x slower under load.

Where a CUDA GPU is present (`device="auto"`) the same loop runs there, with bf16
autocast and bigger batches; `minutes` bounds a run on a machine that is lent for
a fixed time, ending it as early stopping does (a last dev evaluation, then the
record).

The prompt is repair/prompts.py's, the same as at run time; `<bos>` comes from the
tokenizer (llama.cpp adds it too) and the answer ends with `<eos>`, which is where
generation stops.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import random
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from structconv.repair.prompts import PROMPT_VERSION, repair_prompt

LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
IGNORE = -100


@dataclass
class TrainConfig:
    """Everything that decides a training run; saved beside the adapter."""

    steps: int = 1000
    batch_size: int = 4
    max_tokens: int = 384
    learning_rate: float = 2e-4
    warmup_steps: int = 30
    rank: int = 16
    alpha: int = 32
    dropout: float = 0.05
    eval_every: int = 100
    eval_pairs: int = 96
    patience: int = 3  # evaluations without a better dev loss before stopping
    seed: int = 2026
    threads: int = 0  # 0: every CPU this process may use
    precision: str = "fp32"  # or "bf16" (autocast): on a GPU, or a CPU with bf16 units
    device: str = "auto"  # "cuda" where a CUDA GPU is present, else "cpu"
    minutes: float = 0.0  # 0: no time limit; else stop after this much training time
    prompt_version: int = PROMPT_VERSION
    targets: tuple[str, ...] = LORA_TARGETS


@dataclass
class TrainReport:
    config: TrainConfig
    steps_done: int = 0
    best_step: int = 0
    best_dev_loss: float = math.inf
    seconds: float = 0.0
    seconds_per_step: float = 0.0
    pairs_used: int = 0
    pairs_too_long: int = 0
    stopped: str = ""  # why before config.steps: early stopping, time limit, or interrupted
    hardware: str = ""  # what it ran on, for the model card
    resumed_from: str = ""  # the earlier run this one continued, if any
    start_step: int = 0  # that run's adapter step, where this one's step count starts
    log: list[dict[str, float]] = field(default_factory=list)


@dataclass(frozen=True)
class Example:
    input_ids: list[int]
    labels: list[int]


def read_pairs(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


def encode(pair: dict[str, Any], tokenizer: Any) -> Example:
    """Prompt tokens (bos first, not learned) followed by the answer and eos (learned)."""
    prompt = tokenizer(repair_prompt(pair["input"], pair["format"]), add_special_tokens=True)
    answer = tokenizer(pair["target"], add_special_tokens=False)
    prompt_ids = list(prompt["input_ids"])
    answer_ids = [*answer["input_ids"], tokenizer.eos_token_id]
    return Example(prompt_ids + answer_ids, [IGNORE] * len(prompt_ids) + answer_ids)


def encode_all(
    pairs: Sequence[dict[str, Any]], tokenizer: Any, max_tokens: int
) -> tuple[list[Example], int]:
    """The examples that fit `max_tokens`, and how many did not."""
    examples = [encode(pair, tokenizer) for pair in pairs]
    kept = [example for example in examples if len(example.input_ids) <= max_tokens]
    return kept, len(examples) - len(kept)


def batches(examples: Sequence[Example], size: int, rng: random.Random) -> Iterator[list[Example]]:
    """Endless shuffled batches of similar lengths (less padding, same expected gradient)."""
    while True:
        order = list(examples)
        rng.shuffle(order)
        chunks = [order[start : start + size * 16] for start in range(0, len(order), size * 16)]
        for chunk in chunks:
            chunk.sort(key=lambda example: len(example.input_ids))
            group = [chunk[start : start + size] for start in range(0, len(chunk), size)]
            rng.shuffle(group)
            yield from (batch for batch in group if len(batch) == size)


def collate(batch: Sequence[Example], pad: int, device: str = "cpu") -> tuple[Any, Any, Any]:
    import torch

    width = max(len(example.input_ids) for example in batch)
    ids = torch.full((len(batch), width), pad, dtype=torch.long)
    labels = torch.full((len(batch), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, example in enumerate(batch):
        length = len(example.input_ids)
        ids[row, :length] = torch.tensor(example.input_ids)
        labels[row, :length] = torch.tensor(example.labels)
        mask[row, :length] = 1
    return ids.to(device), labels.to(device), mask.to(device)


def pick_device(requested: str) -> str:
    """ "auto" is the GPU where torch sees one; naming a missing GPU is an error, not a
    silent 100x slower run on the CPU."""
    import torch

    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {requested!r} asked for, but torch sees no CUDA GPU")
    return requested


def answer_loss(model: Any, ids: Any, labels: Any, mask: Any) -> Any:
    """Cross-entropy on the answer tokens, with the lm_head applied only where it counts."""
    import torch

    causal = model.get_base_model()
    hidden = causal.model(input_ids=ids, attention_mask=mask).last_hidden_state
    targets = labels[:, 1:]
    where = targets != IGNORE
    logits = causal.lm_head(hidden[:, :-1][where])
    return torch.nn.functional.cross_entropy(logits.float(), targets[where])


def _learning_rate(config: TrainConfig, step: int, start: int = 0) -> float:
    """Warm-up, then a cosine down to 0 at config.steps; a resumed run (fresh optimizer
    moments) warms up again from its start step."""
    step -= start
    if step < config.warmup_steps:
        return config.learning_rate * (step + 1) / config.warmup_steps
    progress = (step - config.warmup_steps) / max(1, config.steps - start - config.warmup_steps)
    return config.learning_rate * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))


def _hardware(device: str) -> str:
    import torch

    if device.startswith("cuda"):
        return f"{torch.cuda.get_device_name(device)}, torch {torch.__version__}"
    return f"{os.cpu_count()} CPUs, torch {torch.__version__}"


def _autocast(precision: str, device: str = "cpu") -> contextlib.AbstractContextManager[Any]:
    import torch

    if precision == "bf16":
        return torch.autocast(device.split(":")[0], dtype=torch.bfloat16)
    if precision == "fp32":
        return contextlib.nullcontext()
    raise ValueError(f"precision must be fp32 or bf16, not {precision!r}")


def _dev_loss(
    model: Any, examples: Sequence[Example], size: int, pad: int, precision: str, device: str
) -> float:
    import torch

    model.eval()
    total = 0.0
    count = 0
    with torch.no_grad(), _autocast(precision, device):
        for start in range(0, len(examples), size):
            batch = examples[start : start + size]
            ids, labels, mask = collate(batch, pad, device)
            answers = int((labels[:, 1:] != IGNORE).sum())
            total += float(answer_loss(model, ids, labels, mask)) * answers
            count += answers
    model.train()
    return total / max(count, 1)


def _stopping_signals_interrupt() -> Callable[[], None]:
    """Make SIGTERM, and SIGINT where it is ignored (a run started in the background),
    stop training the way Ctrl-C does, so that a run that is killed still writes its
    record; returns what puts the handlers back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = {signal.SIGTERM: signal.signal(signal.SIGTERM, interrupt)}
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        previous[signal.SIGINT] = signal.signal(signal.SIGINT, interrupt)

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    return restore


def _earlier_run(resume: Path, config: TrainConfig) -> dict[str, Any]:
    """The earlier run's training record, after checking that this run would draw the
    same batches (so the ones it trained on can be skipped)."""
    record = resume / "training.json"
    if not (resume / "adapter").is_dir() or not record.is_file():
        raise ValueError(f"{resume} is not a training run's folder (adapter/ and training.json)")
    previous: dict[str, Any] = json.loads(record.read_text(encoding="utf-8"))
    for name in ("seed", "batch_size", "max_tokens", "prompt_version"):
        if previous["config"][name] != getattr(config, name):
            raise ValueError(
                f"resuming {resume} needs its {name} ({previous['config'][name]}), "
                f"not {getattr(config, name)}"
            )
    if int(previous["best_step"]) >= config.steps:
        raise ValueError(
            f"{resume} is already at step {previous['best_step']}; ask for more steps than that"
        )
    return previous


def _examples(
    data_dir: Path, tokenizer: Any, config: TrainConfig, rng: random.Random, max_pairs: int | None
) -> tuple[list[Any], int, list[Any]]:
    """The training examples (shuffled, at most `max_pairs`), how many pairs were too long,
    and the dev examples."""
    train_pairs = read_pairs(data_dir / "train.jsonl")
    dev_pairs = read_pairs(data_dir / "dev.jsonl")
    rng.shuffle(train_pairs)
    if max_pairs is not None:
        train_pairs = train_pairs[:max_pairs]
    examples, too_long = encode_all(train_pairs, tokenizer, config.max_tokens)
    dev_examples, _ = encode_all(dev_pairs[: config.eval_pairs * 2], tokenizer, config.max_tokens)
    dev_examples = dev_examples[: config.eval_pairs]
    if not examples:
        raise ValueError(f"no training pair fits {config.max_tokens} tokens in {data_dir}")
    return examples, too_long, dev_examples


def _adapter(base: Any, config: TrainConfig, resume: Path | None) -> Any:
    """The LoRA adapter to train: a new one, or the one of the run `resume` goes on from."""
    from peft import LoraConfig, PeftModel, get_peft_model

    if resume is None:
        lora = LoraConfig(
            r=config.rank,
            lora_alpha=config.alpha,
            lora_dropout=config.dropout,
            target_modules=list(config.targets),
            task_type="CAUSAL_LM",
        )
        return get_peft_model(base, lora)
    return PeftModel.from_pretrained(base, str(resume / "adapter"), is_trainable=True)


def _resumed(
    report: TrainReport, resume: Path | None, earlier: dict[str, Any] | None, adapter_dir: Path
) -> int:
    """The step training starts at: 0, or the best step of the run it goes on from (whose
    adapter is then copied to `adapter_dir`, and whose best dev loss is the one to beat)."""
    if resume is None or earlier is None:
        return 0
    start = report.steps_done = report.best_step = int(earlier["best_step"])
    report.resumed_from, report.start_step = str(resume), start
    report.best_dev_loss = float(earlier["best_dev_loss"])  # to beat, on the same dev pairs
    if (resume / "adapter").resolve() != adapter_dir.resolve():
        shutil.copytree(resume / "adapter", adapter_dir, dirs_exist_ok=True)
    return start


def train(
    data_dir: Path,
    out_dir: Path,
    config: TrainConfig,
    model: str | None = None,
    max_pairs: int | None = None,
    progress: Any = None,
    resume: Path | None = None,
) -> TrainReport:
    """Train a LoRA adapter; the best one on dev loss is saved to out_dir/adapter.

    `resume` is an earlier run's out_dir: training goes on from its adapter at its step,
    on the pairs that run had not reached yet, up to config.steps in all."""
    # Checked before the base model is loaded, so a wrong folder fails at once.
    earlier = _earlier_run(resume, config) if resume is not None else None
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch

    from structconv.tune.base import load_base

    config = replace(config, device=pick_device(config.device))
    device = config.device
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    if config.threads:
        torch.set_num_threads(config.threads)
    base, tokenizer = load_base(model)
    base.to(device)
    examples, too_long, dev_examples = _examples(data_dir, tokenizer, config, rng, max_pairs)
    tuned = _adapter(base, config, resume)
    parameters = [parameter for parameter in tuned.parameters() if parameter.requires_grad]
    optimizer = torch.optim.AdamW(parameters, lr=config.learning_rate, weight_decay=0.0)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    report = TrainReport(config, pairs_used=len(examples), pairs_too_long=too_long)
    report.hardware = _hardware(device)
    adapter_dir = out_dir / "adapter"
    start = _resumed(report, resume, earlier, adapter_dir)
    started = time.perf_counter()
    stale = 0
    tuned.train()
    stream = batches(examples, config.batch_size, rng)
    for _ in range(start):  # the batches the resumed run trained on
        next(stream)
    restore = _stopping_signals_interrupt()
    try:
        for step in range(start, config.steps):
            for group in optimizer.param_groups:
                group["lr"] = _learning_rate(config, step, start)
            ids, labels, mask = collate(next(stream), pad, device)
            with _autocast(config.precision, device):
                loss = answer_loss(tuned, ids, labels, mask)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(parameters, 1.0)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            report.steps_done = step + 1
            entry = {
                "step": step + 1,
                "loss": float(loss.detach()),
                "seconds": time.perf_counter() - started,
            }
            out_of_time = 0 < config.minutes * 60 <= entry["seconds"]
            last = step + 1 == config.steps or out_of_time
            if dev_examples and ((step + 1) % config.eval_every == 0 or last):
                entry["dev_loss"] = _dev_loss(
                    tuned, dev_examples, config.batch_size, pad, config.precision, device
                )
                if entry["dev_loss"] < report.best_dev_loss:
                    report.best_dev_loss, report.best_step, stale = entry["dev_loss"], step + 1, 0
                    tuned.save_pretrained(str(adapter_dir))
                else:
                    stale += 1
            report.log.append(entry)
            if progress is not None:
                progress(entry)
            if stale >= config.patience:
                report.stopped = (
                    f"early stopping: dev loss no better for {config.patience} evaluations"
                )
                break
            if out_of_time:
                report.stopped = f"time limit: {config.minutes:g} minutes of training"
                break
    except KeyboardInterrupt:  # Ctrl-C or kill: keep the best adapter so far and say so
        report.stopped = f"interrupted after step {report.steps_done}"
    finally:
        restore()
    if not dev_examples:
        tuned.save_pretrained(str(adapter_dir))
        report.best_step = report.steps_done
    report.seconds = time.perf_counter() - started
    report.seconds_per_step = report.seconds / max(report.steps_done - start, 1)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "training.json").write_text(
        json.dumps(asdict(report), indent=2, default=str) + "\n", encoding="utf-8"
    )
    return report
