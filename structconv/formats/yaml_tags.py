"""The tag convention: how a YAML tag travels through formats that have no tags.

A node with a tag other than the YAML 1.2 core ones becomes a mapping with one key,
the tag as written in YAML, holding the node's value:

    !Ref MyBucket              {"!Ref": "MyBucket"}
    !GetAtt [Role, Arn]        {"!GetAtt": ["Role", "Arn"]}
    !!binary aGk=              {"!!binary": "aGk="}
    !<tag:example.com,1:x> 5   {"!<tag:example.com,1:x>": "5"}

A tagged scalar's value is its text: a tag says how to read it, so `!Foo 5` holds the
string "5". The YAML writer turns such a mapping back into the tagged node, so
YAML -> JSON -> YAML keeps every tag. The key is canonical (a %TAG shorthand becomes
the verbatim `!<...>` form, characters outside the tag alphabet are %-escaped), so
one tag has one spelling.

The one collision, a mapping whose only key merely looks like a tag (a quoted
`'!Ref': x` in YAML), is refused by the YAML reader rather than read as a tag.
The core tags (!!str, !!int, ... , which give the value its type) and !!python/*
tags (which ask a loader to run code) are never keys of the convention.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from structconv.patterns import lazy_compile

CORE = "tag:yaml.org,2002:"
# The YAML 1.2 core tags: they give a node its type and are applied, never kept.
CORE_TAGS = frozenset(CORE + name for name in ("str", "int", "float", "bool", "null", "map", "seq"))
PYTHON_PREFIX = CORE + "python/"
# ns-tag-char of YAML 1.2 (a shorthand's suffix) and ns-uri-char (a verbatim tag).
_TAG_SAFE = "-#;/?:@&=+$_.~*'()"
_URI_SAFE = _TAG_SAFE + ",!~[]"
_TAG_CHARS = r"(?:%[0-9A-Fa-f]{2}|[0-9A-Za-z\-#;/?:@&=+$_.~*'()])"
_URI_CHARS = r"(?:%[0-9A-Fa-f]{2}|[0-9A-Za-z\-#;/?:@&=+$_.~*'(),!\[\]])"
_KEY = lazy_compile(rf"!(?:!{_TAG_CHARS}+|<{_URI_CHARS}+>|{_TAG_CHARS}+)")


def key_of_tag(tag: str) -> str:
    """The convention's key for a resolved tag (as a YAML parser reports it)."""
    if tag.startswith(CORE):
        return "!!" + quote(tag[len(CORE) :], safe=_TAG_SAFE)
    if tag.startswith("!"):
        return "!" + quote(tag[1:], safe=_TAG_SAFE)
    return "!<" + quote(tag, safe=_URI_SAFE) + ">"


def tag_of_key(key: object) -> str | None:
    """The tag a mapping key stands for under the convention, or None for an ordinary key.

    Only the canonical spelling counts, so that every key the convention accepts reads
    back from YAML as the same key."""
    if not isinstance(key, str) or not key.startswith("!") or _KEY.fullmatch(key) is None:
        return None
    if key.startswith("!!"):
        tag = CORE + unquote(key[2:])
    elif key.startswith("!<"):
        tag = unquote(key[2:-1])
    else:
        tag = "!" + unquote(key[1:])
    if tag in CORE_TAGS or tag.startswith(PYTHON_PREFIX) or key_of_tag(tag) != key:
        return None  # a core or Python tag, or a spelling the reader never writes (`!a%41`)
    return tag


def tag_of_mapping(value: object) -> str | None:
    """The tag of a convention mapping (one key that spells a tag), else None."""
    if isinstance(value, dict) and len(value) == 1:
        return tag_of_key(next(iter(value)))
    return None


def shown(tag: str) -> str:
    """A tag as a user would write it (`!!binary`, `!Ref`), for messages."""
    return key_of_tag(tag)
