"""The fine-tuned weights as one GGUF: the LoRA adapter merged into the base model,
built once into the cache.

Why: llama.cpp applies an adapter at run time as two extra small matrix products (and a
scale and an add) beside each of the 126 weights it adapts. In a batch (a prompt, the
readings a ranking scores) that costs little; decoding one token at a time it made each
step 20-30% slower. Merged, generation runs at the base model's speed.

Each adapted weight becomes W + (alpha / rank) * B @ A, from the base's dequantized
weight, stored as Q8_0 (8 bits, a finer step than the 4-6 bit base weights, so the
adapter's small change survives the rounding). Every other tensor and all metadata are
copied byte for byte. Ranking keeps the adapter applied at run time: it evaluates in
batches, and a process that only ranks then needs no second model.

The file is named after the base file (path, size, time) and the adapter's sha256, so
a new adapter (`structconv tune export`) gets its own; older merged files are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import struct
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

_LOGGER = logging.getLogger("structconv.llm")

MAGIC = b"GGUF"
_PREFIX = "merged-"
_VERSION = b"structconv-merge-1"
_ALIGNMENT_KEY = "general.alignment"
# GGUF value types with a fixed size; 8 is a string, 9 an array.
_FIXED = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
_STRING, _ARRAY = 8, 9
_Q8_0 = 8  # ggml_type
_Q8_0_BLOCK = 32


class MergeUnsupported(ValueError):
    """The adapter cannot be merged (the runtime then applies it as it is)."""


@dataclass(frozen=True)
class Tensor:
    name: str
    shape: tuple[int, ...]  # ggml order: the row length first
    type: int
    offset: int  # from the start of the data section


@dataclass(frozen=True)
class GGUFLayout:
    """What rewriting a GGUF needs: its metadata as written, its tensors, where they are."""

    version: int
    kv_count: int
    kv_bytes: bytes
    scalars: dict[str, Any]  # the metadata values that are not arrays
    tensors: tuple[Tensor, ...]
    alignment: int
    data_start: int


class _Reader:
    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def take(self, fmt: str) -> Any:
        size = struct.calcsize("<" + fmt)
        data = self._stream.read(size)
        if len(data) != size:
            raise ValueError("the file ends early")
        return struct.unpack("<" + fmt, data)[0]

    def string(self) -> str:
        size = self.take("Q")
        data = self._stream.read(size)
        if len(data) != size:
            raise ValueError("the file ends early")
        return data.decode("utf-8", errors="replace")

    def skip(self, size: int) -> None:
        self._stream.seek(size, os.SEEK_CUR)

    def value(self, kind: int) -> Any:
        """A value of `kind`; an array is skipped (None): none is needed here."""
        if kind in _FIXED:
            return self.take(_FIXED[kind])
        if kind == _STRING:
            return self.string()
        if kind != _ARRAY:
            raise ValueError(f"unknown GGUF value type {kind}")
        item, count = self.take("I"), self.take("Q")
        if item in _FIXED:
            self.skip(count * struct.calcsize("<" + _FIXED[item]))
        else:
            for _ in range(count):
                self.value(item)
        return None


def read_layout(path: Path) -> GGUFLayout:
    """The layout of the GGUF at `path` (the metadata's long arrays are skipped, not read)."""
    with path.open("rb") as stream:
        reader = _Reader(stream)
        if stream.read(4) != MAGIC:
            raise ValueError(f"{path} is not a GGUF file")
        version = reader.take("I")
        if version < 2:
            raise ValueError(f"{path} is GGUF version {version}; 2 or later is needed")
        tensor_count, kv_count = reader.take("Q"), reader.take("Q")
        kv_start = stream.tell()
        scalars: dict[str, Any] = {}
        for _ in range(kv_count):
            key = reader.string()
            value = reader.value(reader.take("I"))
            if value is not None:
                scalars[key] = value
        kv_end = stream.tell()
        tensors = []
        for _ in range(tensor_count):
            name = reader.string()
            shape = tuple(reader.take("Q") for _ in range(reader.take("I")))
            tensors.append(Tensor(name, shape, reader.take("I"), reader.take("Q")))
        alignment = int(scalars.get(_ALIGNMENT_KEY, 32))
        data_start = _aligned(stream.tell(), alignment)
        stream.seek(kv_start)
        kv_bytes = stream.read(kv_end - kv_start)
    return GGUFLayout(version, kv_count, kv_bytes, scalars, tuple(tensors), alignment, data_start)


def _aligned(offset: int, alignment: int) -> int:
    return offset + (-offset % alignment)


def _byte_size(tensor: Tensor) -> int:
    from gguf import GGML_QUANT_SIZES, GGMLQuantizationType

    block, size = GGML_QUANT_SIZES[GGMLQuantizationType(tensor.type)]
    count = 1
    for dimension in tensor.shape:
        count *= dimension
    return count // block * size


def _matrix(data: Any, path: Path, layout: GGUFLayout, tensor: Tensor) -> Any:
    """`tensor` as a float32 matrix (rows of shape[0] values)."""
    from gguf import GGMLQuantizationType
    from gguf.quants import dequantize

    start = layout.data_start + tensor.offset
    raw = data[start : start + _byte_size(tensor)]
    rows = 1
    for dimension in tensor.shape[1:]:
        rows *= dimension
    try:
        values = dequantize(raw.reshape(rows, -1), GGMLQuantizationType(tensor.type))
    except NotImplementedError:
        raise MergeUnsupported(f"{tensor.name} in {path} has a type gguf cannot read") from None
    return values.reshape(rows, tensor.shape[0])


def _adapter_scale(layout: GGUFLayout, rank: int) -> float:
    # As llama.cpp scales an adapter applied at strength 1: alpha / rank, or 1 without alpha.
    alpha = float(layout.scalars.get("adapter.lora.alpha", 0.0))
    return alpha / rank if alpha else 1.0


def merge(base: Path, adapter: Path, target: Path) -> None:
    """Write `base` with `adapter` merged into it to `target`."""
    import numpy
    from gguf import GGMLQuantizationType
    from gguf.quants import quantize

    base_layout, adapter_layout = read_layout(base), read_layout(adapter)
    if adapter_layout.scalars.get("adapter.type", "lora") != "lora":
        raise MergeUnsupported(f"{adapter} is not a LoRA adapter")
    pairs: dict[str, dict[str, Tensor]] = {}
    for tensor in adapter_layout.tensors:
        name, _, part = tensor.name.rpartition(".")
        if part not in ("lora_a", "lora_b"):
            raise MergeUnsupported(f"{adapter} holds {tensor.name}, which is not a LoRA factor")
        pairs.setdefault(name, {})[part] = tensor
    known = {tensor.name: tensor for tensor in base_layout.tensors}
    for name, factors in pairs.items():
        weight = known.get(name)
        if weight is None or len(factors) != 2 or len(weight.shape) != 2:
            raise MergeUnsupported(f"{adapter} adapts {name}, which {base} has no matrix for")
        if weight.shape[0] % _Q8_0_BLOCK:
            raise MergeUnsupported(f"{name} rows are not a multiple of {_Q8_0_BLOCK} values")
    base_data = numpy.memmap(base, dtype=numpy.uint8, mode="r")
    adapter_data = numpy.memmap(adapter, dtype=numpy.uint8, mode="r")

    def tensor_bytes() -> Iterator[tuple[Tensor, Any]]:
        for tensor in base_layout.tensors:
            factors = pairs.get(tensor.name)
            if factors is None:
                start = base_layout.data_start + tensor.offset
                yield tensor, base_data[start : start + _byte_size(tensor)]
                continue
            down = _matrix(adapter_data, adapter, adapter_layout, factors["lora_a"])  # r x in
            up = _matrix(adapter_data, adapter, adapter_layout, factors["lora_b"])  # out x r
            weight = _matrix(base_data, base, base_layout, tensor)  # out x in
            if down.shape[1] != weight.shape[1] or up.shape != (weight.shape[0], down.shape[0]):
                raise MergeUnsupported(f"{adapter}'s factors of {tensor.name} do not fit it")
            merged = weight + numpy.float32(_adapter_scale(adapter_layout, down.shape[0])) * (
                up @ down
            )
            quantized = quantize(merged.astype(numpy.float32), GGMLQuantizationType.Q8_0)
            yield Tensor(tensor.name, tensor.shape, _Q8_0, 0), quantized.reshape(-1)

    _write(target, base_layout, tensor_bytes())


def _write(target: Path, layout: GGUFLayout, tensors: Iterator[tuple[Tensor, Any]]) -> None:
    """A GGUF with `layout`'s metadata and these tensors, written in one pass: the
    tensor infos (with their offsets) come first, so the data is held until then."""
    chunks = []
    infos = bytearray()
    offset = 0
    for tensor, data in tensors:
        name = tensor.name.encode("utf-8")
        infos += struct.pack("<Q", len(name)) + name + struct.pack("<I", len(tensor.shape))
        infos += b"".join(struct.pack("<Q", dimension) for dimension in tensor.shape)
        infos += struct.pack("<IQ", tensor.type, offset)
        chunks.append(data)
        offset = _aligned(offset + len(data), layout.alignment)
    with target.open("wb") as stream:
        stream.write(MAGIC + struct.pack("<IQQ", layout.version, len(chunks), layout.kv_count))
        stream.write(layout.kv_bytes)
        stream.write(infos)
        stream.write(b"\0" * (-stream.tell() % layout.alignment))
        for data in chunks:
            stream.write(memoryview(data).cast("B"))
            stream.write(b"\0" * (-stream.tell() % layout.alignment))


def _identity(base: Path, adapter: Path) -> str:
    digest = hashlib.sha256(_VERSION)
    status = base.stat()
    digest.update(f"{base.resolve()}\0{status.st_size}\0{status.st_mtime_ns}\0".encode())
    with adapter.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:20]


def merged_model(base: Path, adapter: Path, cache: Path) -> Path:
    """The merged GGUF for `base` and `adapter` in `cache`, built there on first use."""
    target = cache / f"{_PREFIX}{_identity(base, adapter)}.gguf"
    if target.is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    _LOGGER.info("merging the adapter %s into the model (once, a few seconds)", adapter)
    # Written beside the target and renamed over it: a concurrent process never sees half.
    handle, partial = tempfile.mkstemp(dir=cache, suffix=".partial")
    os.close(handle)
    try:
        merge(base, adapter, Path(partial))
        Path(partial).replace(target)
    finally:
        Path(partial).unlink(missing_ok=True)
    for stale in cache.glob(f"{_PREFIX}*.gguf"):
        if stale != target:
            # Another adapter's; a process still using it keeps reading it (POSIX).
            with contextlib.suppress(OSError):
                stale.unlink()
    return target
