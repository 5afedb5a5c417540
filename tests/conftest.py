"""Fixtures shared by every suite: apps on SQLite and PostgreSQL, a clock, an API client."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from tests import databases, documents_check, samples
from tests.api import Api
from tests.s3 import s3_bucket, s3_client, s3_endpoint, s3_env  # noqa: F401 - moto's S3 server


class Clock:
    """An injectable clock that tests move by hand."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock():
    return Clock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    return databases.sqlite_template(tmp_path_factory)


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    databases.skip_or_fail_without_postgres()
    url = databases.postgres_database(tmp_path_factory)
    yield url
    databases.drop_postgres_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request):
    return request.param


@pytest.fixture
def database_url(backend, request, tmp_path, sqlite_template):
    if backend == "sqlite":
        return databases.sqlite_url(sqlite_template, tmp_path)
    url = request.getfixturevalue("postgres_url")
    databases.truncate_postgres(url)
    return url


@pytest.fixture
def app(database_url, tmp_path, clock):
    from server import create_app
    from server.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                      "MEDIA_DIR": str(tmp_path / "media"), "SECRET_KEY": "test-secret",
                      "PUBLIC_URL": "http://fieldsync.test", "CLOCK": clock,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    yield app
    # Whatever the test wrote, each order's stored pull document must match its rows.
    stale = documents_check.stale_documents(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    assert not stale, f"stored pull documents that differ from a fresh render: {stale}"


@pytest.fixture
def api(app):
    return Api(app)


@pytest.fixture
def world(api):
    """A dispatcher, a supervisor, two engineers, a customer with a site, a catalog."""
    return api.make_world()


def pytest_report_header(config):
    return [f"CI={os.environ.get('CI', '')} PostgreSQL={databases.PG_ADMIN_URL}",
            samples.status_line()]
