"""Streaming conversions of big files: time and peak RSS against peers, in one run.

    python benchmarks/streaming_bench.py [--quick] [--out FILE.md] [--json FILE.json]

Every structconv row is the command line, `structconv convert SRC --to FMT -o DST`, in a
fresh process, measured like benchmarks/convert_bench.py measures (its launcher: wall
time with start-up, peak RSS of the whole process tree):

- CSV -> JSON Lines, 1,000,000 rows: structconv (one process per CPU, and --workers 1)
  against Miller `mlr --icsv --ojsonl cat`;
- record-like XML (a root holding many <record> elements) -> JSON Lines at 25, 50, 100
  and 200 MB, to show that memory does not grow with the input, beside a floor: lxml
  iterparse + orjson, one line per record, in a loop of a few lines;
- a JSON array of records -> CSV and -> JSON Lines at 50 and 100 MB, against Miller
  (`--ijson --ocsv`, `--ijson --ojsonl`).

--quick makes every input 10x smaller. Inputs are generated deterministically into
benchmarks/data/streaming/ (git-ignored), streamed to disk; the smaller XML and JSON
files are prefixes of the largest (cut at a record, then closed). Every output is
checked: its line (CSV: row) count must be the input's record count, a structconv row
must write the same bytes as the case's first structconv row, and a peer must agree
with structconv on a sample of records (compared loosely: the tools type and space
values differently), so that a fast row cannot be one that did less work.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import filecmp
import io
import json
import re
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import workers  # noqa: E402
from convert_bench import (  # noqa: E402
    INSTALL_MLR,
    MB,
    SEED,
    Row,
    Variant,
    _tool_version,
    _xml_record,
    gen_csv,
    installed_bytecode,
    machine_info,
    make_record,
    measure_rows,
    print_row,
    records,
    results_table,
    row_record,
    write_outputs,
)

DATA = HERE / "data" / "streaming"
# Bump when the generators change, so stale inputs are rebuilt.
GENERATOR_VERSION = "1"
CSV_ROWS = 1_000_000
XML_SIZES_MB = (25, 50, 100, 200)
JSON_SIZES_MB = (50, 100)
SAMPLES = 1000  # records compared between a peer's output and structconv's
FLAT = 1.25  # "flat": peak RSS at the largest input at most this times that at the smallest


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------


def json_record(rng: Any, index: int) -> dict[str, Any]:
    """A record that CSV can hold (a nested mapping, no lists, no nulls), the same keys in
    every record (Miller writes a new CSV header where the keys change)."""
    record = make_record(rng, index, nulls=False)
    del record["tags"], record["orders"]
    record.setdefault("note", "")
    record["note"] = record.pop("note")  # always last
    return record


def write_prefixes(
    paths: Sequence[tuple[Path, int]], head: bytes, tail: bytes, pieces: Iterator[bytes]
) -> dict[str, int]:
    """Write the largest of `paths` (path, size in bytes) from `head`, `pieces` (one a
    record) and `tail`, streamed to disk; each smaller one is the records written before it
    reached its size, closed by `tail`. Returns the records in each file, by name."""
    ordered = sorted(paths, key=lambda item: item[1])
    largest = ordered[-1][0]
    marks: dict[Path, tuple[int, int]] = {}  # path: (bytes, records) of its prefix
    tmp = largest.with_suffix(largest.suffix + ".tmp")
    with tmp.open("wb") as out:
        out.write(head)
        written, count = len(head), 0
        pending = list(ordered)
        while pending:
            piece = next(pieces)
            out.write(piece)
            written += len(piece)
            count += 1
            while pending and written >= pending[0][1]:
                marks[pending.pop(0)[0]] = (written, count)
        out.write(tail)
    for path, _ in ordered[:-1]:
        size, _ = marks[path]
        with tmp.open("rb") as source, path.open("wb") as out:
            remaining = size
            while remaining:
                block = source.read(min(remaining, 1 << 20))
                out.write(block)
                remaining -= len(block)
            out.write(tail)
    tmp.replace(largest)
    return {path.name: marks[path][1] for path, _ in ordered}


def _xml_pieces(seed: int) -> Iterator[bytes]:
    for record in records(seed, nulls=False):
        buffer = io.StringIO()
        _xml_record(buffer, record)
        yield buffer.getvalue().encode()


def _json_pieces(seed: int) -> Iterator[bytes]:
    import random

    rng = random.Random(seed)
    index = 0
    while True:
        index += 1
        text = json.dumps(json_record(rng, index), ensure_ascii=False, indent=2)
        yield (",\n  " if index > 1 else "  ").encode() + text.replace("\n", "\n  ").encode()


@dataclass(frozen=True)
class Inputs:
    csv: Path
    xml: list[Path]  # smallest first
    json: list[Path]
    counts: dict[str, int]  # records per file name


def generate_inputs(quick: bool, force: bool) -> Inputs:
    scale = 10 if quick else 1
    folder = DATA / ("quick" if quick else "full")
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / "manifest.json"
    xml = [(folder / f"records-{size}MB.xml", size * MB // scale) for size in XML_SIZES_MB]
    arrays = [(folder / f"array-{size}MB.json", size * MB // scale) for size in JSON_SIZES_MB]
    rows = CSV_ROWS // scale
    inputs = Inputs(folder / "rows.csv", [p for p, _ in xml], [p for p, _ in arrays], {})
    try:
        known = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    wanted = [inputs.csv, *inputs.xml, *inputs.json]
    if (
        not force
        and known.get("version") == GENERATOR_VERSION
        and all(path.exists() for path in wanted)
    ):
        return Inputs(inputs.csv, inputs.xml, inputs.json, known["counts"])
    for stale in folder.iterdir():
        if stale.is_file():
            stale.unlink()
    counts: dict[str, int] = {}
    started = time.perf_counter()
    gen_csv(inputs.csv, rows, SEED + 5)  # convert_bench's rows.csv
    counts[inputs.csv.name] = rows
    _progress(f"  generated {inputs.csv.name} ({time.perf_counter() - started:.1f} s)")
    started = time.perf_counter()
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n<records>\n'
    counts.update(write_prefixes(xml, head, b"</records>\n", _xml_pieces(SEED + 10)))
    _progress(f"  generated {len(xml)} XML files ({time.perf_counter() - started:.1f} s)")
    started = time.perf_counter()
    counts.update(write_prefixes(arrays, b"[\n", b"\n]\n", _json_pieces(SEED + 11)))
    _progress(f"  generated {len(arrays)} JSON files ({time.perf_counter() - started:.1f} s)")
    manifest.write_text(json.dumps({"version": GENERATOR_VERSION, "counts": counts}, indent=2))
    return Inputs(inputs.csv, inputs.xml, inputs.json, counts)


# --------------------------------------------------------------------------------------
# Checking the outputs
# --------------------------------------------------------------------------------------

_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def loose(value: Any) -> Any:
    """A value as the tools agree on it: text stripped, numbers (and numeric text) as
    floats, booleans as "true"/"false", null as "". Miller keeps 12.50 as written and types
    no booleans; the lxml floor strips text and reads an empty element as null."""
    if isinstance(value, dict):
        return {key: loose(item) for key, item in value.items()}
    if isinstance(value, list):
        return [loose(item) for item in value]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    return float(text) if _NUMBER.fullmatch(text) else text


def _jsonl_records(path: Path) -> Iterator[Any]:
    import orjson

    with path.open("rb") as stream:
        for line in stream:
            if line.strip():
                yield orjson.loads(line)


def _csv_records(path: Path) -> Iterator[Any]:
    with path.open(encoding="utf-8", newline="") as stream:
        yield from csv.DictReader(stream)


def check_output(
    path: Path, target: str, count: int, reference: Path | None, same_bytes: bool
) -> str | None:
    """None when `path` holds `count` records and agrees with `reference` (its bytes, when
    `same_bytes`, or else a sample of records compared loosely); otherwise what is wrong."""
    if same_bytes and reference is not None:
        return None if filecmp.cmp(path, reference, shallow=False) else "not the same bytes"
    read = _csv_records if target == "csv" else _jsonl_records
    every = max(1, count // SAMPLES)
    seen = 0
    others: Iterator[Any] = read(reference) if reference is not None else iter(())
    for index, (mine, other) in enumerate(zip_longest(read(path), others)):
        if mine is None:
            break
        seen += 1
        if reference is not None and index % every == 0 and loose(mine) != loose(other):
            return f"record {index + 1} differs from structconv's"
    return None if seen == count else f"{seen:,} records, not {count:,}"


# --------------------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------------------


@dataclass
class Case:
    key: str  # csv2jsonl, xml2jsonl, json2csv, json2jsonl
    title: str
    source: Path
    target: str
    records: int
    variants: list[Variant]

    @property
    def size_mb(self) -> float:
        return self.source.stat().st_size / MB


def structconv_command() -> list[str]:
    script = Path(sys.executable).parent / "structconv"
    return [str(script)] if script.exists() else [sys.executable, "-m", "structconv"]


def ours(target: str, *extra: str) -> Variant:
    label = " ".join(["structconv convert", *extra])

    def command(src: Path, dst: Path) -> list[str]:
        return [*structconv_command(), "convert", str(src), "--to", target, "-o", str(dst), *extra]

    return Variant(label, command=command)


def mlr(binary: str | None, flags: str) -> Variant:
    label = f"Miller `mlr {flags} cat`"
    if binary is None:
        return Variant(label, missing=f"not installed ({INSTALL_MLR})", compare=False)

    def command(src: Path, dst: Path) -> list[str]:
        return [binary, *flags.split(), "cat", str(src)]

    return Variant(label, command=command, stdout_to_output=True, compare=False)


def floor(worker: str, label: str) -> Variant:
    def command(src: Path, dst: Path) -> list[str]:
        return workers.command(worker, str(src), str(dst))

    return Variant(label, command=command, compare=False)


def build_cases(inputs: Inputs, miller: str | None) -> list[Case]:
    def title(name: str, path: Path) -> str:
        count = inputs.counts[path.name]
        return f"{name}, {_mb(path.stat().st_size / MB)} MB ({count:,} records)"

    cases = [
        Case(
            "csv2jsonl",
            title("CSV -> JSONL", inputs.csv),
            inputs.csv,
            "jsonl",
            inputs.counts[inputs.csv.name],
            [ours("jsonl"), ours("jsonl", "--workers", "1"), mlr(miller, "--icsv --ojsonl")],
        )
    ]
    for path in inputs.xml:
        floor_row = floor("lxml_iterparse_jsonl", "floor: lxml iterparse + orjson per record")
        cases.append(
            Case(
                "xml2jsonl",
                title("XML -> JSONL", path),
                path,
                "jsonl",
                inputs.counts[path.name],
                [ours("jsonl"), floor_row],
            )
        )
    for target, flags in (("csv", "--ijson --ocsv"), ("jsonl", "--ijson --ojsonl")):
        for path in inputs.json:
            cases.append(
                Case(
                    f"json2{target}",
                    title(f"JSON -> {target.upper()}", path),
                    path,
                    target,
                    inputs.counts[path.name],
                    [ours(target), mlr(miller, flags)],
                )
            )
    return cases


def run_case(case: Case, repeat: int, repeat_budget: float, timeout: float) -> list[Row]:
    """Measure every variant (benchmarks.convert_bench.measure_rows), then check each
    output; the first structconv output that passes is the case's reference."""
    out_dir = DATA / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = [Row(case.title, variant) for variant in case.variants]
    outputs = [out_dir / f"{case.key}-{number}.{case.target}" for number in range(len(rows))]
    measure_rows(rows, outputs, case.source, repeat, repeat_budget, timeout)
    reference: Path | None = None
    for row, dst in zip(rows, outputs, strict=True):
        print_row(case.key, row)
        if not row.ok or not dst.exists():
            continue
        row.output_mb = dst.stat().st_size / MB
        ours_row = row.variant.label.startswith("structconv")
        problem = check_output(dst, case.target, case.records, reference, ours_row)
        row.same = problem is None
        if problem:
            _progress(f"    check failed: {problem}")
        if reference is None and ours_row and problem is None:
            reference = dst.rename(out_dir / f"{case.key}-reference.{case.target}")
        else:
            dst.unlink()
    if reference is not None:
        reference.unlink()
    return rows


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------


@dataclass
class Measured:
    case: Case
    rows: list[Row]

    def row(self, label_start: str) -> Row | None:
        for row in self.rows:
            if row.variant.label.startswith(label_start) and row.ok and row.same is not False:
                return row
        return None


def _mb(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def _ratio(mine: Row | None, other: Row | None) -> float | None:
    if mine is None or other is None or mine.seconds is None or other.seconds is None:
        return None
    return mine.seconds / other.seconds


def _peak(row: Row | None) -> float | None:
    return None if row is None else row.peak_mb


def _grown(values: list[float | None]) -> float | None:
    """Peak RSS at the largest input over that at the smallest."""
    if len(values) < 2 or values[0] is None or values[-1] is None:
        return None
    return values[-1] / values[0]


def targets(measured: list[Measured]) -> list[tuple[str, float | None, str, str, bool | None]]:
    """(measure, value, format, target, met) of the summary table."""
    result: list[tuple[str, float | None, str, str, bool | None]] = []
    ours_label = "structconv convert"

    def add(name: str, value: float | None, spec: str, target: str, met: bool | None) -> None:
        result.append((name, value, spec, target, None if value is None else met))

    for item in (m for m in measured if m.case.key == "csv2jsonl"):
        mine = next(
            (r for r in item.rows if r.variant.label == ours_label and r.ok and r.same), None
        )
        ratio = _ratio(mine, item.row("Miller"))
        rows = f"{item.case.records:,} rows"
        add(
            f"CSV->JSONL ({rows}): structconv / Miller", ratio, ".2f", "<= 1.5", (ratio or 0) <= 1.5
        )
        peak = _peak(mine)
        add(
            f"CSV->JSONL ({rows}): structconv peak RSS (MB)",
            peak,
            ".0f",
            "< 100",
            (peak or 0) < 100,
        )
        one = _ratio(item.row(ours_label + " --workers 1"), item.row("Miller"))
        add(f"CSV->JSONL ({rows}): structconv --workers 1 / Miller", one, ".2f", "", None)
    for key, name, peer, most in (
        ("xml2jsonl", "XML->JSONL", "floor", 2.0),
        ("json2csv", "JSON->CSV", "Miller", 1.0),
        ("json2jsonl", "JSON->JSONL", "Miller", None),
    ):
        items = [m for m in measured if m.case.key == key]
        if not items:
            continue
        peaks = [_peak(item.row(ours_label)) for item in items]
        sizes = f"{_mb(items[-1].case.size_mb)} MB / {_mb(items[0].case.size_mb)} MB"
        grown = _grown(peaks)
        add(
            f"{name}: structconv peak RSS, {sizes} input",
            grown,
            ".2f",
            f"<= {FLAT} (flat)",
            (grown or 0) <= FLAT,
        )
        largest = items[-1]
        at = f"{name} ({_mb(largest.case.size_mb)} MB)"
        add(f"{at}: structconv peak RSS (MB)", _peak(largest.row(ours_label)), ".0f", "", None)
        ratio = _ratio(largest.row(ours_label), largest.row(peer))
        bound = "" if most is None else f"<= {most}"
        met = None if most is None else (ratio or 0) <= most
        add(f"{at}: structconv / {peer}", ratio, ".2f", bound, met)
    return result


def summary_table(measured: list[Measured]) -> list[str]:
    lines = ["| measure | value | target | met |", "| --- | ---: | ---: | :---: |"]
    for name, value, spec, target, met in targets(measured):
        shown = "-" if value is None else format(value, spec)
        verdict = "-" if met is None or not target else ("yes" if met else "**no**")
        lines.append(f"| {name} | {shown} | {target} | {verdict} |")
    return lines


def report(measured: list[Measured], info: list[str], quick: bool) -> str:
    size = "quick: inputs 10x smaller" if quick else "full size"
    rows = [row for item in measured for row in item.rows]
    lines = [
        f"# structconv streaming benchmark ({size})",
        "",
        *info,
        "",
        "Every structconv row is `structconv convert SRC --to FMT -o DST` in a fresh process."
        " Time: wall seconds, start-up included, best of the runs; the rows of a conversion run in"
        " rounds, each once per round, so each has as many runs, taken over the same minutes. CPU: user + system seconds"
        " of the process and its children. Peak RSS: the largest over the runs; for a command"
        " that runs several processes, the sum of each one's peak. 'same data': the output"
        " holds the input's record count (its lines; CSV: its rows) and a structconv row"
        " writes the same bytes as the case's first one, a peer agrees with it on a sample"
        f" of about {SAMPLES:,} records spread over the file (loosely: text stripped, numbers"
        " by value, booleans as text, null as empty). Ratios are of wall times; 'flat' compares the"
        " peak RSS at the largest input with the smallest.",
        "",
        "## Targets and ratios",
        "",
        *summary_table(measured),
        "",
        "## Measurements",
        "",
        *results_table(rows),
        "",
    ]
    return "\n".join(lines)


def payload(measured: list[Measured], quick: bool) -> dict[str, Any]:
    rows = []
    for item in measured:
        for row in item.rows:
            record = row_record(row)
            record.update(
                key=item.case.key, size_mb=round(item.case.size_mb, 1), records=item.case.records
            )
            rows.append(record)
    return {"bench": "streaming", "quick": quick, "rows": rows}


# --------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="inputs 10x smaller")
    parser.add_argument("--out", type=Path, help="also write the markdown report here")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        choices=["csv2jsonl", "xml2jsonl", "json2csv", "json2jsonl"],
        help="run only these cases; repeatable",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best of)")
    parser.add_argument(
        "--repeat-budget",
        type=float,
        default=30.0,
        help="stop repeating a measurement once its runs took this many seconds",
    )
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="seconds before one run is killed"
    )
    parser.add_argument("--regenerate", action="store_true", help="rebuild the inputs")
    args = parser.parse_args(argv)

    with installed_bytecode():
        return _measure_all(args)


def _measure_all(args: argparse.Namespace) -> int:
    _progress("generating inputs ...")
    inputs = generate_inputs(args.quick, args.regenerate)
    miller = shutil.which("mlr")
    info = [line for line in machine_info(None, miller) if not line.startswith("- peers:")]
    info.append(
        f"- peers: Miller {_tool_version([miller, '--version']) if miller else 'not installed'}"
    )
    measured: list[Measured] = []
    for case in build_cases(inputs, miller):
        if args.only and case.key not in args.only:
            continue
        _progress(f"{case.title}: {case.source.name}")
        measured.append(
            Measured(case, run_case(case, args.repeat, args.repeat_budget, args.timeout))
        )
    text = report(measured, info, args.quick)
    write_outputs(text, args.out, args.json, payload(measured, args.quick))
    failed = any(row.same is False for item in measured for row in item.rows)
    return 1 if failed else 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
