"""JSONC: real files (tests/formats/fixtures/jsonc, see SOURCES.md there) read without
repair, detection by path and content, and errors with their positions."""

from __future__ import annotations

from pathlib import Path

import json5
import pytest

from structconv import ParseError, convert
from structconv.formats import read
from structconv.formats.detect import detect_format
from structconv.formats.jsonc import as_json, is_jsonc_path
from structconv.options import Options

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "jsonc"
REAL_FILES = sorted(
    path.relative_to(FIXTURES).as_posix() for path in FIXTURES.rglob("*.json") if path.is_file()
)


def test_the_real_files_are_there() -> None:
    assert len(REAL_FILES) == 6


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_files_are_detected_as_jsonc_and_read_as_json5_reads_them(name: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    assert detect_format(text, name) == "jsonc"
    assert read(text, "jsonc", Options()) == json5.loads(text)


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_files_convert_without_repair(name: str) -> None:
    result = convert((FIXTURES / name).read_bytes(), to="yaml", name=name, repair="off")
    assert result.source_format == "jsonc"
    assert result.fixes == ()


def test_a_listed_file_that_is_plain_json_stays_json() -> None:
    assert detect_format('{"compilerOptions": {"strict": true}}', "tsconfig.json") == "json"
    # `//` inside a string is no comment
    assert detect_format('{"$schema": "https://x.org/s.json"}', "tsconfig.json") == "json"


def test_a_json_file_that_is_not_listed_stays_strict_json() -> None:
    text = '{"a": 1, // note\n}'
    assert detect_format(text, "data/records.json") == "json"
    assert convert(text, to="yaml", name="data/records.json").fixes  # repaired, as before
    assert detect_format(text, "tsconfig.json") == "jsonc"
    assert convert(text, src="jsonc", to="yaml", repair="off").text == "a: 1  # note\n"


def test_a_listed_file_broken_beyond_comments_stays_json_for_the_repair_path() -> None:
    assert detect_format('{"a": 1 // note\n "b": 2}', ".vscode/settings.json") == "json"


@pytest.mark.parametrize(
    ("path", "listed"),
    [
        ("tsconfig.json", True),
        ("packages/app/tsconfig.build.json", True),
        ("jsconfig.json", True),
        ("project/.vscode/launch.json", True),
        (".vscode/settings.json", True),
        (".devcontainer/devcontainer.json", True),
        (".devcontainer/python/devcontainer.json", True),
        ("repo/.eslintrc.json", True),
        (".babelrc", True),
        ("my.code-workspace", True),
        ("package.json", False),
        ("vscode/settings.json", False),
        (".vscode/sub/settings.json", False),
        ("data/tsconfig.json.bak", False),
    ],
)
def test_the_well_known_list(path: str, listed: bool) -> None:
    assert is_jsonc_path(path) is listed


def test_jsonc_files_in_the_settings_add_files(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".structconv.toml").write_text('jsonc_files = ["config/*.json"]\n')
    (tmp_path / "config").mkdir()
    listed = tmp_path / "config" / "app.json"
    listed.write_text('{\n  "port": 80, // the port\n}\n')
    other = tmp_path / "other.json"
    other.write_text(listed.read_text())
    assert detect_format(listed.read_text(), listed) == "jsonc"
    assert detect_format(other.read_text(), other) == "json"


def test_blanking_keeps_every_position() -> None:
    text = '{\n  /* a\n  b */ "a": 1, // c\n  "b": [1, 2,],\n}'
    plain, changed = as_json(text)
    assert changed
    assert len(plain) == len(text)
    assert plain.count("\n") == text.count("\n")
    with pytest.raises(ParseError) as caught:
        read('{\n  // fine\n  "a": 1,\n  "b": [1 2]\n}', "jsonc", Options())
    assert (caught.value.format, caught.value.line, caught.value.column) == ("jsonc", 4, 11)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[,]", "Expecting value"),
        ("{,}", "Expecting property name"),
        ("[1,,]", "Expecting value"),
        ('{"a": 1} /* open', "block comment is not closed"),
        ('{"a": 1, "a": 2}', "duplicate key"),
        ("{'a': 1}", "Expecting property name"),  # single quotes are JSON5, not JSONC
        ('{"a": NaN}', "NaN"),
    ],
)
def test_what_jsonc_refuses(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        read(text, "jsonc", Options())


def test_comment_markers_inside_strings_are_text() -> None:
    text = '{"url": "https://a/*b*/", "c": "// no", /* yes */ "d": [",]"],}'
    assert read(text, "jsonc", Options()) == {"url": "https://a/*b*/", "c": "// no", "d": [",]"]}
