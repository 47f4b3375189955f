"""JSON: strict reading, fast writing with orjson.

The strict reader is the standard library's, with hooks: NaN/Infinity, floats that
overflow, duplicate keys and lone surrogate escapes are ParseErrors (with where). It
costs 0.07-0.11 s on 6 MB against 0.05 s for orjson's reading and the checks below (the
benchmark's records.json), so orjson reads first
where it provably gives the same data (`_read_with_orjson`): orjson refuses everything
the strict reader refuses but two things it lets through silently, integers past 64 bits
(turned into floats) and duplicate keys (the last one kept), and both are ruled out at C
speed. Anything else (an error, a doubt) goes to the strict reader, which says where.
"""

from __future__ import annotations

import datetime
import json
import math
import re
import sys
from typing import Any

import orjson

from structconv import encoded, facts
from structconv.errors import ParseError, UnrepresentableError
from structconv.formats import Codec, too_deep, without_gc
from structconv.neutral import Data, PathPart, format_path, lone_surrogate, rebuild
from structconv.options import Options
from structconv.patterns import lazy_compile, long_run

# A loose pre-check: only texts with a surrogate escape get their strings inspected.
SURROGATE_ESCAPE = lazy_compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class DuplicateKeyError(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKeyError(key)
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


def _error(
    text: str, message: str, offset: int, hint: str = "", repairable: bool = True
) -> ParseError:
    line, column = _line_column(text, offset)
    return ParseError(
        message,
        format="json",
        line=line,
        column=column,
        snippet=_snippet(text, line),
        hint=hint or "fix the JSON at that position",
        repairable=repairable,
    )


_TOKEN = lazy_compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:]')


def _duplicate_offset(text: str) -> int:
    """Where the first repeated key stands; runs only after the parser found one.

    A token scan suffices: the text is otherwise valid JSON, so every ':' directly
    follows its key.
    """
    scopes: list[set[str] | None] = []
    last_string: tuple[str, int] | None = None
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token == "{":
            scopes.append(set())
        elif token == "[":
            scopes.append(None)
        elif token in "}]":
            if scopes:
                scopes.pop()
        elif token == ":":
            keys = scopes[-1] if scopes else None
            if keys is not None and last_string is not None:
                name, offset = last_string
                if name in keys:
                    return offset
                keys.add(name)
        else:
            last_string = (json.loads(token), match.start())
    return 0


def strict_decoder() -> json.JSONDecoder:
    """The decoder `loads` reads with (duplicate keys, NaN, Infinity and floats that
    overflow raise); json_records.py reads the items of a large array with its raw_decode."""
    return json.JSONDecoder(
        object_pairs_hook=_unique_pairs,
        parse_constant=_reject_constant,
        parse_float=_parse_float,
    )


# The digits of the longest integer that orjson reads as an integer for sure (2**63 has
# 19): a run as long may spell one past 64 bits, which it reads as a float.
_SAFE_DIGITS = 18


def _read_with_orjson(text: str | bytes) -> tuple[Data, bytes] | None:
    """orjson's data of `text` (or of its UTF-8 bytes) where it is the strict reader's, and
    its compact bytes; else None.

    Duplicate keys: in JSON text every ':' outside a string separates a member's name
    from its value, so the ':' characters of the text number its members plus those
    inside its strings; orjson's compact text of the data holds the data's members and
    its strings' ':' the same way. A repeated key drops a member (and its strings), so
    the two counts are equal exactly when no key repeats, provided no string spells a
    ':' as the escape \\u003a (then the strict reader decides). UTF-8 bytes count the
    same: no byte of a character past ASCII is ASCII."""
    if isinstance(text, str):
        doubtful = ("\\u003" in text and ("\\u003a" in text or "\\u003A" in text)) or long_run(
            text, "[0-9]", _SAFE_DIGITS + 1
        )
    else:  # (the same tests in bytes)
        doubtful = (b"\\u003" in text and (b"\\u003a" in text or b"\\u003A" in text)) or long_run(
            text, "[0-9]", _SAFE_DIGITS + 1
        )
    if doubtful:
        return None
    try:
        data = orjson.loads(text)
        image = orjson.dumps(data)
    except orjson.JSONDecodeError:
        return None  # invalid, or past orjson's nesting limit: the strict reader says where
    except orjson.JSONEncodeError:
        return None  # nested past what orjson writes
    colons = text.count(":") if isinstance(text, str) else text.count(b":")
    return (data, image) if image.count(b":") == colons else None


def loads(text: str, options: Options) -> Data:
    """The strict reader's data of `text` (see the module's docstring), or its ParseError."""
    data = _proven(_read_with_orjson(text))
    if data is not None:
        return data
    data = _read_with_stdlib(text, options)
    _reject_lone_surrogates(text, data)
    return data


def loads_utf8(raw: bytes) -> Data | None:
    """The strict reader's data of the file `raw`, read from its bytes where orjson reads
    them as the strict reader would their text: UTF-8 without a byte order mark (the only
    encoding RFC 8259 allows between systems; orjson refuses any other byte, and the
    mark, which the decoder then drops). Else None, and the caller decodes the text and
    calls `loads`, whose errors say where.

    Reading the bytes skips decoding them and orjson's encoding of the text back to
    UTF-8: text past ASCII is two or four bytes a character in Python."""
    with without_gc():
        return _proven(_read_with_orjson(raw))


def _proven(read: tuple[Data, bytes] | None) -> Data | None:
    """orjson's data, with what it proves of it recorded for the writers."""
    if read is None:
        return None
    data, image = read
    # orjson returns only JSON's types, its floats finite (it refuses NaN, Infinity and
    # 1e400); the writers need not walk the data to rule out the rest, and the YAML
    # writer's check takes the bytes made for the member count.
    facts.prove(data, facts.JSON_TYPES, facts.JSON_TYPES_OR_DATES, image=image)
    return data  # (orjson refuses lone surrogate escapes itself)


def _read_with_stdlib(text: str, options: Options) -> Data:
    try:
        return json.loads(
            text,
            object_pairs_hook=_unique_pairs,
            parse_constant=_reject_constant,
            parse_float=_parse_float,
        )
    except json.JSONDecodeError as error:
        raise _error(text, error.msg, error.pos) from None
    except DuplicateKeyError as duplicate:
        raise _error(
            text,
            f"duplicate key {duplicate.key!r}",
            _duplicate_offset(text),
            "JSON readers disagree on which value wins; remove one of them",
        ) from None
    except ValueError as error:
        spelling = str(error)
        if "integer string conversion" in spelling:
            digits = re.search(r"-?\d{4300,}", text)
            raise _error(
                text,
                "an integer of more than 4,300 digits (Python's limit for reading one)",
                digits.start() if digits else 0,
                "quote it to keep it as text",
                repairable=False,
            ) from None
        raise _error(
            text,
            f"{spelling} is not a finite JSON number",
            max(text.find(spelling), 0),
            "JSON has no NaN or Infinity; write null or a string",
        ) from None
    except RecursionError:
        if options.max_depth >= sys.getrecursionlimit():
            raise too_deep("json", options, recursed=True) from None
        raise _error(
            text,
            "nesting too deep for the JSON reader",
            0,
            f"the input nests deeper than {options.max_depth} levels",
            repairable=False,
        ) from None


def _reject_lone_surrogates(text: str, data: Data) -> None:
    """The stdlib decodes a lone `\\ud800` into an unencodable str; JSON means characters."""
    escape = SURROGATE_ESCAPE.search(text)
    if escape is not None and has_lone_surrogate(data):
        raise _error(
            text,
            "a lone surrogate escape is not a character",
            escape.start(),
            "write the character itself or a valid surrogate pair",
        )


def has_lone_surrogate(data: Data) -> bool:
    """Whether a string or key in `data` holds a lone surrogate (only a `\\udXXX` escape
    in the text can put one there: check `SURROGATE_ESCAPE` first, it is cheaper)."""
    return lone_surrogate(data) is not None


def _parse_float(spelling: str) -> float:
    value = float(spelling)
    if math.isinf(value):
        raise ValueError(spelling)
    return value


def represent_scalar(path: list[PathPart], value: Any) -> Any:
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

    def key(path: list[PathPart], name: Any) -> Any:
        if isinstance(name, str):
            return name
        if isinstance(name, tuple | frozenset):
            kind = "sequence" if isinstance(name, tuple) else "mapping"
            raise UnrepresentableError(
                format_path(path[:-1]),
                target,
                f"the key {_flow(name)} is a YAML {kind} used as a key, which no {target} "
                "key can hold",
                "quote it in the YAML if it is text (an unquoted template such as "
                "`{{name}}` reads as a mapping)",
            )
        if options.stringify_keys and (name is None or isinstance(name, int | float | bool)):
            return json.dumps(name)
        if options.stringify_keys and isinstance(name, datetime.date | datetime.time):
            return name.isoformat()  # as dates are written as values
        raise UnrepresentableError(
            format_path(path[:-1]),
            target,
            f"the key {name!r} is a {type(name).__name__}, not a string",
            "pass --stringify-keys to write such keys as strings",
        )

    return key


def _flow(key: Any) -> str:
    """A YAML complex key as YAML's flow style spells it (a mapping key reads as a
    frozenset of its items, a sequence key as a tuple)."""
    if isinstance(key, frozenset):
        return "{" + ", ".join(f"{_flow(name)}: {_flow(value)}" for name, value in key) + "}"
    if isinstance(key, tuple):
        return "[" + ", ".join(_flow(item) for item in key) + "]"
    return key if isinstance(key, str) else json.dumps(key, default=str)


JSON_NATIVE = (str, int, bool, type(None))


def represent(data: Data, options: Options) -> Data:
    return rebuild(
        data,
        represent_scalar,
        string_key("json", options),
        plain=JSON_NATIVE,
        plain_str_keys=True,
    )


def dumps(data: Data, options: Options) -> str:
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


# The scalar types orjson writes exactly (floats: only finite ones).
_EXACT_IN_ORJSON = frozenset({str, int, bool, type(None)})


def orjson_writes_exactly(data: Data) -> bool:
    """Whether orjson.dumps(data) holds exactly `data`.

    orjson raises on what it cannot write (keys that are not strings, integers past
    64 bits, lone surrogates, nesting past its limit), except for two silent mappings:
    NaN and the infinities become null, and dates, UUIDs and subclasses of the plain
    types become their text. One walk over the values rules both out. Re-reading the
    output with orjson instead would cost three times as much (measured on a 28 MB
    document: 0.82 s against 0.25 s) and, reading with the library that wrote, would
    only repeat its own assumptions.
    """
    if type(data) is not dict and type(data) is not list:
        return _exact_scalar(data)
    pending = [data]
    while pending:  # only containers go on the stack: the scalars are most of the work
        node = pending.pop()
        for value in node.values() if type(node) is dict else node:
            kind = type(value)
            if kind in _EXACT_IN_ORJSON:
                continue
            if kind is float:
                if value - value == 0.0:  # finite (NaN and the infinities give NaN)
                    continue
                return False
            if kind is dict or kind is list:
                pending.append(value)
            elif not _exact_scalar(value):
                return False
    return True


def _exact_scalar(value: Any) -> bool:
    kind = type(value)
    return kind in _EXACT_IN_ORJSON or (kind is float and math.isfinite(value))


def fast_write(data: Data, options: Options) -> str | None:
    """orjson's text when it holds exactly `data`, else None: the general path then writes
    it, with its precise errors for NaN, dates and the rest. Exactly: the walk of
    `orjson_writes_exactly` says so, or, where the reader proved that the data holds only
    JSON's types and dates (structconv.facts), orjson refuses the dates itself."""
    if options.indent not in (0, 2):
        return None
    flags = (orjson.OPT_INDENT_2 if options.indent == 2 else 0) | (
        orjson.OPT_SORT_KEYS if options.sort_keys else 0
    )
    if facts.proven(data, facts.JSON_TYPES_OR_DATES):
        flags |= orjson.OPT_PASSTHROUGH_DATETIME  # (and no `default`: a date raises)
    elif not orjson_writes_exactly(data):
        return None
    try:
        raw = orjson.dumps(data, option=flags | orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        return None  # keys that are not strings, integers past 64 bits, deep nesting
    text = raw.decode()
    encoded.keep(text, raw)  # a file write takes these bytes instead of encoding it again
    return text


CODEC = Codec(
    name="json",
    suffixes=(".json",),
    loads=loads,
    represent=represent,
    dumps=dumps,
    reread=loads,
    fast_write=fast_write,
)
