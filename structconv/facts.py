"""What a reader proved about the data it returned, told to the writer that follows.

A writer that cannot trust its library with some values walks the data to rule them
out (the JSON writer: orjson writes NaN and the infinities as null). A reader that can
rule them out from its text, more cheaply, says so here, and the writer skips its walk.

A proof is about one object as its reader returned it: `convert` hands that object to
the writer unchanged, inside `keeping_facts`. Outside that, or for any other object (a
copy, the data after `represent`), nothing is proven and the writer walks as before.
Only the latest proof is kept (it holds its object alive until the context ends).
"""

from __future__ import annotations

import contextlib
from typing import Literal

from structconv.handoff import Handoff

Fact = Literal["json-types-or-dates", "json-types"]
# Every value is a dict, a list, a str, an int, a bool, None, a finite float or a date,
# datetime or time, none of them a subclass (keys may be anything): what orjson writes
# exactly, dates apart (which orjson.OPT_PASSTHROUGH_DATETIME makes it refuse).
JSON_TYPES_OR_DATES: Fact = "json-types-or-dates"
# Every value is a dict, a list, a str, an int, a bool, None or a finite float, none of
# them a subclass, every key a str (so no tuple, no date): what orjson.loads returns.
JSON_TYPES: Fact = "json-types"

_PROOFS: Handoff[object, frozenset[Fact]] = Handoff("structconv_facts")


def keeping_facts() -> contextlib.AbstractContextManager[None]:
    """Keep the latest proof given inside (see `prove`), for the writers called inside."""
    return _PROOFS.scope()


def wanted() -> bool:
    """Whether a proof would be kept: a reader need not look for facts otherwise."""
    return _PROOFS.wanted()


def prove(data: object, *facts: Fact) -> None:
    """Record that `data`, as it is now, has these facts (dropped outside `keeping_facts`)."""
    _PROOFS.give(data, frozenset(facts))


def proven(data: object, fact: Fact) -> bool:
    """Whether the latest proof is about this very object and holds `fact`."""
    held = _PROOFS.about(data)
    return held is not None and fact in held
