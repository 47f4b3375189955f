"""The scans that vouch for yaml-rs's text without a read-back (structconv.formats.yaml_exact):
where they vouch, the text reads back as exactly the data; where yaml-rs is inexact, they
do not vouch; on ordinary records they do (else they would save nothing)."""

from __future__ import annotations

import datetime
from typing import Any

import orjson
import pytest
import yaml_rs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from structconv.formats.yaml import CODEC, fast_write
from structconv.formats.yaml_exact import JSON_IMAGE, written_exactly
from structconv.neutral import first_difference
from structconv.options import Options

OPTIONS = Options()


def _text(data: Any) -> str:
    return yaml_rs.dumps(data).removeprefix("---\n") + "\n"


def _image(data: Any) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_SUBCLASS)


def _vouched(data: Any) -> bool:
    """What fast_write asks: data orjson takes with JSON_IMAGE, its bytes and text vouched."""
    try:
        image = orjson.dumps(data, option=JSON_IMAGE)
    except TypeError:
        return False
    return written_exactly(data, image, _text(data), holds_json_types=False)


def _reads_back_exactly(data: Any) -> bool:
    """The read-back the scans stand in for: equal data of the same types."""
    try:
        again = CODEC.loads(_text(data), OPTIONS)
    except Exception:
        return False
    return first_difference(data, again) is None and _image(again) == _image(data)


# Strings a writer or a reader may take for something else: all vouched for (yaml-rs
# quotes or escapes them), and each reads back as itself.
QUOTED_OR_PLAIN = [
    "",
    "null",
    "Null",
    "NULL",
    "~",
    "true",
    "True",
    "TRUE",
    "false",
    "False",
    "FALSE",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "n",
    "tRUE",
    "nan",
    "inf",
    "Infinity",
    "12345",
    "007",
    "123456789012345678",
    "123-4567",
    "1-2-3 Chuo",
    "0a1b2c3e-1234-4abc-8def-0123456789ab",
    "1 2",
    "1+2",
    "1.5e-3x",
    "1st",
    "_id",
    "_links",
    "0xZ",
    "a: b",
    "a:b",
    "#x",
    "x #y",
    " x",
    "x ",
    "\tx",
    "?",
    "%x",
    "@x",
    "`x`",
    "&a",
    "*a",
    "|",
    ">",
    "=",
    "{a}",
    "[a]",
    "a, b",
    "O'Brien",
    'say "hi"',
    "back\\slash",
    "\\x21",
    "é",
    "日本語",
    "\u3000x\u3000",
    "\u00a0",
    "\x85",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\x00\x07\x1b\x7f",
    "\ue000\uf8ff",
    "\U0010fffd",
    "🎉",
    "a\n",
    "a\nb\n",
    "\n",
    "\r\n",
    "a\rb",
    "~x",
    "x~",
]


@pytest.mark.parametrize("text", QUOTED_OR_PLAIN)
def test_strings_yaml_rs_writes_exactly_are_vouched_for(text: str) -> None:
    for data in ({"k": text}, {text: 1}, [text]):
        assert _vouched(data), data
        assert _reads_back_exactly(data), data


# Data yaml-rs writes so that it does not read back the same (or not at all).
INEXACT = [
    {"k": "2024-01-01"},
    {"2024-01-01": 1},
    {"k": "0o17"},
    {"k": "+.inf"},
    {"k": "\ufffe"},
    {"a\nb": 1},
    {"a" * 1100: 1},
    {"k": (1, 2)},
    {"a": [{"b": ("x",)}]},
    {"!Ref": "x"},
]


@pytest.mark.parametrize("data", INEXACT, ids=repr)
def test_what_yaml_rs_writes_inexactly_is_not_vouched_for(data: Any) -> None:
    assert not _reads_back_exactly(data)
    assert not _vouched(data)


# Data the read-back takes, not the scans: numbers yaml-rs's reader would type (kept as
# strings by structconv's reader), literal blocks, `<<`, long lines, types JSON lacks,
# a string at the root.
LEFT_TO_THE_READ_BACK = [
    {"k": "1_000"},
    {"k": "1e3"},
    {"k": "-1"},
    {"k": ".5"},
    {"k": "---x"},
    {"k": "_"},
    {"_1": "x"},
    {"k": "_.0"},  # a string in YAML 1.2, read back as one
    {"_.5e3": "x"},
    {"k": "..."},
    {"k": "12:30:00"},
    {"k": "1234567890123456789"},
    {"k": "a\nb"},
    {"k": " a\nb"},
    {"<<": {"a": 1}},
    {"k": "x" * 1100},
    {1: "a"},
    {"k": datetime.date(2024, 1, 1)},
    "text",
]


@pytest.mark.parametrize("data", LEFT_TO_THE_READ_BACK, ids=repr)
def test_the_scans_leave_the_rest_to_the_read_back(data: Any) -> None:
    assert not _vouched(data)
    assert fast_write(data, OPTIONS) is not None  # the read-back still takes it


@pytest.mark.parametrize(
    "data",
    [
        [2**63 - 1, -(2**63), 2**63, 2**64 - 1, 0.1, 5e-324, 1.7976931348623157e308],
        [float("inf"), float("-inf"), -0.0],
        {"a": {}, "b": [], "c": [[]], "d": [{}]},
    ],
    ids=repr,
)
def test_numbers_and_empty_collections_are_vouched_for(data: Any) -> None:
    assert _vouched(data)
    assert _reads_back_exactly(data)


def test_deep_data_is_vouched_for() -> None:
    deep: Any = {"leaf": "x"}
    for level in range(200):
        deep = [deep] if level % 2 else {"k": deep}
    assert _vouched(deep)
    assert _reads_back_exactly(deep)


def test_the_scans_vouch_for_ordinary_records() -> None:
    record = {
        "id": 7,
        "uuid": "0a1b2c3d-1234-4abc-8def-0123456789ab",
        "name": "José Müller",
        "name_ja": "山田 太郎",
        "active": True,
        "score": 12.5,
        "balance": -1.0e22,
        "rank": None,
        "tags": ["vip", "eu"],
        "address": {"street": "1-2-3 Chuo", "postcode": "123-4567", "geo": {"lat": 0.0}},
        "orders": [],
        "extra": {},
        "note": "Order delivered.\nCall before noon.\n",
    }
    assert _vouched([record, record])


_ALPHABET = st.characters(codec="utf-8") | st.sampled_from(
    list("0123456789+-.:_eExXoObB !#&*?|<>=%@`'\"\\{}[],~\t\n\r\x85\u2028\ufffe\uffff")
)
_PIECES = st.sampled_from([*QUOTED_OR_PLAIN, "2024-01-01", "12:30:00", "0o17", "1_0", "<<", "!a"])
# Spellings near numbers: what a reader may type
_NUMBERISH = st.text(st.sampled_from(list("0123456789_.eE+-xXoObBaf:T ")), min_size=1, max_size=6)
_STRINGS = (
    st.text(_ALPHABET, max_size=8)
    | _PIECES
    | _NUMBERISH
    | st.tuples(_PIECES | _NUMBERISH, _PIECES | _NUMBERISH).map("".join)
)
_INTEGERS = st.integers() | st.integers(min_value=-(2**64), max_value=2**64)
_SCALARS = st.none() | st.booleans() | _INTEGERS | st.floats() | _STRINGS
_JSON_LIKE = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(_STRINGS, inner, max_size=4)
        | st.lists(inner, max_size=2).map(tuple)
    ),
    max_leaves=12,
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_JSON_LIKE, max_size=3) | st.dictionaries(_STRINGS, _JSON_LIKE, max_size=3))
def test_where_the_scans_vouch_the_text_reads_back_exactly(data: Any) -> None:
    try:
        text = _text(data)
        _image(data)
    except Exception:
        return  # fast_write leaves it to the general path
    if _vouched(data):
        assert _reads_back_exactly(data)
        assert fast_write(data, OPTIONS) == text
