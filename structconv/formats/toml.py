"""TOML 1.1 and 1.0: strict reading with toml-rs, writing in the data's key order.

Reading: toml-rs (Rust, toml_edit) passes every case of toml-test's 1.1 and 1.0 lists
and reads a 2 MB file 11x faster than tomllib; it reads TOML 1.1 by default, and TOML
1.0 exactly with `toml_version="1.0"` (CLI `--toml-version 1.0`), which refuses what
only 1.1 allows (newlines and trailing commas in inline tables, `\\e` and `\\xHH`
escapes, times without seconds). Three things no TOML reader in Python does, done here:
- a date-time or time with more than 6 fractional digits (TOML allows nanoseconds, a
  Python datetime holds microseconds) is kept as its text, exactly as written, instead
  of cut;
- a float out of a double's range (`1e400`) is a ParseError, not infinity;
- an integer past Python's limit for integer text (4,300 digits) is a ParseError that
  names it (toml-rs reads it, but no writer could write it: a traceback before).
toml-rs crashes the process on arrays or inline tables nested some 5,000 deep, so the
text's bracket depth is checked first (only where it has that many brackets at all).

Writing: structconv.formats.toml_writer (order kept; see there why not a library).
A fast path writes the data as it is and verifies it by reading it back and comparing
in C (==, then orjson's bytes for the types); anything else takes the general path.

What TOML cannot hold is refused with the path and the option that allows it:
a top-level list or scalar (--root NAME puts it under a key), null (--null drop
or --null empty), non-string keys (--stringify-keys), integers outside 64 bits,
times with a UTC offset and offsets with seconds (TOML has neither).
"""

from __future__ import annotations

import datetime
import re
import sys
from typing import TYPE_CHECKING, Any, Literal

import toml_rs

from structconv.errors import SURROGATE_HINT, SURROGATE_WHY, ParseError, UnrepresentableError
from structconv.formats import Codec
from structconv.neutral import (
    DROP,
    Data,
    PathPart,
    format_path,
    lone_surrogate,
    rebuild,
)
from structconv.options import Options
from structconv.patterns import lazy_compile

if TYPE_CHECKING:
    from structconv.formats.toml_writer import Claim  # the writer loads only for a write

_POSITION = lazy_compile(r"at line (\d+), column (\d+)")
_TOMLLIB_POSITION = lazy_compile(r"\s*\(at line (\d+), column (\d+)\)$")
_SURROGATE = lazy_compile(r"[\ud800-\udfff]")
_INT64 = range(-(2**63), 2**63)
# Copied as they are; None (the null policy), int (64 bits) and datetime (offset) are checked.
_TOML_NATIVE = (str, float, bool, datetime.date)
_VERSIONS: dict[str, Literal["1.0.0", "1.1.0"]] = {"1.0": "1.0.0", "1.1": "1.1.0"}


# Pre-checks that send a text to the exact reading of its values: a time with a fraction
# of 7 digits or more; a number with an exponent of 3 digits, or of 250 digits or more.
# Found at C speed in the text's bytes with their characters mapped to a few shapes
# (a regex for them over every digit cost 40-80 ms on 3 MB), then kept where a value
# starts (after `=`, `[`, `,` or on a line of its own), which leaves out most of what
# strings hold (a UUID's `4e0139`); a string that passes is only read more slowly.
def _shape_table(shapes: dict[bytes, bytes]) -> bytes:
    table = bytearray(b" " * 256)
    for members, shape in shapes.items():
        for member in members:
            table[member] = shape[0]
    return bytes(table)


_NUMBER_SHAPES = _shape_table(
    {b"0123456789_": b"0", b"eE": b"e", b"+": b"+", b":": b":", b".": b"."}
)
_RUN_SHAPES = _shape_table({b"0123456789_abcdefABCDEFxo": b"0"})
_CANDIDATES = (
    (_NUMBER_SHAPES, (b":00.0000000", b"0e000", b"0e+000")),
    (_RUN_SHAPES, (b"0" * 250,)),
)
_VALUE_BEFORE = lazy_compile(rb"(?:[=\[,]|^)\s*[\w.:+ -]*\Z", re.MULTILINE)


def _needs_exact_reading(text: str) -> bool:
    raw = text.encode("utf-8", "surrogatepass")
    for table, needles in _CANDIDATES:
        shaped = raw.translate(table)
        for needle in needles:
            found = shaped.find(needle)
            while found != -1:
                if _VALUE_BEFORE.search(raw, max(0, found - 300), found + 1):
                    return True
                found = shaped.find(needle, found + len(needle))
    return False


_FRACTION = lazy_compile(r"\.(\d+)")

# Nesting: toml-rs recurses per array or inline table and overflows the C stack past
# some 5,000 levels (measured), so deeper text is refused before it reaches it.
_READER_NESTING_LIMIT = 1000
_KEPT_FOR_NESTING = b"\"'#\n[]{} \t=,."
_DROPPED_FOR_NESTING = bytes(byte for byte in range(256) if byte not in _KEPT_FOR_NESTING)
_ESCAPED_QUOTE = lazy_compile(rb'\\[\\"]')
_STRINGS_AND_COMMENTS = lazy_compile(
    rb'"""(?:[^"]|"(?!""))*"{3,5}' rb"|'''[\s\S]*?'{3,5}" rb'|"[^"\n]*"' rb"|'[^'\n]*'" rb"|#[^\n]*"
)
_NOT_BRACKET = bytes(byte for byte in range(256) if byte not in b"[]{}")
_ONE_BRACKET_KIND = bytes.maketrans(b"{}", b"[]")
_INNERMOST = lazy_compile(rb"\[\]")


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


def bracket_depth(text: str, limit: int) -> int:
    """How deep arrays and inline tables nest (table headers count too), up to `limit`.

    The text is cut down to what decides it, at C speed: escaped quotes and backslashes
    go, then everything but quotes, separators and brackets, then strings and comments,
    then the brackets left are peeled innermost pair by innermost pair; brackets that
    are never closed (broken text) nest all that follows them.
    """
    if text.count("[") + text.count("{") <= limit:
        return min(text.count("[") + text.count("{"), limit)
    reduced = _ESCAPED_QUOTE.sub(b"", text.encode("utf-8", "surrogatepass"))
    reduced = _STRINGS_AND_COMMENTS.sub(b"", reduced.translate(None, _DROPPED_FOR_NESTING))
    brackets = reduced.translate(_ONE_BRACKET_KIND, _NOT_BRACKET)
    levels = 0
    while levels < limit:
        peeled = _INNERMOST.sub(b"", brackets)
        if len(peeled) == len(brackets):
            break
        brackets = peeled
        levels += 1
    return min(levels + brackets.count(b"["), limit)  # brackets never closed hold the rest


def _check_nesting(text: str, options: Options) -> None:
    limit = min(options.max_depth, _READER_NESTING_LIMIT)
    if bracket_depth(text, limit + 1) <= limit:
        return
    if limit == options.max_depth:
        message = f"the data nests deeper than {limit} levels"
        hint = "raise the limit with --max-depth (API: max_depth=) if the file is trusted"
    else:
        message = f"arrays and inline tables nest deeper than {limit} levels"
        hint = "the TOML reader cannot read deeper nesting safely"
    raise ParseError(message, format="toml", hint=hint, repairable=False)


def _parse(text: str, options: Options) -> Any:
    return toml_rs.loads(text, toml_version=_VERSIONS[options.toml_version])


def _decode_error(text: str, error: toml_rs.TOMLDecodeError, options: Options) -> ParseError:
    """The first error of the text, as tomli says it (tomllib for TOML 1.0).

    toml-rs recovers from an error and reports the last of several, and the repair rules
    (structconv.repair.rules.toml) know the tomli/tomllib messages, so those readers,
    which stop at the first error, word it; only where they find none is toml-rs's
    message the one.
    """
    found = _first_error(text, options)
    if found is None:
        lines = error.msg.splitlines()
        match = _POSITION.search(lines[0]) if lines else None
        position = (
            (int(match.group(1)), int(match.group(2)))
            if match is not None
            else _line_column(text, len(text))
        )
        found = (lines[-1].strip() if lines else "invalid TOML", *position)
    message, line, column = found
    hint = "fix the TOML at that position"
    if options.toml_version == "1.0":
        try:
            toml_rs.loads(text, toml_version="1.1.0")
        except ValueError:  # TOMLDecodeError is one
            pass
        else:
            hint = "this is valid TOML 1.1; read it as 1.1 (the default) to accept it"
    return _error(text, message, line, column, hint)


def _first_error(text: str, options: Options) -> tuple[str, int, int] | None:
    # Imported here, on the error path only: start-up stays small.
    import tomllib

    import tomli

    try:
        (tomllib.loads if options.toml_version == "1.0" else tomli.loads)(text)
    except (tomllib.TOMLDecodeError, tomli.TOMLDecodeError) as error:
        return _tomllib_position(text, str(error))
    except RecursionError:  # nesting that toml-rs reads (at most 1,000 levels)
        return None
    return None


def _tomllib_position(text: str, message: str) -> tuple[str, int, int] | None:
    """tomllib's message without its position, and the position."""
    match = _TOMLLIB_POSITION.search(message)
    if match is not None:
        return message[: match.start()], int(match.group(1)), int(match.group(2))
    if message.endswith(" (at end of document)"):
        return (message.removesuffix(" (at end of document)"), *_line_column(text, len(text)))
    return None


def _exact(text: str, options: Options) -> Any:
    """The data with the values a plain read would change: sub-microsecond times kept as
    their text; floats that overflow and integers too long for Python's int() refused
    (read again, with each value's source text)."""
    document = toml_rs.load_with_metadata(text, toml_version=_VERSIONS[options.toml_version])
    digit_limit = sys.get_int_max_str_digits()
    too_long = 10**digit_limit if digit_limit else None

    def refuse(meta: dict[str, Any], message: str, hint: str) -> ParseError:
        line, column = meta["value_line"], meta["value_col"]
        return _error(
            text,
            message,
            line if isinstance(line, int) else line[0],
            column if isinstance(column, int) else column[0],
            hint,
            repairable=False,
        )

    def leaf(meta: dict[str, Any]) -> Any:
        if type(meta.get("key")) is not str and type(meta.get("value_line")) not in (int, tuple):
            return table(meta)  # toml-rs gives a `{}` inside nested arrays bare
        value, raw = meta["value"], meta.get("value_raw", "")  # none for an array of tables
        if type(value) is float and value in (float("inf"), float("-inf")) and "inf" not in raw:
            raise refuse(
                meta,
                f"{raw} is out of range for a 64-bit float (it would read as infinity)",
                "write inf if that is meant, or quote it to keep the digits as text",
            )
        if type(value) is int and too_long is not None and abs(value) >= too_long:
            raise refuse(
                meta,
                f"{raw[:20]}... is longer than Python's limit of {digit_limit:,} decimal digits",
                "TOML integers are 64-bit; quote it to keep the digits as text",
            )
        if isinstance(value, datetime.time | datetime.datetime):
            fraction = _FRACTION.search(raw)
            if fraction is not None and len(fraction.group(1)) > 6:
                return raw
        return element(value)

    def element(value: Any) -> Any:
        if type(value) is list:
            return [leaf(item) for item in value]
        if type(value) is dict:
            return table(value)
        return value

    def table(nodes: dict[str, Any]) -> dict[str, Any]:
        """A table's nodes: a key's (its name under "key": a table's "key" is a node) or a
        table's, for a table defined by a header or dotted keys."""
        return {
            name: leaf(node) if type(node.get("key")) is str else table(node)
            for name, node in nodes.items()
        }

    return table(document.meta["nodes"])


def loads(text: str, options: Options) -> Data:
    surrogate = _SURROGATE.search(text)
    if surrogate is not None:
        line, column = _line_column(text, surrogate.start())
        raise _error(
            text, "a lone surrogate is not a character", line, column, "fix the text's encoding"
        )
    if text.startswith("\ufeff"):  # decoding took off the one a file may start with
        raise _error(
            text,
            "a byte order mark (U+FEFF) is allowed only once, at the start of the file",
            1,
            1,
            "remove the extra byte order mark",
        )
    _check_nesting(text, options)
    try:
        data = _parse(text, options)
    except toml_rs.TOMLDecodeError as error:
        raise _decode_error(text, error, options) from None
    if _needs_exact_reading(text):
        return _exact(text, options)
    return data


def _reread(text: str, options: Options) -> Data:
    """Our own output: no nesting check (the writer bounds it) and nothing to keep exact
    (a Python datetime has no nanoseconds to write, an infinity is written `inf`)."""
    try:
        return _parse(text, options)
    except toml_rs.TOMLDecodeError as error:
        raise _decode_error(text, error, options) from None


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
        if isinstance(value, datetime.datetime):
            offset = value.utcoffset()
            if offset is not None and (offset.seconds % 60 or offset.microseconds):
                raise UnrepresentableError(
                    _path(path),
                    "toml",
                    f"the UTC offset of {value.isoformat()} has seconds; TOML offsets are whole minutes",
                )
            return value
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


def represent(data: Data, options: Options) -> Data:
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
    from structconv.formats.json import string_key  # (with orjson) only a write needs it

    return rebuild(
        data,
        _represent_scalar(options),
        string_key("toml", options),
        plain=_TOML_NATIVE,
        plain_str_keys=True,
    )


def _lone_surrogate(data: Data) -> UnrepresentableError:
    """The writer writes a lone surrogate as it is: name the first value or key that holds one."""
    where = lone_surrogate(data)
    if where is None:
        return UnrepresentableError("$", "toml", "the text holds a lone surrogate")
    return UnrepresentableError(_path(where), "toml", SURROGATE_WHY, SURROGATE_HINT)


def _write(data: dict[Any, Any], options: Options) -> str:
    from structconv.formats.toml_writer import write_document  # a check of TOML only reads

    return write_document(
        data, sort_keys=options.sort_keys, indent=options.indent, max_depth=options.max_depth
    )


def dumps(data: Data, options: Options) -> str:
    from structconv.formats.toml_writer import Unwritable

    try:
        text = _write(data, options)
    except Unwritable as error:  # represent maps and names what TOML cannot hold first
        raise UnrepresentableError("$", "toml", str(error)) from None
    except RecursionError:
        raise UnrepresentableError(
            "$", "toml", "the data nests too deep for the TOML writer"
        ) from None
    if _SURROGATE.search(text):
        raise _lone_surrogate(data)
    return text


def _tagged(value: Any) -> Any:
    """A date or time for orjson: `<date 2024-01-01>`, raw bytes no JSON token can be
    (nothing outside a string starts with "<", and ISO 8601 text holds no ">")."""
    import orjson

    if isinstance(value, datetime.date | datetime.time):
        return orjson.Fragment(f"<{type(value).__name__} {value.isoformat()}>".encode())
    raise TypeError


def _typed_bytes(data: Data, options: Options) -> bytes:
    import orjson  # only a write needs it (a check of TOML does not)

    flags = orjson.OPT_PASSTHROUGH_DATETIME | (orjson.OPT_SORT_KEYS if options.sort_keys else 0)
    return orjson.dumps(data, default=_tagged, option=flags)


def _reads_back(
    pieces: list[tuple[str, Claim | None]], data: dict[Any, Any], options: Options
) -> bool:
    """Whether the text that `pieces` join into (toml_writer.write_pieces) reads back as
    `data`, types, order and offsets included, at C speed, a piece at a time: the read-back
    of a large file's whole data took twice the memory and, on this machine, up to twice
    the time of its pieces (fresh memory is slow to come by here).

    A piece is read alone as the whole text would read it: each one parses alone, so none
    leaves a string, an array or an inline table open; each after the first starts at a
    header, which resets what TOML reads keys into; and each must hold exactly what it
    claims, one top-level key (of a table, or of one item of an array of tables). The
    claims must cover the data's keys once each, in its order, and each array's items in
    order: a table the whole text defines twice, or a key in two pieces, fails that.

    orjson's bytes tell every value of TOML's types from any other, 1 from 1.0 and True,
    -0.0 from 0.0, a date from its text, an offset from another, but for the floats it
    writes as `null` (NaN and the infinities; TOML data holds no None): where the bytes
    hold a `null`, `==` compares too (NaN is then unequal, and the general path compares
    the data)."""
    try:
        (root_text, _), *sections = pieces
        root = _parse(root_text, options)
        if not _same(root, {key: data[key] for key in root}, options):
            return False
        covered = list(root)
        next_item: dict[Any, int] = {}
        for text, claim in sections:
            if claim is None or not text.lstrip("\n").startswith("["):
                return False  # what comes before a header would belong to the table above
            again = _parse(text, options)
            if list(again) != [claim[0]]:
                return False
            key, index = claim
            value, expected = again[key], data[key]
            if index is not None:
                if type(value) is not list or len(value) != 1 or next_item.get(key, 0) != index:
                    return False
                next_item[key] = index + 1
                value, expected = value[0], expected[index]
            if index is None or index == 0:
                covered.append(key)
            if not _same(value, expected, options):
                return False
    except (toml_rs.TOMLDecodeError, ValueError, TypeError, KeyError, IndexError):
        return False  # (orjson's errors are TypeErrors)
    whole_arrays = all(len(data[key]) == count for key, count in next_item.items())
    keys_once = len(set(covered)) == len(covered) == len(data)
    in_order = options.sort_keys or covered == list(data)
    return whole_arrays and keys_once and in_order


def _same(again: Any, expected: Any, options: Options) -> bool:
    typed = _typed_bytes(expected, options)
    return _typed_bytes(again, options) == typed and (
        b"null" not in typed or bool(again == expected)
    )


def fast_write(data: Data, options: Options) -> str | None:
    """The text of data TOML holds as it is, verified when options.verify; else None, and
    the general path maps the data (represent) and names what TOML cannot hold."""
    if type(data) is not dict:
        return None
    from structconv.formats.toml_writer import Unwritable, write_pieces

    try:
        if not options.verify:
            text = _write(data, options)
            return None if _SURROGATE.search(text) else text
        text, pieces = write_pieces(
            data, sort_keys=options.sort_keys, indent=options.indent, max_depth=options.max_depth
        )
    except (Unwritable, RecursionError):
        return None
    if _SURROGATE.search(text) or not _reads_back(pieces, data, options):
        return None
    return text


CODEC = Codec(
    name="toml",
    suffixes=(".toml",),
    loads=loads,
    represent=represent,
    dumps=dumps,
    reread=_reread,
    fast_write=fast_write,
)
