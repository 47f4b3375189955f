"""A trained LoRA adapter -> the GGUF adapter llama.cpp applies over the Q4_K_M base.

llama.cpp's convert_lora_to_gguf.py does the conversion. It ships inside the
llama-cpp-python source distribution (vendor/llama.cpp), which is fetched from PyPI
at export time into a temporary folder; none of its code is kept. It needs the saved
Hugging Face base (structconv.tune.base). The adapter stays f16 beside the quantized
base: merging it and quantizing again snaps the weights back to the Q4 grid and loses
most of the fine-tune (measured in the issue).
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from structconv.repair.llm import ADAPTER_FILE, RepairModel, model_files
from structconv.tune.base import prepare_base

CONVERTER = "convert_lora_to_gguf.py"


@dataclass(frozen=True)
class Export:
    path: Path
    size: int
    seconds: float


def fetch_converter(work: Path) -> Path:
    """llama.cpp's converter from the llama-cpp-python sdist of the installed version."""
    version = importlib.metadata.version("llama-cpp-python")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-binary",
            ":all:",
            "--no-deps",
            "--dest",
            str(work),
            f"llama-cpp-python=={version}",
        ],
        check=True,
    )
    archive = next(work.glob("llama_cpp_python-*.tar.gz"))
    with tarfile.open(archive) as sdist:
        # The converters and what they import: the conversion package and gguf-py.
        members = [
            member
            for member in sdist.getmembers()
            if "/vendor/llama.cpp/" in member.name
            and (
                member.name.endswith((CONVERTER, "convert_hf_to_gguf.py"))
                or "/vendor/llama.cpp/gguf-py/" in member.name
                or "/vendor/llama.cpp/conversion/" in member.name
            )
        ]
        sdist.extractall(work, members=members, filter="data")
    return next(work.glob(f"*/vendor/llama.cpp/{CONVERTER}"))


def export(adapter_dir: Path, out: Path, model: str | None = None) -> Export:
    """Convert `adapter_dir` (peft's save_pretrained) to a GGUF adapter at `out`, and
    check that llama.cpp loads it over the base and runs a step with it."""
    started = time.perf_counter()
    base = prepare_base(model)
    with tempfile.TemporaryDirectory() as folder:
        converter = fetch_converter(Path(folder))
        gguf_py = converter.parent / "gguf-py"
        environment = {"PYTHONPATH": str(gguf_py)} if gguf_py.is_dir() else {}
        out.parent.mkdir(parents=True, exist_ok=True)
        converted = subprocess.run(
            [
                sys.executable,
                str(converter),
                "--base",
                str(base),
                "--outfile",
                str(out),
                "--outtype",
                "f16",
                str(adapter_dir),
            ],
            check=False,
            env={**_environment(), **environment},
            capture_output=True,
            text=True,
        )
        if converted.returncode != 0:
            raise RuntimeError(
                f"llama.cpp's {CONVERTER} failed on {adapter_dir}:\n{converted.stderr[-2000:]}"
            )
    files = model_files(model, adapter=str(out))
    check = RepairModel(files)
    try:
        check.generate("<task>repair json as json</task>\n<input>\n[1,]\n</input>\n<json>", 2)
    finally:
        check.close()
    return Export(out, out.stat().st_size, time.perf_counter() - started)


def _environment() -> dict[str, str]:
    return dict(os.environ)


def default_adapter_path() -> Path:
    """models/ at the top of the checkout (packaged as structconv/models)."""
    return Path(__file__).resolve().parents[2] / "models" / ADAPTER_FILE
