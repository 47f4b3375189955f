"""The CSV rules' ids (what a Fix's `rule` says) and how sure each kind of change is."""

from __future__ import annotations

# Rule ids (kebab case): what a Fix's `rule` says, in notes and review files.
CSV_SEP_LINE = "csv-sep-line"
CSV_PREAMBLE = "csv-preamble"
CSV_SECTION_TITLE = "csv-section-title"
CSV_MULTIROW_HEADER = "csv-multirow-header"
CSV_REPEATED_HEADER = "csv-repeated-header"
CSV_EMPTY_ROW = "csv-empty-row"
CSV_FOOTER = "csv-footer"
CSV_HEADER_WRAPPED = "csv-header-wrapped"
CSV_SUMMARY_ROW = "csv-summary-row"
CSV_QUOTE_CHAR = "csv-quote-char"
CSV_ESCAPE = "csv-escape"
CSV_STRAY_QUOTE = "csv-stray-quote"
CSV_UNCLOSED_QUOTE = "csv-unclosed-quote"
CSV_UNQUOTED_DELIMITER = "csv-unquoted-delimiter"
CSV_UNQUOTED_LINE_BREAK = "csv-unquoted-line-break"
CSV_TRAILING_DELIMITER = "csv-trailing-delimiter"


# Confidence per rule (Patched.confidence is the minimum over the fixes applied).
COSMETIC = 0.99  # sep= line, whitespace-only lines
NO_VALUE_LOST = 0.95  # rows of empty cells, repeated headers
QUOTING = 0.9  # quote character, backslash escapes, empty cells past the last column
PREAMBLE = 0.9
MULTIROW_HEADER = 0.85
STRAY_QUOTE = 0.8
SUMMARY_ROW = 0.8
LINE_BREAK = 0.75
TYPE_PICKED = 0.6  # the only join that keeps every column's type; a quote closed at the end
