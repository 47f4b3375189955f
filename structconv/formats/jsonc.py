"""JSONC, JSON with comments: JSON plus `//` and `/* */` comments and trailing commas.

The dialect of tsconfig.json, VS Code's settings and devcontainer.json. Reading blanks
each comment and trailing comma with spaces (line breaks kept, so every offset stays
where it was) and hands the text to structconv's strict JSON reader: the same
refusals (duplicate keys, NaN, lone surrogates), exact big integers and precise
positions as JSON, at the standard library's C speed (benchmarks/jsonc_parsers_bench.py
measures this against the PyPI JSONC and JSON5 readers). Anything else JSON5 allows
(single quotes, bare keys, hex) is an error here; read such files as `json5`.

Writing renders the data as indented JSON (structconv.formats.commented_json), where
structconv.comments can place the comments carried from YAML, TOML or another JSONC file.

Which `.json` files are JSONC: `JSONC_FILE_PATTERNS` (the well-known ones), plus
`jsonc_files` patterns in the project's `.structconv.toml` or `[tool.structconv]`;
detection reads such a file as JSONC when it parses as JSONC but not as strict JSON.
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import PurePath

from structconv.errors import ParseError
from structconv.formats import Codec
from structconv.formats import json as strict_json
from structconv.formats.detect import maybe_jsonc
from structconv.neutral import Data
from structconv.options import Options
from structconv.patterns import lazy_compile

# Files named .json that their tools read as JSON with comments, by the tool that reads
# them (patterns without '/' match the file name anywhere; with '/' the path's last
# parts, one pattern part for each).
JSONC_FILE_PATTERNS: tuple[str, ...] = (
    "tsconfig.json",  # TypeScript
    "tsconfig.*.json",
    "tsconfig-*.json",
    "jsconfig.json",  # VS Code's JavaScript projects
    "jsconfig.*.json",
    ".vscode/*.json",  # VS Code: settings, launch, tasks, extensions
    "*.code-workspace",
    "devcontainer.json",  # Dev Containers
    ".devcontainer.json",
    ".devcontainer/*.json",
    ".devcontainer/*/devcontainer.json",
    ".eslintrc.json",  # ESLint (legacy configuration)
    ".eslintrc",
    ".babelrc",  # Babel
    ".babelrc.json",
    "babel.config.json",
    ".swcrc",  # SWC
    "api-extractor.json",  # Microsoft's Rush stack
    "tslint.json",
    ".jshintrc",
    "turbo.json",  # Turborepo
    "biome.json",  # Biome reads .json with comments too
    "deno.json",
    "typedoc.json",
    "nest-cli.json",
    "language-configuration.json",  # VS Code extensions
    ".markdownlint.json",
    "renovate.json",
    ".renovaterc.json",
)

# A string (skipped), a comment, or a comma that a closing bracket follows.
_TOKEN = lazy_compile(
    r'"(?:[^"\\\n]|\\.)*"'
    r"|//[^\n]*"
    r"|/\*(?:[^*]|\*(?!/))*(?:\*/)?"
    r"|,(?=(?>\s|//[^\n]*+|/\*(?:[^*]|\*(?!/))*+\*/)*+[\]}])"
)
_VALUE_ENDS = frozenset('"0123456789el]}')  # the last character of a value (true, null)


def _blank(token: str) -> str:
    """Spaces instead of `token`, its line breaks kept (positions stay the same)."""
    return re.sub(r"[^\n\r]", " ", token)


def _unterminated(text: str, offset: int) -> ParseError:
    line, column = strict_json._line_column(text, offset)
    return ParseError(
        "a block comment is not closed",
        format="jsonc",
        line=line,
        column=column,
        snippet=strict_json._snippet(text, line),
        hint="close it with */",
    )


def as_json(text: str) -> tuple[str, bool]:
    """`text` with its comments and trailing commas blanked out, and whether it had any.

    A comma is blanked only after a value: `[,]` and `{,}` stay invalid, as in JSONC.
    """
    if not maybe_jsonc(text):
        return text, False
    pieces: list[str] = []
    position = 0
    last = ""  # the last character of JSON syntax before the current match
    changed = False
    for match in _TOKEN.finditer(text):
        start, token = match.start(), match.group()
        gap = text[position:start].rstrip()
        if gap:
            last = gap[-1]
        pieces.append(text[position:start])
        position = match.end()
        if token[0] == '"':
            pieces.append(token)
            last = '"'
        elif token == ",":
            if last in _VALUE_ENDS:
                pieces.append(" ")
                changed = True
            else:
                pieces.append(token)
                last = ","
        else:
            if token.startswith("/*") and (len(token) < 4 or not token.endswith("*/")):
                raise _unterminated(text, start)
            pieces.append(_blank(token))
            changed = True
    pieces.append(text[position:])
    return "".join(pieces), changed


def _renamed(error: ParseError, text: str) -> ParseError:
    return ParseError(
        error.message,
        format="jsonc",
        line=error.line,
        column=error.column,
        snippet=strict_json._snippet(text, error.line),
        hint=error.hint.replace("the JSON", "the JSONC"),
        repairable=error.repairable,
    )


def loads(text: str, options: Options) -> Data:
    plain, _ = as_json(text)
    try:
        data = strict_json.loads(plain, options)
    except ParseError as error:
        raise _renamed(error, text) from None
    return data


def uses_jsonc_syntax(text: str) -> bool:
    """Whether `text` is JSONC that strict JSON refuses: it parses as JSONC and has a
    comment or a trailing comma."""
    try:
        _, changed = as_json(text)
        if not changed:
            return False
        loads(text, Options())
    except (ParseError, RecursionError):
        return False
    return True


def is_jsonc_path(path: str | os.PathLike[str]) -> bool:
    """Whether `path` is one of the well-known JSON-with-comments files (the project's
    own `jsonc_files` are matched by structconv.settings_file)."""
    parts = PurePath(path).as_posix().split("/")
    for pattern in JSONC_FILE_PATTERNS:
        wanted = pattern.split("/")
        tail = parts[-len(wanted) :]
        if len(tail) == len(wanted) and all(map(fnmatch.fnmatchcase, tail, wanted)):
            return True
    return False


def represent(data: Data, options: Options) -> Data:
    return strict_json.represent(data, options)


def dumps(data: Data, options: Options) -> str:
    from structconv.formats.commented_json import render_data

    return render_data(data, options, nonfinite=False)


CODEC = Codec(
    name="jsonc",
    suffixes=(".jsonc",),
    loads=loads,
    represent=represent,
    dumps=dumps,
    reread=loads,
)
