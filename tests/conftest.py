"""Shared fixtures: paths to the project's sample logs and to ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_LOGS = ROOT / "sample_logs"
SHARED = ROOT.parent / "shared"
REAL_LOGS = SHARED / "real-logs"


@pytest.fixture
def real_logs() -> Path:
    """The real Genesys excerpts of ../shared/real-logs (skip when absent)."""
    if not REAL_LOGS.is_dir():
        pytest.skip(f"{REAL_LOGS} is absent: the real-log excerpts live beside the repo "
                    "in ../shared (a fresh clone does not have them)")
    return REAL_LOGS


@pytest.fixture
def shared_dir() -> Path:
    """../shared (skip when absent)."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (a fresh clone has no ../shared)")
    return SHARED
