"""Number-like plain scalars in YAML: none becomes an infinity (or NaN) that its text does
not spell, whatever reader path, target format or place in the document.

yaml-rs (structconv's YAML reader) makes a float of any plain scalar of digits, `_`, one
`.` and one exponent, underscores removed, and a float too large for a double becomes
infinity: `1.e400`, `1e4_00`, `1_e400` and 400 digits followed by `.` all do. The
oracle here is yaml-rs itself, token by token, never a model of its grammar: whatever
it reads as a non-finite float must be refused by structconv with the token's line and
column, or kept as the token's own text (the YAML 1.2 strings, `1_e400` like `1_000`);
whatever structconv accepts converts to YAML, JSON and TOML as the same data, and reads
the same whether yaml-rs or the event reader (taken for a file with a tag) reads it."""

from __future__ import annotations

import math
from typing import Any

import yaml_rs
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from structconv import ParseError, UnrepresentableError, convert
from structconv.formats.yaml import CODEC
from structconv.neutral import first_difference
from structconv.options import Options

# The pieces of a number-like token: each character of yaml-rs's float and integer rules,
# short and long runs of digits (a mantissa of 155, 309 or more digits), 3-digit exponents.
_PIECES = st.sampled_from(
    ["0", "1", "9", "_", "__", ".", "e", "E", "+", "-", "400", "3_09", "0400", "99"]
    + ["9" * 160, "1" * 310, "_".join("7" * 320)]
)
TOKENS = st.lists(_PIECES, min_size=1, max_size=7).map("".join)
# A key is shorter: YAML refuses an implicit key over 1024 characters.
KEY_TOKENS = TOKENS.filter(lambda token: len(token) < 1000)
# A tag elsewhere in the file sends it to the event reader (structconv.formats.yaml_events).
_TAGGED_LINE = "zz: !x y"


def _yaml_rs_value(token: str) -> Any:
    """yaml-rs's reading of the token as a plain scalar; the token itself when it fails."""
    try:
        data = yaml_rs.loads(f"k: {token}\n")
    except Exception:
        return token
    return data.get("k", token) if isinstance(data, dict) else token


def _non_finite(value: Any) -> bool:
    return isinstance(value, float) and not math.isfinite(value)


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[tuple[str, int, int]]]:
    """A block mapping with tokens as values and a key, in flow sequences and mappings and
    a block sequence; with each token's (text, line, column)."""
    lines: list[str] = []
    placed: list[tuple[str, int, int]] = []
    token_key = False  # one at most: two could read as the same key

    def put(prefix: str, token: str, suffix: str = "") -> str:
        placed.append((token, len(lines) + 1, len(prefix) + 1))
        return prefix + token + suffix

    for number in range(draw(st.integers(1, 5))):
        shape = draw(st.sampled_from(["value", "key", "flow_seq", "flow_map", "block_seq"]))
        token = draw(TOKENS)
        if shape == "value":
            lines.append(put(f"k{number}: ", token))
        elif shape == "key" and not token_key:
            token_key = True
            lines.append(put("", draw(KEY_TOKENS), f": v{number}"))
        elif shape == "flow_seq":
            line = put(f"k{number}: [x, ", token)
            lines.append(put(line + ", ", draw(TOKENS), "]"))
        elif shape == "flow_map":
            lines.append(put(f"k{number}: {{", draw(KEY_TOKENS), ": 1}"))
        else:
            lines.append(f"k{number}:")
            lines.append(put("  - ", token))
    return "\n".join(lines) + "\n", placed


def _read(text: str) -> Any:
    try:
        return CODEC.loads(text, Options())
    except ParseError as failure:
        return failure


def _values(data: Any) -> list[Any]:
    """Every scalar of the data, keys included."""
    found: list[Any] = []
    pending = [data]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            pending.extend(node.values())
            found.extend(node)
        elif isinstance(node, list):
            pending.extend(node)
        else:
            found.append(node)
    return found


def _check_targets(text: str, data: Any) -> None:
    """YAML holds every such document; JSON and TOML give the same data or refuse a value
    by name (a float key, an integer past TOML's range), never write an infinity."""
    for target in ("yaml", "json", "toml"):
        try:
            output = convert(text, src="yaml", to=target, repair="off").text
        except UnrepresentableError as failure:
            assert target != "yaml", (text, failure)
            assert "inf" not in str(failure).lower(), (text, target, failure)
            continue
        back = convert(output, src=target, to="yaml", repair="off").text
        assert first_difference(data, CODEC.loads(back, Options())) is None, (text, target)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
@example(("a: 1.e400\n", [("1.e400", 1, 4)]))
@example(("a: 1e4_00\n", [("1e4_00", 1, 4)]))
@example(("a: [x, 1_e400]\n", [("1_e400", 1, 8)]))
@example(('a: {"b":1e400}\n', [("1e400", 1, 9)]))
@example(("a: " + "1" * 400 + ".\n", [("1" * 400 + ".", 1, 4)]))
def test_no_number_spelling_becomes_an_infinity_silently(
    document: tuple[str, list[tuple[str, int, int]]],
) -> None:
    text, placed = document
    overflowing = {
        (line, column): token
        for token, line, column in placed
        if _non_finite(_yaml_rs_value(token))
    }
    fast = _read(text)
    events = _read(text + _TAGGED_LINE + "\n")
    if isinstance(fast, ParseError):
        if (fast.line, fast.column) in overflowing:
            assert "too large for a float" in fast.message, (text, fast)
            assert "quote it" in fast.hint, (text, fast)
            assert isinstance(events, ParseError), (text, fast, events)
            assert (fast.line, fast.column) == (events.line, events.column), (text, fast, events)
            return
        # Refused for something else, which yaml-rs refuses as well (a lone "-" in a flow
        # sequence, which libyaml, under the event reader, takes as a string).
        try:
            yaml_rs.loads(text)
        except Exception:
            return
        raise AssertionError((text, fast))
    assert isinstance(events, dict), (text, events)
    del events["zz"]
    assert first_difference(fast, events) is None, (text, fast, events)
    values = _values(fast)
    assert not any(_non_finite(value) for value in values), (text, fast)
    tokens = {token for token, _, _ in placed}
    for token in tokens:
        value = _yaml_rs_value(token)
        if _non_finite(value):  # accepted only as its own text
            assert token in values, (text, token, fast)
    _check_targets(text, fast)
