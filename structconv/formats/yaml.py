"""YAML 1.2: reading with yaml-rs (Rust, fast), writing with yaml-rs checked by a reread.

yaml-rs gives YAML 1.2 plain data ("no" and "on" stay strings, 0o17 is 15). What it
lacks, and what this module adds:

- Tags, merge keys, aliases: yaml-rs drops the tags it does not know, keeps `<<` as a
  key and copies aliased nodes bounded by a count of events. Cheap scans of the text
  find where these may be (and quoted keys that spell a tag, and numbers that cannot
  be kept exactly); a parse with positions then decides, and the files that use them
  (a few percent, usually small) are read by structconv.formats.yaml_events, which
  keeps tags under the convention of structconv.formats.yaml_tags, merges `<<`, and
  bounds aliases by characters (Options.max_alias_bytes). The YAML 1.2 core tags
  (!!str ... !!seq) are applied by yaml-rs as on any file.
- Positions: duplicate keys come without a line; the events (libyaml, ruamel.yaml's
  YAML 1.2 parser where libyaml refuses the text) find them, on the error path only.
- Timestamps: plain `2024-01-01` reads as a date (and datetimes and times as
  such), but yaml-rs also types *quoted* "2024-01-01".
- Numbers: yaml-rs also reads `1_000`, `_80`, `0x_1` and `0b101` as numbers, which
  the YAML 1.2 core schema reads as strings (an identifier `_80` must not become 80).
  Both kinds of scalar are marked before parsing so that they stay strings (see
  `_mark_strings_yaml_rs_would_type`).
- A block scalar at the very end of a text without a final line break has no line
  break of its own (`a: |\n  x` is "x"); yaml-rs adds one, which is taken back.
- Streams: yaml-rs returns a list for several documents, the same as for one
  document that is a list; the document markers are counted here. More than one
  document is an error unless Options.multi_document asks for the list.
- Deep input: yaml-rs recurses on the machine stack and would crash the process
  past about 11,000 levels, so text that could nest that deep is parsed in a
  thread with a stack sized for it.

Writing: yaml-rs output is proven exact by scans (structconv.formats.yaml_exact), or
else reread and compared; where it would change the data
(it writes the string "2024-01-01" unquoted, quotes naive datetimes, a tag mapping
as a mapping) libyaml's emitter writes it instead, quoting exactly the strings a
YAML 1.2 reader would type (the resolver is yaml-rs itself), writing the tag
convention's mappings as tags and quoting an ordinary `<<` key. A `time` has no YAML
type and is written as an ISO 8601 string. The libyaml writer does not indent a list
under a key. A single document has no `---`; with multi_document every document
starts with one.
"""

from __future__ import annotations

import _thread
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import yaml_rs

from structconv import encoded, facts
from structconv.errors import SURROGATE_HINT, SURROGATE_WHY, ParseError, UnrepresentableError
from structconv.formats import Codec
from structconv.formats.yaml_events import (
    LONG_NUMBER,
    NOT_A_YAML_1_2_NUMBER,
    Parsed,
    error,
    error_at_mark,
    inexact_number,
    line_column,
    needs_event_reader,
    parse_events,
    read_events,
    unused_characters,
)
from structconv.formats.yaml_finite import (
    MANTISSA_WINDOW,
    Numbers,
    float_start,
    may_spell_non_finite,
    numbers,
)
from structconv.formats.yaml_tags import CORE
from structconv.neutral import (
    Data,
    PathPart,
    depth,
    first_difference,
    format_path,
    iter_nodes,
    lone_surrogate,
    rebuild,
)
from structconv.options import Options
from structconv.patterns import lazy_compile, long_run

if TYPE_CHECKING:
    from structconv.formats.yaml_emitter import Untaggable

_T = TypeVar("_T")

_ALIAS_LIMITS = yaml_rs.AliasLimits()

_POSITION = lazy_compile(r"YAML parse error at line (\d+), column (\d+)")
# c-printable in the YAML 1.2 spec, negated: raw control characters and lone surrogates.
_NOT_PRINTABLE = lazy_compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)
# The same test on the text's UTF-8 bytes (which hold no surrogate): the bytes that
# are not ASCII controls, deleted by bytes.translate (0.5 ns a byte, where the regex
# above takes 3-4 ns a character), then the C1 controls (C2 80-9F but 85, NEL) and
# the noncharacters U+FFFE and U+FFFF (EF BF BE, EF BF BF), each found from its literal
# first bytes, and looked for only where that first byte stands.
_PRINTABLE_BYTES = b"\t\n\r" + bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100))
_C1_UTF8 = lazy_compile(rb"\xc2[\x80-\x84\x86-\x9f]")
_NONCHARACTER_UTF8 = lazy_compile(rb"\xef\xbf[\xbe\xbf]")
# At column 0 these are always document markers in YAML 1.2 (c-forbidden).
_DOCUMENT_MARKER = lazy_compile(r"^(?:---|\.\.\.)(?=[ \t\r\n]|\Z)", re.MULTILINE)
_MARKER_HINT = lazy_compile(r"\n(?:---|\.\.\.)")
_CONTENT_LINE = lazy_compile(r"^(?:[ \t]*[^\s#%]|[ \t]+%)", re.MULTILINE)
_TIMESTAMP = r"(?:\d{4}-\d\d-\d\d|\d\d?:\d\d:\d\d)"
# Quoted, escaped or block scalars that yaml-rs would type as timestamps; separate
# patterns, each starting with a literal, because the regex engine then jumps from one
# occurrence of it to the next (measured: ["'] first scans 20 MB in 0.19 s, ' in 0.01 s).
# Each beside its literal: a text without it needs neither the scan nor the compiling
# (0.1-0.2 ms each, a few percent of checking a small file).
_NON_PLAIN_TIMESTAMP = (
    ("'", lazy_compile(rf"""'(?P<at>{_TIMESTAMP})""")),
    ('"', lazy_compile(rf'"(?P<at>{_TIMESTAMP}|[\d:.Tt Zz+-]*\\)')),
    ("|", lazy_compile(rf"\|[1-9]?-[1-9]?[ \t]*(?:#.*)?\n[ \t]+(?P<at>{_TIMESTAMP})")),
    (">", lazy_compile(rf">[1-9]?-[1-9]?[ \t]*(?:#.*)?\n[ \t]+(?P<at>{_TIMESTAMP})")),
)
# Plain scalars that yaml-rs reads as numbers and YAML 1.2 as strings: found from
# their rare parts (fast literal scans), then checked as whole tokens.
# The look-behind comes after the literal, so the scan still jumps from "_" to "_".
_NUMBER_HINTS = (
    lazy_compile(r"_(?<=[\d \t\r\n\[{,:+-]_)"),
    lazy_compile(r"0(?<=[ \t\r\n\[{,:+-]0)(?:[bB][01]|[xX][\dA-Fa-f]*_|[oO][0-7]*_)"),
)
# Hints of what only the event reader keeps (structconv.formats.yaml_events): an alias
# (`*` after a separator), a quoted key starting with "!" (the tag convention), an explicit
# key `? ` (which may be a block scalar); a float exponent of 3 digits is where
# yaml_finite.numbers found one (_may_overflow tells those that may overflow).
_ALIAS = lazy_compile(r"\*(?<=[ \t\r\n\[{,:]\*)[^ \t\r\n\]},]")
_ESCAPED_BANG = lazy_compile(r"\\(?:x21|u0021|U00000021)")
_EXPLICIT_KEY = lazy_compile(r"\?(?<=[ \t\r\n\[{,]\?)[ \t\r\n]")
# Hexadecimal digits of an integer past Python's 4,300 decimal digits (a hint only).
_LONG_HEX = 3500
_NODE_EVENTS = frozenset(("ScalarEvent", "AliasEvent", "MappingStartEvent", "SequenceStartEvent"))
_TOKEN_BEFORE = " \t\r\n[{,:"
_TOKEN_AFTER = " \t\r\n]},#"
_TOKEN_END = lazy_compile(r"[ \t\r\n\]},#]")

# Stack depth: yaml-rs refuses flow nesting past 256 levels; a block level needs a
# column of indentation or an indicator ("- ", "? ", ": ") in front of it.
_INLINE_LEVELS = 3000
_FLOW_LEVELS = 258
_LINE_PREFIX = lazy_compile(r"^[ \t?:-]+", re.MULTILINE)
# A line starting with that many of them; searched from its "\n" (a literal first
# character keeps the search fast), the first line checked on its own.
_DEEP_PREFIX = lazy_compile(rf"\n[ \t?:-]{{{_INLINE_LEVELS - _FLOW_LEVELS}}}")
_STACK_LOCK = _thread.allocate_lock()  # threading loads only for a deep document


# --- reading -------------------------------------------------------------------------


def _levels_bound(text: str) -> int:
    """An upper bound on the nesting depth yaml-rs could reach, when it may be large (else 0)."""
    aliases = "&" in text and "*" in text
    deep = len(text) >= _INLINE_LEVELS - _FLOW_LEVELS and (
        _DEEP_PREFIX.match("\n" + text[:_INLINE_LEVELS])
        or (long_run(text, "[ \t?:-]", _INLINE_LEVELS - _FLOW_LEVELS) and _DEEP_PREFIX.search(text))
    )
    if not aliases and not deep:
        return 0
    prefix = max(map(len, _LINE_PREFIX.findall(text)), default=0)
    # An alias replays an anchored node inside another, at most max_replay_stack_depth deep.
    factor = _ALIAS_LIMITS.max_replay_stack_depth + 1 if aliases else 1
    return (prefix + _FLOW_LEVELS) * factor


def _on_big_stack(function: Callable[[], _T], levels: int) -> _T:
    """Run `function` in a thread whose stack holds `levels` levels of yaml-rs recursion."""
    import threading

    results: list[_T] = []
    failures: list[BaseException] = []

    def target() -> None:
        try:
            results.append(function())
        except BaseException as failure:
            failures.append(failure)

    with _STACK_LOCK:
        previous = threading.stack_size(min((32 << 20) + levels * 1024, 1 << 30))
        try:
            thread = threading.Thread(target=target, name="structconv-yaml")
            thread.start()
        finally:
            threading.stack_size(previous)
    thread.join()
    if failures:
        raise failures[0]
    return results[0]


def _yaml_rs_loads(text: str, levels: int) -> Any:
    def parse() -> Any:
        return yaml_rs.loads(text, alias_limits=_ALIAS_LIMITS)

    try:
        return parse() if levels <= _INLINE_LEVELS else _on_big_stack(parse, levels)
    except Exception as failure:
        raise _parse_error(text, failure) from None


def _parse_error(text: str, failure: Exception) -> ParseError:
    """A ParseError with the position: from yaml-rs's message, else found with a second parser."""
    message = str(failure).strip()
    match = _POSITION.match(message)
    if match:
        return error(text, message.splitlines()[-1], int(match.group(1)), int(match.group(2)))
    if not isinstance(failure, yaml_rs.YAMLDecodeError):
        return error(text, f"the YAML reader failed: {type(failure).__name__}: {message}")
    if "alias" in message:
        return error(
            text,
            message,
            hint="the aliases expand past the safety limits (a billion-laughs guard)",
            repairable=False,
        )
    try:
        events = parse_events(text).events
    except ParseError as located:
        return located
    if message.startswith("duplicate mapping key"):
        mark = _duplicate_key_mark(events)
        hint = "YAML readers disagree on which value wins; remove one of them"
        if message.endswith("'<<'"):
            hint += " (or expand merge keys: --yaml-merge expand)"
        return error_at_mark(text, message, mark, hint) if mark else error(text, message, hint=hint)
    for event in events:
        tag = getattr(event, "tag", None)
        if tag and repr(tag.replace(CORE, "!!")) in message:
            return error_at_mark(text, message, event.start_mark, "fix or remove the tag")
    return error(text, message)


def _scalar_key(event: Any) -> Any:
    """A scalar key as yaml-rs would hold it, so that `1` and `1.0` collide as they do there."""
    if event.style or event.tag:
        return event.value
    try:
        return yaml_rs.loads(event.value)
    except Exception:
        return event.value


def _duplicate_key_mark(events: list[Any]) -> Any:
    """Where the first repeated key of a mapping starts (None for keys that are collections)."""
    # Per open collection: is it a mapping, how many nodes it holds so far, the keys seen.
    frames: list[tuple[bool, list[int], set[Any]]] = []
    for event in events:
        kind = type(event).__name__
        if kind in ("MappingStartEvent", "SequenceStartEvent"):
            frames.append((kind == "MappingStartEvent", [0], set()))
            continue
        if kind in ("MappingEndEvent", "SequenceEndEvent"):
            frames.pop()
            key: Any = None
            comparable = False
        elif kind == "ScalarEvent":
            key, comparable = _scalar_key(event), True
        elif kind == "AliasEvent":
            key, comparable = None, False
        else:
            continue
        if frames:
            is_mapping, count, seen = frames[-1]
            if is_mapping and count[0] % 2 == 0 and comparable:
                try:
                    if key in seen:
                        return event.start_mark
                    seen.add(key)
                except TypeError:
                    pass
            count[0] += 1
    return None


def _may_have_tags(text: str) -> bool:
    """A `!` where a tag can start (not inside a word); quoted ones are sorted out by the parser."""
    start = text.find("!")
    while start != -1:
        if start == 0 or text[start - 1] in " \t\r\n[{,":
            return True
        start = text.find("!", start + 1)
    return False


def _numbers_yaml_rs_would_type(text: str) -> Iterator[int]:
    """Where plain scalars like `1_000`, `_80` or `0b101` start (strings in YAML 1.2).

    The hints need a separator before them: the first token is scanned again behind a
    line break of its own (a copy of the whole text took as long as the scans)."""
    first_end = _TOKEN_END.search(text)
    head = "\n" + text[: len(text) if first_end is None else first_end.start()]
    for scanned, offset in ((head, -1), (text, 0)):
        for pattern in _NUMBER_HINTS:
            # From one token's end to the next hint: a run of hints is one token, looked at once.
            hint = pattern.search(scanned)
            while hint is not None:
                start = hint.start()
                while start > 0 and scanned[start - 1] not in _TOKEN_BEFORE:
                    start -= 1
                end = hint.end()
                while end < len(scanned) and scanned[end] not in _TOKEN_AFTER:
                    end += 1
                token = scanned[start:end].removesuffix(":")
                if NOT_A_YAML_1_2_NUMBER.fullmatch(token) and not token.startswith("\\"):
                    yield start + offset
                hint = pattern.search(scanned, end)


def _mark_strings_yaml_rs_would_type(text: str) -> tuple[str, str | None]:
    """The text with a private-use character put in front of every scalar that yaml-rs
    would type but YAML 1.2 reads as a string (a quoted "2024-01-01", a plain 1_000), so
    that it stays a string; the character (None when there was nothing to mark) is
    stripped from the data afterwards.

    A match in a comment or inside a longer string only marks a string, which the strip
    restores; this costs one parse, where finding the scalars' styles takes a full
    second parse with positions (20 times slower)."""
    places = sorted(
        {
            match.start("at")
            for literal, pattern in _NON_PLAIN_TIMESTAMP
            if literal in text
            for match in pattern.finditer(text)
        }
        | set(_numbers_yaml_rs_would_type(text))
    )
    if not places:
        return text, None
    (marker,) = unused_characters(text, 1)
    pieces = [
        text[start:end] for start, end in zip([0, *places], [*places, len(text)], strict=True)
    ]
    return marker.join(pieces), marker


def _strip_marker(data: Data, marker: str) -> Any:
    """Remove `marker` from every string of `data`, keys included, in place (iterative)."""

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(marker, "")
        if isinstance(value, tuple):
            return tuple(clean(item) for item in value)
        if isinstance(value, frozenset):
            return frozenset(clean(item) for item in value)
        return value

    if not isinstance(data, dict | list):
        return clean(data)
    stack: list[Any] = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            items = [(clean(name), value) for name, value in node.items()]
            node.clear()
            for name, value in items:
                if isinstance(value, dict | list):
                    stack.append(value)
                    node[name] = value
                else:
                    node[name] = clean(value)
        else:
            for index, value in enumerate(node):
                if isinstance(value, dict | list):
                    stack.append(value)
                else:
                    node[index] = clean(value)
    return data


def _document_lines(text: str) -> list[int]:
    """The line on which each document of the stream starts (an empty stream has none)."""
    hinted = text.startswith(("---", "...")) or _MARKER_HINT.search(text)
    if not hinted or _DOCUMENT_MARKER.search(text) is None:
        content = _CONTENT_LINE.search(text)
        return [] if content is None else [line_column(text, content.start())[0]]
    starts: list[int] = []
    is_open = False
    position = 0
    for marker in _DOCUMENT_MARKER.finditer(text):
        if not is_open:
            content = _CONTENT_LINE.search(text, position, marker.start())
            if content is not None:
                starts.append(content.start())
        is_open = marker.group() == "---"
        if is_open:
            starts.append(marker.start())
        position = marker.end()
    if not is_open:
        content = _CONTENT_LINE.search(text, position)
        if content is not None:
            starts.append(content.start())
    return [line_column(text, offset)[0] for offset in starts]


def _may_need_events(text: str, found: Numbers) -> bool:
    """Whether the text may use what only the event reader keeps (cheap scans, then a parse
    decides): tags, merge keys, aliases, a quoted key that spells a tag, a number that
    cannot be kept exactly. Single characters are looked for first (memchr is 10 times
    faster than a search for two). `found`: yaml_finite.numbers(text)."""
    return (
        _may_have_tags(text)
        or ("<" in text and "<<" in text)
        or text.startswith(("*", "?"))
        or ("*" in text and _ALIAS.search(text) is not None)
        or ("!" in text and ("'!" in text or '"!' in text))
        or ("\\" in text and _ESCAPED_BANG.search(text) is not None)
        or ("?" in text and _EXPLICIT_KEY.search(text) is not None)
        or _may_have_inexact_numbers(text, found)
    )


def _may_have_inexact_numbers(text: str, found: Numbers) -> bool:
    """A float with a 3-digit exponent that overflows, or a long run of digits."""
    return (
        any(_may_overflow(text, exponent, end) for exponent, end in found.exponents)
        # (LONG_NUMBER >= LONG_DIGITS: without a run of LONG_DIGITS there is none as long)
        or (found.long_digits and long_run(text, "[0-9]", LONG_NUMBER))
        or long_run(text, "[0-9A-Fa-f]", _LONG_HEX)
    )


def _may_overflow(text: str, exponent: int, end: int) -> bool:
    """Whether the float spelled up to the exponent at text[exponent:end] overflows, as
    yaml-rs reads the spelling from where its mantissa starts (a scalar that starts earlier,
    at some other character, is no float; one whose mantissa is too long to look at here
    goes to the event reader). The event reader then decides on the scalars themselves."""
    start = float_start(text, exponent)
    if start is None:
        return False
    if start > 0 and start == exponent - MANTISSA_WINDOW:
        return True
    # Below 10**(k + E) for k characters before the point and exponent E: finite while
    # k + E <= 308 (most floats with 3-digit exponents; yaml-rs is not asked about them).
    digits = text[exponent + 1 : end].lstrip("+").replace("_", "")
    whole = text.find(".", start, exponent)
    if len(digits) < 4 and (whole if whole != -1 else exponent) - start + int(digits) <= 308:
        return False
    return inexact_number(text[start:end])


def _final_block_scalar(text: str, data: Data) -> Any:
    """yaml-rs keeps a line break that a block scalar at the very end of a text without a
    final line break does not have (`a: |\n  x` is "x"): the parser's value replaces it."""
    parent: Any = None
    key: Any = None
    node = data
    while isinstance(node, dict | list) and node:
        key = next(reversed(node)) if isinstance(node, dict) else len(node) - 1
        parent, node = node, node[key]
    if not (isinstance(node, str) and node.endswith("\n")):
        return data
    try:
        parsed = parse_events(text)
    except ParseError:
        return data
    last: Any = next(
        (event for event in reversed(parsed.events) if type(event).__name__ in _NODE_EVENTS),
        None,
    )
    if type(last).__name__ != "ScalarEvent" or last.style not in ("|", ">"):
        return data
    value = last.value
    for stand_in, original in parsed.swaps.items():
        value = value.replace(stand_in, original)
    if parent is None:
        return value
    parent[key] = value
    return data


class _FastPath(Exception):
    """The text needs nothing that only the event reader keeps: yaml-rs reads it."""


def _read_events(text: str, options: Options, parsed: Parsed | None = None) -> Any:
    """The data read from the parse events; _FastPath when the text does not need that
    reader (unless `parsed` is given: then it is read from its events regardless)."""
    if parsed is None:
        try:
            parsed = parse_events(text)
        except ParseError:
            _yaml_rs_loads(text, _levels_bound(text))  # yaml-rs's error, where it has one
            raise
        if not needs_event_reader(parsed, options):
            raise _FastPath
    documents, starts = read_events(text, parsed, options)
    if options.multi_document:
        return documents
    if len(documents) > 1:
        raise _stream_error(text, len(documents), starts[1])
    return documents[0] if documents else None


def _stream_error(text: str, count: int, second_line: int) -> ParseError:
    """Several documents are not broken input: only the user can say they want the list,
    so no rule or model may join them into one (repairable=False)."""
    return error(
        text,
        f"the stream holds {count} documents",
        second_line,
        1,
        "pass --multi-document (API: multi_document=True) to read them as a list",
        repairable=False,
    )


def loads(text: str, options: Options) -> Data:
    """The data of `text`; where yaml-rs read it and the text has no tag and spells no NaN or
    infinity (structconv.formats.yaml_finite), a proof that it holds JSON's types or dates
    (structconv.facts: the JSON writer then need not walk it)."""
    data, read_by_yaml_rs, found = _load(text, options)
    if (
        read_by_yaml_rs
        and facts.wanted()
        and not _may_have_tags(text)
        and not may_spell_non_finite(text, found)
    ):
        facts.prove(data, facts.JSON_TYPES_OR_DATES)
    return data


def _reread(text: str, options: Options) -> Data:
    """`loads` without the proof, for reading back what a writer wrote."""
    return _load(text, options)[0]


def _printable(text: str) -> bool:
    """Whether every character of `text` is c-printable, tested on its UTF-8 bytes: those
    it was decoded from where the caller kept them (structconv.encoded), else encoded here
    (a lone surrogate cannot be: not printable)."""
    try:
        raw = encoded.utf8(text)
    except UnicodeEncodeError:
        return False
    if raw.translate(None, _PRINTABLE_BYTES):
        return False
    if raw.isascii():
        return True
    return (b"\xc2" not in raw or _C1_UTF8.search(raw) is None) and (
        b"\xef" not in raw or _NONCHARACTER_UTF8.search(raw) is None
    )


def _load(text: str, options: Options) -> tuple[Data, bool, Numbers]:
    """The data of `text`, whether yaml-rs read it (not the event reader), and the
    text's `yaml_finite.numbers`."""
    bad = None if _printable(text) else _NOT_PRINTABLE.search(text)
    if bad is not None:
        line, column = line_column(text, bad.start())
        raise error(
            text,
            f"the character U+{ord(bad.group()):04X} is not allowed in YAML",
            line,
            column,
            "write it as an escape in a double-quoted string",
        )
    found = numbers(text)
    if _may_need_events(text, found):
        try:
            return _read_events(text, options), False, found
        except _FastPath:
            pass
    levels = _levels_bound(text)
    marked, marker = _mark_strings_yaml_rs_would_type(text)
    if marker is None:
        data = _yaml_rs_loads(text, levels)
    else:
        try:
            data = _strip_marker(_yaml_rs_loads(marked, levels), marker)
        except ParseError:
            _yaml_rs_loads(text, levels)  # the error with the positions of the text as given
            # A marker broke the text (put after a closing quote, as in `"a": \`): the
            # event reader sees each scalar's style and needs no marker.
            return _read_events(text, options, parse_events(text)), False, found
    if text and not text.endswith(("\n", "\r")):
        data = _final_block_scalar(text, data)
    starts = _document_lines(text)
    if options.multi_document:
        return (data if len(starts) > 1 else [data][: len(starts)]), True, found
    if len(starts) > 1:
        raise _stream_error(text, len(starts), starts[1])
    return data, True, found


# --- writing -------------------------------------------------------------------------
# datetime is imported where a write needs it: a check of YAML need not (1.5 ms), and
# yaml-rs imports it itself for a text that holds a date.


def _path(parts: list[Any]) -> str:
    return format_path(tuple(part if isinstance(part, str | int) else repr(part) for part in parts))


def _represent_scalar(path: list[PathPart], value: Any) -> Any:
    """A time has no YAML type: ISO 8601 text. Dates and datetimes keep their type."""
    import datetime

    if isinstance(value, datetime.time):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | datetime.date):
        return value
    raise UnrepresentableError(_path(path), "yaml", f"a {type(value).__name__} value")


def _represent_key(path: list[PathPart], name: Any) -> Any:
    import datetime

    if isinstance(name, datetime.time):
        return name.isoformat()
    if name is None or isinstance(name, str | int | float | datetime.date | tuple):
        return name
    raise UnrepresentableError(
        _path(path[:-1]), "yaml", f"the key {name!r} is a {type(name).__name__}"
    )


def represent(data: Data, options: Options) -> Data:
    if options.multi_document and not isinstance(data, list):
        raise UnrepresentableError(
            "$",
            "yaml",
            f"multi_document writes a list, one document per item, not a {type(data).__name__}",
            "leave out --multi-document to write one document",
        )
    import datetime

    # Copied as they are: every type but `time`, which YAML lacks.
    native = (str, int, float, bool, type(None), datetime.date, datetime.datetime)
    return rebuild(data, _represent_scalar, _represent_key, plain=native, plain_str_keys=True)


def _dump_yaml_rs(documents: list[Any], options: Options) -> str | None:
    """yaml-rs's text when it reads back as the same data, else None."""
    try:
        pieces = [yaml_rs.dumps(document) for document in documents]
    except Exception:
        return None
    if options.multi_document:
        text = "".join(piece + "\n" for piece in pieces)
    else:
        text = pieces[0].removeprefix("---\n") + "\n"
    if options.yaml_merge == "keep" and "<<" in text:
        return None  # yaml-rs quotes a `<<` key, which --yaml-merge keep writes as a merge key
    try:
        again = _reread(text, options)
    except ParseError:
        return None
    expected = documents if options.multi_document else documents[0]
    return text if first_difference(expected, again) is None else None


# orjson writes data up to this deep (neutral.depth) and refuses anything deeper.
_ORJSON_LEVELS = 254


def _typed_bytes(data: Data, json_only: bool = False) -> bytes:
    """orjson's bytes of `data`, which tell 1 from 1.0 and True, -0.0 from 0.0, a date from
    its text and one offset from another where `==` does not. Raises TypeError for what
    orjson does not hold (nesting past _ORJSON_LEVELS, big integers, subclasses, tuples as
    keys), and with `json_only` for dates and keys other than strings too."""
    import orjson  # only a write needs it (a check of YAML does not)

    from structconv.formats.yaml_exact import JSON_IMAGE

    if json_only and facts.proven(data, facts.JSON_TYPES):
        image = facts.image(data)  # the JSON reader's: the same bytes for such data
        if image is not None:
            return image
    option = JSON_IMAGE if json_only else orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_SUBCLASS
    return orjson.dumps(data, option=option)


def fast_write(data: Data, options: Options) -> str | None:
    """yaml-rs's text of data that YAML holds as it is, when `loads` (the codec's reread)
    gives back exactly `data`; else None, and the general path (the depth check, represent,
    `dumps`, verify) writes it, the same text where this gives one. For data of the JSON
    types, scans of the text and of the typed bytes tell (structconv.formats.yaml_exact);
    elsewhere the text is read back and compared at C speed, `==` and then the typed bytes
    (taken first: orjson bounds the depth before yaml-rs, which would crash on deep data,
    is called), so no Python walk or copy runs."""
    if options.indent != 2 or options.sort_keys or options.multi_document:
        return None
    if options.max_depth < _ORJSON_LEVELS and depth(data) > options.max_depth:
        return None  # the general path names the limit
    try:
        try:
            json_only, typed = True, _typed_bytes(data, json_only=True)
        except TypeError:
            json_only, typed = False, _typed_bytes(data)
        text = yaml_rs.dumps(data).removeprefix("---\n")
        text += "\n"  # in place: CPython grows a string no other name holds
    except Exception:
        return None  # not held by orjson, or not by yaml-rs's writer
    if options.yaml_merge == "keep" and "<<" in text:
        return None  # yaml-rs quotes a `<<` key, which --yaml-merge keep writes as a merge key
    from structconv.formats.yaml_exact import written_exactly  # (imports orjson)

    if json_only and written_exactly(data, typed, text, facts.proven(data, facts.JSON_TYPES)):
        return text
    try:
        again = _reread(text, options)
        same = bool(again == data) and _typed_bytes(again, json_only) == typed
    except (ParseError, TypeError):
        return None
    return text if same else None


def dumps(data: Data, options: Options) -> str:
    if options.max_depth > _INLINE_LEVELS and depth(data) > _INLINE_LEVELS:
        raise UnrepresentableError(
            "$", "yaml", f"the data nests deeper than the YAML writer's {_INLINE_LEVELS} levels"
        )
    documents = data if options.multi_document else [data]
    if options.indent == 2 and not options.sort_keys:
        text = _dump_yaml_rs(documents, options)
        if text is not None:
            return text
    # libyaml's emitter (and PyYAML) load here: reading YAML, and most writing, never need them
    from structconv.formats.yaml_emitter import Untaggable, dump_libyaml

    try:
        return dump_libyaml(documents, options)
    except UnicodeEncodeError:
        raise _lone_surrogate(data) from None
    except Untaggable as failure:
        raise _untaggable(data, failure) from None


def _untaggable(data: Data, failure: Untaggable) -> UnrepresentableError:
    path = next((list(path) for path, node in iter_nodes(data) if node is failure.mapping), ["?"])
    key = next(iter(failure.mapping))
    return UnrepresentableError(
        _path(path),
        "yaml",
        f"the mapping with the one key {key!r} is the tag {key} under structconv's tag "
        f"convention, and {failure.why}",
        "--yaml-tags drop (API: yaml_tags='drop') writes such mappings as ordinary mappings",
    )


def _lone_surrogate(data: Data) -> UnrepresentableError:
    """The only text UTF-8 cannot encode: name the first value or key that holds one."""
    where = lone_surrogate(data)
    if where is None:
        return UnrepresentableError("$", "yaml", "the text cannot be encoded as UTF-8")
    return UnrepresentableError(_path(where), "yaml", SURROGATE_WHY, SURROGATE_HINT)


CODEC = Codec(
    name="yaml",
    suffixes=(".yaml", ".yml"),
    loads=loads,
    represent=represent,
    dumps=dumps,
    reread=_reread,
    fast_write=fast_write,
)
