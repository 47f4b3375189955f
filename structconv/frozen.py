"""Frozen records for what the commands make at every start, without `dataclasses`.

`dataclasses` imports `inspect` (with ast, dis, tokenize): about 10 ms of CPU each time
Python starts, against 26 ms for a bare parse of a small YAML file, and each dataclass
then compiles its methods (about 4 million instructions). A pre-commit hook starts once
per commit, so that was a third of `structconv-check`'s time (benchmarks/startup_bench.py).

A subclass of `FrozenRecord` gets what Options and the normalize hook's records used of
a frozen dataclass: fields declared as annotations, with or without a default; an
`__init__` taking them by keyword and calling `__post_init__`; `==`, `hash`, `repr`, and
an error on assignment. Type checkers read it as a frozen, keyword-only dataclass
(`dataclass_transform`), so a misspelt field or a value of the wrong type is still
caught before the code runs. `replace`, `field_names` and `field_defaults` stand in for
`dataclasses.replace` and `dataclasses.fields`, which only take dataclasses.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar, dataclass_transform


class FrozenRecordError(AttributeError):
    """An assignment to a field of a record (as dataclasses' FrozenInstanceError)."""


@dataclass_transform(kw_only_default=True, frozen_default=True)
class FrozenRecord:
    """A base whose subclasses are frozen records of their annotated fields (ClassVars
    aside); a field without a default must be given."""

    __record_fields__: ClassVar[tuple[str, ...]] = ()
    __record_defaults__: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls) -> None:
        # The class's own annotations (inspect.get_annotations would import inspect),
        # after those of the record it extends, as a dataclass orders them.
        annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063
        own = [name for name, kind in annotations.items() if not _is_class_var(kind)]
        inherited = cls.__record_fields__  # the base record's, until set below
        cls.__record_fields__ = (*inherited, *(name for name in own if name not in inherited))
        cls.__record_defaults__ = {
            **cls.__record_defaults__,
            **{name: cls.__dict__[name] for name in own if name in cls.__dict__},
        }

    def __init__(self, **values: Any) -> None:
        defaults = self.__record_defaults__
        given = values.keys()
        unknown = given - set(self.__record_fields__)
        missing = [
            name for name in self.__record_fields__ if name not in given and name not in defaults
        ]
        if unknown or missing:
            name = type(self).__name__
            if unknown:
                raise TypeError(f"{name}() got an unexpected keyword argument {min(unknown)!r}")
            raise TypeError(f"{name}() missing required keyword argument(s): {', '.join(missing)}")
        state = self.__dict__
        state.update(defaults)
        state.update(values)
        self.__post_init__()

    def __post_init__(self) -> None:
        """Checks a new record; a subclass overrides it."""

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return bool(self.__dict__ == other.__dict__)

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__[name] for name in self.__record_fields__))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={self.__dict__[name]!r}" for name in self.__record_fields__)
        return f"{type(self).__name__}({shown})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenRecordError(f"cannot assign to field {name!r} of a {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise FrozenRecordError(f"cannot delete field {name!r} of a {type(self).__name__}")


def _is_class_var(annotation: Any) -> bool:
    if isinstance(annotation, str):  # postponed: `from __future__ import annotations`
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return getattr(annotation, "__origin__", None) is ClassVar or annotation is ClassVar


def field_defaults(cls: type[FrozenRecord]) -> dict[str, Any]:
    """The defaults of a record class's fields (those that have one), by name."""
    return dict(cls.__record_defaults__)


# Bound to the class itself, not its name: typing would compile a name (ForwardRef), and
# the first compile() of a process costs about 3 ms (it builds the ast module's classes).
_Record = TypeVar("_Record", bound=FrozenRecord)


def field_names(cls: type[FrozenRecord]) -> tuple[str, ...]:
    """The fields of a record class, in their order."""
    return cls.__record_fields__


def replace(instance: _Record, **changes: Any) -> _Record:
    """A copy of a record with `changes`, made (and so checked) as a new one."""
    values = {name: instance.__dict__[name] for name in instance.__record_fields__}
    values.update(changes)
    return type(instance)(**values)
