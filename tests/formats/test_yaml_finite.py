"""The scans that prove a YAML text gives no NaN or infinity (structconv.formats.yaml_finite),
and the proof the YAML reader hands the JSON writer with them (structconv.facts).

Each claim is checked against what yaml-rs actually reads, not against a model of it: the
spellings that give NaN or an infinity are all flagged, and a proof is never given for a
text whose data holds one, or holds anything but JSON's types and dates."""

from __future__ import annotations

import contextlib
import datetime
import itertools
import math
from collections.abc import Iterator
from typing import Any

import pytest
import yaml_rs
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from structconv import api, convert, facts
from structconv.errors import StructconvError
from structconv.formats.yaml import CODEC
from structconv.formats.yaml_events import LONG_NUMBER
from structconv.formats.yaml_finite import LONG_DIGITS, may_spell_non_finite, numbers
from structconv.options import Options

FACT = facts.JSON_TYPES_OR_DATES
_EXACT_TYPES = (str, int, bool, type(None), datetime.date, datetime.time)  # datetime is a date


def _flagged(text: str) -> bool:
    return may_spell_non_finite(text, numbers(text))


def _spellings(word: str) -> Iterator[str]:
    """Every upper/lower case spelling of `word`."""
    for letters in itertools.product(*((c.lower(), c.upper()) for c in word)):
        yield "".join(letters)


SPECIAL = [
    sign + "." + spelled
    for word in ("inf", "nan")
    for spelled in _spellings(word)
    for sign in ("", "+", "-")
]
OVERFLOWING = [
    "1e400",
    "1E400",
    "1e+400",
    "-1e400",
    "1.e400",
    "1_e400",
    "1e4_00",
    "1e_4_0_0",
    "1_0e3_08",
    ".5e400",
    "0.1e310",
    "1e0400",
    "1" * 400,  # an int, not a float: flagged all the same
    "1" * 400 + ".0",
    "_".join("1" * 400) + ".5",
    "9" * 200 + "e200",
]


@pytest.mark.parametrize("spelling", SPECIAL + OVERFLOWING)
@pytest.mark.parametrize(
    "template",
    [
        "{}",
        "a: {}\n",
        "- {}\n",
        "[x, {}]\n",
        "{{a: {}}}\n",
        '{{"a":{}}}\n',
        "{}: a\n",
        "--- {}\n",
        "a: 1\n---\nb: {}\n",
        "a: &x {}\nb: *x\n",
        "a:\r{}\r",
        "a: {} # comment\n",
    ],
)
def test_every_spelling_of_nan_or_infinity_is_flagged(spelling: str, template: str) -> None:
    text = template.format(spelling)
    assert _flagged(text)


@pytest.mark.parametrize("spelling", SPECIAL + OVERFLOWING[:12])
def test_the_flagged_spellings_are_what_yaml_rs_reads_as_nan_or_infinity(spelling: str) -> None:
    """The table above is yaml-rs's, not a guess: each of these is a non-finite float
    (a signed NaN is the one exception: a string, flagged all the same)."""
    value = yaml_rs.loads(f"a: {spelling}\n")["a"]
    assert spelling.lower() in ("+.nan", "-.nan") or (
        isinstance(value, float) and not math.isfinite(value)
    )


@pytest.mark.parametrize(
    "spelling",
    ["inf", "-inf", "+inf", "INF", "Infinity", "-Infinity", "infinity", "nan", "NaN", "NAN"],
)
def test_yaml_rs_reads_other_spellings_of_nan_and_infinity_as_strings(spelling: str) -> None:
    """The scans pass these over: should a new yaml-rs read them as floats, this fails and
    the scans must learn them."""
    for text in (f"a: {spelling}\n", f"[{spelling}]", spelling):
        data = yaml_rs.loads(text)
        value = data["a"] if isinstance(data, dict) else data[0] if isinstance(data, list) else data
        assert value == spelling


@pytest.mark.parametrize(
    "text",
    [
        "a: 1e99\nb: -1e-400\nc: 1.5e+99\nd: 1e-999\n",  # (1e308 is flagged: 3 digits)
        "id: 4e123abc-8a01-4d37-b348-fefcf3e8843c\n",  # a UUID: hexadecimal, not a float
        "id: ac9e9abd-8a01-4d37-b348-fefc12345e123\n",
        "sku: SKU-1e999\nname: Kenji\n",
        "version: v1e400\n",
        "a: inf\nb: nan\nc: Infinity\nd: NaN\n",  # strings in YAML 1.2
        "a: 1" + "0" * 150 + "\n",
    ],
)
def test_ordinary_text_is_not_flagged(text: str) -> None:
    assert not _flagged(text)


# ------------------------------------------------------------- the proof, against yaml-rs


def _load_with_proof(text: str, **settings: Any) -> tuple[Any, bool]:
    with facts.keeping_facts():
        data = CODEC.loads(text, Options(**settings))
        return data, facts.proven(data, FACT)


def _holds_json_types_or_dates(data: Any) -> bool:
    pending = [data]
    while pending:
        node = pending.pop()
        if type(node) is dict:
            pending.extend(node.values())
        elif type(node) is list:
            pending.extend(node)
        elif type(node) is float:
            if not math.isfinite(node):
                return False
        elif type(node) not in (*_EXACT_TYPES, datetime.datetime):
            return False
    return True


def test_ordinary_records_are_proven() -> None:
    """Else the proof would save nothing where it matters."""
    text = "".join(
        f"- id: {n}\n  uuid: ac9e9abd-8a01-4d37-b348-fefcf3e884{n:02}\n  score: {n}.5e3\n"
        f"  when: 2024-01-{n:02}\n  tags: [a, b]\n  geo: {{lat: -27.3, lon: 7.5}}\n"
        for n in range(1, 20)
    )
    data, proven = _load_with_proof(text)
    assert proven
    assert data[0]["when"] == datetime.date(2024, 1, 1)


@pytest.mark.parametrize(
    "text",
    [
        "a: !!float inf\n",
        "a: !!float 'Infinity'\n",
        'a: !!float "NaN"\n',
        "a: !!float -.INF\n",
        "%TAG !e! tag:yaml.org,2002:\n---\na: !e!float nan\n",
        "a: !<tag:yaml.org,2002:float> inf\n",
        "a: !!set {x}\n",
        "a: .inf\n",
        "a: [1, .NaN]\n",
        "base: &b {x: .inf}\nc:\n  <<: *b\n",
        "a: 1_e400\n",  # a string (YAML 1.2), which yaml-rs alone reads as infinity
    ],
)
def test_no_proof_where_tags_or_non_finite_spellings_are(text: str) -> None:
    _, proven = _load_with_proof(text)
    assert not proven


def test_no_proof_outside_a_conversion_and_none_for_a_reread() -> None:
    CODEC.loads("a: 1\n", Options())  # outside keeping_facts: nothing kept, nothing raised
    with facts.keeping_facts():
        data = CODEC.reread("a: 1\n", Options())
        assert not facts.proven(data, FACT)


# Pieces of YAML chosen to break the proof: numbers near every edge of yaml-rs's float
# rules, the special spellings in any case, words that look like them, tags, quoting.
_PLAIN_NUMBER = st.from_regex(
    r"[+-]?[0-9]{1,4}(\.[0-9]{0,3})?([eE][+-]?[0-9]{1,2})?", fullmatch=True
)
_DIGITS = st.text("0123456789_", min_size=0, max_size=5)
_EDGE_NUMBER = st.builds(
    lambda sign, whole, point, fraction, e, esign, exponent: (
        f"{sign}{whole}{point}{fraction}{e}{esign if e else ''}{exponent if e else ''}"
    ),
    st.sampled_from(["", "+", "-"]),
    _DIGITS | st.sampled_from(["9" * 160, "1" * 310, "_".join("7" * 320)]),
    st.sampled_from(["", "."]),
    _DIGITS,
    st.sampled_from(["", "e", "E"]),
    st.sampled_from(["", "+", "-"]),
    _DIGITS | st.sampled_from(["308", "309", "3_1_0", "0400", "999"]),
)
_SPECIAL = st.builds(
    lambda sign, dot, word: f"{sign}{dot}{word}",
    st.sampled_from(["", "+", "-"]),
    st.sampled_from([".", "", ". "]),
    st.sampled_from([*SPECIAL, "inf", "Infinity", "NaN", "nan", ".info", ".nano"]),
)
_WORD = st.sampled_from(
    ["abc4e123", "x1e400", "2024-01-02", "12:30:00", "null", "~", "true", "4e123abc-1e999"]
)


@st.composite
def _scalar(draw: st.DrawFn, risk: int, tagged: bool = True) -> str:
    """A scalar; one in `risk` is an edge case (a tag, an edge number, a special spelling)."""
    risky = draw(st.integers(1, risk)) == 1
    body = draw(st.one_of(_EDGE_NUMBER, _SPECIAL, _WORD) if risky else _PLAIN_NUMBER)
    quote = draw(st.sampled_from(["", "", "", "'", '"']))
    tag = ""
    if tagged and risky and draw(st.booleans()):
        tag = draw(st.sampled_from(["!!float ", "!!str ", "!x "]))
    return f"{tag}{quote}{body}{quote}"


def _flow_map(scalars: list[str]) -> str:
    return "{" + ", ".join(f"m{i}: {s}" for i, s in enumerate(scalars)) + "}"


@st.composite
def _documents(draw: st.DrawFn) -> str:
    """A stream of block or flow collections of those scalars, with anchors, aliases and
    merge keys, as one document or several."""
    lines: list[str] = []
    anchors: list[str] = []
    risk = draw(st.sampled_from([2, 8, 40]))
    scalar = _scalar(risk)
    scalars = st.lists(scalar, max_size=3)
    for number in range(draw(st.integers(1, 6))):
        key = draw(st.sampled_from([f"k{number}"] * 4 + ["<<", draw(_scalar(risk, tagged=False))]))
        kind = draw(st.sampled_from(["scalar", "flow_seq", "flow_map", "alias", "anchor"]))
        if key == "<<":
            value = draw(st.sampled_from(["", f"&a{number} "])) + _flow_map(draw(scalars))
        elif kind == "scalar":
            value = draw(scalar)
        elif kind == "flow_seq":
            value = "[" + ", ".join(draw(scalars)) + "]"
        elif kind == "flow_map":
            value = _flow_map(draw(scalars))
        elif kind == "alias" and anchors:
            value = "*" + draw(st.sampled_from(anchors))
        else:
            value = f"&a{number} " + draw(st.sampled_from([draw(scalar), _flow_map(draw(scalars))]))
        if value.startswith("&"):
            anchors.append(f"a{number}")
        lines.append(f"{key}: {value}")
        if number and draw(st.integers(0, 3)) == 0:
            lines.append("---")
            anchors.clear()  # an alias names an anchor of its own document
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents())
@example("a: 1.e400\n")
@example("a: 1e4_00\n")
@example("a: [.iNf]\n")
def test_a_proven_text_holds_no_nan_infinity_or_other_type(text: str) -> None:
    try:
        data, proven = _load_with_proof(text, multi_document=True)
    except StructconvError:
        return
    if proven:
        assert _holds_json_types_or_dates(data), text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text("0123456789_.+-eEinfatyINFATY", min_size=1, max_size=12))
def test_a_scalar_yaml_rs_reads_as_nan_or_infinity_is_flagged(token: str) -> None:
    for text in (token, f"a: {token}\n", f"[{token}]"):
        try:
            data = yaml_rs.loads(text)
        except Exception:
            continue
        values = (
            data.values() if isinstance(data, dict) else data if isinstance(data, list) else [data]
        )
        if any(isinstance(value, float) and not math.isfinite(value) for value in values):
            assert _flagged(text), text


# ----------------------------------------------- the JSON writer, with and without proof


@contextlib.contextmanager
def _no_proofs() -> Iterator[None]:
    yield


def _outcome(text: str, **settings: Any) -> tuple[str, str]:
    try:
        return "text", convert(text, src="yaml", to="json", repair="off", **settings).text
    except StructconvError as failure:
        return type(failure).__name__, str(failure)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents())
def test_the_json_writer_gives_the_same_with_a_proof_as_with_its_walk(text: str) -> None:
    """The proof only skips a walk: the text, or the error, is what the walk gives."""
    with_proof = _outcome(text, multi_document=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(api, "keeping_facts", _no_proofs)
        assert _outcome(text, multi_document=True) == with_proof


def test_the_json_writer_skips_its_walk_for_proven_data(monkeypatch: pytest.MonkeyPatch) -> None:
    def walk(data: object) -> bool:
        raise AssertionError("walked")

    monkeypatch.setattr("structconv.formats.json.orjson_writes_exactly", walk)
    assert convert("a: [1, 2.5, x]\n", src="yaml", to="json").text == (
        '{\n  "a": [\n    1,\n    2.5,\n    "x"\n  ]\n}\n'
    )


def test_a_proven_date_still_reaches_the_general_path() -> None:
    """orjson refuses the date (OPT_PASSTHROUGH_DATETIME) instead of writing its own text."""
    assert convert("a: 2024-01-02 10:00:00\n", src="yaml", to="json").text == (
        '{\n  "a": "2024-01-02T10:00:00"\n}\n'
    )


# ------------------------------------------ one exponent scan for the reader's two checks


def test_the_run_the_shared_scan_looks_for_is_no_longer_than_the_readers() -> None:
    """The reader looks for its run of LONG_NUMBER digits only where the shared scan found
    one of LONG_DIGITS digits and underscores: sound only while LONG_DIGITS is no longer."""
    assert LONG_DIGITS <= LONG_NUMBER
    assert numbers("a: " + "1" * LONG_DIGITS + "\n").long_digits
    assert not numbers("a: " + "1" * (LONG_DIGITS - 1) + "\n").long_digits
