"""Normalization settings: defaults, validation, discovery of [tool.structconv] / .structconv.toml, overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from structconv.errors import UsageError
from structconv.normalize.settings import (
    NormalizeSettings,
    load_config,
    load_config_file,
    settings_for_file,
)


def test_defaults() -> None:
    assert NormalizeSettings() == NormalizeSettings(
        indent=2, width=88, sort_keys=False, indent_sequences=True
    )


def test_keys_take_dashes_or_underscores() -> None:
    settings = NormalizeSettings.from_mapping({"sort-keys": True, "indent_sequences": False})
    assert settings.sort_keys is True and settings.indent_sequences is False


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"indnet": 2}, "unknown setting 'indnet'; known: indent, indent_sequences"),
        ({"indent": "2"}, "indent must be an integer"),
        ({"sort_keys": 1}, "sort_keys must be true or false"),
        ({"indent": True}, "indent must be an integer"),
        ({"width": 10}, "width must be between 20 and 1000"),
        ({"indent": 0}, "indent must be between 1 and 16"),
    ],
)
def test_bad_values_name_the_origin(values: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match="^where: " + message):
        NormalizeSettings.from_mapping(values, "where")


def test_pyproject_table_is_found_from_a_nested_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.structconv]\nindent = 4\n")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert settings_for_file(nested / "x.json").indent == 4


def test_structconv_toml_wins_in_one_folder_and_pyproject_without_table_is_skipped(
    tmp_path: Path,
) -> None:
    (tmp_path / ".structconv.toml").write_text("width = 100\n")
    (tmp_path / "pyproject.toml").write_text("[tool.structconv]\nwidth = 60\n")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert settings_for_file(inner / "x.yaml").width == 100


def test_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".structconv.toml").write_text("indent = 8\n")
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    assert settings_for_file(repository / "x.json").indent == 2


def test_overrides_apply_in_order_and_match_names_or_paths(tmp_path: Path) -> None:
    (tmp_path / ".structconv.toml").write_text(
        "indent = 2\n"
        "[[overrides]]\nfiles = ['*.yaml']\nindent = 4\n"
        "[[overrides]]\nfiles = 'deploy/*.yaml'\nindent_sequences = false\n"
        "[[overrides]]\nfiles = ['/docs/**']\nsort-keys = true\n"
    )
    config = load_config(tmp_path)
    deploy = config.settings_for(tmp_path / "deploy" / "app.yaml")
    assert (deploy.indent, deploy.indent_sequences) == (4, False)
    nested_yaml = config.settings_for(tmp_path / "src" / "deploy" / "app.yaml")
    assert (nested_yaml.indent, nested_yaml.indent_sequences) == (4, True)
    assert config.settings_for(tmp_path / "docs" / "a" / "b.json").sort_keys is True
    assert config.settings_for(tmp_path / "x.json") == NormalizeSettings()


def test_command_line_flags_win_and_none_means_not_given(tmp_path: Path) -> None:
    (tmp_path / ".structconv.toml").write_text("indent = 4\nwidth = 50\n")
    settings = settings_for_file(tmp_path / "x.json", {"indent": 3, "width": None})
    assert (settings.indent, settings.width) == (3, 50)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("indent = \n", "invalid TOML"),
        ("[[overrides]]\nindent = 4\n", r"overrides\[0\] needs files"),
        ("overrides = 3\n", "overrides must be an array of tables"),
        ("[[overrides]]\nfiles = ['*.json']\nwidht = 80\n", "unknown setting 'widht'"),
    ],
)
def test_broken_config_files_are_usage_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "style.toml"
    path.write_text(text)
    with pytest.raises(UsageError, match=message):
        load_config_file(path)


def test_explicit_config_takes_either_layout(tmp_path: Path) -> None:
    flat = tmp_path / "flat.toml"
    flat.write_text("indent = 3\n")
    nested = tmp_path / "nested.toml"
    nested.write_text("[tool.structconv]\nindent = 5\n")
    assert load_config_file(flat).base.indent == 3
    assert load_config_file(nested).base.indent == 5
    empty = tmp_path / "pyproject.toml"
    empty.write_text("[project]\n")
    with pytest.raises(UsageError, match=r"no \[tool.structconv\] table"):
        load_config_file(empty)


def test_reading_settings_does_not_import_tomlkit() -> None:
    import subprocess
    import sys

    code = (
        "import sys, structconv.normalize.settings as c; c.settings_for_file('x.json'); "
        "print('tomlkit' in sys.modules)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "False"


def test_a_bad_jsonc_files_list_is_refused_by_normalize_too(tmp_path: Path) -> None:
    config = tmp_path / ".structconv.toml"
    config.write_text("indent = 4\njsonc_files = 3\n")
    with pytest.raises(UsageError, match="jsonc_files must be a list of globs"):
        load_config_file(config)
