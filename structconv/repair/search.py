"""The one bounded search over the readings of broken text, for the rules of every format.

Where broken text can be repaired in several ways, the rules try each way (a reading),
read every result with the strict reader, and keep one reading per distinct data: one
left is a repair, several are an `Ambiguity` with every candidate (the rules never pick).
Readings that give the same data are one reading (`neutral.same_data`: 1, 1.0 and True
are different readings). A search is bounded by its `Budget`: past it the input is
refused (`GiveUp`) rather than half-searched.

Two drivers, one per style of rules:

- `replay` (JSON, XML): one walk over the whole text makes every change; where it can
  go several ways it asks its `Choices`, which replay the choices fixed for this walk
  and take the first reading elsewhere. Every choice met opens the walks that take its
  other readings.
- `passes` (TOML, YAML): read, let the first rule that knows the reader's complaint
  propose changes, apply them, read again. A proposal of several readings forks the
  branch; each branch goes on by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeAlias, TypeVar

from structconv import frozen
from structconv.errors import ParseError
from structconv.fixes import Ambiguity, Candidate, Fix
from structconv.neutral import Data, same_data
from structconv.options import Options
from structconv.repair.edits import Edit

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Change:
    """One change a reading makes: replace text[start:end] with `replacement`, by `rule`,
    saying `message`, as sure of it as `confidence`."""

    start: int
    end: int
    replacement: str
    rule: str
    message: str
    confidence: float = 1.0

    @property
    def edit(self) -> Edit:
        return Edit(self.start, self.end, self.replacement, self.rule, self.message)


class GiveUp(Exception):
    """The search went past its budget: the input is refused rather than half-searched."""


@dataclass
class Budget:
    """What one search may spend. `runs`: walks (replay) or passes, all readings together;
    `readings`: readings alive at once (waiting, finished and the one in hand); `work`:
    characters read by the strict reader in all."""

    runs: int
    readings: int
    work: int = 1 << 62
    spent_runs: int = field(default=0, init=False)
    spent_work: int = field(default=0, init=False)

    def run(self) -> None:
        self.spent_runs += 1
        if self.spent_runs > self.runs:
            raise GiveUp

    def alive(self, count: int) -> None:
        if count > self.readings:
            raise GiveUp

    def read(self, text: str) -> None:
        self.spent_work += len(text)
        if self.spent_work > self.work:
            raise GiveUp


def read_strict(text: str, format: str, options: Options) -> tuple[Data, ParseError | None]:
    """The data of `text` by the strict reader, as `formats.read` reads it (the caller's
    options, the size and depth limits), or the reader's complaint."""
    from structconv import formats

    try:
        return formats.read(text, format, frozen.replace(options, repair="off")), None
    except ParseError as error:
        return None, error


# ----------------------------------------------------------------------- replay


# Where a walk chooses between readings: the offset, and what is chosen there.
Place: TypeAlias = tuple[int, str]


class Choices:
    """The readings one walk takes where the text can be read several ways: those fixed
    for the walk are replayed, elsewhere the first reading is taken."""

    def __init__(self, fixed: Mapping[Place, int]) -> None:
        self.fixed = fixed
        self.seen: dict[Place, int] = {}  # place -> how many readings it has
        self.taken: dict[Place, str] = {}  # place -> the reading taken there

    def choose(self, what: str, offset: int, readings: Sequence[str]) -> int:
        place = (offset, what)
        self.seen.setdefault(place, len(readings))
        choice = min(self.fixed.get(place, 0), len(readings) - 1)
        self.taken[place] = readings[choice]
        return choice


def differing(walks: Sequence[Choices]) -> list[Place]:
    """The places, in text order, where the walks took different readings."""
    return sorted(
        place
        for place in {place for choices in walks for place in choices.taken}
        if len({choices.taken.get(place) for choices in walks}) > 1
    )


def replay(walk: Callable[[Choices], T | None], budget: Budget) -> list[tuple[T, Choices]]:
    """Every walk the choices lead to, breadth first, each with the choices it took;
    `walk` returns None for a walk that cannot repair the text. Raises GiveUp past the
    budget."""
    pending: list[dict[Place, int]] = [{}]
    explored: set[frozenset[tuple[Place, int]]] = set()
    walks: list[tuple[T, Choices]] = []
    while pending:
        fixed = pending.pop(0)
        signature = frozenset(fixed.items())
        if signature in explored:
            continue
        budget.run()
        explored.add(signature)
        choices = Choices(fixed)
        result = walk(choices)
        if result is not None:
            walks.append((result, choices))
            budget.alive(len(walks))
        for place, count in choices.seen.items():
            if place not in fixed:
                pending.extend({**fixed, place: choice} for choice in range(1, count))
    return walks


# ----------------------------------------------------------------------- passes


@dataclass(frozen=True)
class Read:
    """A pass's outcome when the branch reads: the data it gives."""

    data: Data


def passes(
    first: T, advance: Callable[[T], Read | Sequence[T]], budget: Budget
) -> list[tuple[T, Data]]:
    """Every branch that reads, with its data, breadth first. `advance` makes one pass
    over a branch: the data it reads to (`Read`), or the branches it goes on as (the
    first continues it, the others fork; none: the branch cannot be repaired). Raises
    GiveUp past the budget."""
    pending: list[T] = [first]
    done: list[tuple[T, Data]] = []
    while pending:
        branch = pending.pop(0)
        while True:
            budget.run()
            step = advance(branch)
            if isinstance(step, Read):
                done.append((branch, step.data))
                break
            if not step:
                break
            branch, *others = step
            if others:
                budget.alive(len(pending) + len(done) + 1 + len(others))
                pending.extend(others)
    return done


# ----------------------------------------------------------------------- settling


def distinct(readings: Iterable[T], data: Callable[[T], Data]) -> list[list[T]]:
    """The readings grouped by the data they give, groups and members in the order met."""
    groups: list[list[T]] = []
    for reading in readings:
        for group in groups:
            if same_data(data(group[0]), data(reading)):
                group.append(reading)
                break
        else:
            groups.append([reading])
    return groups


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """A finished reading: the repaired text, its fixes, how sure, what it chose."""

    text: str
    fixes: tuple[Fix, ...]
    confidence: float
    description: str
    source: T


def ambiguity(
    format: str, line: int, column: int, message: str, outcomes: Sequence[Outcome[T]]
) -> Ambiguity:
    """The Ambiguity of several readings with different data, every one a candidate."""
    return Ambiguity(
        format=format,
        line=line,
        column=column,
        message=message,
        candidates=tuple(
            Candidate(outcome.description, outcome.text, None, outcome.fixes)
            for outcome in outcomes
        ),
    )
