"""The house rules as tests: ruff and mypy (strict) are clean, and imports stay light."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.mark.skipif(
    shutil.which("ruff") is None, reason="ruff is not installed (pip install -e '.[dev]')"
)
def test_ruff_is_clean() -> None:
    completed = _run("ruff", "check", "structconv", "tests", "benchmarks")
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_mypy_strict_is_clean() -> None:
    pytest.importorskip("mypy")
    completed = _run(sys.executable, "-m", "mypy", "structconv")
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_import_stays_light() -> None:
    code = (
        "import sys, structconv, structconv.cli; "
        "heavy = {'lxml', 'ruamel', 'yaml', 'tomlkit', 'xmlschema', 'llama_cpp', 'torch', 'charset_normalizer'}; "
        "print(sorted(heavy & {name.split('.')[0] for name in sys.modules}))"
    )
    completed = _run(sys.executable, "-c", code)
    assert completed.stdout.strip() == "[]", completed.stdout + completed.stderr
