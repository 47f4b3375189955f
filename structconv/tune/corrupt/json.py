"""How valid JSON (and the lines of JSON Lines) gets broken."""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from structconv.tune.corrupt.base import COMMENTS, _newline, _splice, operator

if TYPE_CHECKING:
    from structconv.tune.corrupt.base import T


# --- JSON (and the lines of JSON Lines) -------------------------------------------------------

_JSON_TOKEN = re.compile(
    r'(?P<str>"(?:[^"\\\n]|\\.)*")'
    r"|(?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    r"|(?P<lit>true|false|null)"
    r"|(?P<punct>[{}\[\]:,])"
    r"|(?P<ws>\s+)"
    r"|(?P<other>.)",
    re.S,
)


@dataclass(frozen=True)
class Token:
    kind: str
    start: int
    stop: int
    text: str


def json_tokens(text: str) -> list[Token]:
    tokens = []
    for match in _JSON_TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        tokens.append(Token(kind, match.start(), match.end(), match.group()))
    return tokens


def _significant(tokens: list[Token]) -> list[Token]:
    return [token for token in tokens if token.kind != "ws"]


def _keys_and_values(text: str) -> tuple[list[Token], list[Token]]:
    """The string tokens that are keys (a colon follows) and those that are values."""
    significant = _significant(json_tokens(text))
    keys: list[Token] = []
    values: list[Token] = []
    for index, token in enumerate(significant):
        if token.kind != "str":
            continue
        following = significant[index + 1] if index + 1 < len(significant) else None
        (keys if following is not None and following.text == ":" else values).append(token)
    return keys, values


def _replace_tokens(text: str, replacements: list[tuple[Token, str]]) -> str:
    for token, new in sorted(replacements, key=lambda pair: pair[0].start, reverse=True):
        text = _splice(text, token.start, token.stop, new)
    return text


def _string_body(token: Token) -> str:
    return token.text[1:-1]


def _single_quoted(token: Token) -> str | None:
    """A JSON string as Python writes it in single quotes (None: Python would use double)."""
    body = _string_body(token)
    if "'" in body:
        return None
    return "'" + body.replace('\\"', '"') + "'"


def _choose_some(rng: random.Random, items: list[T], all_probability: float = 0.3) -> list[T]:
    if rng.random() < all_probability:
        return items
    return rng.sample(items, rng.randint(1, max(1, min(3, len(items)))))


@operator("json", "trailing_comma", settled=True)
def json_trailing_comma(text: str, rng: random.Random) -> str | None:
    significant = _significant(json_tokens(text))
    spots = [
        previous
        for previous, token in itertools.pairwise(significant)
        if (token.text in "}]" and token.kind == "punct" and previous.kind in ("str", "num", "lit"))
        or (token.text in "}]" and previous.text in "}]" and previous.kind == "punct")
    ]
    if not spots:
        return None
    chosen = _choose_some(rng, spots)
    return _replace_tokens(text, [(token, token.text + ",") for token in chosen])


@operator("json", "comment", settled=True)
def json_comment(text: str, rng: random.Random) -> str | None:
    comment = rng.choice(COMMENTS)
    lines = text.splitlines(keepends=True)
    style = rng.choice(["line", "trailing", "block", "hash"])
    if len(lines) < 3 or style == "block":
        return f"/* {comment} */\n{text}" if rng.random() < 0.5 else _block_inside(text, comment)
    if style == "trailing":
        spots = [i for i, line in enumerate(lines) if line.rstrip().endswith((",", "{", "["))]
        if not spots:
            return None
        i = rng.choice(spots)
        lines[i] = lines[i].rstrip("\r\n") + f" // {comment}" + _newline(text)
        return "".join(lines)
    i = rng.randint(1, len(lines) - 1)
    indent = re.match(r"[ \t]*", lines[i])
    marker = "//" if style == "line" else "#"
    lines.insert(i, f"{indent.group() if indent else ''}{marker} {comment}\n")
    return "".join(lines)


def _block_inside(text: str, comment: str) -> str | None:
    position = text.find("{")
    if position < 0:
        position = text.find("[")
    if position < 0:
        return None
    return text[: position + 1] + f" /* {comment} */" + text[position + 1 :]


@operator("json", "single_quotes", settled=True)
def json_single_quotes(text: str, rng: random.Random) -> str | None:
    keys, values = _keys_and_values(text)
    pool = rng.choice([keys + values, keys + values, keys, values])
    replacements = [(token, quoted) for token in pool if (quoted := _single_quoted(token))]
    if not replacements:
        return None
    return _replace_tokens(text, replacements)


_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_RESERVED = {"true", "false", "null", "None", "True", "False", "NaN", "Infinity", "undefined"}


@operator("json", "unquoted_keys", settled=True)
def json_unquoted_keys(text: str, rng: random.Random) -> str | None:
    keys, _ = _keys_and_values(text)
    bare = [
        key
        for key in keys
        if _IDENTIFIER.fullmatch(_string_body(key)) and _string_body(key) not in _RESERVED
    ]
    if not bare:
        return None
    chosen = bare if rng.random() < 0.7 else _choose_some(rng, bare, 0.0)
    return _replace_tokens(text, [(key, _string_body(key)) for key in chosen])


_PYTHON_LITERALS = {"true": "True", "false": "False", "null": "None"}


@operator("json", "python_literals", settled=True)
def json_python_literals(text: str, rng: random.Random) -> str | None:
    literals = [token for token in json_tokens(text) if token.kind == "lit"]
    if not literals:
        return None
    return _replace_tokens(text, [(token, _PYTHON_LITERALS[token.text]) for token in literals])


@operator("json", "python_repr", settled=True, weight=0.7)
def json_python_repr(text: str, rng: random.Random) -> str | None:
    """The data as Python's print(dict) shows it: one line, single quotes, True/None."""
    pieces = []
    for token in _significant(json_tokens(text)):
        if token.kind == "str":
            pieces.append(_single_quoted(token) or token.text)
        elif token.kind == "lit":
            pieces.append(_PYTHON_LITERALS[token.text])
        elif token.text == ",":
            pieces.append(", ")
        elif token.text == ":":
            pieces.append(": ")
        else:
            pieces.append(token.text)
    return "".join(pieces) + "\n"


@operator("json", "missing_comma", settled=True)
def json_missing_comma(text: str, rng: random.Random) -> str | None:
    tokens = json_tokens(text)
    spots = [
        token
        for token, following in itertools.pairwise(tokens)
        if token.text == "," and following.kind == "ws" and "\n" in following.text
    ]
    if not spots:
        return None
    return _replace_tokens(text, [(rng.choice(spots), "")])


_TYPOGRAPHIC = [("\u201c", "\u201d"), ("\u2018", "\u2019")]


@operator("json", "smart_quotes", settled=True, weight=0.6)
def json_smart_quotes(text: str, rng: random.Random) -> str | None:
    keys, values = _keys_and_values(text)
    pool = [token for token in keys + values if '\\"' not in token.text]
    if not pool:
        return None
    opening, closing = rng.choice(_TYPOGRAPHIC)
    chosen = _choose_some(rng, pool, 0.5)
    return _replace_tokens(
        text, [(token, opening + _string_body(token) + closing) for token in chosen]
    )


@operator("json", "code_fence", settled=True, weight=0.5)
def json_code_fence(text: str, rng: random.Random) -> str | None:
    language = rng.choice(["json", "", ""])
    return f"```{language}\n{text.rstrip()}\n```\n"


def _cut_inside_string(text: str, token: Token, rng: random.Random) -> str | None:
    """The text up to a point inside the string `token` (at least one character of it
    kept, never its last), not inside an escape sequence."""
    body = _string_body(token)
    if len(body) < 3:
        return None
    cut = rng.randint(1, len(body) - 2)
    while cut > 0 and (body[:cut].endswith("\\") or re.search(r"\\u[0-9a-fA-F]{0,3}$", body[:cut])):
        cut -= 1
    if cut == 0:
        return None
    return text[: token.start + 1 + cut]


@operator("json", "truncation", settled=True, weight=1.5)
def json_truncation(text: str, rng: random.Random) -> str | None:
    _, values = _keys_and_values(text)
    candidates = [token for token in values if len(_string_body(token)) >= 3]
    if not candidates:
        return None
    return _cut_inside_string(text, rng.choice(candidates), rng)


@operator("json", "unescaped_quote", settled=False, weight=4.0)
def json_unescaped_quote(text: str, rng: random.Random) -> str | None:
    _, values = _keys_and_values(text)
    quoted = [token for token in values if '\\"' in token.text]
    if not quoted:
        return None
    token = rng.choice(quoted)
    return _replace_tokens(text, [(token, token.text.replace('\\"', '"'))])


@operator("json", "comma_as_colon", settled=False, weight=2.0)
def json_comma_as_colon(text: str, rng: random.Random) -> str | None:
    colons = [token for token in json_tokens(text) if token.text == ":" and token.kind == "punct"]
    if not colons:
        return None
    return _replace_tokens(text, [(rng.choice(colons), ",")])


@operator("json", "unclosed_quote", settled=True, weight=1.0)
def json_unclosed_quote(text: str, rng: random.Random) -> str | None:
    """A value string at the end of its line that loses its closing quote.

    (Before a `,` the lexer of provenance validation reads the comma into the string, so
    an answer without it would be refused: such pairs are not made.)
    """
    tokens = json_tokens(text)
    spots = [
        token
        for token, following in itertools.pairwise(tokens)
        if token.kind == "str"
        and following.kind == "ws"
        and "\n" in following.text
        and len(token.text) > 2
    ]
    _, values = _keys_and_values(text)
    value_starts = {token.start for token in values}
    spots = [token for token in spots if token.start in value_starts]
    if not spots:
        return None
    token = rng.choice(spots)
    return _replace_tokens(text, [(token, token.text[:-1])])


@operator("json", "mismatched_bracket", settled=False, weight=1.0)
def json_mismatched_bracket(text: str, rng: random.Random) -> str | None:
    significant = _significant(json_tokens(text))
    spots = [
        token
        for previous, token in itertools.pairwise(significant)
        if token.kind == "punct" and token.text in "}]" and previous.text not in "{["
    ]
    if not spots:
        return None
    token = rng.choice(spots)
    return _replace_tokens(text, [(token, "}" if token.text == "]" else "]")])
