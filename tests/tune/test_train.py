"""LoRA training: batching and labels without torch's model, then a tiny real run end to end."""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import random
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from structconv.repair.prompts import render_answer, repair_prompt
from structconv.tune.train import (
    IGNORE,
    Example,
    TrainConfig,
    _earlier_run,
    _learning_rate,
    _stopping_signals_interrupt,
    batches,
    collate,
    encode,
    encode_all,
    pick_device,
)


class _CharTokenizer:
    """One token per character, bos 1, eos 2: enough to check what is learned."""

    eos_token_id = 2

    def __call__(self, text: str, add_special_tokens: bool) -> dict[str, list[int]]:
        ids = [ord(char) + 10 for char in text]
        return {"input_ids": [1, *ids] if add_special_tokens else ids}


def test_only_the_answer_and_its_end_are_learned() -> None:
    pair = {"input": "a: [1,", "format": "yaml", "target": '{"a":[1]}'}
    example = encode(pair, _CharTokenizer())
    prompt_length = 1 + len(repair_prompt(pair["input"], "yaml"))
    assert example.input_ids[0] == 1
    assert example.labels[:prompt_length] == [IGNORE] * prompt_length
    assert example.labels[prompt_length:] == [ord(c) + 10 for c in pair["target"]] + [2]
    assert example.input_ids[prompt_length:] == example.labels[prompt_length:]


def test_pairs_longer_than_the_limit_are_left_out_and_counted() -> None:
    pairs = [
        {"input": "x" * size, "format": "json", "target": render_answer("x" * size)}
        for size in (5, 50, 500)
    ]
    kept, too_long = encode_all(pairs, _CharTokenizer(), max_tokens=200)
    assert too_long == 1
    assert [len(example.input_ids) for example in kept] == sorted(
        len(example.input_ids) for example in kept
    )
    assert all(len(example.input_ids) <= 200 for example in kept)


def test_batches_cover_every_example_once_per_epoch() -> None:
    examples = [Example([index] * (1 + index % 7), [index]) for index in range(64)]
    stream = batches(examples, 4, random.Random(1))
    first_epoch = [next(stream) for _ in range(16)]
    assert all(len(batch) == 4 for batch in first_epoch)
    seen = sorted(example.labels[0] for batch in first_epoch for example in batch)
    assert seen == list(range(64))


def test_learning_rate_warms_up_then_decays_to_zero() -> None:
    config = TrainConfig(steps=100, warmup_steps=10, learning_rate=1e-3)
    rates = [_learning_rate(config, step) for step in range(100)]
    assert rates[0] == pytest.approx(1e-4) and rates[9] == pytest.approx(1e-3)
    assert all(later <= earlier for earlier, later in itertools.pairwise(rates[10:]))
    assert rates[-1] < 1e-5


def test_a_resumed_run_warms_up_again_from_its_start_step() -> None:
    config = TrainConfig(steps=300, warmup_steps=10, learning_rate=1e-3)
    assert _learning_rate(config, 200, start=200) == pytest.approx(1e-4)
    assert _learning_rate(config, 209, start=200) == pytest.approx(1e-3)
    assert _learning_rate(config, 299, start=200) < 1e-4


def test_a_killed_run_stops_as_ctrl_c_does_and_the_handlers_come_back() -> None:
    before = signal.getsignal(signal.SIGTERM)
    restore = _stopping_signals_interrupt()
    try:
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)  # the handler runs at the next bytecode
    finally:
        restore()
    assert signal.getsignal(signal.SIGTERM) is before


def test_auto_takes_the_gpu_only_where_torch_sees_one_and_a_named_missing_gpu_is_an_error() -> None:
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        assert pick_device("auto") == "cuda"
        return
    assert pick_device("auto") == "cpu"
    assert pick_device("cpu") == "cpu"
    with pytest.raises(ValueError, match="torch sees no CUDA GPU"):
        pick_device("cuda:0")


def test_a_batch_is_padded_to_its_longest_example_on_the_training_device() -> None:
    pytest.importorskip("torch")
    batch = [Example([1, 5, 6], [IGNORE, 5, 6]), Example([1, 7], [IGNORE, 7])]
    ids, labels, mask = collate(batch, pad=0, device="cpu")
    assert ids.tolist() == [[1, 5, 6], [1, 7, 0]]
    assert labels.tolist() == [[IGNORE, 5, 6], [IGNORE, 7, IGNORE]]
    assert mask.tolist() == [[1, 1, 1], [1, 1, 0]]
    assert ids.device.type == "cpu"


def config_with_steps(config: TrainConfig, steps: int) -> TrainConfig:
    return dataclasses.replace(config, steps=steps)


def _earlier(tmp_path: Path, **config: Any) -> Path:
    (tmp_path / "adapter").mkdir()
    record = {"config": {**TrainConfig().__dict__, **config}, "best_step": 400}
    (tmp_path / "training.json").write_text(json.dumps(record, default=list))
    return tmp_path


def test_resuming_needs_the_batches_of_the_earlier_run(tmp_path: Path) -> None:
    earlier = _earlier(tmp_path, max_tokens=320)
    assert _earlier_run(earlier, TrainConfig(steps=900, max_tokens=320))["best_step"] == 400
    with pytest.raises(ValueError, match=r"max_tokens \(320\), not 384"):
        _earlier_run(earlier, TrainConfig(steps=900))
    with pytest.raises(ValueError, match="already at step 400"):
        _earlier_run(earlier, TrainConfig(steps=400, max_tokens=320))
    with pytest.raises(ValueError, match="not a training run"):
        _earlier_run(tmp_path / "adapter", TrainConfig())


@pytest.mark.llm
@pytest.mark.slow
def test_a_tiny_training_run_gives_an_adapter_that_llama_cpp_applies(tmp_path: Path) -> None:
    """A few steps on a few generated pairs, exported to GGUF and used for a repair."""
    pytest.importorskip("peft")
    pytest.importorskip("llama_cpp")
    from structconv.repair.llm import RepairModel, model_files
    from structconv.tune import data
    from structconv.tune.export import export
    from structconv.tune.train import train

    data.build(tmp_path / "data", pairs=40, seed=7, workers=1)
    config = TrainConfig(
        steps=3, batch_size=2, max_tokens=256, eval_every=3, eval_pairs=4, warmup_steps=1
    )
    report = train(tmp_path / "data", tmp_path / "run", config, max_pairs=16)
    assert report.steps_done == 3 and report.best_step == 3
    assert all(entry["loss"] > 0 for entry in report.log)
    saved: dict[str, Any] = json.loads((tmp_path / "run" / "training.json").read_text())
    assert saved["config"]["steps"] == 3

    more = train(
        tmp_path / "data",
        tmp_path / "more",
        config_with_steps(config, 5),
        max_pairs=16,
        resume=tmp_path / "run",
    )
    assert (more.start_step, more.steps_done) == (3, 5)
    assert [entry["step"] for entry in more.log] == [4, 5]
    assert (tmp_path / "more" / "adapter" / "adapter_model.safetensors").is_file()

    timed = train(
        tmp_path / "data",
        tmp_path / "timed",
        dataclasses.replace(config, steps=50, minutes=1e-6),
        max_pairs=16,
    )
    assert timed.steps_done == 1 and timed.stopped.startswith("time limit")
    assert timed.best_step == 1 and (tmp_path / "timed" / "adapter").is_dir()
    assert timed.config.device == "cpu" and "CPUs" in timed.hardware

    done = export(tmp_path / "run" / "adapter", tmp_path / "adapter.gguf")
    assert done.path.read_bytes()[:4] == b"GGUF"
    model = RepairModel(model_files(adapter=str(done.path)))
    try:
        answer = model.generate(repair_prompt("{'a': 1,}", "json"), 12)
    finally:
        model.close()
    assert answer.token_logprobs  # it ran a step with the adapter applied
