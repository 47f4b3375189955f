"""Training pairs for the repair model: broken text in, the JSON of its data out.

    source document (documents.py)
      -> its text in each format that can hold it (structconv's own writers)
      -> broken by one operator, or two or three at once (corrupt.py)
      -> kept only if it REALLY fails the strict reader, or the CSV rules' review finds
         it ambiguous (two header rows that parse)
      -> target: render_answer of the data the clean text reads back as with the strict
         reader (what a correct repair gives: XML data is all strings, TOML has no null)
      -> kept only if check_provenance accepts the target for the broken text with no
         fix to excuse anything (the runtime's test of a model answer)

Truncation is the exception: the cut-off part is not recoverable, so the target is the
data the truncated text still holds, as the JSON, JSON Lines and XML rules repair it
(only closing brackets and end tags lost: a cut inside a string, key, literal or text
is refused by the rules and provenance since issue 14, and such a pair is dropped);
YAML's rules refuse cut-off files, so there the open double-quoted string is closed
with the text it has. Either way provenance must pass with no fix.

Splits are by source document (all of a document's pairs in one split), 90/5/5, from
the seed. Files: train.jsonl, dev.jsonl, test.jsonl (one pair per line: id, document,
split, format, corruptions, input, target), data_card.md and data_card.json.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import random
import re
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from structconv import formats
from structconv.errors import ParseError, StructconvError
from structconv.options import Options
from structconv.repair.prompts import render_answer, repair_prompt
from structconv.tune.corrupt import Operator, compatible, mixable, operators_for
from structconv.tune.documents import Document, documents

FORMATS = ("json", "jsonl", "yaml", "toml", "xml", "csv")
SPLITS = ("train", "dev", "test")
SPLIT_SHARES = (0.90, 0.05, 0.05)
TOKEN_BUDGET = 384  # the prompt and its answer, in Gemma tokens
STRICT = Options(repair="off")
# Documents handed to the worker processes at a time (results come back in order).
BATCH = 240


# --- token estimate --------------------------------------------------------------------------

_PIECES = re.compile(
    r"[A-Za-z]+|\d|\n[ \t]*|[ \t]+|[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]+"
    r"|[\u3000-\u9fff\uff00-\uffef]|.",
    re.S,
)
# Tokens per piece, fitted (least squares) on 7,000 prompts and answers of these pairs
# against the Gemma 3 tokenizer, then raised by 15%: about 2% of pairs are then
# underestimated, by 24 tokens at most.
_WORD, _DIGIT, _SPACE, _PUNCTUATION, _CJK, _OTHER = 0.97, 1.04, 0.52, 1.3, 0.37, 1.5
_MARGIN = 1.15


def estimate_tokens(text: str) -> int:
    """Gemma tokens in `text`, estimated without the tokenizer (the lead filters by real
    counts): a run of ASCII letters is about one token, a digit one, punctuation runs
    one or two, a CJK character a third, other non-ASCII characters one and a half.
    """
    count = 0.0
    for piece in _PIECES.findall(text):
        first = piece[0]
        if first.isascii():
            if first.isalpha():
                count += _WORD
            elif first.isdigit():
                count += _DIGIT
            elif first in "\n \t":
                count += _SPACE
            else:
                count += _PUNCTUATION
        elif "\u3000" <= first <= "\u9fff" or "\uff00" <= first <= "\uffef":
            count += _CJK
        else:
            count += _OTHER
    return math.ceil(count * _MARGIN)


def pair_tokens(input_text: str, format: str, target: str) -> int:
    return estimate_tokens(repair_prompt(input_text, format)) + estimate_tokens(target) + 1


# --- the clean texts of a document -----------------------------------------------------------


@dataclass(frozen=True)
class Rendition:
    """A document written in one format, and the data a correct repair reads from it."""

    format: str
    text: str
    data: Any
    answer: str


def _options(format: str, document: Document, rng: random.Random) -> Options:
    if format == "json":
        return Options(indent=rng.choice([2, 2, 4]))
    if format in ("toml", "xml"):
        return Options(root=document.root, item=document.item, null="drop")
    if format == "csv":
        return Options(null="empty")
    return Options()


def renditions(document: Document, rng: random.Random) -> Iterator[Rendition | str]:
    """The document in each format that can hold it, or the reason one cannot."""
    for format in FORMATS:
        if format == "csv" and not isinstance(document.data, list):
            yield "csv: not a list of records"
            continue
        try:
            text, _ = formats.write(document.data, format, _options(format, document, rng))
            data = formats.read(text, format, STRICT)
        except StructconvError:
            yield f"{format}: cannot hold the document"
            continue
        if format == "csv" and rng.random() < 0.4:
            text = text.replace("\r\n", "\n")
        answer = render_answer(data)
        if pair_tokens(text, format, answer) > TOKEN_BUDGET - 16:
            yield f"{format}: too long"
            continue
        yield Rendition(format, text, data, answer)


# --- is a broken text worth a pair? -----------------------------------------------------------


class Dropped(Exception):
    """Why a candidate is not a pair (the data card counts the reasons)."""


def _values(format: str) -> Any:
    from structconv.repair.rules import rules_for

    module = rules_for(format)
    values = getattr(module, "input_values", None)
    if values is None:
        raise Dropped("no input lexer")
    return values


def _broken(text: str, format: str) -> ParseError | None:
    """The strict reader's error, None when a CSV reads but its rules find it ambiguous;
    raises Dropped when the text is not broken at all."""
    try:
        data = formats.read(text, format, STRICT)
    except ParseError as error:
        if not error.repairable:
            raise Dropped("fails beyond repair (a limit)") from None
        return error
    if format == "csv":
        from structconv.repair.rules import csv as csv_rules

        if csv_rules.review(text, data, Options()) is not None:
            return None
    raise Dropped("still parses")


def _truncated_target(text: str, format: str, error: ParseError) -> Any:
    """The data a cut-off text still holds (see the module docstring)."""
    if format == "yaml":
        try:
            return formats.read(text + '"\n', format, STRICT)
        except ParseError:
            raise Dropped("truncation: nothing readable kept") from None
    from structconv.repair import pipeline

    try:
        repaired = pipeline.repair(text, format, error, Options(repair="rules"), "rules")
    except StructconvError:
        raise Dropped("truncation: the rules do not recover it") from None
    return repaired.data


def judge(text: str, format: str, rendition: Rendition, kinds: Sequence[str]) -> str:
    """The target answer for broken `text`, or raise Dropped."""
    if text == rendition.text:
        raise Dropped("unchanged")
    error = _broken(text, format)
    data = rendition.data
    if "truncation" in kinds:
        assert error is not None
        data = _truncated_target(text, format, error)
        if data in ([], {}, None):
            raise Dropped("truncation: nothing readable kept")
    from structconv.repair.textual import check_provenance

    refusal = check_provenance(text, data, (), format, _values(format))
    if refusal is not None:
        raise Dropped("provenance")
    answer = render_answer(data)
    if pair_tokens(text, format, answer) > TOKEN_BUDGET:
        raise Dropped("too long")
    return answer


# --- one document's pairs --------------------------------------------------------------------


@dataclass
class DocumentPairs:
    """What one source document gave: its pairs, and the candidates dropped and why."""

    document: str
    source: str
    pairs: list[dict[str, Any]] = field(default_factory=list)
    candidates: Counter[str] = field(default_factory=Counter)  # kind -> tried
    dropped: Counter[str] = field(default_factory=Counter)  # reason -> count
    dropped_kinds: Counter[str] = field(default_factory=Counter)  # "kind: reason" -> count
    formats_skipped: Counter[str] = field(default_factory=Counter)


def _weighted_order(operators: list[Operator], rng: random.Random) -> list[Operator]:
    """The operators in a random order where heavier ones tend to come first."""
    keyed = [(rng.random() ** (1.0 / op.weight), index) for index, op in enumerate(operators)]
    return [operators[index] for _, index in sorted(keyed, reverse=True)]


def _mixed(
    text: str, operators: list[Operator], rng: random.Random, lead: list[Operator]
) -> tuple[str, list[str]] | None:
    """Two or three operators at once (one of `lead` first, when given)."""
    wanted = rng.choice([2, 2, 3])
    kinds: list[str] = []
    for group in ([lead] if lead else []) + [operators]:
        for op in _weighted_order(group, rng):
            if not compatible(kinds, op.kind):
                continue
            broken = op.apply(text, rng)
            if broken is not None and broken != text:
                text = broken
                kinds.append(op.kind)
                if len(kinds) == wanted or group is lead:
                    break
        if len(kinds) == wanted:
            return text, kinds
    return None


# Breakage a CSV with dotted column names (grouped columns) must have: provenance
# validation reads `Q1.sales` as one input value, which the nested answer (Q1: {sales})
# never holds, so only a header split into rows makes a pair the runtime would accept.
HEADER_KINDS = frozenset({"two_row_header", "units_row", "three_row_header"})


def _dotted_header(text: str) -> bool:
    return "." in text.split("\n", 1)[0]


def document_pairs(document: Document, seed: int) -> DocumentPairs:
    """The training pairs of one document (deterministic in the document and seed)."""
    rng = random.Random(f"structconv-tune:{seed}:pairs:{document.id}")
    result = DocumentPairs(document.id, document.source)
    for rendition in renditions(document, rng):
        if isinstance(rendition, str):
            result.formats_skipped[rendition] += 1
            continue
        format = rendition.format
        seen: set[str] = set()
        attempts: list[tuple[str, list[str]]] = []
        wanted = rng.choice([1, 2, 2, 3])
        operators = operators_for(format)
        lead = (
            [op for op in operators if op.kind in HEADER_KINDS]
            if format == "csv" and _dotted_header(rendition.text)
            else []
        )
        if lead:  # each header split drawn twice: merged or repeated labels, names up or down
            wanted = 4
        for op in _weighted_order(lead * 2 or operators, rng):
            if len(attempts) >= wanted + 2:
                break
            broken = op.apply(rendition.text, rng)
            if broken is not None:
                attempts.append((broken, [op.kind]))
        if lead or rng.random() < 0.4:
            mixed = _mixed(rendition.text, mixable(format), rng, lead)
            if mixed is not None:
                attempts.append(mixed)
        kept = 0
        for text, kinds in attempts:
            is_mixed = len(kinds) > 1
            if kept >= wanted and not is_mixed:
                continue
            label = "mixed" if is_mixed else kinds[0]
            result.candidates[label] += 1
            try:
                if text in seen:
                    raise Dropped("duplicate input")
                target = judge(text, format, rendition, kinds)
            except Dropped as why:
                result.dropped[str(why)] += 1
                result.dropped_kinds[f"{format}/{label}: {why}"] += 1
                continue
            seen.add(text)
            if not is_mixed:
                kept += 1
            result.pairs.append(
                {
                    "id": f"{document.id}-{format}-{len(result.pairs)}",
                    "document": document.id,
                    "split": "",
                    "format": format,
                    "corruptions": kinds,
                    "input": text,
                    "target": target,
                }
            )
    return result


def _pairs_of(job: tuple[Document, int]) -> DocumentPairs:
    return document_pairs(*job)


# --- the data card ---------------------------------------------------------------------------


def _table(title: str, counts: dict[str, int], total: int | None = None) -> str:
    rows = [f"| {title} | pairs | share |", "|---|---:|---:|"]
    whole = total if total is not None else max(1, sum(counts.values()))
    for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rows.append(f"| {name} | {count:,} | {count / whole:.1%} |")
    return "\n".join(rows)


@dataclass
class DataCard:
    """What build() wrote: counts per format, kind and split, what was dropped, and how."""

    pairs: int
    documents: int
    seed: int
    seconds: float
    workers: int
    per_format: dict[str, int]
    per_kind: dict[str, int]  # a mixed pair counts under each of its kinds
    per_format_kind: dict[str, dict[str, int]]
    mixed: int
    per_split: dict[str, int]
    documents_per_split: dict[str, int]
    per_source: dict[str, int]  # documents per template, "hypothesis" for the drawn ones
    pairs_per_source: dict[str, int]
    candidates: int
    dropped: dict[str, int]
    dropped_detail: dict[str, int]
    formats_skipped: dict[str, int]
    settled_kinds: dict[str, list[str]]
    unsettled_kinds: dict[str, list[str]]
    estimated_tokens_max: int
    estimated_tokens_mean: float
    files: dict[str, str]

    def markdown(self) -> str:
        return self._composition() + self._method()

    def _composition(self) -> str:
        """The card's first half: what the pairs are, per split, format and kind."""
        kinds_by_format = "\n".join(
            f"- **{format}**: "
            + ", ".join(
                f"{kind} {count:,}"
                for kind, count in sorted(kinds.items(), key=lambda item: -item[1])
            )
            for format, kinds in sorted(self.per_format_kind.items())
        )
        families = "\n".join(
            f"- **{format}**: the rules cannot settle: {', '.join(self.unsettled_kinds.get(format, [])) or '-'}; "
            f"they settle: {', '.join(self.settled_kinds.get(format, [])) or '-'}"
            for format in FORMATS
        )
        return (
            f"""# structconv repair model: training data

{self.pairs:,} pairs from {self.documents:,} source documents; seed {self.seed};
generated in {self.seconds:.0f} s with {self.workers} worker process(es).
Files: {", ".join(f"`{name}`" for name in self.files)}.

## Splits (by source document, {SPLIT_SHARES[0]:.0%}/{SPLIT_SHARES[1]:.0%}/{SPLIT_SHARES[2]:.0%} of documents)

| split | pairs | documents |
|---|---:|---:|
"""
            + "\n".join(
                f"| {split} | {self.per_split.get(split, 0):,} | {self.documents_per_split.get(split, 0):,} |"
                for split in SPLITS
            )
            + f"""

## Per format

{_table("format", self.per_format, self.pairs)}

## Per corruption kind

A pair broken by several operators at once ({self.mixed:,} pairs, "mixed breakage")
counts under each of its kinds, so the shares add up to more than 100%.

{_table("kind", self.per_kind, self.pairs)}

Per format:

{kinds_by_format}

The operators (structconv/tune/corrupt.py), by what the deterministic rules do with them:

{families}

"""
        )

    def _method(self) -> str:
        """The card's second half: how the targets are made, the sources, what was dropped."""
        dropped_total = sum(self.dropped.values())
        top_drops = "\n".join(
            f"| {reason} | {count:,} |"
            for reason, count in sorted(self.dropped_detail.items(), key=lambda item: -item[1])[:25]
        )
        return f"""## How the targets are made

- Each source document is written in every format that can hold it with structconv's
  own writers (`formats.write`; XML and TOML with `root=`/`item=` from the template and
  `null="drop"`, CSV with `null="empty"`, CSV line ends CRLF or LF), then read back with
  the strict reader: the target is `render_answer` of that data, i.e. the data as the
  format holds it (XML values are strings, TOML drops nulls, dates are ISO strings).
- A broken text becomes a pair only if the strict reader (`repair="off"`) raises
  ParseError, or, for a CSV that parses, the CSV rules' `review` returns an Ambiguity or
  a Patched text (two or three header rows).
- **Truncation**: the cut-off part is not recoverable. The target is the data the
  truncated text still holds: for JSON, JSON Lines and XML the rules' repair of the cut
  text (open containers closed, an incomplete member dropped, a string cut off kept
  with the text it has); for YAML, whose rules refuse cut-off files, the open
  double-quoted string closed where the text ends. Such a target is NOT the source data.
- Every target passes `structconv.repair.textual.check_provenance(input, data, fixes=(),
  format, rules.<format>.input_values)`: nothing invented, nothing of the input dropped
  without a fix to excuse it (the runtime judges a model answer with
  `structconv.repair.provenance.check`). Pairs that fail
  are dropped and counted below.
- Prompt: `structconv.repair.prompts.repair_prompt(input, format)`; answer: the target
  then the end-of-sequence token. Token estimate (heuristic, from above) of prompt +
  answer: at most {self.estimated_tokens_max}, mean {self.estimated_tokens_mean:.0f}
  (budget {TOKEN_BUDGET}); filter by the real tokenizer before training.

## Source documents

Templates (seeded random.Random per document) and hypothesis-drawn documents (a
@given collector under @seed({self.seed}), derandomized, no database, generation phase
only). Documents per source:

{_table("source", self.per_source, self.documents).replace("| pairs |", "| documents |")}

## Dropped candidates

{self.candidates:,} candidate pairs were judged; {dropped_total:,} dropped
({dropped_total / max(1, self.candidates):.1%}):

{_table("reason", self.dropped, dropped_total).replace("| pairs |", "| candidates |")}

Most frequent (format/kind: reason):

| format/kind: reason | candidates |
|---|---:|
{top_drops}

Formats that could not take a document (the writer refuses it, or it is over the
token budget): {", ".join(f"{name} {count:,}" for name, count in sorted(self.formats_skipped.items(), key=lambda item: -item[1]))}.

## Seeds

Templates: `random.Random("structconv-tune:{{seed}}:template:{{index}}")`; corruption:
`random.Random("structconv-tune:{{seed}}:pairs:{{document id}}")`; hypothesis: `@seed(seed)`;
splits: the document ids shuffled by `random.Random("structconv-tune:{{seed}}:split")`.
The same seed and pair count give the same files.
"""


# --- build -----------------------------------------------------------------------------------


def _assign_splits(document_ids: list[str], seed: int) -> dict[str, str]:
    shuffled = sorted(document_ids)
    random.Random(f"structconv-tune:{seed}:split").shuffle(shuffled)
    dev_count = round(len(shuffled) * SPLIT_SHARES[1])
    test_count = round(len(shuffled) * SPLIT_SHARES[2])
    splits = {}
    for position, document in enumerate(shuffled):
        if position < dev_count:
            splits[document] = "dev"
        elif position < dev_count + test_count:
            splits[document] = "test"
        else:
            splits[document] = "train"
    return splits


def _executor(workers: int) -> Executor | None:
    if workers <= 1:
        return None
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method))


def _collect(pairs: int, seed: int, workers: int) -> list[DocumentPairs]:
    source = documents(seed, hypothesis_count=max(8, pairs // 40))
    collected: list[DocumentPairs] = []
    total = 0
    executor = _executor(workers)
    try:
        while total < pairs:
            batch = [(next(source), seed) for _ in range(BATCH)]
            results = (
                executor.map(_pairs_of, batch, chunksize=8)
                if executor is not None
                else map(_pairs_of, batch)
            )
            for result in results:
                if total >= pairs:
                    break
                if total + len(result.pairs) > pairs:
                    result.pairs = result.pairs[: pairs - total]
                if result.pairs:
                    collected.append(result)
                    total += len(result.pairs)
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)
    return collected


def build(
    out_dir: Path, pairs: int = 30000, seed: int = 2026, *, workers: int | None = None
) -> DataCard:
    """Generate `pairs` training pairs into `out_dir` (train/dev/test JSONL and the card)."""
    from structconv.tune import corrupt

    started = time.monotonic()
    if workers is None:
        workers = min(4, multiprocessing.cpu_count()) if pairs >= 2000 else 1
    collected = _collect(pairs, seed, workers)
    splits = _assign_splits([result.document for result in collected], seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {split: out_dir / f"{split}.jsonl" for split in SPLITS}
    per_format: Counter[str] = Counter()
    per_kind: Counter[str] = Counter()
    per_format_kind: dict[str, Counter[str]] = {}
    per_split: Counter[str] = Counter()
    documents_per_split: Counter[str] = Counter()
    per_source: Counter[str] = Counter()
    pairs_per_source: Counter[str] = Counter()
    candidates = 0
    dropped: Counter[str] = Counter()
    dropped_detail: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    mixed = 0
    longest = 0
    token_sum = 0
    streams = {
        split: path.open("w", encoding="utf-8", newline="\n") for split, path in files.items()
    }
    try:
        for result in collected:
            split = splits[result.document]
            documents_per_split[split] += 1
            per_source[result.source] += 1
            candidates += sum(result.candidates.values())
            dropped.update(result.dropped)
            dropped_detail.update(result.dropped_kinds)
            skipped.update(result.formats_skipped)
            for pair in result.pairs:
                pair["split"] = split
                streams[split].write(json.dumps(pair, ensure_ascii=False) + "\n")
                per_format[pair["format"]] += 1
                per_kind.update(pair["corruptions"])
                per_format_kind.setdefault(pair["format"], Counter()).update(pair["corruptions"])
                per_split[split] += 1
                pairs_per_source[result.source] += 1
                mixed += len(pair["corruptions"]) > 1
                tokens = pair_tokens(pair["input"], pair["format"], pair["target"])
                longest = max(longest, tokens)
                token_sum += tokens
    finally:
        for stream in streams.values():
            stream.close()
    total = sum(per_split.values())
    card = DataCard(
        pairs=total,
        documents=len(collected),
        seed=seed,
        seconds=round(time.monotonic() - started, 1),
        workers=workers,
        per_format=dict(per_format),
        per_kind=dict(per_kind),
        per_format_kind={name: dict(kinds) for name, kinds in per_format_kind.items()},
        mixed=mixed,
        per_split=dict(per_split),
        documents_per_split=dict(documents_per_split),
        per_source=dict(per_source),
        pairs_per_source=dict(pairs_per_source),
        candidates=candidates,
        dropped=dict(dropped),
        dropped_detail=dict(dropped_detail),
        formats_skipped=dict(skipped),
        settled_kinds={
            name: sorted({op.kind for op in ops if op.settled})
            for name, ops in corrupt.OPERATORS.items()
        },
        unsettled_kinds={
            name: sorted({op.kind for op in ops if not op.settled})
            for name, ops in corrupt.OPERATORS.items()
        },
        estimated_tokens_max=longest,
        estimated_tokens_mean=round(token_sum / max(1, total), 1),
        files={path.name: split for split, path in files.items()},
    )
    (out_dir / "data_card.md").write_text(card.markdown(), encoding="utf-8")
    (out_dir / "data_card.json").write_text(
        json.dumps(asdict(card), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return card


def main(argv: Sequence[str] | None = None) -> int:
    """`structconv tune data --out DIR [--pairs N] [--seed S] [--workers N]`."""
    parser = argparse.ArgumentParser(
        prog="structconv tune data",
        description="Generate training pairs for the repair model (broken text -> JSON of its data).",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("data"), help="output folder (default: data)"
    )
    parser.add_argument("--pairs", type=int, default=30000, help="number of pairs (default: 30000)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default: 2026)")
    parser.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: up to 4)"
    )
    arguments = parser.parse_args(argv)
    if arguments.pairs < 1:
        parser.error("--pairs must be at least 1")
    card = build(arguments.out, arguments.pairs, arguments.seed, workers=arguments.workers)
    print(
        f"{card.pairs:,} pairs from {card.documents:,} documents in {card.seconds:.0f} s -> {arguments.out} "
        f"(train {card.per_split.get('train', 0):,}, dev {card.per_split.get('dev', 0):,}, "
        f"test {card.per_split.get('test', 0):,}; see data_card.md)"
    )
    return 0


__all__ = ["DataCard", "build", "document_pairs", "estimate_tokens", "judge", "main"]
