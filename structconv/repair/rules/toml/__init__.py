"""TOML repair rules: what people who think in YAML or INI write in pyproject.toml,
Cargo.toml, Hugo and Netlify configs.

The rules work in passes: read the text with the strict reader (tomllib), let the rule
for what it complains about change the text where it complains, read again (at most
200 passes). Every change goes through an EditSession, so each Fix points at the
user's file. A rule that sees two readings with different data forks the repair; the
readings that end in valid TOML become the Candidates of an Ambiguity.

Rules, and what each refuses to do:

- ini-comment: a `;` comment line becomes a `#` comment (0.99).
- colon-separator: `key: value` becomes `key = value` (0.95). Refused: `key:` with
  nothing after it (a YAML block; its nesting is not guessed).
- key-with-spaces: `first name = "Ada"` quotes the key (0.9); only plain words.
- table-name-spaces: `[My Section]` becomes `["My Section"]` (0.9).
- table-header-bracket: a header missing its closing `]` (or `]]`) gets it, when the
  rest of the line is empty or a comment (0.95); `[[name]` is a choice between an array
  of tables (`]` lost) and a table (`[` doubled).
- inline-table-trailing-comma: `{a = 1, }` loses the comma (0.99).
- inline-table-lines: an inline table spread over several lines (TOML 1.1) is joined
  into one line, comments inside it removed (0.95).
- bare-string: an unquoted value is quoted as a string: `name = Ada Lovelace`,
  `tags = [web, api]`, `version = 1.2.3`, `host = 127.0.0.1` (0.9). Refused: a value
  that begins like a number, date or time and is not a dotted version (`80a`, `30s`,
  `1,000`, `2024-1-5`, `10:30`): the author may have mistyped a number or date, and
  quoting it would silently change its type; a null spelling (`null`, `None`, `~`):
  TOML has no null; a value starting with `#` (in TOML that is a comment, so the value
  is missing); `NaN`, `Infinity`, `.inf`; a boolean misspelt (`truer`, `truthy`, a
  lone `t` or `f` as a key's value) or a date or time's part (`T`, `TZ`): their type
  is unknown. A value in typographic quotes (`“0.3.0”`) is the string inside them.
  The YAML 1.1 / Python boolean spellings
  (`True`, `yes`, `off`, ...) give an Ambiguity: the boolean or the string.
- array-missing-comma: two strings in an array with only blanks (or a comment) between
  them (`["meta" "nfa"]`, an item on its own line without its comma) get the comma
  (0.9): TOML joins no strings, so it is the one reading.
- quote-in-literal-string: `'it's'` becomes the basic string `"it's"` (0.9).
- quote-in-basic-string: `"He said "hi""` escapes the inner quotes (0.85).
- windows-path: a basic string with invalid escapes (`"C:\\Users\\x"`, `"\\d+"`) becomes the
  literal string `'C:\\Users\\x'` (0.9): every backslash was meant as itself. When the
  string also holds valid escapes (`"C:\\temp\\x"`, `"\\\\server\\share"`), reading them
  as escapes or as backslashes gives different text: an Ambiguity.
- duplicate-table: `[server]` declared twice: the second table's keys move into the
  first (0.9); a key both define with the same value is dropped from the second with
  a Fix. Refused: a key defined with different values (a real conflict), a key defined
  in both by sub-tables or dotted keys, an array of tables, or a table first made by
  dotted keys.

- unterminated-string: a one-line string missing its closing quote is closed at the end
  of its line (0.85); when its text holds ` #` (a comment, or text?) or ends in `,` `]`
  `}` inside an array or inline table (before them, or holding them?), or with the
  other quote at its end (`'text"`: closed with the wrong quote?), the readings are
  offered together (0.75). Refused: a string the file stops in mid-line (cut off: its text
  may go on).
- unclosed-array: an array missing its `]`, followed by a statement or a table header,
  is closed after its last item (0.85).

Left alone (the original ParseError stands): duplicate keys, YAML block structure,
values spread over lines, anything a rule above does not name.
"""

from __future__ import annotations

from structconv.repair.rules import RuleSet
from structconv.repair.rules.toml.answers import answer_lines_up
from structconv.repair.rules.toml.readings import repair
from structconv.repair.rules.toml.tokens import input_values

__all__ = ["RULESET", "answer_lines_up", "input_values", "repair"]


RULESET = RuleSet("toml", repair, input_values, answer_lines_up=answer_lines_up)
