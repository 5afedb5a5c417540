"""A big PNG is decoded once at full size; checking it and making its renditions adds little."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parents[2]

# Each runs in a fresh interpreter and prints how far its peak RSS grew, in KiB.
PLAIN_DECODE = """
from PIL import Image
with Image.open(PATH) as image:
    image.load()
"""
INGEST = """
from media.decode import inspect_image
from media.phash import phash_of
from media.thumbnails import customer_copy, thumbnail_of
preview = inspect_image(PATH, max_pixels=50_000_000).preview
phash_of(preview)
thumbnail_of(preview)
customer_copy(PATH)
"""
# VmHWM, not ru_maxrss: a child keeps the ru_maxrss of the process it was forked from.
PRELUDE = """
import sys
from pathlib import Path
import media.decode, media.phash, media.thumbnails, PIL.PngImagePlugin
def peak():
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0])
PATH = Path(sys.argv[1])
before = peak()
"""
REPORT = "\nprint(peak() - before)\n"


def _peak_growth_kib(script: str, path: Path) -> int:
    result = subprocess.run([sys.executable, "-c", PRELUDE + script + REPORT, str(path)],
                            cwd=ROOT, capture_output=True, text=True, check=True, timeout=120)
    return int(result.stdout.split()[-1])


@pytest.fixture(scope="module")
def big_png(tmp_path_factory) -> Path:
    """A 20-megapixel RGB PNG with photo-like noise (80 MB decoded)."""
    size = (5000, 4000)
    rng = random.Random(3)
    grain = Image.frombytes("L", size, rng.randbytes(size[0] * size[1])).point(lambda v: v // 8)
    ramp = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", [ImageChops.add(ramp, grain), ramp, grain])
    path = tmp_path_factory.mktemp("big") / "big.png"
    image.save(path, "PNG", compress_level=1)
    return path


def test_checking_and_rendering_a_big_png_costs_about_one_plain_decode(big_png):
    plain = _peak_growth_kib(PLAIN_DECODE, big_png)
    # The least of two fresh runs: the first interpreter of a fresh checkout also pays for
    # writing bytecode caches, which is not what this bound is about.
    ingest = min(_peak_growth_kib(INGEST, big_png) for _ in range(2))
    assert plain > 60_000  # the decoded picture itself: 20 MP x 4 bytes
    # Before, the upright copy and the colour-converted copy each added as much again (2.8x).
    assert ingest < 1.4 * plain, (plain, ingest)
