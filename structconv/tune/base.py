"""The base model as transformers needs it for training and for exporting an adapter.

transformers reads the shipped GGUF directly (dequantizing Q4_K_M to float32), but
slowly (about 80 s, most of it the 262k-token vocabulary) and into a model that
`save_pretrained` refuses ("quantized with gguf, not serializable"), while
llama.cpp's convert_lora_to_gguf.py needs a saved Hugging Face base directory. So
the GGUF is converted once: a plain model is built from its config, takes the
dequantized weights, and is saved with the tokenizer beside the cached GGUF.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from structconv.repair.llm import cache_dir, model_files

HF_BASE_FOLDER = "hf-base"
_DONE = "structconv-base-ready"


def hf_base_dir() -> Path:
    return cache_dir() / HF_BASE_FOLDER


def prepare_base(model: str | None = None) -> Path:
    """The Hugging Face base directory, converted from the GGUF on first use."""
    target = hf_base_dir() if model is None else Path(model).with_suffix(".hf")
    if (target / _DONE).is_file():
        return target
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = model_files(model, adapter="none").base
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    loaded = AutoModelForCausalLM.from_pretrained(
        gguf.parent, gguf_file=gguf.name, dtype=torch.float32
    )
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    plain = AutoModelForCausalLM.from_config(config, dtype=torch.float32)  # type: ignore[no-untyped-call]
    plain.load_state_dict(loaded.state_dict())
    target.mkdir(parents=True, exist_ok=True)
    plain.save_pretrained(target)
    tokenizer.save_pretrained(target)
    (target / _DONE).write_text(gguf.name + "\n", encoding="utf-8")
    return target


def load_base(model: str | None = None) -> tuple[Any, Any]:
    """(model, tokenizer) in float32 from the converted base directory."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = prepare_base(model)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    loaded = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
    return loaded, tokenizer
