"""The local repair model: load time, memory, token rates, and repair on the golden corpus.

    python benchmarks/llm_bench.py [--quick] [--out FILE.md] [--json FILE.json]

For the base model and, when models/ holds one, the base with our LoRA adapter:

- load: seconds to load the GGUF files, and the resident memory it added;
- prompt evaluation: tokens/s over the repair prompts of a few golden inputs;
- generation, greedy, same prompts and token budgets, three ways: structconv's decoder
  (the grammar checks the greedy token first and masks the 262k vocabulary only when that
  token breaks it), llama-cpp-python's own completion under the same grammar (masks every
  step), and llama-cpp-python without a grammar (the floor). The grammar's overhead is
  structconv's rate against the floor;
- repair: every golden case (tests/golden/malformed) through `convert(..., repair="auto")`
  with that model; the path each case took (rules only, the model ranking the rules'
  readings, the model generating), latency median/p95 per path, and exact / wrong /
  refused against the expected outcome. A wrong accepted answer is the number that must
  stay 0.

Peak RSS is the process's (ru_maxrss) at the end. Needs the [llm] extra.
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
    prompt_tokens: int = 0
    prompt_seconds: float = 0.0
    generated: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    masked_steps: int = 0

    def rate(self, way: str) -> float:
        return self.generated.get(way, 0) / self.seconds[way] if self.seconds.get(way) else 0.0


@dataclass
class CaseRun:
    case: str
    expected: str
    path: str  # rules | rank | generate
    outcome: str  # exact | wrong | refused | held | ambiguous
    seconds: float


@dataclass
class ModelRun:
    label: str
    load_seconds: float
    load_rss_mb: float
    rates: Rates
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


def measure_rates(model: Any, model_path: Path, adapter: Path | None) -> Rates:
    """Prompt and generation rates of structconv's decoder and llama-cpp-python's."""
    import llama_cpp

    from structconv.repair.grammar import json_grammar

    rates = Rates()
    budgets = []
    for prompt, chars in _rate_prompts():
        budget = min(256, len(model.tokenize(prompt, add_bos=False)) + 32, chars)
        only_prompt = model.generate(prompt, 0)
        rates.prompt_tokens += only_prompt.prompt_tokens
        rates.prompt_seconds += only_prompt.seconds
        answer = model.generate(prompt, budget)
        # Generation time: the whole call less the prompt's share measured just before.
        rates.generated["structconv"] = rates.generated.get("structconv", 0) + len(
            answer.token_logprobs
        )
        rates.seconds["structconv"] = (
            rates.seconds.get("structconv", 0.0) + answer.seconds - only_prompt.seconds
        )
        rates.masked_steps += answer.masked_steps
        budgets.append((prompt, budget, len(answer.token_logprobs)))
    peer = llama_cpp.Llama(
        model_path=str(model_path),
        lora_path=None if adapter is None else str(adapter),
        n_ctx=2048,
        n_threads=model.threads,
        verbose=False,
    )
    grammar = llama_cpp.LlamaGrammar.from_string(json_grammar(), verbose=False)
    for way, constraint in (("llama-cpp-python + grammar", grammar), ("no grammar", None)):
        for prompt, _budget, tokens in budgets:
            # The same number of tokens as structconv generated, so the rates compare alike.
            peer.reset()
            started = time.perf_counter()
            peer.create_completion(prompt, max_tokens=1, temperature=0.0)
            prompt_seconds = time.perf_counter() - started
            peer.reset()
            started = time.perf_counter()
            done = peer.create_completion(
                prompt, max_tokens=max(tokens, 1), temperature=0.0, grammar=constraint
            )
            elapsed = time.perf_counter() - started - prompt_seconds
            rates.generated[way] = rates.generated.get(way, 0) + done["usage"]["completion_tokens"]
            rates.seconds[way] = rates.seconds.get(way, 0.0) + max(elapsed, 1e-9)
    del peer
    return rates


def _instrumented(model: Any, calls: list[str]) -> None:
    """Record which of the model's two ways each repair used (rank or generate)."""
    rank, generate = model.rank, model.generate

    def ranked(*args: Any, **kwargs: Any) -> Any:
        calls.append("rank")
        return rank(*args, **kwargs)

    def generated(*args: Any, **kwargs: Any) -> Any:
        calls.append("generate")
        return generate(*args, **kwargs)

    model.rank, model.generate = ranked, generated


def run_cases(model: Any, cases: Sequence[Case], tick: Callable[[str], None]) -> list[CaseRun]:
    from structconv import AmbiguousInput, RepairRejected, StructconvError, convert
    from structconv.formats import canonical_name
    from structconv.repair import model_repair

    calls: list[str] = []
    _instrumented(model, calls)
    original_load = model_repair._load
    model_repair._load = lambda options: model  # type: ignore[assignment]
    runs = []
    try:
        for case in cases:
            name = f"{case.path.parent.name}/{case.path.name}"
            calls.clear()
            started = time.perf_counter()
            try:
                result = convert(case.path.read_bytes(), src=canonical_name(case.format), to="json")
                right = case.outcome != "refused" and json.loads(result.text) == case.data
                outcome = "exact" if right else "wrong"
            except RepairRejected as refused:
                outcome = "held" if refused.held else "refused"
            except AmbiguousInput:
                outcome = "ambiguous"
            except StructconvError:
                outcome = "refused"
            seconds = time.perf_counter() - started
            path = calls[-1] if calls else "rules"
            runs.append(CaseRun(name, case.outcome, path, outcome, seconds))
            tick(f"{name}: {path} {outcome} {seconds:.2f} s")
    finally:
        model_repair._load = original_load  # type: ignore[assignment]
    return runs


def run_model(label: str, adapter: str, quick: bool) -> ModelRun:
    from structconv.repair.llm import RepairModel, model_files

    files = model_files(adapter=adapter)
    before = _rss_mb()
    model = RepairModel(files)
    load_rss = _rss_mb() - before
    _progress(f"{label}: loaded in {model.load_seconds:.2f} s")
    rates = measure_rates(model, files.base, files.adapter)
    cases = run_cases(model, _golden_cases(quick), lambda line: _progress(f"{label}: {line}"))
    model.close()
    return ModelRun(label, model.load_seconds, load_rss, rates, cases)


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def report(runs: Sequence[ModelRun], peak_mb: float) -> str:
    lines = [
        "# Repair model benchmark",
        "",
        f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}; peak RSS of this process "
        f"{peak_mb:.0f} MB (both models loaded in turn, and llama-cpp-python's own Llama).",
        "",
        "## Load and token rates",
        "",
        "| model | load s | RSS added MB | prompt tok/s | generation tok/s: structconv | "
        "llama-cpp-python + grammar | no grammar | grammar overhead | masked steps |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        rates = run.rates
        floor = rates.rate("no grammar")
        ours = rates.rate("structconv")
        overhead = f"{floor / ours:.2f}x" if ours else "-"
        lines.append(
            f"| {run.label} | {run.load_seconds:.2f} | {run.load_rss_mb:.0f} | "
            f"{rates.prompt_tokens / max(rates.prompt_seconds, 1e-9):.0f} | {ours:.1f} | "
            f"{rates.rate('llama-cpp-python + grammar'):.1f} | {floor:.1f} | {overhead} | "
            f"{rates.masked_steps} of {rates.generated.get('structconv', 0)} |"
        )
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
            seconds = [case.seconds for case in cases]
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
    parser.add_argument("--out", type=Path, help="also write the markdown here")
    parser.add_argument("--json", type=Path, help="write the measurements as JSON here")
    arguments = parser.parse_args(argv)
    from structconv.repair.llm import _packaged_adapter

    runs = [run_model("base", "none", arguments.quick)]
    if _packaged_adapter() is not None:
        runs.append(run_model("fine-tuned", "", arguments.quick))
    else:
        _progress("no adapter in models/: the base model only")
    text = report(runs, _peak_mb())
    sys.stdout.write(text)
    if arguments.out:
        arguments.out.parent.mkdir(parents=True, exist_ok=True)
        arguments.out.write_text(text, encoding="utf-8")
    if arguments.json:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        arguments.json.write_text(
            json.dumps([asdict(run) for run in runs], indent=1) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
