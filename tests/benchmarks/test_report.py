"""benchmarks/report.py: reading the benchmarks' markdown and combining it (nothing is run)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from tests.benchmarks.scripts import kept_sys_path, load_script


@pytest.fixture(scope="module")
def report() -> Iterator[ModuleType]:
    with kept_sys_path():
        yield load_script("bench_report", "report.py")


CONVERT = """# structconv conversion benchmark (full size)

## Targets and ratios

| measure | value | target | met |
| --- | ---: | ---: | :---: |
| YAML->JSON: structconv / floor (yaml_rs+orjson) | 1.74 | <= 1.3 | **no** |
| YAML->JSON: PyYAML-C+json / structconv | 8.21 | (> 1: we win) | - |
| CSV->JSON: structconv peak RSS (MB) | 42 | < 100 | yes |
| CSV->JSONL: structconv / Miller | - | <= 1.5 | - |
| TOML->JSON: structconv / floor | 1.11 |  | - |

## Measurements

| conversion | tool | time (s) |
| --- | --- | ---: |
| CSV -> JSON | Miller `mlr --icsv --ojson cat` | 1.2 |
| CSV -> JSON | error: exit 1: a \\| b |
"""

BATCH = """# Batch conversion: 200 small config files to JSON

`--jobs 1` / `--jobs 2`: **1.52x** (median of the rounds: 1.52); best / best 1.52x (target: at least 1.7x)

`--jobs 1` / `--jobs 2` against the machine's ceiling: 1.52x against 1.55x (medians), **98%** of it (median of the rounds' shares: 98%); target: at least 1.7x, or at least 95% of a ceiling below 1.8x: ceiling rule **met**
"""

NORMALIZE = """Normalize benchmark: 100 generated files

| what | files | seconds (best) | files/s | note |
|---|---|---|---|---|
| structconv normalize, all formats | 100 | 1.20 | 83 | |
| structconv-normalize hook, 5 files to fix | 5 | 0.41 | 12 | |
| structconv-normalize hook, 5 files already normal | 5 | 0.30 | 16 | |
"""

REPAIR = (
    "# Repair\n\nstructconv answers that were accepted but wrong: a.json: wrong, b.csv: wrong\n"
)


def test_tables_are_read_by_their_header(report: ModuleType) -> None:
    tables = report.parse_tables(CONVERT)
    assert len(tables) == 2
    assert tables[0][0]["measure"].startswith("YAML->JSON: structconv / floor")
    assert tables[0][0]["met"] == "**no**"
    assert tables[1][1] == {
        "conversion": "CSV -> JSON",
        "tool": "error: exit 1: a | b",
        "time (s)": "",
    }


def test_targets_are_the_bounded_rows_and_the_known_lines(report: ModuleType) -> None:
    found = report.extract_targets("convert", CONVERT)
    assert [(t.measure[:18], t.value, t.target, t.met) for t in found] == [
        ("YAML->JSON: struct", "1.74", "<= 1.3", False),
        ("CSV->JSON: structc", "42", "< 100", True),
        ("CSV->JSONL: struct", "-", "<= 1.5", None),
    ]
    batch, ceiling = report.extract_targets("batch", BATCH)
    assert (batch.value, batch.target, batch.met) == ("1.52", ">= 1.7", False)
    assert (ceiling.value, ceiling.met) == ("98%", True)
    (hook,) = report.extract_targets("normalize", NORMALIZE)
    assert (hook.value, hook.target, hook.met) == ("0.41", "< 1", True)
    (wrong,) = report.extract_targets("repair", REPAIR)
    assert (wrong.value, wrong.met) == ("2", False)
    (none,) = report.extract_targets(
        "repair", "structconv answers that were accepted but wrong: none"
    )
    assert (none.value, none.met) == ("0", True)


def test_options_the_script_lacks_are_dropped_with_their_values(report: ModuleType) -> None:
    arguments = ("--files", "100", "--repeat", "1", "--skip-peers")
    assert report.supported(arguments, {"--repeat", "--skip-peers"}) == [
        "--repeat",
        "1",
        "--skip-peers",
    ]
    assert report.supported(("--quick",), set()) == []


def test_the_combined_report_has_summary_notes_charts_and_sections(
    report: ModuleType, tmp_path: Path
) -> None:
    bench = {b.name: b for b in report.BENCHES}
    outcomes = [
        report.Outcome(bench["convert"], "ok", 61.0, "", CONVERT),
        report.Outcome(bench["batch"], "failed", 3.0, "exit 1: boom", BATCH),
        report.Outcome(
            bench["llm"], "missing", note="skipped: benchmarks/llm_bench.py does not exist"
        ),
    ]
    charts = [("Conversion time against peers", tmp_path / "convert_time.png")]
    text = report.combine(outcomes, ["- machine: test"], charts, "", "2026-11-25", False)
    assert (
        "| convert | YAML->JSON: structconv / floor (yaml_rs+orjson) | 1.74 | <= 1.3 | **no** |"
        in text
    )
    assert "| batch | --jobs 1 / --jobs 2 time | 1.52 | >= 1.7 | **no** |" in text
    assert (
        "| batch | --jobs 2 speed-up as a share of the machine's ceiling | 98% "
        "| >= 1.7x, or >= 95% of a ceiling < 1.8x | yes |" in text
    )
    assert "[convert.md](2026-11-25/convert.md)" in text
    assert "![Conversion time against peers](2026-11-25/convert_time.png)" in text
    assert "**The benchmark failed** (exit 1: boom)" in text
    assert "Not in this report: skipped: benchmarks/llm_bench.py does not exist." in text
    assert "\n### structconv conversion benchmark (full size)\n" in text
    assert "\n#### Targets and ratios\n" in text
