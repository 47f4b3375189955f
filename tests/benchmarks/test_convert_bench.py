"""benchmarks/convert_bench.py: the rows of a case are measured in rounds, the same number
of runs each, so that a ratio compares a best of N with a best of N taken alike."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

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


def _row(bench: ModuleType, name: str, argv: list[str]) -> Any:
    return bench.Row("case", bench.Variant(name, command=lambda src, dst: argv))


def _measure(bench: ModuleType, tmp_path: Path, rows: list[Any], **settings: float) -> None:
    outputs = [tmp_path / f"{number}.out" for number in range(len(rows))]
    bench.measure_rows(rows, outputs, tmp_path / "source", timeout=60.0, **settings)


def test_rows_run_in_rotated_rounds_and_one_that_fails_leaves(
    bench: ModuleType, tmp_path: Path
) -> None:
    log = tmp_path / "log"
    rows = [
        _row(bench, "a", _appending(log, "a")),
        _row(bench, "b", _appending(log, "b", code=3)),
        _row(bench, "c", _appending(log, "c")),
        bench.Row("case", bench.Variant("d", missing="not installed")),
    ]
    _measure(bench, tmp_path, rows, repeat=3, repeat_budget=600.0)
    # Each round starts one row further on; each timed run follows an untimed one of the
    # same command (the failing row fails in its untimed run and leaves).
    assert log.read_text() == "aabcc" + "ccaa" + "ccaa"
    runs = [row.runs for row in rows]
    assert [len(row_runs) for row_runs in runs] == [3, 1, 3, 0]
    assert runs[1][0].error is not None and runs[1][0].error.startswith("exit 3")
    assert all(run.error is None for run in runs[0] + runs[2])


def test_no_round_starts_past_the_budget(bench: ModuleType, tmp_path: Path) -> None:
    log = tmp_path / "log"
    rows = [_row(bench, name, _appending(log, name)) for name in "ab"]
    _measure(bench, tmp_path, rows, repeat=5, repeat_budget=0.0)
    assert log.read_text() == "aabb"  # the first round always runs, every row in it


def test_a_long_row_gets_no_untimed_run_after_its_first(
    bench: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "log"
    rows = [_row(bench, name, _appending(log, name)) for name in "ab"]
    monkeypatch.setattr(bench, "WARM_UP_BELOW", 0.0)  # every run counts as long
    _measure(bench, tmp_path, rows, repeat=3, repeat_budget=600.0)
    assert log.read_text() == "aabb" + "ba" + "ab"
