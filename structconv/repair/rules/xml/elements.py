"""The walk over the tokens: its bookkeeping, the references it escapes and the open
elements it closes."""

from __future__ import annotations

import html.entities
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from structconv.repair.edits import LineIndex
from structconv.repair.rules.xml.ids import (
    ATTRIBUTE_ESCAPE,
    BARE_AMPERSAND,
    CDATA_END_IN_TEXT,
    HTML_ENTITY,
    INVALID_CHARACTER_REFERENCE,
    LESS_THAN_IN_TEXT,
    TRUNCATED,
    UNCLOSED_ELEMENT,
    UNKNOWN_ENTITY,
    VOID_ELEMENT,
)
from structconv.repair.rules.xml.tokenizer import (
    _ALWAYS_EMPTY,
    _ATTRIBUTE_PROBLEM,
    _EMPTY_WITH_ATTRIBUTES,
    _EVERYWHERE,
    _LEADING_SPACE,
    _PREDEFINED,
    _REFERENCE,
    _SPACE,
    _TEXT_PROBLEM,
    _is_xml_character,
    _Unrepairable,
)
from structconv.repair.search import (
    Change,
    Choices,
)

if TYPE_CHECKING:
    from structconv.repair.rules.xml.tokenizer import _Token


# ---------------------------------------------------------------- the walk


@dataclass
class _Item:
    """A piece of an element's content: non-blank text, or a child element."""

    start: int
    end: int
    element: str = ""  # the child's name; "" for text


@dataclass
class _Open:
    name: str
    token: _Token
    items: list[_Item] = field(default_factory=list)


@dataclass(frozen=True)
class _Decision:
    key: str
    offset: int
    message: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class _ClosedEarly:
    """An element closed implicitly by an ancestor's end tag (`</b>` closing an open <i>)."""

    name: str
    by: _Token  # the end tag that closed it


class _Elements:
    """One walk over the tokens, with the choices made so far; the edits it needs: its
    bookkeeping, the references it escapes and the open elements it closes."""

    def __init__(self, text: str, tokens: list[_Token], choices: Choices, wrapper: str) -> None:
        self.text = text
        self.tokens = tokens
        self.choices = choices
        self.wrapper = wrapper
        self.changes: list[Change] = []
        self.decisions: list[_Decision] = []  # the choices met, in order
        self.stack: list[_Open] = []
        self.roots: list[tuple[int, int]] = []
        self.root_open = False
        self.closed_early: list[_ClosedEarly] = []
        self.start_names = {token.name for token in tokens if token.kind == "start"}
        self.lines = LineIndex(text)
        self.position = {id(token): index for index, token in enumerate(tokens)}
        self.only_text_so_far = True  # no markup seen yet
        self.text_before = False  # text (stray, removed) seen before any markup
        self.declared: set[str] = set()
        self.external_dtd = False

    # -------------------------------------------------- helpers

    def change(
        self, start: int, end: int, replacement: str, rule: str, message: str, confidence: float
    ) -> None:
        self.changes.append(Change(start, end, replacement, rule, message, confidence))

    def choose(self, decision: _Decision) -> int:
        """The reading taken at a decision; a decision's key may recur, and every time
        it does, the walk reads it the same way."""
        if all(known.key != decision.key for known in self.decisions):
            self.decisions.append(decision)
        return self.choices.choose(decision.key, _EVERYWHERE, decision.options)

    def line_column(self, offset: int) -> tuple[int, int]:
        return self.lines.line_column(offset)

    # -------------------------------------------------- references and escapes

    def references(self, start: int, end: int, quote: str | None) -> list[Change]:
        """Fixes for `&`, `<` (and `]]>` in text) in text[start:end]; quote: None for text,
        else the attribute's quote character."""
        found: list[Change] = []
        pattern = _TEXT_PROBLEM if quote is None else _ATTRIBUTE_PROBLEM
        for problem in pattern.finditer(self.text, start, end):
            at = problem.start()
            if problem.group() == "<":
                rule, where = (
                    (LESS_THAN_IN_TEXT, "'<' that starts no tag")
                    if quote is None
                    else (ATTRIBUTE_ESCAPE, "'<' in an attribute value")
                )
                found.append(Change(at, at + 1, "&lt;", rule, f"{where} escaped as &lt;", 0.9))
                continue
            if problem.group() == "]]>":
                found.append(
                    Change(
                        at + 2,
                        at + 3,
                        "&gt;",
                        CDATA_END_IN_TEXT,
                        "']]>' in text: its '>' escaped",
                        0.95,
                    )
                )
                continue
            reference = _REFERENCE.match(self.text, at, end)
            if reference is None:
                found.append(
                    Change(
                        at,
                        at + 1,
                        "&amp;",
                        BARE_AMPERSAND,
                        "'&' that starts no reference escaped as &amp;",
                        0.95,
                    )
                )
                continue
            fix = self.reference(reference, quote)
            if fix is not None:
                found.append(fix)
        return found

    def reference(self, reference: re.Match[str], quote: str | None) -> Change | None:
        decimal, hexadecimal, name = reference.groups()
        at = reference.start()
        if name is None:
            code = int(decimal, 10) if decimal is not None else int(hexadecimal, 16)
            if code <= 0x10FFFF and _is_xml_character(code):
                return None
            return Change(
                at,
                at + 1,
                "&amp;",
                INVALID_CHARACTER_REFERENCE,
                f"{reference.group()} names a character XML 1.0 cannot hold: kept as text",
                0.8,
            )
        if name in _PREDEFINED or name in self.declared or self.external_dtd:
            return None
        characters = html.entities.html5.get(f"{name};")
        if characters is None:
            return Change(
                at,
                at + 1,
                "&amp;",
                UNKNOWN_ENTITY,
                f"undeclared entity {reference.group()} kept as the text {reference.group()!r}",
                0.8,
            )
        spelled = characters.replace("&", "&amp;").replace("<", "&lt;")
        if quote:
            spelled = spelled.replace(quote, "&quot;" if quote == '"' else "&apos;")
        return Change(
            at,
            reference.end(),
            spelled,
            HTML_ENTITY,
            f"HTML entity {reference.group()} (undeclared in XML) written as its character",
            0.95,
        )

    # -------------------------------------------------- closing open elements

    def before_space(self, offset: int, floor: int | None = None) -> int:
        """`offset` moved back over the whitespace before it, not below `floor` (default:
        into the top's start tag)."""
        if floor is None:
            floor = self.stack[-1].token.end if self.stack else 0
        while offset > floor and self.text[offset - 1] in _SPACE:
            offset -= 1
        return offset

    def close_open(self, depth: int, at: int, at_end: bool) -> None:
        """Close the elements above stack[depth] (all, when depth is -1) at offset `at`."""
        while len(self.stack) - 1 > depth:
            element = self.stack[-1]
            self.close_one(element, at, at_end)

    def text_then_elements(self, element: _Open) -> bool:
        """`<name>value` on a line of its own, then elements: its end tag was forgotten
        after the value, or it holds mixed content; which one is not for a rule to say."""
        items = element.items
        return (
            len(items) > 1
            and not items[0].element
            and any(item.element for item in items[1:])
            and "\n" in self.text[items[0].start : items[1].start]
        )

    def siblings_below(self, element: _Open) -> bool:
        """Whether the first element after an open element's start tag stands on a line
        of its own, indented no deeper than the start tag's line: laid out as a sibling,
        not a child (an empty element that lost its `/`, or an end tag lost?)."""
        first = element.items[0]
        if not first.element:
            return False
        line_start = self.text.rfind("\n", 0, first.start) + 1
        if self.text[line_start : first.start].strip() or line_start <= element.token.start:
            return False
        own_start = self.text.rfind("\n", 0, element.token.start) + 1

        def indent(start: int) -> int:
            return _LEADING_SPACE.match(self.text, start).end() - start  # type: ignore[union-attr]

        return indent(line_start) <= indent(own_start)

    def close_one(self, element: _Open, at: int, at_end: bool) -> None:
        line = self.line_column(element.token.start)[0]
        lower = element.name.lower()
        void = lower in _ALWAYS_EMPTY or (
            lower in _EMPTY_WITH_ATTRIBUTES and bool(element.token.attributes)
        )
        self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        moved: list[_Item] = []
        # `<relativePath> <!-- c -->` then the parent's end: nothing but blanks and
        # comments inside, so an empty element written the way HTML writes one
        hollow = (
            not void
            and not at_end
            and not element.items
            and (parent is None or parent.name != element.name)  # `<a>x<a>`: a lost '/'?
        )
        if void or hollow:
            self.change(
                element.token.end - 1,
                element.token.end - 1,
                "/",
                UNCLOSED_ELEMENT if hollow else VOID_ELEMENT,
                f"<{element.name}> was never closed and holds nothing: made empty"
                if hollow
                else f"<{element.name}> (an HTML empty element) was never closed: made empty",
                0.6 if at_end else 0.9,
            )
            end = element.token.end
            moved = element.items
        else:
            close_at = at
            if "]]>" in self.text[element.token.end : at]:
                # `This is <normal> text]]>`: the start of a CDATA section lost, its text
                # read as a tag? Closing the "element" would invent one.
                raise _Unrepairable(
                    f"<{element.name}> is never closed, and ']]>' follows it: it may be text "
                    "of a CDATA section whose '<![CDATA[' was lost"
                )
            same = next((item for item in element.items if item.element == element.name), None)
            if same is not None:
                choice = self.choose(
                    _Decision(
                        f"nest:{element.name}",
                        element.token.start,
                        f"<{element.name}> is never closed and holds another <{element.name}>",
                        (
                            f"each <{element.name}> holds the next (nested)",
                            f"each <{element.name}> ends where the next begins (siblings)",
                        ),
                    )
                )
                if choice == 1:
                    index = element.items.index(same)
                    moved = element.items[index:]
                    close_at = self.before_space(same.start, element.token.end)
            elif self.text_then_elements(element):
                choice = self.choose(
                    _Decision(
                        f"text:{element.name}",
                        element.token.start,
                        f"<{element.name}> is never closed and its text is followed by elements",
                        (
                            f"<{element.name}> holds the elements after its text (mixed content)",
                            f"<{element.name}> ends after its text (the elements are its siblings)",
                        ),
                    )
                )
                if choice == 1:
                    moved = element.items[1:]
                    close_at = self.before_space(element.items[0].end, element.token.end)
            elif not at_end and element.items and self.siblings_below(element):
                # `<activity a="x">` then `<provider>`: its end tag lost, or its `/`?
                choice = self.choose(
                    _Decision(
                        f"empty:{element.name}",
                        element.token.start,
                        f"<{element.name}> is never closed and elements follow it",
                        (
                            f"<{element.name}> holds the elements after it (its end tag lost)",
                            f"<{element.name}> is empty (its '/' lost): the elements after "
                            "it are its siblings",
                        ),
                    )
                )
                if choice == 1:
                    self.made_empty(element, parent, line)
                    return
            end = self.end_tag(element, close_at, at, at_end, line)
        if parent is not None:
            parent.items.append(_Item(element.token.start, end, element.name))
            parent.items.extend(moved)
        else:
            self.roots.append((element.token.start, end))
            self.root_open = False

    def end_tag(self, element: _Open, close_at: int, at: int, at_end: bool, line: int) -> int:
        """The end tag of a never closed element: given back its lost `<`, or written at
        `close_at`; where the element now ends."""
        confidence, why = _closing(element, at_end)
        end = close_at
        lost = self.end_tag_without_bracket(element, close_at)
        if lost is not None:
            # `<name>text/name>`: the end tag lost its `<`; it is given back, not
            # kept as text of the element.
            self.change(
                lost,
                lost,
                "<",
                UNCLOSED_ELEMENT,
                f"<{element.name}> (line {line}): its end tag lost its '<': given back",
                0.9,
            )
            end = at
        else:
            self.change(
                close_at,
                close_at,
                f"</{element.name}>",
                TRUNCATED if at_end else UNCLOSED_ELEMENT,
                f"<{element.name}> (line {line}): {why}; closed here",
                confidence,
            )
        return end

    def made_empty(self, element: _Open, parent: _Open | None, line: int) -> None:
        """The never closed `element` made empty (its '/' lost): the elements after it
        are its siblings."""
        self.change(
            element.token.end - 1,
            element.token.end - 1,
            "/",
            UNCLOSED_ELEMENT,
            f"<{element.name}> (line {line}) never closed, and elements follow it: made empty",
            0.8,
        )
        if parent is not None:
            parent.items.append(_Item(element.token.start, element.token.end, element.name))
            parent.items.extend(element.items)
        else:
            self.roots.append((element.token.start, element.token.end))
            self.root_open = False

    def end_tag_without_bracket(self, element: _Open, close_at: int) -> int | None:
        """Where `/name>` ends a piece of the element's text (an end tag that lost its `<`;
        what follows it was the element's siblings), or None."""
        mark = f"/{element.name}>"
        for item in element.items:
            if item.element:
                continue
            end = close_at if item is element.items[-1] else item.end
            text = self.text[item.start : max(end, item.end)].rstrip(_SPACE)
            if text.endswith(mark) and not text.endswith("<" + mark):
                return item.start + len(text) - len(mark)
        return None


def _closing(element: _Open, at_end: bool) -> tuple[float, str]:
    """How sure closing a never closed element is, and why it is closed."""
    if at_end:
        return 0.6, "the document ends before its end tag"
    if not element.items:
        return 0.9, "never closed"
    if any(item.element for item in element.items):
        return 0.8, "never closed"
    return 0.85, "never closed"
