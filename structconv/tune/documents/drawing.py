"""Drawing the documents: template documents by seed and index, hypothesis documents,
and the two interleaved."""

from __future__ import annotations

import contextlib
import datetime
import random
from collections.abc import Iterator
from typing import Any

from structconv.tune.documents.base import TEMPLATES, Document, _remark

# How often each template is drawn, relative to 1: spreadsheets and records more (CSV and
# JSON Lines can only hold those, and multi-row headers come from grouped columns).
# fmt: off
TEMPLATE_WEIGHTS = {
    "spreadsheet-grouped": 4.0, "spreadsheet-units": 3.0, "spreadsheet-three-level": 3.0,
    "budget-sheet": 1.0, "users": 1.5, "orders": 1.5, "products": 1.5, "logs": 1.5,
    "sensor-readings": 1.2, "expenses-ja": 1.2, "i18n-table": 1.2,
}
# fmt: on
REMARK_KEYS = ["note", "description", "comment", "remark", "memo", "備考"]


def _annotate(data: Any, rng: random.Random) -> Any:
    """A note added to the document (to every record of a list, to one mapping of a
    config): the text people write there is what breaks hand-edited files."""
    key = rng.choice(REMARK_KEYS)
    if isinstance(data, list):
        if all(isinstance(row, dict) and key not in row for row in data):
            for row in data:
                row[key] = _remark(rng)
        return data
    mappings = [node for node in _mappings(data) if key not in node]
    if mappings:
        rng.choice(mappings)[key] = _remark(rng)
    return data


def _mappings(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, dict):
        if not any(str(key).startswith(("@", "#")) for key in data):
            yield data
        for value in data.values():
            yield from _mappings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _mappings(value)


def template_document(index: int, seed: int) -> Document:
    """The `index`-th template document of `seed`: the template and its values drawn from it."""
    rng = random.Random(f"structconv-tune:{seed}:template:{index}")
    names = sorted(TEMPLATES)
    name = rng.choices(names, weights=[TEMPLATE_WEIGHTS.get(n, 1.0) for n in names])[0]
    data, root, item = TEMPLATES[name](rng)
    if rng.random() < 0.4 and not name.startswith(("spreadsheet", "budget")):
        data = _annotate(data, rng)
    return Document(f"t{index:06d}", name, data, root, item)


# --- hypothesis documents -------------------------------------------------------------------


def draw_hypothesis_documents(count: int, seed: int) -> list[Document]:
    """`count` documents drawn by hypothesis (fewer when it finds fewer distinct ones),
    the same for the same seed (a @given collector under @seed, database and shrinking off).
    """
    if count <= 0:
        return []
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis import strategies as st

    plain_keys = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
    odd_keys = st.text(
        alphabet=st.characters(
            max_codepoint=0x9FFF, categories=("L", "N", "Pd", "Pc"), exclude_characters="ªº"
        ),
        min_size=1,
        max_size=8,
    ).filter(lambda key: key[0].isalpha())
    keys = st.one_of(
        plain_keys,
        plain_keys,
        odd_keys,
        st.sampled_from(["id", "name", "type", "value", "名前", "値"]),
    )
    words = st.text(
        alphabet=st.characters(
            max_codepoint=0x9FFF,
            categories=("L", "N", "P", "S", "Zs"),
            exclude_characters="\u2028\u2029\x85",
        ),
        max_size=16,
    )
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**12), max_value=10**12),
        st.floats(allow_nan=False, allow_infinity=False, width=64).filter(lambda x: abs(x) < 1e15),
        words,
        st.sampled_from(
            ["", "true", "null", "007", "1.0", "a: b", "x # y", "it's", 'say "hi"', "C:\\tmp"]
        ),
        st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2040, 12, 31)),
    )
    tree = st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, min_size=1, max_size=3),
            st.dictionaries(keys, children, min_size=1, max_size=3),
        ),
        max_leaves=8,
    )
    configs = st.dictionaries(keys, tree, min_size=1, max_size=5)

    @st.composite
    def record_lists(draw: Any) -> list[dict[str, Any]]:
        columns = draw(st.lists(keys, min_size=2, max_size=4, unique=True))
        cell = st.one_of(
            st.integers(min_value=-9999, max_value=99999),
            st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda x: round(x, 2)),
            words,
            st.booleans(),
        )
        records: list[dict[str, Any]] = draw(
            st.lists(
                st.fixed_dictionaries({column: cell for column in columns}), min_size=2, max_size=3
            )
        )
        return records

    documents: list[Any] = []
    seen: set[str] = set()

    @hypothesis_seed(seed)
    @settings(
        derandomize=True,
        database=None,
        max_examples=count * 2,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.one_of(configs, configs, record_lists()))
    def collect(data: Any) -> None:
        if len(documents) >= count:
            return
        marker = repr(data)
        if marker not in seen and len(marker) <= 400 and len(_distinct_scalars(data)) >= 4:
            seen.add(marker)
            documents.append(data)

    with _without_local_constants():
        collect()
    return [Document(f"h{index:06d}", "hypothesis", data) for index, data in enumerate(documents)]


@contextlib.contextmanager
def _without_local_constants() -> Iterator[None]:
    """Hypothesis also draws constants it finds in the source of the local modules loaded
    at the time (structconv's, a test's), so the same seed would give other documents
    after another import. The pool is emptied for the draw: the documents then depend on
    the seed and the hypothesis version only. (Internals; on a hypothesis without them,
    nothing is patched, and the determinism test says whether that still holds.)"""
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover
        yield
        return
    original = getattr(providers, "_get_local_constants", None)
    constants = getattr(providers, "Constants", None)
    cache = getattr(providers, "CONSTANTS_CACHE", None)
    if original is None or constants is None or cache is None:  # pragma: no cover
        yield
        return
    empty = constants()
    cache.cache.clear()
    providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        providers._get_local_constants = original
        cache.cache.clear()


def _distinct_scalars(data: Any) -> set[str]:
    if isinstance(data, dict):
        found = {f"key:{key}" for key in data}
        for value in data.values():
            found |= _distinct_scalars(value)
        return found
    if isinstance(data, list):
        return set().union(*(_distinct_scalars(value) for value in data)) if data else set()
    return {repr(data)}


def documents(seed: int, hypothesis_count: int, every: int = 5) -> Iterator[Document]:
    """Source documents in a fixed order, without end: template documents, with one
    hypothesis document after every `every` of them while they last (`hypothesis_count`
    are drawn, on the first document asked for)."""
    drawn = iter(draw_hypothesis_documents(hypothesis_count, seed))
    index = 0
    while True:
        if index % every == every - 1:
            document = next(drawn, None)
            if document is not None:
                yield document
        yield template_document(index, seed)
        index += 1
