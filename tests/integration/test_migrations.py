"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from server.extensions import db
from server.models import PhotoRow
from server.models.kb import include_in_schema_comparison
from tests.api import new_id


def test_the_migrated_schema_matches_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(
            connection, opts={"include_object": include_in_schema_comparison}), db.metadata)
    assert differences == []


def test_photos_verified_before_verdict_codes_get_codes_and_the_engineers_wording(app, api,
                                                                                  world):
    first, second = api.create_order(world), api.create_order(world)
    own, other, odd = new_id(), new_id(), new_id()
    old_records = {
        own: {"status": "outside_geofence", "distance_m": 4875.2, "reasons": [
            "taken 4.9 km outside the site geofence", "no capture time in EXIF",
            f"looks like photo {other} re-encoded or resized"]},
        other: {"status": "duplicate", "distance_m": 0.0, "reasons": [
            f"same image already attached to order {first['number']}",
            f"looks like photo {own} re-encoded or resized",
            "taken 1.2 km from where the job was started"]},
        odd: {"status": "verified", "distance_m": 0.0, "reasons": ["a wording we never wrote"]},
    }
    with app.app_context():
        downgrade(revision="0016")  # before the backfill (0017)
        try:
            for position, (photo_id, order) in enumerate(((own, first), (other, second),
                                                          (odd, second))):
                db.session.add(PhotoRow(id=photo_id, work_order_id=order["id"],
                                        position=position, kind="after", sha256="ab" * 32,
                                        verification=old_records[photo_id]))
            db.session.commit()
        finally:
            upgrade()
        stored = {row.id: row.verification for row in db.session.scalars(select(PhotoRow))}

    assert stored[own]["codes"] == ["outside_geofence", "time_mismatch", "near_duplicate"]
    assert stored[other]["codes"] == ["duplicate", "near_duplicate", "far_from_start"]
    assert stored[own]["reasons"] == old_records[own]["reasons"]  # the office's, unchanged
    assert stored[odd] == old_records[odd]  # not ours to guess
    engineer_view = api.order(second["id"], as_="engineer")["photos"]
    reasons = next(p for p in engineer_view if p["id"] == other)["verification"]["reasons"]
    assert reasons == ["same image already used on another order",
                       "looks like a photo used on another order, re-encoded or resized",
                       "taken 1.2 km from where the job was started"]
    assert first["number"] not in str(reasons) and own not in str(reasons)
