"""Hostile input: random bytes and mutations of valid files, every format.

Only structconv's own exceptions may escape, and never a RoundTripError: that
would mean a writer lost data on some input the reader accepted. With repair off
this is the strict reader alone; with the rules on, a repaired result must also
carry the fixes that made it (nothing is repaired silently).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from structconv import RoundTripError, StructconvError, convert
from structconv.formats import FORMATS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEEDS: dict[str, bytes] = {
    "json": (EXAMPLES / "people.json").read_bytes(),
    "jsonl": b'{"a": 1, "b": [true, null]}\n{"a": "x\\ny"}\n',
    "yaml": (EXAMPLES / "inventory.yaml").read_bytes(),
    "toml": (EXAMPLES / "servers.toml").read_bytes(),
    "xml": (EXAMPLES / "catalog.xml").read_bytes(),
    "csv": (EXAMPLES / "sales.csv").read_bytes(),
}
HOSTILE = [
    b"\x00",
    b"\xff",
    b"\n",
    b"\t",
    b" ",
    b'"',
    b"'",
    b",",
    b":",
    b"- ",
    b"[",
    b"]",
    b"{",
    b"}",
    b"<",
    b">",
    b"&",
    b"=",
    b"#",
    b"!",
    b"*",
    b"---\n",
    b"&a ",
    b"*a",
    b"]]>",
    b"<!ENTITY x SYSTEM 'file:///etc/passwd'>",
    b"\xef\xbb\xbf",
    b"\\u",
    b"\\ud800",
]

FUZZ_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _attempt(raw: bytes, source: str, target: str, repair: str = "off") -> None:
    try:
        result = convert(raw, src=source, to=target, max_bytes=1 << 20, repair=repair)
    except RoundTripError:
        raise
    except StructconvError:
        return
    if result.repaired is not None:
        assert result.fixes, "a repair without any recorded fix"


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, bytes]:
    source = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[source])
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "duplicate", "flip"]))
        if action == "insert":
            data[position:position] = draw(st.sampled_from(HOSTILE))
        elif action == "delete":
            del data[position : position + draw(st.integers(1, 40))]
        elif action == "duplicate":
            data[position:position] = data[position : position + draw(st.integers(1, 80))]
        elif data:
            index = min(position, len(data) - 1)
            data[index] = draw(st.integers(0, 255))
    return source, bytes(data)


@FUZZ_SETTINGS
@given(
    raw=st.binary(max_size=400), source=st.sampled_from(FORMATS), target=st.sampled_from(FORMATS)
)
def test_random_bytes(raw: bytes, source: str, target: str) -> None:
    _attempt(raw, source, target)


@FUZZ_SETTINGS
@given(case=mutations(), target=st.sampled_from(FORMATS))
def test_mutated_valid_files_with_repair_rules(case: tuple[str, bytes], target: str) -> None:
    source, raw = case
    _attempt(raw, source, target, repair="rules")


@FUZZ_SETTINGS
@given(case=mutations(), target=st.sampled_from(FORMATS))
def test_mutated_valid_files(case: tuple[str, bytes], target: str) -> None:
    source, raw = case
    _attempt(raw, source, target)


@pytest.mark.parametrize("source", sorted(SEEDS))
@pytest.mark.parametrize("target", FORMATS)
def test_seed_files_do_not_crash(source: str, target: str) -> None:
    _attempt(SEEDS[source], source, target)


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("json", "[" * 100_000),
        ("json", '{"a":' * 50_000),
        ("yaml", "[" * 100_000),
        ("yaml", "".join("  " * level + "a:\n" for level in range(3000))),
        ("toml", "a = " + "[" * 100_000),
        ("xml", "<a>" * 100_000),
        ("csv", '"' * 100_000),
    ],
)
@pytest.mark.parametrize("repair", ["off", "rules"])
def test_deep_or_unbalanced_input_is_a_parse_error_not_a_crash(
    source: str, text: str, repair: str
) -> None:
    _attempt(text.encode(), source, "json", repair)
