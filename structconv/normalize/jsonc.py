"""JSONC and JSON5: indentation and one entry per line, every comment kept with its entry.

Layout as the JSON normalizer's (indentation, short arrays of scalars on one line up to
the width, key order kept unless sort_keys), on the syntax tree of
structconv.formats.commented_json: keys and scalars keep their spelling (`'single'`,
bare keys, `0x1F`, `.5` in JSON5), comments stay with the entry they lead or trail, a
blank line between entries stays (one), and a container that ended with a trailing
comma still does when it spans lines. A layout that would lose a comment is refused.
"""

from __future__ import annotations

from collections import Counter

from structconv.formats.commented_json import Layout, parse, render
from structconv.normalize.settings import NormalizeSettings


def normalize(text: str, settings: NormalizeSettings) -> str:
    document = parse(text)
    layout = Layout(indent=settings.indent, width=settings.width, sort_keys=settings.sort_keys)
    result = render(document, layout)
    before, after = document.comments(), parse(result).comments()
    if (Counter(before) != Counter(after)) if settings.sort_keys else before != after:
        raise ValueError("the layout would move or lose a comment")
    return result
