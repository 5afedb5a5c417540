"""Where the tests find the shared sample photos: $FIELDSYNC_SAMPLES, else the checkout's
sibling ../shared/samples/photos (the layout of our worktrees)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = Path(os.environ.get("FIELDSYNC_SAMPLES")
               or ROOT.parent / "shared" / "samples" / "photos")
MISSING = (f"sample photos not found at {SAMPLES}: set FIELDSYNC_SAMPLES to the folder of "
           "shared/samples/photos to run these tests")


def sample(name: str) -> Path:
    """One sample photo, or skip the test saying where it was looked for."""
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(MISSING)
    return path


def status_line() -> str:
    """For the test run's header: where the samples are, or why their tests will skip."""
    return f"samples: {SAMPLES}" if SAMPLES.is_dir() else MISSING
