"""Provenance: a repaired result is accepted only when it lines up with the input.

The contract, run on every repaired result (a rule's patch, a reading the model ranked,
data the model wrote):

1. **Tokens.** The text is cut into content tokens by a lenient lexer of its format
   (a `Lexicon`): keys, strings, numbers, literals and bare words, each with its role
   (key or value), the typed values it may stand for (`readings`), and where the
   format says so the key it is written under (`owner`), its CSV column or its TOML
   key path. Comments, markup and punctuation are not content.
2. **Alignment.** The result is walked in document order into items (every key and
   every scalar) and each item is matched to exactly one token: keys to keys, values to
   values, under the same key, with equal values under one type-strict comparison
   (`neutral.same_scalar`: 1, 1.0 and True differ). A token is used once: a value the result
   holds twice needs two tokens. In formats that keep order (JSON, YAML, XML, CSV) the
   matches run forward through the text. Every token is matched, unless it is
   optional (it only repeats what another token says: a TOML table header's prefix, a
   YAML alias's copy of its anchor).
3. **Fixes.** A rule's repair is a set of recorded fixes over the input; its result is
   lined up (2) with the *patched* text, whose structure parses, and every fix is
   audited against the input: each content token a fix replaced must live on in what
   it wrote (same text, or the same typed value: `True` -> `true`, `0x1F` -> `31`),
   unless the fix is of a removing kind (a comment, a duplicate, a footer row, prose
   around the data) and says so; each content token a fix wrote must come from what
   it replaced (only a few rules may insert a name of their own: the element that
   wraps several XML roots). A fix that closes a truncated document may cut only the
   cut-off end: it removes no closing bracket or end tag that the input has. A token
   that the end of the input cuts off (a string without its closing quote) is neither
   kept as if it were whole nor dropped: the repair is refused.
4. **The model** writes data, not fixes: its answer is lined up (2) with the input
   itself, with no excuse for anything.

A refusal says which item has no token (invented), or which token no item uses
(dropped), with the line and column, so that it can be acted on.
"""

from __future__ import annotations

import bisect
import datetime
import enum
import html
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from structconv.fixes import Fix
from structconv.neutral import Data, PathPart, format_path, same_scalar
from structconv.options import Options
from structconv.repair.containers import unopened_container
from structconv.repair.edits import LineIndex
from structconv.repair.spelling import unescape_backslashes


class Role(enum.Enum):
    KEY = "key"
    VALUE = "value"
    EITHER = "either"  # a token the lexer cannot place (`{"a" 1}`: a key missing its colon?)


# A token's owner when it stands at the top level, under no key.
ROOT = -1


@dataclass(slots=True)
class Token:
    """One content token of the text."""

    role: Role
    text: str  # as written (for messages)
    start: int
    end: int
    readings: tuple[Any, ...]  # the values it may stand for, typed
    optional: bool = False  # may stay unmatched: it repeats what another token says
    owner: int | None = None  # the index of the key token it is written under (ROOT: none)
    alt_owner: int | None = None  # a second key it may belong to (XML: a repeated name's first)
    column: int | None = None  # CSV: the cell's column
    path: tuple[PathPart, ...] | None = None  # TOML keys: the full key path
    joins: bool = False  # continues the value of the token before it (folded lines)
    glue: str = " "  # what stands between it and the token it continues
    folds: bool = False  # compared with runs of whitespace as one space
    reusable: bool = False  # matched by any number of keys (a CSV header's column name)
    cut: bool = False  # cut off by the end of the input: what it held is not all there


@dataclass(slots=True)
class Item:
    """One key or scalar of the result."""

    role: Role
    value: Any
    path: tuple[PathPart, ...]
    owner: int | None = None  # the index of the key item it sits under


class Lexicon(Protocol):
    """How one format's text is cut into tokens and its data into items."""

    ordered: bool  # the data keeps the order of the text
    removing_rules: frozenset[str]  # fix rules that may remove content
    truncating_rules: frozenset[str]  # fix rules that cut a truncated end off
    inserting_rules: frozenset[str]  # fix rules that may write a name of their own
    closers: tuple[str, ...]  # what a truncation may not remove ("}", "]" or "</")

    def tokens(self, text: str, options: Options) -> list[Token]: ...

    def items(self, data: Data, tokens: Sequence[Token]) -> list[Item]: ...

    def removable(self, rule: str, token: Token, text: str) -> bool:
        """Whether a fix of this removing rule may take this token of `text` away."""
        ...


@dataclass(frozen=True)
class Refusal:
    """Why a repair cannot be accepted, and where (0 when there is no one place)."""

    reason: str
    line: int = 0
    column: int = 0


def collapse(text: str) -> str:
    """Runs of whitespace as one space, ends stripped."""
    return " ".join(text.split())


# --------------------------------------------------------------------- items


def walk_items(
    data: Data,
    key_text: Callable[[Any], Any | None] = lambda key: key,
) -> list[Item]:
    """Every key and scalar of `data` in document order, each value under its nearest key.

    `key_text` maps a key to what the text spells (None: a key the format's conventions
    make up, such as XML's `#text`, which has no token)."""
    items: list[Item] = []
    # Entries: a node to walk (path, node, owner), or a key to emit before its value.
    stack: list[tuple[tuple[PathPart, ...], Any, int | None, bool]] = [((), data, None, False)]
    pending_owner: int | None = None
    while stack:
        path, node, owner, is_key = stack.pop()
        if is_key:
            items.append(Item(Role.KEY, node, path, owner))
            pending_owner = len(items) - 1
            continue
        if owner == -1:  # the value of the key just emitted
            owner = pending_owner
        if isinstance(node, dict):
            entries: list[tuple[tuple[PathPart, ...], Any, int | None, bool]] = []
            for key, value in node.items():
                spelled = key_text(key)
                if spelled is None:
                    entries.append((path + (key,), value, owner, False))
                else:
                    entries.append((path + (key,), spelled, owner, True))
                    entries.append((path + (key,), value, -1, False))
            stack.extend(reversed(entries))
        elif isinstance(node, list):
            stack.extend(
                (path + (index,), value, owner, False)
                for index, value in reversed(list(enumerate(node)))
            )
        else:
            items.append(Item(Role.VALUE, node, path, owner))
    return items


# ------------------------------------------------------------------ alignment


class _Matcher:
    """Items matched to tokens; what fits where."""

    def __init__(self, tokens: Sequence[Token], items: Sequence[Item]) -> None:
        self.tokens = tokens
        self.items = items
        self.matched: list[int | None] = [None] * len(items)

    def fits(self, number: int, index: int) -> int:
        """How many tokens from `index` on item `number` uses (0: it does not fit there)."""
        item, token = self.items[number], self.tokens[index]
        if item.role is Role.KEY and token.role is Role.VALUE:
            return 0
        if item.role is Role.VALUE and token.role is Role.KEY:
            return 0
        owner = self.matched[item.owner] if item.owner is not None else ROOT
        if token.owner is not None and owner not in (token.owner, token.alt_owner):
            return 0
        if token.column is not None and owner is not None and owner != ROOT:
            owner_column = self.tokens[owner].column
            if owner_column is not None and owner_column != token.column:
                return 0
        if token.path is not None and item.role is Role.KEY and token.path != item.path:
            return 0
        joined = self._joined(item, index)
        if joined:
            return joined
        if any(same_scalar(item.value, reading) for reading in token.readings):
            return 1
        if token.folds and isinstance(item.value, str):
            wanted = collapse(item.value)
            if any(isinstance(r, str) and collapse(r) == wanted for r in token.readings):
                return 1
        return 0

    def _joined(self, item: Item, first: int) -> int:
        """A string spread over several tokens (folded lines, block scalar lines, XML text
        around CDATA): how many tokens from `first` on it takes (0: none fits)."""
        tokens = self.tokens
        if not isinstance(item.value, str) or first + 1 >= len(tokens):
            return 0
        if not tokens[first + 1].joins:
            return 0
        folds = tokens[first].folds or tokens[first + 1].folds
        wanted = collapse(item.value) if folds else item.value
        joined_texts = [""]  # the joined texts so far, one per combination of readings
        index = first
        while index < len(tokens) and (index == first or tokens[index].joins):
            token = tokens[index]
            texts = [r for r in token.readings if isinstance(r, str)][:4]
            if not texts:
                return 0
            glue = "" if index == first else token.glue
            grown = []
            for sofar in joined_texts:
                for piece in texts:
                    candidate = collapse(f"{sofar} {piece}") if folds else sofar + glue + piece
                    if wanted.startswith(candidate):
                        grown.append(candidate)
            joined_texts = list(dict.fromkeys(grown))[:8]
            if not joined_texts:
                return 0
            if index > first and wanted in joined_texts:
                return index - first + 1
            index += 1
        return 0

    def anywhere(self, number: int) -> bool:
        """Whether the item's value is spelled by any token at all (for the message)."""
        item = self.items[number]
        return any(
            any(same_scalar(item.value, reading) for reading in token.readings)
            or (
                isinstance(item.value, str)
                and any(
                    isinstance(r, str) and collapse(r) == collapse(item.value)
                    for r in token.readings
                )
            )
            for token in self.tokens
        )


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _dropped(lines: LineIndex, token: Token, why: str = "") -> Refusal:
    line, column = lines.line_column(token.start)
    shown = token.readings[0] if token.readings and isinstance(token.readings[0], str) else ""
    return Refusal(
        f"the input's {_shorten(shown or token.text)!r} (line {line}, column {column}) is missing from "
        f"the result{why or ' and no fix explains its removal'}",
        line,
        column,
    )


def _invented(matcher: _Matcher, number: int) -> Refusal:
    item = matcher.items[number]
    shown = _shorten(item.value) if isinstance(item.value, str) else item.value
    if item.role is Role.KEY:
        what = f"the key {shown!r} at {format_path(item.path[:-1])}"
    else:
        what = f"{format_path(item.path)} holds {shown!r}"
    if not matcher.anywhere(number):
        why = "which does not appear in the input" + (" as a key" if item.role is Role.KEY else "")
    else:
        why = (
            "which does not appear in the input there, or not that often: a value moved, "
            "copied or retyped"
        )
    return Refusal(f"{what}, {why}")


def _align_ordered(matcher: _Matcher, lines: LineIndex) -> Refusal | None:
    tokens = matcher.tokens
    reusable = [index for index, token in enumerate(tokens) if token.reusable]
    reused = set()
    position = 0
    count = len(tokens)
    for number in range(len(matcher.items)):
        shared = next((index for index in reusable if matcher.fits(number, index)), None)
        if shared is not None:
            matcher.matched[number] = shared
            reused.add(shared)
            continue
        index = position
        while True:
            while index < count and tokens[index].reusable:
                index += 1
            if index >= count:
                return _invented(matcher, number)
            used = matcher.fits(number, index)
            if used:
                matcher.matched[number] = index
                position = index + used
                break
            if tokens[index].optional:
                index += 1
                continue
            # A token the result must hold stands here, and this item is not it.
            if any(matcher.fits(number, later) for later in range(index + 1, count)):
                return _dropped(lines, tokens[index])
            return _invented(matcher, number)
    for index in range(position, count):
        if not (tokens[index].optional or tokens[index].reusable):
            return _dropped(lines, tokens[index])
    if matcher.items:  # a header with no records is what the strict reader makes of it too
        for index in reusable:
            if index not in reused and not tokens[index].optional:
                return _dropped(lines, tokens[index])
    return None


def _value_key(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        hash(value)
    except TypeError:
        return None
    return (type(value), value)


def _align_unordered(matcher: _Matcher, lines: LineIndex) -> Refusal | None:
    """Formats whose data order is not the text's (TOML tables): each item takes the
    first free token that fits, tokens the result must hold before optional ones."""
    tokens = matcher.tokens
    taken = [False] * len(tokens)
    by_value: dict[Any, list[int]] = {}
    loose: list[int] = []
    for index, token in enumerate(tokens):
        keys = {_value_key(reading) for reading in token.readings}
        if (
            token.folds
            or not keys
            or None in keys
            or (index + 1 < len(tokens) and tokens[index + 1].joins)
        ):
            loose.append(index)
        for key in keys:
            if key is not None:
                by_value.setdefault(key, []).append(index)
    for number, item in enumerate(matcher.items):
        candidates = sorted(set(by_value.get(_value_key(item.value), ())) | set(loose))
        best: int | None = None
        best_used = 0
        for index in candidates:
            if taken[index]:
                continue
            used = matcher.fits(number, index)
            if not used:
                continue
            if best is None or (tokens[best].optional and not tokens[index].optional):
                best, best_used = index, used
                if not tokens[index].optional:
                    break
        if best is None:
            return _invented(matcher, number)
        for index in range(best, best + best_used):
            taken[index] = True
        matcher.matched[number] = best
    for index, token in enumerate(tokens):
        if not (taken[index] or token.optional):
            return _dropped(lines, token)
    return None


def _align(text: str, tokens: Sequence[Token], data: Data, lexicon: Lexicon) -> Refusal | None:
    matcher = _Matcher(tokens, lexicon.items(data, tokens))
    lines = LineIndex(text)
    if lexicon.ordered:
        return _align_ordered(matcher, lines)
    return _align_unordered(matcher, lines)


# ------------------------------------------------------------------ the fixes

# A rule's fix and the span of the input it replaced (start == end: an insertion).
FixSpan = tuple[int, int, Fix]


def fix_spans(text: str, fixes: Sequence[Fix]) -> list[FixSpan]:
    """Where each fix (the model's rewrite aside) stands in `text`, in text order."""
    index = LineIndex(text)
    spans = []
    for fix in fixes:
        if fix.rule == "model":
            continue  # the model's rewrite excuses nothing
        start = index.offset(fix.line, fix.column)
        spans.append((start, start + len(fix.before), fix))
    spans.sort(key=lambda span: (span[0], span[1]))
    return spans


def rules_of(fix: Fix) -> set[str]:
    """The rules a fix names (one Fix may join the edits of several rules)."""
    return {part.strip() for part in fix.rule.replace("+", ",").split(",") if part.strip()}


@dataclass(frozen=True)
class _Patched:
    """The text with the fixes applied, and how its offsets map back to the input's."""

    text: str
    # (start in the patched text, end, start in the input, end, the fix or None)
    segments: list[tuple[int, int, int, int, Fix | None]]

    def original(self, start: int, end: int) -> tuple[int, int, list[Fix]]:
        """The input's span for text[start:end] of the patched text, and the fixes in it."""
        starts = [segment[0] for segment in self.segments]
        first = max(bisect.bisect_left(starts, start) - 1, 0)
        low: int | None = None
        high = 0
        fixes: list[Fix] = []
        for patched_start, patched_end, input_start, input_end, fix in self.segments[first:]:
            if start == end and fix is not None and patched_start <= start <= patched_end:
                # an empty token at the edge of what a fix wrote: the fix wrote it
                low = input_start if low is None else min(low, input_start)
                high = max(high, input_end)
                fixes.append(fix)
                continue
            if patched_start >= max(end, start + 1):
                break
            if patched_end == patched_start:  # removed text: inside the token, or not at all
                if fix is None or not start < patched_start < end:
                    continue
                from_start, to_end = input_start, input_end
                fixes.append(fix)
            elif patched_end <= start:
                continue
            elif fix is None:
                from_start = input_start + max(start - patched_start, 0)
                to_end = input_start + min(end, patched_end) - patched_start
            else:
                from_start, to_end = input_start, input_end
                fixes.append(fix)
            low = from_start if low is None else min(low, from_start)
            high = max(high, to_end)
        if low is None:
            return start, end, fixes
        return low, max(high, low), fixes


def _patch(text: str, spans: Sequence[FixSpan]) -> _Patched | None:
    pieces: list[str] = []
    segments: list[tuple[int, int, int, int, Fix | None]] = []
    position = 0
    length = 0
    for start, end, fix in spans:
        if start < position:
            return None  # overlapping fixes: not a record of edits
        if start > position:
            segments.append((length, length + start - position, position, start, None))
            pieces.append(text[position:start])
            length += start - position
        segments.append((length, length + len(fix.after), start, end, fix))
        pieces.append(fix.after)
        length += len(fix.after)
        position = end
    segments.append((length, length + len(text) - position, position, len(text), None))
    pieces.append(text[position:])
    return _Patched("".join(pieces), segments)


# The spellings a rule may turn into a literal (YAML 1.1, Python, JavaScript): the
# reading stays the rules' to offer, never a guess (they offer the text as well).
_TRUE = frozenset({"true", "yes", "on", "y"})
_FALSE = frozenset({"false", "no", "off", "n"})
_NULL = frozenset({"null", "none", "nil", "~", "undefined"})


def _decodings(text: str) -> list[str]:
    """The input's text as a fix may have respelled it: escapes and references decoded."""
    views = {text, unescape_backslashes(text), unescape_backslashes(text, keep_unknown=True)}
    if "&" in text:
        views.add(html.unescape(text))
    views |= {view.replace("''", "'").replace('""', '"') for view in list(views)}
    return [collapse(view) for view in views]


def _spelled_in(reading: Any, views: Sequence[str], readings: Iterable[Any]) -> bool:
    """Whether a value a fix wrote comes from the input it replaced."""
    if any(same_scalar(reading, other) for other in readings):
        return True
    if isinstance(reading, bool) or reading is None:
        spellings = _TRUE if reading is True else _FALSE if reading is False else _NULL
        return any(view.casefold() in spellings for view in views)
    if isinstance(reading, datetime.date | datetime.time):
        reading = reading.isoformat()
    if isinstance(reading, int | float):
        reading = json.dumps(reading)
    wanted = collapse(str(reading))
    if not wanted:
        return True  # an empty string written where the input has one (checked by count)
    if any(wanted in view for view in views):
        return True
    parts = wanted.split(".")  # a dotted name joined from rows of a multi-row header
    return len(parts) > 1 and all(part and any(part in view for view in views) for part in parts)


def _audit(
    text: str,
    spans: Sequence[FixSpan],
    patched: _Patched,
    new_tokens: Sequence[Token],
    old_tokens: Sequence[Token],
    lexicon: Lexicon,
) -> Refusal | None:
    """Every fix keeps what it replaced and writes only what it replaced (module docstring)."""
    lines = LineIndex(text)
    for start, end, fix in spans:
        if rules_of(fix) & lexicon.truncating_rules and end > start:
            removed = _removed_part(text[start:end], fix.after)
            closer = next((mark for mark in lexicon.closers if mark in removed), None)
            if closer is not None:
                line, column = lines.line_column(start)
                return Refusal(
                    f"the repair treats the input as cut off at line {line}, column {column}, "
                    f"but {closer!r} and more follow there: the input goes on, and closing it "
                    "early would drop what follows",
                    line,
                    column,
                )
    # What each fix wrote: the patched tokens that overlap it.
    written: dict[int, list[Token]] = {}
    for token in new_tokens:
        for fix in token_fixes(token, patched):
            written.setdefault(id(fix), []).append(token)
    starts = [span[0] for span in spans]
    for token in old_tokens:
        if token.optional:
            continue
        for start, end, fix in _overlapping(spans, starts, token.start, token.end):
            rules = rules_of(fix)
            if rules & lexicon.truncating_rules or any(
                lexicon.removable(rule, token, text) for rule in rules & lexicon.removing_rules
            ):
                continue
            part = text[max(token.start, start) : min(token.end, end)]
            if not _carried(token, part, written.get(id(fix), [])):
                return _dropped(lines, token, f" although a fix ({fix.rule}) rewrote it")
    for token in new_tokens:
        fixes = token_fixes(token, patched)
        if not fixes or token.optional:
            continue  # (an optional token holds nothing the result must have)
        input_start, input_end, _ = patched.original(token.start, token.end)
        source = text[input_start:input_end]
        if not source.strip():
            if all(rules_of(fix) & lexicon.inserting_rules for fix in fixes):
                continue  # a name the rule writes on its own (and says so in the fix)
            if token.role is Role.KEY and any(
                old.role is not Role.VALUE and same_scalar(token.readings[0], reading)
                for old in old_tokens
                for reading in old.readings
            ):
                continue  # a name the input has, written again (an element opened again)
            if token.readings == ("",) and source == "" and not token.optional:
                line, column = lines.line_column(input_start)
                return Refusal(
                    f"a fix ({'+'.join(sorted({rule for fix in fixes for rule in rules_of(fix)}))}) "
                    f"adds an empty value at line {line}, column {column}, where the input has "
                    "none: a missing value is not an empty one",
                    line,
                    column,
                )
        views = _decodings(source)
        if any(rules_of(fix) & lexicon.removing_rules for fix in fixes):
            views += _decodings(" ".join(fix.before for fix in fixes))
        old_readings = [
            reading
            for old in old_tokens
            if old.end > input_start and old.start < max(input_end, input_start + 1)
            for reading in old.readings
        ]
        if token.role is Role.KEY:
            views = [view.casefold() for view in views]
            old_readings += [str(reading).casefold() for reading in old_readings]
        readings = token.readings[:1]
        if token.role is Role.KEY:
            readings = tuple(str(reading).casefold() for reading in readings)
        if not all(_spelled_in(reading, views, old_readings) for reading in readings):
            line, column = lines.line_column(input_start)
            return Refusal(
                f"a fix ({'+'.join(sorted({rule for fix in fixes for rule in rules_of(fix)}))}) "
                f"writes {_shorten(token.text)!r} at line {line}, column {column}, which the "
                "input does not hold there",
                line,
                column,
            )
    return None


def _containers(text: str, data: Data, lexicon: Lexicon) -> Refusal | None:
    """A list or object the input does not open, in an answer with no fix to excuse it."""
    # JsonLexicon -> "json", YamlLexicon -> "yaml" (the only formats it checks)
    reason = unopened_container(text, data, type(lexicon).__name__.removesuffix("Lexicon").lower())
    return None if reason is None else Refusal(reason)


def _cut_off(
    text: str, tokens: Sequence[Token], spans: Sequence[FixSpan], lexicon: Lexicon
) -> Refusal | None:
    """A token that the end of the input cuts off may be neither kept (its text is not all
    there) nor dropped (it held something): the repair is refused, unless a fix removes
    it as what it is not (prose after the data)."""
    for token in tokens:
        if token.cut and not any(
            start <= token.start
            and token.end <= end
            and rules_of(fix) & lexicon.removing_rules
            and lexicon.removable(rule, token, text)
            for start, end, fix in spans
            for rule in rules_of(fix) & lexicon.removing_rules
        ):
            line, column = LineIndex(text).line_column(token.start)
            return Refusal(
                f"the input ends inside {_shorten(token.text)!r} (line {line}, column "
                f"{column}): its text is cut off, and what it held cannot be known",
                line,
                column,
            )
    return None


def _removed_part(before: str, after: str) -> str:
    """What a truncating fix took away: its old text past what it kept (a cut-off string
    it closed keeps its text, and a cut-off end tag it completed keeps its start)."""
    kept = 0
    while kept < min(len(before), len(after)) and before[kept] == after[kept]:
        kept += 1
    return before[kept:]


def token_fixes(token: Token, patched: _Patched) -> list[Fix]:
    """The fixes whose written text a token of the patched text overlaps."""
    return patched.original(token.start, token.end)[2]


def _overlapping(
    spans: Sequence[FixSpan], starts: Sequence[int], start: int, end: int
) -> list[FixSpan]:
    last = bisect.bisect_left(starts, max(end, start + 1))
    return [
        span
        for span in spans[:last]
        if span[1] > span[0] and span[1] > start and span[0] < max(end, start + 1)
    ]


_WORD = re.compile(r"\w+")


def _carried(old: Token, part: str, written: Sequence[Token]) -> bool:
    """Whether a token a fix replaced lives on in what the fix wrote: the same typed
    value, or every word of it (a repair may move quotes and punctuation between a
    value and the structure around it, as closing a quote early does; names may change
    case, as an end tag fixed to its start tag's spelling does). `part` is the piece of
    the token the fix replaced (a lenient lexer may run a token past the fix)."""
    readings = [reading for token in written for reading in token.readings]
    if any(same_scalar(mine, theirs) for mine in old.readings for theirs in readings):
        return True
    spelled = collapse(old.text).casefold()
    for reading in readings:
        if (reading is True and spelled in _TRUE) or (reading is False and spelled in _FALSE):
            return True
        if reading is None and spelled in _NULL:
            return True
    texts = [token.text for token in written] + [str(reading) for reading in readings]
    if old.role is Role.KEY:
        texts = [text.casefold() for text in texts]
    words = _WORD.findall(part.casefold() if old.role is Role.KEY else part)
    return all(any(word in text for text in texts) for word in words)


def _mapped(tokens: Sequence[Token], patched: _Patched) -> list[Token]:
    """Tokens of the patched text placed at the input's offsets (for messages)."""
    mapped = []
    for token in tokens:
        start, end, _ = patched.original(token.start, token.end)
        mapped.append(replace(token, start=start, end=end))
    return mapped


# --------------------------------------------------------------------- the check


def align(
    text: str, data: Data, fixes: Sequence[Fix], lexicon: Lexicon, options: Options
) -> Refusal | None:
    """Why `data`, a repair of `text` made with `fixes`, must be refused (None: it lines up)."""
    spans = fix_spans(text, fixes)
    old_tokens = lexicon.tokens(text, options)
    refusal = _cut_off(text, old_tokens, spans, lexicon)
    if refusal is not None:
        return refusal
    if not spans:
        refusal = _containers(text, data, lexicon)
        if refusal is not None:
            return refusal
        return _align(text, old_tokens, data, lexicon)
    patched = _patch(text, spans)
    if patched is None:
        return Refusal("the repair's fixes overlap: they are no record of what changed")
    new_tokens = lexicon.tokens(patched.text, options)
    refusal = _audit(text, spans, patched, new_tokens, old_tokens, lexicon)
    if refusal is not None:
        return refusal
    return _align(text, _mapped(new_tokens, patched), data, lexicon)


_LEXICONS = {
    "json": "structconv.repair.lexicons.json",
    "jsonl": "structconv.repair.lexicons.json",
    "yaml": "structconv.repair.lexicons.yaml",
    "toml": "structconv.repair.lexicons.toml",
    "xml": "structconv.repair.lexicons.xml",
    "csv": "structconv.repair.lexicons.csv",
}


def lexicon_for(format: str) -> Lexicon | None:
    """The lexicon of a format, imported when first needed (None: it has none)."""
    import importlib

    name = _LEXICONS.get(format)
    if name is None:
        return None
    module = importlib.import_module(name)
    lexicon: Lexicon = module.LEXICON_JSONL if format == "jsonl" else module.LEXICON
    return lexicon


def has_content(text: str, format: str, options: Options) -> bool:
    """Whether the text holds anything a repair could keep: a word, a number or a
    literal the format reads (`*`, a lone `"` or `[` hold nothing; a model given them
    can only make data up)."""
    lexicon = lexicon_for(format)
    if lexicon is None:
        return bool(text.strip())
    for token in lexicon.tokens(text, options):
        for reading in token.readings:
            if not isinstance(reading, str) or _WORD.search(reading):
                return True
    return False


def check(
    text: str, data: Data, fixes: Iterable[Fix], format: str, options: Options
) -> Refusal | None:
    """The provenance check of a repaired result (see the module docstring)."""
    lexicon = lexicon_for(format)
    if lexicon is None:
        return Refusal(f"{format} has no lexer to check a repair against its input")
    return align(text, data, tuple(fixes), lexicon, options)
