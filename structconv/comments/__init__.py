"""Comments carried across the formats that have them: YAML, TOML, JSONC and JSON5.

The data path (text -> neutral data -> text) has no room for comments, so they travel
beside it, keyed by the data path of the entry they belong to:

- `extract` reads the source text once more, for its comments only: a comment above a
  key (or list item) leads that entry, one at the end of its line trails it, the ones
  before the first entry head the document and the ones after the last end it. YAML
  positions come from PyYAML's composer (C), which also marks where scalars stand (a
  `#` inside a string or a block scalar is text); TOML's from tomlkit's document, in
  order; JSONC's from structconv.formats.commented_json.
- `attach` places them in the text the target's writer produced: YAML as lines of text
  at the entry's indentation (and at the end of its line), TOML through tomlkit's
  trivia, JSONC by rendering the syntax tree with them.

The writers' guarantee holds: the commented text is read back with the target's strict
reader and compared with the data; should it differ, the text without comments is kept
and a note says why. A comment that has no place in the target (inside a TOML array,
after a YAML string that spans lines, under a key the target left out) is named in a
note, never dropped silently. Targets without comments (JSON, CSV, XML) get none.
"""

from __future__ import annotations

from collections.abc import Set

COMMENTED: frozenset[str] = frozenset({"yaml", "toml", "jsonc", "json5"})
# The character every comment of the format starts with (a cheap first look).
_MARKERS = {"yaml": "#", "toml": "#", "jsonc": "/", "json5": "/"}


# What carrying comments imports on first use, per format read or written (see
# api.modules_for: a batch's workers load it once, before they fork).
_LIBRARIES = {
    "yaml": ("yaml",),
    "toml": ("tomlkit",),
    "jsonc": ("structconv.formats.commented_json",),
    "json5": ("structconv.formats.commented_json",),
}


def modules_for(sources: Set[str], target: str) -> set[str]:
    """The modules that carrying comments from these formats into `target` imports."""
    if target not in COMMENTED or not sources & COMMENTED:
        return set()
    needed = {"structconv.comments.carrying", *_LIBRARIES[target]}
    for source in sources & COMMENTED:
        needed.update(_LIBRARIES[source])
    return needed


def may_have_comments(text: str, format: str) -> bool:
    """False when `text` certainly has no comment (then nothing else is imported or read)."""
    return format in COMMENTED and _MARKERS[format] in text


def worth_carrying(text: str, source_format: str, target_format: str) -> bool:
    """Whether converting `text` may carry comments: both formats hold them and the text
    may have one. Only then does the caller import structconv.comments.carrying."""
    return target_format in COMMENTED and may_have_comments(text, source_format)
