from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from structconv import __version__
from structconv.formats import ALIASES, FORMATS
from tests.cli.run import run_cli


def test_version() -> None:
    result = run_cli(["--version"])
    assert result.exit_code == 0 and __version__ in result.stdout


def test_single_file_to_stdout(tmp_path: Path) -> None:
    source = tmp_path / "a.json"
    source.write_text('[{"x": 1}, {"x": 2}]')
    result = run_cli(["convert", str(source), "--to", "jsonl"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == '{"x":1}\n{"x":2}\n'


def test_stdin_to_stdout_with_detection() -> None:
    result = run_cli(["convert", "-", "--to", "json", "--indent", "0"], input='{"b": [true]}')
    assert result.exit_code == 0
    assert result.stdout == '{"b":[true]}\n'


def test_output_file(tmp_path: Path) -> None:
    source = tmp_path / "a.json"
    source.write_text('{"x": 1}')
    out = tmp_path / "b.json"
    result = run_cli(["convert", str(source), "--to", "json", "-o", str(out), "--indent", "0"])
    assert result.exit_code == 0
    assert out.read_text() == '{"x":1}\n'


def test_failing_file_line_summary_report_and_exit_code(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text("[1]")
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "a": 1,\n  "a": 2\n}')
    report = tmp_path / "report.json"
    result = run_cli(
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
def test_usage_errors_exit_2(arguments: list[str]) -> None:
    assert run_cli(arguments).exit_code == 2


def test_in_place_never_touches_an_input_that_fails(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"a": NaN}')
    result = run_cli(["convert", str(bad), "--to", "json", "--in-place", "--repair", "off"])
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


def test_tune_train_refuses_a_gpu_that_torch_does_not_see(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    pytest.importorskip("peft")
    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU")
    (tmp_path / "pairs").mkdir()
    argv = ["tune", "train", "--data", str(tmp_path / "pairs"), "--out", str(tmp_path / "run")]
    result = run_cli([*argv, "--device", "cuda", "--minutes", "5"])
    assert result.exit_code == 2
    assert "torch sees no CUDA GPU" in result.stderr
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("source_format", ["json", "jsonl"])
def test_cells_a_spreadsheet_would_run_are_noted_once_on_stderr(
    tmp_path: Path, source_format: str
) -> None:
    """In memory (JSON) and streamed (JSON Lines to -o) alike; --escape-formulas quotes."""
    records = [{"a": "=1+1", "b": -5}, {"a": "@SUM(A1)", "b": 2}]
    source = tmp_path / f"in.{source_format}"
    if source_format == "json":
        source.write_text(json.dumps(records))
    else:
        source.write_text("".join(json.dumps(record) + "\n" for record in records))
    out = tmp_path / "out.csv"
    result = run_cli(["convert", str(source), "--to", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_text() == "a,b\n=1+1,-5\n@SUM(A1),2\n"
    notes = [line for line in result.stderr.splitlines() if ": note: " in line]
    assert notes == [
        f"{source}: note: $[0].a starts with '=': a spreadsheet that opens this CSV may run it "
        "(and any other such cell) as a formula; --escape-formulas (API: escape_formulas=True) "
        "writes them with a leading '"
    ]
    result = run_cli(["convert", str(source), "--to", "csv", "-o", str(out), "--escape-formulas"])
    assert result.exit_code == 0, result.stderr
    assert out.read_text() == "a,b\n'=1+1,-5\n'@SUM(A1),2\n"
    assert "written with a leading '" in result.stderr


def test_csv_without_a_header_and_with_several_tables(tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("0.5,1.25\n0.7,1.5\n", encoding="utf-8")
    ran = run_cli(["convert", str(rows), "--to", "json", "--no-header"])
    assert ran.exit_code == 0, ran.stderr
    assert json.loads(ran.stdout) == [[0.5, 1.25], [0.7, 1.5]]
    tables = tmp_path / "tables.csv"
    tables.write_text("a,b\nx,1\ny,2\n\nCosts\nc,d,e\n3,4,5\n", encoding="utf-8")
    refused = run_cli(["convert", str(tables), "--to", "json"])
    assert refused.exit_code == 1
    assert f"{tables}:5:1: csv: a second table starts on line 5" in refused.stderr
    second = run_cli(["convert", str(tables), "--to", "json", "--table", "2"])
    assert second.exit_code == 0, second.stderr
    assert json.loads(second.stdout) == [{"c": 3, "d": 4, "e": 5}]
    bad = run_cli(["convert", str(tables), "--to", "json", "--table", "first"])
    assert bad.exit_code != 0 and "table must be a table number from 1 or 'all'" in bad.stderr


def test_help_lists_every_command_and_imports_none_of_their_modules(tmp_path: Path) -> None:
    """The list comes from structconv.cli.COMMANDS alone; each command's module loads only
    when that command runs."""
    code = (
        "import json, sys\n"
        "from structconv.cli import COMMANDS, main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit as exit:\n"
        "    code = exit.code\n"
        "loaded = sorted(name for name in sys.modules if name.startswith('structconv.cli.'))\n"
        "summaries = {name: listed[2] for name, listed in COMMANDS.items()}\n"
        "print(json.dumps([code, loaded, summaries]), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    code, loaded, summaries = json.loads(done.stderr.splitlines()[-1])
    assert code == 0
    assert loaded == ["structconv.cli.shared"]
    assert set(summaries) == {"convert", "repair", "normalize", "tune", "get", "set", "delete"}
    listed = " ".join(done.stdout.split())  # as argparse wraps it
    for name, summary in summaries.items():
        assert f"{name} {summary}" in listed


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["convert"],
        ["repair"],
        ["normalize"],
        ["get"],
        ["set"],
        ["delete"],
        ["tune"],
        ["tune", "data"],
        ["tune", "train"],
        ["tune", "export"],
        ["tune", "rejudge"],
        ["tune", "eval"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    for flag in ("-h", "--help"):
        shown = run_cli([*command, flag])
        assert shown.exit_code == 0, shown.stderr
        assert shown.stdout.startswith(f"usage: {' '.join(['structconv', *command])} ")


def test_an_unknown_command_is_a_usage_error_naming_it() -> None:
    ran = run_cli(["conver", "a.json", "--to", "json"])
    assert ran.exit_code == 2
    assert "invalid choice: 'conver'" in ran.stderr and "'convert'" in ran.stderr
    assert "Try 'structconv --help' for help." in ran.stderr
    tune = run_cli(["tune", "trian"])
    assert tune.exit_code == 2 and "invalid choice: 'trian'" in tune.stderr
    assert run_cli([]).exit_code == 2


def test_an_unknown_or_misspelt_flag_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    source = tmp_path / "a.json"
    source.write_text("[1]")
    for flag in ("--bogus", "--in", "--t"):  # no abbreviations, as before
        ran = run_cli(["convert", str(source), "--to", "json", flag])
        assert ran.exit_code == 2
        assert ran.stderr.splitlines()[-1] == (
            f"structconv convert: error: unrecognized arguments: {flag}"
        )
        assert "Try 'structconv convert --help' for help." in ran.stderr
        assert ran.stdout == ""


def test_a_usage_error_shows_the_short_usage_not_every_flag(tmp_path: Path) -> None:
    """Three lines: the command's required flags and arguments, where the help is, what
    is wrong; argparse's own usage would list all 30 flags of convert first."""
    source = tmp_path / "a.json"
    source.write_text("[1]")
    ran = run_cli(["convert", str(source), "--to", "jsn"])
    assert ran.exit_code == 2
    assert ran.stderr.splitlines() == [
        "usage: structconv convert [options] --to FMT FILES [FILES ...]",
        "Try 'structconv convert --help' for help.",
        "structconv convert: error: argument --to: invalid choice: 'jsn' (choose from "
        + ", ".join(f"'{name}'" for name in sorted(set(FORMATS) | set(ALIASES)))
        + ")",
    ]
    assert run_cli(["set", str(source)]).stderr.startswith(
        "usage: structconv set [options] FILES [FILES ...] PATH VALUE\n"
    )


def test_format_names_are_taken_in_any_case(tmp_path: Path) -> None:
    source = tmp_path / "a.yaml"
    source.write_text("a: 1\n")
    ran = run_cli(["convert", str(source), "--to", "JSON", "--from", "Yaml", "--indent", "0"])
    assert ran.exit_code == 0, ran.stderr
    assert ran.stdout == '{"a":1}\n'
    wrong = run_cli(["convert", str(source), "--to", "INI"])
    assert wrong.exit_code == 2
    assert "argument --to: invalid choice: 'ini' (choose from 'csv', 'json'" in wrong.stderr


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--jobs", "0"], "argument -j/--jobs: must be 1 or more, not 0"),
        (["--indent", "17"], "argument --indent: must be from 0 to 16, not 17"),
        (["--indent", "two"], "argument --indent: must be an integer, not 'two'"),
        (
            ["--min-confidence", "1.5"],
            "argument --min-confidence: must be from 0.0 to 1.0, not 1.5",
        ),
        (["--schema", "missing.xsd"], "argument --schema: file 'missing.xsd' does not exist"),
        (["--null", "zero"], "argument --null: invalid choice: 'zero'"),
    ],
)
def test_flag_values_are_checked_before_any_work(
    tmp_path: Path, flags: list[str], message: str
) -> None:
    source = tmp_path / "a.json"
    source.write_text("[1]")
    ran = run_cli(["convert", str(source), "--to", "yaml", "-o", str(tmp_path / "b"), *flags])
    assert ran.exit_code == 2
    assert ran.stderr.splitlines()[-1].startswith(f"structconv convert: error: {message}")
    assert not (tmp_path / "b").exists()


def test_a_folder_where_a_file_goes_and_a_file_where_a_folder_goes(tmp_path: Path) -> None:
    source = tmp_path / "a.json"
    source.write_text("[1]")
    as_report = run_cli(["convert", str(source), "--to", "yaml", "--report", str(tmp_path)])
    assert as_report.exit_code == 2
    assert f"argument --report: '{tmp_path}' is a folder; give a file" in as_report.stderr
    as_folder = run_cli(["convert", str(source), "--to", "yaml", "--out-dir", str(source)])
    assert as_folder.exit_code == 2
    assert f"argument --out-dir: '{source}' is a file; give a folder" in as_folder.stderr


def test_files_and_flags_come_in_any_order(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text("[1]")
    second.write_text("[2]")
    out = tmp_path / "out"
    ran = run_cli(["convert", str(first), "--to", "yaml", str(second), "--out-dir", str(out)])
    assert ran.exit_code == 0, ran.stderr
    assert sorted(path.name for path in out.iterdir()) == ["a.yaml", "b.yaml"]


def _closed_stdout(arguments: list[str]) -> subprocess.CompletedProcess[str]:
    """`structconv ARGUMENTS` writing into a pipe whose reader is gone (`| head -1`)."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run(
            [sys.executable, "-m", "structconv", *arguments],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=120,
        )
    finally:
        os.close(writer)


@pytest.mark.parametrize("command", ["convert", "get", "repair"])
def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path: Path, command: str) -> None:
    source = tmp_path / "big.json"
    source.write_text(json.dumps({"items": [{"n": index} for index in range(20000)]}))
    arguments = {
        "convert": ["convert", str(source), "--to", "yaml"],
        "get": ["get", str(source), "items"],
        "repair": ["repair", str(source)],
    }[command]
    done = _closed_stdout(arguments)
    assert (done.returncode, done.stderr) == (1, "")  # as `yes | head -1`: no file failed
