"""Strings and numbers as JSON spells them: a token's JSON spelling and why it changed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from structconv.repair.rules.json.ids import (
    CONTROL_CHARACTER,
    ESCAPE,
    LITERAL_ESCAPE,
    QUOTES,
    QUOTING,
    STRUCTURAL,
    UNCLOSED,
    UNTERMINATED,
    UNTERMINATED_STRING,
)
from structconv.repair.rules.json.lexer import (
    _JSON_NUMBER,
    _LETTER_ESCAPES,
    _QUOTES,
    _SIMPLE_ESCAPES,
    _TYPOGRAPHIC_QUOTES,
    _Refused,
    _Truncated,
)

if TYPE_CHECKING:
    from structconv.repair.rules.json.lexer import _Token


# --------------------------------------------------------------------------- strings


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


# Reads a valid JSON value at C speed; NaN and Infinity are not valid.
_SCANNER = json.JSONDecoder(parse_constant=_reject_constant)


def _json_escape(character: str) -> str:
    return json.dumps(character)[1:-1]


_RULE_PRIORITY = (UNCLOSED, UNTERMINATED_STRING, QUOTES, ESCAPE, CONTROL_CHARACTER)


def _string_literal(
    token: _Token, truncated: bool, letters_literal: bool = False, end_name: str = "the input"
) -> tuple[str, str, list[str], float]:
    """The JSON spelling of a string token, the rule and reasons that changed it, and how
    sure that is (no reasons: the token is JSON already). With `letters_literal`, the
    escapes \\b \\f \\n \\r \\t are read as a backslash and a letter too (a Windows path).

    Raises _Refused for an escape that cannot be read, _Truncated for a string cut off
    before any of its text.
    """
    raw = token.text[token.prefix :]
    opener = raw[0]
    body = raw[1:-1] if token.closed else raw[1:]
    reasons: list[str] = []
    rules: set[str] = set()
    confidence = 1.0

    def note(rule: str, reason: str, sure: float) -> None:
        nonlocal confidence
        if reason not in reasons:
            reasons.append(reason)
        rules.add(rule)
        confidence = min(confidence, sure)

    if token.prefix:
        note(QUOTES, "Python u'' prefix removed", QUOTING)
    if opener == "'":
        note(QUOTES, "single-quoted string requoted with double quotes", QUOTING)
    elif opener == "`":
        if "${" in body:
            raise _Refused("a template string with ${...} is code, not data")
        note(QUOTES, "template string requoted with double quotes", STRUCTURAL)
    elif opener != '"':
        note(QUOTES, "typographic quotes replaced by '\"'", STRUCTURAL)
    out: list[str] = []
    index = 0
    length = len(body)
    while index < length:
        character = body[index]
        if character == "\\":
            index = _escape(body, index, out, note, (opener, letters_literal, truncated, end_name))
        elif character == '"':
            out.append('\\"')
            index += 1
        elif character < " ":
            out.append(_json_escape(character))
            if character in "\r\n":
                note(CONTROL_CHARACTER, "raw line break inside the string escaped", STRUCTURAL)
            else:
                note(
                    CONTROL_CHARACTER,
                    f"raw control character U+{ord(character):04X} inside the string escaped",
                    QUOTING,
                )
            index += 1
        else:
            out.append(character)
            index += 1
    if not token.closed:
        if truncated:
            if not out:
                raise _Truncated()
            # Cut off: the rest of its text is unknown, and a value must not be kept as if
            # it were whole (issue 14).
            raise _Refused(f"{end_name} ends inside a string: its text may be cut off")
        else:
            note(
                UNTERMINATED_STRING,
                "closing quote missing at the end of the line: added",
                UNTERMINATED,
            )
    rule = next((rule for rule in _RULE_PRIORITY if rule in rules), QUOTES)
    return '"' + "".join(out) + '"', rule, reasons, confidence


def _escape(
    body: str,
    index: int,
    out: list[str],
    note: Callable[[str, str, float], None],
    how: tuple[str, bool, bool, str],
) -> int:
    """The escape at body[index] (a backslash) written in JSON onto `out`: the index
    after it. `how`: the string's opening quote, letters_literal, truncated, end_name
    (as `_string_literal` has them)."""
    opener, letters_literal, truncated, end_name = how
    closer = _QUOTES[opener]
    length = len(body)
    escaped = body[index + 1 : index + 2]
    if not escaped:
        if truncated:
            raise _Refused(f"{end_name} ends inside a string: its text may be cut off")
        raise _Refused("a backslash ends the string")
    if escaped in _SIMPLE_ESCAPES and not (letters_literal and escaped in _LETTER_ESCAPES):
        out.append("\\" + escaped)
        return index + 2
    elif escaped == "u":
        digits = body[index + 2 : index + 6]
        if re.fullmatch(r"[0-9a-fA-F]{4}", digits):
            out.append(body[index : index + 6])
            return index + 6
        elif (
            truncated
            and index + 2 + len(digits) == length
            and re.fullmatch(r"[0-9a-fA-F]*", digits)
        ):
            raise _Refused(f"{end_name} ends inside a string: its text may be cut off")
        else:
            raise _Refused(f"malformed escape {body[index : index + 6]!r}")
    elif escaped in ("'", closer) or escaped in _TYPOGRAPHIC_QUOTES:
        # `\'`, `\„`: a quotation mark escaped, as `\"` escapes '"'
        out.append(_json_escape(escaped))
        note(ESCAPE, f"escape \\{escaped} written as {escaped}", QUOTING)
        return index + 2
    elif (
        escaped == "x"
        and opener != '"'
        and re.fullmatch(r"[0-9a-fA-F]{2}", body[index + 2 : index + 4])
    ):
        out.append(_json_escape(chr(int(body[index + 2 : index + 4], 16))))
        note(ESCAPE, "Python escape \\xHH written as a JSON escape", QUOTING)
        return index + 4
    elif escaped == "U" and re.fullmatch(r"[0-9a-fA-F]{8}", body[index + 2 : index + 10]):
        code = int(body[index + 2 : index + 10], 16)
        if code > 0x10FFFF:
            raise _Refused(f"escape {body[index : index + 10]!r} is past Unicode")
        out.append(_json_escape(chr(code)))
        note(ESCAPE, "Python escape \\UHHHHHHHH written as a JSON escape", QUOTING)
        return index + 10
    elif escaped == "\n":
        note(ESCAPE, "line continuation (backslash, line break) removed", STRUCTURAL)
        return index + 2
    else:
        out.append("\\\\" + _json_escape(escaped))
        what = "escape" if escaped in _LETTER_ESCAPES else "unknown escape"
        note(
            ESCAPE,
            f"{what} {chr(92) + escaped!r} kept as a backslash and {escaped!r}",
            LITERAL_ESCAPE,
        )
        return index + 2


# --------------------------------------------------------------------------- numbers


def _lenient_number(spelling: str) -> tuple[str, str, float] | None:
    """A JSON spelling of a JavaScript/Python number literal, the reason, the confidence."""
    sign = ""
    body = spelling
    reasons: list[str] = []
    confidence = 1.0
    if body.startswith("+"):
        body = body[1:]
        reasons.append("leading '+' removed")
        confidence = QUOTING
    elif body.startswith("-"):
        sign, body = "-", body[1:]
    if not body or body[0] in "+-":
        return None
    if "_" in body:
        if not re.fullmatch(
            r"[0-9a-fA-FxXoObB]+(?:_[0-9a-fA-F]+)*(?:\.\d+(?:_\d+)*)?(?:[eE][-+]?\d+)?", body
        ):
            return None
        body = body.replace("_", "")
        reasons.append("digit separators '_' removed")
        confidence = min(confidence, STRUCTURAL)
    radix = {"x": 16, "o": 8, "b": 2}.get(body[1:2].lower()) if body[:1] == "0" else None
    if radix is not None:
        try:
            value = int(body[2:], radix)
        except ValueError:
            return None
        reasons.append(f"{spelling} written in decimal")
        return sign + str(value), "; ".join(reasons), min(confidence, STRUCTURAL)
    if re.fullmatch(r"\.\d+(?:[eE][-+]?\d+)?", body):
        body = "0" + body
        reasons.append("leading '.' given its 0")
        confidence = min(confidence, QUOTING)
    match = re.fullmatch(r"(\d+)\.((?:[eE][-+]?\d+)?)", body)
    if match is not None:
        body = match.group(1) + ".0" + match.group(2)
        reasons.append("trailing '.' given its 0")
        confidence = min(confidence, QUOTING)
    if not _JSON_NUMBER.fullmatch(sign + body):
        return None
    return sign + body, "; ".join(reasons), confidence
