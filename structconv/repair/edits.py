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
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from structconv.fixes import Fix


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


# A piece of the current text: an original range (start, end, None, -1), or text an edit
# inserted (-1, -1, text, edit number).
_Segment = tuple[int, int, str | None, int]


def _length(segment: _Segment) -> int:
    start, end, inserted, _ = segment
    return end - start if inserted is None else len(inserted)


def _split(segment: _Segment, size: int) -> tuple[_Segment, _Segment]:
    start, end, inserted, number = segment
    if inserted is None:
        return (start, start + size, None, -1), (start + size, end, None, -1)
    return (-1, -1, inserted[:size], number), (-1, -1, inserted[size:], number)


class EditSession:
    """Successive edits of a text, each given in the current text, reported in the original's.

    The current text is kept as segments: ranges of the original, and text that an edit
    inserted. The Edits over the original are rebuilt from the segments, so edits that
    touch each other come out as one Edit naming every rule involved. A pass of many
    edits (`replace_many`) costs one walk over the segments, not one per edit.
    """

    def __init__(self, original: str) -> None:
        self.original = original
        self.text = original
        self._segments: list[_Segment] = [(0, len(original), None, -1)] if original else []
        self._deleted: list[tuple[int, int, int]] = []  # original (start, end, edit number)
        self._operations: list[tuple[str, str]] = []  # (rule, message) per edit

    def replace(self, start: int, end: int, replacement: str, rule: str, message: str) -> None:
        """Replace self.text[start:end] by `replacement`."""
        self.replace_many([Edit(start, end, replacement, rule, message)])

    def replace_many(self, edits: Sequence[Edit]) -> None:
        """Apply edits given in the current text, sorted and not overlapping, in one pass."""
        queue = deque(self._segments)

        def take(size: int) -> list[_Segment]:
            pieces: list[_Segment] = []
            while size > 0:
                segment = queue.popleft()
                length = _length(segment)
                if length <= size:
                    pieces.append(segment)
                    size -= length
                else:
                    first, rest = _split(segment, size)
                    pieces.append(first)
                    queue.appendleft(rest)
                    size = 0
            return pieces

        segments: list[_Segment] = []
        text_pieces: list[str] = []
        position = 0
        for edit in edits:
            if not position <= edit.start <= edit.end <= len(self.text):
                raise ValueError(
                    f"edit {edit.start}:{edit.end} outside the text or out of order ({edit.rule})"
                )
            number = len(self._operations)
            self._operations.append((edit.rule, edit.message))
            segments.extend(take(edit.start - position))
            for start, end, inserted, _ in take(edit.end - edit.start):
                if inserted is None:
                    self._deleted.append((start, end, number))
            if edit.replacement:
                segments.append((-1, -1, edit.replacement, number))
            text_pieces += [self.text[position : edit.start], edit.replacement]
            position = edit.end
        segments.extend(queue)
        text_pieces.append(self.text[position:])
        self._segments = segments
        self.text = "".join(text_pieces)

    @property
    def changed(self) -> bool:
        return bool(self._operations)

    def edits(self) -> list[Edit]:
        """The changes so far as Edits over the original text, in order."""
        deleted = sorted(self._deleted)
        next_deleted = 0
        edits: list[Edit] = []
        inserted: list[str] = []
        involved: list[int] = []
        next_original = 0  # the original offset that follows the last kept range

        def close(until: int) -> None:
            nonlocal next_deleted
            numbers = set(involved)
            while next_deleted < len(deleted) and deleted[next_deleted][0] < until:
                numbers.add(deleted[next_deleted][2])
                next_deleted += 1
            if inserted or until > next_original:
                ordered = sorted(numbers)
                edits.append(
                    Edit(
                        next_original,
                        until,
                        "".join(inserted),
                        "+".join(dict.fromkeys(self._operations[n][0] for n in ordered)),
                        "; ".join(dict.fromkeys(self._operations[n][1] for n in ordered)),
                    )
                )
            inserted.clear()
            involved.clear()

        for start, end, text, number in self._segments:
            if text is None:
                close(start)
                next_original = end
            else:
                inserted.append(text)
                involved.append(number)
        close(len(self.original))
        return edits

    def fixes(self) -> tuple[Fix, ...]:
        """The Fixes of every edit so far, against the original text."""
        return apply_edits(self.original, self.edits())[1]
