"""`structconv convert --scheduler ADDRESS`: a batch on a Dask cluster."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.run import run_cli


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["a.json", "b.json", "--out-dir", "d", "--jobs", "2"], "not both"),
        (["a.json", "--scheduler", "tcp://127.0.0.1:1"], "--out-dir DIR or --in-place"),
        (["a.json", "-o", "b.json", "--scheduler", "tcp://127.0.0.1:1"], "runs a batch"),
    ],
)
def test_scheduler_usage_errors(arguments: list[str], message: str) -> None:
    if "--scheduler" not in arguments:
        arguments = [*arguments, "--scheduler", "tcp://127.0.0.1:1"]
    result = run_cli(["convert", *arguments, "--to", "json"])
    assert result.exit_code == 2
    assert message in result.stderr


def test_without_dask_the_error_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    source = tmp_path / "a.json"
    source.write_text("[1]")
    result = run_cli(
        ["convert", str(source), "--to", "jsonl", "--out-dir", str(tmp_path / "o")]
        + ["--scheduler", "tcp://127.0.0.1:1"],
    )
    assert result.exit_code == 2
    assert "pip install 'structconv[dask]'" in result.stderr
    assert not (tmp_path / "o" / "a.jsonl").exists()


def _report(path: Path) -> list[dict[str, Any]]:
    outcomes = json.loads(path.read_text(encoding="utf-8"))["outcomes"]
    for outcome in outcomes:
        outcome.pop("seconds")
        outcome.pop("output")
    return list(outcomes)


def test_a_batch_through_the_command_line_on_a_local_cluster(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    sources = []
    for index in range(12):
        path = tmp_path / f"f{index:02d}.json"
        path.write_text(f'[{{"i": {index}}},]' if index % 4 == 0 else f'[{{"i": {index}}}]')
        sources.append(str(path))
    (tmp_path / "f05.json").write_text('{"a": NaN}')
    here = run_cli(
        ["convert", *sources, "--to", "jsonl", "--out-dir", str(tmp_path / "here")]
        + ["--report", str(tmp_path / "here.json")],
    )
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        done = run_cli(
            ["convert", *sources, "--to", "jsonl", "--out-dir", str(tmp_path / "dask")]
            + ["--report", str(tmp_path / "dask.json"), "--scheduler", cluster.scheduler_address],
        )
    assert done.exit_code == here.exit_code == 1, done.stderr
    assert done.stderr == here.stderr.replace("/here", "/dask")
    assert f"{tmp_path / 'f05.json'}:1:7: json: NaN is not a finite JSON number" in done.stderr
    assert "11 converted, 1 failed" in done.stderr
    assert done.stderr.count("repaired with 1 fix(es)") == 3
    assert _report(tmp_path / "dask.json") == _report(tmp_path / "here.json")
    written = sorted(path.name for path in (tmp_path / "dask").iterdir())
    assert written == sorted(path.name for path in (tmp_path / "here").iterdir())
    assert len(written) == 11
    for name in written:
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "here" / name).read_bytes()
