"""The media store a deployment uses: a directory, or S3-compatible object storage."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from media.staging import STALE_PART_AGE
from media.store import MediaStore
from media.stores.directory import DirectoryStore


def parse_s3_url(url: str) -> tuple[str, str]:
    """The bucket and key prefix of `s3://bucket/prefix` (ValueError for anything else)."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"FIELDSYNC_MEDIA_URL must look like s3://bucket/prefix, not {url!r}")
    return parts.netloc, parts.path.strip("/")


def store_for(media_url: str | None, media_dir: Path, *,
              stale_part_age: timedelta = STALE_PART_AGE, s3_client=None) -> MediaStore:
    """S3 when `media_url` is set (uploads staged under `media_dir`), else the directory."""
    if not media_url:
        return DirectoryStore(media_dir, stale_part_age=stale_part_age)
    from media.stores.s3 import S3Store  # boto3 is only imported where S3 is used

    bucket, prefix = parse_s3_url(media_url)
    return S3Store(s3_client, bucket, prefix, staging_dir=Path(media_dir) / "tmp",
                   stale_part_age=stale_part_age)
