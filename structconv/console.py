"""The console commands: Ctrl-C while a command is still starting exits 130, quietly.

The commands import their modules first (a few tenths of a second); an interrupt in
that time would otherwise end in Python's KeyboardInterrupt traceback. Once started,
each command handles Ctrl-C itself (exit 130, nothing left behind).

The hooks first ask structconv.hook_cache whether every file passed before, as it is
now: then the run is over before anything else is imported.
"""

from __future__ import annotations

import importlib
import sys

from structconv import hook_cache

TYPE_CHECKING = False  # not typing's: see structconv/__init__.py
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    _T = TypeVar("_T")

INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C


def _quietly(step: Callable[[], _T]) -> _T:
    """`step()`, with Ctrl-C meaning a quiet exit 130. The interrupt is caught, not
    handled: importing signal for a handler cost every start a millisecond."""
    try:
        return step()
    except KeyboardInterrupt:
        raise SystemExit(INTERRUPTED) from None


def load(module: str, name: str) -> Callable[..., Any]:
    """`module.name`, imported with Ctrl-C meaning a quiet exit 130."""
    entry: Callable[..., Any] = _quietly(lambda: getattr(importlib.import_module(module), name))
    return entry


def main() -> Any:
    return load("structconv.cli", "main")()


def _hook(command: str, entry: str) -> Any:
    known = _quietly(lambda: hook_cache.known_result(command, sys.argv[1:]))
    return known if known is not None else load("structconv.hooks", entry)()


def normalize() -> Any:
    return _hook("normalize", "main")


def check() -> Any:
    return _hook("check", "check_main")
