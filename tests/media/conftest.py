"""Fixtures for the media tests: the sample photo directory and a store in a temp dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from media.stores.directory import DirectoryStore
from tests.samples import MISSING, SAMPLES


@pytest.fixture
def samples() -> Path:
    """The real camera/phone photos described in shared/samples/photos/README.md."""
    if not SAMPLES.is_dir():
        pytest.skip(MISSING)
    return SAMPLES


@pytest.fixture
def store(tmp_path: Path) -> DirectoryStore:
    return DirectoryStore(tmp_path / "media")
