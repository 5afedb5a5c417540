"""The bad-input tests' shared order."""

from __future__ import annotations

import pytest


@pytest.fixture
def order(api, world):
    """An order assigned to `engineer`."""
    return api.create_order(world)
