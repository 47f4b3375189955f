from __future__ import annotations

from structconv.edit.core import delete_in_text, set_in_text

JSONC = """\
{
  // compiler settings
  "compilerOptions": {
    "strict": true, // keep on
    "paths": {"@/*": ["src/*"]},
    "target": "es2020"
  },
  "include": [
    "src",
    "tests",
  ],
}
"""


def test_set_replaces_only_the_value() -> None:
    edit = set_in_text(JSONC, "compilerOptions.strict", False, "jsonc")
    assert edit.text == JSONC.replace('"strict": true,', '"strict": false,')


def test_new_key_gets_a_comma_and_its_own_line() -> None:
    edit = set_in_text(JSONC, "compilerOptions.module", "esnext", "jsonc")
    assert '    "target": "es2020",\n    "module": "esnext"\n  },' in edit.text
    edit = set_in_text(JSONC, "compilerOptions.paths.x", "y", "jsonc")
    assert '"paths": {"@/*": ["src/*"], "x": "y"},' in edit.text


def test_trailing_comma_style_is_followed() -> None:
    edit = set_in_text(JSONC, "extends", "./base.json", "jsonc")
    assert '  ],\n  "extends": "./base.json",\n}\n' in edit.text


def test_delete_last_entry_takes_the_comma_off_the_one_before() -> None:
    edit = delete_in_text(JSONC, "compilerOptions.target", "jsonc")
    assert '    "paths": {"@/*": ["src/*"]}\n  },' in edit.text
    assert "// keep on" in edit.text


def test_delete_an_entry_with_its_trailing_comment() -> None:
    edit = delete_in_text(JSONC, "compilerOptions.strict", "jsonc")
    assert "keep on" not in edit.text and "// compiler settings" in edit.text


def test_set_a_structure_with_the_files_indentation() -> None:
    text = '{\n    "a": 1\n}\n'
    edit = set_in_text(text, "b", {"c": [1]}, "json")
    assert (
        edit.text
        == '{\n    "a": 1,\n    "b": {\n        "c": [\n            1\n        ]\n    }\n}\n'
    )


def test_dates_become_text_in_json() -> None:
    import datetime

    edit = set_in_text('{"d": "x"}\n', "d", datetime.date(2024, 1, 2), "json")
    assert edit.text == '{"d": "2024-01-02"}\n'
