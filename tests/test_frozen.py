"""structconv.frozen: what Options relied on of a frozen dataclass, checked against one."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import subprocess
import sys
from typing import ClassVar

import pytest

from structconv import frozen
from structconv.frozen import FrozenRecord, FrozenRecordError, field_names


class Point(FrozenRecord):
    x: int = 0
    y: int = 0
    label: str | None = None

    def __post_init__(self) -> None:
        if self.x < 0:
            raise ValueError(f"x must not be negative, not {self.x}")


@dataclasses.dataclass(frozen=True, kw_only=True)
class PointDataclass:
    x: int = 0
    y: int = 0
    label: str | None = None


def test_fields_take_their_defaults_and_keywords_in_order() -> None:
    point = Point(y=2)
    assert (point.x, point.y, point.label) == (0, 2, None)
    assert field_names(Point) == ("x", "y", "label")
    assert field_names(Point) == tuple(f.name for f in dataclasses.fields(PointDataclass))
    assert Point.x == 0  # a field's default stays readable on the class


def test_it_compares_hashes_and_prints_as_the_dataclass_does() -> None:
    assert Point(x=1, label="a") == Point(x=1, label="a")
    assert Point(x=1) != Point(x=2)
    assert Point() != PointDataclass()  # another class is never equal
    assert len({Point(x=1), Point(x=1), Point(x=2)}) == 2
    assert repr(Point(x=1, label="a")) == repr(PointDataclass(x=1, label="a")).replace(
        "PointDataclass", "Point"
    )


def test_fields_cannot_be_assigned_or_deleted() -> None:
    point = Point(x=1)
    with pytest.raises(FrozenRecordError, match="cannot assign to field 'x'"):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError, match="cannot delete field 'x'"):
        del point.x
    assert point.x == 1


def test_an_unknown_or_positional_argument_is_refused() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        Point(z=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1)  # type: ignore[call-arg]


def test_post_init_checks_every_new_record_replace_included() -> None:
    with pytest.raises(ValueError, match="x must not be negative"):
        Point(x=-1)
    point = Point(x=1, label="a")
    assert frozen.replace(point, y=5) == Point(x=1, y=5, label="a")
    assert point == Point(x=1, label="a")  # the original is unchanged
    with pytest.raises(ValueError, match="x must not be negative"):
        frozen.replace(point, x=-1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        frozen.replace(point, z=1)


def test_copies_and_pickles_are_equal_records() -> None:
    point = Point(x=1, y=2, label="a")
    for again in (copy.copy(point), copy.deepcopy(point), pickle.loads(pickle.dumps(point))):
        assert again == point
        assert type(again) is Point
        with pytest.raises(FrozenRecordError):
            again.y = 3  # type: ignore[misc]


class Named(FrozenRecord):
    kind: ClassVar[str] = "named"  # not a field, as in a dataclass
    name: str
    size: int = 1


def test_a_field_without_a_default_must_be_given() -> None:
    assert Named(name="a") == Named(name="a", size=1)
    assert field_names(Named) == ("name", "size")
    assert frozen.field_defaults(Named) == {"size": 1}
    with pytest.raises(TypeError, match="missing required keyword argument\\(s\\): name"):
        Named(size=2)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'kind'"):
        Named(name="a", kind="other")  # type: ignore[call-arg]
    assert frozen.replace(Named(name="a"), size=3) == Named(name="a", size=3)


class Sized(Named):
    size: int = 5  # a new default for an inherited field
    unit: str = "px"


def test_a_record_extends_another_as_a_dataclass_does() -> None:
    assert field_names(Sized) == ("name", "size", "unit")
    assert Sized(name="a") == Sized(name="a", size=5, unit="px")
    assert repr(Sized(name="a")) == "Sized(name='a', size=5, unit='px')"
    assert field_names(Named) == ("name", "size")  # the base is unchanged
    with pytest.raises(TypeError, match="missing required keyword argument"):
        Sized()  # type: ignore[call-arg]


def test_making_a_record_does_not_import_dataclasses() -> None:
    code = (
        "import sys\n"
        "from structconv.options import Options\n"
        "Options(indent=4)\n"
        "print(sorted({'dataclasses', 'inspect'} & set(sys.modules)))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert found.strip() == "[]"
