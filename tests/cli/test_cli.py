from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from structconv import __version__
from structconv.cli import main


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_single_file_to_stdout(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "a.json"
    source.write_text('[{"x": 1}, {"x": 2}]')
    result = runner.invoke(main, ["convert", str(source), "--to", "jsonl"])
    assert result.exit_code == 0, result.output
    assert result.stdout == '{"x":1}\n{"x":2}\n'


def test_stdin_to_stdout_with_detection(runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["convert", "-", "--to", "json", "--indent", "0"], input='{"b": [true]}'
    )
    assert result.exit_code == 0
    assert result.stdout == '{"b":[true]}\n'


def test_output_file(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "a.json"
    source.write_text('{"x": 1}')
    out = tmp_path / "b.json"
    result = runner.invoke(
        main, ["convert", str(source), "--to", "json", "-o", str(out), "--indent", "0"]
    )
    assert result.exit_code == 0
    assert out.read_text() == '{"x":1}\n'


def test_failing_file_line_summary_report_and_exit_code(runner: CliRunner, tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text("[1]")
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "a": 1,\n  "a": 2\n}')
    report = tmp_path / "report.json"
    result = runner.invoke(
        main,
        [
            "convert",
            str(good),
            str(bad),
            "--to",
            "jsonl",
            "--out-dir",
            str(tmp_path / "out"),
            "--report",
            str(report),
        ],
    )
    assert result.exit_code == 1
    assert f"{bad}:3:3: json: duplicate key 'a'" in result.stderr
    assert "1 converted, 1 failed" in result.stderr
    saved = json.loads(report.read_text())
    assert saved["files"] == 2 and saved["failed"] == 1
    assert [outcome["ok"] for outcome in saved["outcomes"]] == [True, False]
    assert (tmp_path / "out" / "good.jsonl").read_text() == "1\n"


@pytest.mark.parametrize(
    "arguments",
    [
        ["convert", "a.json", "b.json", "--to", "json"],
        ["convert", "a.json", "b.json", "--to", "json", "-o", "x.json"],
        ["convert", "a.json", "--to", "json", "--in-place", "--out-dir", "d"],
        ["convert", "a.json", "--to", "ini"],
        ["convert", "-", "a.json", "--to", "json", "--out-dir", "d"],
    ],
)
def test_usage_errors_exit_2(runner: CliRunner, arguments: list[str]) -> None:
    assert runner.invoke(main, arguments).exit_code == 2


def test_in_place_never_touches_an_input_that_fails(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"a": NaN}')
    result = runner.invoke(
        main, ["convert", str(bad), "--to", "json", "--in-place", "--repair", "off"]
    )
    assert result.exit_code == 1
    assert bad.read_text() == '{"a": NaN}'
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bad.json"]


def test_real_process_with_jobs(tmp_path: Path) -> None:
    sources = []
    for index in range(6):
        path = tmp_path / f"f{index}.json"
        path.write_text(f'[{{"i": {index}}}]')
        sources.append(str(path))
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "structconv",
            "convert",
            *sources,
            "--to",
            "jsonl",
            "--out-dir",
            str(tmp_path / "o"),
            "--jobs",
            "2",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "6 converted, 0 failed" in completed.stderr
    assert "\r" not in completed.stderr  # no progress bar when stderr is not a terminal
    assert (tmp_path / "o" / "f4.jsonl").read_text() == '{"i":4}\n'


def test_tune_train_refuses_a_gpu_that_torch_does_not_see(
    runner: CliRunner, tmp_path: Path
) -> None:
    torch = pytest.importorskip("torch")
    pytest.importorskip("peft")
    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU")
    (tmp_path / "pairs").mkdir()
    argv = ["tune", "train", "--data", str(tmp_path / "pairs"), "--out", str(tmp_path / "run")]
    result = runner.invoke(main, [*argv, "--device", "cuda", "--minutes", "5"])
    assert result.exit_code == 2
    assert "torch sees no CUDA GPU" in result.output
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("source_format", ["json", "jsonl"])
def test_cells_a_spreadsheet_would_run_are_noted_once_on_stderr(
    runner: CliRunner, tmp_path: Path, source_format: str
) -> None:
    """In memory (JSON) and streamed (JSON Lines to -o) alike; --escape-formulas quotes."""
    records = [{"a": "=1+1", "b": -5}, {"a": "@SUM(A1)", "b": 2}]
    source = tmp_path / f"in.{source_format}"
    if source_format == "json":
        source.write_text(json.dumps(records))
    else:
        source.write_text("".join(json.dumps(record) + "\n" for record in records))
    out = tmp_path / "out.csv"
    result = runner.invoke(main, ["convert", str(source), "--to", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text() == "a,b\n=1+1,-5\n@SUM(A1),2\n"
    notes = [line for line in result.stderr.splitlines() if ": note: " in line]
    assert notes == [
        f"{source}: note: $[0].a starts with '=': a spreadsheet that opens this CSV may run it "
        "(and any other such cell) as a formula; --escape-formulas (API: escape_formulas=True) "
        "writes them with a leading '"
    ]
    result = runner.invoke(
        main, ["convert", str(source), "--to", "csv", "-o", str(out), "--escape-formulas"]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text() == "a,b\n'=1+1,-5\n'@SUM(A1),2\n"
    assert "written with a leading '" in result.stderr
