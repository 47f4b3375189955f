"""JSON: strict reading with the standard library, fast writing with orjson.

Reading uses `json` rather than orjson because orjson turns integers past 64
bits into floats (data loss) and keeps the last of duplicate keys silently; the
stdlib's C scanner is as fast here (measured in benchmarks/). Strictness added on
top: NaN/Infinity, duplicate keys and lone surrogate escapes are ParseErrors.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from typing import Any

import orjson

from structconv.errors import ParseError, UnrepresentableError
from structconv.formats import Codec
from structconv.neutral import PathPart, format_path, rebuild
from structconv.options import Options

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|"
                               r"(?<![0-9a-fA-F]{2}\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _snippet(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1][:200] if 0 < line <= len(lines) else ""


def _error(text: str, message: str, offset: int, hint: str = "") -> ParseError:
    line, column = _line_column(text, offset)
    return ParseError(
        message,
        format="json",
        line=line,
        column=column,
        snippet=_snippet(text, line),
        hint=hint or "fix the JSON at that position",
    )


def _duplicate_offset(text: str, key: str) -> int:
    """Where the second occurrence of `key` as an object key stands in one object.

    Runs only after a duplicate was found: the pure-Python scanner knows positions.
    """
    decoder = json.JSONDecoder()
    offsets: list[int] = []

    def parse_object(state: tuple[str, int], *args: Any) -> tuple[dict[str, Any], int]:
        start = state[1]

        def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
            names = [name for name, _ in pairs]
            if names.count(key) > 1 and not offsets:
                pattern = re.compile(json.dumps(key).replace("\\", "\\\\") + r"\s*:")
                found = [match.start() for match in pattern.finditer(text, start)]
                offsets.append(found[1] if len(found) > 1 else start)
            return dict(pairs)

        return json.decoder.JSONObject(state, args[0], args[1], None, pairs_hook, {})

    decoder.parse_object = parse_object  # type: ignore[method-assign,assignment]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    try:
        decoder.decode(text)
    except ValueError:
        pass
    return offsets[0] if offsets else 0


def loads(text: str, options: Options) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_unique_pairs, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise _error(text, error.msg, error.pos) from None
    except _DuplicateKey as duplicate:
        raise _error(
            text,
            f"duplicate key {duplicate.key!r}",
            _duplicate_offset(text, duplicate.key),
            "JSON readers disagree on which value wins; remove one of them",
        ) from None
    except ValueError as error:
        constant = str(error)
        raise _error(
            text,
            f"{constant} is not JSON",
            max(text.find(constant), 0),
            "JSON has no NaN or Infinity; write null or a string",
        ) from None
    except RecursionError:
        raise _error(
            text,
            "nesting too deep for the JSON reader",
            0,
            f"the input nests deeper than {options.max_depth} levels",
        ) from None


def check_surrogates(text: str) -> None:
    if "\\u" not in text:
        return
    match = _SURROGATE_ESCAPE.search(text)
    if match:
        raise _error(
            text,
            f"lone surrogate escape {match.group(0)} is not a character",
            match.start(),
            "write the character itself or a valid surrogate pair",
        )


def _loads_strict(text: str, options: Options) -> Any:
    data = loads(text, options)
    check_surrogates(text)
    return data


def represent_scalar(path: tuple[PathPart, ...], value: Any) -> Any:
    """Dates and times become ISO 8601 strings: JSON has no such type."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        raise UnrepresentableError(
            format_path(path), "json", f"{value} is not a JSON number", "write it as a string first"
        )
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise UnrepresentableError(format_path(path), "json", f"a {type(value).__name__} value")


def string_key(target: str, options: Options) -> Any:
    """A key callback for `rebuild`: targets whose keys are strings refuse other keys unless asked."""

    def key(path: tuple[PathPart, ...], name: Any) -> Any:
        if isinstance(name, str):
            return name
        if options.stringify_keys and (name is None or isinstance(name, int | float | bool)):
            return json.dumps(name)
        raise UnrepresentableError(
            format_path(path[:-1]),
            target,
            f"the key {name!r} is a {type(name).__name__}, not a string",
            "pass --stringify-keys to write such keys as strings",
        )

    return key


def represent(data: Any, options: Options) -> Any:
    return rebuild(data, represent_scalar, string_key("json", options))


def dumps(data: Any, options: Options) -> str:
    flags = orjson.OPT_SORT_KEYS if options.sort_keys else 0
    if options.indent == 2:
        flags |= orjson.OPT_INDENT_2
    if options.indent in (0, 2):
        try:
            return orjson.dumps(data, option=flags).decode() + "\n"
        except orjson.JSONEncodeError:
            pass  # integers past 64 bits: the stdlib writes them exactly
    return (
        json.dumps(
            data,
            ensure_ascii=False,
            indent=options.indent or None,
            separators=(",", ":") if not options.indent else None,
            sort_keys=options.sort_keys,
        )
        + "\n"
    )


CODEC = Codec(
    name="json",
    suffixes=(".json",),
    loads=_loads_strict,
    represent=represent,
    dumps=dumps,
    reread=_loads_strict,
)
