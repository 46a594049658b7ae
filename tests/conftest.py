"""Shared fixtures: the repository paths and the optional ../shared corpora."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEV_SET = REPO / "tests" / "data" / "dev"


@pytest.fixture(scope="session")
def shared_real() -> Path:
    """``../shared/data/real``; tests needing it skip cleanly where it is absent."""
    path = SHARED / "data" / "real"
    if not path.is_dir():
        pytest.skip("../shared/data/real is not present (a user's clone has none)")
    return path
