"""The prompt format of the repair model, shared by the runtime (repair/llm.py) and
training (tune/), so that the two can never drift apart.

The base GGUF (Gemma 3 270M) has no chat template, so the format is ours and plain:

    <task>repair yaml as json</task>
    <input>
    ...the broken text...
    </input>
    <json>

and the answer is the data as compact JSON (`render_answer`), then the end-of-sequence
token. `<bos>` is not part of the text: llama.cpp and the tokenizer add it.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

PROMPT_VERSION = 1


def repair_prompt(text: str, format: str) -> str:
    """The prompt for repairing `text`, broken `format`, into the JSON of its data."""
    return f"<task>repair {format} as json</task>\n<input>\n{text}\n</input>\n<json>"


def _iso(value: Any) -> str:
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} has no JSON form")


def render_answer(data: Any) -> str:
    """The model's answer for `data`: compact JSON on one line, characters unescaped.

    Training targets and the candidates the model ranks are both written this way,
    and grammars/json.gbnf admits exactly this form (no whitespace between tokens).
    """
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_iso)
