"""The TOML rules' ids (what a Fix's `rule` says)."""

from __future__ import annotations

# Rule ids (kebab case): what a Fix's `rule` says, in notes and review files.
INI_COMMENT = "ini-comment"
COLON_SEPARATOR = "colon-separator"
KEY_WITH_SPACES = "key-with-spaces"
TABLE_NAME_SPACES = "table-name-spaces"
TABLE_HEADER_BRACKET = "table-header-bracket"
INLINE_TABLE_TRAILING_COMMA = "inline-table-trailing-comma"
INLINE_TABLE_LINES = "inline-table-lines"
BARE_STRING = "bare-string"
BOOLEAN_SPELLING = "boolean-spelling"
QUOTE_IN_LITERAL_STRING = "quote-in-literal-string"
QUOTE_IN_BASIC_STRING = "quote-in-basic-string"
WINDOWS_PATH = "windows-path"
DUPLICATE_TABLE = "duplicate-table"
UNTERMINATED_STRING = "unterminated-string"
UNCLOSED_ARRAY = "unclosed-array"
ARRAY_MISSING_COMMA = "array-missing-comma"
