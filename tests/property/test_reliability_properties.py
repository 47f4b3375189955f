"""Properties against the classes of input that once lost data with exit status 0.

- XML writing is lossless or loud: data with empty containers, nulls, whitespace-only
  text beside children and text pieces side by side either converts to XML that reads
  back with every element and every text (an empty container as an empty element, an
  empty text as no text), or is refused with an UnrepresentableError; a null is always
  refused without a null policy.
- CSV and JSON Lines from a pipe (read once, like stdin) convert to the bytes that the
  same input gives from a regular file.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import structconv
from structconv import UnrepresentableError

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- XML --------------------------------------------------------------------------------

names = st.sampled_from(["a", "b", "c"])
texts = st.sampled_from(["", " ", "\n  ", "\t", "x", "y z", " padded "])


def _elements(nulls: bool) -> st.SearchStrategy[Any]:
    """Element values as a user may hand them over (not only as reading gives them)."""
    leaf = texts | st.just([]) | st.just({}) | (st.none() if nulls else st.nothing())

    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        pieces = st.lists(texts | st.dictionaries(names, inner, min_size=1, max_size=1), max_size=4)
        mapping = st.dictionaries(
            names | st.sampled_from(["@id", "@k", "#text", "#content"]),
            inner,
            max_size=4,
        ).flatmap(lambda element: _with_valid_specials(element, pieces))
        items = st.lists(inner.filter(lambda value: not isinstance(value, list)), max_size=3)
        return mapping | items

    return st.recursive(leaf, extend, max_leaves=10)


def _with_valid_specials(
    element: dict[str, Any], pieces: st.SearchStrategy[list[Any]]
) -> st.SearchStrategy[dict[str, Any]]:
    """Attributes and #text hold text, #content a list of pieces, in the drawn key order."""
    strategies = {
        key: texts
        if key.startswith("@") or key == "#text"
        else pieces
        if key == "#content"
        else st.just(value)
        for key, value in element.items()
    }
    return st.fixed_dictionaries(strategies)


def _outline(name: str, value: Any, found: Counter[Any]) -> None:
    """Every element (by name) and every non-empty text (with where it stands) below
    `name`; an empty list is one empty element, as XML writes it."""
    if isinstance(value, list) and value:
        for item in value:
            _outline(name, item, found)
        return
    found[("element", name)] += 1
    if isinstance(value, str):
        if value:
            found[("text", name, value)] += 1
        return
    if not isinstance(value, dict):
        return  # [] or None written empty
    for key, item in value.items():
        if key.startswith("@"):
            found[("attribute", key, item)] += 1
        elif key == "#text":
            if item:
                found[("text", name, item)] += 1
        elif key == "#content":
            for piece in item:
                if isinstance(piece, str):
                    if piece:
                        found[("text", name, piece)] += 1
                else:
                    ((child, child_value),) = piece.items()
                    _outline(child, child_value, found)
        else:
            _outline(key, item, found)


def _holds_null(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, dict):
        return any(map(_holds_null, value.values()))
    if isinstance(value, list):
        return any(map(_holds_null, value))
    return False


def _outline_of(document: dict[str, Any]) -> Counter[Any]:
    found: Counter[Any] = Counter()
    ((name, value),) = document.items()
    _outline(name, value, found)
    return found


@SETTINGS
@given(element=_elements(nulls=False))
def test_xml_keeps_every_element_and_text_or_refuses(element: Any) -> None:
    document = {"root": {"e": element}}
    try:
        result = structconv.convert(json.dumps(document), src="json", to="xml", repair="off")
    except UnrepresentableError as error:
        assert error.path.startswith("$.root")
        return
    back = structconv.convert(result.text, src="xml", to="json", repair="off").data
    assert _outline_of(back) == _outline_of(document)


@SETTINGS
@given(element=_elements(nulls=True).filter(_holds_null))
def test_xml_refuses_any_null_without_a_null_policy(element: Any) -> None:
    """The root itself too (`{"root": null}` was written `<root/>`)."""
    document = {"root": {"e": element} if isinstance(element, list) else element}
    with pytest.raises(UnrepresentableError):  # for the null, or for what comes before it
        structconv.convert(json.dumps(document), src="json", to="xml", repair="off")


# --- pipes ------------------------------------------------------------------------------

cells = st.sampled_from(["", "x", "a,b", 'say "hi"', "line\nbreak", "=1+1", "-5", "7", "1.5"])
records = st.lists(
    st.fixed_dictionaries({"id": st.integers(-3, 3), "name": cells, "note": cells}), max_size=5
)


def _source_text(rows: list[dict[str, Any]], source: str) -> bytes:
    if source == "jsonl":
        return "".join(json.dumps(row) + "\n" for row in rows).encode()
    return structconv.convert(json.dumps(rows), src="json", to="csv").text.encode() if rows else b""


def _through_a_pipe(data: bytes, target: str, out: Path, source: str) -> bytes:
    """convert_file of /dev/fd/N, the read end of a pipe that a thread fills."""
    read_end, write_end = os.pipe()

    def fill() -> None:
        with os.fdopen(write_end, "wb") as stream:
            stream.write(data)

    writer = threading.Thread(target=fill, daemon=True)
    writer.start()
    try:
        structconv.convert_file(f"/dev/fd/{read_end}", to=target, out=out, src=source)
    finally:
        os.close(read_end)
        writer.join(5)
    return out.read_bytes()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@pytest.mark.parametrize(
    ("source", "target"), [("csv", "json"), ("csv", "jsonl"), ("jsonl", "csv"), ("jsonl", "json")]
)
@given(rows=records)
def test_a_pipe_converts_like_a_regular_file(
    tmp_path_factory: pytest.TempPathFactory, source: str, target: str, rows: list[dict[str, Any]]
) -> None:
    folder = tmp_path_factory.mktemp("pipe")
    data = _source_text(rows, source)
    regular = folder / f"in.{source}"
    regular.write_bytes(data)
    structconv.convert_file(regular, to=target, out=folder / f"regular.{target}")
    expected = (folder / f"regular.{target}").read_bytes()
    assert _through_a_pipe(data, target, folder / f"piped.{target}", source) == expected
