"""YAML repair rules: where the strict reader (yaml-rs, YAML 1.2) stops, and nowhere else.

The rules work pass by pass: read the text, take the reader's complaint (message, line,
column), let the first rule that recognises the place propose one or more edits, apply
them through an EditSession (so every change is a Fix in the user's coordinates), read
again. Where a rule sees several plausible edits the search forks; every reading that
parses and passes provenance validation is kept, readings with equal data are merged,
and two or more different results are returned as an Ambiguity (never a guess). The
search (repair/search.py) is bounded: at most `_MAX_READINGS` live readings,
`_MAX_PARSES` passes and `_MAX_WORK` characters read in all; past that the
rules give up and the input is refused (more readings than that is a file broken
throughout, not a slip a reader can settle).

The rules, in the order they are tried:

tab-indentation
    Tabs in block indentation (YAML forbids them) become spaces, every such line at
    once. A tab is one indentation step: the file's own unit (2 when the file has no
    space indentation). Where spaces and tabs are mixed, tab widths 2, 4 and 8 are
    tried as well; a width under which the text still needs a stray-indent guess is
    dropped when another width fits as it stands; if the widths left give different
    data the result is ambiguous. Tabs inside block scalar content (after the block's
    indentation) are content and stay.
tab-separator
    `key:<TAB>value`: the YAML 1.2 reader used here wants a space after the colon; the
    tab becomes one space (cosmetic).
colon-space
    `key:"value"`, `key:[a, b]`, `key:value` on a line of a block mapping: YAML needs a
    space after a key's colon; it is added (0.9), on every such line at once. A plain
    `key:value` only on the line the reader refuses or the one above it, where that line
    is a mapping's (its sibling below, a `key: ` entry above at its column, or the key
    column of a `- ` item whose next line is a key).
duplicate-key
    A key repeated in one mapping with an equal value: the earlier entry (its whole
    block) is removed with a Fix covering it (cosmetic, 0.99). Different values are
    refused: which one is meant is unknown, and either would drop the other (issue 14).
    Keys that are collections, and merge conflicts, are left alone.
unescaped-quote
    `name: 'Bob's car'`, `msg: "say "hi""`: a quoted value that closes early and ends
    with the same quote at the end of the line gets its inner quotes escaped.
unclosed-quote
    A quoted value opened on a line and never closed where the reader needs it closed:
    closed at the end of that line, or at the end of its indented continuation lines.
    When the unclosed text holds ` #`, closing before the comment is a second reading.
    Refuses when the quote runs into the end of a file that stops mid-line (a cut-off
    file: its last value may be incomplete).
unclosed-flow
    `[a, b` / `{a: 1` left open: closed at the end of the line (or of its indented
    continuation lines). Refuses when the text ends with a key and no value (`{a:`),
    since closing it would invent a null, and in a file cut off mid-line.
quote-value
    A plain value the reader cannot take as it is: `command: echo a: b` (": " inside),
    `name: @scope/pkg` (a reserved first character). The value is quoted as written.
    When it holds ` #`, "the rest is a comment" and "the ` #` is part of the value" are
    two readings. A valid reading (`note: see #5` is "see" and a comment) never gets here.
missing-colon
    A `key value` line (a plain scalar of two words or more, the first a name) followed,
    at its indentation, by a line the reader refuses, or a lone `key` followed by more
    indented lines: the colon lost after the key is a reading offered beside
    stray-indent's (0.7).
block-indent
    A line below a block scalar (`run: |`), indented less than the block but no less
    than its key, that is no `key:` or `- ` item: the mapping cannot hold it, so it is
    the block's (its indentation lost in a paste) and gets the block's (0.8).
missing-colon (among keys)
    `image mongo:4.2` (a name and one word, no comment) or a lone `expose` over its
    more indented items, where the line above it at its key column is a `key:` entry
    and the reader refuses the line after it: the colon is added (0.8).
stray-indent
    A line (with the lines it carries) indented to no open level: moved to the nearest
    open level below, the nearest above, and (after `key:` with no value) under that
    key; each is tried, and validation decides. A `key:` with no value followed by less
    indented lines is also tried at the level where it holds them. A reading that then
    has to drop a repeated key (the line moved into a mapping that already holds the
    key) gives way to one that keeps every value. `host: x` + `    port: 80` can only be
    a sibling (host holds a scalar), so it is repaired (0.7); `y:` + ` z: 2` is ambiguous.
    After a plain value of four words or more (prose), or where the "key" holds a space
    (`a note: ...`), an over-indented `key: value` line may also be the value's
    continuation (a second reading).

Refused (no rule applies, the reader's ParseError stands): merge conflict markers
(`<<<<<<<`, `=======`, `>>>>>>>`), several documents without multi_document, limits,
unknown tags, and anything where the readings exceed the bounds above.
"""

from __future__ import annotations

from structconv.repair.rules import RuleSet
from structconv.repair.rules.yaml.answers import answer_keeps_pairs, answer_lines_up, input_values
from structconv.repair.rules.yaml.readings import repair

__all__ = ["RULESET", "answer_keeps_pairs", "answer_lines_up", "input_values", "repair"]


RULESET = RuleSet("yaml", repair, input_values, answer_lines_up=answer_lines_up)
