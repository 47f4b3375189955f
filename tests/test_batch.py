from __future__ import annotations

import os
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from structconv import UsageError
from structconv.batch import convert_many, plan_jobs


def _files(directory: Path, count: int, broken: set[int] = frozenset()) -> list[str]:  # type: ignore[assignment]
    paths = []
    for index in range(count):
        path = directory / f"f{index}.json"
        path.write_text("{,}" if index in broken else f'[{{"n": {index}}}]')
        paths.append(str(path))
    return paths


def test_outputs_take_the_target_suffix_beside_the_input_or_in_the_folder() -> None:
    assert plan_jobs(["a/b.yaml"], to="json", in_place=True)[0].output == "a/b.json"
    assert plan_jobs(["a/b.yaml"], to="json", out_dir="out")[0].output == "out/b.json"


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


def test_a_chunk_puts_its_outputs_in_place_together_then_removes_the_inputs(
    tmp_path: Path,
) -> None:
    """What a Dask worker runs: outputs whole, synced once, renamed; inputs gone after."""
    from structconv.batch import run_jobs

    good, bad, other = _files(tmp_path, 3, broken={1})
    outcomes = run_jobs(plan_jobs([good, bad, other], to="jsonl", in_place=True))
    assert [outcome.ok for outcome in outcomes] == [True, False, True]
    assert not Path(good).exists() and not Path(other).exists()
    assert Path(bad).read_text() == "{,}"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["f0.jsonl", "f1.json", "f2.jsonl"]


# --- on a Dask cluster --------------------------------------------------------------------

try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # the test below is skipped then
    WorkerPlugin = object


class _LikeTheTestProcess(WorkerPlugin):  # type: ignore[misc,valid-type]
    """Set up each Dask worker (a restarted one too) as tests/conftest.py sets up this
    process: no repair model. And a file named crash.json kills its worker, after leaving
    a temporary file beside its output as an atomic write in progress would."""

    def setup(self, worker: object) -> None:
        from structconv import batch
        from structconv.repair import model_repair
        from tests.conftest import _no_model

        model_repair._load = _no_model
        convert_file = batch.convert_file

        def crashing(source: str, **settings: object) -> object:
            if Path(source).name == "crash.json":
                output = Path(str(settings["out"]))
                output.with_name(f".{output.name}.x1y2.tmp").write_text("half")
                os._exit(1)
            return convert_file(source, **settings)  # type: ignore[arg-type]

        batch.convert_file = crashing  # type: ignore[assignment]


_CLEAN = {
    "json": '{"name": "svc-%d", "port": %d, "tags": ["a", "b"]}',
    "yaml": "name: svc-%d\nport: %d\nlimits:\n  cpu: 2\n",
    "toml": 'name = "svc-%d"\nport = %d\n[limits]\ncpu = 2\n',
    "csv": "id,name\n%d,a\n%d,b\n",
    "xml": '<service name="svc-%d"><port>%d</port></service>',
}
_BROKEN = {  # what the rules repair, and what they cannot (the model is not installed)
    "comma.json": ('{"name": "svc-%d", "port": %d,}', True),
    "tabs.yaml": ("name: svc-%d\nlimits:\n\tport: %d\n", True),
    "closer.json": ('{"ports": [%d, %d}', True),
    "garbled.json": ('{"name": "svc-%d", "port": %d, "ok": tru}', False),
    "twice.toml": ("port = %d\nport = %d\n", False),
}


def _mixed_files(directory: Path) -> list[str]:
    """300 small files: clean ones of every format, broken ones, and crash.json."""
    directory.mkdir()
    paths = []
    for index in range(250):
        suffix = list(_CLEAN)[index % len(_CLEAN)]
        path = directory / f"clean{index:03d}.{suffix}"
        path.write_text(_CLEAN[suffix] % (index, 1000 + index), encoding="utf-8")
        paths.append(path)
    for index in range(49):
        name, (text, _) = list(_BROKEN.items())[index % len(_BROKEN)]
        path = directory / f"broken{index:02d}-{name}"
        path.write_text(text % (index, 2000 + index), encoding="utf-8")
        paths.append(path)
    (directory / "crash.json").write_text("{}", encoding="utf-8")
    paths.insert(100, directory / "crash.json")
    return [str(path.relative_to(directory.parent)) for path in paths]


def test_a_batch_on_a_dask_cluster_reports_each_file_as_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real LocalCluster (worker processes on loopback): every file's outcome, fixes and
    confidence as converting in this process gives them, the same output bytes, no
    partial file; a worker killed by one file costs that file only."""
    distributed = pytest.importorskip("distributed")
    import dask

    sources = _mixed_files(tmp_path / "in")
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        client.register_plugin(_LikeTheTestProcess())
        # Relative paths, from a directory the workers were not started in.
        monkeypatch.chdir(tmp_path)
        jobs = plan_jobs(sources, to="json", out_dir="dask")
        Path("dask").mkdir()
        outcomes = convert_many(jobs, executor=client.get_executor(pure=False))
    here_jobs = plan_jobs(
        [source for source in sources if "crash" not in source], to="json", out_dir="here"
    )
    Path("here").mkdir()
    here = {outcome.source: outcome for outcome in convert_many(here_jobs)}

    assert [outcome.source for outcome in outcomes] == sources
    crashed = outcomes[100]
    assert crashed.source == "in/crash.json" and not crashed.ok
    assert crashed.error is not None and crashed.error.startswith("the worker failed:")
    for outcome in outcomes[:100] + outcomes[101:]:
        expected = here[outcome.source]
        assert (outcome.ok, outcome.error, outcome.line, outcome.column) == (
            expected.ok,
            expected.error,
            expected.line,
            expected.column,
        ), outcome.source
        assert outcome.fixes == expected.fixes and outcome.confidence == expected.confidence
        assert outcome.output == (
            str(Path("dask", Path(outcome.source).stem + ".json")) if outcome.ok else None
        )
    repaired = [outcome for outcome in outcomes if outcome.ok and outcome.fixes]
    refused = [outcome for outcome in outcomes if not outcome.ok and outcome is not crashed]
    assert len(repaired) == 30 and all(0 < outcome.confidence < 1 for outcome in repaired)
    assert len(refused) == 19
    assert all("repair model is not installed" in str(outcome.error) for outcome in refused)
    assert sum(outcome.ok for outcome in outcomes) == 280
    # The same bytes as converted here; nothing for the failures, no temporary file.
    written = sorted(path.name for path in Path("dask").iterdir())
    assert written == sorted(path.name for path in Path("here").iterdir())
    assert len(written) == 280
    for name in written:
        assert (Path("dask") / name).read_bytes() == (Path("here") / name).read_bytes()


class _DiesOnFirstChunk(ThreadPoolExecutor):
    """A pool whose first task dies as a killed worker would: its chunk's first output
    written beside its target, not yet renamed."""

    def __init__(self) -> None:
        super().__init__(max_workers=1)
        self.first = True

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        if not self.first:
            return super().submit(fn, *args, **kwargs)
        self.first = False
        target = Path(args[0][0].output)
        (target.parent / f".{target.name}.x1.tmp").write_text("half")
        died: Future[Any] = Future()
        died.set_exception(RuntimeError("worker killed"))
        return died


def test_a_chunk_whose_worker_died_leaves_no_temporary_file(tmp_path: Path) -> None:
    sources = _files(tmp_path, 4)
    (tmp_path / "out").mkdir()
    with _DiesOnFirstChunk() as pool:
        jobs = plan_jobs(sources, to="jsonl", out_dir=str(tmp_path / "out"))
        outcomes = convert_many(jobs, executor=pool, chunk_size=2)
    assert all(outcome.ok for outcome in outcomes)
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [
        "f0.jsonl",
        "f1.jsonl",
        "f2.jsonl",
        "f3.jsonl",
    ]


def test_a_written_chunk_is_in_place_only_once_committed_and_settled(tmp_path: Path) -> None:
    """What a worker on this machine runs: outputs whole beside their targets; the batch's
    own process syncs and renames them, then removes the inputs --in-place replaced."""
    from structconv.atomic import commit_writes
    from structconv.batch import settle, write_jobs

    good, bad = _files(tmp_path, 2, broken={1})
    jobs = plan_jobs([good, bad], to="jsonl", in_place=True)
    chunk = write_jobs(jobs, str(tmp_path.parent))
    assert [outcome.ok for outcome in chunk.outcomes] == [True, False]
    assert [target for _, target in chunk.writes] == [str(tmp_path / "f0.jsonl")]
    assert not (tmp_path / "f0.jsonl").exists() and Path(good).exists()
    outcomes = settle(jobs, chunk.outcomes, commit_writes(chunk.writes), str(tmp_path.parent))
    assert [outcome.ok for outcome in outcomes] == [True, False]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["f0.jsonl", "f1.json"]


@pytest.mark.parametrize("pool", [None, "threads", "processes"])
def test_an_output_that_cannot_be_put_in_place_fails_its_file_alone(
    tmp_path: Path, pool: str | None
) -> None:
    sources = _files(tmp_path, 6)
    out = tmp_path / "out"
    (out / "f2.jsonl").mkdir(parents=True)
    (out / "f2.jsonl" / "keep").write_text("")  # a non-empty directory is never replaced
    jobs = plan_jobs(sources, to="jsonl", out_dir=out)
    if pool is None:
        outcomes = convert_many(jobs, chunk_size=2)
    else:
        executor_type = ThreadPoolExecutor if pool == "threads" else ProcessPoolExecutor
        with executor_type(max_workers=2) as executor:
            outcomes = convert_many(jobs, executor=executor, chunk_size=2)
    assert [outcome.ok for outcome in outcomes] == [True, True, False, True, True, True]
    assert outcomes[2].output is None and outcomes[2].error_kind == "IsADirectoryError"
    assert sorted(path.name for path in out.iterdir()) == [f"f{index}.jsonl" for index in range(6)]


@pytest.mark.parametrize("pool", [None, "processes"])
def test_an_interrupted_batch_leaves_no_temporary_file(tmp_path: Path, pool: str | None) -> None:
    """Chunks written but not yet reported, here or in a worker, are removed."""
    sources = _files(tmp_path, 24)
    out = tmp_path / "out"
    out.mkdir()
    jobs = plan_jobs(sources, to="jsonl", out_dir=out)
    reported: list[str] = []

    def interrupt(outcome: Any) -> None:
        reported.append(outcome.output)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        if pool is None:
            convert_many(jobs, chunk_size=2, on_done=interrupt)
        else:
            with ProcessPoolExecutor(max_workers=2) as executor:
                convert_many(jobs, executor=executor, chunk_size=2, on_done=interrupt)
    left = sorted(path.name for path in out.iterdir())
    assert left and not [name for name in left if not name.endswith(".jsonl")]
    assert set(reported) <= {str(out / name) for name in left}
