"""`structconv tune`: training pairs, LoRA training, export to GGUF, evaluation (the
[tune] and [llm] extras, checked before any work)."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from pathlib import Path

import click
import orjson

from structconv.atomic import write_atomic


@click.group("tune")
def tune_group() -> None:
    """Fine-tune the repair model on your own pairs (needs the [tune] extra)."""


def _needs_extra(command: str, extra: str, modules: Sequence[str]) -> None:
    """Refuse (click.ClickException) before any work when `extra`'s packages are absent."""
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        raise click.ClickException(
            f"structconv {command} needs the [{extra}] extra ({', '.join(missing)} not "
            f"installed): pip install 'structconv[{extra}]'"
        )


# What each command that trains, exports or runs the model imports (see pyproject.toml).
_TUNE_MODULES = ("torch", "transformers", "peft")
_EXPORT_MODULES = ("torch", "transformers", "llama_cpp")
_LLM_MODULES = ("llama_cpp",)


@tune_group.command("data")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder.")
@click.option("--pairs", default=30000, show_default=True, type=click.IntRange(10))
@click.option("--seed", default=2026, show_default=True, type=int)
def tune_data_command(out_dir: str, pairs: int, seed: int) -> None:
    """Generate training pairs (broken text -> the JSON of its data) and a data card."""
    from structconv.tune import data

    card = data.build(Path(out_dir), pairs=pairs, seed=seed)
    click.echo(f"{out_dir}: {card}")


@tune_group.command("train")
@click.option("--data", "data_dir", required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False))
@click.option("--steps", default=1000, show_default=True, type=click.IntRange(1))
@click.option("--batch-size", default=4, show_default=True, type=click.IntRange(1))
@click.option("--max-pairs", type=click.IntRange(1), help="Use only this many training pairs.")
@click.option("--eval-every", default=100, show_default=True, type=click.IntRange(1))
@click.option("--max-tokens", default=384, show_default=True, type=click.IntRange(32))
@click.option("--learning-rate", default=2e-4, show_default=True, type=float)
@click.option(
    "--precision",
    default="fp32",
    show_default=True,
    type=click.Choice(["fp32", "bf16"]),
    help="bf16: on a GPU, or a CPU with bf16 units (AVX-512 bf16/AMX); elsewhere it is emulated.",
)
@click.option(
    "--device",
    default="auto",
    show_default=True,
    help="cpu, cuda, cuda:N; auto takes a CUDA GPU where torch sees one.",
)
@click.option(
    "--minutes",
    default=0.0,
    type=click.FloatRange(0),
    help="Stop after this much training time (a last dev evaluation, then the record).",
)
@click.option(
    "--resume",
    type=click.Path(exists=True, file_okay=False),
    help="An earlier --out folder: go on from its adapter, on the pairs it had not reached.",
)
def tune_train_command(
    data_dir: str,
    out_dir: str,
    steps: int,
    batch_size: int,
    max_pairs: int | None,
    eval_every: int,
    max_tokens: int,
    learning_rate: float,
    precision: str,
    device: str,
    minutes: float,
    resume: str | None,
) -> None:
    """Train a LoRA adapter on the pairs in DATA (train.jsonl, dev.jsonl)."""
    _needs_extra("tune train", "tune", _TUNE_MODULES)
    from structconv.tune.train import TrainConfig, train

    def show(entry: dict[str, float]) -> None:
        click.echo(" ".join(f"{key}={value:.4g}" for key, value in entry.items()), err=True)

    config = TrainConfig(
        steps=steps,
        batch_size=batch_size,
        eval_every=eval_every,
        max_tokens=max_tokens,
        learning_rate=learning_rate,
        precision=precision,
        device=device,
        minutes=minutes,
    )
    try:
        report = train(
            Path(data_dir),
            Path(out_dir),
            config,
            max_pairs=max_pairs,
            progress=show,
            resume=Path(resume) if resume else None,
        )
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    click.echo(
        f"{out_dir}/adapter: best dev loss {report.best_dev_loss:.4f} at step {report.best_step} "
        f"of {report.steps_done} ({report.seconds_per_step:.2f} s a step)"
        + (f"; {report.stopped}" if report.stopped else "")
    )


@tune_group.command("export")
@click.argument("adapter_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--out", type=click.Path(dir_okay=False), help="Default: models/ in this checkout.")
def tune_export_command(adapter_dir: str, out: str | None) -> None:
    """Convert a trained adapter to GGUF (llama.cpp's converter) and check it loads."""
    _needs_extra("tune export", "tune", _EXPORT_MODULES)
    from structconv.tune.export import default_adapter_path, export

    done = export(Path(adapter_dir), Path(out) if out else default_adapter_path())
    click.echo(f"{done.path}: {done.size / 1e6:.1f} MB in {done.seconds:.1f} s; llama.cpp loads it")


@tune_group.command("rejudge")
@click.argument("runs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--data", "data_dir", required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--out", type=click.Path(dir_okay=False), help="Also write the tables here.")
def tune_rejudge_command(runs: tuple[str, ...], data_dir: str, out: str | None) -> None:
    """Judge saved `tune eval --json` runs again under today's answer checks (no model)."""
    from structconv.tune import evaluate
    from structconv.tune.train import read_pairs

    pairs = read_pairs(Path(data_dir) / "test.jsonl")
    judged = []
    for run in runs:
        saved = evaluate.from_json(orjson.loads(Path(run).read_bytes()))
        if len(saved.verdicts) != saved.total.pairs:
            raise click.UsageError(f"{run} has no verdict per pair (saved by an older version)")
        again = evaluate.rejudge(saved, pairs)
        write_atomic(run, orjson.dumps(evaluate.as_json(again)).decode() + "\n")
        judged.append(again)
    text = evaluate.table(judged, "by_format") + "\n\n" + evaluate.table(judged, "by_corruption")
    click.echo(text)
    if out:
        write_atomic(out, text + "\n")


@tune_group.command("eval")
@click.option("--data", "data_dir", required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--pairs", default=300, show_default=True, type=click.IntRange(1))
@click.option(
    "--adapter", help="A GGUF adapter (default: the packaged one; 'none': the base model)."
)
@click.option("--out", type=click.Path(dir_okay=False), help="Also write the tables here.")
@click.option(
    "--temperature",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0.0),
    help="0: greedy, as the runtime decodes; above 0: sampled under the grammar.",
)
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="Tallies as JSON.")
@click.option("--format", "only", multiple=True, help="Only pairs of this input format.")
@click.option(
    "--plain-grammar",
    is_flag=True,
    help="Decode under json.gbnf even where the input's shape narrows it (CSV columns).",
)
@click.option(
    "--pipeline",
    is_flag=True,
    help="Judge the whole repair (rules first, then the model), as `convert` runs it.",
)
@click.option(
    "--compare",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="An earlier run's --json, shown beside this one (e.g. the base model's).",
)
def tune_eval_command(
    data_dir: str,
    pairs: int,
    adapter: str | None,
    out: str | None,
    temperature: float,
    json_out: str | None,
    only: tuple[str, ...],
    plain_grammar: bool,
    pipeline: bool,
    compare: tuple[str, ...],
) -> None:
    """Exact-data accuracy on a sample of the test split, per format and corruption."""
    _needs_extra("tune eval", "llm", _LLM_MODULES)
    from structconv.repair.llm import RepairModel, model_files
    from structconv.tune import evaluate

    if pipeline and adapter:
        os.environ["STRUCTCONV_ADAPTER"] = adapter  # the model the pipeline loads
    model = None if pipeline else RepairModel(model_files(adapter=adapter))
    label = "base" if adapter == "none" else "fine-tuned"
    if temperature:
        label += f" (sampled at {temperature:g})"
    if plain_grammar:
        label += " (json.gbnf only)"
    if pipeline:
        label = f"rules + {label}"

    def show(number: int, so_far: evaluate.Evaluation) -> None:
        total = so_far.total
        click.echo(f"{number}/{pairs}: {total.right} right, {total.wrong} wrong", err=True)

    sample = evaluate.sample(Path(data_dir) / "test.jsonl", pairs, formats=only)
    tested = evaluate.evaluate(
        model,
        sample,
        label,
        temperature,
        progress=show,
        shaped=not plain_grammar,
        pipeline=pipeline,
    )
    shown = [
        *(evaluate.from_json(orjson.loads(Path(other).read_bytes())) for other in compare),
        tested,
    ]
    text = (
        evaluate.table(shown, "by_format")
        + "\n\n"
        + evaluate.table(shown, "by_corruption")
        + "\n\n"
        + "; ".join(f"{one.label}: {one.tokens_per_second:.1f} generated tokens/s" for one in shown)
        + "\n"
    )
    if json_out:
        write_atomic(json_out, orjson.dumps(evaluate.as_json(tested)).decode() + "\n")
    click.echo(text)
    if out:
        write_atomic(out, text)
