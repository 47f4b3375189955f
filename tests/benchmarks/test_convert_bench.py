"""benchmarks/convert_bench.py: the rows of a case are measured in rounds, the same number
of runs each, so that a ratio compares a best of N with a best of N taken alike."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from tests.benchmarks.scripts import kept_sys_path, load_script


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    with kept_sys_path():
        yield load_script("bench_convert", "convert_bench.py")


def _appending(log: Path, name: str, code: int = 0) -> list[str]:
    """A command that notes its run in `log`, then exits with `code`."""
    script = f"open({str(log)!r}, 'a').write({name!r}); raise SystemExit({code})"
    return [sys.executable, "-c", script]


def _plan(bench: ModuleType, tmp_path: Path, name: str, argv: list[str]) -> object:
    return bench.Planned(bench.Row("case", bench.Variant(name)), argv, tmp_path / f"{name}.out")


def test_rows_run_in_rotated_rounds_and_one_that_fails_leaves(
    bench: ModuleType, tmp_path: Path
) -> None:
    log = tmp_path / "log"
    planned = [
        _plan(bench, tmp_path, "a", _appending(log, "a")),
        _plan(bench, tmp_path, "b", _appending(log, "b", code=3)),
        _plan(bench, tmp_path, "c", _appending(log, "c")),
    ]
    bench.measure_rows(planned, repeat=3, repeat_budget=600.0, timeout=60.0)
    assert log.read_text() == "abc" + "ca" + "ca"  # each round starts one row further on
    runs = [plan.row.runs for plan in planned]
    assert [len(row_runs) for row_runs in runs] == [3, 1, 3]
    assert runs[1][0].error is not None and runs[1][0].error.startswith("exit 3")
    assert all(run.error is None for run in runs[0] + runs[2])


def test_no_round_starts_past_the_budget(bench: ModuleType, tmp_path: Path) -> None:
    log = tmp_path / "log"
    planned = [_plan(bench, tmp_path, name, _appending(log, name)) for name in "ab"]
    bench.measure_rows(planned, repeat=5, repeat_budget=0.0, timeout=60.0)
    assert log.read_text() == "ab"  # the first round always runs, every row in it
