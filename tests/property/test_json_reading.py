"""The JSON reader's orjson path gives exactly the strict reader's data or its error, on
random documents with repeated keys, big integers, escapes and colons mixed in."""

from __future__ import annotations

import json
import math
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from structconv.formats import json as json_format
from structconv.formats.yaml_exact import JSON_IMAGE
from structconv.options import Options

KEYS = st.sampled_from(["a", "a:b", ":", "k", "\u003a", "x\\y", "é", ""])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.sampled_from(list('ab:"\\\u2028é \n')), max_size=6),
)


def _members(draw: Any, depth: int) -> str:
    """An object's text, whose members may repeat a key."""
    pairs = draw(st.lists(st.tuples(KEYS, st.just(depth)), max_size=4))
    return (
        "{" + ", ".join(f"{json.dumps(key)}: {_value(draw, depth - 1)}" for key, _ in pairs) + "}"
    )


def _value(draw: Any, depth: int) -> str:
    kind = draw(st.integers(0, 2)) if depth > 0 else 0
    if kind == 1:
        return _members(draw, depth)
    if kind == 2:
        items = draw(st.lists(st.just(0), max_size=3))
        return "[" + ", ".join(_value(draw, depth - 1) for _ in items) + "]"
    text = json.dumps(draw(SCALARS))
    escaped = draw(st.booleans())
    return text.replace(":", "\\u003a") if escaped and text.startswith('"') else text


@st.composite
def documents(draw: Any) -> str:
    return _value(draw, 3)


def _strict(text: str) -> tuple[str, Any]:
    try:
        return "data", json.loads(
            text,
            object_pairs_hook=json_format._unique_pairs,
            parse_constant=json_format._reject_constant,
            parse_float=json_format._parse_float,
        )
    except (ValueError, json_format.DuplicateKeyError):
        return "error", None


def _same(left: Any, right: Any) -> bool:
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return list(left) == list(right) and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(_same, left, right))
    if isinstance(left, float):
        return left == right and math.copysign(1, left) == math.copysign(1, right)
    return bool(left == right)


@given(documents())
def test_the_reader_gives_the_strict_readers_data_or_refuses(text: str) -> None:
    kind, expected = _strict(text)
    fast = json_format._read_with_orjson(text)
    if fast is not None:
        data, image = fast
        assert kind == "data" and _same(data, expected), text
        assert image == orjson.dumps(data, option=JSON_IMAGE), text  # what yaml_exact scans
    try:
        data = json_format.loads(text, Options())
    except Exception:
        assert kind == "error", text
    else:
        assert kind == "data" and _same(data, expected), text
