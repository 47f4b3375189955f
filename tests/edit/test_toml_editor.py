from __future__ import annotations

import pytest

from structconv.edit.core import delete_in_text, set_in_text
from structconv.edit.splice import EditRefused

TEXT = """\
# project
[package]
name = "tool"  # the name
version = '0.1.0'
keywords = [
  "cli",  # main
  "config",
]

[dependencies]
serde = { version = "1", features = ["derive"] }

[[bin]]
name = "a"
"""


def test_set_keeps_literal_strings_and_comments() -> None:
    edit = set_in_text(TEXT, "package.version", "0.2.0", "toml")
    assert edit.text == TEXT.replace("version = '0.1.0'", "version = '0.2.0'")
    edit = set_in_text(TEXT, "package.name", "other", "toml")
    assert 'name = "other"  # the name' in edit.text


def test_inline_table_and_array_of_tables() -> None:
    edit = set_in_text(TEXT, "dependencies.serde.version", "2", "toml")
    assert 'serde = { version = "2", features = ["derive"] }' in edit.text
    edit = set_in_text(TEXT, "bin[0].name", "b", "toml")
    assert edit.text.endswith('[[bin]]\nname = "b"\n')


def test_new_key_goes_after_the_tables_last_key() -> None:
    edit = set_in_text(TEXT, "package.edition", "2021", "toml")
    assert '  "config",\n]\nedition = "2021"\n\n[dependencies]' in edit.text


def test_delete_an_array_item_and_a_key() -> None:
    edit = delete_in_text(TEXT, "package.keywords[0]", "toml")
    assert "main" not in edit.text and '  "config",\n' in edit.text
    edit = delete_in_text(TEXT, "dependencies.serde", "toml")
    assert "serde" not in edit.text and edit.text.count("\n") == TEXT.count("\n") - 1


def test_null_is_refused() -> None:
    with pytest.raises(EditRefused, match="no null"):
        set_in_text(TEXT, "package.name", None, "toml")
