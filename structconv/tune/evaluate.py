"""How well a model repairs: exact data after validation, per format and corruption.

Each test pair goes through what the runtime does with a generated repair: greedy
decoding under the JSON grammar, then the same checks (the answer must finish, parse,
and hold exactly the input's values). A pair counts as:
- right: accepted, and its data is the target's;
- wrong: accepted, but its data differs (what validation must keep near zero);
- refused: cut off, not JSON, or refused by validation.
Accuracy is right / pairs; precision is right / accepted.
"""

from __future__ import annotations

import json
import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from structconv import formats
from structconv.errors import ParseError
from structconv.neutral import same_data
from structconv.options import Options
from structconv.repair import prompts
from structconv.repair.grammar import grammar_for, json_grammar
from structconv.repair.llm import RepairModel
from structconv.repair.model_repair import check_answer
from structconv.tune.train import read_pairs

_STRICT = Options(repair="off")


@dataclass
class Tally:
    pairs: int = 0
    right: int = 0
    wrong: int = 0
    refused: int = 0

    @property
    def accuracy(self) -> float:
        return self.right / self.pairs if self.pairs else 0.0

    @property
    def precision(self) -> float:
        accepted = self.right + self.wrong
        return self.right / accepted if accepted else 1.0

    def add(self, verdict: str) -> None:
        self.pairs += 1
        setattr(self, verdict, getattr(self, verdict) + 1)


@dataclass
class Evaluation:
    label: str
    total: Tally = field(default_factory=Tally)
    by_format: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_corruption: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    generated_tokens: int = 0
    generation_seconds: float = 0.0
    mistakes: list[dict[str, Any]] = field(default_factory=list)
    verdicts: dict[str, str] = field(default_factory=dict)  # pair id -> verdict

    @property
    def tokens_per_second(self) -> float:
        return self.generated_tokens / self.generation_seconds if self.generation_seconds else 0.0

    def record(self, pair: dict[str, Any], outcome: str, answer: str) -> None:
        """Count one pair's verdict; a wrong answer is kept with its target."""
        self.total.add(outcome)
        self.verdicts[pair["id"]] = outcome
        self.by_format[pair["format"]].add(outcome)
        for kind in pair["corruptions"]:
            self.by_corruption[kind].add(outcome)
        if outcome == "wrong":
            self.mistakes.append({"id": pair["id"], "answer": answer, "target": pair["target"]})


def verdict(
    model: RepairModel, pair: dict[str, Any], temperature: float = 0.0, shaped: bool = True
) -> tuple[str, Any]:
    """('right' | 'wrong' | 'refused', the generation) for one pair, as the runtime judges:
    under the input's shaped grammar (repair/grammar.py), or the plain JSON one."""
    prompt = prompts.repair_prompt(pair["input"], pair["format"])
    budget = 2 * len(model.tokenize(pair["input"], add_bos=False)) + 32
    chosen = grammar_for(pair["input"], pair["format"], _STRICT) if shaped else json_grammar()
    answer = model.generate(prompt, budget, grammar=chosen, temperature=temperature)
    if not answer.finished:
        return "refused", answer
    try:
        data = formats.read(answer.text, "json", _STRICT)
    except ParseError:
        return "refused", answer
    if check_answer(pair["input"], data, pair["format"]) is not None:
        return "refused", answer
    return ("right" if same_data(data, json.loads(pair["target"])) else "wrong"), answer


def pipeline_verdict(pair: dict[str, Any]) -> tuple[str, str]:
    """The verdict of the whole repair as users get it, and the JSON it wrote:
    `convert(..., repair="auto")`, the rules first, then the model the runtime loads
    (choose it with STRUCTCONV_ADAPTER) ranking their readings or writing the data."""
    from structconv import StructconvError, convert

    try:
        result = convert(pair["input"], src=pair["format"], to="json", repair="auto")
    except StructconvError:
        return "refused", ""
    right = json.loads(result.text) == json.loads(pair["target"])
    return ("right" if right else "wrong"), result.text


def evaluate(
    model: RepairModel | None,
    pairs: Sequence[dict[str, Any]],
    label: str,
    temperature: float = 0.0,
    progress: Any = None,
    shaped: bool = True,
    pipeline: bool = False,
) -> Evaluation:
    """Tally the verdicts: of the model alone (`verdict`), or of the rules and the model
    together (`pipeline_verdict`, greedy as the runtime)."""
    result = Evaluation(label)
    for number, pair in enumerate(pairs, 1):
        if pipeline:
            outcome, text = pipeline_verdict(pair)
        else:
            assert model is not None, "the model alone needs a model"
            outcome, answer = verdict(model, pair, temperature, shaped)
            text = answer.text
            result.generated_tokens += len(answer.token_logprobs)
            result.generation_seconds += answer.seconds
        result.record(pair, outcome, text)
        if progress is not None:
            progress(number, result)
    return result


def rejudge(saved: Evaluation, pairs: Sequence[dict[str, Any]]) -> Evaluation:
    """A saved run judged again under today's answer checks, without the model: a right
    answer's data is its target's, and a wrong answer's text is kept, so each accepted
    answer can be checked again exactly (refused ones stay refused)."""
    by_id = {pair["id"]: pair for pair in pairs}
    wrong_answers = {mistake["id"]: mistake["answer"] for mistake in saved.mistakes}
    result = Evaluation(
        saved.label,
        generated_tokens=saved.generated_tokens,
        generation_seconds=saved.generation_seconds,
    )
    for pair_id, outcome in saved.verdicts.items():
        pair = by_id[pair_id]
        if outcome != "refused":
            answer = pair["target"] if outcome == "right" else wrong_answers[pair_id]
            data = formats.read(answer, "json", _STRICT)
            if check_answer(pair["input"], data, pair["format"]) is not None:
                outcome = "refused"
        result.record(pair, outcome, wrong_answers.get(pair_id, ""))
    return result


def as_json(evaluation: Evaluation) -> dict[str, Any]:
    """The tallies as JSON, to put beside another run's with `from_json`."""
    return {
        "label": evaluation.label,
        "total": asdict(evaluation.total),
        "by_format": {name: asdict(tally) for name, tally in evaluation.by_format.items()},
        "by_corruption": {name: asdict(tally) for name, tally in evaluation.by_corruption.items()},
        "generated_tokens": evaluation.generated_tokens,
        "generation_seconds": evaluation.generation_seconds,
        "mistakes": evaluation.mistakes,
        "verdicts": evaluation.verdicts,
    }


def from_json(saved: dict[str, Any]) -> Evaluation:
    loaded = Evaluation(
        saved["label"],
        Tally(**saved["total"]),
        generated_tokens=saved["generated_tokens"],
        generation_seconds=saved["generation_seconds"],
        mistakes=saved["mistakes"],
        verdicts=saved.get("verdicts", {}),
    )
    loaded.by_format.update({name: Tally(**tally) for name, tally in saved["by_format"].items()})
    loaded.by_corruption.update(
        {name: Tally(**tally) for name, tally in saved["by_corruption"].items()}
    )
    return loaded


def sample(
    path: Path, size: int, seed: int = 2026, formats: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """`size` pairs drawn at random (of `formats` only, when given)."""
    pairs = read_pairs(path)
    if formats:
        pairs = [pair for pair in pairs if pair["format"] in formats]
    random.Random(seed).shuffle(pairs)
    return pairs[:size]


def _interval(tally: Tally) -> str:
    """Accuracy with a 95% Wilson interval: the samples are a few hundred pairs."""
    if not tally.pairs:
        return "-"
    p, n, z = tally.accuracy, tally.pairs, 1.96
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return f"{p:.1%} ({max(0.0, centre - half):.0%}-{min(1.0, centre + half):.0%})"


def table(evaluations: Sequence[Evaluation], key: str) -> str:
    """A markdown table: one row per format (or corruption), a column group per model."""
    names = sorted({name for evaluation in evaluations for name in getattr(evaluation, key)})
    header = (
        "| "
        + key.removeprefix("by_")
        + " | "
        + " | ".join(
            f"{evaluation.label}: accuracy | precision | refused" for evaluation in evaluations
        )
        + " |"
    )
    lines = [header, "|" + "---|" * (1 + 3 * len(evaluations))]
    for name in [*names, "all"]:
        cells = []
        for evaluation in evaluations:
            tally = (
                evaluation.total if name == "all" else getattr(evaluation, key).get(name, Tally())
            )
            cells += [
                f"{_interval(tally)} of {tally.pairs}",
                f"{tally.precision:.1%}",
                f"{tally.refused / tally.pairs:.1%}" if tally.pairs else "-",
            ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
