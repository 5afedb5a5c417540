"""Real image files with chosen EXIF (GPS, capture time, orientation) for tests at any layer."""

from __future__ import annotations

import hashlib
import random
import struct
import zlib
from pathlib import Path

import piexif
from PIL import Image, ImageChops, ImageDraw


def scene(size: tuple[int, int] = (1200, 900), seed: int = 1) -> Image.Image:
    """A photo-like picture: tinted gradient, random shapes and grain, the same for one seed."""
    rng = random.Random(seed)
    width, height = size
    gradient = Image.linear_gradient("L").rotate(rng.choice([0, 90, 180, 270])).resize(size)
    image = Image.merge(
        "RGB", [gradient.point(lambda v, k=rng.uniform(0.3, 1.0): int(v * k)) for _ in "RGB"]
    )
    draw = ImageDraw.Draw(image)
    span_x, span_y = max(width // 3, 2), max(height // 3, 2)
    for _ in range(30):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        box = [x0, y0, x0 + rng.randrange(1, span_x), y0 + rng.randrange(1, span_y)]
        colour = tuple(rng.randrange(256) for _ in "RGB")
        rng.choice([draw.rectangle, draw.ellipse])(box, fill=colour)
    grain = Image.frombytes("L", size, rng.randbytes(width * height)).convert("RGB")
    return ImageChops.blend(image, grain, 0.08)


def gps_ifd(lat: float, lon: float) -> dict:
    """A piexif GPS IFD for a decimal position (degrees, minutes, seconds rationals + refs)."""

    def dms(value: float) -> tuple:
        tenth_ms = round(abs(value) * 3600 * 10000)
        degrees, rest = divmod(tenth_ms, 3600 * 10000)
        minutes, seconds = divmod(rest, 60 * 10000)
        return (degrees, 1), (minutes, 1), (seconds, 10000)

    return {
        piexif.GPSIFD.GPSLatitudeRef: b"N" if lat >= 0 else b"S",
        piexif.GPSIFD.GPSLatitude: dms(lat),
        piexif.GPSIFD.GPSLongitudeRef: b"E" if lon >= 0 else b"W",
        piexif.GPSIFD.GPSLongitude: dms(lon),
    }


def exif_bytes(
    lat: float | None = None,
    lon: float | None = None,
    taken_local: str | None = "2026:11:23 10:00:00",
    offset: str | None = None,
    orientation: int | None = None,
    gps: dict | None = None,
) -> bytes:
    """An EXIF block; `gps` (a raw piexif GPS IFD) overrides lat/lon for malformed cases."""
    zeroth: dict = {piexif.ImageIFD.Make: b"FieldSync Test", piexif.ImageIFD.Model: b"Generated"}
    if orientation is not None:
        zeroth[piexif.ImageIFD.Orientation] = orientation
    exif: dict = {}
    if taken_local is not None:
        exif[piexif.ExifIFD.DateTimeOriginal] = taken_local.encode()
    if offset is not None:
        exif[piexif.ExifIFD.OffsetTimeOriginal] = offset.encode()
    if gps is None and lat is not None and lon is not None:
        gps = gps_ifd(lat, lon)
    return piexif.dump({"0th": zeroth, "Exif": exif, "GPS": gps or {}})


def make_photo(
    path: Path,
    lat: float | None = None,
    lon: float | None = None,
    taken_local: str | None = "2026:11:23 10:00:00",
    offset: str | None = None,
    size: tuple[int, int] = (1200, 900),
    seed: int = 1,
    quality: int = 90,
    orientation: int | None = None,
    gps: dict | None = None,
) -> Path:
    """Write a JPEG of `scene(size, seed)` with the given EXIF facts and return its path."""
    path = Path(path)
    exif = exif_bytes(lat, lon, taken_local, offset, orientation, gps)
    scene(size, seed).save(path, "JPEG", quality=quality, exif=exif)
    return path


def make_png_bomb(path: Path, width: int = 30000, height: int = 30000) -> Path:
    """A valid, tiny (kilobytes) all-black 1-bit PNG that claims `width` x `height` pixels."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed pixels
    block = row * 256
    body = b"".join(compressor.compress(block) for _ in range(height // 256))
    body += compressor.compress(row * (height % 256)) + compressor.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    path = Path(path)
    path.write_bytes(png)
    return path


def sha256_of(data: bytes | Path) -> str:
    """SHA-256 hex of bytes or of a file's contents."""
    if isinstance(data, Path):
        data = data.read_bytes()
    return hashlib.sha256(data).hexdigest()
