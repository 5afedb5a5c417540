"""The work order document of the contract, to and from the aggregate."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from schemas.formats import iso as _iso
from schemas.formats import parse_time
from sync.digest import charges_digest
from sync.model import ChargeLine, Note, Photo, Signoff, WorkOrder
from sync.money import money_str, totals
from sync.mutations import charge_details


def _parse_time(value: str | None) -> datetime | None:
    return None if value is None else parse_time(value)


def verification_view(record: dict | None, *, office: bool) -> dict | None:
    """A photo's verification as its reader may see it: the office reads every reason in full;
    an engineer reads them without another order's number or photo (the engineer's wording
    recorded beside them by media/verification.py). Records from a pull are already the
    engineer's and pass unchanged."""
    if not record:
        return record
    reasons = record.get("reasons", [])
    if not office:
        reasons = record.get("engineer_reasons", reasons)
    return {"status": record.get("status"), "distance_m": record.get("distance_m"),
            "reasons": list(reasons)}


def signoff_document(signoff: Signoff | None, currency: str) -> dict | None:
    """A sign-off as the document shows it."""
    if signoff is None:
        return None
    return {"id": signoff.id, "signer_name": signoff.signer_name,
            "signed_at": _iso(signoff.signed_at), "charges_digest": signoff.charges_digest,
            "total": money_str(signoff.total, currency), "valid": signoff.valid,
            "signature_sha256": signoff.signature_sha256}


def to_document(order: WorkOrder, *, office: bool = False) -> dict:
    """The whole aggregate as the contract's JSON document; `office` for supervisors and
    dispatchers (photo verdicts name the other order), else as the engineer reads it."""
    sums = totals(order.charges, order.currency)
    return {
        "id": order.id, "number": order.number, "version": order.version,
        "status": order.status, "priority": order.priority, "title": order.title,
        "description": order.description, "currency": order.currency,
        "customer": order.customer, "site": order.site,
        "assigned_engineer_id": order.assigned_engineer_id,
        "created_at": _iso(order.created_at), "assigned_at": _iso(order.assigned_at),
        "accepted_at": _iso(order.accepted_at), "started_at": _iso(order.started_at),
        "completed_at": _iso(order.completed_at), "verified_at": _iso(order.verified_at),
        "cancelled_at": _iso(order.cancelled_at), "due_at": _iso(order.due_at),
        "window_start": _iso(order.window_start), "window_end": _iso(order.window_end),
        "failed_at": _iso(order.failed_at), "failure_reason": order.failure_reason,
        "start_location": order.start_location,
        "charges": [{**charge_details(line, order.currency),
                     "priced_at": _iso(order.priced_at.get(line.id))} for line in order.charges],
        "totals": {"subtotal": money_str(sums.subtotal, order.currency),
                   "tax": money_str(sums.tax, order.currency),
                   "total": money_str(sums.total, order.currency)},
        "charges_digest": charges_digest(order.currency, order.charges),
        "photos": [{"id": p.id, "kind": p.kind, "sha256": p.sha256, "caption": p.caption,
                    "taken_at": _iso(p.taken_at), "location": p.location,
                    "verification": verification_view(p.verification, office=office)}
                   for p in order.photos],
        "signoff": signoff_document(order.signoff, order.currency),
        "signoffs": [signoff_document(s, order.currency) for s in order.signoffs],
        "notes": [{"id": n.id, "at": _iso(n.at), "author": n.author, "author_id": n.author_id,
                   "text": n.text} for n in order.notes],
    }


def from_document(doc: dict) -> WorkOrder:
    """Rebuild the aggregate from a document (the device applies its pending work on it)."""
    times = {name: _parse_time(doc.get(name)) for name in (
        "created_at", "assigned_at", "accepted_at", "started_at", "completed_at",
        "verified_at", "cancelled_at", "due_at", "window_start", "window_end", "failed_at")}
    return WorkOrder(
        id=doc["id"], number=doc["number"], status=doc["status"], title=doc["title"],
        currency=doc["currency"], version=doc["version"], priority=doc["priority"],
        description=doc.get("description") or "",
        assigned_engineer_id=doc.get("assigned_engineer_id"),
        start_location=doc.get("start_location"), customer=doc.get("customer") or {},
        failure_reason=doc.get("failure_reason"),
        site=doc.get("site") or {}, **times,
        charges=[ChargeLine(
            id=c["id"], kind=c["kind"], catalog_code=c["catalog_code"],
            description=c["description"], quantity=Decimal(c["quantity"]), unit=c["unit"],
            unit_price=Decimal(c["unit_price"]), tax_rate=Decimal(c["tax_rate"]),
            amount=Decimal(c["amount"]), tax=Decimal(c["tax"])) for c in doc["charges"]],
        priced_at={c["id"]: _parse_time(c["priced_at"]) for c in doc["charges"]
                   if c.get("priced_at")},
        photos=[Photo(id=p["id"], kind=p["kind"], sha256=p["sha256"],
                      caption=p.get("caption"), taken_at=_parse_time(p.get("taken_at")),
                      location=p.get("location"), verification=p.get("verification") or {})
                for p in doc["photos"]],
        signoffs=[Signoff(id=s["id"], signer_name=s["signer_name"],
                          signed_at=_parse_time(s["signed_at"]),
                          charges_digest=s["charges_digest"], total=Decimal(s["total"]),
                          signature_sha256=s.get("signature_sha256") or "",
                          valid=s["valid"]) for s in doc.get("signoffs") or []],
        notes=[Note(id=n.get("id") or "", at=_parse_time(n["at"]),
                    author_id=n.get("author_id") or "", author=n["author"], text=n["text"])
               for n in doc["notes"]],
    )
