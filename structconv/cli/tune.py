"""`structconv tune`: training pairs, LoRA training, export to GGUF, evaluation (the
[tune] and [llm] extras, checked before any work)."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import orjson

from structconv.atomic import write_atomic
from structconv.cli.shared import (
    Command,
    Failure,
    Group,
    file_path,
    float_range,
    folder_path,
    int_range,
)
from structconv.errors import UsageError


def _needs_extra(command: str, extra: str, modules: Sequence[str]) -> None:
    """Refuse (Failure, exit 1) before any work when `extra`'s packages are absent."""
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        raise Failure(
            f"structconv {command} needs the [{extra}] extra ({', '.join(missing)} not "
            f"installed): pip install 'structconv[{extra}]'"
        )


# What each command that trains, exports or runs the model imports (see pyproject.toml).
_TUNE_MODULES = ("torch", "transformers", "peft")
_EXPORT_MODULES = ("torch", "transformers", "llama_cpp")
_LLM_MODULES = ("llama_cpp",)

# A flag's help that shows its default (argparse puts it in place of `%(default)s`).
_DEFAULT = "Default: %(default)s."


def _add_data_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", dest="out_dir", required=True, type=folder_path(), metavar="DIR", help="Folder."
    )
    parser.add_argument("--pairs", default=30000, type=int_range(10), help=_DEFAULT)
    parser.add_argument("--seed", default=2026, type=int, help=_DEFAULT)


def _data(arguments: argparse.Namespace) -> int:
    from structconv.tune import data

    card = data.build(Path(arguments.out_dir), pairs=arguments.pairs, seed=arguments.seed)
    print(f"{arguments.out_dir}: {card}")
    return 0


def _add_train_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", dest="data_dir", required=True, type=folder_path(must_exist=True), metavar="DIR"
    )
    parser.add_argument("--out", dest="out_dir", required=True, type=folder_path(), metavar="DIR")
    parser.add_argument("--steps", default=1000, type=int_range(1), help=_DEFAULT)
    parser.add_argument("--batch-size", default=4, type=int_range(1), help=_DEFAULT)
    parser.add_argument("--max-pairs", type=int_range(1), help="Use only this many training pairs.")
    parser.add_argument("--eval-every", default=100, type=int_range(1), help=_DEFAULT)
    parser.add_argument("--max-tokens", default=384, type=int_range(32), help=_DEFAULT)
    parser.add_argument("--learning-rate", default=2e-4, type=float, help=_DEFAULT)
    parser.add_argument(
        "--precision",
        default="fp32",
        choices=["fp32", "bf16"],
        help="bf16: on a GPU, or a CPU with bf16 units (AVX-512 bf16/AMX); elsewhere it is "
        "emulated. " + _DEFAULT,
    )
    parser.add_argument(
        "--device",
        default="auto",
        help="cpu, cuda, cuda:N; auto takes a CUDA GPU where torch sees one. " + _DEFAULT,
    )
    parser.add_argument(
        "--minutes",
        default=0.0,
        type=float_range(0),
        help="Stop after this much training time (a last dev evaluation, then the record).",
    )
    parser.add_argument(
        "--resume",
        type=folder_path(must_exist=True),
        metavar="DIR",
        help="An earlier --out folder: go on from its adapter, on the pairs it had not reached.",
    )


def _train(arguments: argparse.Namespace) -> int:
    _needs_extra("tune train", "tune", _TUNE_MODULES)
    from structconv.tune.train import TrainConfig, train

    def show(entry: dict[str, float]) -> None:
        print(" ".join(f"{key}={value:.4g}" for key, value in entry.items()), file=sys.stderr)

    config = TrainConfig(
        steps=arguments.steps,
        batch_size=arguments.batch_size,
        eval_every=arguments.eval_every,
        max_tokens=arguments.max_tokens,
        learning_rate=arguments.learning_rate,
        precision=arguments.precision,
        device=arguments.device,
        minutes=arguments.minutes,
    )
    try:
        report = train(
            Path(arguments.data_dir),
            Path(arguments.out_dir),
            config,
            max_pairs=arguments.max_pairs,
            progress=show,
            resume=Path(arguments.resume) if arguments.resume else None,
        )
    except ValueError as error:
        raise UsageError(str(error)) from None
    print(
        f"{arguments.out_dir}/adapter: best dev loss {report.best_dev_loss:.4f} at step "
        f"{report.best_step} of {report.steps_done} ({report.seconds_per_step:.2f} s a step)"
        + (f"; {report.stopped}" if report.stopped else "")
    )
    return 0


def _add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("adapter_dir", type=folder_path(must_exist=True), metavar="ADAPTER_DIR")
    parser.add_argument(
        "--out", type=file_path(), metavar="FILE", help="Default: models/ in this checkout."
    )


def _export(arguments: argparse.Namespace) -> int:
    _needs_extra("tune export", "tune", _EXPORT_MODULES)
    from structconv.tune.export import default_adapter_path, export

    out = Path(arguments.out) if arguments.out else default_adapter_path()
    done = export(Path(arguments.adapter_dir), out)
    print(f"{done.path}: {done.size / 1e6:.1f} MB in {done.seconds:.1f} s; llama.cpp loads it")
    return 0


def _add_rejudge_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("runs", nargs="+", type=file_path(must_exist=True), metavar="RUNS")
    parser.add_argument(
        "--data", dest="data_dir", required=True, type=folder_path(must_exist=True), metavar="DIR"
    )
    parser.add_argument(
        "--out", type=file_path(), metavar="FILE", help="Also write the tables here."
    )


def _rejudge(arguments: argparse.Namespace) -> int:
    from structconv.tune import evaluate
    from structconv.tune.train import read_pairs

    out: str | None = arguments.out
    pairs = read_pairs(Path(arguments.data_dir) / "test.jsonl")
    judged = []
    for run in arguments.runs:
        saved = evaluate.from_json(orjson.loads(Path(run).read_bytes()))
        if len(saved.verdicts) != saved.total.pairs:
            raise UsageError(f"{run} has no verdict per pair (saved by an older version)")
        again = evaluate.rejudge(saved, pairs)
        write_atomic(run, orjson.dumps(evaluate.as_json(again)).decode() + "\n")
        judged.append(again)
    text = evaluate.table(judged, "by_format") + "\n\n" + evaluate.table(judged, "by_corruption")
    print(text)
    if out:
        write_atomic(out, text + "\n")
    return 0


def _add_eval_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", dest="data_dir", required=True, type=folder_path(must_exist=True), metavar="DIR"
    )
    parser.add_argument("--pairs", default=300, type=int_range(1), help=_DEFAULT)
    parser.add_argument(
        "--adapter", help="A GGUF adapter (default: the packaged one; 'none': the base model)."
    )
    parser.add_argument(
        "--out", type=file_path(), metavar="FILE", help="Also write the tables here."
    )
    parser.add_argument(
        "--temperature",
        default=0.0,
        type=float_range(0.0),
        help="0: greedy, as the runtime decodes; above 0: sampled under the grammar. " + _DEFAULT,
    )
    parser.add_argument(
        "--json", dest="json_out", type=file_path(), metavar="FILE", help="Tallies as JSON."
    )
    parser.add_argument(
        "--format",
        dest="only",
        action="append",
        default=[],
        metavar="FORMAT",
        help="Only pairs of this input format.",
    )
    parser.add_argument(
        "--plain-grammar",
        action="store_true",
        help="Decode under json.gbnf even where the input's shape narrows it (CSV columns).",
    )
    parser.add_argument(
        "--pipeline",
        action="store_true",
        help="Judge the whole repair (rules first, then the model), as `convert` runs it.",
    )
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        type=file_path(must_exist=True),
        metavar="FILE",
        help="An earlier run's --json, shown beside this one (e.g. the base model's).",
    )


def _eval(arguments: argparse.Namespace) -> int:
    pairs: int = arguments.pairs
    adapter: str | None = arguments.adapter
    out: str | None = arguments.out
    temperature: float = arguments.temperature
    json_out: str | None = arguments.json_out
    plain_grammar: bool = arguments.plain_grammar
    pipeline: bool = arguments.pipeline
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
        print(f"{number}/{pairs}: {total.right} right, {total.wrong} wrong", file=sys.stderr)

    sample = evaluate.sample(
        Path(arguments.data_dir) / "test.jsonl", pairs, formats=tuple(arguments.only)
    )
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
        *(
            evaluate.from_json(orjson.loads(Path(other).read_bytes()))
            for other in arguments.compare
        ),
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
    print(text)
    if out:
        write_atomic(out, text)
    return 0


tune_group = Group(
    {
        "data": (
            "Generate training pairs (broken text -> the JSON of its data) and a data card.",
            Command(_add_data_arguments, _data),
        ),
        "train": (
            "Train a LoRA adapter on the pairs in DATA (train.jsonl, dev.jsonl).",
            Command(_add_train_arguments, _train),
        ),
        "export": (
            "Convert a trained adapter to GGUF (llama.cpp's converter) and check it loads.",
            Command(_add_export_arguments, _export),
        ),
        "rejudge": (
            "Judge saved `tune eval --json` runs again under today's answer checks (no model).",
            Command(_add_rejudge_arguments, _rejudge),
        ),
        "eval": (
            "Exact-data accuracy on a sample of the test split, per format and corruption.",
            Command(_add_eval_arguments, _eval),
        ),
    }
)
