"""verdict codes for photos verified before codes existed

Photos verified before verdicts carried codes stored only their reasons, worded for the office:
the audit queue misses their near-duplicates, and an engineer reads the other order's number or
photo that the office's wording names. Derive each old row's codes, and the engineer's wording,
from its reasons. The wordings are frozen here as media/verification.py wrote them then; a row
with a reason none of them matches is left as it is (its status still says what failed).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 20:00:00

"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

ELSEWHERE = "used on another order"
DUPLICATE = re.compile(r"same image already attached to order .+")
NEAR_DUPLICATE = re.compile(r"looks like photo (?P<photo>\S+) re-encoded or resized")
WORDINGS = (
    ("no_location", re.compile(r"no GPS position in EXIF")),
    ("outside_geofence", re.compile(r"taken .+ outside the site geofence")),
    ("time_mismatch", re.compile(r"no capture time in EXIF")),
    ("time_mismatch", re.compile(r"taken .+ (before|after) the job window")),
    ("far_from_start", re.compile(r"taken .+ from where the job was started")),
)

photos = sa.table('photos', sa.column('id', sa.String), sa.column('work_order_id', sa.String),
                  sa.column('verification', sa.JSON))


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(sa.select(photos.c.id, photos.c.work_order_id,
                                        photos.c.verification)).all()
    order_of = {photo_id: order_id for photo_id, order_id, _ in rows}
    changed = set()
    for photo_id, order_id, record in rows:
        if not isinstance(record, dict) or "codes" in record:
            continue
        found = [_finding(reason, order_id, order_of) for reason in record.get("reasons", [])]
        if None in found:
            continue
        connection.execute(photos.update().where(photos.c.id == photo_id).values(
            verification={**record, "codes": [code for code, _ in found],
                          "engineer_reasons": [wording for _, wording in found]}))
        changed.add(order_id)
    # The pull documents stored by 0016 show the old wording: render those orders again, with
    # the application's own code as 0016 does.
    if changed:
        from server.services.order_documents import backfill

        documents = sa.table("work_order_documents", sa.column("work_order_id"))
        connection.execute(documents.delete().where(
            documents.c.work_order_id.in_(sorted(changed))))
        backfill(connection)


def _finding(reason, order_id: str, order_of: dict) -> tuple[str, str] | None:
    """(code, the engineer's wording) of one stored reason, or None if it is not one we wrote."""
    if not isinstance(reason, str):
        return None
    if DUPLICATE.fullmatch(reason):
        return "duplicate", f"same image already {ELSEWHERE}"
    near = NEAR_DUPLICATE.fullmatch(reason)
    if near:
        if order_of.get(near["photo"]) == order_id:
            return "near_duplicate", reason
        return "near_duplicate", f"looks like a photo {ELSEWHERE}, re-encoded or resized"
    for code, wording in WORDINGS:
        if wording.fullmatch(reason):
            return code, reason
    return None


def downgrade():
    pass  # the codes are additions older code ignores; the reasons were never changed
