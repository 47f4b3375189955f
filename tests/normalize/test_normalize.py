"""The guarantees of structconv.normalize, whatever a formatter does: data unchanged,
key order kept, idempotent output, refusal instead of a crash; and files on disk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from structconv.errors import ParseError, UsageError
from structconv.normalize import (
    NormalizationRefused,
    NormalizedFile,
    normalize_file,
    normalize_text,
)
from structconv.normalize.settings import NormalizeSettings

DEFAULT = NormalizeSettings()


def _replace_json_formatter(monkeypatch: pytest.MonkeyPatch, formatter: Any) -> None:
    import structconv.normalize.json as module

    monkeypatch.setattr(module, "normalize", formatter)


def test_a_formatter_that_changes_data_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _replace_json_formatter(monkeypatch, lambda text, settings: text.replace("1", "2"))
    with pytest.raises(NormalizationRefused, match=r"\$\.a: 1 would become 2"):
        normalize_text('{"a": 1}', "json")


def test_a_formatter_that_reorders_keys_is_refused_unless_sorting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def reorder(text: str, settings: NormalizeSettings) -> str:
        return json.dumps(dict(sorted(json.loads(text).items()))) + "\n"

    _replace_json_formatter(monkeypatch, reorder)
    with pytest.raises(NormalizationRefused, match=r"keys of \$ would change order"):
        normalize_text('{"b": 1, "a": 2}', "json")
    assert normalize_text('{"b": 1, "a": 2}', "json", NormalizeSettings(sort_keys=True)) == (
        '{"a": 2, "b": 1}\n'
    )


def test_a_formatter_that_never_settles_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _replace_json_formatter(monkeypatch, lambda text, settings: text + " ")
    with pytest.raises(NormalizationRefused, match="did not settle"):
        normalize_text("[1]", "json")


def test_a_formatter_that_settles_late_gives_its_fixed_point(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _replace_json_formatter(
        monkeypatch, lambda text, settings: text[:-1] if len(text) > 4 else text
    )
    assert normalize_text("[1]  ", "json") == "[1] "


def test_a_formatter_that_crashes_is_refused_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(text: str, settings: NormalizeSettings) -> str:
        raise KeyError("corner case")

    _replace_json_formatter(monkeypatch, crash)
    with pytest.raises(NormalizationRefused, match=r"formatter failed.*KeyError"):
        normalize_text("[1]", "json")


def test_invalid_input_is_a_parse_error_and_jsonl_is_not_supported() -> None:
    with pytest.raises(ParseError):
        normalize_text("a = ", "toml")
    with pytest.raises(UsageError, match="normalize supports"):
        normalize_text('{"a": 1}\n', "jsonl")


def test_mixed_line_endings_become_lf() -> None:
    assert normalize_text("a = 1\r\nb = 2\n", "toml") == "a = 1\nb = 2\n"


def test_normalize_file_keeps_the_encoding_and_byte_order_mark(tmp_path: Path) -> None:
    bom = tmp_path / "bom.json"
    bom.write_bytes(b'\xef\xbb\xbf{"a":1}')
    done = normalize_file(bom, DEFAULT)
    assert done.encoding == "utf-8-sig" and done.changed
    done.write()
    assert bom.read_bytes() == b'\xef\xbb\xbf{\n  "a": 1\n}\n'
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes('name;city\n"Zoë";"Orléans"\n'.encode("cp1252"))
    done = normalize_file(legacy, DEFAULT)
    done.write()
    assert legacy.read_bytes() == "name;city\nZoë;Orléans\n".encode("cp1252")


def test_normalize_file_detects_the_format_by_content(tmp_path: Path) -> None:
    path = tmp_path / ".prettierrc"
    path.write_text('{"semi":false}')
    done = normalize_file(path, DEFAULT)
    assert done.format == "json" and done.text == '{\n  "semi": false\n}\n'


def test_normalize_file_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("a: 1\na: 2\n")
    with pytest.raises(ParseError) as caught:
        normalize_file(path, DEFAULT)
    assert caught.value.source == str(path) and caught.value.line == 2
    with pytest.raises(UsageError, match="cannot read"):
        normalize_file(tmp_path / "missing.json", DEFAULT)


def test_diff_is_a_patch_even_without_a_final_newline() -> None:
    done = NormalizedFile(
        path="x.json", format="json", encoding="utf-8", original="[1,\n2]", text="[1, 2]\n"
    )
    assert done.diff() == (
        "--- a/x.json\n+++ b/x.json\n@@ -1,2 +1 @@\n-[1,\n-2]\n"
        "\\ No newline at end of file\n+[1, 2]\n"
    )


def test_writing_keeps_the_file_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text("a:    1\n")
    path.chmod(0o640)
    normalize_file(path, DEFAULT).write()
    assert path.read_text() == "a: 1\n"
    assert path.stat().st_mode & 0o777 == 0o640
    assert [entry.name for entry in tmp_path.iterdir()] == ["run.yaml"]
