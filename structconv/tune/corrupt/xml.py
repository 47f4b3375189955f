"""How valid XML gets broken."""

from __future__ import annotations

import html.entities
import random
import re

from structconv.tune.corrupt.base import _splice, operator
from structconv.tune.corrupt.json import _choose_some

# --- XML -----------------------------------------------------------------------------------

_XML_LEAF = re.compile(r"<(?P<tag>[^\s<>/!?]+)(?P<attrs>[^<>]*)>(?P<text>[^<]*)</(?P=tag)>")
_XML_END = re.compile(r"</(?P<tag>[^\s<>]+)>")
_XML_ATTRIBUTE = re.compile(r'(?P<name>[\w:.-]+)="(?P<value>[^"<&]*)"')


@operator("xml", "unclosed_tag", settled=False, weight=1.8)
def xml_unclosed_tag(text: str, rng: random.Random) -> str | None:
    """A leaf element's end tag left out (`<name>Ada` then the next sibling)."""
    leaves = [match for match in _XML_LEAF.finditer(text) if match.group("text").strip()]
    if not leaves:
        return None
    match = rng.choice(leaves)
    end = match.end() - len(f"</{match.group('tag')}>")
    return _splice(text, end, match.end(), "")


@operator("xml", "bare_ampersand", settled=True, weight=2.5)
def xml_bare_ampersand(text: str, rng: random.Random) -> str | None:
    spots = [
        m for m in re.finditer(r"&amp;", text) if not re.match(r"&amp;[#\w]+;", text[m.start() :])
    ]
    if not spots:
        return None
    for match in sorted(_choose_some(rng, spots, 0.7), key=lambda m: m.start(), reverse=True):
        text = _splice(text, match.start(), match.end(), "&")
    return text


_ENTITY_NAMES = {
    chr(code): name for code, name in html.entities.codepoint2name.items() if code > 127
}


@operator("xml", "html_entity", settled=True, weight=2.5)
def xml_html_entity(text: str, rng: random.Random) -> str | None:
    body = text.split("?>", 1)[-1]
    offset = len(text) - len(body)
    spots = [offset + i for i, character in enumerate(body) if character in _ENTITY_NAMES]
    if not spots:
        return None
    for position in sorted(_choose_some(rng, spots, 0.6), reverse=True):
        text = _splice(text, position, position + 1, f"&{_ENTITY_NAMES[text[position]]};")
    return text


@operator("xml", "bare_less_than", settled=True)
def xml_bare_less_than(text: str, rng: random.Random) -> str | None:
    spots = list(re.finditer(r"&lt;", text))
    if not spots:
        return None
    match = rng.choice(spots)
    return _splice(text, match.start(), match.end(), "<")


@operator("xml", "unquoted_attribute", settled=True)
def xml_unquoted_attribute(text: str, rng: random.Random) -> str | None:
    spots = [
        m
        for m in _XML_ATTRIBUTE.finditer(text)
        if re.fullmatch(r"[\w.:/-]+", m.group("value"))
        and not m.group("value").endswith("/")
        and not text[: m.start()].rstrip().endswith("<?xml")
        and "<?xml" not in text[max(0, m.start() - 40) : m.start()]
    ]
    if not spots:
        return None
    match = rng.choice(spots)
    return _splice(
        text, match.start(), match.end(), f"{match.group('name')}={match.group('value')}"
    )


@operator("xml", "truncation", settled=True, weight=1.0)
def xml_truncation(text: str, rng: random.Random) -> str | None:
    """The document cut inside an end tag, or just after one, before the root closes."""
    ends = list(_XML_END.finditer(text))[:-1]
    if not ends:
        return None
    match = rng.choice(ends)
    tag = match.group("tag")
    if rng.random() < 0.6:
        return text[: match.start() + 2 + rng.randint(0, len(tag) - 1)]
    return text[: match.end()] + rng.choice(["", "\n"])


@operator("xml", "declaration", settled=True, weight=0.4)
def xml_declaration(text: str, rng: random.Random) -> str | None:
    if not text.startswith("<?xml"):
        return None
    declaration = text.split("?>", 1)[0]
    quotes = [i for i, character in enumerate(declaration) if character == '"']
    if not quotes:
        return None
    position = rng.choice(quotes)
    return _splice(text, position, position + 1, "")


@operator("xml", "stray_end_tag", settled=True, weight=0.6)
def xml_stray_end_tag(text: str, rng: random.Random) -> str | None:
    leaves = list(_XML_LEAF.finditer(text))
    if not leaves:
        return None
    match = rng.choice(leaves)
    return _splice(text, match.end(), match.end(), f"</{match.group('tag')}>")
