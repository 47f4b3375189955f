"""Merging a LoRA adapter into a base GGUF (repair/merged.py), on small GGUF files
written here with gguf-py, read back with gguf-py: the merged weights are the base's
plus (alpha / rank) * B @ A, everything else is copied as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

gguf = pytest.importorskip("gguf")
numpy = pytest.importorskip("numpy")

from gguf import GGMLQuantizationType, GGUFReader, GGUFWriter  # noqa: E402
from gguf.quants import dequantize, quantize  # noqa: E402

from structconv.repair import merged  # noqa: E402

ROWS, COLUMNS, RANK, ALPHA = 8, 64, 2, 8.0


def _base(path: Path, rng: Any) -> dict[str, Any]:
    weights = {
        "blk.0.attn_q.weight": rng.standard_normal((ROWS, COLUMNS)).astype(numpy.float32),
        "blk.0.ffn_up.weight": rng.standard_normal((ROWS, COLUMNS)).astype(numpy.float32),
    }
    writer = GGUFWriter(path, "llama")
    writer.add_uint32("llama.block_count", 1)
    writer.add_array("tokenizer.ggml.tokens", [f"token{number}" for number in range(300)])
    writer.add_array("tokenizer.ggml.scores", [float(number) for number in range(300)])
    writer.add_string("general.name", "tiny")
    writer.add_tensor(
        "blk.0.attn_q.weight",
        quantize(weights["blk.0.attn_q.weight"], GGMLQuantizationType.Q5_0),
        raw_dtype=GGMLQuantizationType.Q5_0,
    )
    writer.add_tensor(
        "blk.0.ffn_up.weight",
        quantize(weights["blk.0.ffn_up.weight"], GGMLQuantizationType.Q8_0),
        raw_dtype=GGMLQuantizationType.Q8_0,
    )
    writer.add_tensor("blk.0.attn_norm.weight", numpy.arange(COLUMNS, dtype=numpy.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return weights


def _adapter(path: Path, rng: Any, target: str = "blk.0.attn_q.weight") -> tuple[Any, Any]:
    down = rng.standard_normal((RANK, COLUMNS)).astype(numpy.float16)  # A: rank x in
    up = rng.standard_normal((ROWS, RANK)).astype(numpy.float16)  # B: out x rank
    writer = GGUFWriter(path, "llama")
    writer.add_string("general.type", "adapter")
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", ALPHA)
    writer.add_tensor(f"{target}.lora_a", down)
    writer.add_tensor(f"{target}.lora_b", up)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return down.astype(numpy.float32), up.astype(numpy.float32)


def _tensor(reader: Any, name: str) -> Any:
    return next(tensor for tensor in reader.tensors if tensor.name == name)


def test_the_adapted_weight_is_the_base_plus_the_scaled_product(tmp_path: Path) -> None:
    rng = numpy.random.default_rng(7)
    _base(tmp_path / "base.gguf", rng)
    down, up = _adapter(tmp_path / "adapter.gguf", rng)
    merged.merge(tmp_path / "base.gguf", tmp_path / "adapter.gguf", tmp_path / "merged.gguf")

    base, result = GGUFReader(tmp_path / "base.gguf"), GGUFReader(tmp_path / "merged.gguf")
    original = _tensor(base, "blk.0.attn_q.weight")
    expected = dequantize(original.data, original.tensor_type) + (ALPHA / RANK) * (up @ down)
    adapted = _tensor(result, "blk.0.attn_q.weight")
    assert adapted.tensor_type == GGMLQuantizationType.Q8_0
    got = dequantize(adapted.data, adapted.tensor_type)
    # Q8_0: each block of 32 values is rounded to a step of its largest / 127.
    step = numpy.abs(expected).reshape(-1, 32).max(axis=1).repeat(32).reshape(expected.shape)
    assert numpy.all(numpy.abs(got - expected) <= step / 127)
    assert not numpy.allclose(got, dequantize(original.data, original.tensor_type), atol=0.1)


def test_everything_else_is_copied_as_it_was(tmp_path: Path) -> None:
    rng = numpy.random.default_rng(8)
    _base(tmp_path / "base.gguf", rng)
    _adapter(tmp_path / "adapter.gguf", rng)
    merged.merge(tmp_path / "base.gguf", tmp_path / "adapter.gguf", tmp_path / "merged.gguf")

    base, result = GGUFReader(tmp_path / "base.gguf"), GGUFReader(tmp_path / "merged.gguf")
    assert list(result.fields) == list(base.fields)
    for key in ("tokenizer.ggml.tokens", "tokenizer.ggml.scores", "general.name"):
        assert result.fields[key].contents() == base.fields[key].contents()
    for name in ("blk.0.ffn_up.weight", "blk.0.attn_norm.weight"):
        before, after = _tensor(base, name), _tensor(result, name)
        assert after.tensor_type == before.tensor_type
        assert bytes(after.data) == bytes(before.data)
    assert [tensor.name for tensor in result.tensors] == [tensor.name for tensor in base.tensors]


def test_an_adapter_for_a_weight_the_base_lacks_is_not_merged(tmp_path: Path) -> None:
    rng = numpy.random.default_rng(9)
    _base(tmp_path / "base.gguf", rng)
    _adapter(tmp_path / "adapter.gguf", rng, target="blk.3.attn_q.weight")
    with pytest.raises(merged.MergeUnsupported, match=r"blk\.3\.attn_q\.weight"):
        merged.merge(tmp_path / "base.gguf", tmp_path / "adapter.gguf", tmp_path / "out.gguf")


def test_a_file_that_is_not_gguf_is_refused(tmp_path: Path) -> None:
    (tmp_path / "not.gguf").write_bytes(b"PK\x03\x04 not a model")
    with pytest.raises(ValueError, match="not a GGUF file"):
        merged.read_layout(tmp_path / "not.gguf")


def test_the_merged_file_is_built_once_per_adapter(tmp_path: Path) -> None:
    rng = numpy.random.default_rng(10)
    _base(tmp_path / "base.gguf", rng)
    _adapter(tmp_path / "first.gguf", rng)
    _adapter(tmp_path / "second.gguf", rng)
    cache = tmp_path / "cache"
    first = merged.merged_model(tmp_path / "base.gguf", tmp_path / "first.gguf", cache)
    stamp = first.stat().st_mtime_ns
    assert merged.merged_model(tmp_path / "base.gguf", tmp_path / "first.gguf", cache) == first
    assert first.stat().st_mtime_ns == stamp
    second = merged.merged_model(tmp_path / "base.gguf", tmp_path / "second.gguf", cache)
    assert second != first
    assert sorted(path.name for path in cache.iterdir()) == [second.name]  # the old one went
