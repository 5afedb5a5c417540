"""Near-duplicates among real photos: a re-encoded or resized copy is found, others are not."""

from __future__ import annotations

import itertools

import pytest
from PIL import Image

from media.decode import open_image
from media.phash import NEAR_DUPLICATE_MAX_DISTANCE, hash_distance, perceptual_hash

# The hashes the previous ingest (a separate decode at >= 256 px) recorded for these files:
# photos attached before the single-decode ingest must still match their copies exactly.
RECORDED = {
    "45-gps_ifd.jpg": "b740ecb7c45fca01",
    "DSCN0010.jpg": "cedbd88c49eaf808",
    "DSCN0012.jpg": "f1f136161a62d393",
    "HMD_Nokia_8.3_5G.jpg": "e3a43c1393ec5c33",
    "image00971.jpg": "dba6b24d15a425ec",
    "image01551.jpg": "aad5f502f52abd02",
    "iphone_13_pro_max.HEIC": "b197d089c4d39e69",
    "landscape_6.jpg": "8c97878782733379",
    "portrait_8.jpg": "888ab383cb8bcea7",
}
LARGE_ENOUGH = [name for name in RECORDED if name != "image01551.jpg"]  # 61 x 58 px


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_a_sample_hashes_as_it_did_when_recorded(samples, name):
    assert perceptual_hash(samples / name) == RECORDED[name]


@pytest.mark.parametrize("name", LARGE_ENOUGH)
@pytest.mark.parametrize("scale, quality", [(1.0, 50), (0.5, 70), (0.25, 60)])
def test_a_resized_reencoded_copy_of_a_real_photo_is_a_near_duplicate(
    samples, tmp_path, name, scale, quality
):
    copy = tmp_path / "copy.jpg"
    with open_image(samples / name) as original:
        exif = original.getexif()
        size = (max(1, round(original.width * scale)), max(1, round(original.height * scale)))
        # The copy keeps the orientation tag, as a messaging app re-sending the photo would.
        original.convert("RGB").resize(size, Image.Resampling.LANCZOS).save(
            copy, "JPEG", quality=quality, exif=exif.tobytes()
        )
    distance = hash_distance(RECORDED[name], perceptual_hash(copy))
    assert distance <= NEAR_DUPLICATE_MAX_DISTANCE, (name, distance)


def test_different_real_photos_are_not_near_duplicates(samples):
    hashes = {name: perceptual_hash(samples / name) for name in RECORDED}
    for (a, hash_a), (b, hash_b) in itertools.combinations(hashes.items(), 2):
        assert hash_distance(hash_a, hash_b) > 2 * NEAR_DUPLICATE_MAX_DISTANCE, (a, b)
