"""Rules for quotes and flow collections: unescaped-quote, unclosed-quote,
unclosed-flow and quote-value."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from structconv.errors import ParseError
from structconv.repair.rules.yaml.ids import (
    CLOSED,
    NEAR_CERTAIN,
    QUOTE_VALUE,
    UNCLOSED_FLOW,
    UNCLOSED_QUOTE,
    UNESCAPED_QUOTE,
)
from structconv.repair.rules.yaml.proposals import _Alternative, _Proposal, _shown, _single
from structconv.repair.rules.yaml.scanner import _CLOSER, _RESERVED_START, _parts

if TYPE_CHECKING:
    from structconv.repair.rules.yaml.scanner import _Line, _Scan


# --- quotes and flow collections -------------------------------------------------------


def _unescaped_quote(
    text: str, scan: _Scan, error: ParseError, offset: int | None
) -> _Proposal | None:
    if offset is None:
        return None
    line = scan.line_at(offset)
    for quote in scan.quotes:
        if quote.end is None or not (line.start <= quote.start < line.end):
            continue
        if not quote.in_block or not quote.value_position or not (quote.end < offset):
            continue
        if scan.line_at(quote.end).index != line.index:
            return None
        alternatives = []
        ends = [line.comment if line.comment is not None else line.end]
        if line.comment is not None and text[line.comment : line.end].rstrip().endswith(quote.char):
            # `"label "beta" # temp"`: what reads as a comment ends with the quote, so the
            # value may run to the end of the line, or end before the comment.
            ends.insert(0, line.end)
        for end in ends:
            last = text.rfind(quote.char, quote.end + 1, end)
            if last == -1 or text[last + 1 : end].strip():
                continue
            inner = text[quote.start + 1 : last]
            if quote.char == "'":
                escaped = inner.replace("''", "'").replace("'", "''")
            else:
                escaped = re.sub(r'(?<!\\)"', '\\"', inner)
            if escaped == inner:
                continue
            message = f"quotes inside the quoted value {_shown(inner)!r} escaped"
            alternatives.append(
                _Alternative(
                    ((quote.start + 1, last, escaped, message),), UNESCAPED_QUOTE, CLOSED, message
                )
            )
        if not alternatives:
            return None
        question = (
            "the quoted value has quotes inside, and it may end at the end of the line or "
            "before what reads as a comment"
        )
        return _Proposal(
            tuple(alternatives),
            question if len(alternatives) > 1 else "",
            line.number,
            quote.start - line.start + 1,
        )
    return None


def _continuation_end(text: str, scan: _Scan, line: _Line, before: int) -> _Line:
    """The last line of `line`'s indented continuation (lines deeper than it), before `before`."""
    last = line
    for following in scan.lines[line.index + 1 : before]:
        if following.start >= len(text):
            break
        if following.kind == "blank" or following.start + following.lead >= following.end:
            continue
        if following.lead <= line.lead:
            break
        last = following
    return last


def _truncated(text: str, scan: _Scan, opening: _Line) -> bool:
    """Whether what `opening` left open runs into the end of a file that stops mid-line:
    the signature of a cut-off file, whose last value may be incomplete."""
    if text.endswith("\n"):
        return False
    return all(line.kind in ("blank", "quoted", "flow") for line in scan.lines[opening.index + 1 :])


def _close_at(text: str, line: _Line, closer: str) -> tuple[int, int, str]:
    """An insert of `closer` at the end of `line`'s content, before a comment."""
    end = line.end if line.comment is None else line.comment
    while end > line.content_start and text[end - 1] in " \t":
        end -= 1
    return end, end, closer


def _unclosed_quote(
    text: str, scan: _Scan, error: ParseError, offset: int | None
) -> _Proposal | None:
    if offset is None:
        return None
    culprit = None
    for quote in scan.quotes:
        if quote.start < offset and (quote.end is None or quote.end >= offset):
            culprit = quote
    if culprit is None or not culprit.in_block or not culprit.value_position:
        return None
    opening = scan.line_at(culprit.start)
    error_line = scan.line_at(offset)
    if culprit.end is not None and scan.line_at(culprit.end).index == opening.index:
        return None
    if _truncated(text, scan, opening):
        return None
    alternatives: list[_Alternative] = []
    here = text[culprit.start + 1 : opening.end]
    message = f"the quote opened at line {opening.number} closed at the end of that line"
    alternatives.append(
        _Alternative(
            ((*_close_at(text, replace(opening, comment=None), culprit.char), message),),
            UNCLOSED_QUOTE,
            CLOSED,
            f"the quoted value {_shown(here)!r} ends with line {opening.number}",
        )
    )
    other = "'" if culprit.char == '"' else '"'
    stripped = here.rstrip(" \t")
    if stripped.endswith(other) and stripped[:-1].strip() and other not in stripped[:-1]:
        # `'text"`: closed with the other quote
        wrong = culprit.start + 1 + len(stripped) - 1
        alternatives.append(
            _Alternative(
                (
                    (
                        wrong,
                        wrong + 1,
                        culprit.char,
                        f"the quote opened at line {opening.number} was closed with {other}: "
                        f"{culprit.char} written",
                    ),
                ),
                UNCLOSED_QUOTE,
                CLOSED,
                f"the quoted value {_shown(stripped[:-1])!r} (closed with {other})",
            )
        )
    hash_at = re.search(r"[ \t]#", here)
    if hash_at is not None:
        comment_start = culprit.start + 1 + hash_at.start() + 1
        alternatives.append(
            _Alternative(
                (
                    (
                        *_close_at(text, replace(opening, comment=comment_start), culprit.char),
                        f"the quote opened at line {opening.number} closed before the comment",
                    ),
                ),
                UNCLOSED_QUOTE,
                CLOSED,
                f"the quoted value {_shown(here[: hash_at.start()])!r}, then a comment",
            )
        )
    last = _continuation_end(text, scan, opening, error_line.index + 1)
    if last.index != opening.index:
        message = (
            f"the quote opened at line {opening.number} closed at the end of line {last.number}"
        )
        alternatives.append(
            _Alternative(
                ((*_close_at(text, replace(last, comment=None), culprit.char), message),),
                UNCLOSED_QUOTE,
                CLOSED,
                f"the quoted value runs on to line {last.number}",
            )
        )
    return _Proposal(
        tuple(alternatives),
        f"the quote opened at line {opening.number} is not closed, and it can end in several places",
        opening.number,
        culprit.start - opening.start + 1,
    )


def _unclosed_flow(
    text: str, scan: _Scan, error: ParseError, offset: int | None
) -> _Proposal | None:
    if offset is None:
        return None
    culprit = None
    for span in scan.flows:
        if span.in_block and span.start <= offset and (span.end is None or span.end >= offset):
            culprit = span
    if culprit is None:
        return None
    opening = scan.line_at(culprit.start)
    error_line = scan.line_at(offset)
    if _truncated(text, scan, opening):
        return None
    last = _continuation_end(text, scan, opening, error_line.index + 1)
    open_here = [span for span in last.flows_at_end if span.start >= culprit.start]
    if not open_here or open_here[0] is not culprit:
        return None
    closers = "".join(_CLOSER[span.char] for span in reversed(open_here))
    start, end, _ = _close_at(text, last, closers)
    before = text[last.content_start : start].rstrip()
    if before.endswith(":") or any(
        span.char == "{" and not _has_value(text[span.start + 1 : start]) for span in open_here
    ):
        return None  # closing there would give a key without a value: an invented null
    message = f"'{closers}' added to close the collection opened at line {opening.number}"
    return _single(
        _Alternative(((start, end, closers, message),), UNCLOSED_FLOW, CLOSED, message),
        opening.number,
        culprit.start - opening.start + 1,
    )


def _has_value(entries: str) -> bool:
    """Whether the last entry of a flow mapping's text so far is `key: value` (or nothing)."""
    last = re.split(r"[,{\[]", entries)[-1].strip()
    return not last or bool(re.search(r":[ \t]+\S", last))


# --- quote-value -----------------------------------------------------------------------


def _quoted(value: str) -> str | None:
    """`value` as a quoted YAML scalar holding exactly it (None when that cannot be plain)."""
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _quote_value(text: str, scan: _Scan, error: ParseError, offset: int | None) -> _Proposal | None:
    if offset is None or offset >= len(text):
        return None
    line = scan.line_at(offset)
    if line.kind != "content":
        return None
    parts = _parts(text, replace(line, comment=None))
    character = text[offset]
    reserved = character in _RESERVED_START and "unexpected character" in error.message
    if reserved:
        value_start = offset
        if not (
            value_start == parts.value_start
            or (parts.key_end is None and parts.dashes and value_start == parts.node_start)
        ):
            return None
    elif "mapping values are not allowed" in error.message and character == ":":
        if parts.colon is None or offset <= parts.colon:
            return None
        value_start = parts.value_start
        if text[value_start] in "\"'[{|>&*!":
            return None
    else:
        return None
    end = line.end
    while end > value_start and text[end - 1] in " \t":
        end -= 1
    last = _plain_continuation(text, scan, line)
    if last is not line:
        end = last.end
    hash_at = re.search(r"[ \t]#", text[value_start:end])
    alternatives = []
    readings = [(end, "")]
    if hash_at is not None and value_start + hash_at.start() > offset:
        cut = value_start + hash_at.start()
        while cut > value_start and text[cut - 1] in " \t":
            cut -= 1
        readings = [(cut, " then a comment"), (end, " with its ' #' as text")]
    for stop, how in readings:
        value = text[value_start:stop]
        quoted = _quoted(value)
        if quoted is None:
            continue
        why = "starts with a reserved character" if reserved else "holds ': '"
        message = f"the value {_shown(value)!r} {why}: quoted"
        alternatives.append(
            _Alternative(
                ((value_start, stop, quoted, message),),
                QUOTE_VALUE,
                NEAR_CERTAIN,
                f"the value {_shown(value)!r}{how}",
            )
        )
    if not alternatives:
        return None
    return _Proposal(
        tuple(alternatives),
        f"the value on line {line.number} holds ' #', which may start a comment or be text",
        line.number,
        value_start - line.start + 1,
    )


def _plain_continuation(text: str, scan: _Scan, line: _Line) -> _Line:
    """The last line of a multi-line plain value that starts on `line`."""
    last = line
    for following in scan.lines[line.index + 1 :]:
        if following.kind == "blank":
            break
        if following.kind != "content" or following.lead <= line.lead:
            break
        parts = _parts(text, following)
        if parts.dashes or parts.colon is not None or following.comment is not None:
            break
        last = following
    return last
