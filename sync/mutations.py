"""The engineer's mutations: validate, check the rules, then change the aggregate.

Every handler checks everything before it changes anything, so a rejected mutation leaves the
order exactly as it was, on the server and in the device's replica alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from marshmallow import ValidationError

from schemas.common import first_errors
from schemas.limits import MAX_ORDER_TOTAL
from schemas.mutations import ARGS_SCHEMAS
from sync import status as st
from sync.digest import charges_digest
from sync.errors import Conflict, DomainError, NotFound, ValidationFailed
from sync.model import CatalogEntry, ChargeLine, KbArticleRef, Note, Photo, Signoff, WorkOrder
from sync.money import line_amounts, money_str, plain, round_money, totals


@dataclass(frozen=True)
class Actor:
    id: str
    role: str
    name: str


class RetryLater(DomainError):
    """The mutation cannot be applied yet (its media is not uploaded); it is not final."""

    category = "retry"
    code = "media_missing"


class MutationContext:
    """What the rules need from their surroundings; the server and the device subclass it."""

    def __init__(self, actor: Actor, now: datetime, claimed_time: datetime | None = None):
        self.actor, self.now, self.claimed_time = actor, now, claimed_time

    def event_time(self, order: WorkOrder) -> datetime:
        """When the engineer did it: the device's claimed time, for work done offline hours
        before a sync, but never in the future nor before the order was assigned."""
        when = min(self.claimed_time or self.now, self.now)
        floor = order.assigned_at or order.created_at
        return max(when, floor) if floor is not None else when

    def catalog_entry(self, code: str) -> CatalogEntry | None:
        raise NotImplementedError

    def media_available(self, sha256: str) -> bool:
        return True

    def kb_article(self, article_id: str) -> KbArticleRef | None:
        """The article as this side knows it (the device: its replica), or None."""
        return None

    def record_kb_use(self, order: WorkOrder, article: KbArticleRef) -> None:
        """Keep the use for the reports (the server); the device's outbox already has it."""

    def is_png(self, sha256: str) -> bool:
        """Whether the stored image is a PNG (a signature must be); the device checks its file."""
        return True

    def verify_photo(self, order: WorkOrder, photo: Photo) -> None:
        """Fill in taken_at, location and verification; the device cannot, the server does."""
        photo.verification = {"status": "pending", "distance_m": None, "reasons": []}


@dataclass
class Outcome:
    action: str
    details: dict = field(default_factory=dict)
    changed: bool = True


def parse_args(name: str, args) -> dict:
    """Validated arguments of mutation `name`, or ValidationFailed naming each bad field."""
    schema_class = ARGS_SCHEMAS.get(name)
    if schema_class is None:
        raise ValidationFailed(f"unknown mutation {name!r}", code="unknown_mutation",
                               name=name, known=sorted(ARGS_SCHEMAS))
    if not isinstance(args, dict):
        raise ValidationFailed("args must be an object", fields={"args": ["Not an object."]})
    try:
        return _schema(name).load(args)
    except ValidationError as exc:
        raise ValidationFailed(f"invalid arguments for {name}",
                               fields=first_errors(exc)) from exc


_SCHEMA_INSTANCES: dict[str, object] = {}


def _schema(name: str):
    # Building a marshmallow schema deep-copies its fields: do it once per mutation name, not
    # once per mutation (loading keeps no state on the instance).
    if name not in _SCHEMA_INSTANCES:
        _SCHEMA_INSTANCES[name] = ARGS_SCHEMAS[name]()
    return _SCHEMA_INSTANCES[name]


def apply_mutation(order: WorkOrder, name: str, args: dict, mutation_id: str,
                   ctx: MutationContext) -> Outcome:
    """Apply one parsed mutation to `order`, raising a DomainError if a rule forbids it."""
    _require_holder(order, ctx.actor)
    outcome = HANDLERS[name](order, args, mutation_id, ctx)
    if outcome.changed:
        order.version += 1
    return outcome


def _require_holder(order: WorkOrder, actor: Actor) -> None:
    if order.assigned_engineer_id != actor.id:
        raise Conflict("this order is no longer assigned to you", code="not_assigned",
                       work_order_id=order.id)
    if order.status == st.CANCELLED:
        raise Conflict("this order was cancelled", code="order_cancelled",
                       work_order_id=order.id)


def _move(order: WorkOrder, action: str, ctx: MutationContext, stamp: str) -> Outcome:
    if st.is_no_op(action, order.status):
        return Outcome("already_" + action, {"status": order.status}, changed=False)
    order.status = st.next_status(action, order.status)
    setattr(order, stamp, ctx.event_time(order))
    return Outcome("workorder." + action, {"status": order.status})


def _accept(order, args, mutation_id, ctx):
    return _move(order, "accept", ctx, "accepted_at")


def _start(order, args, mutation_id, ctx):
    outcome = _move(order, "start", ctx, "started_at")
    if outcome.changed and args.get("location"):
        order.start_location = dict(args["location"])
        outcome.details["location"] = order.start_location
    return outcome


def _note(order, args, mutation_id, ctx):
    if any(note.id == mutation_id for note in order.notes):
        raise Conflict("a note with this mutation id exists", code="id_conflict")
    note = Note(id=mutation_id, at=ctx.event_time(order), author_id=ctx.actor.id,
                author=ctx.actor.name, text=args["text"])
    order.notes.append(note)
    return Outcome("workorder.note", {"text": note.text})


def missing_for_completion(order: WorkOrder) -> list[str]:
    """What stands between the order and completion; empty when it may complete."""
    missing = []
    if order.status != st.IN_PROGRESS:
        missing.append("in_progress")
    if not any(photo.kind == "after" for photo in order.photos):
        missing.append("after_photo")
    signoff = order.signoff
    if signoff is None:
        missing.append("signoff")
    elif not signoff.valid:
        missing.append("valid_signoff")
    return missing


MISSING_TEXT = {
    "in_progress": "the order must be in progress",
    "after_photo": "at least one 'after' photo",
    "signoff": "the customer's sign-off",
    "valid_signoff": "a sign-off for the current charges (they changed after signing)",
}


def _complete(order, args, mutation_id, ctx):
    if st.is_no_op("complete", order.status):
        return Outcome("already_complete", {"status": order.status}, changed=False)
    missing = missing_for_completion(order)
    if missing:
        raise Conflict("cannot complete yet: " + "; ".join(MISSING_TEXT[m] for m in missing),
                       code="completion_incomplete", missing=missing, status=order.status)
    order.status = st.next_status("complete", order.status)
    order.completed_at = ctx.event_time(order)
    return Outcome("workorder.complete", {"status": order.status})


def _require_charges_editable(order: WorkOrder) -> None:
    if order.status not in st.CHARGES_EDITABLE:
        raise Conflict(f"charges cannot change while the order is {order.status}",
                       code="order_not_editable", status=order.status)


def _invalidate_signoffs(order: WorkOrder) -> None:
    for signoff in order.signoffs:
        signoff.valid = False


def build_charge_line(order: WorkOrder, args: dict, ctx: MutationContext) -> ChargeLine:
    """A charge line priced from the catalog (or the ad-hoc price), amounts rounded."""
    if "catalog_code" in args:
        entry = ctx.catalog_entry(args["catalog_code"])
        if entry is None or not entry.active:
            raise Conflict(f"no catalog item {args['catalog_code']!r}",
                           code="unknown_catalog_code", catalog_code=args["catalog_code"])
        if entry.currency != order.currency:
            raise Conflict("the catalog item is priced in another currency",
                           code="currency_mismatch", catalog_currency=entry.currency,
                           order_currency=order.currency)
        kind, code, description = entry.kind, entry.code, entry.description
        unit, unit_price, tax_rate = entry.unit, entry.unit_price, entry.tax_rate
    else:
        kind, code, description = "other", None, args["description"]
        unit, unit_price = args.get("unit", "item"), args["unit_price"]
        tax_rate = args["tax_rate"]
    amounts = line_amounts(args["quantity"], unit_price, tax_rate, order.currency)
    return ChargeLine(id=args["charge_id"], kind=kind, catalog_code=code,
                      description=description, quantity=args["quantity"], unit=unit,
                      unit_price=unit_price, tax_rate=tax_rate, amount=amounts.amount,
                      tax=amounts.tax)


def charge_details(line: ChargeLine, currency: str) -> dict:
    """A charge line as the document and the timeline show it."""
    return {
        "id": line.id, "kind": line.kind, "catalog_code": line.catalog_code,
        "description": line.description, "quantity": plain(line.quantity), "unit": line.unit,
        "unit_price": plain(line.unit_price), "tax_rate": plain(line.tax_rate),
        "amount": money_str(line.amount, currency), "tax": money_str(line.tax, currency),
    }


def _charge_add(order, args, mutation_id, ctx):
    _require_charges_editable(order)
    if order.charge(args["charge_id"]) is not None:
        raise Conflict("a charge line with this id already exists", code="charge_exists",
                       charge_id=args["charge_id"])
    line = build_charge_line(order, args, ctx)
    if totals(order.charges + [line], order.currency).total > MAX_ORDER_TOTAL:
        raise Conflict("this charge would take the order's total past the limit",
                       code="order_total_too_large", limit=str(MAX_ORDER_TOTAL))
    order.charges.append(line)
    if line.catalog_code is not None:
        priced_at = ctx.catalog_entry(line.catalog_code).priced_at
        if priced_at is not None:
            order.priced_at[line.id] = priced_at
    _invalidate_signoffs(order)
    return Outcome("charge.add", charge_details(line, order.currency))


def _charge_remove(order, args, mutation_id, ctx):
    _require_charges_editable(order)
    line = order.charge(args["charge_id"])
    if line is None:
        raise NotFound("no charge line with this id on the order", code="charge_not_found",
                       charge_id=args["charge_id"])
    order.charges.remove(line)
    _invalidate_signoffs(order)
    return Outcome("charge.remove", charge_details(line, order.currency))


def _photo_attach(order, args, mutation_id, ctx):
    if order.status not in st.PHOTOS_ALLOWED:
        raise Conflict(f"photos cannot be attached while the order is {order.status}",
                       code="order_not_editable", status=order.status)
    if any(photo.id == args["photo_id"] for photo in order.photos):
        raise Conflict("a photo with this id is already attached", code="photo_exists",
                       photo_id=args["photo_id"])
    if not ctx.media_available(args["sha256"]):
        raise RetryLater("the photo's bytes are not uploaded yet", sha256=args["sha256"])
    photo = Photo(id=args["photo_id"], kind=args["kind"], sha256=args["sha256"],
                  caption=args.get("caption"), taken_at=None, location=None,
                  verification={}, attached_at=ctx.now)
    ctx.verify_photo(order, photo)
    order.photos.append(photo)
    return Outcome("photo.attach", {"photo_id": photo.id, "sha256": photo.sha256,
                                    "kind": photo.kind, "verification": photo.verification})


def _signoff_capture(order, args, mutation_id, ctx):
    if order.status not in st.CHARGES_EDITABLE:
        raise Conflict(f"a sign-off cannot be captured while the order is {order.status}",
                       code="order_not_editable", status=order.status)
    current = charges_digest(order.currency, order.charges)
    total = totals(order.charges, order.currency).total
    if args["charges_digest"] != current or round_money(args["total"], order.currency) != total:
        raise Conflict("the charges changed since the customer saw them",
                       code="charges_changed", charges_digest=current,
                       total=money_str(total, order.currency))
    if not ctx.media_available(args["signature_sha256"]):
        raise RetryLater("the signature image is not uploaded yet",
                         sha256=args["signature_sha256"])
    if not ctx.is_png(args["signature_sha256"]):
        raise ValidationFailed("the signature must be a PNG image", code="signature_not_png")
    if any(signoff.id == args["signoff_id"] for signoff in order.signoffs):
        raise Conflict("a sign-off with this id exists", code="signoff_exists",
                       signoff_id=args["signoff_id"])
    _invalidate_signoffs(order)
    signoff = Signoff(id=args["signoff_id"], signer_name=args["signer_name"],
                      signed_at=ctx.event_time(order), charges_digest=current, total=total,
                      signature_sha256=args["signature_sha256"])
    order.signoffs.append(signoff)
    return Outcome("signoff.capture", {"signoff_id": signoff.id,
                                       "signer_name": signoff.signer_name,
                                       "charges_digest": current,
                                       "total": money_str(total, order.currency)})


def _kb_used(order, args, mutation_id, ctx):
    # The order's document does not change (no version bump); the use is kept for reports.
    article = ctx.kb_article(args["article_id"])
    if article is None:
        raise NotFound("no such knowledge-base article", code="kb_article_not_found",
                       article_id=args["article_id"])
    if article.retired:
        raise Conflict("this knowledge-base article was retired", code="kb_article_retired",
                       article_id=article.id)
    ctx.record_kb_use(order, article)
    return Outcome("kb.used", {"article_id": article.id, "title": article.title,
                               "article_version": article.version}, changed=False)


HANDLERS: dict[str, Callable[..., Outcome]] = {
    "workorder.accept": _accept,
    "workorder.start": _start,
    "workorder.note": _note,
    "workorder.complete": _complete,
    "charge.add": _charge_add,
    "charge.remove": _charge_remove,
    "photo.attach": _photo_attach,
    "signoff.capture": _signoff_capture,
    "workorder.fail_visit": lambda *call: _visits().fail_visit(*call),
    "kb.used": _kb_used,
}


def _visits():
    from sync import visits  # imported late: visits builds on this module's Outcome

    return visits
