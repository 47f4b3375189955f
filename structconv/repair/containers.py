"""The lists and objects an answer with no fix to excuse it (the model's) may hold: no
more than the input opens.

`("x")` is no list, `[a,⏎b,⏎c]` one list, `["k": 1]` no object. Only JSON and YAML say
where their containers open; the counts are upper bounds (a bracket inside a string
counts too), so an answer is refused only where it holds more than the input could.
"""

from __future__ import annotations

import re

from structconv.neutral import Data

_QUOTED = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'""")
_DASH_ITEM = re.compile(r"^[ \t]*-(?:[ \t]|$)", re.MULTILINE)


def _count(data: Data, kind: type) -> int:
    if isinstance(data, dict):
        return (kind is dict) + sum(_count(value, kind) for value in data.values())
    if isinstance(data, list):
        return (kind is list) + sum(_count(value, kind) for value in data)
    return 0


def unopened_container(text: str, data: Data, format: str) -> str | None:
    """Why `data` holds a list or object that `text` (JSON or YAML) does not open; None
    when it holds none, or for another format."""
    if format not in ("json", "yaml"):
        return None
    bare = _QUOTED.sub('""', text)
    lists = bare.count("[")
    if format == "yaml":
        lists += len(_DASH_ITEM.findall(bare))
    elif isinstance(data, list) and not bare.lstrip().startswith("["):
        lists += 1  # several top-level values read as a list
    if _count(data, list) > lists:
        return (
            f"the answer holds {_count(data, list)} lists where the input opens at most {lists}: "
            "a list the input does not write"
        )
    if format == "json":
        if _count(data, dict) > bare.count("{"):
            return "the answer holds an object the input does not open with '{'"
        if bare.lstrip().startswith("[") and not isinstance(data, list):
            return "the input is a list (it opens with '['), the answer is not"
    return None
