"""What the console calls statuses and flags, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from server.pages.supervisor import bp

STATUSES = {
    "open": _l("open"), "assigned": _l("assigned"), "accepted": _l("accepted"),
    "in_progress": _l("in progress"), "completed": _l("completed"),
    "verified": _l("verified"), "cancelled": _l("cancelled"),
    "visit_failed": _l("visit failed"),
}

FLAGS = {
    "outside_geofence": _l("photo outside geofence"), "time_mismatch": _l("photo time mismatch"),
    "duplicate": _l("duplicate photo"), "no_location": _l("photo without location"),
    "near_duplicate": _l("near-duplicate photo"), "ad_hoc_charge": _l("ad-hoc charge"),
    "signed_more_than_once": _l("signed more than once"),
    "rejected_mutations": _l("rejected sync actions"), "alerts": _l("overdue alerts"),
}

PRIORITIES = {"low": _l("low"), "normal": _l("normal"), "high": _l("high"),
              "urgent": _l("urgent")}


@bp.app_context_processor
def labels() -> dict:
    return {"statuses": STATUSES, "flag_labels": FLAGS, "priority_labels": PRIORITIES}
