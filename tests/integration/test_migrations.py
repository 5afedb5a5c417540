"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from server.extensions import db
from server.models.kb import include_in_schema_comparison


def test_the_migrated_schema_matches_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(
            connection, opts={"include_object": include_in_schema_comparison}), db.metadata)
    assert differences == []
