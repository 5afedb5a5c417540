"""One harness per media store (directory, S3 on moto's server) for the shared contract tests.

A harness lists what the store holds through its own backend (files, objects), never through
the store under test, so a store that lies about what it wrote is caught.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from media.stores import store_for
from media.stores.directory import DirectoryStore
from media.stores.s3 import S3Store


class DirectoryHarness:
    def __init__(self, tmp_path: Path):
        self.store = store_for(None, tmp_path / "media")
        assert isinstance(self.store, DirectoryStore)

    def originals(self) -> list[str]:
        """The images held (their names), renditions and staging left out."""
        root = self.store.root
        return sorted(p.name for p in root.rglob("*") if p.is_file()
                      and p.relative_to(root).parts[0] not in ("tmp", "derived"))

    def held_bytes(self, sha256: str) -> bytes:
        return self.store.path_for(sha256).read_bytes()

    def write_marker(self, sha256: str) -> tuple:
        """Changes whenever the stored image is written again."""
        stat = self.store.path_for(sha256).stat()
        return stat.st_ino, stat.st_mtime_ns


class S3Harness:
    def __init__(self, tmp_path: Path, client, bucket: str):
        self.client, self.bucket = client, bucket
        self.store = store_for(f"s3://{bucket}/media/v1", tmp_path / "media", s3_client=client)
        assert isinstance(self.store, S3Store)
        self.puts: list[str] = []
        client.meta.events.register("before-call.s3.PutObject", self._count_put)

    def _count_put(self, params, **_):
        self.puts.append(params["url_path"])

    def _keys(self) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return [item["Key"] for page in pages for item in page.get("Contents", [])]

    def originals(self) -> list[str]:
        keys = self._keys()
        assert all(key.startswith("media/v1/") for key in keys), keys
        return sorted(key.rsplit("/", 1)[1] for key in keys
                      if not key.startswith("media/v1/derived/"))

    def held_bytes(self, sha256: str) -> bytes:
        key = f"media/v1/{sha256[:2]}/{sha256[2:4]}/{sha256}"
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def write_marker(self, sha256: str) -> int:
        return sum(1 for path in self.puts if path.endswith(f"/{sha256}"))


@pytest.fixture(params=["directory", "s3"])
def media_harness(request, tmp_path):
    if request.param == "directory":
        return DirectoryHarness(tmp_path)
    return S3Harness(tmp_path, request.getfixturevalue("s3_client"),
                     request.getfixturevalue("s3_bucket"))
