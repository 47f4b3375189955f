"""Normalizing JSONC and JSON5: real files keep every comment, their trailing commas and
their data; a second run changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from structconv.formats import read
from structconv.formats.commented_json import parse, walk
from structconv.normalize import normalize_file, normalize_text
from structconv.normalize.settings import NormalizeSettings
from structconv.options import Options

FIXTURES = Path(__file__).resolve().parent.parent / "formats" / "fixtures" / "jsonc"
REAL_FILES = sorted(
    path.relative_to(FIXTURES).as_posix() for path in FIXTURES.rglob("*.json") if path.is_file()
)


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_files_keep_comments_data_and_trailing_commas(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True)
    shutil.copy(FIXTURES / name, path)
    done = normalize_file(path, NormalizeSettings())
    assert done.format == "jsonc"
    before, after = parse(done.original), parse(done.text)
    assert after.comments() == before.comments()
    assert read(done.text, "jsonc", Options()) == read(done.original, "jsonc", Options())
    assert [c.trailing_comma for c in walk(after.value)] == [
        c.trailing_comma for c in walk(before.value)
    ]
    assert normalize_text(done.text, "jsonc") == done.text


def test_the_tsconfig_layout() -> None:
    text = (
        FIXTURES / "vscode-extension-samples" / "chat-context-sample" / "tsconfig.json"
    ).read_text()
    assert normalize_text(text, "jsonc") == (
        "{\n"
        '  "compilerOptions": {\n'
        '    "module": "Node16",\n'
        '    "target": "ES2022",\n'
        '    "outDir": "out",\n'
        '    "lib": ["ES2022"],\n'
        '    "sourceMap": true,\n'
        '    "rootDir": "src",\n'
        '    "strict": true, /* enable all strict type-checking options */\n'
        "    /* Additional Checks */\n"
        '    // "noImplicitReturns": true, /* Report error when not all code paths in function'
        " return a value. */\n"
        '    // "noFallthroughCasesInSwitch": true, /* Report errors for fallthrough cases in'
        " switch statement. */\n"
        '    // "noUnusedParameters": true,  /* Report errors on unused parameters. */\n'
        "  }\n"
        "}\n"
    )


def test_json5_keeps_its_spellings() -> None:
    text = "// head\n{a: 0x1F,   b: 'q', c: [.5, +1, NaN,],}"
    assert (
        normalize_text(text, "json5")
        == "// head\n{\n  a: 0x1F,\n  b: 'q',\n  c: [.5, +1, NaN],\n}\n"
    )
