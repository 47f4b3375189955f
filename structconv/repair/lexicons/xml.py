"""The XML lexicon: tags, attributes and text, with the element each belongs to.

An element's name is a key (owned by its parent element), an attribute's name the key
"@name" (so that an attribute never stands in for a child element, nor its name for a
value), an attribute's value and an element's text are values owned by their name.
An element with neither content nor attributes holds "" (a token of its own, which no
other element may use). Text pieces of one element that the reader joins (text, CDATA,
text across a comment) join here too; whitespace between elements is formatting.
A sibling that repeats an element's name may share its key (the reader gathers them in
a list under one key). End tags, comments, processing instructions and the DOCTYPE are
not content.
"""

from __future__ import annotations

import html
import html.entities
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from structconv.options import Options
from structconv.repair.lexicons import PlainLexicon
from structconv.repair.provenance import ROOT, Item, Role, Token, walk_items
from structconv.repair.rules.xml import ids as rules
from structconv.repair.spelling import typographic_inner

_LEX = re.compile(
    r"(?P<skip><!--.*?(?:-->|\Z)|<\?.*?(?:\?>|\Z)|<!DOCTYPE(?:[^\[>]|\[.*?(?:\]|\Z))*>?)"
    r"|<!\[CDATA\[(?P<cdata>.*?)(?:\]\]>|\Z)"
    r"|(?P<close></[^\s>]*\s*>?)"
    r"|<(?P<tag>[^\s/>=\"'<!?]+)(?P<attributes>(?:\"[^\"]*\"?|'[^']*'?|/(?!>)|[^>\"'</])*)(?P<end>/?>)?"
    r"|(?P<text>[^<]+|<)",
    re.S | re.I,
)
_ATTRIBUTE = re.compile(r"""([^\s=/"']+)(?:\s*=\s*(?:"([^"]*)"?|'([^']*)'?|([^\s>"']+)))?""")
_REFERENCE = re.compile(r"&(?:#(\d+)|#[xX]([0-9a-fA-F]+)|([A-Za-z][\w.-]*));")
_PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "apos": "'", "quot": '"'}
_SPACE = " \t\r\n"


def _decoded(raw: str) -> tuple[str, ...]:
    """The readings of text as written: references decoded (XML's, then HTML's names)."""

    def one(match: re.Match[str]) -> str:
        decimal, hexadecimal, name = match.groups()
        try:
            if decimal is not None:
                return chr(int(decimal))
            if hexadecimal is not None:
                return chr(int(hexadecimal, 16))
        except (ValueError, OverflowError):
            return match.group()
        if name in _PREDEFINED:
            return _PREDEFINED[name]
        found: str = html.entities.html5.get(f"{name};", match.group())
        return found

    if "&" not in raw:
        return (raw,)
    return tuple(dict.fromkeys((_REFERENCE.sub(one, raw), html.unescape(raw), raw)))


@dataclass
class _Open:
    name: str
    token: int  # its name's token
    first: int  # the token of the first sibling of its name (the key a list is under)
    children: dict[str, int] = field(default_factory=dict)
    has_attributes: bool = False
    has_content: bool = False
    last_text: int | None = None  # the text token the next piece of text joins


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[Token] = []
        self.stack: list[_Open] = []
        self.roots: dict[str, int] = {}

    def add(
        self, role: Role, text: str, start: int, end: int, readings: tuple[Any, ...], **more: Any
    ) -> int:
        self.tokens.append(Token(role, text, start, end, readings, **more))
        return len(self.tokens) - 1

    def owner(self) -> int:
        return self.stack[-1].token if self.stack else ROOT

    def owners(self) -> dict[str, Any]:
        """The owner keywords of a token inside the innermost open element."""
        if not self.stack:
            return {"owner": ROOT}
        element = self.stack[-1]
        return {"owner": element.token, "alt_owner": element.first}

    def run(self) -> list[Token]:
        for match in _LEX.finditer(self.text):
            if match.group("skip") is not None:
                continue
            if match.group("tag") is not None:
                self.start_tag(match)
            elif match.group("close") is not None:
                self.end_tag(match.group()[2:].rstrip("> \t\r\n"))
            elif match.group("cdata") is not None:
                self.piece(match.group("cdata"), match.start("cdata"), match.end("cdata"), True)
            else:
                self.piece(match.group(), match.start(), match.end(), False)
        while self.stack:
            self.close()
        return self.tokens

    def start_tag(self, match: re.Match[str]) -> None:
        name = match.group("tag")
        siblings = self.stack[-1].children if self.stack else self.roots
        if self.stack:
            self.stack[-1].has_content = True
            self.stack[-1].last_text = None
        token = self.add(
            Role.KEY,
            name,
            match.start("tag"),
            match.end("tag"),
            (name,),
            optional=name in siblings,
            # `<sco` at the end (no `>` after it: not a quote this lexer paired wrongly)
            cut=">" not in self.text[match.start() :],
            **self.owners(),
        )
        first = siblings.setdefault(name, token)
        element = _Open(name, token, first)
        base = match.start("attributes")
        attributes = sorted(  # the reader gives namespace declarations first
            _ATTRIBUTE.finditer(match.group("attributes") or ""),
            key=lambda found: (
                not (found.group(1) == "xmlns" or found.group(1).startswith("xmlns:"))
            ),
        )
        for attribute in attributes:
            element.has_attributes = True
            key = self.add(
                Role.KEY,
                attribute.group(1),
                base + attribute.start(1),
                base + attribute.end(1),
                ("@" + attribute.group(1),),
                owner=token,
                alt_owner=first,
            )
            for group in (2, 3, 4):
                value = attribute.group(group)
                if value is not None:
                    # `a=“x”`: typographic quotes are quotes, not the value's text
                    inner = typographic_inner(value) if group == 4 else None
                    value_end = base + attribute.end(group)
                    self.add(
                        Role.VALUE,
                        value,
                        base + attribute.start(group),
                        base + attribute.end(group),
                        _decoded(value if inner is None else inner),
                        owner=key,
                        # a quoted value the file ends in, its closing quote not there
                        cut=group < 4
                        and value_end == len(self.text)
                        and ">" not in self.text[match.start() :],
                    )
                    break
        if (match.group("end") or "").startswith("/"):
            self.finish(element, match.end())
        else:
            self.stack.append(element)

    def end_tag(self, name: str) -> None:
        names = [element.name for element in self.stack]
        if name not in names:
            return  # a stray end tag closes nothing
        while self.stack and self.stack[-1].name != name:
            self.close()
        self.close()

    def close(self) -> None:
        element = self.stack.pop()
        self.finish(element, self.tokens[element.token].end)

    def finish(self, element: _Open, at: int) -> None:
        if not element.has_content and not element.has_attributes:
            self.add(
                Role.VALUE,
                "",
                at,
                at,
                ("",),
                owner=element.token,
                alt_owner=element.first,
                # blank text read as the value instead (`<r> <!-- c --></r>` is " ")
                optional=element.last_text is not None,
            )

    def piece(self, raw: str, start: int, end: int, cdata: bool) -> None:
        readings = (raw,) if cdata else _decoded(raw)
        blank = not raw.strip(_SPACE)
        if not self.stack:
            if not blank:  # text outside the root: data only if a rule keeps it
                self.add(Role.VALUE, raw, start, end, readings, owner=ROOT)
            return
        element = self.stack[-1]
        if blank and not cdata:
            if element.has_content:
                return  # formatting between elements (or kept in a mixed element's list)
            token = self.add(
                Role.VALUE,
                raw,
                start,
                end,
                readings,
                owner=element.token,
                alt_owner=element.first,
                optional=True,
            )
        else:
            token = self.add(
                Role.VALUE,
                raw,
                start,
                end,
                readings + tuple(reading.strip(_SPACE) for reading in readings),
                owner=element.token,
                alt_owner=element.first,
                joins=element.last_text is not None,
                glue="",
                cut=end == len(self.text),  # text the file ends in, its element still open
            )
        element.has_content = element.has_content or not blank or cdata
        element.last_text = token


class XmlLexicon(PlainLexicon):
    ordered = True
    removing_rules = frozenset(
        {
            rules.STRAY_TEXT,
            rules.COMMENT_DOUBLE_HYPHEN,
            rules.EXTRA_DECLARATION,
            rules.DUPLICATE_ATTRIBUTE,
        }
    )
    truncating_rules = frozenset({rules.TRUNCATED})
    inserting_rules = frozenset({rules.SEVERAL_ROOTS})
    closers = ("</",)

    def tokens(self, text: str, options: Options) -> list[Token]:
        return _Reader(text).run()

    def items(self, data: Any, tokens: Sequence[Token]) -> list[Item]:
        return walk_items(data, _key_text)


def _key_text(key: Any) -> Any:
    return None if key in ("#text", "#content") else key


LEXICON = XmlLexicon()
