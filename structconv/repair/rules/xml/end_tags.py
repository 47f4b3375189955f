"""The walk at end tags (misspelled, stray, overlapping) and at the end of the text."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from structconv.repair.rules.xml.elements import _ClosedEarly, _Decision, _Elements, _Item
from structconv.repair.rules.xml.ids import (
    END_TAG_CASE,
    OVERLAPPING_TAGS,
    SEVERAL_ROOTS,
    STRAY_END_TAG,
    TRUNCATED,
)
from structconv.repair.rules.xml.tokenizer import _SPACE, _Unrepairable

if TYPE_CHECKING:
    from structconv.repair.rules.xml.elements import _Open
    from structconv.repair.rules.xml.tokenizer import _Token


class _EndTags(_Elements):
    """The walk at end tags, and at the end of the text."""

    # -------------------------------------------------- end tags

    def on_end(self, token: _Token) -> None:
        name = token.name
        names = [element.name for element in self.stack]
        if name in names:
            depth = len(names) - 1 - names[::-1].index(name)
        else:
            folded = [element.name.lower() for element in self.stack]
            if name.lower() not in folded:
                return self.stray_end(token)
            depth = len(folded) - 1 - folded[::-1].index(name.lower())
        above = self.stack[depth + 1 :]
        if above:
            self.close_open(depth, self.before_space(token.start), at_end=False)
            for element in above:
                self.closed_early.append(_ClosedEarly(element.name, token))
        element = self.stack[-1]
        if element.name != name:
            self.fix_case(element, token)
        self.finish(element, token.end)

    def fix_case(self, element: _Open, token: _Token) -> None:
        line = self.line_column(token.start)[0]
        options = (
            f"the element is <{element.name}> (the end tag </{token.name}> misspelled)",
            f"the element is <{token.name}> (the start tag <{element.name}> misspelled)",
        )
        choice = 0
        if token.name in self.start_names:
            choice = self.choose(
                _Decision(
                    f"case:{element.name}:{token.name}",
                    token.start,
                    f"start tag <{element.name}> ends with </{token.name}>, and both spellings occur",
                    options,
                )
            )
        if choice == 0:
            self.change(
                token.start + 2,
                token.start + 2 + len(token.name),
                element.name,
                END_TAG_CASE,
                f"end tag </{token.name}> spelled like its start tag <{element.name}> (line {self.line_column(element.token.start)[0]})",
                0.9,
            )
        else:
            self.change(
                element.token.start + 1,
                element.token.start + 1 + len(element.name),
                token.name,
                END_TAG_CASE,
                f"start tag <{element.name}> spelled like its end tag </{token.name}> (line {line})",
                0.9,
            )
            element.name = token.name

    def finish(self, element: _Open, end: int) -> None:
        """Pop `element` (the top), which ends at `end`, into its parent or the roots."""
        self.stack.pop()
        if self.stack:
            self.stack[-1].items.append(_Item(element.token.start, end, element.name))
        else:
            self.roots.append((element.token.start, end))
            self.root_open = False

    def stray_end(self, token: _Token) -> None:
        early = next(
            (item for item in reversed(self.closed_early) if item.name == token.name), None
        )
        if early is not None:
            between = self.tokens[self.position[id(early.by)] + 1 : self.position[id(token)]]
            if all(
                piece.kind in ("comment", "pi")
                or (piece.kind == "text" and not self.text[piece.start : piece.end].strip(_SPACE))
                for piece in between
            ):
                self.closed_early.remove(early)
                self.change(
                    token.start,
                    token.end,
                    "",
                    OVERLAPPING_TAGS,
                    f"end tags in the wrong order: </{token.name}> belongs before </{early.by.name}>; this one removed",
                    0.85,
                )
                return
            if self.stack and self.balanced(between):
                choice = self.choose(
                    _Decision(
                        f"overlap:{early.by.name}:{early.name}",
                        early.by.start,
                        f"overlapping elements: <{early.name}> is still open at </{early.by.name}>, "
                        f"and its </{token.name}> comes later",
                        (
                            f"<{early.name}> ends at </{early.by.name}>; what follows is outside it",
                            f"<{early.name}> ends at </{early.by.name}> and opens again after it (as HTML reads it)",
                        ),
                    )
                )
                if choice == 1:
                    return self.reopen(early, token)
        lost_bracket = re.compile(rf"(?:^|[\s>]){re.escape(token.name)}(?:\s[^<>]*)?>")
        if any(
            piece.kind == "text" and lost_bracket.search(self.text, piece.start, piece.end)
            for piece in self.tokens[: self.position[id(token)]]
        ):
            # `name>text</name>`: the start tag lost its `<`; dropping the end tag would
            # turn the element into text.
            raise _Unrepairable(f"<{token.name}> seems to have lost its '<'")
        self.change(
            token.start,
            token.end,
            "",
            STRAY_END_TAG,
            f"end tag </{token.name}> that closes no open element removed",
            0.7,
        )

    def reopen(self, early: _ClosedEarly, token: _Token) -> None:
        """Choice "overlap" 2: the element closed early opens again after the end tag
        that closed it, and the stray end tag closes it."""
        self.change(
            early.by.end,
            early.by.end,
            f"<{early.name}>",
            OVERLAPPING_TAGS,
            f"<{early.name}> closed by </{early.by.name}> (overlapping elements) opened again after it",
            0.8,
        )
        items = self.stack[-1].items
        while items and items[-1].start >= early.by.end:
            items.pop()
        items.append(_Item(early.by.end, token.end, early.name))
        self.closed_early.remove(early)

    def balanced(self, tokens: list[_Token]) -> bool:
        depth = 0
        for piece in tokens:
            if piece.kind == "start" and not piece.self_closing:
                depth += 1
            elif piece.kind == "end":
                depth -= 1
                if depth < 0:
                    return False
        return depth == 0

    # -------------------------------------------------- the end of the text

    def at_end(self) -> None:
        length = len(self.text)
        if self.stack:
            self.truncated_end()
        elif self.tokens and self.tokens[-1].kind == "truncated":
            last = self.tokens[-1]
            if last.name in ("comment", "processing instruction"):
                self.change(
                    last.start,
                    length,
                    "",
                    TRUNCATED,
                    f"{last.name} cut short at the end removed",
                    0.9,
                )
            else:
                raise _Unrepairable("the text ends inside markup after the root element")
        if not self.roots:
            raise _Unrepairable("no element left")
        if len(self.roots) > 1:
            first, last_end = self.roots[0][0], self.roots[-1][1]
            self.change(
                first,
                first,
                f"<{self.wrapper}>",
                SEVERAL_ROOTS,
                f"{len(self.roots)} top-level elements (XML allows one) wrapped in <{self.wrapper}>",
                0.85,
            )
            self.change(
                last_end,
                last_end,
                f"</{self.wrapper}>",
                SEVERAL_ROOTS,
                f"end of the <{self.wrapper}> element that wraps the top-level elements",
                0.85,
            )

    def truncated_end(self) -> None:
        length = len(self.text)
        drop_from = length
        completed = 0  # the end of an end tag completed here: nothing is inserted before it
        why = ""
        last = self.tokens[-1]
        if last.kind == "truncated":
            if last.name in ("comment", "processing instruction", "cdata"):
                drop_from, why = last.start, f"a {last.name} cut short"
            elif last.name == "end" and self.stack[-1].name.startswith(last.partial):
                element = self.stack[-1]
                self.change(
                    last.start,
                    length,
                    f"</{element.name}>",
                    TRUNCATED,
                    f"the document ends inside the end tag of <{element.name}>: completed",
                    0.6,
                )
                self.finish(element, length)
                completed = length
            else:
                raise _Unrepairable(f"the document ends inside a {last.name} tag")
        elif last.kind == "text" and self.text[last.start : last.end].strip(_SPACE) and self.stack:
            drop_from, why = last.start, "text cut short"
            items = self.stack[-1].items
            if items and items[-1].start == last.start:
                items.pop()
        while self.stack and not self.stack[-1].items:
            element = self.stack.pop()
            drop_from = element.token.start
            why = f"<{element.name}> cut short before any complete content"
        if drop_from < length:
            self.changes = [
                change
                for change in self.changes
                if change.start < drop_from or change.start == change.end == drop_from
            ]
            self.change(
                drop_from,
                length,
                "",
                TRUNCATED,
                f"the document ends inside an element: {why}, dropped",
                0.6,
            )
        if not self.stack:
            self.root_open = False
            return
        at = self.before_space(drop_from, max(self.stack[-1].token.end, completed))
        self.close_open(-1, at, at_end=True)
