"""The console commands: Ctrl-C while a command is still starting exits 130, quietly.

The commands import their modules first (a few tenths of a second); an interrupt in
that time would otherwise end in Python's KeyboardInterrupt traceback. Once started,
each command handles Ctrl-C itself (exit 130, nothing left behind).
"""

from __future__ import annotations

import importlib
import signal
from collections.abc import Callable
from types import FrameType
from typing import Any

INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C


def _interrupted(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(INTERRUPTED)


def load(module: str, name: str) -> Callable[..., Any]:
    """`module.name`, imported with Ctrl-C meaning a quiet exit 130."""
    previous = signal.signal(signal.SIGINT, _interrupted)
    try:
        entry: Callable[..., Any] = getattr(importlib.import_module(module), name)
    finally:
        signal.signal(signal.SIGINT, previous)
    return entry


def main() -> Any:
    return load("structconv.cli", "main")()


def normalize() -> Any:
    return load("structconv.hooks", "main")()


def check() -> Any:
    return load("structconv.hooks", "check_main")()
