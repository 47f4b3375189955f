"""XML repair rules: feeds with `&nbsp;` and bare `&`, hand-written config, HTML-ish
fragments, truncated SOAP responses, documents pasted one after another.

The rules do not use lxml's recover mode (it drops data without saying so). A lenient
tokenizer reads the whole text, a walk over the tokens keeps the stack of open elements,
and every change is an Edit over the original text, so each becomes a Fix. Where the
walk meets a choice whose readings give different data, it explores each (at most 8
readings, 32 walks) and the readings that parse and differ become an Ambiguity.

Rules, and what each refuses to do:

- html_entity: an HTML entity XML does not declare (`&nbsp;` `&eacute;` `&copy;`)
  becomes its character(s), from the stdlib html.entities table (0.95). Left alone
  when the DOCTYPE names an external DTD (the reader keeps `&name;` as text then).
- bare_ampersand: a `&` that starts no reference becomes `&amp;` (`AT&T`, `?a=1&b=2`,
  `&copy 2024`: the text stays exactly as written) (0.95).
- unknown_entity / invalid_character_reference: `&foo;` (in no table) or `&#0;` is kept
  as the text "&foo;" by escaping its `&` (0.8); nothing is expanded or guessed.
- less_than_in_text: a `<` that starts no markup (`1 < 2`) becomes `&lt;` (0.9);
  cdata_end_in_text: `]]>` in text becomes `]]&gt;` (0.95), unless an element left open
  stands before it (`is <b> text]]>`: a CDATA section that lost its start?). Refused: a `<` followed
  by a name that does not form a tag (`x<y then`): a tag or text?
- unquoted_attribute: `<a href=x>` quotes the value (0.95); `a=“x”` (typographic
  quotes around all of it) becomes `a="x"`. Refused: a value ending in
  `/` right before `>` (part of the value, or the empty-element mark?) and an attribute
  without a value (`<input disabled>`: its value would be invented).
- attribute_quote: a value that lost its opening quote (`name=small">`) or its closing
  one where that is certain (no other quote on its line, and the line ends the value
  with an attribute or the tag's end on the next line, or a `>` ends a value without
  spaces: `translatable="false>No</string>`) gets it back (0.85).
- attribute_escape: `<` and `&` inside attribute values are escaped (0.9/0.95).
- attribute_spacing: `a="1"b="2"` gets its space (0.99); duplicate_attribute: the same
  attribute twice with the same value loses the second (0.9). Refused: different values.
- end_tag_case: `<Name>..</name>` spells the end tag like the start tag (0.9); when the
  end tag's spelling is also a start tag elsewhere in the document, which spelling is
  the typo is unclear: an Ambiguity.
- unclosed_element: an element still open when its parent's end tag comes is closed
  there, before the whitespace that precedes it (0.85 text, 0.8 children); one that
  holds nothing but blanks and comments is made empty (`<x>` for `<x/>`, 0.9). An HTML
  void element (`br` `hr` `img` `input` `wbr` always; `meta` `link` ... when the tag
  has attributes) is made empty instead (0.9). When the open element holds a child of
  its own name (`<li>a<li>b</ul>`, `<p>one<p>two</div>`), nested or siblings gives
  different data: an Ambiguity (one choice per element name, not per element). So does
  an open element whose text ends its line and is followed by elements (`<name>Ada` then
  `<born>` below): a forgotten end tag after the value, or mixed content; and an open
  element followed by elements (`<activity a="x">` then `<provider>`): its end tag lost
  (it holds them), or the `/` of an empty element (they are its siblings).
- stray_end_tag: an end tag that closes nothing open is removed (0.7). Refused when
  the text before it holds `name>` (a start tag that lost its `<`: removing the end
  tag would turn the element into text).
  overlapping_tags: `<b><i>x</b></i>` (only whitespace between the end tags) is the end
  tags in the wrong order (0.85); with text between (`<b>1<i>2</b>3</i>`), where the
  third piece belongs is unclear: an Ambiguity.
- several_roots: several top-level elements (concatenated documents, fragments) are
  wrapped in one element named by options.root, else "root" (0.85); the later XML
  declarations and DOCTYPEs are removed (0.99).
- stray_text: text before the root element or after it is removed (0.7): it is not
  part of the document. declaration_position: whitespace before `<?xml` removed (0.99).
- declaration_quotes: a malformed XML declaration (a missing quote, no version) is
  rewritten from what it says (0.95); comment_double_hyphen: a comment holding `--` is
  removed (comments are not data) (0.99); doctype_keyword: `<!doctype` -> `<!DOCTYPE`.
- truncated: a document that ends inside an element, after complete content (only end
  tags lost): the open elements are closed (0.6); an end tag cut short (`</Pri` at the
  end, inside `<Price>`) is completed. Refused: a document that ends inside text (its
  value is cut off: the provenance check refuses keeping or dropping it), inside a start
  tag or attribute value, or leaves no element.

Left alone (the original ParseError stands): undeclared namespace prefixes (their URI
would be invented), characters XML 1.0 cannot hold, encodings the reader refuses.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from structconv.errors import ParseError
from structconv.options import Options
from structconv.repair.edits import Edit, LineIndex, apply_edits
from structconv.repair.rules import Patched, RuleOutcome
from structconv.repair.spelling import typographic_inner
from structconv.result import Ambiguity, Candidate, Fix

_LEADING_SPACE = re.compile(r"[ \t]*")
_NAME_START = (
    ":A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NAME_CHAR = _NAME_START + r"\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
_NAME = f"[{_NAME_START}][{_NAME_CHAR}]*"
_NAME_RE = re.compile(_NAME)
_NAME_START_RE = re.compile(f"[{_NAME_START}]")
_END_TAG = re.compile(f"</({_NAME})[ \\t\\r\\n]*>")
_PARTIAL_END_TAG = re.compile(f"</((?:{_NAME})?)[ \\t\\r\\n]*")
_ATTRIBUTE_NAME = re.compile(r"""[^\s=/>"'<]+""")
_UNQUOTED_VALUE = re.compile(r"""[^\s>"'<`]+""")
_SPACE = " \t\r\n"
_REFERENCE = re.compile(f"&(?:#([0-9]+)|#x([0-9A-Fa-f]+)|({_NAME}));")
_TEXT_PROBLEM = re.compile(r"&|<|\]\]>")
_ATTRIBUTE_PROBLEM = re.compile(r"&|<")
_PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_GOOD_DECLARATION = re.compile(
    r"""<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.[0-9]+\1"""
    r"""(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?"""
    r"""(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\3)?[ \t\r\n]*\?>"""
)
_DECLARED_VERSION = re.compile(r"""version\s*=\s*["']?(1\.[0-9]+)""")
_DECLARED_ENCODING = re.compile(r"""encoding\s*=\s*["']?([A-Za-z][A-Za-z0-9._-]*)""")
_DECLARED_STANDALONE = re.compile(r"""standalone\s*=\s*["']?(yes|no)\b""")
_ENTITY_DECLARATION = re.compile(r"<!ENTITY\s+([^\s%>][^\s>]*)")
_PARAMETER_REFERENCE = re.compile(r"%[^\s;%]+;")
_EXTERNAL_DTD = re.compile(r"<!DOCTYPE\s+\S+\s+(?:PUBLIC|SYSTEM)\b", re.I)
_ALWAYS_EMPTY = frozenset({"br", "hr", "img", "wbr", "input"})
_EMPTY_WITH_ATTRIBUTES = frozenset(
    {"meta", "link", "col", "area", "base", "embed", "param", "source", "track", "keygen"}
)
_MAX_WALKS = 32
_MAX_CANDIDATES = 8


def _is_xml_character(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _unescape(value: str) -> str:
    """References decoded as the repaired text reads them (never `&name` without `;`)."""

    def one(match: re.Match[str]) -> str:
        decimal, hexadecimal, name = match.groups()
        if name is None:
            code = int(decimal, 10) if decimal is not None else int(hexadecimal, 16)
            return chr(code) if _is_xml_character(code) else match.group()
        if name in _PREDEFINED:
            return _PREDEFINED[name]
        return html.entities.html5.get(f"{name};", match.group())

    return _REFERENCE.sub(one, value)


# ---------------------------------------------------------------- provenance lexer

_XML_TOKEN = re.compile(
    r"(?P<comment><!--.*?(?:-->|\Z)|<\?.*?(?:\?>|\Z)|<!DOCTYPE(?:[^\[>]|\[.*?(?:\]|\Z))*>?)"
    r"|<!\[CDATA\[(?P<cdata>.*?)(?:\]\]>|\Z)"
    r"|</?(?P<tag>[^\s/>=\"'<]+)(?P<attributes>[^>]*)>?"
    r"|(?P<text>[^<]+|<)",
    re.S | re.I,
)
_XML_ATTRIBUTE = re.compile(r"""([^\s=/]+)\s*(?:=\s*(?:"([^"]*)"?|'([^']*)'?|([^\s>"']+)))?""")


def _xml_tokens(text: str) -> Iterator[tuple[str, int]]:
    for match in _XML_TOKEN.finditer(text):
        if match.group("comment") is not None:
            continue
        if match.group("cdata") is not None:
            yield match.group("cdata"), match.start("cdata")
        elif match.group("tag") is not None:
            yield match.group("tag"), match.start()
            base = match.start("attributes")
            for attribute in _XML_ATTRIBUTE.finditer(match.group("attributes") or ""):
                yield attribute.group(1), base + attribute.start(1)
                for group in (2, 3, 4):
                    value = attribute.group(group)
                    if value:
                        yield _unescape(value), base + attribute.start(group)
        else:
            yield _unescape(match.group("text")), match.start()


def input_values(text: str) -> Iterator[tuple[str, int]]:
    """The input's value tokens and offsets, for provenance validation (the text does not parse)."""
    yield from _xml_tokens(text)


# ---------------------------------------------------------------- tokenizer


class _Unrepairable(Exception):
    """The walk met something no rule may repair; the repair gives up (never escapes)."""


@dataclass(frozen=True)
class _Attribute:
    name: str
    name_start: int
    value: str
    value_start: int  # the first character of the value (after the quote, if any)
    quote: str  # '"', "'" or "" (unquoted)
    spaced: bool  # whitespace before the attribute name
    lost: str = ""  # "open" / "close": the quote the value lost (`a=x"`, `a="x>`)


@dataclass(frozen=True)
class _Token:
    kind: str  # text cdata comment pi declaration doctype start end truncated
    start: int
    end: int
    name: str = ""  # tag name; for "truncated", what was cut (start, end, comment, ...)
    attributes: tuple[_Attribute, ...] = ()
    self_closing: bool = False
    broken: bool = False  # a comment with "--", a lower-case doctype keyword
    partial: str = ""  # for "truncated": the tag name read before the text ended


def _tokens(text: str, start: int) -> list[_Token]:
    tokens: list[_Token] = []
    length = len(text)
    position = start
    text_start = start

    def flush(until: int) -> None:
        if until > text_start:
            tokens.append(_Token("text", text_start, until))

    while position < length:
        if text[position] != "<":
            following = text.find("<", position)
            position = length if following == -1 else following
            continue
        markup = _markup(text, position)
        if markup is None:  # a "<" that starts no markup: text
            position += 1
            continue
        flush(position)
        tokens.append(markup)
        position = text_start = markup.end
    flush(length)
    return tokens


def _markup(text: str, position: int) -> _Token | None:
    length = len(text)
    if text.startswith("<!--", position):
        close = text.find("-->", position + 4)
        if close == -1:
            return _Token("truncated", position, length, "comment")
        body = text[position + 4 : close]
        return _Token("comment", position, close + 3, broken="--" in body or body.endswith("-"))
    if text.startswith("<![CDATA[", position):
        close = text.find("]]>", position + 9)
        if close == -1:
            return _Token("truncated", position, length, "cdata")
        return _Token("cdata", position, close + 3)
    if text[position + 2 : position + 9].upper() == "DOCTYPE" and text.startswith("<!", position):
        return _doctype(text, position)
    if text.startswith("<?", position):
        close = text.find("?>", position + 2)
        if close == -1:
            return _Token("truncated", position, length, "processing instruction")
        target = re.match(r"<\?([^\s?]*)", text[position:close])
        kind = "declaration" if target and target.group(1).lower() == "xml" else "pi"
        return _Token(kind, position, close + 2)
    if text.startswith("</", position):
        match = _END_TAG.match(text, position)
        if match is not None:
            return _Token("end", position, match.end(), match.group(1))
        partial = _PARTIAL_END_TAG.fullmatch(text, position)
        if partial is not None:
            return _Token("truncated", position, length, "end", partial=partial.group(1))
        raise _Unrepairable("a malformed end tag")
    if position + 1 >= length:
        return _Token("truncated", position, length, "start")
    if _NAME_START_RE.match(text, position + 1):
        return _start_tag(text, position)
    if text.startswith("<!", position):
        raise _Unrepairable("markup '<!' that is no comment, CDATA section or DOCTYPE")
    return None


def _doctype(text: str, position: int) -> _Token:
    index = position + 9
    quote = ""
    subset = False
    while index < len(text):
        character = text[index]
        if quote:
            if character == quote:
                quote = ""
        elif subset and text.startswith(("<!--", "<?"), index):
            close = text.find("-->" if text.startswith("<!--", index) else "?>", index + 2)
            if close == -1:
                break
            index = close + 2
        elif character in "\"'":
            quote = character
        elif character == "[":
            subset = True
        elif character == "]":
            subset = False
        elif character == ">" and not subset:
            return _Token(
                "doctype",
                position,
                index + 1,
                broken=text[position + 2 : position + 9] != "DOCTYPE",
            )
        index += 1
    return _Token("truncated", position, len(text), "doctype")


def _lost_closing_quote(text: str, value_at: int, close: int) -> int | None:
    """Where a quoted attribute value that lost its closing quote ends (None: it did not
    lose it). Only where that is certain: no other quote on its line, and either the line
    ends the value and the next line goes on with an attribute or the tag's end
    (`name=".Main` then `android:label=...`), or a `>` ends a value without spaces
    (`translatable="false>Sunflower</string>`): running on to a later line's quote, the
    value would swallow markup."""
    line_end = text.find("\n", value_at)
    line_end = len(text) if line_end == -1 else line_end
    if close != -1 and close < line_end:
        return None
    rest = text[value_at + 1 : line_end].rstrip("\r \t")
    if not rest or "'" in rest or '"' in rest:
        return None
    if "<" not in rest and ">" not in rest:
        following = _skip_space(text, line_end)
        if re.match(r"""[^\s=/>"'<]+\s*=|/?>""", text[following : following + 200]):
            return value_at + 1 + len(rest)
        return None
    stop = rest.find(">")
    value = rest[: stop - 1 if stop > 0 and rest[stop - 1] == "/" else stop]
    if stop <= 0 or not value or any(character in value for character in " \t<"):
        return None
    return value_at + 1 + len(value)


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in _SPACE:
        index += 1
    return index


def _start_tag(text: str, position: int) -> _Token:
    length = len(text)
    name = _NAME_RE.match(text, position + 1)
    assert name is not None
    index = name.end()
    attributes: list[_Attribute] = []
    while True:
        after_space = _skip_space(text, index)
        spaced = after_space > index
        index = after_space
        if index >= length:
            return _Token("truncated", position, length, "start", partial=name.group())
        if text[index] == ">":
            return _Token("start", position, index + 1, name.group(), tuple(attributes))
        if text.startswith("/>", index):
            return _Token("start", position, index + 2, name.group(), tuple(attributes), True)
        attribute = _ATTRIBUTE_NAME.match(text, index)
        if attribute is None or not _NAME_RE.fullmatch(attribute.group()):
            if text[index] == "/" and index + 1 >= length:
                return _Token("truncated", position, length, "start", partial=name.group())
            raise _Unrepairable("a start tag that does not parse")
        equals = _skip_space(text, attribute.end())
        if equals >= length:
            return _Token("truncated", position, length, "start", partial=name.group())
        if text[equals] != "=":
            raise _Unrepairable(f"the attribute {attribute.group()!r} has no value")
        value_at = _skip_space(text, equals + 1)
        if value_at >= length:
            return _Token("truncated", position, length, "start", partial=name.group())
        quote = text[value_at]
        if quote in "\"'":
            close = text.find(quote, value_at + 1)
            lost = _lost_closing_quote(text, value_at, close)
            if lost is not None:
                attributes.append(
                    _Attribute(
                        attribute.group(),
                        attribute.start(),
                        text[value_at + 1 : lost],
                        value_at + 1,
                        quote,
                        spaced,
                        "close",
                    )
                )
                index = lost
                continue
            if close == -1:
                return _Token("truncated", position, length, "start", partial=name.group())
            value = text[value_at + 1 : close]
            if ">" in value and re.search(f"<(?:/|[{_NAME_START}])", value):
                raise _Unrepairable("an attribute value that runs into markup")
            attributes.append(
                _Attribute(attribute.group(), attribute.start(), value, value_at + 1, quote, spaced)
            )
            index = close + 1
        else:
            unquoted = _UNQUOTED_VALUE.match(text, value_at)
            if unquoted is None:
                raise _Unrepairable("an attribute value that does not parse")
            if unquoted.end() >= length:
                return _Token("truncated", position, length, "start", partial=name.group())
            value = unquoted.group()
            closer = text[unquoted.end()]
            if closer in "\"'" and re.match(r"[\s/>]", text[unquoted.end() + 1 :]):
                # `name=margin_small">`: the value lost its opening quote
                attributes.append(
                    _Attribute(
                        attribute.group(),
                        attribute.start(),
                        value,
                        value_at,
                        closer,
                        spaced,
                        "open",
                    )
                )
                index = unquoted.end() + 1
                continue
            if value.endswith("/") and text.startswith(">", unquoted.end()):
                raise _Unrepairable("an unquoted value ending in '/' before '>'")
            attributes.append(
                _Attribute(attribute.group(), attribute.start(), value, value_at, "", spaced)
            )
            index = unquoted.end()


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


@dataclass(frozen=True)
class _Change:
    edit: Edit
    confidence: float


class _Walk:
    """One walk over the tokens, with the choices made so far; the edits it needs."""

    def __init__(
        self, text: str, tokens: list[_Token], choices: dict[str, int], wrapper: str
    ) -> None:
        self.text = text
        self.tokens = tokens
        self.choices = choices
        self.wrapper = wrapper
        self.changes: list[_Change] = []
        self.undecided: list[_Decision] = []
        self.chosen: list[str] = []
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
        self.changes.append(_Change(Edit(start, end, replacement, rule, message), confidence))

    def choose(self, decision: _Decision) -> int:
        if decision.key in self.choices:
            chosen = self.choices[decision.key]
            self.chosen.append(decision.options[chosen])
            return chosen
        if all(known.key != decision.key for known in self.undecided):
            self.undecided.append(decision)
        return 0

    def line_column(self, offset: int) -> tuple[int, int]:
        return self.lines.line_column(offset)

    # -------------------------------------------------- references and escapes

    def references(self, start: int, end: int, quote: str | None) -> list[_Change]:
        """Fixes for `&`, `<` (and `]]>` in text) in text[start:end]; quote: None for text,
        else the attribute's quote character."""
        found: list[_Change] = []
        pattern = _TEXT_PROBLEM if quote is None else _ATTRIBUTE_PROBLEM
        for problem in pattern.finditer(self.text, start, end):
            at = problem.start()
            if problem.group() == "<":
                rule, where = (
                    ("less_than_in_text", "'<' that starts no tag")
                    if quote is None
                    else ("attribute_escape", "'<' in an attribute value")
                )
                found.append(
                    _Change(Edit(at, at + 1, "&lt;", rule, f"{where} escaped as &lt;"), 0.9)
                )
                continue
            if problem.group() == "]]>":
                found.append(
                    _Change(
                        Edit(
                            at + 2,
                            at + 3,
                            "&gt;",
                            "cdata_end_in_text",
                            "']]>' in text: its '>' escaped",
                        ),
                        0.95,
                    )
                )
                continue
            reference = _REFERENCE.match(self.text, at, end)
            if reference is None:
                found.append(
                    _Change(
                        Edit(
                            at,
                            at + 1,
                            "&amp;",
                            "bare_ampersand",
                            "'&' that starts no reference escaped as &amp;",
                        ),
                        0.95,
                    )
                )
                continue
            fix = self.reference(reference, quote)
            if fix is not None:
                found.append(fix)
        return found

    def reference(self, reference: re.Match[str], quote: str | None) -> _Change | None:
        decimal, hexadecimal, name = reference.groups()
        at = reference.start()
        if name is None:
            code = int(decimal, 10) if decimal is not None else int(hexadecimal, 16)
            if code <= 0x10FFFF and _is_xml_character(code):
                return None
            return _Change(
                Edit(
                    at,
                    at + 1,
                    "&amp;",
                    "invalid_character_reference",
                    f"{reference.group()} names a character XML 1.0 cannot hold: kept as text",
                ),
                0.8,
            )
        if name in _PREDEFINED or name in self.declared or self.external_dtd:
            return None
        characters = html.entities.html5.get(f"{name};")
        if characters is None:
            return _Change(
                Edit(
                    at,
                    at + 1,
                    "&amp;",
                    "unknown_entity",
                    f"undeclared entity {reference.group()} kept as the text {reference.group()!r}",
                ),
                0.8,
            )
        spelled = characters.replace("&", "&amp;").replace("<", "&lt;")
        if quote:
            spelled = spelled.replace(quote, "&quot;" if quote == '"' else "&apos;")
        return _Change(
            Edit(
                at,
                reference.end(),
                spelled,
                "html_entity",
                f"HTML entity {reference.group()} (undeclared in XML) written as its character",
            ),
            0.95,
        )

    # -------------------------------------------------- tokens

    def run(self) -> None:
        last = len(self.tokens) - 1
        for index, token in enumerate(self.tokens):
            if token.kind == "truncated" and index != last:
                raise _Unrepairable("markup cut short")
            getattr(self, f"on_{token.kind}")(token)
            if token.kind != "text":
                self.only_text_so_far = False
            elif self.text[token.start : token.end].strip(_SPACE):
                self.text_before = True
        self.at_end()

    def before_root(self) -> bool:
        return not self.roots and not self.root_open

    def on_text(self, token: _Token) -> None:
        blank = not self.text[token.start : token.end].strip(_SPACE)
        if self.stack:
            if not blank:
                self.stack[-1].items.append(_Item(token.start, token.end))
            self.changes.extend(self.references(token.start, token.end, None))
        elif not blank:
            where = "before the root element" if self.before_root() else "after the root element"
            self.change(
                token.start,
                token.end,
                "",
                "stray_text",
                f"text {where} (not part of the document) removed",
                0.7,
            )

    def on_cdata(self, token: _Token) -> None:
        if self.stack:
            self.stack[-1].items.append(_Item(token.start, token.end))
        else:
            self.change(
                token.start,
                token.end,
                "",
                "stray_text",
                "CDATA section outside the root element removed",
                0.7,
            )

    def on_comment(self, token: _Token) -> None:
        if token.broken:
            self.change(
                token.start,
                token.end,
                "",
                "comment_double_hyphen",
                "comment holding '--' (not allowed in XML) removed; comments are not data",
                0.99,
            )

    def on_pi(self, token: _Token) -> None:
        return None

    def on_truncated(self, token: _Token) -> None:
        return None  # the end of the text: at_end decides

    def on_declaration(self, token: _Token) -> None:
        prologue = self.before_root() and self.only_text_so_far
        if not prologue:
            self.change(
                token.start,
                token.end,
                "",
                "extra_declaration" if not self.before_root() else "declaration_position",
                "XML declaration not at the start of the document (a concatenated document) removed",
                0.99,
            )
            return
        if token.start > 0 and self.text[: token.start] != "\ufeff" and not self.text_before:
            begin = 1 if self.text.startswith("\ufeff") else 0
            self.change(
                begin,
                token.start,
                "",
                "declaration_position",
                "whitespace before the XML declaration (it must come first) removed",
                0.99,
            )
        declaration = self.text[token.start : token.end]
        if _GOOD_DECLARATION.fullmatch(declaration):
            return
        version = _DECLARED_VERSION.search(declaration)
        encoding = _DECLARED_ENCODING.search(declaration)
        standalone = _DECLARED_STANDALONE.search(declaration)
        rebuilt = f'<?xml version="{version.group(1) if version else "1.0"}"'
        if encoding:
            rebuilt += f' encoding="{encoding.group(1)}"'
        if standalone:
            rebuilt += f' standalone="{standalone.group(1)}"'
        rebuilt += "?>"
        self.change(
            token.start,
            token.end,
            rebuilt,
            "declaration_quotes",
            "malformed XML declaration rewritten from what it declares",
            0.95,
        )

    def on_doctype(self, token: _Token) -> None:
        if not self.before_root():
            self.change(
                token.start,
                token.end,
                "",
                "extra_declaration",
                "DOCTYPE after the root element (a concatenated document) removed",
                0.99,
            )
            return
        doctype = self.text[token.start : token.end]
        self.declared.update(_ENTITY_DECLARATION.findall(doctype))
        # Entities declared outside the text (an external DTD, parameter entities) are
        # unknown here: references are left as the reader leaves them.
        self.external_dtd = self.external_dtd or bool(
            _EXTERNAL_DTD.match(doctype) or _PARAMETER_REFERENCE.search(doctype)
        )
        if token.broken:
            self.change(
                token.start + 2,
                token.start + 9,
                "DOCTYPE",
                "doctype_keyword",
                "DOCTYPE keyword written in upper case (XML is case-sensitive)",
                0.99,
            )

    def on_start(self, token: _Token) -> None:
        self.attribute_fixes(token)
        if not self.stack:
            if token.self_closing:
                self.roots.append((token.start, token.end))
            else:
                self.root_open = True
        if token.self_closing:
            if self.stack:
                self.stack[-1].items.append(_Item(token.start, token.end, token.name))
            return
        self.stack.append(_Open(token.name, token))

    def attribute_fixes(self, token: _Token) -> None:
        seen: dict[str, str] = {}
        for attribute in token.attributes:
            if attribute.name in seen:
                if seen[attribute.name] != attribute.value:
                    raise _Unrepairable(
                        f"the attribute {attribute.name!r} twice, with different values"
                    )
                end = attribute.value_start + len(attribute.value) + (1 if attribute.quote else 0)
                start = attribute.name_start
                while start > token.start and self.text[start - 1] in _SPACE:
                    start -= 1
                self.change(
                    start,
                    end,
                    "",
                    "duplicate_attribute",
                    f"attribute {attribute.name!r} given twice with the same value: the second removed",
                    0.9,
                )
                continue
            seen[attribute.name] = attribute.value
            if not attribute.spaced:
                self.change(
                    attribute.name_start,
                    attribute.name_start,
                    " ",
                    "attribute_spacing",
                    "space inserted between attributes",
                    0.99,
                )
            value_end = attribute.value_start + len(attribute.value)
            if attribute.lost:
                at = attribute.value_start if attribute.lost == "open" else value_end
                self.change(
                    at,
                    at,
                    attribute.quote,
                    "attribute_quote",
                    f"the value of attribute {attribute.name!r} lost its {attribute.lost}ing "
                    f"quote: {attribute.quote} added",
                    0.85,
                )
            if attribute.quote:
                self.changes.extend(
                    self.references(attribute.value_start, value_end, attribute.quote)
                )
                continue
            quoted = typographic_inner(attribute.value)
            if quoted is not None:  # `a=“x”`: the typographic quotes stand for '"'
                self.change(
                    attribute.value_start,
                    attribute.value_start + 1,
                    '"',
                    "unquoted_attribute",
                    f"typographic quotes of attribute {attribute.name!r} replaced by '\"'",
                    0.95,
                )
                self.changes.extend(self.references(attribute.value_start + 1, value_end - 1, '"'))
                self.change(
                    value_end - 1,
                    value_end,
                    '"',
                    "unquoted_attribute",
                    f"typographic quotes of attribute {attribute.name!r} replaced by '\"'",
                    0.95,
                )
                continue
            inner = self.references(attribute.value_start, value_end, '"')
            value = attribute.value
            for fix in sorted(inner, key=lambda fix: -fix.edit.start):
                offset = fix.edit.start - attribute.value_start
                value = (
                    value[:offset]
                    + fix.edit.replacement
                    + value[fix.edit.end - attribute.value_start :]
                )
            self.change(
                attribute.value_start,
                value_end,
                f'"{value}"',
                "unquoted_attribute",
                f"unquoted value of attribute {attribute.name!r} quoted"
                + ("; " + "; ".join(fix.edit.message for fix in inner) if inner else ""),
                min([0.95, *(fix.confidence for fix in inner)]),
            )

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
                "end_tag_case",
                f"end tag </{token.name}> spelled like its start tag <{element.name}> (line {self.line_column(element.token.start)[0]})",
                0.9,
            )
        else:
            self.change(
                element.token.start + 1,
                element.token.start + 1 + len(element.name),
                token.name,
                "end_tag_case",
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
                    "overlapping_tags",
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
            "stray_end_tag",
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
            "overlapping_tags",
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
                "unclosed_element" if hollow else "void_element",
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
                    self.change(
                        element.token.end - 1,
                        element.token.end - 1,
                        "/",
                        "unclosed_element",
                        f"<{element.name}> (line {line}) never closed, and elements follow "
                        "it: made empty",
                        0.8,
                    )
                    if parent is not None:
                        parent.items.append(
                            _Item(element.token.start, element.token.end, element.name)
                        )
                        parent.items.extend(element.items)
                    else:
                        self.roots.append((element.token.start, element.token.end))
                        self.root_open = False
                    return
            if at_end:
                confidence, why = 0.6, "the document ends before its end tag"
            elif not element.items:
                confidence, why = 0.9, "never closed"
            elif any(item.element for item in element.items):
                confidence, why = 0.8, "never closed"
            else:
                confidence, why = 0.85, "never closed"
            end = close_at
            lost = self.end_tag_without_bracket(element, close_at)
            if lost is not None:
                # `<name>text/name>`: the end tag lost its `<`; it is given back, not
                # kept as text of the element.
                self.change(
                    lost,
                    lost,
                    "<",
                    "unclosed_element",
                    f"<{element.name}> (line {line}): its end tag lost its '<': given back",
                    0.9,
                )
                end = at
            else:
                self.change(
                    close_at,
                    close_at,
                    f"</{element.name}>",
                    "truncated" if at_end else "unclosed_element",
                    f"<{element.name}> (line {line}): {why}; closed here",
                    confidence,
                )
        if parent is not None:
            parent.items.append(_Item(element.token.start, end, element.name))
            parent.items.extend(moved)
        else:
            self.roots.append((element.token.start, end))
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
                    "truncated",
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
                "several_roots",
                f"{len(self.roots)} top-level elements (XML allows one) wrapped in <{self.wrapper}>",
                0.85,
            )
            self.change(
                last_end,
                last_end,
                f"</{self.wrapper}>",
                "several_roots",
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
                    "truncated",
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
                if change.edit.start < drop_from
                or change.edit.start == change.edit.end == drop_from
            ]
            self.change(
                drop_from,
                length,
                "",
                "truncated",
                f"the document ends inside an element: {why}, dropped",
                0.6,
            )
        if not self.stack:
            self.root_open = False
            return
        at = self.before_space(drop_from, max(self.stack[-1].token.end, completed))
        self.close_open(-1, at, at_end=True)


def _walk_outcomes(text: str, options: Options) -> tuple[list[_Walk], _Decision | None] | None:
    """Every walk the choices lead to (breadth first), and the first choice met."""
    begin = 1 if text.startswith("\ufeff") else 0
    tokens = _tokens(text, begin)
    wrapper = options.root if options.root and _NAME_RE.fullmatch(options.root) else "root"
    queue: list[dict[str, int]] = [{}]
    finished: list[_Walk] = []
    first: _Decision | None = None
    walks = 0
    while queue:
        choices = queue.pop(0)
        walks += 1
        if walks > _MAX_WALKS:
            return None
        walk = _Walk(text, tokens, choices, wrapper)
        walk.run()
        if walk.undecided:
            decision = walk.undecided[0]
            first = first or decision
            queue.extend({**choices, decision.key: index} for index in range(len(decision.options)))
        else:
            finished.append(walk)
            if len(finished) > _MAX_CANDIDATES:
                return None
    return finished, first


def _parsed(text: str) -> tuple[bool, Any]:
    from structconv.formats import xml as xml_format

    try:
        return True, xml_format.CODEC.loads(text, Options())
    except ParseError:
        return False, None


def repair(text: str, error: ParseError, options: Options) -> RuleOutcome:
    """Repair the whole text in one walk (several when a choice gives different data)."""
    try:
        outcomes = _walk_outcomes(text, options)
    except _Unrepairable:
        return None
    if outcomes is None:
        return None
    walks, decision = outcomes
    readings: list[tuple[_Walk, str, tuple[Fix, ...], Any]] = []
    for walk in walks:
        if not walk.changes:
            continue
        patched, fixes = apply_edits(text, [change.edit for change in walk.changes])
        parsed, data = _parsed(patched)
        if parsed and not any(data == known for *_, known in readings):
            readings.append((walk, patched, fixes, data))
    if not readings:
        return None
    if len(readings) == 1 or decision is None:
        walk, patched, fixes, _ = readings[0]
        return Patched(patched, fixes, min(change.confidence for change in walk.changes))
    line, column = LineIndex(text).line_column(decision.offset)
    return Ambiguity(
        format="xml",
        line=line,
        column=column,
        message=decision.message,
        candidates=tuple(
            Candidate("; ".join(dict.fromkeys(walk.chosen)), patched, None, fixes)
            for walk, patched, fixes, _ in readings
        ),
    )
