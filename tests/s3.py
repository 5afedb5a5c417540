"""S3 for the tests: moto's server mode (a real S3 API over HTTP) on a free local port.

Import the fixtures into a conftest or test module: `s3_endpoint` (one server per session),
`s3_env` (the AWS_* variables pointing boto3 at it) and `s3_bucket` (a fresh bucket a test).
"""

from __future__ import annotations

import uuid

import pytest

AWS_VARIABLES = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_REGION",
                 "AWS_S3_ADDRESSING_STYLE", "AWS_CA_BUNDLE")


@pytest.fixture(scope="session")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_env(s3_endpoint, monkeypatch, tmp_path):
    """Only the test's AWS settings: no profile, no credentials file, no metadata service."""
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    settings = {"AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret",
                "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": s3_endpoint,
                "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
                "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
                "AWS_EC2_METADATA_DISABLED": "true"}
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    return settings


@pytest.fixture
def s3_client(s3_env):
    import boto3

    return boto3.session.Session().client("s3")


@pytest.fixture
def s3_bucket(s3_client) -> str:
    name = f"fieldsync-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=name)
    return name
