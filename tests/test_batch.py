from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest

from structconv import UsageError
from structconv.batch import convert_many, output_path, plan_jobs


def _files(directory: Path, count: int, broken: set[int] = frozenset()) -> list[str]:  # type: ignore[assignment]
    paths = []
    for index in range(count):
        path = directory / f"f{index}.json"
        path.write_text("{,}" if index in broken else f'[{{"n": {index}}}]')
        paths.append(str(path))
    return paths


def test_output_path() -> None:
    assert output_path("a/b.yaml", "json", None) == Path("a/b.json")
    assert output_path("a/b.yaml", "json", "out") == Path("out/b.json")


def test_plan_refuses_collisions_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("[]")
    (tmp_path / "a.jsonl").write_text("")
    with pytest.raises(UsageError, match="both be written"):
        plan_jobs(
            [str(tmp_path / "a.json"), str(tmp_path / "a.jsonl")], to="json", out_dir=tmp_path / "o"
        )
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("pool", [None, "threads", "processes"])
def test_one_failure_does_not_stop_the_others(tmp_path: Path, pool: str | None) -> None:
    sources = _files(tmp_path, 40, broken={3, 17})
    jobs = plan_jobs(sources, to="jsonl", out_dir=tmp_path / "out")
    (tmp_path / "out").mkdir()
    seen: list[str] = []
    if pool is None:
        outcomes = convert_many(jobs, on_done=lambda outcome: seen.append(outcome.source))
    else:
        executor_type = ThreadPoolExecutor if pool == "threads" else ProcessPoolExecutor
        with executor_type(max_workers=2) as executor:
            outcomes = convert_many(
                jobs,
                executor=executor,
                chunk_size=3,
                on_done=lambda outcome: seen.append(outcome.source),
            )
    assert [outcome.source for outcome in outcomes] == sources
    assert sorted(seen) == sorted(sources)
    failed = [outcome for outcome in outcomes if not outcome.ok]
    assert [Path(outcome.source).name for outcome in failed] == ["f3.json", "f17.json"]
    assert failed[0].line == 1 and failed[0].column == 2
    assert failed[0].error_line().startswith(f"{sources[3]}:1:2: json: ")
    assert not (tmp_path / "out" / "f3.jsonl").exists()
    assert (tmp_path / "out" / "f5.jsonl").read_text() == '{"n":5}\n'


def test_in_place_with_a_format_change_removes_the_input_only_on_success(tmp_path: Path) -> None:
    good, bad = _files(tmp_path, 2, broken={1})
    outcomes = convert_many(plan_jobs([good, bad], to="jsonl", in_place=True))
    assert [outcome.ok for outcome in outcomes] == [True, False]
    assert not Path(good).exists() and (tmp_path / "f0.jsonl").exists()
    assert Path(bad).read_text() == "{,}"
