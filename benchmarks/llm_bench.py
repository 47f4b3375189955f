"""The local repair model: its speed against the targets, load time, memory, and repair
of the golden corpus.

    python benchmarks/llm_bench.py [--quick] [--shipped] [--repeat N]
                                   [--compare EARLIER.json] [--out FILE.md] [--json FILE.json]

Targets (issue 18), for the shipped model (the base with structconv's adapter), on the
machine it runs on:

- generation under the grammar: >= 30 tokens/s. Greedy decoding as the runtime does it,
  on the prompts of a few golden inputs, the prompt's time left out;
- ranking an ambiguity's readings: median <= 0.8 s. `convert(..., repair="auto")` of
  each golden case the model ranks (both readers, base and adapter), the median of
  `--repeat` runs each;
- no wrong answer accepted on the golden corpus.

Also measured, with no target: generation without a grammar (the same decoder and
weights, `grammar=""`: what the grammar costs), load time, the time to make the
generation weights ready (the adapter merged into the base once, or the merged file
loaded from the cache), the longest generation, the resident memory.

Every case of the golden corpus (tests/golden/malformed) goes through `convert(...,
repair="auto")`, with the base model alone and with the adapter (`--shipped`: the latter
only): the path it took (rules only, the model ranking the rules' readings, the model
generating), latency median/p95 per path, and exact / wrong / refused against the
expected outcome. A wrong accepted answer is the number that must stay 0.

`--compare EARLIER.json` puts an earlier run's values (its --json) beside these, with
the ratio. The machine is shared: the load average is printed; run `nice` and repeat.
Needs the [llm] extra. Runs against whichever structconv is on the path, so the same
script measures an earlier checkout (rows it cannot measure there read "n/a").
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from repair_bench import CORPUS, Case, load_corpus  # noqa: E402  (the golden corpus, one loader)

# Golden inputs whose prompts measure the token rates (small, every format).
RATE_CASES = (
    "json/devcontainer_comments.json",
    "yaml/ansible-tabs-vars.yaml",
    "toml/cargo-dependency-trailing-comma.toml",
    "xml/android-strings-ampersand.xml",
    "csv/caret_delimited.csv",
)
GENERATION_TARGET = 30.0  # tokens/s under the grammar
RANKING_TARGET = 0.8  # seconds, median


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _rss_mb() -> float:
    with Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Rates:
    """Generated tokens and seconds (the prompt's time left out), per way and repeat."""

    prompt_tokens: int = 0
    prompt_seconds: float = 0.0
    runs: dict[str, list[float]] = field(default_factory=dict)  # way -> tokens/s per repeat
    masked_steps: int = 0
    generated: int = 0

    def rate(self, way: str) -> float | None:
        values = self.runs.get(way)
        return statistics.median(values) if values else None


@dataclass
class CaseRun:
    case: str
    expected: str
    path: str  # rules | rank | generate
    outcome: str  # exact | wrong | refused | held | ambiguous
    seconds: float
    repeats: list[float] = field(default_factory=list)  # further timings (rank cases)

    @property
    def typical(self) -> float:
        return statistics.median([self.seconds, *self.repeats])


@dataclass
class ModelRun:
    label: str
    load_seconds: float
    load_rss_mb: float
    ready_seconds: float | None  # the generation weights: merged or loaded
    rates: Rates | None
    cases: list[CaseRun]


def _golden_cases(quick: bool) -> list[Case]:
    cases = load_corpus()
    if quick:
        cases = [case for case in cases if case.outcome == "ambiguous"][:8]
    return cases


def _rate_prompts() -> list[tuple[str, int]]:
    from structconv.formats import canonical_name
    from structconv.repair import prompts

    chosen = []
    for name in RATE_CASES:
        case = CORPUS / name
        text = case.read_text(encoding="utf-8")
        chosen.append(
            (prompts.repair_prompt(text, canonical_name(case.parent.name)), 2 * len(text))
        )
    return chosen


def _generation_seconds(model: Any, prompt: str, answer: Any) -> float:
    """The answer's time less the prompt's (measured alone where the decoder does not say)."""
    if hasattr(answer, "prompt_seconds"):
        return float(answer.seconds - answer.prompt_seconds)
    alone = model.generate(prompt, 0)
    return float(answer.seconds - alone.seconds)


def _decodes_without_grammar() -> bool:
    """Whether `generate(grammar="")` means no grammar (earlier decoders took "" for the
    default grammar; they also had no `prompt_seconds`, which came with the option)."""
    from dataclasses import fields

    from structconv.repair.llm import Generation

    return "prompt_seconds" in {each.name for each in fields(Generation)}


def measure_rates(model: Any, repeat: int) -> Rates:
    """Greedy decoding under the grammar and without one, same prompts and token counts."""
    rates = Rates()
    prompts = [
        (prompt, min(256, len(model.tokenize(prompt, add_bos=False)) + 32, chars))
        for prompt, chars in _rate_prompts()
    ]
    for run in range(repeat):
        tokens = {"grammar": 0, "no grammar": 0}
        seconds = {"grammar": 0.0, "no grammar": 0.0}
        for prompt, budget in prompts:
            answer = model.generate(prompt, budget)
            count = len(answer.token_logprobs)
            tokens["grammar"] += count
            seconds["grammar"] += _generation_seconds(model, prompt, answer)
            if run == 0:
                rates.prompt_tokens += answer.prompt_tokens
                rates.prompt_seconds += getattr(answer, "prompt_seconds", 0.0)
                rates.masked_steps += answer.masked_steps
                rates.generated += count
            if not _decodes_without_grammar():
                continue
            free = model.generate(prompt, max(count, 1), grammar="")
            tokens["no grammar"] += len(free.token_logprobs)
            seconds["no grammar"] += _generation_seconds(model, prompt, free)
        for way in tokens:
            if seconds[way] > 0:
                rates.runs.setdefault(way, []).append(tokens[way] / seconds[way])
    return rates


def _instrumented(model: Any, calls: list[str]) -> None:
    """Record which of the model's two ways each repair used (rank or generate)."""
    for name, path in (("rank", "rank"), ("rank_readers", "rank"), ("generate", "generate")):
        method = getattr(model, name, None)
        if method is None:
            continue

        def recorded(*args: Any, _method: Any = method, _path: str = path, **kwargs: Any) -> Any:
            calls.append(_path)
            return _method(*args, **kwargs)

        setattr(model, name, recorded)


def _convert_case(case: Case) -> str:
    from structconv import AmbiguousInput, RepairRejected, StructconvError, convert
    from structconv.formats import canonical_name

    try:
        result = convert(case.path.read_bytes(), src=canonical_name(case.format), to="json")
    except RepairRejected as refused:
        return "held" if refused.held else "refused"
    except AmbiguousInput:
        return "ambiguous"
    except StructconvError:
        return "refused"
    right = case.outcome != "refused" and json.loads(result.text) == case.data
    return "exact" if right else "wrong"


def run_cases(
    model: Any, cases: Sequence[Case], repeat: int, tick: Callable[[str], None]
) -> list[CaseRun]:
    from structconv.repair import model_repair

    calls: list[str] = []
    _instrumented(model, calls)
    original_load = model_repair._load
    model_repair._load = lambda options: model
    runs = []
    try:
        for case in cases:
            name = f"{case.path.parent.name}/{case.path.name}"
            calls.clear()
            started = time.perf_counter()
            outcome = _convert_case(case)
            seconds = time.perf_counter() - started
            path = calls[-1] if calls else "rules"
            run = CaseRun(name, case.outcome, path, outcome, seconds)
            if path == "rank":
                for _ in range(repeat - 1):
                    started = time.perf_counter()
                    _convert_case(case)
                    run.repeats.append(time.perf_counter() - started)
            runs.append(run)
            tick(f"{name}: {path} {outcome} {run.typical:.2f} s")
    finally:
        model_repair._load = original_load
    return runs


def _ready_seconds(model: Any) -> float | None:
    """Make the generation weights ready, as the first generation would: the merge."""
    if not hasattr(model, "merge_seconds") or not model.has_adapter:
        return None
    model.generate("", 0)
    return float(model.merge_seconds)


def run_model(label: str, adapter: str, quick: bool, repeat: int, rates: bool) -> ModelRun:
    from structconv.repair.llm import RepairModel, model_files

    files = model_files(adapter=adapter)
    before = _rss_mb()
    model = RepairModel(files)
    load_rss = _rss_mb() - before
    _progress(f"{label}: loaded in {model.load_seconds:.2f} s")
    ready = _ready_seconds(model)
    measured = measure_rates(model, repeat) if rates else None
    cases = run_cases(
        model, _golden_cases(quick), repeat, lambda line: _progress(f"{label}: {line}")
    )
    model.close()
    return ModelRun(label, model.load_seconds, load_rss, ready, measured, cases)


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def measures(run: ModelRun) -> dict[str, float | None]:
    """The numbers the targets are about, for one model's run."""
    rank = [case.typical for case in run.cases if case.path == "rank"]
    generate = [case.seconds for case in run.cases if case.path == "generate"]
    rates = run.rates
    under = rates.rate("grammar") if rates else None
    free = rates.rate("no grammar") if rates else None
    return {
        "generation under the grammar (tokens/s)": under,
        "generation without a grammar (tokens/s)": free,
        "grammar overhead (without / under)": free / under if free and under else None,
        "ranking an ambiguity, median (s)": statistics.median(rank) if rank else None,
        "load: base and adapter (s)": run.load_seconds,
        "generation weights ready: merged once, then loaded (s)": run.ready_seconds,
        "longest generation, golden corpus (s)": max(generate) if generate else None,
        "wrong answers accepted, golden corpus": float(
            sum(case.outcome == "wrong" for case in run.cases)
        ),
    }


TARGETS = {
    "generation under the grammar (tokens/s)": (f">= {GENERATION_TARGET:.0f}", GENERATION_TARGET),
    "ranking an ambiguity, median (s)": (f"<= {RANKING_TARGET}", RANKING_TARGET),
    "wrong answers accepted, golden corpus": ("= 0", 0.0),
}


def _met(name: str, value: float | None) -> str:
    if name not in TARGETS or value is None:
        return "-"
    _, bound = TARGETS[name]
    if name.startswith("generation"):
        return "yes" if value >= bound else "no"
    return "yes" if value <= bound else "no"


def _shown(value: float | None, name: str) -> str:
    if value is None:
        return "n/a"
    if name.startswith("wrong"):
        return f"{value:.0f}"
    if "overhead" in name:
        return f"{value:.2f}x"
    return f"{value:.1f}" if "tokens/s" in name else f"{value:.2f}"


def report(
    runs: Sequence[ModelRun],
    peak_mb: float,
    load: tuple[tuple[float, ...], tuple[float, ...]],
    repeat: int,
    earlier: dict[str, float | None] | None,
) -> str:
    shipped = runs[-1]
    lines = [
        "# Repair model benchmark",
        "",
        f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}; load average (1, 5, 15 min) "
        f"{', '.join(f'{value:.1f}' for value in load[0])} at the start and "
        f"{', '.join(f'{value:.1f}' for value in load[1])} at the end; medians of {repeat} "
        f"runs; peak RSS of this process {peak_mb:.0f} MB.",
        "",
        f"## Targets: the shipped model ({shipped.label})",
        "",
    ]
    values = measures(shipped)
    if earlier is None:
        lines += ["| measure | value | target | met |", "|---|---|---|---|"]
    else:
        lines += [
            "| measure | value | target | met | before | now / before |",
            "|---|---|---|---|---|---|",
        ]
    for name, value in values.items():
        target = TARGETS.get(name, ("-", 0.0))[0]
        row = f"| {name} | {_shown(value, name)} | {target} | {_met(name, value)} |"
        if earlier is not None:
            old = earlier.get(name)
            ratio = f"{value / old:.2f}x" if value is not None and old else "-"
            row += f" {_shown(old, name)} | {ratio} |"
        lines.append(row)
    rates = shipped.rates
    if rates is not None:
        prompt_time = f"{rates.prompt_seconds:.2f} s" if rates.prompt_seconds else "n/a"
        lines += [
            "",
            f"Prompts: {rates.prompt_tokens} tokens in {prompt_time}; under the grammar "
            f"{rates.generated} tokens, {rates.masked_steps} of them decoded through the "
            "whole vocabulary (the greedy token broke the grammar).",
        ]
    lines += [
        "",
        "## Load",
        "",
        "| model | load s | RSS added MB |",
        "|---|---|---|",
    ]
    for run in runs:
        lines.append(f"| {run.label} | {run.load_seconds:.2f} | {run.load_rss_mb:.0f} |")
    lines += [
        "",
        '## Golden corpus through `convert(..., repair="auto")`',
        "",
        "Path: `rules` (the model was not asked), `rank` (it ranked the rules' readings), "
        "`generate` (it wrote the data). Outcomes against the corpus: `exact` (the intended "
        "data), `wrong` (accepted, other data: must be 0), `refused`/`held`/`ambiguous` "
        "(no answer written). For cases whose expected outcome is `refused`, any answer "
        "counts as wrong.",
        "",
        "| model | path | cases | median s | p95 s | exact | wrong | refused | held | ambiguous |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        by_path: dict[str, list[CaseRun]] = defaultdict(list)
        for case in run.cases:
            by_path[case.path].append(case)
        for path in ("rules", "rank", "generate"):
            cases = by_path.get(path, [])
            if not cases:
                continue
            counts = Counter(case.outcome for case in cases)
            seconds = [case.typical for case in cases]
            lines.append(
                f"| {run.label} | {path} | {len(cases)} | {statistics.median(seconds):.2f} | "
                f"{_percentile(seconds, 0.95):.2f} | {counts['exact']} | {counts['wrong']} | "
                f"{counts['refused']} | {counts['held']} | {counts['ambiguous']} |"
            )
    lines += ["", "### Ambiguous cases: the reading picked", ""]
    lines.append("| model | ambiguous cases | the intended reading | another reading | held |")
    lines.append("|---|---|---|---|---|")
    for run in runs:
        ambiguous = [case for case in run.cases if case.expected == "ambiguous"]
        counts = Counter(case.outcome for case in ambiguous)
        lines.append(
            f"| {run.label} | {len(ambiguous)} | {counts['exact']} | {counts['wrong']} | "
            f"{counts['held']} |"
        )
    wrong = [(run.label, case) for run in runs for case in run.cases if case.outcome == "wrong"]
    if wrong:
        lines += [
            "",
            "Wrong answers: " + ", ".join(f"{label} {case.case}" for label, case in wrong),
        ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="8 ambiguous golden cases only")
    parser.add_argument(
        "--shipped", action="store_true", help="the shipped model only (not the base alone)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (medians)")
    parser.add_argument("--compare", type=Path, help="an earlier run's --json, shown beside")
    parser.add_argument("--out", type=Path, help="also write the markdown here")
    parser.add_argument("--json", type=Path, help="write the measurements as JSON here")
    arguments = parser.parse_args(argv)
    from structconv.repair.llm import _packaged_adapter

    load_before = os.getloadavg()
    runs = []
    has_adapter = _packaged_adapter() is not None
    if not has_adapter:
        _progress("no adapter in models/: the base model only")
    if not (arguments.shipped and has_adapter):
        runs.append(run_model("base", "none", arguments.quick, arguments.repeat, not has_adapter))
    if has_adapter:
        runs.append(run_model("fine-tuned", "", arguments.quick, arguments.repeat, True))
    earlier = None
    if arguments.compare:
        earlier = json.loads(arguments.compare.read_text(encoding="utf-8"))["measures"]
    text = report(runs, _peak_mb(), (load_before, os.getloadavg()), arguments.repeat, earlier)
    sys.stdout.write(text)
    if arguments.out:
        arguments.out.parent.mkdir(parents=True, exist_ok=True)
        arguments.out.write_text(text, encoding="utf-8")
    if arguments.json:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        saved = {"measures": measures(runs[-1]), "runs": [asdict(run) for run in runs]}
        arguments.json.write_text(json.dumps(saved, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
