"""Real image files, made with Pillow, that are cheap to send and would be costly to decode."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image
from pillow_heif import register_heif_opener

GREY = (200, 200, 200)


def long_png(path: Path, width: int, height: int) -> Path:
    """A valid black 1-bit PNG of `width` x `height` (say 1 x 50,000,000) in about 100 kB."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed pixels
    rows_a_block = max(1, (1 << 20) // len(row))
    compressor = zlib.compressobj(9)
    body = b"".join(
        compressor.compress(row * min(rows_a_block, height - done))
        for done in range(0, height, rows_a_block)
    ) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", body)
                     + _chunk(b"IEND", b""))
    return path


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def flat_png(path: Path, size: tuple[int, int]) -> Path:
    """An RGB PNG of one colour: deflate packs 36 MP into ~120 kB."""
    Image.new("RGB", size, GREY).save(path, "PNG")
    return path


def heic_claiming(path: Path, size: tuple[int, int]) -> Path:
    """A real 64 x 64 HEIC whose image extents (`ispe`) claim `size`: a few kB."""
    register_heif_opener()  # Pillow's HEIF writer
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), GREY).save(buffer, "HEIF", quality=50)
    data = bytearray(buffer.getvalue())
    claimed = struct.pack(">II", *size)
    at = data.find(b"ispe")
    assert at > 0, "pillow-heif wrote no ispe box"
    while at > 0:
        data[at + 8:at + 16] = claimed  # after the box type: version/flags, then width, height
        at = data.find(b"ispe", at + 4)
    path.write_bytes(bytes(data))
    return path


def jpeg_without_its_data(path: Path, size: tuple[int, int]) -> Path:
    """A JPEG's headers (claiming `size`) followed by end-of-image, no picture data."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), GREY).save(buffer, "JPEG", quality=90)
    data = bytearray(buffer.getvalue())
    start_of_frame = data.index(b"\xff\xc0")
    data[start_of_frame + 5:start_of_frame + 9] = struct.pack(">HH", size[1], size[0])
    start_of_scan = data.index(b"\xff\xda")
    scan_header = int.from_bytes(data[start_of_scan + 2:start_of_scan + 4], "big")
    path.write_bytes(bytes(data[: start_of_scan + 2 + scan_header]) + b"\xff\xd9")
    return path
