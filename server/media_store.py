"""The deployment's media store, from FIELDSYNC_MEDIA_URL (S3) or FIELDSYNC_MEDIA_DIR."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app

from media.store import MediaStore
from media.stores import parse_s3_url, store_for

_client_lock = threading.Lock()


def check_media_settings(app: Flask) -> None:
    """Refuse to start with a FIELDSYNC_MEDIA_URL that is not s3://bucket[/prefix]."""
    if app.config["MEDIA_URL"]:
        parse_s3_url(app.config["MEDIA_URL"])


def media_store() -> MediaStore:
    """The configured store (settings read per call, so tests and tools may change them)."""
    config = current_app.config
    return store_for(config["MEDIA_URL"], Path(config["MEDIA_DIR"]),
                     stale_part_age=timedelta(minutes=config["MEDIA_STALE_UPLOAD_MINUTES"]),
                     s3_client=_s3_client() if config["MEDIA_URL"] else None)


def _s3_client():
    """One client per app: boto3 clients are thread-safe to use, but costly to make."""
    extensions = current_app.extensions
    if "media_s3_client" not in extensions:
        import boto3  # only where S3 is configured
        from botocore.config import Config

        with _client_lock:  # making clients from boto3's default session is not thread-safe
            if "media_s3_client" not in extensions:
                # Credentials, region and AWS_ENDPOINT_URL come from the usual AWS_* variables.
                extensions["media_s3_client"] = boto3.session.Session().client(
                    "s3", config=Config(retries={"mode": "standard"}, connect_timeout=5,
                                        read_timeout=60))
    return extensions["media_s3_client"]
