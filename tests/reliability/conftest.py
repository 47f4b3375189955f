"""The command line as a user runs it: a real process, real pipes, FIFOs and devices."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

Run = Callable[..., "subprocess.CompletedProcess[bytes]"]


def run_structconv(
    *arguments: str, timeout: float = 60, **popen: Any
) -> subprocess.CompletedProcess[bytes]:
    """`structconv ARGUMENTS` in a fresh interpreter; stdout and stderr captured as bytes."""
    return subprocess.run(
        [sys.executable, "-m", "structconv", *arguments],
        capture_output=True,
        timeout=timeout,
        check=False,
        **popen,
    )


def run_structconv_text(*arguments: str) -> subprocess.CompletedProcess[str]:
    """`structconv ARGUMENTS` in a fresh interpreter; stdout and stderr captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "structconv", *arguments],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture
def structconv() -> Run:
    return run_structconv
