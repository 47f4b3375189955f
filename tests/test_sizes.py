"""Small modules that each own one thing: no module of structconv over 800 lines, no
function (or method) over 100 lines, counted from its `def` to its last line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import structconv

PACKAGE = Path(structconv.__file__).parent
MAX_MODULE_LINES = 800
MAX_FUNCTION_LINES = 100
MODULES = sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_a_module_is_at_most_800_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{_name(path)} is {lines} lines: split it by role"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_a_function_is_at_most_100_lines(path: Path) -> None:
    long = [
        f"{node.name} (line {node.lineno}): {node.end_lineno - node.lineno + 1} lines"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == [], f"{_name(path)}: {long}"


def test_the_walk_finds_the_package() -> None:
    assert len(MODULES) > 50
