"""Texts whose yaml-rs data can hold no NaN and no infinity, told by scans of the text.

The JSON writer walks the data to refuse NaN and the infinities (orjson would write them
as null, silently): 0.13 s on 20 MB. These scans add 0.02 s to the reader's (whose check
for numbers that overflow shares their scan of exponents, `numbers`), and a text that
passes them cannot give such a float, so the YAML reader proves it (structconv.facts)
and the walk is skipped.

yaml-rs 0.1.6 (src/load/scalar.rs and loads.rs) makes a float of a scalar in two ways:

- A scalar tagged `!!float` (or with a %TAG handle), in any style; its parse also takes
  `inf`, `Infinity` and `NaN`. A text with a `!` where a tag can start proves nothing
  (the caller checks that).
- A plain scalar (quoted and block scalars are strings), by its spelling alone, so the
  characters of the value stand together in the text (plain scalars have no escapes, and
  a folded line break puts a space in, which no float spelling has):
  - `.inf`, `+.inf`, `-.inf` and `.nan`, in any case (`.iNf` too): `_SPECIAL` finds them.
  - digits, `_`, at most one `.`, an exponent `e`/`E` with an optional sign, parsed
    with the underscores removed, infinite when it overflows. A value of k digits before
    the point (leading zeros aside) and exponent E is below 10**(k + E), and an infinity
    is above 10**308, so k + E >= 309: k >= 155 (a run of 155 digits and underscores,
    `LONG_DIGITS`) or E >= 155 (an exponent of 3 digits or more, with `+` or none:
    `EXPONENT`; leading zeros and underscores make it match more, never less).
  No other spelling gives a NaN (a NaN needs the letters n, a, n).

An exponent match stands in a float only if what follows it is no letter, `.` or sign
(the scalar would go on), and what comes before it, back to where the scalar starts, is
digits, `_`, `.` and signs: the hexadecimal digits of a UUID (`...4e123`) have a letter
there, and are passed over (`_inside_a_word`).

The marks that keep some scalars strings (yaml._mark_strings_yaml_rs_would_type) only
put a character in, always after a quote, a space, a line break, a colon or a flow
indicator, so
never inside or right after a float's spelling: the floats of the marked text are spelled
the same in the text, and the scans run on the text as given.
"""

# Annotations are evaluated, not postponed: typing would compile a NamedTuple's (see
# docs/architecture.md, "The layers").
from typing import NamedTuple

from structconv.patterns import lazy_compile, long_run

_SPECIAL = lazy_compile(r"\.(?:[iI][nN][fF]|[nN][aA][nN])")
# A literal first: the scan jumps from one "e" to the next (a class [eE] first is 6 times
# slower); the look-behind, after it, keeps only the "e" that follows what a float has there.
EXPONENT = tuple(
    lazy_compile(rf"{e}(?<=[\d._]{e})\+?(?:_*\d){{3}}[\d_]*+(?![A-Za-z.+-])") for e in "eE"
)
_MANTISSA = frozenset("0123456789_.+-")
# How far back a mantissa is followed; a longer one counts as a float.
MANTISSA_WINDOW = 400
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


class Numbers(NamedTuple):
    """What one scan of a text found of its numbers, for the two checks that need it: this
    module's, and the YAML reader's for numbers that cannot be kept exactly
    (yaml._may_have_inexact_numbers), which looks at the same exponents and runs."""

    # Where an exponent of 3 digits or more (after `+` or no sign) may stand in a float:
    # its letter, and the end of its digits.
    exponents: list[tuple[int, int]]
    # Whether a run of LONG_DIGITS digits and underscores stands somewhere (none: no
    # longer run of digits either).
    long_digits: bool


LONG_DIGITS = 155


def numbers(text: str) -> Numbers:
    return Numbers(
        [(found.start(), found.end()) for pattern in EXPONENT for found in pattern.finditer(text)],
        long_run(text, "[0-9_]", LONG_DIGITS),
    )


def may_spell_non_finite(text: str, found: Numbers) -> bool:
    """Whether a plain scalar of `text` may be read by yaml-rs as NaN or an infinity
    (False: it cannot, provided the text has no tags); `found` is `numbers(text)`."""
    return (
        found.long_digits
        or _SPECIAL.search(text) is not None
        or any(not _inside_a_word(text, start) for start, _ in found.exponents)
    )


def _inside_a_word(text: str, exponent: int) -> bool:
    """Whether the exponent letter at `exponent` follows a letter, back over the characters
    a float's mantissa has: then its scalar is no float (a plain scalar runs on through
    letters, and no other token ends in one directly before a scalar)."""
    return float_start(text, exponent) is None


def float_start(text: str, exponent: int) -> int | None:
    """Where a float whose exponent letter is at `exponent` starts: back over the characters
    a mantissa has, MANTISSA_WINDOW at most (a start that far back may go on further).
    None where a letter stands before them: that scalar is a word, not a float."""
    start = exponent - 1
    stop = max(0, exponent - MANTISSA_WINDOW)
    while start >= stop and text[start] in _MANTISSA:
        start -= 1
    if start >= stop and text[start] in _LETTERS:
        return None
    return start + 1
