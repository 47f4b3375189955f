"""Edits as replacements of character ranges of the original text, and the lines they touch.

Every editor but TOML's finds its target with its format's parser and replaces only
that target's characters, so the text around it is the original, byte for byte;
the proof (structconv.edit.proof) then checks that nothing else changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from structconv.errors import StructconvError


class EditRefused(StructconvError):
    """The edit cannot be made exactly as asked; nothing was written. Exit status 1."""

    def __init__(self, why: str, source: str | None = None) -> None:
        self.why = why
        self.source = source
        super().__init__(f"{source + ': ' if source else ''}{why}; nothing was written")

    def with_source(self, source: str) -> EditRefused:
        return EditRefused(self.why, source)


@dataclass(frozen=True)
class Splice:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Edited:
    """An editor's result: the new text and the original lines it may have changed,
    [first_line, end_line) counted from 0 (an insertion: first_line == end_line)."""

    text: str
    first_line: int
    end_line: int


def line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def line_end(text: str, offset: int) -> int:
    """The offset just after the line break that ends the line holding `offset`."""
    found = text.find("\n", offset)
    return len(text) if found < 0 else found + 1


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset)


def indentation(text: str, offset: int) -> str:
    """The spaces and tabs that start the line holding `offset`."""
    start = line_start(text, offset)
    end = start
    while end < len(text) and text[end] in " \t":
        end += 1
    return text[start:end]


def alone_on_lines(text: str, start: int, end: int) -> bool:
    """Whether only spaces come before `start` on its line and after `end` on its."""
    before = text[line_start(text, start) : start]
    after = text[end : line_end(text, end)]
    return not before.strip(" \t") and not after.strip(" \t\r\n")


def apply(text: str, splices: list[Splice]) -> Edited:
    """The text with the (non-overlapping) splices made, and the lines they touch."""
    if not splices:
        return Edited(text, 0, 0)
    ordered = sorted(splices, key=lambda splice: (splice.start, splice.end))
    pieces: list[str] = []
    position = 0
    for splice in ordered:
        if splice.start < position:
            raise EditRefused("internal error: overlapping changes")  # an editor's bug
        pieces += [text[position : splice.start], splice.text]
        position = splice.end
    pieces.append(text[position:])
    touched: list[int] = []
    for splice in ordered:
        if splice.start < splice.end:
            touched += [line_of(text, splice.start), line_of(text, splice.end - 1)]
        elif not (line_start(text, splice.start) == splice.start and splice.text.endswith("\n")):
            touched.append(line_of(text, splice.start))
    if not touched:  # whole lines inserted between lines
        at = line_of(text, ordered[0].start)
        return Edited("".join(pieces), at, at)
    return Edited("".join(pieces), min(touched), max(touched) + 1)
