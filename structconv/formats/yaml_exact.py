"""When yaml-rs's text of JSON-like data is exact without reading it back.

Reading the text back (structconv.formats.yaml.loads) costs twice as long as writing it.
For data of the JSON types, whether yaml-rs's writer (saphyr's emitter) is exact follows
from the strings alone, and scans at C speed over two texts decide it:

- the data's orjson bytes, which hold every key and string as a JSON token `"..."`
  (with options that refuse dates, subclasses and keys other than strings, orjson and
  yaml-rs both take only data of the JSON types and tuples; a walk at C speed rules
  out tuples);
- the YAML text itself.

What yaml-rs writes and how it reads, where the two can disagree:

- Numbers, booleans and null are written as such and read back as the same type and
  value (floats as Python's shortest repr, .inf, .nan; integers past int64 as digits).
- A string is written plain unless it looks like a number, a boolean or null (then it
  is double-quoted) or holds characters that need quotes or escapes. A plain scalar is
  typed only if it starts with a digit, "_", a sign or a dot (numbers, timestamps), or
  spells a boolean or null (always quoted). So every string starting with a sign or a
  dot, or with a digit or "_" and made only of number characters, is refused here
  (`1_000`, `_.0`, `0o17`, `+.inf` are written plain and typed), as are
  timestamp-shaped ones (`2024-01-01` is written plain; quoted ones are also typed by
  yaml-rs), except plain digit strings that fit an int64 (the writer quotes them).
- A multi-line string not ending in a line break is a literal block (`|-`, `|2-`); as a
  key that is broken text, so any block in the text is left to the read-back.
- An implicit key holds at most 1024 characters: a line that long is left to it too.
- `\\ufffe` and `\\uffff` are written raw, and are not YAML characters.
- A key starting with `!` may spell a tag (the tag convention) and `<<` is a merge key:
  both are left to the read-back.

Anything refused here is still written by yaml-rs where its read-back matches.
"""

from __future__ import annotations

import gc
from typing import Any

import orjson

from structconv.neutral import Data
from structconv.patterns import lazy_compile

# A string token that yaml-rs may write so that it reads back as another type: one that
# starts with a sign, a dot or a "!", or is "<<"; one that starts with "_" or a digit and
# is made of number characters only (yaml-rs skips "_" anywhere in a number; hexadecimal
# digits and the prefixes 0x, 0o, 0b after a digit; an exponent's sign after e/E), but
# for digits that fit an int64 (quoted by the writer); or a timestamp's start. The
# lookahead turns most of the image's quotes away with one test instead of four (12 ms
# to 10 ms on the benchmark's 6 MB of JSON).
_MAY_BE_TYPED = lazy_compile(
    rb'"(?=[-+.!<_0-9])(?:[-+.!]|<<"|_[0-9_.eE]*(?:(?<=[eE])[-+][0-9_]*)?"'
    rb"|\d(?:\d{3}-\d\d-\d\d|\d:\d\d:\d\d"
    rb'|(?!\d{0,17}")[0-9a-fA-FxXoO_.]*(?:(?<=[eE])[-+][0-9_]*)?"))'
)
# A line this long may hold a key past YAML's 1024 characters.
_LONG_LINE = 1000
_NOT_CHARACTERS = ("\ufffe", "\uffff")
# A literal block's header (a regex: "|" is rare, where a search for "|-\n" stops at "-").
_BLOCK = lazy_compile(r"\|2?-\n")


# orjson's options for `written_exactly`'s image of the data: they refuse keys other than
# strings, dates and subclasses. With yaml-rs, which wrote the text and refuses sets, big
# integers, lone surrogates and Decimal, what both take is of the JSON types, or a tuple.
JSON_IMAGE = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS


def written_exactly(data: Data, image: bytes, text: str, holds_json_types: bool) -> bool:
    """Whether `text`, yaml-rs's text of `data`, reads back as exactly `data`, types
    included; False when that takes a read-back to tell. `image` is orjson's bytes of
    `data` with the options JSON_IMAGE: every key and string as a JSON token.
    `holds_json_types`: its reader proved that `data` holds no tuple (structconv.facts),
    so no walk need look for one."""
    if not isinstance(data, dict | list) or _MAY_BE_TYPED.search(image) is not None:
        return False
    if _BLOCK.search(text) is not None or any(bad in text for bad in _NOT_CHARACTERS):
        return False
    return not _has_long_line(text) and (holds_json_types or _holds_no_tuple(data))


def _holds_no_tuple(data: Data) -> bool:
    """Whether no value in `data` is a tuple (which yaml-rs and orjson write as a list).
    A breadth-first walk at C speed: gc.get_referents gives the items of a level's lists
    and the values (and keys other than strings) of its dicts, scalars have none."""
    level: list[Any] = [data]
    while level:
        kinds = set(map(type, level))
        if tuple in kinds:
            return False
        if dict not in kinds and list not in kinds:
            return True
        level = gc.get_referents(*level)
    return True


def _has_long_line(text: str) -> bool:
    """Whether a line holds _LONG_LINE characters or more. Such a line covers one of the
    aligned blocks of half that length whole, so only lines through a block without a
    line break are measured (a find per block, not a look at every character)."""
    half = _LONG_LINE // 2
    for start in range(0, len(text) - half + 1, half):
        if text.find("\n", start, start + half) == -1:
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", start)
            if (len(text) if line_end == -1 else line_end) - line_start >= _LONG_LINE:
                return True
    return False
