"""Repair accuracy on the golden corpus, structconv beside its peers, in one run.

    python benchmarks/repair_bench.py [--out FILE.md] [--json FILE.json] [--mode rules|auto]

Every case of tests/golden/malformed/<format>/ goes through structconv (repair rules
by default) and, where a peer exists for the format, through the peer:
json_repair (JSON, JSON Lines), CleverCSV (CSV: its dialect detection and table
reading), lxml's recover mode (XML). Each answer is scored against the case's
expected file (tests/golden/README.md):

- exact: the answer's data equals the intended data;
- wrong: an answer was given and its data differs (for structconv this must be 0:
  a wrong answer must be refused or marked ambiguous instead);
- refused / ambiguous: no answer (structconv only marks ambiguity);
- accepted a refusal case: the peer answered where the corpus says no answer is right.

Peers map into structconv's data model so that only the repair is compared: the
CleverCSV table and the lxml tree are written back as strict CSV/XML and read by
structconv with repair off (same typing, same conventions).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "golden" / "malformed"
EXPECTED_SUFFIX = ".expected.json"
sys.path.insert(0, str(ROOT))

from structconv import AmbiguousInput, StructconvError, convert  # noqa: E402


@dataclass(frozen=True)
class Case:
    path: Path
    format: str
    outcome: str
    data: Any


@dataclass(frozen=True)
class Answer:
    kind: str  # "data", "refused", "ambiguous"
    data: Any = None
    candidates: tuple[Any, ...] = ()


def load_corpus() -> list[Case]:
    cases = []
    for path in sorted(CORPUS.glob("*/*")):
        if path.name.endswith(EXPECTED_SUFFIX) or path.suffix == ".md":
            continue
        expected = json.loads(
            path.with_name(path.name.rsplit(".", 1)[0] + EXPECTED_SUFFIX).read_text("utf-8")
        )
        cases.append(Case(path, path.parent.name, expected["outcome"], expected.get("data")))
    return cases


def as_json(data: Any) -> Any:
    """The data as JSON holds it (dates as ISO strings), as the expected files hold it."""
    return json.loads(json.dumps(data, default=lambda value: value.isoformat()))


def strict_data(text: str, format: str) -> Any:
    return as_json(convert(text, src=format, to="json", repair="off").data)


# --- the tools --------------------------------------------------------------------------


def structconv_answer(case: Case, mode: str) -> Answer:
    try:
        result = convert(case.path.read_bytes(), src=case.format, to="json", repair=mode)
    except AmbiguousInput as ambiguous:
        readings = tuple(as_json(c.data) for c in ambiguous.ambiguity.candidates)
        return Answer("ambiguous", candidates=readings)
    except StructconvError:
        return Answer("refused")
    return Answer("data", json.loads(result.text))


def json_repair_answer(case: Case) -> Answer:
    import json_repair

    text = case.path.read_bytes().decode("utf-8", errors="replace")
    try:
        data = json_repair.loads(text)
    except Exception:
        return Answer("refused")
    if data == "" and text.strip():
        return Answer("refused")  # json_repair's way of saying it found nothing
    return Answer("data", as_json(data))


def clevercsv_answer(case: Case) -> Answer:
    import clevercsv

    try:
        rows = clevercsv.read_table(str(case.path))
    except Exception:
        return Answer("refused")
    if not rows:
        return Answer("refused")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    try:
        return Answer("data", strict_data(buffer.getvalue(), "csv"))
    except StructconvError:
        return Answer("refused")


def lxml_recover_answer(case: Case) -> Answer:
    from lxml import etree

    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(case.path.read_bytes(), parser)
    except etree.XMLSyntaxError:
        return Answer("refused")
    if root is None:
        return Answer("refused")
    try:
        return Answer("data", strict_data(etree.tostring(root, encoding="unicode"), "xml"))
    except StructconvError:
        return Answer("refused")


PEERS: dict[str, tuple[str, Callable[[Case], Answer]]] = {
    "json": ("json_repair", json_repair_answer),
    "jsonl": ("json_repair", json_repair_answer),
    "csv": ("CleverCSV", clevercsv_answer),
    "xml": ("lxml recover", lxml_recover_answer),
}


# --- scoring ----------------------------------------------------------------------------


def score(case: Case, answer: Answer) -> str:
    if answer.kind == "data":
        if case.outcome == "refused":
            return "accepted a refusal case"
        return "exact" if answer.data == case.data else "wrong"
    if answer.kind == "ambiguous":
        return (
            "ambiguous, intended reading offered" if case.data in answer.candidates else "ambiguous"
        )
    return "refused"


COLUMNS = (
    "exact",
    "wrong",
    "refused",
    "ambiguous, intended reading offered",
    "ambiguous",
    "accepted a refusal case",
)


def table(rows: list[tuple[str, str, Counter[str], int, float]]) -> str:
    header = "| format | tool | cases | exact match | " + " | ".join(COLUMNS[1:]) + " | time |"
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for format, tool, counts, total, seconds in rows:
        answerable = total - counts["refused-expected"]
        rate = (
            f"{counts['exact']}/{answerable} ({counts['exact'] / answerable:.0%})"
            if answerable
            else "-"
        )
        cells = [str(counts[column]) for column in COLUMNS[1:]]
        lines.append(
            f"| {format} | {tool} | {total} | {rate} | "
            + " | ".join(cells)
            + f" | {seconds:.2f} s |"
        )
    return "\n".join(lines)


def row_record(
    format: str, tool: str, counts: Counter[str], total: int, seconds: float
) -> dict[str, Any]:
    """A row of the table as --json writes it: the counts per verdict."""
    answerable = total - counts["refused-expected"]
    return {
        "format": format,
        "tool": tool,
        "cases": total,
        "answerable": answerable,
        **{column: counts[column] for column in COLUMNS},
        "seconds": seconds,
    }


def run(mode: str) -> tuple[str, list[dict[str, Any]]]:
    """The markdown report, and its rows for --json."""
    cases = load_corpus()
    by_format: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        by_format[case.format].append(case)
    rows = []
    wrong_ours: list[str] = []
    for format in sorted(by_format):
        group = by_format[format]
        tools: list[tuple[str, Callable[[Case], Answer]]] = [
            (f"structconv ({mode})", lambda case: structconv_answer(case, mode))
        ]
        if format in PEERS:
            tools.append(PEERS[format])
        for tool, answer_of in tools:
            counts: Counter[str] = Counter()
            started = time.perf_counter()
            for case in group:
                verdict = score(case, answer_of(case))
                counts[verdict] += 1
                counts["refused-expected"] += case.outcome == "refused"
                if tool.startswith("structconv") and verdict in (
                    "wrong",
                    "accepted a refusal case",
                ):
                    wrong_ours.append(f"{case.path.relative_to(ROOT)}: {verdict}")
            rows.append((format, tool, counts, len(group), time.perf_counter() - started))
    outcomes = Counter(case.outcome for case in cases)
    report = [
        "# Repair accuracy on the golden corpus",
        "",
        f"{len(cases)} cases ({', '.join(f'{count} {name}' for name, count in sorted(outcomes.items()))}); "
        "exact match counts the cases that have intended data (repaired and ambiguous ones).",
        "",
        table(rows),
        "",
        "structconv answers that were accepted but wrong: "
        + (", ".join(wrong_ours) if wrong_ours else "none"),
    ]
    return "\n".join(report) + "\n", [row_record(*row) for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="also write the report here")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument("--mode", default="rules", choices=["rules", "auto", "llm"])
    arguments = parser.parse_args()
    report, rows = run(arguments.mode)
    print(report)
    if arguments.out:
        arguments.out.parent.mkdir(parents=True, exist_ok=True)
        arguments.out.write_text(report, encoding="utf-8")
    if arguments.json:
        payload = {"bench": "repair", "mode": arguments.mode, "rows": rows}
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        arguments.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
