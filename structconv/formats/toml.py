"""TOML: strict reading with the standard library's tomllib, writing with tomlkit.

tomllib rejects every invalid case of toml-test 1.0 and returns dates and times
as typed values, which structconv keeps. tomlkit writes plain dicts correctly in
every shape we test (arrays of tables, tables after scalars, quoted keys, mixed
arrays); verification in api.write rereads its output all the same.

What TOML cannot hold is refused with the path and the option that allows it:
a top-level list or scalar (--root NAME puts it under a key), null (--null drop
or --null empty), non-string keys (--stringify-keys), integers outside 64 bits
and times with a UTC offset (TOML has neither).
"""

from __future__ import annotations

import datetime
import re
import tomllib
from typing import Any

import tomlkit

from structconv.errors import ParseError, UnrepresentableError
from structconv.formats import Codec
from structconv.formats.json import string_key
from structconv.neutral import DROP, PathPart, format_path, iter_nodes, rebuild
from structconv.options import Options

_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_INT64 = range(-(2**63), 2**63)
# Copied as they are; None (the null policy) and int (64 bits) are checked.
_TOML_NATIVE = (str, float, bool, datetime.date, datetime.datetime)


def _snippet(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1][:200] if 0 < line <= len(lines) else ""


def _error(
    text: str, message: str, line: int, column: int, hint: str, repairable: bool = True
) -> ParseError:
    return ParseError(
        message,
        format="toml",
        line=line,
        column=column,
        snippet=_snippet(text, line),
        hint=hint,
        repairable=repairable,
    )


def _line_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def loads(text: str, options: Options) -> Any:
    surrogate = _SURROGATE.search(text)
    if surrogate is not None:
        line, column = _line_column(text, surrogate.start())
        raise _error(
            text, "a lone surrogate is not a character", line, column, "fix the text's encoding"
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = _POSITION.search(message)
        if match is None:
            message = message.replace(" (at end of document)", "")
            line, column = _line_column(text, len(text))
        else:
            message = message[: match.start()]
            line, column = int(match.group(1)), int(match.group(2))
        raise _error(text, message, line, column, "fix the TOML at that position") from None
    except RecursionError:
        raise _error(
            text,
            "nesting too deep for the TOML reader",
            0,
            0,
            f"the input nests deeper than {options.max_depth} levels",
            repairable=False,
        ) from None


def _path(parts: list[Any]) -> str:
    """format_path for paths whose keys were stringified (None, floats) on the way."""
    return format_path([part if isinstance(part, str | int) else repr(part) for part in parts])


def _represent_scalar(options: Options) -> Any:
    def scalar(path: list[PathPart], value: Any) -> Any:
        if value is None:
            if options.null == "drop":
                return DROP
            if options.null == "empty":
                return ""
            raise UnrepresentableError(
                _path(path), "toml", "TOML has no null", "pass --null drop or --null empty"
            )
        if isinstance(value, bool | float | str | datetime.date):
            return value
        if isinstance(value, int):
            if value not in _INT64:
                raise UnrepresentableError(
                    _path(path),
                    "toml",
                    f"{value} does not fit in a TOML integer (64 bits)",
                    "write it as a string first",
                )
            return value
        if isinstance(value, datetime.time):
            if value.tzinfo is not None:
                raise UnrepresentableError(
                    _path(path),
                    "toml",
                    f"the time {value.isoformat()} has a UTC offset; TOML times have none",
                )
            return value
        raise UnrepresentableError(_path(path), "toml", f"a {type(value).__name__} value")

    return scalar


def represent(data: Any, options: Options) -> Any:
    """A dict TOML can hold: a top-level non-table goes under options.root when it is set."""
    if not isinstance(data, dict):
        if options.root is None:
            raise UnrepresentableError(
                "$",
                "toml",
                f"a TOML document is a table, not a {type(data).__name__}",
                "pass --root NAME to put the data under a key",
            )
        data = {options.root: data}
    return rebuild(
        data,
        _represent_scalar(options),
        string_key("toml", options),
        plain=_TOML_NATIVE,
        plain_str_keys=True,
    )


def _sorted(data: Any) -> Any:
    """A copy with every table's keys in order (tomlkit keeps insertion order)."""
    if isinstance(data, dict):
        return {key: _sorted(data[key]) for key in sorted(data)}
    if isinstance(data, list):
        return [_sorted(item) for item in data]
    return data


def _lone_surrogate(data: Any) -> UnrepresentableError:
    """tomlkit writes a lone surrogate as it is: name the first value or key that holds one."""
    for path, node in iter_nodes(data):
        places = [(node, list(path))]
        if isinstance(node, dict):
            places += [(name, [*path, name]) for name in node]
        for value, where in places:
            if isinstance(value, str) and _SURROGATE.search(value):
                return UnrepresentableError(
                    _path(where),
                    "toml",
                    "the text holds a lone surrogate, which is not a character",
                    "fix the text's encoding",
                )
    return UnrepresentableError("$", "toml", "the text holds a lone surrogate")


def dumps(data: Any, options: Options) -> str:
    try:
        text = tomlkit.dumps(_sorted(data) if options.sort_keys else data)
    except RecursionError:
        raise UnrepresentableError(
            "$", "toml", "the data nests too deep for the TOML writer"
        ) from None
    if _SURROGATE.search(text):
        raise _lone_surrogate(data)
    return text


CODEC = Codec(
    name="toml",
    suffixes=(".toml",),
    loads=loads,
    represent=represent,
    dumps=dumps,
    reread=loads,
)
