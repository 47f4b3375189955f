"""The XML rules' lenient tokenizer (tags, text, comments, CDATA, declarations, cut off
or not) and the value tokens of broken XML, for provenance."""

from __future__ import annotations

import html.entities
import re
from collections.abc import Iterator
from dataclasses import dataclass

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
_EVERYWHERE = -1  # a decision taken once for the whole text, wherever its key recurs


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
