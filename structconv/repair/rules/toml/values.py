"""Rules for values: bare-string, boolean-spelling, quotes inside strings,
unterminated-string, unclosed-array, array-missing-comma, windows-path."""

from __future__ import annotations

import re

from structconv.errors import ParseError
from structconv.repair.rules.toml.ids import (
    ARRAY_MISSING_COMMA,
    BARE_STRING,
    BOOLEAN_SPELLING,
    QUOTE_IN_BASIC_STRING,
    QUOTE_IN_LITERAL_STRING,
    UNCLOSED_ARRAY,
    UNTERMINATED_STRING,
    WINDOWS_PATH,
)
from structconv.repair.rules.toml.keys import _open_brackets
from structconv.repair.rules.toml.proposals import (
    _BOOLEAN_SPELLINGS,
    _COMMENT_IN_VALUE,
    _KEY,
    _KEY_ONLY,
    _KEY_THEN_EQUALS,
    _KEYWORD_THEN_WORDS,
    _NULL_SPELLINGS,
    _NUMBER_START,
    _STATEMENT,
    _basic,
    _comment_start,
    _has_control,
    _line_span,
    _one,
    _quoted,
    _Reading,
)
from structconv.repair.rules.toml.tables import _lines
from structconv.repair.search import (
    Change,
)
from structconv.repair.spelling import VERSION, typographic_inner


def _bare_value(text: str, offset: int) -> tuple[int, str] | None:
    """The end and text of an unquoted value starting at `offset`, by its context: the
    rest of the line after `key =`, or up to `,` `]` `}` inside an array or inline table."""
    line_start, line_end = _line_span(text, offset)
    before = text[line_start:offset].rstrip(" \t")
    if before.endswith("="):
        equals = line_start + len(before) - 1
        in_line = _KEY_ONLY.fullmatch(text, line_start, equals) is not None
    elif before.endswith(("[", ",")) or not before:
        previous = text[:offset].rstrip(" \t\r\n")
        if not previous.endswith(("[", ",")):
            return None
        in_line = False
    else:
        return None
    if in_line:
        line = text[offset:line_end]
        comment = _COMMENT_IN_VALUE.search(line)
        value = line[: comment.start() if comment else len(line)].rstrip(" \t")
    else:
        value = re.split(r"[,\]}]|[ \t]#", text[offset:line_end], maxsplit=1)[0].rstrip(" \t")
        if re.search(r"[\[{\"'=]", value):
            return None
    if not value or _has_control(value.replace("\t", " ")):
        return None
    return offset + len(value), value


def _string_reading(start: int, end: int, value: str, confidence: float) -> list[_Reading]:
    return _one(
        Change(
            start,
            end,
            _quoted(value),
            BARE_STRING,
            f"unquoted value {value!r} quoted as a string",
        ),
        confidence,
    )


def _bare_string(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    if error.message != "Invalid value":
        return None
    found = _bare_value(text, offset)
    if found is None:
        return None
    end, value = found
    if value in _BOOLEAN_SPELLINGS:
        boolean = _BOOLEAN_SPELLINGS[value]
        return [
            _Reading(
                "the YAML 1.1 / Python boolean spellings are booleans",
                (
                    Change(
                        offset,
                        end,
                        boolean,
                        BOOLEAN_SPELLING,
                        f"{value!r} (YAML 1.1 / Python spelling) written as the TOML boolean {boolean}",
                    ),
                ),
                0.8,
                "boolean",
                f"{value!r} is no TOML boolean: the boolean {boolean}, or the string {value!r}?",
            ),
            _Reading(
                "the YAML 1.1 / Python boolean spellings are strings",
                (
                    Change(
                        offset,
                        end,
                        _quoted(value),
                        BARE_STRING,
                        f"unquoted value {value!r} quoted as a string",
                    ),
                ),
                0.8,
                "boolean",
            ),
        ]
    inner = typographic_inner(value)
    if inner is not None and inner.strip() == inner and not _has_control(inner):
        return _one(
            Change(
                offset,
                end,
                _quoted(inner),
                BARE_STRING,
                f"typographic quotes around {inner!r} replaced by '\"'",
            ),
            0.9,
        )
    if _mistyped(value, whole=_whole_value(text, offset)):
        return None
    return _string_reading(offset, end, value, 0.9)


def _whole_value(text: str, offset: int) -> bool:
    """Whether the value at `offset` is all of a `key = value` line's value (not an item
    of an array or inline table)."""
    line_start, _ = _line_span(text, offset)
    return text[line_start:offset].rstrip(" \t").endswith("=")


def _within_one_edit(word: str, target: str) -> bool:
    """Whether one insertion, deletion, substitution or swap of neighbours turns word into target."""
    if word == target or abs(len(word) - len(target)) > 1:
        return word == target
    if len(word) == len(target):
        differ = [index for index in range(len(word)) if word[index] != target[index]]
        return len(differ) == 1 or (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and word[differ[0]] == target[differ[1]]
            and word[differ[1]] == target[differ[0]]
        )
    shorter, longer = sorted((word, target), key=len)
    return any(longer[:index] + longer[index + 1 :] == shorter for index in range(len(longer)))


def _mistyped(value: str, whole: bool = False) -> bool:
    """Whether a bare value may be a mistyped number, date, time, boolean, inf or nan
    (or a broken string or statement) rather than a string: then it is not quoted.
    `whole`: the value is all of a `key = value` line's (a lone `t` or `f` there is a
    boolean's first letter, where an array's `[E, F]` holds names)."""
    if value in _NULL_SPELLINGS or value.startswith(("#", "- ", "[", "{", "=")):
        return True
    if value.endswith(('"', "'")) or value.startswith(('"', "'")) or "\ufeff" in value:
        return True  # a missing opening or closing quote: not guessed
    if _NUMBER_START.match(value) and not VERSION.fullmatch(value):
        return True
    if " = " in value or _KEY_THEN_EQUALS.match(value):
        return True
    if _DATE_TIME_PART.fullmatch(value):
        return True  # `T`, `TZ`, `T10:00`: a date or time's part, its type unknown
    folded = value.lower().replace("_", "")
    if len(folded) < 2 and not whole:
        return False  # a letter (`select = [E, F]`) is a name, not a cut-off keyword
    for keyword in ("true", "false"):
        if keyword.startswith(folded) or folded.startswith(keyword):
            return True
        if len(folded) >= 3 and _within_one_edit(folded, keyword):
            return True
        if len(folded) >= 5 and folded[:3] == keyword[:3]:
            return True  # `truthy`, `falsify`: a boolean misspelt and run on
    return any(keyword.startswith(folded) for keyword in ("inf", "nan"))


_DATE_TIME_PART = re.compile(r"[0-9:.+-]*[Tt][0-9:.+-]*[Zz]?|[0-9:.+-]*[Zz]")


def _escape_bare_quotes(body: str) -> str:
    """A basic string's body with its unescaped `"` escaped, other escapes kept."""
    out = []
    index = 0
    while index < len(body):
        character = body[index]
        if character == "\\" and index + 1 < len(body):
            out.append(body[index : index + 2])
            index += 2
            continue
        out.append('\\"' if character == '"' else character)
        index += 1
    return "".join(out)


def _quotes_pair_up(body: str, quote: str) -> bool:
    """Whether the quotes inside a string's body read as quotations or apostrophes
    (`He said "hi"`, `it's`, `rock 'n' roll`), not as two values run together
    (`"Tom" last = "Preston"`, `'a' 'b'`)."""
    if re.search(f"{quote}[ \\t]*,?[ \\t]*[A-Za-z0-9_.-]+[ \\t]*=", body):
        return False
    expecting_close = False
    for index, character in enumerate(body):
        if character != quote or (quote == '"' and body[index - 1 : index] == "\\"):
            continue
        before = body[index - 1 : index]
        after = body[index + 1 : index + 2]
        if before.isalnum() and after.isalnum():
            continue  # an apostrophe
        opening = (
            (not before or before.isspace() or before in "([{")
            and bool(after)
            and not after.isspace()
        )
        closing = (
            (not after or after.isspace() or after in ".,;:!?)]}")
            and bool(before)
            and not before.isspace()
        )
        if expecting_close and closing:
            expecting_close = False
        elif not expecting_close and opening:
            expecting_close = True
        else:
            return False
    return not expecting_close


def _after_value(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    """What follows a value that looked complete: a quote inside the string, or an
    unquoted value that began like a number or boolean (`1.2.3`, `true story`)."""
    if error.message != "Expected newline or end of document after a statement":
        return None
    line_start, line_end = _line_span(text, offset)
    statement = _STATEMENT.fullmatch(text, line_start, line_end)
    if statement is None or offset < statement.start(4):
        return None
    start = statement.start(4)
    value = statement.group(4)
    if value.startswith("'") and not value.startswith("'''"):
        match = re.fullmatch(r"'(.*)'([ \t]*(?:#.*)?)", value)
        if match is None or "'" not in match.group(1) or _has_control(match.group(1)):
            return None
        if not _quotes_pair_up(match.group(1), "'"):
            return None
        body = match.group(1)
        return _one(
            Change(
                start,
                start + len(body) + 2,
                _basic(body),
                QUOTE_IN_LITERAL_STRING,
                "single-quoted string holds a ' (a literal string cannot): written as a basic string with the same text",
            ),
            0.9,
        )
    if value.startswith('"') and not value.startswith('"""'):
        match = re.fullmatch(r'"(.*)"([ \t]*(?:#.*)?)', value)
        if match is None or _has_control(match.group(1)):
            return None
        body = match.group(1)
        escaped = _escape_bare_quotes(body)
        if escaped == body or body.endswith("\\") or not _quotes_pair_up(body, '"'):
            return None
        return _one(
            Change(
                start,
                start + len(body) + 2,
                f'"{escaped}"',
                QUOTE_IN_BASIC_STRING,
                "double-quoted string holds unescaped '\"': escaped",
            ),
            0.85,
        )
    comment = _COMMENT_IN_VALUE.search(value)
    bare = value[: comment.start() if comment else len(value)].rstrip(" \t")
    if _has_control(bare.replace("\t", " ")):
        return None
    if VERSION.fullmatch(bare):
        return _string_reading(start, start + len(bare), bare, 0.9)
    if _KEYWORD_THEN_WORDS.fullmatch(bare) and " = " not in bare:
        return _string_reading(start, start + len(bare), bare, 0.85)
    return None


def _unterminated_string(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    """A one-line string whose closing quote is missing: closed at the end of its line.
    When its text holds ` #` (a comment, or part of the text?) or ends in `,` `]` `}`
    inside an array or inline table (before them, or holding them?), both readings are
    offered. A string the file ends in (a cut-off file) is left alone."""
    if error.message not in _OPEN_STRING_ERRORS:
        return None
    found = _open_string_before(text, offset)
    if found is None:
        return None
    quote_at, line_end = found
    quote = text[quote_at]
    body_end = line_end
    while body_end > quote_at + 1 and text[body_end - 1] in " \t":
        body_end -= 1
    if line_end == len(text):
        return None  # the file stops inside the string, mid-line: its text may be cut off
    body = text[quote_at + 1 : body_end]
    if not body.strip() or body.endswith("\\") or _has_control(body.replace("\t", " ")):
        return None
    if body.endswith("\\" + quote):
        return None  # `"\"`: a backslash meant as itself, or an escaped quote?
    line_start = text.rfind("\n", 0, quote_at) + 1
    if text[line_start:quote_at].lstrip(" \t").startswith("[") and "]" in body:
        return None  # `[']`: a header's bracket is no key's text
    line = text.count("\n", 0, quote_at) + 1
    ends = [body_end]
    comment = re.search(r"[ \t]#", body)
    if comment is not None and body[: comment.start()].strip():
        ends.insert(0, quote_at + 1 + comment.start())
    inside = _open_brackets(text[text.rfind("\n", 0, quote_at) + 1 : quote_at], "[]{}") > 0
    trailing = re.search(r"[ \t]*[,\]}][ \t,\]}]*$", body) if inside else None
    if trailing is not None and body[: trailing.start()].strip():
        ends.insert(0, quote_at + 1 + trailing.start())
    if inside:  # `["a, 0]`, `[["a], [0]]`: it may end before a comma or a closing bracket
        for mark in list(re.finditer(r"[ \t]*[,\]}]", body))[:4]:
            if body[: mark.start()].strip():
                ends.insert(0, quote_at + 1 + mark.start())
        ends = sorted(set(ends))
    readings = []
    other = "'" if quote == '"' else '"'
    closers = [end for end in ends]
    other_close = re.search(re.escape(other) + r"[ \t]*(?:[,\]}#]|$)", body)
    if other_close is not None:
        closers.insert(0, quote_at + 1 + other_close.start() + 1)
    for end in dict.fromkeys(closers):
        inner = text[quote_at + 1 : end].rstrip(" \t")
        if not (inner.endswith(other) and inner[:-1].strip() and other not in inner[:-1]):
            continue
        # `'text"`: the string was closed with the other quote
        wrong = quote_at + len(inner)
        readings.append(
            _Reading(
                f"the string on line {line} holds {inner[:-1]!r} (closed with {other})",
                (
                    Change(
                        wrong,
                        wrong + 1,
                        quote,
                        UNTERMINATED_STRING,
                        f"string on line {line} closed with {other} instead of {quote}: "
                        f"{quote} written",
                    ),
                ),
                0.75,
                choice=f"string end {quote_at}",
                question=f"where the string on line {line} ends",
            )
        )
        break
    for end in dict.fromkeys(ends):
        shown = text[quote_at + 1 : end]
        readings.append(
            _Reading(
                f"the string on line {line} holds {shown!r}",
                (
                    Change(
                        end,
                        end,
                        quote,
                        UNTERMINATED_STRING,
                        f"string on line {line} missing its closing {quote}: closed after {shown!r}",
                    ),
                ),
                0.85 if len(ends) == 1 and not readings else 0.75,
                choice=f"string end {quote_at}",
                question=f"where the string on line {line} ends",
            )
        )
    return readings


_OPEN_STRING_ERRORS = frozenset(
    {"Illegal character '\\n'", "Illegal character '\\r'", "Unterminated string", 'Expected "\'"'}
)


def _open_string_before(text: str, offset: int) -> tuple[int, int] | None:
    """The opening quote of the first one-line string left open on a line at or before
    `offset`, and the end of its line (multi-line strings and comments skipped)."""
    position = 0
    limit = min(len(text), text.find("\n", offset) if text.find("\n", offset) != -1 else len(text))
    while position <= limit and position < len(text):
        character = text[position]
        if text.startswith(('"""', "'''"), position):
            close = text.find(text[position : position + 3], position + 3)
            if close == -1:
                return None
            position = close + 3
        elif character == "#":
            newline = text.find("\n", position)
            position = len(text) if newline == -1 else newline
        elif character in "\"'":
            line_end = text.find("\n", position)
            line_end = len(text) if line_end == -1 else line_end
            if line_end > position and text[line_end - 1] == "\r":
                line_end -= 1
            index = position + 1
            while index < line_end:
                if character == '"' and text[index] == "\\":
                    index += 2
                    continue
                if text[index] == character:
                    break
                index += 1
            if index >= line_end:
                return position, line_end
            position = index + 1
        else:
            position += 1
    return None


_HEADER_LINE = re.compile(r"[ \t]*\[\[?[ \t]*[A-Za-z0-9_\-\"'. \t]+\]\]?[ \t]*(?:#.*)?")
_ARRAY_START = re.compile(f"[ \\t]*({_KEY})[ \\t]*=[ \\t]*\\[")


def _unclosed_array(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    """An array whose `]` is missing, followed by a statement or a table header: closed
    after its last item (on that item's line, before a comment)."""
    if error.message not in ("Unclosed array", "Invalid value", "Invalid statement"):
        return None
    lines = [(start, start + len(text[start:end].rstrip("\r\n"))) for start, end in _lines(text)]
    error_line = min(error.line, len(lines)) - 1
    if error.line <= len(lines):
        start, end = lines[error_line]
        if not (_STATEMENT.fullmatch(text, start, end) or _HEADER_LINE.fullmatch(text, start, end)):
            return None  # the complaint is inside the array, not at what follows it
    for number in range(error_line - 1, -1, -1):
        start, end = lines[number]
        match = _ARRAY_START.match(text, start, end)
        if match is None:
            if _STATEMENT.fullmatch(text, start, end) or _HEADER_LINE.fullmatch(text, start, end):
                return None  # another statement in between: not this rule's case
            continue
        depth = 0
        for line_number in range(number, error_line):
            line_start, line_end = lines[line_number]
            chunk = text[line_start:line_end]
            if line_number == number:
                chunk = text[match.end() - 1 : line_end]
            depth = _open_brackets(chunk[: _comment_start(chunk)], "[]{}", depth)
        if depth != 1:
            return None
        last = _last_item_end(text, lines, number, error_line, match.end())
        if last is None:
            return None
        key = match.group(1).strip()
        return _one(
            Change(
                last,
                last,
                "]",
                UNCLOSED_ARRAY,
                f"array {key!r} (line {number + 1}) missing its closing ']': closed after "
                "its last item",
            ),
            0.85,
        )
    return None


_STRING_END = re.compile(r"""(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*')[ \t]*(?:#[^\n]*)?\s*\Z""")


def _array_missing_comma(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    """`["meta" "nfa"]`, or an item on its own line without its comma: two strings in an
    array with nothing between them but blanks (and a comment). TOML joins no strings,
    so the comma is the one reading."""
    if error.message != "Unclosed array" or not text.startswith(('"', "'"), offset):
        return None
    before = text[:offset]
    found = _STRING_END.search(before[-2000:])
    if found is None:
        return None
    end = offset - len(before[-2000:]) + found.start() + len(found.group().split("#")[0].rstrip())
    quote = text[end - 1]
    if quote not in "\"'" or _open_brackets(before.rsplit("=", 1)[-1], "[]{}") < 1:
        return None
    line = text.count("\n", 0, end) + 1
    return _one(
        Change(
            end,
            end,
            ",",
            ARRAY_MISSING_COMMA,
            f"comma missing between two items of an array (line {line}): added",
        ),
        0.9,
    )


def _last_item_end(
    text: str, lines: list[tuple[int, int]], first: int, stop: int, after_bracket: int
) -> int | None:
    """The offset after the array's last item (comments and blank lines skipped)."""
    for number in range(stop - 1, first - 1, -1):
        start, end = lines[number]
        if number == first:
            start = after_bracket
        line = text[start:end]
        content = line[: _comment_start(line)].rstrip(" \t")
        if content.strip():
            return start + len(content)
    return None


_VALID_SIMPLE_ESCAPES = frozenset('btnfr"\\')
_ESCAPE_ERRORS = (
    "Unescaped '\\' in a string",
    "Invalid hex value",
    "Escaped character is not a Unicode scalar value",
)


def _escapes(body: str) -> tuple[list[tuple[int, int, str]], bool]:
    """The escapes of a basic string's body that TOML 1.0 refuses, as (start, end, what
    an escape-minded reading makes of them), and whether an escape occurs that either
    TOML 1.0 or 1.1 accepts (then reading every backslash as itself changes the text)."""
    refused: list[tuple[int, int, str]] = []
    escapes = False
    index = 0
    while index < len(body):
        if body[index] != "\\":
            index += 1
            continue
        following = body[index + 1 : index + 2]
        length = {"u": 4, "U": 8}.get(following)
        digits = body[index + 2 : index + 2 + (length or 0)]
        if following and following in _VALID_SIMPLE_ESCAPES:
            escapes = True
            index += 2
        elif length is not None and re.fullmatch(f"[0-9A-Fa-f]{{{length}}}", digits):
            code = int(digits, 16)
            if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                escapes = True
                index += 2 + length
            else:
                refused.append((index, index + 1, "\\\\"))
                index += 1
        elif following == "x" and re.fullmatch("[0-9A-Fa-f]{2}", body[index + 2 : index + 4]):
            escapes = True  # TOML 1.1
            refused.append((index, index + 4, "\\u00" + body[index + 2 : index + 4]))
            index += 4
        elif following == "e":
            escapes = True  # TOML 1.1
            refused.append((index, index + 2, "\\u001B"))
            index += 2
        else:
            refused.append((index, index + 1, "\\\\"))
            index += 1
    return refused, escapes


def _string_at(text: str, offset: int) -> tuple[int, int] | None:
    """The opening quote of the one-line basic string holding `offset`, and its closing
    quote: the first `"` after which the value plainly ends (backslashes not trusted)."""
    line_start, line_end = _line_span(text, offset)
    opening = -1
    quote = ""
    index = line_start
    while index < offset:
        character = text[index]
        if quote == '"':
            if character == "\\":
                index += 1
            elif character == '"':
                quote = ""
        elif quote == "'":
            if character == "'":
                quote = ""
        elif character in "\"'":
            quote = character
            opening = index
        elif character == "#":
            return None
        index += 1
    if quote != '"' or text.startswith('"""', opening):
        return None
    for closing in range(opening + 1, line_end):
        if text[closing] == '"' and re.match(r"[ \t]*(?:[#,\]}]|$)", text[closing + 1 : line_end]):
            return opening, closing
    return None


def _windows_path(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    if error.message not in _ESCAPE_ERRORS:
        return None
    found = _string_at(text, offset)
    if found is None:
        return None
    opening, closing = found
    body = text[opening + 1 : closing]
    refused, escapes = _escapes(body)
    if not refused or _has_control(body.replace("\t", " ")):
        return None
    literal = f"'{body}'" if "'" not in body else _basic(body)
    as_written = Change(
        opening,
        closing + 1,
        literal,
        WINDOWS_PATH,
        "basic string holds backslashes that are no escape (a Windows path or a pattern): "
        + ("written as a literal string" if literal[0] == "'" else "each backslash escaped"),
    )
    if not escapes:
        return _one(as_written, 0.9)
    pieces = []
    position = 0
    for start, end, replacement in refused:
        pieces += [body[position:start], replacement]
        position = end
    pieces.append(body[position:])
    kept = Change(
        opening,
        closing + 1,
        '"' + "".join(pieces) + '"',
        WINDOWS_PATH,
        "backslashes that start no escape escaped; the escapes kept (\\x and \\e as TOML 1.1 reads them)",
    )
    return [
        _Reading(
            "every backslash is a backslash",
            (as_written,),
            0.8,
            "backslash",
            "a string holds backslashes that start no escape, and escapes: are those escapes?",
        ),
        _Reading("the escapes (\\t, \\n, \\\\, \\x41 ...) are escapes", (kept,), 0.8, "backslash"),
    ]
