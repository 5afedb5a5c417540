"""Perceptual hashes match a photo re-encoded or resized, and tell different scenes apart."""

from __future__ import annotations

import itertools
import re

import pytest
from PIL import Image

from media.phash import NEAR_DUPLICATE_MAX_DISTANCE, hash_distance, perceptual_hash
from tests.media.photos import exif_bytes, make_photo, scene

SEEDS = range(1, 9)


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scenes")
    return {
        seed: make_photo(folder / f"{seed}.jpg", seed=seed, size=(1600, 1200)) for seed in SEEDS
    }


def test_a_hash_is_16_hex_digits(originals):
    assert re.fullmatch(r"[0-9a-f]{16}", perceptual_hash(originals[1]))


def test_hash_distance_counts_differing_bits():
    assert hash_distance("0000000000000000", "0000000000000000") == 0
    assert hash_distance("0000000000000000", "000000000000000f") == 4
    assert hash_distance("0000000000000000", "ffffffffffffffff") == 64


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("size, quality", [((800, 600), 60), ((400, 300), 40), ((1600, 1200), 30)])
def test_the_same_scene_resized_and_reencoded_is_a_near_duplicate(
    originals, tmp_path, seed, size, quality
):
    copy = tmp_path / "copy.jpg"
    with Image.open(originals[seed]) as original:
        original.resize(size).save(copy, "JPEG", quality=quality)
    distance = hash_distance(perceptual_hash(originals[seed]), perceptual_hash(copy))
    assert distance <= NEAR_DUPLICATE_MAX_DISTANCE


def test_a_png_of_the_same_scene_is_a_near_duplicate(originals, tmp_path):
    copy = tmp_path / "copy.png"
    scene((1600, 1200), seed=1).resize((1000, 750)).save(copy, "PNG")
    distance = hash_distance(perceptual_hash(originals[1]), perceptual_hash(copy))
    assert distance <= NEAR_DUPLICATE_MAX_DISTANCE


def test_the_hash_is_taken_of_the_upright_picture(originals, tmp_path):
    rotated = tmp_path / "rotated.jpg"
    sideways = scene((1600, 1200), seed=1).transpose(Image.Transpose.ROTATE_90)
    sideways.save(rotated, "JPEG", quality=90, exif=exif_bytes(orientation=6))
    distance = hash_distance(perceptual_hash(originals[1]), perceptual_hash(rotated))
    assert distance <= NEAR_DUPLICATE_MAX_DISTANCE


def test_different_scenes_are_far_apart(originals):
    hashes = {seed: perceptual_hash(path) for seed, path in originals.items()}
    for a, b in itertools.combinations(SEEDS, 2):
        assert hash_distance(hashes[a], hashes[b]) > 2 * NEAR_DUPLICATE_MAX_DISTANCE, (a, b)


def test_a_resized_real_photo_is_a_near_duplicate_and_the_heic_is_not(samples, tmp_path):
    copy = tmp_path / "copy.jpg"
    with Image.open(samples / "HMD_Nokia_8.3_5G.jpg") as original:
        original.reduce(4).save(copy, "JPEG", quality=60)
    nokia = perceptual_hash(samples / "HMD_Nokia_8.3_5G.jpg")
    assert hash_distance(nokia, perceptual_hash(copy)) <= NEAR_DUPLICATE_MAX_DISTANCE
    heic = perceptual_hash(samples / "iphone_13_pro_max.HEIC")
    assert hash_distance(nokia, heic) > NEAR_DUPLICATE_MAX_DISTANCE
