"""The JSON (and JSON Lines) lexicon: the repair rules' own tolerant lexer, read for roles.

A string is a key when a colon follows it, a value when a comma, a closing bracket or
the end follows it or a colon precedes it; a bare word is a key only before a colon
(JavaScript's `{name: 1}`): as a value it has no type the input gives it, so no result
may hold it (the rules refuse to guess it, and so must the model). Python's and
JavaScript's literal spellings (True, None, undefined) stand for their values. A value
after `key:` is owned by that key, and so are the items of an array that follows it
and the keys of an object that follows it: a value or key the result puts under
another key (a nesting changed) does not line up.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

from structconv.options import Options
from structconv.repair.lexicons import PlainLexicon
from structconv.repair.provenance import ROOT, Role, Token
from structconv.repair.rules.json import ids as rules
from structconv.repair.rules.json.lexer import _Lexer, _Token
from structconv.repair.rules.json.readings import _fenced_blocks
from structconv.repair.spelling import unescape_backslashes

_LITERALS: dict[str, Any] = {
    "true": True,
    "false": False,
    "null": None,
    "True": True,
    "False": False,
    "None": None,
    "undefined": None,
}
_VALUE_ENDS = frozenset({",", "}", "]"})
_QUOTE_CHARACTERS = "\"'`\u201c\u201d\u2018\u2019"


def _number_readings(spelling: str) -> tuple[Any, ...]:
    cleaned = spelling.replace("_", "")
    sign = -1 if cleaned.startswith("-") else 1
    digits = cleaned.lstrip("+-")
    if len(cleaned) - len(digits) > 1 or not digits:
        return ()
    try:
        if digits[:2].lower() in ("0x", "0o", "0b"):
            return (sign * int(digits, 0),)
        if any(mark in digits for mark in ".eE"):
            return (sign * float(digits),)
        return (sign * int(digits),)
    except ValueError:
        return ()


def _string_readings(token: _Token, text: str) -> tuple[Any, ...]:
    body = token.text[token.prefix + 1 :]
    if token.closed:
        body = body[:-1]
    elif token.at_eof:  # cut off: its text as far as the input goes, spaces included
        whole = text[token.start + token.prefix + 1 :]
        return tuple(dict.fromkeys(_string_readings(token._replace(at_eof=False), text) + (whole,)))
    if "\\" not in body:
        return (body,)
    readings = [unescape_backslashes(body), unescape_backslashes(body, keep_unknown=True)]
    with contextlib.suppress(ValueError):  # a JSON string as JSON reads it (surrogate pairs)
        readings.insert(0, json.loads(f'"{body}"'))
    return tuple(dict.fromkeys(readings))


@dataclass
class _Frame:
    bracket: str
    owner: int | None


def _lexed(text: str) -> list[_Token]:
    blocks = _fenced_blocks(text)
    regions = [(block.content_start, block.content_end) for block in blocks] or [(0, len(text))]
    lexed: list[_Token] = []
    for start, end in regions:
        lexed.extend(token for token in _Lexer(text, start, end, None).run().tokens)
    return lexed


def _value_only(token: _Token | None) -> bool:
    """Whether a token can only be a value: a number, a literal, an object or an array."""
    if token is None:
        return False
    if token.kind == "number":
        return True
    if token.kind == "word":
        return token.text in _LITERALS
    return token.kind == "punct" and token.text in "{["


def _is_key(lexed: list[_Token], position: int) -> bool:
    """Whether the token at `position` is followed by a colon."""
    following = lexed[position + 1] if position + 1 < len(lexed) else None
    return following is not None and following.kind == "punct" and following.text == ":"


def _in_keyed_objects(lexed: list[_Token]) -> set[int]:
    """The positions of the tokens that stand directly in an object one of whose members
    is a key with its colon (an object, not a set-like list of strings)."""
    frames: list[tuple[int, list[int]]] = []  # (keys with colons seen, positions inside)
    found: set[int] = set()
    for position, token in enumerate(lexed):
        if token.kind == "punct" and token.text in "{[":
            frames.append((0, []))
            continue
        if token.kind == "punct" and token.text in "}]":
            if frames:
                keyed, inside = frames.pop()
                if keyed:
                    found.update(inside)
            continue
        if not frames:
            continue
        following = lexed[position + 1] if position + 1 < len(lexed) else None
        keyed, inside = frames[-1]
        inside.append(position)
        if following is not None and following.kind == "punct" and following.text == ":":
            frames[-1] = (keyed + 1, inside)
    for keyed, inside in frames:  # left open (a cut-off input)
        if keyed:
            found.update(inside)
    return found


def tokens(text: str) -> list[Token]:
    lexed = [token for token in _lexed(text) if token.kind != "other"]
    in_keyed_object = _in_keyed_objects(lexed)
    result: list[Token] = []
    stack: list[_Frame] = []
    last_key: int | None = None  # the key whose colon came last
    comma_as_colon = False  # the comma just passed may stand for a colon (`"info", {...}`)
    for position, token in enumerate(lexed):
        following = lexed[position + 1] if position + 1 < len(lexed) else None
        previous = lexed[position - 1] if position > 0 else None
        next_text = following.text if following is not None and following.kind == "punct" else ""
        after_colon = previous is not None and previous.kind == "punct" and previous.text == ":"
        if comma_as_colon and not (token.kind == "punct" and token.text == ","):
            after_colon, comma_as_colon = True, False
        if token.kind == "punct":
            if token.text in "{[":
                inherited = stack[-1].owner if stack else ROOT
                stack.append(_Frame(token.text, last_key if after_colon else inherited))
            elif token.text in "}]" and stack:
                stack.pop()
            continue
        if token.kind == "eof":
            continue
        if next_text == ":":
            role = Role.KEY
        elif (
            (token.kind == "string" or (token.kind == "word" and token.text not in _LITERALS))
            and next_text == ","
            and not after_colon
            and stack
            and stack[-1].bracket == "{"
            and not _is_key(lexed, position + 2)
            and (
                _value_only(lexed[position + 2] if position + 2 < len(lexed) else None)
                or position in in_keyed_object
            )
        ):
            # `"info", {` (what follows cannot be a key), or `"id", "x"` in an object whose
            # other members have colons: a key whose colon became a comma. `{"a", "b"}`
            # alone stays two values (a list, or keys without values?).
            role = Role.EITHER
            comma_as_colon = True
        elif (
            after_colon or following is None or following.kind == "eof" or next_text in _VALUE_ENDS
        ):
            role = Role.VALUE
        else:
            role = Role.EITHER
        if token.kind == "string":
            readings = _string_readings(token, text)
        elif token.kind == "number":
            readings = _number_readings(token.text)
        elif token.text in _LITERALS and role is not Role.KEY:
            readings = (_LITERALS[token.text],)
        else:  # a bare word: a name only as a key
            readings = (token.text,) if role is Role.KEY or comma_as_colon else ()
        owner = None
        if role is Role.KEY:
            if stack and stack[-1].bracket == "{":
                owner = stack[-1].owner
        elif after_colon:
            owner = last_key
        elif stack and stack[-1].bracket == "[":
            owner = stack[-1].owner
        elif not stack and role is Role.VALUE:
            owner = ROOT
        if comma_as_colon:
            owner = stack[-1].owner if stack else None
        # `"click "Save" first"`: pieces that touch at a quote may be one string
        between = ""  # the quote between two touching pieces
        if previous is not None and previous.end == token.start and result:
            if previous.kind == "string" and token.kind == "word":
                between = text[token.start - 1]
            elif previous.kind == "word" and token.kind == "string":
                between = text[token.start]
        joins = bool(between) and between in _QUOTE_CHARACTERS
        result.append(
            Token(
                role,
                token.text,
                token.start,
                token.end,
                readings if token.kind != "word" or not joins else (token.text,),
                owner=owner,
                joins=joins,
                glue=between if joins else " ",
                cut=token.kind == "string" and not token.closed and token.at_eof,
            )
        )
        if role is Role.KEY or comma_as_colon:
            last_key = len(result) - 1
    return result


class JsonLexicon(PlainLexicon):
    ordered = True
    removing_rules = frozenset({rules.COMMENT, rules.FENCE, rules.PROSE, rules.WHITESPACE})
    truncating_rules = frozenset({rules.UNCLOSED})
    inserting_rules: frozenset[str] = frozenset()
    closers = ("}", "]")

    def tokens(self, text: str, options: Options) -> list[Token]:
        return tokens(text)

    def removable(self, rule: str, token: Token, text: str) -> bool:
        """Prose around the data is words: a quoted string is data, not prose, unless it
        stands in a whole code block the repair set aside (one of several blocks, each
        offered as a reading of its own)."""
        if rule in (rules.PROSE, rules.FENCE) and token.text[:1] in _QUOTE_CHARACTERS:
            return any(
                block.content_start <= token.start and token.end <= block.content_end
                for block in _fenced_blocks(text)
            )
        return True


LEXICON = JsonLexicon()
LEXICON_JSONL = JsonLexicon()
