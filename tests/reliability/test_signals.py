"""Ctrl-C on a batch (issue 16): interrupting a `--jobs 2` batch of 10,000 files left
temporary files in 4 of 14 runs, printed worker tracebacks and exited 1. Now: status 130,
one line, no traceback, no temporary or partial file, and --in-place loses nothing.

A terminal's Ctrl-C sends SIGINT to every process of the command (its workers too);
`kill -INT` reaches the command alone: both are tried."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import with_sigint_at_default

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="POSIX process groups")

FILES = 10_000


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("inputs")
    paths = []
    for index in range(FILES):
        path = folder / f"f{index:05d}.yaml"
        path.write_text(f"name: n{index}\nvalue: {index}\nlist: [1, 2, 3]\n")
        paths.append(str(path))
    return paths


def interrupted(arguments: list[str], started: Path, delay: float, group: bool) -> tuple[int, str]:
    """Run the command, send SIGINT `delay` seconds after `started` appears (the batch
    has begun), and return its status and stderr."""
    process = subprocess.Popen(
        [sys.executable, "-m", "structconv", *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives a command
        preexec_fn=with_sigint_at_default,
    )
    deadline = time.monotonic() + 60
    while not started.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    time.sleep(delay)
    if group:
        os.killpg(process.pid, signal.SIGINT)
    else:
        os.kill(process.pid, signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # never leave it (and its workers) running
        process.communicate()
        pytest.fail("the command was still running 60 s after SIGINT")
    return process.returncode, stderr


def whole_outputs_only(folder: Path) -> list[str]:
    names = sorted(path.name for path in folder.iterdir())
    assert [name for name in names if not name.endswith((".json", ".yaml"))] == []
    for name in names:
        if name.endswith(".json"):
            json.loads((folder / name).read_text())  # never partial
    return names


@pytest.mark.parametrize(
    ("jobs", "group", "delay"),
    [
        ("2", True, 0.0),
        ("2", True, 0.2),
        ("2", True, 0.9),
        ("2", False, 0.3),
        ("1", True, 0.4),
    ],
)
def test_ctrl_c_on_a_batch_exits_130_and_leaves_no_temporary_file(
    inputs: list[str], tmp_path: Path, jobs: str, group: bool, delay: float
) -> None:
    out = tmp_path / "out"
    status, stderr = interrupted(
        ["convert", *inputs, "--to", "json", "--out-dir", str(out), "--jobs", jobs],
        out,
        delay,
        group,
    )
    assert status == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("structconv: interrupted")
    assert len(whole_outputs_only(out)) < FILES  # it was stopped mid-batch


def test_ctrl_c_on_an_in_place_batch_loses_no_file(inputs: list[str], tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(Path(inputs[0]).parent, folder)
    sources = sorted(str(path) for path in folder.iterdir())
    status, stderr = interrupted(
        ["convert", *sources, "--to", "json", "--in-place", "--jobs", "2"],
        Path(sources[0]).with_suffix(".json"),
        0.3,
        True,
    )
    assert status == 130 and "Traceback" not in stderr, stderr
    names = set(whole_outputs_only(folder))
    assert all(
        f"f{index:05d}.yaml" in names or f"f{index:05d}.json" in names for index in range(FILES)
    )
    assert any(name.endswith(".yaml") for name in names)  # it was stopped mid-batch


def python_in(folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Python run in `folder`, which its imports search first."""
    return subprocess.run(
        [sys.executable, *arguments],
        capture_output=True,
        text=True,
        cwd=folder,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), *sys.path])},
        check=False,
        timeout=60,
    )


def test_ctrl_c_while_a_command_starts_exits_130_without_a_traceback(tmp_path: Path) -> None:
    # A module whose import is interrupted stands in for the command's own imports.
    (tmp_path / "slow_start.py").write_text(
        "import os, signal\nos.kill(os.getpid(), signal.SIGINT)\nimport time\ntime.sleep(5)\n"
        "def main():\n    return 0\n",
        encoding="utf-8",
    )
    completed = python_in(
        tmp_path, "-c", "from structconv import console; console.load('slow_start', 'main')"
    )
    assert completed.returncode == 130
    assert "Traceback" not in completed.stderr


def test_an_interrupt_inside_generated_code_still_exits_130_under_python_m(
    tmp_path: Path,
) -> None:
    """A KeyboardInterrupt raised in code compiled from a string (as in namedtuple's
    creation during an import) left CPython's "unhandled KeyboardInterrupt" mark set, and
    `python -m structconv` ended killed by SIGINT (-2) after printing that it exits 130."""
    (tmp_path / "interrupted_cli.py").write_text(
        "import sys\n"
        "from structconv import cli\n"
        "from structconv.cli.shared import Command\n"
        "def stop(arguments):\n"
        "    eval('(_ for _ in ()).throw(KeyboardInterrupt)')\n"
        "stop_command = Command(lambda parser: None, stop)\n"
        "cli.COMMANDS['stop'] = ('__main__', 'stop_command', 'Raise KeyboardInterrupt.')\n"
        "sys.exit(cli.main())\n",
        encoding="utf-8",
    )
    completed = python_in(tmp_path, "-m", "interrupted_cli", "stop")
    assert completed.returncode == 130, completed.stderr
    assert completed.stderr.strip().startswith("structconv: interrupted")
