"""YAML repair rules: where the strict reader (yaml-rs, YAML 1.2) stops, and nowhere else.

The rules work pass by pass: read the text, take the reader's complaint (message, line,
column), let the first rule that recognises the place propose one or more edits, apply
them through an EditSession (so every change is a Fix in the user's coordinates), read
again. Where a rule sees several plausible edits the search forks; every reading that
parses and passes provenance validation is kept, readings with equal data are merged,
and two or more different results are returned as an Ambiguity (never a guess). The
search is bounded: at most `_MAX_PASSES` passes per reading, `_MAX_READINGS` live
readings, `_MAX_PARSES` reads and `_MAX_WORK` characters read in all; past that the
rules give up and the input is refused (more readings than that is a file broken
throughout, not a slip a reader can settle).

The rules, in the order they are tried:

tab-indentation
    Tabs in block indentation (YAML forbids them) become spaces, every such line at
    once. A tab is one indentation step: the file's own unit (2 when the file has no
    space indentation). Where spaces and tabs are mixed, tab widths 2, 4 and 8 are
    tried as well; a width under which the text still needs a stray-indent guess is
    dropped when another width fits as it stands; if the widths left give different
    data the result is ambiguous. Tabs inside block scalar content (after the block's
    indentation) are content and stay.
tab-separator
    `key:<TAB>value`: the YAML 1.2 reader used here wants a space after the colon; the
    tab becomes one space (cosmetic).
colon-space
    `key:"value"`, `key:[a, b]`, `key:value` on a line of a block mapping: YAML needs a
    space after a key's colon; it is added (0.9), on every such line at once. A plain
    `key:value` only on the line the reader refuses or the one above it, where that line
    is a mapping's (its sibling below, a `key: ` entry above at its column, or the key
    column of a `- ` item whose next line is a key).
duplicate-key
    A key repeated in one mapping with an equal value: the earlier entry (its whole
    block) is removed with a Fix covering it (cosmetic, 0.99). Different values are
    refused: which one is meant is unknown, and either would drop the other (issue 14).
    Keys that are collections, and merge conflicts, are left alone.
unescaped-quote
    `name: 'Bob's car'`, `msg: "say "hi""`: a quoted value that closes early and ends
    with the same quote at the end of the line gets its inner quotes escaped.
unclosed-quote
    A quoted value opened on a line and never closed where the reader needs it closed:
    closed at the end of that line, or at the end of its indented continuation lines.
    When the unclosed text holds ` #`, closing before the comment is a second reading.
    Refuses when the quote runs into the end of a file that stops mid-line (a cut-off
    file: its last value may be incomplete).
unclosed-flow
    `[a, b` / `{a: 1` left open: closed at the end of the line (or of its indented
    continuation lines). Refuses when the text ends with a key and no value (`{a:`),
    since closing it would invent a null, and in a file cut off mid-line.
quote-value
    A plain value the reader cannot take as it is: `command: echo a: b` (": " inside),
    `name: @scope/pkg` (a reserved first character). The value is quoted as written.
    When it holds ` #`, "the rest is a comment" and "the ` #` is part of the value" are
    two readings. A valid reading (`note: see #5` is "see" and a comment) never gets here.
missing-colon
    A `key value` line (a plain scalar of two words or more, the first a name) followed,
    at its indentation, by a line the reader refuses, or a lone `key` followed by more
    indented lines: the colon lost after the key is a reading offered beside
    stray-indent's (0.7).
block-indent
    A line below a block scalar (`run: |`), indented less than the block but no less
    than its key, that is no `key:` or `- ` item: the mapping cannot hold it, so it is
    the block's (its indentation lost in a paste) and gets the block's (0.8).
missing-colon (among keys)
    `image mongo:4.2` (a name and one word, no comment) or a lone `expose` over its
    more indented items, where the line above it at its key column is a `key:` entry
    and the reader refuses the line after it: the colon is added (0.8).
stray-indent
    A line (with the lines it carries) indented to no open level: moved to the nearest
    open level below, the nearest above, and (after `key:` with no value) under that
    key; each is tried, and validation decides. A `key:` with no value followed by less
    indented lines is also tried at the level where it holds them. A reading that then
    has to drop a repeated key (the line moved into a mapping that already holds the
    key) gives way to one that keeps every value. `host: x` + `    port: 80` can only be
    a sibling (host holds a scalar), so it is repaired (0.7); `y:` + ` z: 2` is ambiguous.
    After a plain value of four words or more (prose), or where the "key" holds a space
    (`a note: ...`), an over-indented `key: value` line may also be the value's
    continuation (a second reading).

Refused (no rule applies, the reader's ParseError stands): merge conflict markers
(`<<<<<<<`, `=======`, `>>>>>>>`), several documents without multi_document, limits,
unknown tags, and anything where the readings exceed the bounds above.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import yaml as pyyaml
import yaml_rs

from structconv import formats
from structconv.errors import ParseError
from structconv.neutral import iter_nodes
from structconv.options import Options
from structconv.repair import provenance
from structconv.repair.edits import EditSession, LineIndex
from structconv.repair.rules import Patched, RuleOutcome
from structconv.repair.spelling import unescape_backslashes
from structconv.repair.windows import yaml_top_key
from structconv.result import Ambiguity, Candidate, Fix

TAB_INDENTATION = "tab-indentation"
TAB_SEPARATOR = "tab-separator"
COLON_SPACE = "colon-space"
MISSING_COLON = "missing-colon"
DUPLICATE_KEY = "duplicate-key"
UNESCAPED_QUOTE = "unescaped-quote"
UNCLOSED_QUOTE = "unclosed-quote"
UNCLOSED_FLOW = "unclosed-flow"
QUOTE_VALUE = "quote-value"
STRAY_INDENT = "stray-indent"
BLOCK_INDENT = "block-indent"

COSMETIC = 0.99
NEAR_CERTAIN = 0.9
CLOSED = 0.8
DIFFERING_DUPLICATE = 0.7
DIFFERING_MARK = "wins"  # in the message of a duplicate removed with another value
STRAY = 0.7

_MAX_PASSES = 200
_MAX_READINGS = 4
_MAX_PARSES = 300
# Characters read in all passes together (a few seconds of work; a big file gets fewer passes).
_MAX_WORK = 8_000_000
# A value of this many words may be prose wrapped onto the next line.
_PROSE_WORDS = 4

_CONFLICT_MARKER = re.compile(r"^(?:<{7}|={7}|>{7}|\|{7})(?:[ \t]|$)", re.MULTILINE)
_CLOSER = {"[": "]", "{": "}"}
_BLOCK_HEADER = re.compile(r"[|>][-+1-9]{0,2}[ \t]*(?:#.*)?$")
_KEYWORDS = frozenset(
    {"true", "false", "null", "True", "False", "None", "undefined", "NaN", "Infinity", "nil", "~"}
)
_FLOW_WORD = re.compile(r"[^\[\]{},:\s'\"]+")
_DECORATION = re.compile(r"^(?:[&!][^\s]*[ \t]+)+")
_RESERVED_START = frozenset("@`%")


# --- a line scanner: what YAML context each line is in --------------------------------


@dataclass
class _Span:
    """A quoted scalar or a flow collection: where it opens, and where it closes (None: never)."""

    char: str
    start: int
    end: int | None = None
    in_block: bool = True  # opened in block context (not inside a flow collection)
    value_position: bool = False  # opened after `key: ` or `- `


@dataclass
class _Line:
    index: int  # 0-based
    start: int
    end: int  # the end of the content (before "\r\n" or "\n")
    lead: int  # the length of the leading spaces and tabs
    kind: str  # blank, comment, content, block (block scalar content), quoted, flow
    comment: int | None = None  # where a comment starts on this line
    flows_at_end: tuple[_Span, ...] = ()

    @property
    def content_start(self) -> int:
        return self.start + self.lead

    @property
    def number(self) -> int:
        return self.index + 1


class _Scan:
    """A lenient single pass over the text: quotes, flows, comments and block scalars."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[_Line] = []
        self.quotes: list[_Span] = []
        self.flows: list[_Span] = []
        self._run()

    def _run(self) -> None:
        text = self.text
        quote: _Span | None = None
        flow: list[_Span] = []
        block_parent: int | None = None
        expect_node = True
        start = 0
        index = 0
        while start <= len(text):
            newline = text.find("\n", start)
            line_end = len(text) if newline == -1 else newline
            end = line_end - 1 if line_end > start and text[line_end - 1] == "\r" else line_end
            lead = 0
            while start + lead < end and text[start + lead] in " \t":
                lead += 1
            empty = start + lead >= end
            if block_parent is not None:
                if empty or lead > block_parent:
                    self.lines.append(_Line(index, start, end, lead, "block"))
                    start, index = line_end + 1, index + 1
                    continue
                block_parent = None
            if quote is not None:
                kind = "quoted"
            elif flow:
                kind = "flow"
            elif empty:
                kind = "blank"
            elif text[start + lead] == "#":
                kind = "comment"
            else:
                kind = "content"
            line = _Line(index, start, end, lead, kind)
            self.lines.append(line)
            if kind == "comment":
                line.comment = start + lead
            if kind in ("content", "quoted", "flow"):
                if kind == "content":
                    expect_node = True
                quote, expect_node, block_parent = self._scan_line(line, quote, flow, expect_node)
            line.flows_at_end = tuple(flow)
            start, index = line_end + 1, index + 1

    def _scan_line(
        self, line: _Line, quote: _Span | None, flow: list[_Span], expect_node: bool
    ) -> tuple[_Span | None, bool, int | None]:
        text = self.text
        end = line.end
        position = line.content_start
        parent_column = line.lead
        after_indicator = False  # the last thing was `key:` or `- ` (a value position)
        while position < end:
            character = text[position]
            if quote is not None:
                if quote.char == '"' and character == "\\":
                    position += 2
                    continue
                if character == quote.char:
                    if quote.char == "'" and position + 1 < end and text[position + 1] == "'":
                        position += 2
                        continue
                    quote.end = position
                    quote = None
                    expect_node = False
                position += 1
                continue
            if character in " \t":
                position += 1
                continue
            if character == "#" and (position == line.start or text[position - 1] in " \t"):
                line.comment = position
                break
            following = text[position + 1] if position + 1 < end else "\n"
            blank_follows = following in " \t\r\n"
            if character == ":" and (blank_follows or (flow and following in ",[]{}")):
                expect_node = True
                after_indicator = True
                position += 1
                continue
            if flow and character == ",":
                expect_node = True
                after_indicator = False
                position += 1
                continue
            if flow and character in "]}":
                if _CLOSER.get(flow[-1].char) == character:
                    flow.pop().end = position
                expect_node = False
                position += 1
                continue
            if expect_node:
                if character in "\"'":
                    quote = _Span(character, position, None, not flow, after_indicator)
                    self.quotes.append(quote)
                    position += 1
                    continue
                if character in "[{":
                    span = _Span(character, position, None, not flow, after_indicator)
                    flow.append(span)
                    self.flows.append(span)
                    after_indicator = False
                    position += 1
                    continue
                if not flow and character in "-?" and blank_follows:
                    parent_column = position - line.start
                    after_indicator = True
                    position += 1
                    continue
                if not flow and character in "|>" and _BLOCK_HEADER.match(text, position, end):
                    comment = text.find("#", position, end)
                    if comment != -1:
                        line.comment = comment
                    return None, True, parent_column
                if character in "&!":
                    while position < end and text[position] not in " \t":
                        position += 1
                    continue
                if not flow:
                    parent_column = position - line.start
                expect_node = False
                after_indicator = False
            position = max(self._plain_end(position, end, bool(flow)), position + 1)
        return quote, expect_node, None

    def rescan(self, line: _Line) -> None:
        """Scan one line on its own (as if nothing were open before it): sets its comment."""
        self._scan_line(line, None, [], True)

    def _plain_end(self, position: int, end: int, in_flow: bool) -> int:
        text = self.text
        while position < end:
            character = text[position]
            if character in " \t" and position + 1 < end and text[position + 1] == "#":
                return position
            if character == ":":
                following = text[position + 1] if position + 1 < end else "\n"
                if following in " \t\r\n" or (in_flow and following in ",[]{}"):
                    return position
            if in_flow and character in ",[]{}":
                return position
            position += 1
        return position

    def line_at(self, offset: int) -> _Line:
        low, high = 0, len(self.lines) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.lines[middle].start <= offset:
                low = middle
            else:
                high = middle - 1
        return self.lines[low]


@dataclass
class _Parts:
    """A block line taken apart: its `- ` indicators, its key (if any) and its value."""

    dashes: list[int]  # offsets of the `-` indicators
    node_start: int  # where the key or the value starts, after the indicators
    key_end: int | None  # the end of the key (None: no key on this line)
    colon: int | None
    value_start: int  # where the value starts (== value_end when there is none)
    value_end: int  # the end of the value, before a comment and trailing blanks


def _quoted_end(text: str, position: int, end: int) -> int | None:
    """The offset of the quote closing the one at `position` on this line, or None."""
    quote = text[position]
    position += 1
    while position < end:
        character = text[position]
        if quote == '"' and character == "\\":
            position += 2
            continue
        if character == quote:
            if quote == "'" and position + 1 < end and text[position + 1] == "'":
                position += 2
                continue
            return position
        position += 1
    return None


def _key_colon(text: str, position: int, end: int) -> int | None:
    """The colon that makes the node at `position` a key (`key: value`), or None."""
    if position >= end:
        return None
    first = text[position]
    if first in "\"'":
        closing = _quoted_end(text, position, end)
        if closing is None:
            return None
        after = closing + 1
        while after < end and text[after] in " \t":
            after += 1
        if after < end and text[after] == ":" and (after + 1 >= end or text[after + 1] in " \t"):
            return after
        return None
    if first in "[{#&*!|>%@`,]}" or (
        first in "-?:" and (position + 1 >= end or text[position + 1] in " \t")
    ):
        return None
    cursor = position
    while cursor < end:
        character = text[cursor]
        if character == "#" and text[cursor - 1] in " \t":
            return None
        if character == ":" and (cursor + 1 >= end or text[cursor + 1] in " \t"):
            return cursor
        cursor += 1
    return None


def _parts(text: str, line: _Line) -> _Parts:
    end = line.comment if line.comment is not None else line.end
    position = line.content_start
    dashes: list[int] = []
    while (
        position < end
        and text[position] == "-"
        and (position + 1 >= end or text[position + 1] in " \t")
    ):
        dashes.append(position)
        position += 1
        while position < end and text[position] in " \t":
            position += 1
    node_start = position
    colon = _key_colon(text, position, end)
    key_end = None
    if colon is not None:
        key_end = colon
        while key_end > node_start and text[key_end - 1] in " \t":
            key_end -= 1
        position = colon + 1
        while position < end and text[position] in " \t":
            position += 1
    value_end = end
    while value_end > position and text[value_end - 1] in " \t":
        value_end -= 1
    return _Parts(dashes, node_start, key_end, colon, position, max(position, value_end))


# --- the search over readings ----------------------------------------------------------


@dataclass(frozen=True)
class _Alternative:
    """One way to repair the current breakage: edits over the current text, one rule."""

    edits: tuple[tuple[int, int, str, str], ...]  # (start, end, replacement, message)
    rule: str
    confidence: float
    description: str


@dataclass(frozen=True)
class _Proposal:
    """What a rule proposes at one place: one alternative, or several (a fork)."""

    alternatives: tuple[_Alternative, ...]
    question: str  # why several readings are possible (used when there are several)
    line: int
    column: int


@dataclass
class _Reading:
    history: list[_Alternative] = field(default_factory=list)
    confidence: float = 1.0
    descriptions: list[str] = field(default_factory=list)
    tab_width_chosen: bool = False  # one of several tab widths was taken
    strained: bool = False  # ... and the text still needed an indentation guess after it

    def then(self, alternative: _Alternative, forked: bool) -> _Reading:
        """This reading with `alternative` applied (one of several when `forked`)."""
        chosen = self.tab_width_chosen or (forked and alternative.rule == TAB_INDENTATION)
        return _Reading(
            [*self.history, alternative],
            min(self.confidence, alternative.confidence),
            [*self.descriptions, alternative.description] if forked else self.descriptions,
            chosen,
            self.strained or (self.tab_width_chosen and alternative.rule == STRAY_INDENT),
        )


class _GiveUp(Exception):
    """Too many readings or reads: the input is refused rather than half-searched."""


def _session(original: str, history: Sequence[_Alternative]) -> EditSession:
    session = EditSession(original)
    for alternative in history:
        _apply(session, alternative)
    return session


def _apply(session: EditSession, alternative: _Alternative) -> None:
    for start, end, replacement, message in sorted(
        alternative.edits, key=lambda edit: (edit[0], edit[1]), reverse=True
    ):
        session.replace(start, end, replacement, alternative.rule, message)


class _Search:
    def __init__(self, text: str, options: Options) -> None:
        self.text = text
        self.options = replace(options, repair="off")
        self.parses = 0
        self.work = 0
        self.fork: _Proposal | None = None

    def read(self, text: str) -> tuple[Any, ParseError | None]:
        self.parses += 1
        self.work += len(text)
        if self.parses > _MAX_PARSES or self.work > _MAX_WORK:
            raise _GiveUp
        try:
            return formats.read(text, "yaml", self.options), None
        except ParseError as error:
            return None, error

    def run(self, error: ParseError) -> list[tuple[_Reading, EditSession, Any]]:
        pending: list[tuple[_Reading, ParseError | None]] = [(_Reading(), error)]
        done: list[tuple[_Reading, EditSession, Any]] = []
        while pending:
            reading, current_error = pending.pop(0)
            session = _session(self.text, reading.history)
            for _ in range(_MAX_PASSES):
                if current_error is None:
                    data, current_error = self.read(session.text)
                    if current_error is None:
                        done.append((reading, session, data))
                        break
                if not current_error.repairable:
                    break
                proposal = _propose(session.text, current_error)
                if proposal is None:
                    break
                first, *others = proposal.alternatives
                if others:
                    # Readings alive: those waiting, those finished, this one and the new.
                    if len(pending) + len(done) + 1 + len(others) > _MAX_READINGS:
                        raise _GiveUp
                    if self.fork is None:
                        self.fork = _located(proposal, session)
                    pending.extend((reading.then(other, True), None) for other in others)
                reading = reading.then(first, bool(others))
                _apply(session, first)
                current_error = None
        return done


def _located(proposal: _Proposal, session: EditSession) -> _Proposal:
    """The proposal with its line and column in the original text's coordinates."""
    if not session.changed:
        return proposal
    offset = LineIndex(session.text).offset(proposal.line, proposal.column)
    original = _original_offset(session, offset)
    line, column = LineIndex(session.original).line_column(original)
    return replace(proposal, line=line, column=column)


def _original_offset(session: EditSession, offset: int) -> int:
    """Where a current offset came from (the nearest original character before an insert)."""
    shift = 0
    for edit in session.edits():
        current_start = edit.start + shift
        if offset < current_start:
            break
        if offset < current_start + len(edit.replacement):
            return edit.start
        shift += len(edit.replacement) - (edit.end - edit.start)
    return max(0, min(offset - shift, len(session.original)))


def repair(text: str, error: ParseError, options: Options) -> RuleOutcome:
    """A repaired text, an Ambiguity, or None (see the module docstring for the rules)."""
    if not error.repairable or _CONFLICT_MARKER.search(text):
        return None
    search = _Search(text, options)
    try:
        done = search.run(error)
    except _GiveUp:
        return None
    if not done:
        return None
    if any(reading.tab_width_chosen and not reading.strained for reading, _, _ in done):
        # A tab width under which the file still needs an indentation guess is not a
        # reading of it when another width fits as it stands.
        done = [entry for entry in done if not entry[0].strained]
    # A key the indentation guess itself repeated, with another value: dropping the
    # earlier value then is a loss the guess caused, not a duplicate the file has.
    done = [entry for entry in done if not _guess_drops_a_value(entry[1].fixes())]
    if not done:
        return None
    groups: list[list[tuple[_Reading, EditSession, Any]]] = []
    for entry in done:
        for group in groups:
            if _same_data(group[0][2], entry[2]):
                group.append(entry)
                break
        else:
            groups.append([entry])
    for group in groups:
        group.sort(key=lambda entry: -entry[0].confidence)
    if len(groups) == 1:  # one result: the pipeline validates it
        reading, session, _ = groups[0][0]
        return Patched(session.text, session.fixes(), reading.confidence)
    # Several results: keep, per result, the first reading that passes validation.
    kept: list[tuple[_Reading, EditSession, tuple[Fix, ...]]] = []
    for group in groups:
        for reading, session, data in group:
            fixes = session.fixes()
            if provenance.check(text, data, fixes, "yaml", search.options) is None:
                kept.append((reading, session, fixes))
                break
    if not kept:
        reading, session, _ = groups[0][0]
        return Patched(session.text, session.fixes(), reading.confidence)
    # A reading that has to drop a repeated key's earlier values (the indentation guess put
    # the key back into a mapping that already holds it) loses data that another keeps.
    fewest = min(_duplicates_dropped(fixes) for _, _, fixes in kept)
    kept = [entry for entry in kept if _duplicates_dropped(entry[2]) == fewest]
    if len(kept) == 1:
        reading, session, fixes = kept[0]
        return Patched(session.text, fixes, reading.confidence)
    fork = search.fork
    assert fork is not None  # several results come from a fork
    return Ambiguity(
        format="yaml",
        line=fork.line,
        column=fork.column,
        message=fork.question,
        candidates=tuple(
            Candidate(
                "; ".join(reading.descriptions) or "the repaired text", session.text, None, fixes
            )
            for reading, session, fixes in kept
        ),
    )


def _duplicates_dropped(fixes: Sequence[Fix]) -> int:
    return sum(DUPLICATE_KEY in fix.rule.split("+") for fix in fixes)


def _same_data(left: Any, right: Any) -> bool:
    """Equal as data: types strict (1, 1.0 and True differ), key order ignored.

    (neutral.first_difference would do, but it cannot name a path through a null or
    float key, which YAML allows.)"""
    stack = [(left, right)]
    while stack:
        one, other = stack.pop()
        if type(one) is not type(other):
            return False
        if isinstance(one, dict):
            if len(one) != len(other) or any(key not in other for key in one):
                return False
            stack.extend((value, other[key]) for key, value in one.items())
        elif isinstance(one, list):
            if len(one) != len(other):
                return False
            stack.extend(zip(one, other, strict=True))
        elif one != other and not (one != one and other != other):  # NaN equals NaN here
            return False
    return True


def _propose(text: str, error: ParseError) -> _Proposal | None:
    """The first rule that recognises the breakage, and what it proposes."""
    scan = _Scan(text)
    offset = _error_offset(text, error)
    for rule in (
        _tab_indentation,
        _tab_separator,
        _colon_space,
        _duplicate_key,
        _unescaped_quote,
        _unclosed_quote,
        _unclosed_flow,
        _quote_value,
        _block_under_indented,
        _lost_colon,
        _stray_indent,
    ):
        proposal = rule(text, scan, error, offset)
        if proposal is not None:
            if rule is _stray_indent:
                return _or_missing_colon(text, scan, offset, proposal)
            return proposal
    return None


_KEY_AND_VALUE_WITHOUT_COLON = re.compile(r"((?:- +)*)([A-Za-z_][\w.-]*)( +)[^\s:#][^:#]*")
_KEY_ALONE = re.compile(r"((?:- +)*)([A-Za-z_][\w.-]*)")


def _or_missing_colon(text: str, scan: _Scan, offset: int | None, proposal: _Proposal) -> _Proposal:
    """A line that reads as a stray indentation may as well follow a `key value` line
    that lost its colon (`b 1` above `c: 2`): that reading is offered beside it."""
    if offset is None:
        return proposal
    line = scan.line_at(offset)
    previous = next(
        (
            scan.lines[number]
            for number in range(line.index - 1, -1, -1)
            if scan.lines[number].kind != "blank"
        ),
        None,
    )
    if previous is None or previous.kind != "content" or previous.lead > line.lead:
        return proposal
    end = previous.comment if previous.comment is not None else previous.end
    content = text[previous.content_start : end].rstrip()
    if previous.lead == line.lead:  # `b 1` above `c: 2`: `b: 1`
        match = _KEY_AND_VALUE_WITHOUT_COLON.fullmatch(content)
    else:  # `b` above more indented lines: `b:` holding them
        match = _KEY_ALONE.fullmatch(content)
        earlier = next(
            (
                scan.lines[number]
                for number in range(previous.index - 1, -1, -1)
                if scan.lines[number].kind not in ("blank", "comment")
            ),
            None,
        )
        if earlier is not None and earlier.kind == "content" and earlier.lead < previous.lead:
            end = earlier.comment if earlier.comment is not None else earlier.end
            if _KEY_ALONE.fullmatch(text[earlier.content_start : end].rstrip()):
                match = None  # `this` + ` is` + `  x: 1`: words of one plain scalar, no keys
    if match is None:
        return proposal
    colon = previous.content_start + match.end(2)
    missing = _Alternative(
        ((colon, colon, ":", f"'{match.group(2)}' lost the colon after it: added"),),
        MISSING_COLON,
        STRAY,
        f"line {previous.number} is '{match.group(2)}: ...' without its colon",
    )
    return _Proposal(
        proposal.alternatives + (missing,),
        proposal.question or f"line {line.number}: an indentation slip, or a lost colon above",
        proposal.line,
        proposal.column,
    )


def _error_offset(text: str, error: ParseError) -> int | None:
    if error.line <= 0:
        return None
    index = LineIndex(text)
    if error.line > len(index.starts):
        return len(text)
    return min(index.offset(error.line, error.column), len(text))


def _single(alternative: _Alternative, line: int, column: int) -> _Proposal:
    return _Proposal((alternative,), "", line, column)


def _shown(text: str, limit: int = 40) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- tab-indentation and tab-separator ------------------------------------------------


def _indent_unit(text: str, scan: _Scan) -> int:
    """The file's indentation step: the most common increase between content lines."""
    steps: Counter[int] = Counter()
    previous: int | None = None
    for line in scan.lines:
        if line.kind != "content":
            continue
        leading = text[line.start : line.content_start]
        if "\t" in leading:
            previous = None
            continue
        if previous is not None and line.lead > previous:
            steps[line.lead - previous] += 1
        previous = line.lead
    if not steps:
        return 2
    return min(steps, key=lambda step: (-steps[step], step))


def _expand(leading: str, width: int) -> int:
    column = 0
    for character in leading:
        column = column + 1 if character == " " else (column // width + 1) * width
    return column


def _tab_indentation(
    text: str, scan: _Scan, error: ParseError, offset: int | None
) -> _Proposal | None:
    error_line = scan.line_at(offset) if offset is not None else None
    tab_on_error_line = (
        error_line is not None and "\t" in text[error_line.start : error_line.content_start]
    )
    if "tab" not in error.message.lower() and not tab_on_error_line:
        return None
    # Lines to fix: content/comment lines indented with tabs, and the lines of block scalars
    # whose indentation is tabs (their first line starts with a tab).
    targets: list[tuple[_Line, str]] = []  # (line, the leading text that is indentation)
    block_prefix: str | None = None
    for line in scan.lines:
        leading = text[line.start : line.content_start]
        if line.kind == "block":
            if block_prefix is None and line.lead and line.start + line.lead < line.end:
                block_prefix = leading if leading.startswith("\t") else ""
            if block_prefix and leading.startswith(block_prefix):
                targets.append((line, block_prefix))
            continue
        block_prefix = None
        if line.kind in ("content", "comment") and "\t" in leading:
            targets.append((line, leading))
    if not targets:
        return None
    mixed = any(
        line.kind == "content" and " " in text[line.start : line.content_start]
        for line in scan.lines
    )
    unit = _indent_unit(text, scan)
    widths = [unit, *(width for width in (2, 4, 8) if width != unit)] if mixed else [unit]
    alternatives = []
    for width in widths:
        edits = []
        for line, leading in targets:
            columns = _expand(leading, width)
            edits.append(
                (
                    line.start,
                    line.start + len(leading),
                    " " * columns,
                    f"tab indentation replaced by {columns} spaces (a tab as {width} columns)",
                )
            )
        alternatives.append(
            _Alternative(
                tuple(edits), TAB_INDENTATION, NEAR_CERTAIN, f"tabs read as {width} columns"
            )
        )
    first = targets[0][0]
    return _Proposal(
        tuple(alternatives),
        "spaces and tabs are mixed in the indentation, and tab widths give different structures",
        first.number,
        1,
    )


_TAB_AFTER_KEY = re.compile(r"\t+")


def _tab_separator(
    text: str, scan: _Scan, error: ParseError, offset: int | None
) -> _Proposal | None:
    if offset is None or "must be followed by a valid YAML whitespace" not in error.message:
        return None
    edits = []
    for line in scan.lines:
        if line.kind != "content":
            continue
        parts = _parts_of_tab_line(text, line)
        if parts is not None:
            edits.append(parts)
    if not edits:
        return None
    line = scan.line_at(offset)
    return _single(
        _Alternative(tuple(edits), TAB_SEPARATOR, COSMETIC, "the tab after ':' read as a space"),
        line.number,
        1,
    )


_KEY_WITHOUT_SPACE = re.compile(r"((?:- +)*)([A-Za-z_][\w.-]*):(?=[\"'\[{])")
# `key:value` with a plain value: only on the line the reader refuses (or the line above
# it, at its indentation, which the reader took for a value), never in a list
# item (`- redis-data:/data` is one plain scalar, as compose writes volumes).
_PLAIN_KEY_WITHOUT_SPACE = re.compile(r"([A-Za-z_][\w.-]*):(?=[^\s:#\"'][^:#]*$)")


_DASHES = re.compile(r"(?:-[ \t]+)+")


def _mapping_key_above(text: str, scan: _Scan, line: _Line) -> bool:
    """Whether the nearest content line above `line` has a `key: ` entry starting at
    `line`'s column (`- name: v` over `  mountPath:/models`)."""
    for other in reversed(scan.lines[: line.index]):
        if other.kind in ("blank", "comment"):
            continue
        if other.kind != "content":
            return False
        dashes = _DASHES.match(text, other.content_start)
        start = dashes.end() if dashes else other.content_start
        return start - other.start == line.lead and _ENTRY.match(text, start) is not None
    return False


def _colon_space(text: str, scan: _Scan, error: ParseError, offset: int | None) -> _Proposal | None:
    """`key:"value"` or `key:value` in a block mapping: the space after the colon (which
    YAML needs to see a key) is added, on every such line at once."""
    if offset is None:
        return None
    edits = []
    refused = scan.line_at(offset)
    while refused.index > 0 and refused.kind != "content":
        refused = scan.lines[refused.index - 1]  # the reader stopped past the line's end
    # `context:frontend` above `target: x`: the reader took the first line for the
    # mapping's value and refuses the second; the first is where the space is missing.
    above = next(
        (
            line
            for line in reversed(scan.lines[: refused.index])
            if line.kind not in ("blank", "comment")
        ),
        None,
    )
    plain_lines = {refused.index: 0}  # line -> where its key starts (after `- `)
    if above is not None and above.kind == "content":
        dashes = _DASHES.match(text, above.content_start)
        skip = dashes.end() - above.content_start if dashes else 0
        if above.lead == refused.lead and not skip:
            plain_lines[above.index] = 0
        elif skip and above.lead + skip == refused.lead:
            # `- name:Use Node.js` over `  uses: x`: the item is a mapping, `name` its key
            plain_lines[above.index] = skip
        elif not skip and _mapping_key_above(text, scan, above):
            # `- name: v` / `  mountPath:/models` then a less indented key: the reader
            # read the second line into the first's value
            plain_lines[above.index] = 0
    for line in scan.lines:
        if line.kind != "content":
            continue
        end = line.comment if line.comment is not None else line.end
        content = text[line.content_start : end].rstrip()
        match = _KEY_WITHOUT_SPACE.match(content)
        skip = 0
        if match is None and line.index in plain_lines:
            skip = plain_lines[line.index]
            match = _PLAIN_KEY_WITHOUT_SPACE.match(content, skip)
        if match is None:
            continue
        colon = line.content_start + match.end()
        edits.append(
            (colon, colon, " ", f"a space added after '{match.group(match.lastindex or 0)}:'")
        )
    if not edits:
        return None
    line = scan.line_at(offset)
    return _single(
        _Alternative(
            tuple(edits), COLON_SPACE, NEAR_CERTAIN, "a space added after the key's colon"
        ),
        line.number,
        1,
    )


def _parts_of_tab_line(text: str, line: _Line) -> tuple[int, int, str, str] | None:
    """The edit turning `key:<TAB>value` into `key: value` on this line, if it has one."""
    end = line.comment if line.comment is not None else line.end
    position = line.content_start
    while (
        position < end
        and text[position] == "-"
        and position + 1 < end
        and text[position + 1] in " \t"
    ):
        position += 2
        while position < end and text[position] in " \t":
            position += 1
    if position >= end or text[position] in "\"'[{#&*!|>%@`":
        return None
    colon = text.find(":", position, end)
    if colon == -1 or colon + 1 >= end or text[colon + 1] != "\t":
        return None
    if " #" in text[position:colon] or ": " in text[position:colon]:
        return None
    tabs = _TAB_AFTER_KEY.match(text, colon + 1)
    assert tabs is not None
    if tabs.end() >= end:
        return None
    return (colon + 1, tabs.end(), " ", "tab after ':' replaced by a space")


# --- duplicate-key --------------------------------------------------------------------


def _guess_drops_a_value(fixes: Sequence[Fix]) -> bool:
    """Whether an indentation guess and the removal of a duplicate with another value are
    in one repair (the guess may have made the duplicate)."""
    rules = {rule for fix in fixes for rule in fix.rule.split("+")}
    differing = any(
        DUPLICATE_KEY in fix.rule.split("+") and DIFFERING_MARK in fix.message for fix in fixes
    )
    return differing and STRAY_INDENT in rules


def _events(text: str) -> list[Any] | None:
    try:
        return list(pyyaml.parse(text, Loader=pyyaml.CSafeLoader))
    except pyyaml.YAMLError:
        pass
    from ruamel.yaml import YAML

    try:
        return list(YAML(typ="safe", pure=True).parse(text))
    except Exception:
        return None


def _scalar_value(event: Any) -> Any:
    if event.style or event.tag:
        return ("str", event.value)
    try:
        value = yaml_rs.loads(event.value)
    except Exception:
        value = event.value
    if isinstance(value, dict | list):  # not a scalar on its own (`a: b`): its text
        value = event.value
    return (type(value).__name__, value)


def _node_end(events: list[Any], index: int) -> int:
    """The index of the last event of the node that starts at `index`."""
    level = 0
    for position in range(index, len(events)):
        name = type(events[position]).__name__
        if name in ("MappingStartEvent", "SequenceStartEvent"):
            level += 1
        elif name in ("MappingEndEvent", "SequenceEndEvent"):
            level -= 1
        if level == 0:
            return position
    return len(events) - 1


def _shape(events: list[Any], first: int, last: int) -> list[Any]:
    """A node's events as comparable data (scalars resolved as the reader would)."""
    shape: list[Any] = []
    for event in events[first : last + 1]:
        name = type(event).__name__
        if name == "ScalarEvent":
            shape.append(_scalar_value(event))
        elif name == "AliasEvent":
            shape.append(("alias", event.anchor))
        else:
            shape.append(name)
    return shape


def _value_end(events: list[Any], first: int, last: int) -> int:
    """Where a node's text ends: its last scalar, alias or flow collection end (a block
    collection's end event lies at the next token, past comments that are not its own)."""
    end: int = events[first].end_mark.index
    flows: list[bool] = []
    for event in events[first : last + 1]:
        name = type(event).__name__
        if name in ("MappingStartEvent", "SequenceStartEvent"):
            flows.append(bool(event.flow_style))
            continue
        if name in ("MappingEndEvent", "SequenceEndEvent") and not flows.pop():
            continue
        end = max(end, event.end_mark.index)
    return end


def _duplicate_key(
    text: str, scan: _Scan, error: ParseError, offset: int | None
) -> _Proposal | None:
    """Every repeated key of the text at once (each mapping's earlier entries removed)."""
    if not error.message.startswith("duplicate mapping key"):
        return None
    events = _events(text)
    if events is None:
        return None
    pairs: list[tuple[int, int]] = []  # (the earlier key's event, the later one's)
    # Per open collection: its keys so far (None for a sequence), and its node count.
    frames: list[tuple[dict[Any, int] | None, list[int]]] = []
    for index, event in enumerate(events):
        name = type(event).__name__
        if name in ("MappingEndEvent", "SequenceEndEvent"):
            frames.pop()
            continue
        if name not in ("ScalarEvent", "AliasEvent", "MappingStartEvent", "SequenceStartEvent"):
            continue
        if frames:
            keys, count = frames[-1]
            if keys is not None and count[0] % 2 == 0 and name == "ScalarEvent":
                key = _scalar_value(event)
                if key in keys:
                    pairs.append((keys[key], index))
                keys[key] = index
            count[0] += 1
        if name == "MappingStartEvent":
            frames.append(({}, [0]))
        elif name == "SequenceStartEvent":
            frames.append((None, [0]))
    lines = LineIndex(text)
    removals = [_removal(text, lines, events, earlier, later) for earlier, later in pairs]
    if any(removal is not None and DIFFERING_MARK in removal[2] for removal in removals):
        # Two values for one key (a block copied and changed, both sides of a merge):
        # which one is meant is the author's to say, and either drops the other.
        return None
    spans = sorted(removal for removal in removals if removal is not None)
    kept: list[tuple[int, int, str, str, float]] = []
    for span in spans:
        if kept and span[0] < kept[-1][1]:
            continue  # inside an entry removed already
        kept.append(span)
    if not kept:
        return None
    line, column = lines.line_column(kept[0][0])
    return _single(
        _Alternative(
            tuple((start, end, "", message) for start, end, message, _, _ in kept),
            DUPLICATE_KEY,
            min(confidence for *_, confidence in kept),
            "; ".join(description for _, _, _, description, _ in kept),
        ),
        line,
        column,
    )


def _removal(
    text: str, index: LineIndex, events: list[Any], earlier: int, later: int
) -> tuple[int, int, str, str, float] | None:
    """The span of the earlier entry (key and value), its Fix message and confidence."""
    value_last = _node_end(events, earlier + 1)
    following = events[value_last + 1] if value_last + 1 < len(events) else None
    if following is None or type(following).__name__ != "ScalarEvent":
        return None
    key_start = events[earlier].start_mark.index
    next_key = following.start_mark.index
    key_line_start = index.starts[index.line_column(key_start)[0] - 1]
    next_line_start = index.starts[index.line_column(next_key)[0] - 1]
    start, end = key_start, next_key
    if not text[key_line_start:key_start].strip() and not text[next_line_start:next_key].strip():
        # Whole lines: from the key's line to the end of the value's last line (a comment
        # just above the next key stays with it).
        value_end = min(_value_end(events, earlier + 1, value_last), next_line_start)
        line_end = text.find("\n", value_end)
        end = next_line_start if line_end == -1 else min(line_end + 1, next_line_start)
        if end <= key_line_start:
            end = next_line_start
        start = key_line_start
    same = _shape(events, earlier + 1, value_last) == _shape(
        events, later + 1, _node_end(events, later + 1)
    )
    earlier_line = index.line_column(key_start)[0]
    later_line = index.line_column(events[later].start_mark.index)[0]
    name = _shown(events[earlier].value)
    if same:
        message = (
            f"duplicate key '{name}' (line {earlier_line}) removed: "
            f"line {later_line} repeats it with the same value"
        )
        return start, end, message, message, COSMETIC
    message = (
        f"duplicate key '{name}': the earlier entry (line {earlier_line}) removed, "
        f"the later one (line {later_line}) {DIFFERING_MARK}"
    )
    return start, end, message, message, DIFFERING_DUPLICATE


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


# --- stray-indent ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Level:
    column: int
    name: str  # the key, or "-" for a sequence
    line: int  # 1-based


def _levels(text: str, scan: _Scan, before: int) -> tuple[list[_Level], _Line | None]:
    """The open indentation levels before line index `before`, and the last content line."""
    stack: list[_Level] = []
    previous: _Line | None = None
    for line in scan.lines[:before]:
        if line.kind != "content":
            continue
        parts = _parts(text, line)
        column = line.lead
        if not parts.dashes and parts.colon is None and stack and column > stack[-1].column:
            continue  # the continuation of a multi-line plain value
        previous = line
        while stack and stack[-1].column >= column:
            stack.pop()
        for dash in parts.dashes:
            stack.append(_Level(dash - line.start, "-", line.number))
        if parts.key_end is not None:
            name = _shown(text[parts.node_start : parts.key_end], 30)
            stack.append(_Level(parts.node_start - line.start, name, line.number))
        elif not parts.dashes:
            stack.append(_Level(column, "", line.number))
    return stack, previous


def _opener(text: str, line: _Line) -> int | None:
    """The column under which `line` opens a block (`key:` or `-` with nothing after)."""
    parts = _parts(text, line)
    if parts.value_start != parts.value_end:
        return None
    if parts.key_end is not None:
        return parts.node_start - line.start
    if parts.dashes:
        return parts.dashes[-1] - line.start
    return None


_BLOCK_SCALAR_HEADER = re.compile(r"(?:^|[ \t])[|>][-+0-9]*[ \t]*(?:#.*)?$")
_ENTRY = re.compile(
    r"""(?:-(?:[ \t]|$)|[^\s#'"][^#]*?:(?:[ \t]|$)|["'][^"']*["'][ \t]*:(?:[ \t]|$))"""
)


def _block_under_indented(
    text: str, scan: _Scan, error: ParseError, offset: int | None
) -> _Proposal | None:
    """A line below a block scalar (`run: |`) indented less than the block but no less
    than its key, that is no key or list item: the mapping around the block cannot hold
    it, so it is the block's, its indentation lost in a paste. It gets the block's."""
    edits: list[tuple[int, int, str, str]] = []
    lines = scan.lines
    for header in lines:
        if header.kind != "content":
            continue
        if not _BLOCK_SCALAR_HEADER.search(text[header.content_start : header.end].rstrip()):
            continue
        body = [
            line
            for line in lines[header.index + 1 :]
            if line.kind != "blank" and text[line.content_start : line.end].strip()
        ]
        if not body or body[0].lead <= header.lead:
            continue
        indent = body[0].lead
        for line in body:
            if line.lead >= indent:
                continue
            content = text[line.content_start : line.end]
            if (
                line.lead < header.lead
                or line.kind not in ("content", "block")
                or _ENTRY.match(content)
            ):
                break  # the block ends here
            edits.append(
                (
                    line.start,
                    line.content_start,
                    " " * indent,
                    f"line {line.number} of the block scalar on line {header.number} indented "
                    f"to the block's column {indent + 1} (it was at column {line.lead + 1})",
                )
            )
    if not edits:
        return None
    first = scan.line_at(edits[0][0])
    return _single(
        _Alternative(
            tuple(edits), BLOCK_INDENT, CLOSED, "block scalar lines given the block's indentation"
        ),
        first.number,
        1,
    )


# `image mongo:4.2`: a name, spaces, one word (prose `shared by two pods` is no key's)
_KEY_SPACE_VALUE = re.compile(r"((?:- +)*)([A-Za-z_][\w.-]*)( +)([^\s#\"'&*!|>%@`][^\s#]*)")


def _lost_colon(text: str, scan: _Scan, error: ParseError, offset: int | None) -> _Proposal | None:
    """`image mongo:4.2` or a lone `expose` over its items, among the `key:` lines of a
    mapping (the line above it at its key column is one): the key lost its colon. Only
    the last line at the refused line's indentation or less, above it, is looked at."""
    if offset is None or not error.message.startswith(("simple key expect ':'", "could not find")):
        return None
    refused = scan.line_at(offset)
    content_lines = [line for line in scan.lines[: refused.index] if line.kind == "content"]
    at_end = not text[refused.content_start : refused.end].strip()  # (past the last line)
    candidates = [line for line in content_lines if at_end or line.lead <= refused.lead]
    if not candidates:
        return None
    line = candidates[-1]
    items_below = any(other.lead > line.lead for other in content_lines if other.index > line.index)
    end = line.comment if line.comment is not None else line.end
    content = text[line.content_start : end].rstrip()
    above = next(
        (
            other
            for other in reversed(content_lines)
            if other.index < line.index and other.lead <= line.lead
        ),
        None,
    )
    if above is None:
        return None
    above_end = above.comment if above.comment is not None else above.end
    above_content = text[above.content_start : above_end]
    dashes = re.match(r"(?:-[ \t]+)*", above_content)
    key_column = above.lead + (dashes.end() if dashes else 0)
    if key_column != line.lead or not _ENTRY.match(above_content[dashes.end() if dashes else 0 :]):
        return None
    if line.comment is not None:
        return None  # `this is #not a: key`: what the comment holds may be the line's
    if items_below:
        match = _KEY_ALONE.fullmatch(content)
    else:
        match = _KEY_SPACE_VALUE.fullmatch(content)
        if match is not None and ": " in match.group(4):
            match = None
    if match is None or match.group(1):
        return None
    colon = line.content_start + match.end(2)
    return _single(
        _Alternative(
            ((colon, colon, ":", f"'{match.group(2)}' lost the colon after it: added"),),
            MISSING_COLON,
            CLOSED,
            f"line {line.number} is '{match.group(2)}: ...' without its colon",
        ),
        line.number,
        match.end(2) + line.lead + 1,
    )


def _stray_indent(
    text: str, scan: _Scan, error: ParseError, offset: int | None
) -> _Proposal | None:
    if offset is None:
        return None
    line = scan.line_at(offset)
    if line.kind != "content" or "\t" in text[line.start : line.content_start]:
        return None
    parts = _parts(text, line)
    mapping_value = "mapping values are not allowed" in error.message
    if mapping_value and parts.colon != offset:
        return None
    levels, previous = _levels(text, scan, line.index)
    column = line.lead
    if any(level.column == column for level in levels) and not mapping_value:
        return None
    below = [level for level in levels if level.column < column]
    above = [level for level in levels if level.column > column]
    targets: list[tuple[int, str]] = []
    shown = _shown(text[line.content_start : line.end], 30)
    if below:
        level = below[-1]
        targets.append((level.column, _beside(level)))
    if above:
        level = min(above, key=lambda level: level.column)
        targets.append((level.column, _beside(level)))
    block_end = _block_end(scan, line, levels)
    after = _next_content(scan, block_end)
    if _opener(text, line) is not None and after is not None and after.lead < column:
        # `key:` with nothing after it, then lines less indented than it: at a level out
        # of their reach it holds them, instead of a null beside them.
        outer = [level for level in below if level.column < after.lead]
        if outer:
            targets.append((outer[-1].column, f"{_beside(outer[-1])}, holding the lines after it"))
    if previous is not None:
        opened = _opener(text, previous)
        if opened is not None and opened >= column:
            name = _shown(text[previous.start + opened : previous.end].rstrip(": \t-"), 30)
            targets.append(
                (opened + _indent_unit(text, scan), f"under '{name}' (line {previous.number})")
            )
    alternatives: list[_Alternative] = []
    seen: set[int] = set()
    for target, where in targets:
        if target == column or target in seen:
            continue
        seen.add(target)
        edits = _shift(text, scan, line, block_end, target - column)
        if edits is None:
            continue
        alternatives.append(
            _Alternative(
                edits,
                STRAY_INDENT,
                STRAY,
                f"line {line.number} ('{shown}') {where}",
            )
        )
    if mapping_value and previous is not None:
        joined = _joined_value(text, scan, previous, line)
        if joined is not None:
            alternatives.append(joined)
    if not alternatives:
        return None
    return _Proposal(
        tuple(alternatives),
        f"line {line.number} is indented to column {column + 1}, which no enclosing block uses",
        line.number,
        column + 1,
    )


def _next_content(scan: _Scan, index: int) -> _Line | None:
    """The first content line after line index `index`."""
    return next((line for line in scan.lines[index + 1 :] if line.kind == "content"), None)


def _beside(level: _Level) -> str:
    if level.name == "-":
        return f"as an item of the list at line {level.line}"
    if level.column == 0:
        return "at the top level"
    if not level.name:
        return f"beside line {level.line}"
    return f"beside '{level.name}' (line {level.line})"


def _block_end(scan: _Scan, line: _Line, levels: Sequence[_Level] = ()) -> int:
    """The index of the last line carried with `line`: its deeper lines and the lines at
    its own (stray) column, up to a shallower line or one at an open level of its own."""
    open_columns = {level.column for level in levels}
    last = line.index
    for following in scan.lines[line.index + 1 :]:
        if following.kind == "content" and (
            following.lead < line.lead
            or (following.lead != line.lead and following.lead in open_columns)
        ):
            break
        if following.kind in ("content", "block", "quoted", "flow"):
            last = following.index
    return last


def _shift(
    text: str, scan: _Scan, line: _Line, last: int, delta: int
) -> tuple[tuple[int, int, str, str], ...] | None:
    edits = []
    for moved in scan.lines[line.index : last + 1]:
        if moved.kind in ("blank", "comment") or moved.start + moved.lead >= moved.end:
            continue
        leading = text[moved.start : moved.content_start]
        if "\t" in leading:
            return None
        new = moved.lead + delta
        if new < 0:
            return None
        edits.append(
            (
                moved.start,
                moved.content_start,
                " " * new,
                f"line indented from column {moved.lead + 1} to column {new + 1} (stray indentation)",
            )
        )
    return tuple(edits)


def _joined_value(text: str, scan: _Scan, previous: _Line, line: _Line) -> _Alternative | None:
    """`description: a long\\n  text: more` read as one value over both lines."""
    if previous.index != line.index - 1 or previous.comment is not None or line.comment is not None:
        return None
    parts = _parts(text, previous)
    if parts.colon is None or parts.value_start == parts.value_end:
        return None
    value = text[parts.value_start : parts.value_end]
    if value[0] in "\"'[{|>&*!%@`#":
        return None
    parts_here = _parts(text, line)
    key = text[parts_here.node_start : parts_here.key_end or parts_here.node_start]
    if len(value.split()) < _PROSE_WORDS and not re.search(r"\s", key):
        return None  # `host: x` + `    port: 80` is not prose wrapped onto a second line
    if line.lead <= previous.lead or _block_end(scan, line) != line.index:
        return None
    end = line.end
    while end > line.content_start and text[end - 1] in " \t":
        end -= 1
    whole = text[parts.value_start : end]
    if "'" in whole and ('"' in whole or "\\" in whole):
        return None
    quote = "'" if "'" not in whole else '"'
    continued = _shown(text[line.content_start : end], 30)
    return _Alternative(
        (
            (
                parts.value_start,
                parts.value_start,
                quote,
                f"the value of line {previous.number} quoted over two lines",
            ),
            (end, end, quote, f"line {line.number} read as the continuation of that value"),
        ),
        QUOTE_VALUE,
        STRAY,
        f"line {line.number} ('{continued}') continues the value of line {previous.number}",
    )


# --- the input's values, for provenance validation --------------------------------------


def _unquote(piece: str) -> str:
    """A value's text without its quotes (an unclosed one loses its opening quote)."""
    quote = piece[0]
    inner = piece[1:-1] if len(piece) >= 2 and piece[-1] == quote else piece[1:]
    if quote == '"':
        return unescape_backslashes(inner)
    return inner.replace("''", "'")


def _pieces(text: str, line: _Line) -> Iterator[tuple[str, int]]:
    parts = _parts(text, line)
    if parts.key_end is not None:
        yield text[parts.node_start : parts.key_end], parts.node_start
        start = parts.value_start
    else:
        start = parts.node_start
    if line.comment is None:
        end = parts.value_end
    else:
        end = line.comment
        while end > start and text[end - 1] in " \t":
            end -= 1
    if end > start:
        yield text[start:end], start


def _flow_words(piece: str, start: int) -> Iterator[tuple[str, int]]:
    for word in _FLOW_WORD.finditer(piece):
        if word.group() not in _KEYWORDS:
            yield word.group(), start + word.start()


def _line_tokens(text: str, line: _Line) -> Iterator[tuple[str, int]]:
    for raw, offset in _pieces(text, line):
        piece = raw.lstrip()
        decoration = _DECORATION.match(piece)
        if decoration is not None:
            piece = piece[decoration.end() :]
        start = offset + len(raw) - len(piece)
        piece = piece.rstrip()
        if not piece or piece[0] == "*" or _BLOCK_HEADER.fullmatch(piece):
            continue
        if piece in _KEYWORDS:
            continue
        if piece[0] in "[{":
            yield from _flow_words(piece, start)
            continue
        if piece[0] in "\"'":
            if _quoted_end(piece, 0, len(piece)) is None:
                # Unclosed: a ' #' in it may be a comment (a repair may read it so).
                piece = re.split(r"[ \t]#", piece, maxsplit=1)[0]
            piece = _unquote(piece)
        elif piece[-1:] in "\"'" and piece.count(piece[-1]) % 2 == 1:
            piece = piece[:-1]  # the end of a quoted value that began on an earlier line
        yield piece, start


def input_values(text: str) -> Iterator[tuple[str, int]]:
    """The input's value tokens and offsets, for provenance validation (the text does not parse).

    Line by line, so that one broken quote does not swallow the rest of the file: keys,
    values (unquoted), the words of flow collections, block scalar lines. Comments,
    document markers, directives, block headers, anchors, tags and aliases are not values.
    """
    scan = _Scan(text)
    for line in scan.lines:
        if line.start + line.lead >= line.end:
            continue
        content = text[line.content_start : line.end]
        if line.kind == "block":
            yield content.strip(), line.content_start
            continue
        if content.startswith(("#", "---", "...", "%")) and line.kind != "quoted":
            continue
        alone = _Line(line.index, line.start, line.end, line.lead, "content")
        scan.rescan(alone)
        if line.kind == "flow":
            end = alone.end if alone.comment is None else alone.comment
            yield from _flow_words(text[alone.content_start : end], alone.content_start)
            continue
        yield from _line_tokens(text, alone)


def answer_lines_up(text: str, data: Any) -> str | None:
    """Why the model's answer does not line up with the input: its top-level keys, or a
    `key: value` line it lost (None when it lines up). Checked on the model's answers
    only."""
    return _top_keys_kept(text, data) or answer_keeps_pairs(text, data)


def _top_keys_kept(text: str, data: Any) -> str | None:
    """Why the model's mapping does not have the input's top-level keys (None when it
    does, or when the input is not one mapping).

    Indentation is where the model errs: a key written at column 0 nested under the
    block before it holds only input values, in the wrong place, and provenance cannot
    see that. A key at column 0 of a plain line is a top-level key in every reading of
    a one-document mapping."""
    if not isinstance(data, dict):
        return None
    scan = _Scan(text)
    keys: list[str] = []
    for line in scan.lines:
        content = text[line.start : line.end]
        if content.startswith(("---", "...", "%")):
            return None  # several documents, or directives: not judged here
        if line.kind == "content" and line.lead == 0:
            key = yaml_top_key(content)
            if key is None:
                return None  # a top-level line that is not `key:` (a list, a scalar)
            keys.append(key)
    found = {str(key) for key in data}
    missing = [key for key in keys if key not in found]
    if missing:
        return f"the input's top-level key {missing[0]!r} is not a top-level key of the answer"
    return None


def answer_keeps_pairs(text: str, data: Any) -> str | None:
    """Why the model's answer lost a `key: value` line of the input (None: it kept each).

    Provenance sees that every value of the answer is in the input, and not spelled more
    often than there; it cannot see a value the answer dropped when the input spells it
    twice (`size: 8` and `max: 8` kept as `size: 8`) or gave to another key. Each line
    that is one `key: value` pair, both a lone scalar, must be a pair of some mapping in
    the answer: a line the damage duplicated may go (its pair is kept once), a pair may
    not."""
    kept = _answer_pairs(data)
    for key, value, spelled in _spelled_pairs(text):
        if (key, value) not in kept:
            return f"the input's `{spelled}` is not a key and value of the answer"
    return None


def _answer_pairs(data: Any) -> set[tuple[str, Any]]:
    return {
        (str(key), value)
        for _, node in iter_nodes(data)
        if isinstance(node, dict)
        for key, value in node.items()
        if _plain_value(value)
    }


def _spelled_pairs(text: str) -> Iterator[tuple[str, Any, str]]:
    """(key, value, the line's text) for each block line `key: value` whose key and
    value YAML reads as one string or plain scalar each on their own, and whose value
    does not go on over the next lines. Anything else (flow collections, anchors, tags,
    block scalars, quotes left open, a value continued or commented) is not judged."""
    scan = _Scan(text)
    content = [line for line in scan.lines if line.kind == "content"]
    for index, line in enumerate(content):
        parts = _parts(text, line)
        if parts.key_end is None or parts.value_start >= parts.value_end:
            continue
        if line.comment is not None:
            continue  # `# note` may be the value's text in the reading that is meant
        following = content[index + 1] if index + 1 < len(content) else None
        if following is not None and following.lead > line.lead:
            start = _parts(text, following).node_start
            if _key_colon(text, start, following.end) is None:
                continue  # the value may go on over the next line
        key = _lone_scalar(text[parts.node_start : parts.key_end].strip(" \t"), key=True)
        value = _lone_scalar(text[parts.value_start : parts.value_end], key=False)
        if key is _UNJUDGED or value is _UNJUDGED:
            continue
        yield str(key), value, text[parts.node_start : parts.value_end]


_UNJUDGED = object()
# The first character of a lone plain scalar, or a quoted scalar closed at the end.
_LONE_SCALAR = re.compile(r"""[^\[\]{}&*!|>%@`#,?'"-]|-(?=[0-9.])|"[^"]*"$|'[^']*'$""")
_SMART_QUOTES = frozenset("\u201c\u201d\u2018\u2019")


def _lone_scalar(spelled: str, *, key: bool) -> Any:
    """The scalar YAML reads from `spelled` alone (a plain key: its text), or _UNJUDGED:
    not one plain or quoted scalar, or a value that is no string, number, boolean or
    null (a date, for one: the answer spells it as text)."""
    if not _LONE_SCALAR.match(spelled) or _SMART_QUOTES.intersection(spelled):
        return _UNJUDGED
    if key and spelled[0] not in "\"'":
        return spelled  # a plain key is its text (`1:` and `true:` are keys "1", "true")
    try:
        value = yaml_rs.loads(spelled)
    except Exception:  # yaml_rs raises several error types, with no common base
        return _UNJUDGED
    return value if _plain_value(value) else _UNJUDGED


def _plain_value(value: Any) -> bool:
    if isinstance(value, float):
        return value == value and abs(value) != float("inf")
    return value is None or isinstance(value, (str, int, bool))
