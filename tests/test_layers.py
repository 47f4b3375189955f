"""The layers of docs/architecture.md hold: import-linter checks the contract in
pyproject.toml (imports inside functions too), and every module has its place in it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = (contract for contract in contracts if contract["id"] == "layers")
    names: list[str] = layers["layers"]
    return names


def test_the_layers_contract_is_kept(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("importlinter", reason="pip install -e '.[dev]' brings import-linter")
    from importlinter.cli import lint_imports

    status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    assert status == 0, capsys.readouterr().out


def test_every_module_of_the_package_has_a_layer() -> None:
    placed = {name.strip() for layer in _layers() for name in layer.split("|")}
    package = ROOT / "structconv"
    modules = {path.stem for path in package.glob("*.py") if path.stem != "__init__"}
    modules |= {path.parent.name for path in package.glob("*/__init__.py")}
    assert modules - placed == set(), "add each new module to a layer in pyproject.toml"
    assert placed - modules == set(), "the contract names modules that are gone"
