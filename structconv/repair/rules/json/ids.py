"""The JSON rules' ids (what a Fix's `rule` says) and how sure each kind of change is."""

from __future__ import annotations

# Rule ids (kebab case): what a Fix's `rule` says, in notes and review files.
COMMENT = "comment"
WHITESPACE = "whitespace"
FENCE = "fence"
PROSE = "prose"
QUOTES = "quotes"
ESCAPE = "escape"
CONTROL_CHARACTER = "control-character"
LITERAL = "literal"
NUMBER = "number"
UNQUOTED_KEY = "unquoted-key"
MISSING_COMMA = "missing-comma"
MISSING_COLON = "missing-colon"
TRAILING_COMMA = "trailing-comma"
EMPTY_SLOT = "empty-slot"
MISMATCHED_CLOSER = "mismatched-closer"
EXTRA_CLOSER = "extra-closer"
DUPLICATED_CLOSER = "duplicated-closer"
MISSING_OPENER = "missing-opener"
UNCLOSED = "unclosed"
UNCLOSED_ARRAY = "unclosed-array"
UNTERMINATED_STRING = "unterminated-string"
CONCATENATED = "concatenated"
RECORD_LINES = "record-lines"
RECORD_SPLIT = "record-split"

# Confidence per kind of change (Patched.confidence is the minimum over the changes made).
COSMETIC = 0.99  # comments, odd whitespace, trailing commas, fences
QUOTING = 0.95  # single quotes, Python literals, escapes JSON lacks
STRUCTURAL = 0.9  # missing commas, unquoted keys, concatenated values, prose
GUESS = 0.85  # missing colons, empty slots, extra or mismatched closers
LITERAL_ESCAPE = 0.8  # an unknown escape kept as a backslash; `undefined` as null
UNTERMINATED = 0.75  # a closing quote added at the end of a line
CLOSED = 0.75  # brackets added at the end of truncated input
DROPPED = 0.6  # a block comment left open at the end of the input dropped
ZEROS = 0.7  # a number with leading zeros, read as a number or as text
