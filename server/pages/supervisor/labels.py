"""What the console calls statuses and flags, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from media import verification as verdict
from server.pages.supervisor import bp
from sync import status as st

STATUSES = {
    st.OPEN: _l("open"), st.ASSIGNED: _l("assigned"), st.ACCEPTED: _l("accepted"),
    st.IN_PROGRESS: _l("in progress"), st.COMPLETED: _l("completed"),
    st.VERIFIED: _l("verified"), st.CANCELLED: _l("cancelled"),
    st.VISIT_FAILED: _l("visit failed"),
}

FLAGS = {
    verdict.OUTSIDE_GEOFENCE: _l("photo outside geofence"),
    verdict.TIME_MISMATCH: _l("photo time mismatch"),
    verdict.DUPLICATE: _l("duplicate photo"), verdict.NO_LOCATION: _l("photo without location"),
    verdict.NEAR_DUPLICATE: _l("near-duplicate photo"), "ad_hoc_charge": _l("ad-hoc charge"),
    "signed_more_than_once": _l("signed more than once"),
    "rejected_mutations": _l("rejected sync actions"), "alerts": _l("overdue alerts"),
}

PRIORITIES = {"low": _l("low"), "normal": _l("normal"), "high": _l("high"),
              "urgent": _l("urgent")}


@bp.app_context_processor
def labels() -> dict:
    return {"statuses": STATUSES, "flag_labels": FLAGS, "priority_labels": PRIORITIES}
