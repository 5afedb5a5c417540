"""Fresh databases for tests: a migrated SQLite file copied per test, or a PostgreSQL database
per test worker, migrated once and truncated before every test."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

PG_ADMIN_URL = os.environ.get("FIELDSYNC_TEST_PG",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("CI") == "true" or os.environ.get("FIELDSYNC_REQUIRE_PG") == "1"


def postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"


def skip_or_fail_without_postgres() -> None:
    problem = postgres_reachable()
    if problem:
        message = (f"PostgreSQL not reachable at {PG_ADMIN_URL} ({problem}); start it with "
                   "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`")
        if REQUIRE_PG:
            pytest.fail(message)
        pytest.skip(message)


def migrate(url: str, media_dir: Path) -> None:
    from flask_migrate import upgrade

    from server import create_app
    from server.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MEDIA_DIR": str(media_dir),
                      "SECRET_KEY": "test"})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def sqlite_template(tmp_factory) -> Path:
    """A migrated SQLite file to copy from."""
    folder = tmp_factory.mktemp("sqlite-template")
    path = folder / "template.db"
    migrate(f"sqlite:///{path}", folder / "media")
    return path


def sqlite_url(template: Path, folder: Path) -> str:
    target = folder / "fieldsync.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


PREFIX = "fieldsync_test_"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def postgres_database(tmp_factory) -> str:
    """A migrated database of this test process's own (named by pid, so concurrent runs on
    one machine never share one); its URL. Databases of runs that died are dropped."""
    name = f"{PREFIX}{os.getpid()}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        existing = [row[0] for row in connection.execute(text(
            "select datname from pg_database where datname like :p"), {"p": PREFIX + "%"})]
        for stale in existing:
            suffix = stale.removeprefix(PREFIX)
            if stale == name or (suffix.isdigit() and not _pid_alive(int(suffix))):
                connection.execute(text(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    migrate(url, tmp_factory.mktemp("pg-media"))
    return url


def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def truncate_postgres(url: str) -> None:
    """Empty every table but Alembic's, and reset the counters."""
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = [row[0] for row in connection.execute(text(
            "select tablename from pg_tables where schemaname = 'public' "
            "and tablename not in ('alembic_version', 'counters')"))]
        if tables:
            connection.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                    + " RESTART IDENTITY CASCADE"))
        connection.execute(text("UPDATE counters SET value = 0"))
    engine.dispose()
