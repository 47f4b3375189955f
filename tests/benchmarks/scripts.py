"""Benchmark scripts (benchmarks/*.py are scripts, not a package) loaded as modules."""

from __future__ import annotations

import contextlib
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def load_script(name: str, script: str) -> ModuleType:
    """benchmarks/`script` imported as the module `name`."""
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def kept_sys_path() -> Iterator[None]:
    """The scripts put benchmarks/ (or the root) on sys.path and import from it while they
    run: it stays for the block, then is as it was."""
    saved = list(sys.path)
    try:
        yield
    finally:
        sys.path[:] = saved
