"""The project's settings file as format detection reads it: `jsonc_files`."""

from __future__ import annotations

from pathlib import Path

import pytest

from structconv.errors import UsageError
from structconv.settings_file import listed_as_jsonc


def test_jsonc_files_list_files_relative_to_the_settings_file(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".structconv.toml").write_text('indent = 4\njsonc_files = ["conf/*.json"]\n')
    assert listed_as_jsonc(tmp_path / "conf" / "a.json")
    assert not listed_as_jsonc(tmp_path / "a.json")


def test_a_pattern_without_a_slash_matches_the_name_anywhere(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.structconv]\njsonc_files = "app*.json"\n')
    assert listed_as_jsonc(tmp_path / "deep" / "er" / "app1.json")
    assert not listed_as_jsonc(tmp_path / "deep" / "other.json")


def test_a_bad_list_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".structconv.toml").write_text("jsonc_files = 3\n")
    with pytest.raises(UsageError, match="jsonc_files must be a list of globs"):
        listed_as_jsonc(tmp_path / "a.json")
