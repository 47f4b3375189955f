"""How valid JSON Lines gets broken."""

from __future__ import annotations

import json
import random
from typing import TYPE_CHECKING

from structconv.tune.corrupt.base import COMMENTS, by_kind, operator
from structconv.tune.corrupt.json import _cut_inside_string, _keys_and_values, _string_body

if TYPE_CHECKING:
    from structconv.tune.corrupt.base import Apply


# --- JSON Lines ----------------------------------------------------------------------------


def _jsonl_lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _on_one_line(kind: str) -> Apply:
    """A JSON operator applied to one record line of a JSON Lines text."""

    def apply(text: str, rng: random.Random) -> str | None:
        lines = _jsonl_lines(text)
        order = list(range(len(lines)))
        rng.shuffle(order)
        for index in order:
            line = lines[index]
            ending = line[len(line.rstrip("\r\n")) :]
            broken = by_kind("json", kind).apply(line.rstrip("\r\n"), rng)
            if broken is not None and broken != line.rstrip("\r\n"):
                lines[index] = broken.rstrip("\n") + ending
                return "".join(lines)
        return None

    return apply


for _kind, _settled, _weight in [
    ("trailing_comma", True, 1.0),
    ("single_quotes", True, 1.0),
    ("unquoted_keys", True, 0.8),
    ("python_literals", True, 0.8),
    ("unescaped_quote", False, 4.0),
    ("comma_as_colon", False, 2.0),
    ("mismatched_bracket", False, 1.0),
]:
    operator("jsonl", _kind, settled=_settled, weight=_weight)(_on_one_line(_kind))


@operator("jsonl", "pretty_record", settled=True)
def jsonl_pretty_record(text: str, rng: random.Random) -> str | None:
    lines = _jsonl_lines(text)
    index = rng.randrange(len(lines))
    try:
        record = json.loads(lines[index])
    except ValueError:
        return None
    if not isinstance(record, dict | list) or not record:
        return None
    lines[index] = json.dumps(record, indent=rng.choice([2, 4]), ensure_ascii=False) + "\n"
    return "".join(lines)


@operator("jsonl", "records_one_line", settled=True)
def jsonl_records_one_line(text: str, rng: random.Random) -> str | None:
    lines = _jsonl_lines(text)
    if len(lines) < 2:
        return None
    index = rng.randrange(len(lines) - 1)
    joiner = rng.choice(["", ",", " ", ", "])
    lines[index] = lines[index].rstrip("\r\n") + joiner
    return "".join(lines)


@operator("jsonl", "comment", settled=True, weight=0.7)
def jsonl_comment(text: str, rng: random.Random) -> str | None:
    lines = _jsonl_lines(text)
    marker = rng.choice(["//", "#"])
    lines.insert(rng.randint(0, len(lines)), f"{marker} {rng.choice(COMMENTS)}\n")
    return "".join(lines)


@operator("jsonl", "truncation", settled=True, weight=1.5)
def jsonl_truncation(text: str, rng: random.Random) -> str | None:
    lines = _jsonl_lines(text)
    last = lines[-1]
    head = "".join(lines[:-1])
    _, values = _keys_and_values(last)
    candidates = [token for token in values if len(_string_body(token)) >= 3]
    if not candidates:
        return None
    cut = _cut_inside_string(last, rng.choice(candidates), rng)
    return None if cut is None else head + cut


@operator("jsonl", "code_fence", settled=True, weight=0.4)
def jsonl_code_fence(text: str, rng: random.Random) -> str | None:
    return f"```{rng.choice(['jsonl', 'json', ''])}\n{text.rstrip()}\n```\n"
