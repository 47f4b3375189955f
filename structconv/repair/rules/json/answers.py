"""Checks of the model's answer against the broken JSON it answers."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any

from structconv.neutral import iter_nodes
from structconv.repair.rules.json.lexer import _Lexer

# ---------------------------------------------------------------- model answers


def _bracket_depth(text: str) -> Callable[[int], int]:
    """How many brackets are open at an offset of the input, as the repair's lexer reads
    it (strings and comments skipped)."""
    offsets: list[int] = []
    depths: list[int] = []
    depth = 0
    for token in _Lexer(text, 0, len(text), None).run().tokens:
        if token.kind == "punct" and token.text in "{}[]":
            depth = depth + 1 if token.text in "{[" else max(depth - 1, 0)
            offsets.append(token.start)
            depths.append(depth)

    def at(offset: int) -> int:
        index = bisect.bisect_right(offsets, offset) - 1
        return depths[index] if index >= 0 else 0

    return at


def answer_lines_up(text: str, data: Any) -> str | None:
    """Why a key of the model's answer comes from text outside every bracket of the
    input (prose around the JSON, say `Option A:` before one of two objects), or None.

    Checked on the model's answers only. A JSON key is always written inside braces;
    a key the input holds only outside them is a label the model turned into data."""
    depth: Callable[[int], int] | None = None
    for _, node in iter_nodes(data):
        if not isinstance(node, dict):
            continue
        for key in map(str, node):
            offset = text.find(key)
            if not key.strip() or offset < 0:
                continue  # not spelled as it is (provenance traces it)
            depth = depth or _bracket_depth(text)
            while offset >= 0 and depth(offset) == 0:
                offset = text.find(key, offset + 1)
            if offset < 0:
                return (
                    f"the answer's key {key!r} stands outside every bracket of the input: "
                    "text around the data, not a key of it"
                )
    return None
