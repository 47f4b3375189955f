"""Corruption operators: how valid text gets broken, one small function per breakage.

Each operator takes the text of a valid document (as structconv's writers print it, or
already broken by another operator) and a seeded random.Random, and returns the
broken text, or None when the breakage does not apply (no string to cut, no quote to
lose). Its name is the "corruption kind" the data card counts. Operators only move,
drop or re-spell what is there: none adds a value, so the original data stays the
answer (truncation excepted: the data.py target is then what the cut text still holds).

Two families, flagged by `settled`:

- what the rules cannot settle (settled=False): ambiguous indentation (YAML lines under-
  or over-indented to no open level), multi-row CSV headers (two and three rows, units
  rows), truncation mid-value, unescaped quotes inside strings, a comma for a colon,
  unclosed quotes, YAML values holding `: ` and ` #`, unquoted delimiters, mismatched
  brackets, unclosed XML tags between siblings;
- what they settle (settled=True), so the model is robust to it too: trailing commas,
  comments, single and typographic quotes, unquoted keys, Python literals and reprs,
  tabs, `key: value` in TOML, unclosed XML tags, bare `&`, HTML entities, CSV title and
  Total lines, stray quotes.

data.py decides what a broken text is worth: only text that really fails strict parsing
(or that the CSV rules find ambiguous) becomes a training pair.
"""

from __future__ import annotations

# Each module registers its format's operators when imported (OPERATORS keeps the order of
# the formats as base.py lists them).
from structconv.tune.corrupt import csv, json, jsonl, toml, xml, yaml
from structconv.tune.corrupt.base import (
    COMMENTS,
    OPERATORS,
    Apply,
    Operator,
    by_kind,
    compatible,
    mixable,
    operator,
    operators_for,
)

__all__ = [
    "COMMENTS",
    "OPERATORS",
    "Apply",
    "Operator",
    "by_kind",
    "compatible",
    "csv",
    "json",
    "jsonl",
    "mixable",
    "operator",
    "operators_for",
    "toml",
    "xml",
    "yaml",
]
