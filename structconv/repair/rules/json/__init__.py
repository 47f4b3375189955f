"""JSON repair rules: a tolerant reader that walks the broken text once and records every
change it needs as an Edit in the input's coordinates; the strict reader then reads the result.

Rules (Fix.rule), with what each refuses to do:

- comment: `//`, `/* */` and `#` comments (JSONC, hand-written configs) are removed.
  `#` counts only at a line start or after whitespace (`{"a":1}#{}` is refused).
- whitespace: a byte order mark, no-break and zero-width spaces, form feeds outside
  strings are removed (or become a plain space between two tokens).
- trailing-comma: a comma before `}` or `]` (or at the end of the input) is removed.
- empty-slot: `[1,,2]`, `[,1]`, `{,"a":1}`: the comma that stands for no value is removed
  (an empty slot is never read as null); `[,]` and `{,}`, which hold nothing else, are refused.
- quotes: 'single', `backtick`, “typographic” quotes and Python's u'' prefix become
  double quotes, with the inner quotes escaped; a backtick string with `${` is refused.
  A key that lost its opening quote (`name": 1`) gets it back.
- escape: in strings, `\\'` becomes `'`, Python's `\\xHH`/`\\UHHHHHHHH` become JSON escapes,
  and an unknown escape such as `\\d` or `C:\\Users` keeps its backslash as a character.
  When such a string also holds `\\n`, `\\t`, `\\b`, `\\f` or `\\r` (`C:\\Users\\new`), reading
  those as escapes or as a backslash and a letter are both offered (an ambiguity).
  A malformed `\\u` escape is refused (except a partial one at the end of truncated input).
- control-character: raw tabs, line breaks and other control characters inside a
  string are escaped (a line break only when the string closes and the JSON goes on).
- unquoted-key: JS keys (`{name: 1}`) and Python integer keys (`{1: "a"}`) are quoted;
  keys spelled like literals (`true`, `None`, `NaN`) and unquoted values are refused.
- literal: Python's True/False/None become true/false/null, JavaScript's `undefined`
  becomes null. NaN, Infinity, inf and their signed forms are REFUSED (a ParseError
  that no model may override): JSON cannot hold them, and null or a string would be
  different data.
- number: `+1`, `.5`, `5.`, `0x1F`, `0o17`, `0b101`, `1_000` become JSON numbers. A
  number with leading zeros (`02134`) is ambiguous: the number 2134 or the text "02134".
  `1 000` (two numbers on one line with no comma) is refused: a digit group separator?
- missing-comma: a comma is added between two items, or before a key (that is followed
  by its colon); between two numbers on the same line it is refused.
- missing-colon: a colon is added between a key and a value on the same line.
- unterminated-string: a string whose line ends before its closing quote gets one at
  the end of its text; when that text ends in `,`, `]` or `}` the closing quote may
  belong before them, and both readings are offered (an ambiguity).
- unclosed: input that ends inside objects/arrays (truncated model output) is closed;
  not when a closer that starts a line is indented otherwise than its opener's line
  (pretty-printed JSON that lost a closer in the middle: not cut off, refused).
  Only closing brackets (and a trailing comma) may be lost: input cut inside a token
  (a string, a key, a half-written literal or number) or after a key is refused, since
  what the cut-off part held cannot be known; nothing is completed or dropped.
- unclosed-array: an array followed by `"key":` inside an object is closed before the key.
- mismatched-closer: `}` where `]` is due (or the reverse), in a container with at
  least one member: the readings (close both, replace it, drop it) are all tried; when
  they give different data the input is ambiguous.
- extra-closer: surplus `}`/`]` after the top-level object or array are removed.
- duplicated-closer: a line holding only a closer (`},`) that repeats the line above it
  is removed where the text then parses (a block's end pasted twice) (0.9).
- missing-opener: a `]` or `}` inside a container of the other kind may also close a
  value whose opener was lost (`{"a": [0] ]}`: `[[0]]`); that reading is offered beside
  the others (the stray dropped, the closer replaced) wherever they give other data.
- fence, prose: a Markdown code fence (```json) and the prose before and after the
  JSON are removed; two JSON code blocks are ambiguous. Prose that holds `{` or a
  JSON-looking `[` is never dropped.
- concatenated: several top-level values (JSON Lines in a .json file, `[][]`) become
  one list; scalars must each stand on their own line.

Not repaired: duplicate keys (JSON readers disagree on which value wins; the strict
reader's error stands), unquoted values, Python tuples/sets/bytes, expressions,
unbalanced input that is not at its end, numbers that overflow a float.

Where several repairs are plausible, every combination is tried (bounded: at most
`_MAX_RUNS` readings, else nothing is repaired); readings that give the same data count
once. Objects and arrays that are valid as they stand are passed over by the C scanner,
so one flaw in a large file costs about one strict parse, not a Python walk of it all.
"""

from __future__ import annotations

from structconv.repair.rules import RuleSet
from structconv.repair.rules.json.answers import answer_lines_up
from structconv.repair.rules.json.documents import Reading
from structconv.repair.rules.json.readings import (
    explore,
    fenced_region,
    input_values,
    line_parses,
    repair,
)

__all__ = [
    "RULESET",
    "Reading",
    "answer_lines_up",
    "explore",
    "fenced_region",
    "input_values",
    "line_parses",
    "repair",
]


RULESET = RuleSet("json", repair, input_values, answer_lines_up=answer_lines_up)
