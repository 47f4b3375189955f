"""The YAML rules' ids (what a Fix's `rule` says) and how sure each kind of change is."""

from __future__ import annotations

TAB_INDENTATION = "tab-indentation"
TAB_SEPARATOR = "tab-separator"
COLON_SPACE = "colon-space"
MISSING_COLON = "missing-colon"
DUPLICATE_KEY = "duplicate-key"
UNESCAPED_QUOTE = "unescaped-quote"
UNCLOSED_QUOTE = "unclosed-quote"
UNCLOSED_FLOW = "unclosed-flow"
QUOTE_VALUE = "quote-value"
STRAY_INDENT = "stray-indent"
BLOCK_INDENT = "block-indent"

COSMETIC = 0.99
NEAR_CERTAIN = 0.9
CLOSED = 0.8
DIFFERING_DUPLICATE = 0.7
DIFFERING_MARK = "wins"  # in the message of a duplicate removed with another value
STRAY = 0.7
