"""JSON5: JSON for humans (comments, trailing commas, single quotes, bare keys, hex,
`.5`, `+1`, NaN and Infinity, strings continued over lines).

Reading uses the `json5` package (the reference Python implementation): of the PyPI
readers measured on the JSON5 test suite (benchmarks/jsonc_parsers_bench.py,
benchmarks/results/jsonc_parsers.md) it is one of the two that accept and refuse every
case as the spec does, and the only one of those that refuses duplicate keys (pyjson5,
a thousand times faster, keeps the last value silently) and reports line and column.
It is pure Python (about 2 ms for a tsconfig-sized file, 7 s per MB): JSON5 files are
small configuration files; big data belongs in JSON.

Writing renders JSON text (JSON5 is a superset), with NaN and Infinity spelled as
JSON5 spells them; comments carried from another format go where they belong.
"""

from __future__ import annotations

import math
from typing import Any

import json5

from structconv.errors import ParseError
from structconv.formats import Codec
from structconv.formats import json as strict_json
from structconv.neutral import Data, PathPart, rebuild
from structconv.options import Options
from structconv.patterns import lazy_compile

_POSITION = lazy_compile(r"^<string>:(\d+) (.*) at column (\d+)$")
_DUPLICATE = lazy_compile(r'^Duplicate key "(.*)" found in object$')


def _duplicate_position(text: str, key: str) -> tuple[int, int]:
    """Where `key` is repeated in one object, from the syntax tree (on the error path only)."""
    from structconv.formats.commented_json import SyntaxTreeError, decode_key, parse, walk

    try:
        tree = parse(text)
    except SyntaxTreeError:
        return 0, 0
    for container in walk(tree.value):
        seen: set[str] = set()
        for entry in container.entries:
            if entry.key is None:
                continue
            name = decode_key(entry.key)
            if name == key and name in seen:
                return strict_json._line_column(text, entry.key_offset)
            seen.add(name)
    return 0, 0


def _error(text: str, message: str, line: int, column: int, hint: str) -> ParseError:
    return ParseError(
        message,
        format="json5",
        line=line,
        column=column,
        snippet=strict_json._snippet(text, line),
        hint=hint,
    )


def loads(text: str, options: Options) -> Data:
    try:
        return json5.loads(text, allow_duplicate_keys=False)
    except RecursionError:
        raise ParseError(
            "nesting too deep for the JSON5 reader",
            format="json5",
            hint=f"the input nests deeper than {options.max_depth} levels",
            repairable=False,
        ) from None
    except ValueError as error:
        message = str(error)
        duplicate = _DUPLICATE.match(message)
        if duplicate is not None:
            line, column = _duplicate_position(text, duplicate.group(1))
            raise _error(
                text,
                f"duplicate key {duplicate.group(1)!r}",
                line,
                column,
                "JSON5 readers disagree on which value wins; remove one of them",
            ) from None
        position = _POSITION.match(message)
        if position is None:
            raise _error(text, message, 0, 0, "fix the JSON5") from None
        line, column = int(position.group(1)), int(position.group(3))
        raise _error(
            text, position.group(2), line, column, "fix the JSON5 at that position"
        ) from None


def _represent_scalar(path: list[PathPart], value: Any) -> Any:
    """JSON's mapping, except that NaN and the infinities stay numbers."""
    if isinstance(value, float) and not math.isfinite(value):
        return value
    return strict_json.represent_scalar(path, value)


def represent(data: Data, options: Options) -> Data:
    return rebuild(
        data,
        _represent_scalar,
        strict_json.string_key("json5", options),
        plain=strict_json.JSON_NATIVE,
        plain_str_keys=True,
    )


def dumps(data: Data, options: Options) -> str:
    from structconv.formats.commented_json import render_data

    return render_data(data, options, nonfinite=True)


CODEC = Codec(
    name="json5",
    suffixes=(".json5",),
    loads=loads,
    represent=represent,
    dumps=dumps,
    reread=loads,
)
