"""What a reader proved about the data it returned, told to the writer that follows.

A writer that cannot trust its library with some values walks the data to rule them
out (the JSON writer: orjson writes NaN and the infinities as null). A reader that can
rule them out from its text, more cheaply, says so here, and the writer skips its walk.

A proof is about one object as its reader returned it: `convert` hands that object to
the writer unchanged, inside `keeping_facts`. Outside that, or for any other object (a
copy, the data after `represent`), nothing is proven and the writer walks as before.
Only the latest proof is kept (it holds its object alive until the context ends).
"""

# Annotations are evaluated, not postponed: typing would compile a NamedTuple's (see
# docs/architecture.md, "The layers").
import contextlib
from typing import Literal, NamedTuple

from structconv.handoff import Handoff

Fact = Literal["json-types-or-dates", "json-types"]
# Every value is a dict, a list, a str, an int, a bool, None, a finite float or a date,
# datetime or time, none of them a subclass (keys may be anything): what orjson writes
# exactly, dates apart (which orjson.OPT_PASSTHROUGH_DATETIME makes it refuse).
JSON_TYPES_OR_DATES: Fact = "json-types-or-dates"
# Every value is a dict, a list, a str, an int, a bool, None or a finite float, none of
# them a subclass, every key a str (so no tuple, no date): what orjson.loads returns.
JSON_TYPES: Fact = "json-types"


class _Proof(NamedTuple):
    facts: frozenset[Fact]
    image: bytes | None  # orjson.dumps(data), where the reader made it


_PROOFS: Handoff[object, _Proof] = Handoff("structconv_facts")


def keeping_facts() -> contextlib.AbstractContextManager[None]:
    """Keep the latest proof given inside (see `prove`), for the writers called inside."""
    return _PROOFS.scope()


def wanted() -> bool:
    """Whether a proof would be kept: a reader need not look for facts otherwise."""
    return _PROOFS.wanted()


def prove(data: object, *facts: Fact, image: bytes | None = None) -> None:
    """Record that `data`, as it is now, has these facts (dropped outside `keeping_facts`);
    `image`: orjson's compact bytes of it (`orjson.dumps(data)`), made by the reader."""
    _PROOFS.give(data, _Proof(frozenset(facts), image))


def proven(data: object, fact: Fact) -> bool:
    """Whether the latest proof is about this very object and holds `fact`."""
    held = _PROOFS.about(data)
    return held is not None and fact in held.facts


def image(data: object) -> bytes | None:
    """orjson's compact bytes of this very object, where its reader gave them: a writer
    that needs them need not make them again (the JSON reader makes them to count the
    data's members; for JSON_TYPES data, orjson's PASSTHROUGH options change nothing)."""
    held = _PROOFS.about(data)
    return None if held is None else held.image
