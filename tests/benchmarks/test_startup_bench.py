"""benchmarks/startup_bench.py: its ratio table, as benchmarks/report.py reads the targets
from it (no command is run)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from tests.benchmarks.scripts import kept_sys_path, load_script


@pytest.fixture(scope="module")
def modules() -> Iterator[tuple[ModuleType, ModuleType]]:
    with kept_sys_path():
        yield (
            load_script("bench_startup", "startup_bench.py"),
            load_script("bench_report_for_startup", "report.py"),
        )


def test_the_ratios_are_targets_for_the_report_and_the_before_rows_are_not(
    modules: tuple[ModuleType, ModuleType],
) -> None:
    bench, report = modules

    def timed(name: str, seconds: float, root: Path | None = None) -> object:
        command = bench.Command(name, ["true"], root=root or bench.ROOT)
        command.seconds[:] = [seconds, seconds * 1.1, seconds * 0.9]
        command.cpu[:] = [seconds / 2] * 3
        return command

    commands = [
        timed("structconv convert small.yaml --to json -o out.json", 0.060),
        timed("floor: yaml_rs.loads + orjson.dumps", 0.040),
        timed("structconv-check small.yaml", 0.030),
        timed("structconv-check --no-cache small.yaml", 0.060),
        timed("floor: parse small.yaml", 0.030),
        timed("structconv convert small.yaml --to json -o out.json [before]", 0.120),
    ]
    lines, rows = bench.results(commands, "cached")
    targets = {
        target.measure: target for target in report.extract_targets("startup", "\n".join(lines))
    }
    convert = targets["convert small.yaml --to json / floor (cached)"]
    assert (convert.value, convert.target, convert.met) == ("1.50", "<= 1.5", True)
    check = targets["structconv-check small.yaml, read / bare parse (cached)"]
    assert (check.value, check.met) == ("2.00", False)
    check = targets["structconv-check small.yaml, remembered / bare parse (cached)"]
    assert (check.value, check.met) == ("1.00", True)
    assert not any("[before]" in measure for measure in targets)
    before = [row for row in rows if row.get("measure", "").endswith("[before]")]
    assert [round(row["ratio"], 2) for row in before] == [3.0]


def test_each_checkout_keeps_its_own_hook_memory(
    modules: tuple[ModuleType, ModuleType], tmp_path: Path
) -> None:
    """One verdict a file, for the installation that gave it: with --before, a shared
    memory would be overwritten by each checkout in turn, and "remembered" never met."""
    bench, _ = modules
    cache = tmp_path / "pycache-cached"
    ours = bench.environment("cached", cache)
    before = bench.environment("cached", cache, tmp_path / "before")
    assert ours["STRUCTCONV_CACHE_DIR"] != before["STRUCTCONV_CACHE_DIR"]
    assert ours["PYTHONPYCACHEPREFIX"] == before["PYTHONPYCACHEPREFIX"] == str(cache)


def test_the_instruction_count_is_read_from_callgrinds_summary(
    modules: tuple[ModuleType, ModuleType],
) -> None:
    bench, _ = modules
    report = (
        "==4711== Events    : Ir\n==4711== Collected : 101597905\n==4711==\n==4711== I   refs: x"
    )
    assert bench.collected_instructions(report) == 101_597_905
    assert bench.collected_instructions("valgrind: command not found") is None
