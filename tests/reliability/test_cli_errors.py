"""Mistakes on the command line get one clear line (what, where, what to do) before any
work, never a traceback, a hang or silence (issue 16)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.run import run_cli


def structconv(*arguments: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "structconv", *arguments],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    return done.stderr.strip().splitlines()[-1]


@pytest.fixture
def inputs(tmp_path: Path) -> list[str]:
    paths = []
    for index in range(3):
        path = tmp_path / f"f{index}.json"
        path.write_text(f'{{"i": {index}}}')
        paths.append(str(path))
    return paths


def test_a_report_into_a_missing_folder_fails_before_the_work(
    inputs: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    report = tmp_path / "missing" / "report.json"
    done = structconv(
        "convert", *inputs, "--to", "yaml", "--out-dir", str(out), "--report", str(report)
    )
    assert done.returncode == 2
    assert error_line(done) == (
        f"structconv convert: error: argument --report: {report}: the folder {report.parent} "
        "does not exist; create it, or write the report elsewhere"
    )
    assert not out.exists()  # nothing was converted


def test_an_out_dir_that_cannot_be_created_is_one_line(inputs: list[str], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    done = structconv("convert", *inputs, "--to", "yaml", "--out-dir", str(blocker / "sub"))
    assert done.returncode == 2
    assert error_line(done) == (
        f"structconv convert: error: argument --out-dir: {blocker / 'sub'}: cannot create the "
        "output folder: Not a directory; choose a folder you can write to"
    )


def as_unprivileged(arguments: list[str]) -> tuple[int, str]:
    """The command's status and stderr, run by a user that the permissions bind: this
    one, or (under root, who writes anywhere) a fork of this process that became
    `nobody` (in this process: the interpreter's files may not be readable by nobody)."""
    if os.geteuid() != 0:
        done = structconv(*arguments)
        return done.returncode, done.stderr
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        try:
            os.setgid(65534)
            os.setuid(65534)
            result = run_cli(arguments)
            os.write(writer, f"{result.exit_code}\n{result.stderr}".encode())
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as stream:
        status, _, stderr = stream.read().partition("\n")
    os.waitpid(child, 0)
    return int(status), stderr


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX permissions")
def test_an_out_dir_without_write_permission_fails_before_the_work() -> None:
    with tempfile.TemporaryDirectory() as name:  # not tmp_path: nobody must reach it
        folder = Path(name)
        folder.chmod(0o755)
        source = folder / "a.json"
        source.write_text('{"a": 1}')
        locked = folder / "locked"
        locked.mkdir(mode=0o555)
        arguments = ["convert", str(source), "--to", "yaml", "--out-dir", str(locked)]
        status, stderr = as_unprivileged(arguments)
        assert list(locked.iterdir()) == []
    assert status == 2, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == (
        f"structconv convert: error: argument --out-dir: {locked}: cannot write outputs into "
        "it: permission denied; choose a folder you can write to, or change its permissions"
    )


def test_tune_train_without_the_tune_extra_says_what_to_install(tmp_path: Path) -> None:
    (tmp_path / "train.jsonl").write_text("")
    (tmp_path / "dev.jsonl").write_text("")
    blocked = (
        "import sys\nfor name in ('torch', 'transformers', 'peft'):\n    sys.modules[name] = None\n"
    )
    command = blocked + "import sys\nfrom structconv.cli import main\nsys.exit(main())\n"
    done = subprocess.run(
        [sys.executable, "-c", command, "tune", "train", "--data", str(tmp_path)]
        + ["--out", str(tmp_path / "run")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 1
    assert error_line(done) == (
        "structconv tune train needs the [tune] extra (torch, transformers, peft not "
        "installed): pip install 'structconv[tune]'"
    )


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers (not a Dask scheduler)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens there once closed


# Dask took 60 s (an address it cannot parse), 30 s (nothing listening) and for ever (a
# port that stays silent) to give up; the limit here is far above the few seconds now.
GIVES_UP_WITHIN = 25


@pytest.mark.parametrize("kind", ["not an address", "nothing listening", "silent"])
def test_a_wrong_scheduler_fails_in_seconds(
    inputs: list[str], tmp_path: Path, silent_port: int, kind: str
) -> None:
    pytest.importorskip("distributed")
    address, expected = {
        "not an address": ("not a url", "'not a url' is not a scheduler address"),
        "nothing listening": (f"tcp://127.0.0.1:{closed_port()}", "cannot reach 127.0.0.1"),
        "silent": (
            f"tcp://127.0.0.1:{silent_port}",
            "accepts connections but is not a Dask scheduler",
        ),
    }[kind]
    done = structconv(
        "convert",
        *inputs,
        "--to",
        "yaml",
        "--out-dir",
        str(tmp_path / "o"),
        "--scheduler",
        address,
        timeout=GIVES_UP_WITHIN,
    )
    assert done.returncode == 2
    assert expected in error_line(done)


def test_an_empty_delimiter_is_a_usage_error(tmp_path: Path) -> None:
    source = tmp_path / "a.json"
    source.write_text('[{"a": 1, "b": 2}]')
    done = structconv("convert", str(source), "--to", "csv", "--delimiter", "")
    assert done.returncode == 2
    assert error_line(done) == (
        "structconv convert: error: delimiter must be one character other than a quote or a "
        "line break, not ''"
    )
    assert done.stdout == ""


def test_a_raised_max_depth_reports_the_limit_in_force(tmp_path: Path) -> None:
    levels = sys.getrecursionlimit() + 100
    source = tmp_path / "deep.json"
    source.write_text("[" * levels + "]" * levels)
    done = structconv("convert", str(source), "--to", "yaml", "--max-depth", str(10 * levels))
    assert done.returncode == 1
    line = error_line(done)
    assert (
        f"about {sys.getrecursionlimit()} levels (Python's recursion limit), below --max-depth {10 * levels}"
        in line
    )
    assert f"deeper than {10 * levels}" not in line
