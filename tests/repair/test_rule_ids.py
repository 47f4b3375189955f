"""Rule ids are one style: kebab case, declared once as constants of the format's rules
(a Fix's `rule` is read in notes, review files and the golden corpus)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import structconv.repair.rules as rules_package
from structconv.repair.registry import RULES
from structconv.repair.rules import ruleset

RULES_DIR = Path(rules_package.__file__).parent
KEBAB = re.compile(r"[a-z]+(?:-[a-z0-9]+)*")
# Where a rule id is passed: the call's name and the position of its rule argument.
RULE_ARGUMENT = {"change": 3, "Change": 3, "Edit": 3, "_Alternative": 1, "remove_row": 1}


def _sources() -> list[Path]:
    return sorted(path for path in RULES_DIR.rglob("*.py") if path.name != "__init__.py")


@pytest.mark.parametrize("path", _sources(), ids=lambda path: str(path.relative_to(RULES_DIR)))
def test_rules_pass_rule_ids_as_constants_never_as_literals(path: Path) -> None:
    literals = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else None
        name = name or (node.func.id if isinstance(node.func, ast.Name) else None)
        position = RULE_ARGUMENT.get(name or "")
        if position is None or len(node.args) <= position:
            continue
        for inner in ast.walk(node.args[position]):
            if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                literals.append(f"{path.name}:{inner.lineno}: {inner.value!r}")
    assert literals == []


@pytest.mark.parametrize("path", _sources(), ids=lambda path: str(path.relative_to(RULES_DIR)))
def test_rule_id_constants_are_kebab_case(path: Path) -> None:
    ids = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            and node.targets[0].id == node.value.value.upper().replace("-", "_").replace(" ", "_")
        ):
            ids[node.targets[0].id] = node.value.value
    assert all(KEBAB.fullmatch(value) for value in ids.values()), ids


@pytest.mark.parametrize("format", sorted(RULES))
def test_every_format_has_its_rule_set(format: str) -> None:
    rules = ruleset(format)
    assert rules is not None and rules.format == format
