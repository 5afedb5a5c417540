"""Perceptual hashes for spotting the same photo re-encoded or resized."""

from __future__ import annotations

from pathlib import Path

import imagehash

# imagehash imports scipy's DCT inside phash(): 0.5 s on a worker's first photo. Importing it
# with this module moves that cost to start-up, where no device is waiting.
import scipy.fftpack  # noqa: F401
from PIL import Image

from media.decode import DEFAULT_LIMITS, PREVIEW_PX, DecodeLimits, load_upright

# phash is 64 bits; re-encoding/resizing moves a few bits (<= 4 in tests), different scenes ~32.
NEAR_DUPLICATE_MAX_DISTANCE = 8


def perceptual_hash(path: Path, *, limits: DecodeLimits = DEFAULT_LIMITS) -> str:
    """The 64-bit DCT perceptual hash of the upright image, as 16 hex digits."""
    return phash_of(load_upright(path, box=PREVIEW_PX, limits=limits))


def phash_of(image: Image.Image) -> str:
    """The perceptual hash of an upright image decoded at PREVIEW_PX (as the upload keeps it)."""
    return str(imagehash.phash(image))


def hash_distance(a: str, b: str) -> int:
    """Number of differing bits between two perceptual hashes."""
    return int(imagehash.hex_to_hash(a) - imagehash.hex_to_hash(b))
