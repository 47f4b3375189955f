"""The duplicate-key rule: a key repeated in one mapping."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import yaml as pyyaml
import yaml_rs

from structconv.errors import ParseError
from structconv.fixes import Fix
from structconv.repair.edits import LineIndex
from structconv.repair.rules.yaml.ids import (
    COSMETIC,
    DIFFERING_DUPLICATE,
    DIFFERING_MARK,
    DUPLICATE_KEY,
    STRAY_INDENT,
)
from structconv.repair.rules.yaml.proposals import _Alternative, _shown, _single

if TYPE_CHECKING:
    from structconv.repair.rules.yaml.proposals import _Proposal
    from structconv.repair.rules.yaml.scanner import _Scan


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
