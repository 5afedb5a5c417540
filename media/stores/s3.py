"""Media in S3-compatible object storage: `<prefix>/ab/cd/<sha256>`, renditions under
`<prefix>/derived/`. Uploads are staged and verified on local disk before the one PUT."""

from __future__ import annotations

import base64
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from botocore.exceptions import ClientError

from media.decode import ImageInfo
from media.formats import MIME_TYPES
from media.staging import STALE_PART_AGE, Staging
from media.store import MediaStore, StoredMedia, check_rendition, check_sha256

_MISSING = {"404", "NoSuchKey", "NotFound"}
COPY_CHUNK = 1024 * 1024


def _missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in _MISSING


class S3Store(MediaStore):
    """Images as objects in `bucket` under `prefix`, named by the SHA-256 of their bytes."""

    def __init__(self, client, bucket: str, prefix: str = "", *, staging_dir: Path,
                 stale_part_age: timedelta = STALE_PART_AGE):
        self.client, self.bucket = client, bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        super().__init__(Staging(staging_dir, stale_part_age))

    def key_for(self, sha256: str) -> str:
        """The object key of the image with this hash (whether or not it is there)."""
        check_sha256(sha256)
        return f"{self.prefix}{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def rendition_key(self, sha256: str, kind: str) -> str:
        """The object key of a rendition of the image."""
        suffix = check_rendition(kind)
        return f"{self.prefix}derived/{kind}/{check_sha256(sha256)}{suffix}"

    def exists(self, sha256: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key_for(sha256))
        except ClientError as error:
            if _missing(error):
                return False
            raise
        return True

    def _publish(self, part: Path, sha256: str, info: ImageInfo) -> bool:
        # Content-addressed: an object under this key already holds these very bytes.
        if self.exists(sha256):
            return False
        with open(part, "rb") as body:
            # The bucket checks the bytes it received against the hash we verified.
            self.client.put_object(
                Bucket=self.bucket, Key=self.key_for(sha256), Body=body,
                ContentType=info.mime,
                ChecksumSHA256=base64.b64encode(bytes.fromhex(sha256)).decode())
        return True

    def _get(self, key: str) -> dict:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _missing(error):
                raise FileNotFoundError(key) from error
            raise

    def open(self, sha256: str) -> StoredMedia:
        answer = self._get(self.key_for(sha256))
        mime = answer.get("ContentType")
        return StoredMedia(stream=answer["Body"], size=answer["ContentLength"],
                           mime=mime if mime in MIME_TYPES.values() else
                           "application/octet-stream")

    @contextmanager
    def local_copy(self, sha256: str) -> Iterator[Path]:
        answer = self._get(self.key_for(sha256))
        # A staged part: swept like an upload if this worker is killed while it exists.
        with self.staging.part() as part, answer["Body"] as body:
            with open(part, "wb") as out:
                shutil.copyfileobj(body, out, COPY_CHUNK)
            yield part

    def read_rendition(self, sha256: str, kind: str) -> bytes | None:
        try:
            answer = self._get(self.rendition_key(sha256, kind))
        except FileNotFoundError:
            return None
        with answer["Body"] as body:
            return body.read()

    def write_rendition(self, sha256: str, kind: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.rendition_key(sha256, kind),
                               Body=data, ContentType="text/plain" if kind == "phash"
                               else "image/jpeg")
