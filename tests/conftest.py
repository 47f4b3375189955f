from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# No time limit per example: a busy CI machine makes a timed assertion flaky, and speed
# is the benchmarks' business (benchmarks/), never the tests'.
settings.register_profile("structconv", deadline=None)
settings.load_profile("structconv")

ROOT = Path(__file__).resolve().parent.parent
ORACLES = ROOT.parent / "shared" / "oracles"


@pytest.fixture(scope="session", autouse=True)
def _hook_cache_of_this_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The hooks remember files that passed (structconv.hook_cache); the tests, and the
    commands they start, keep that memory in a folder of their own, never the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STRUCTCONV_CACHE_DIR", str(tmp_path_factory.mktemp("hook-cache")))
        yield


@pytest.fixture(scope="session")
def oracles() -> Path:
    """The conformance suites beside the checkout; skipped with a reason when absent."""
    if not ORACLES.is_dir():
        pytest.skip(f"conformance suites not found at {ORACLES} (a checkout outside the workspace)")
    return ORACLES


def _no_model(options: object) -> None:
    from structconv import ModelUnavailable

    raise ModelUnavailable("the repair model is not installed")


@pytest.fixture(autouse=True)
def _model_only_where_asked(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests see no repair model, as on a machine without the [llm] extra, so that what
    the model answers never decides a unit test; tests marked `llm` run the real one
    (tests/llm/), and orchestration tests put a stand-in model in its place."""
    if request.node.get_closest_marker("llm") is None:
        from structconv.repair import model_repair

        monkeypatch.setattr(model_repair, "_load", _no_model)


def with_sigint_at_default() -> None:
    """A child's SIGINT at its default, as a terminal starts a command (a `preexec_fn`).
    A shell starts a background job (`pytest ... &`, some CI runners) with SIGINT ignored,
    which its children inherit, and the tests that press Ctrl-C would then test nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
