"""The names every layer speaks: formats and repair modes, as literal types.

A name from outside (a flag, a file's suffix, an argument) becomes one of these through
formats.canonical_name or Options' checks; past that, signatures carry the literal.
"""

from __future__ import annotations

from typing import Literal, get_args

# The formats, canonical names (aliases such as "yml" and "tsv" are not among them).
Format = Literal["json", "jsonc", "json5", "jsonl", "yaml", "toml", "xml", "csv"]

# "off" raises the ParseError; "rules" repairs with deterministic rules; "auto" adds the
# model for what the rules cannot settle; "llm" uses the model only.
RepairMode = Literal["off", "rules", "auto", "llm"]
REPAIR_MODES: tuple[RepairMode, ...] = get_args(RepairMode)
