"""Text edits: how every rule changes the input, so that each change becomes a Fix.

Rules never rewrite a text wholesale. They describe each change as an Edit over the
original text's offsets; `apply_edits` applies them and turns each into a Fix with
the 1-based line and column of the original text. The Fixes then say exactly what
changed, and validation can tell which parts of the input a repair removed.

A rule that works in passes (fix what the parser complains about, parse again) uses
an EditSession: it edits the current text, and keeps every edit in the original
text's coordinates, so the Fixes still point at the user's file.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from structconv.result import Fix


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] by `replacement` (start == end inserts)."""

    start: int
    end: int
    replacement: str
    rule: str
    message: str


class LineIndex:
    """Offset -> (line, column), 1-based, in O(log lines)."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        position = text.find("\n")
        while position != -1:
            self.starts.append(position + 1)
            position = text.find("\n", position + 1)

    def line_column(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def offset(self, line: int, column: int) -> int:
        """The offset of a 1-based (line, column); lines past the end clamp to the last."""
        index = min(max(line, 1), len(self.starts)) - 1
        return self.starts[index] + max(column, 1) - 1


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, tuple[Fix, ...]]:
    """The edited text and one Fix per edit, in text order.

    Edits must not overlap (two inserts at one offset are applied in the order given);
    an overlap is a bug in a rule, so it raises ValueError instead of guessing.
    """
    ordered = sorted(enumerate(edits), key=lambda pair: (pair[1].start, pair[1].end, pair[0]))
    index = LineIndex(text)
    pieces: list[str] = []
    fixes: list[Fix] = []
    position = 0
    for _, edit in ordered:
        if edit.start < position or edit.end < edit.start:
            raise ValueError(f"overlapping edits at offset {edit.start} ({edit.rule})")
        pieces.append(text[position : edit.start])
        pieces.append(edit.replacement)
        line, column = index.line_column(edit.start)
        fixes.append(
            Fix(
                rule=edit.rule,
                line=line,
                column=column,
                before=text[edit.start : edit.end],
                after=edit.replacement,
                message=edit.message,
            )
        )
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces), tuple(fixes)


def removed_spans(text: str, fixes: Sequence[Fix]) -> list[tuple[int, int]]:
    """The (start, end) offsets in `text` that the fixes replaced, sorted."""
    index = LineIndex(text)
    spans = []
    for fix in fixes:
        if fix.before:
            start = index.offset(fix.line, fix.column)
            spans.append((start, start + len(fix.before)))
    return sorted(spans)


class EditSession:
    """Successive edits of a text, each given in the current text, reported in the original's.

    Every character of the current text remembers where it came from: an offset of the
    original, or the edit that inserted it. The Edits are rebuilt from that map, so edits
    that touch each other come out as one Edit naming every rule involved.
    """

    def __init__(self, original: str) -> None:
        self.original = original
        self.text = original
        # Per current character: its original offset (>= 0), or -1 - (the edit that wrote it).
        self._origin: list[int] = list(range(len(original)))
        self._deleted_by: dict[int, int] = {}  # original offset -> the edit that removed it
        self._operations: list[tuple[str, str]] = []  # (rule, message) per edit

    def replace(self, start: int, end: int, replacement: str, rule: str, message: str) -> None:
        """Replace self.text[start:end] by `replacement`."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"edit {start}:{end} outside the text ({rule})")
        number = len(self._operations)
        self._operations.append((rule, message))
        for origin in self._origin[start:end]:
            if origin >= 0:
                self._deleted_by[origin] = number
        self._origin[start:end] = [-1 - number] * len(replacement)
        self.text = self.text[:start] + replacement + self.text[end:]

    @property
    def changed(self) -> bool:
        return bool(self._operations)

    def edits(self) -> list[Edit]:
        """The changes so far as Edits over the original text, in order."""
        edits: list[Edit] = []
        inserted: list[str] = []
        involved: list[int] = []
        next_original = 0  # the original offset that follows the last kept character

        def close(until: int) -> None:
            deleted = [self._deleted_by[offset] for offset in range(next_original, until)]
            if inserted or deleted:
                numbers = sorted(set(involved) | set(deleted))
                edits.append(
                    Edit(
                        next_original,
                        until,
                        "".join(inserted),
                        "+".join(dict.fromkeys(self._operations[n][0] for n in numbers)),
                        "; ".join(dict.fromkeys(self._operations[n][1] for n in numbers)),
                    )
                )
            inserted.clear()
            involved.clear()

        for character, origin in zip(self.text, self._origin, strict=True):
            if origin >= 0:
                close(origin)
                next_original = origin + 1
            else:
                inserted.append(character)
                involved.append(-1 - origin)
        close(len(self.original))
        return edits

    def fixes(self) -> tuple[Fix, ...]:
        """The Fixes of every edit so far, against the original text."""
        return apply_edits(self.original, self.edits())[1]
