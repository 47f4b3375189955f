"""The grammar the model's answer is decoded under: grammars/json.gbnf, narrowed where
the input says what shape the data has.

A CSV's header line names the columns of every record, so its answer can only be a
list of records with exactly those keys, in that order (dotted names nested as the
reader nests them), each holding a scalar: the model cannot drop a column, invent one,
or nest a value. The header is read with the sniffed delimiter; where it does not give
a clean record shape (a duplicate or empty name, a column nesting under another), the
plain JSON grammar is used and validation alone judges the answer.
"""

from __future__ import annotations

import csv
import json
from importlib.resources import files
from typing import Any

from structconv.options import Options


def json_grammar() -> str:
    """grammars/json.gbnf, shipped inside the package."""
    return files("structconv").joinpath("grammars", "json.gbnf").read_text(encoding="utf-8")


def gbnf_literal(text: str) -> str:
    """`text` as a GBNF string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped.replace("\r", "\\r").replace("\t", "\\t") + '"'


class _Leaf:
    """Where a column's value goes in the record skeleton."""


def _value_rule(shape: Any) -> str:
    if isinstance(shape, _Leaf):
        return "scalar"
    members = [
        gbnf_literal(json.dumps(key, ensure_ascii=False) + ":") + " " + _value_rule(value)
        for key, value in shape.items()
    ]
    return '"{" ' + ' "," '.join(members) + ' "}"'


def _csv_record_shape(text: str, options: Options) -> dict[str, Any] | None:
    from structconv.formats.csv import Layout, sniff_delimiter

    first_line = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    try:
        header = next(csv.reader([first_line], delimiter=sniff_delimiter(text)), None)
    except csv.Error:
        return None
    if not header or any(not name for name in header) or len(set(header)) != len(header):
        return None
    layout = Layout(header, options.unflatten)
    if layout.conflict() is not None:
        return None
    leaf = _Leaf()
    (record,) = layout.build([[leaf] * len(header)])
    return record


def grammar_for(text: str, format: str, options: Options) -> str:
    """The grammar for repairing `text` (a `format` input) into the JSON of its data."""
    plain = json_grammar()
    record = _csv_record_shape(text, options) if format == "csv" else None
    if record is None:
        return plain
    rules = [line for line in plain.splitlines() if not line.startswith("root")]
    return "\n".join(
        [
            'root    ::= "[" ( record ( "," record )* )? "]"',
            "record  ::= " + _value_rule(record),
            'scalar  ::= string | number | "true" | "false" | "null"',
            *rules,
        ]
    )
