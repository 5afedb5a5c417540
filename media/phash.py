"""Perceptual hashes for spotting the same photo re-encoded or resized."""

from __future__ import annotations

from pathlib import Path

import imagehash

from media.decode import load_upright

# phash is 64 bits; re-encoding/resizing moves a few bits (<= 4 in tests), different scenes ~32.
NEAR_DUPLICATE_MAX_DISTANCE = 8


def perceptual_hash(path: Path) -> str:
    """The 64-bit DCT perceptual hash of the upright image, as 16 hex digits."""
    return str(imagehash.phash(load_upright(path, min_px=256)))


def hash_distance(a: str, b: str) -> int:
    """Number of differing bits between two perceptual hashes."""
    return int(imagehash.hex_to_hash(a) - imagehash.hex_to_hash(b))
