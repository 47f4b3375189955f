from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORACLES = ROOT.parent / "shared" / "oracles"


@pytest.fixture(scope="session")
def oracles() -> Path:
    """The conformance suites beside the checkout; skipped with a reason when absent."""
    if not ORACLES.is_dir():
        pytest.skip(f"conformance suites not found at {ORACLES} (a checkout outside the workspace)")
    return ORACLES
