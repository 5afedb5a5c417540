"""FIELDSYNC_MEDIA_URL: which URLs choose S3, which are refused at start, and what the S3
store sends the bucket (only verified bytes, with their SHA-256 for the bucket to check)."""

from __future__ import annotations

import base64
import hashlib

import pytest

from media.stores import parse_s3_url, store_for
from media.stores.directory import DirectoryStore
from media.stores.s3 import S3Store
from tests.media.photos import make_photo


@pytest.mark.parametrize("url, bucket, prefix", [
    ("s3://media", "media", ""),
    ("s3://media/", "media", ""),
    ("s3://media/fieldsync/prod", "media", "fieldsync/prod"),
    ("s3://media//fieldsync/", "media", "fieldsync"),
])
def test_an_s3_url_names_the_bucket_and_prefix(url, bucket, prefix):
    assert parse_s3_url(url) == (bucket, prefix)


@pytest.mark.parametrize("url", ["media", "/var/media", "file:///var/media", "http://s3/x",
                                 "s3://", "s3:///prefix", "s3://bucket/p?versionId=1",
                                 "s3://bucket/p#x"])
def test_anything_but_an_s3_url_is_refused(url):
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        parse_s3_url(url)


def test_the_server_refuses_to_start_with_a_bad_media_url(tmp_path):
    from server import create_app

    with pytest.raises(ValueError, match="FIELDSYNC_MEDIA_URL"):
        create_app({"MEDIA_URL": "/srv/media", "MEDIA_DIR": str(tmp_path / "media"),
                    "SECRET_KEY": "x",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})


def test_without_a_media_url_the_directory_is_used(tmp_path):
    store = store_for(None, tmp_path / "media")
    assert isinstance(store, DirectoryStore) and store.root == tmp_path / "media"


def test_s3_uploads_are_staged_in_the_media_directory(tmp_path, s3_client, s3_bucket):
    store = store_for(f"s3://{s3_bucket}", tmp_path / "media", s3_client=s3_client)
    assert isinstance(store, S3Store)
    assert store.staging.directory == tmp_path / "media" / "tmp"
    assert store.key_for("ab" * 32) == f"ab/ab/{'ab' * 32}"


def test_the_bucket_gets_one_put_with_the_verified_sha256_to_check(tmp_path, s3_client,
                                                                    s3_bucket):
    sent = []
    s3_client.meta.events.register("before-call.s3.PutObject",
                                   lambda params, **_: sent.append(params["headers"]))
    store = store_for(f"s3://{s3_bucket}/m", tmp_path / "media", s3_client=s3_client)
    data = make_photo(tmp_path / "a.jpg").read_bytes()
    digest = hashlib.sha256(data).digest()
    store.ingest([data], digest.hex(), max_bytes=10**7, max_pixels=10**8)
    assert len(sent) == 1
    assert sent[0]["x-amz-checksum-sha256"] == base64.b64encode(digest).decode()
    assert sent[0]["Content-Type"] == "image/jpeg"


def test_the_environment_alone_points_the_server_at_the_bucket(tmp_path, monkeypatch,
                                                               s3_client, s3_bucket):
    from server import create_app
    from server.media_store import media_store

    monkeypatch.setenv("FIELDSYNC_MEDIA_URL", f"s3://{s3_bucket}/from-env")
    monkeypatch.setenv("FIELDSYNC_MEDIA_DIR", str(tmp_path / "media"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    app = create_app({"SECRET_KEY": "x"})
    data = make_photo(tmp_path / "a.jpg").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    with app.app_context():
        store = media_store()
        assert isinstance(store, S3Store) and store.prefix == "from-env/"
        store.ingest([data], digest, max_bytes=10**7, max_pixels=10**8)
    key = f"from-env/{digest[:2]}/{digest[2:4]}/{digest}"
    assert s3_client.get_object(Bucket=s3_bucket, Key=key)["Body"].read() == data
