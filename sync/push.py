"""Push: apply a device's mutations exactly once per (client_id, seq), in order.

A batch is one unit of work: every order it names is loaded (and locked, in id order) at once,
the mutations run against those in-memory aggregates with the shared rules, and the outcome is
written in one go at the end. Nothing is written before a mutation's rules pass, so a rejected
mutation needs no savepoint to undo it; it runs on a copy of its order that is then dropped.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from schemas.formats import canonical_uuid, is_uuid, parse_time
from sync.errors import Conflict, DomainError, NotFound, ValidationFailed
from sync.model import ChargeLine, WorkOrder
from sync.mutations import (
    Actor,
    MutationContext,
    Outcome,
    RetryLater,
    apply_mutation,
    parse_args,
)
from sync.storable import require_storable, storable, storable_envelope


@dataclass(frozen=True)
class Envelope:
    seq: int
    id: str
    name: str
    args: object
    client_time: object = None


@dataclass(frozen=True)
class Recorded:
    """The first result of a mutation, answered again to every retry of it."""

    mutation_id: str
    status: str
    error: dict | None = None
    version: int | None = None


@dataclass(frozen=True)
class Event:
    """One line of an order's timeline written by the push."""

    order_id: str
    action: str
    details: dict
    envelope: Envelope


@dataclass
class PushOutcome:
    """Everything a batch changes, handed to the storage to write at once."""

    acked_seq: int
    recorded: list[tuple[Envelope, Recorded]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    orders: dict[str, WorkOrder] = field(default_factory=dict)  # changed, at their final state
    # Charge lines added and removed again within this outcome: absent from the final state,
    # yet kept as removed rows, as every removed line is.
    dropped: list[tuple[str, ChargeLine]] = field(default_factory=list)


# The kinds of client-made ids an order holds, and the attribute listing them.
CHILDREN = {"charge": "charges", "photo": "photos", "signoff": "signoffs", "note": "notes"}
# Where a mutation names the id of the child it adds (a note takes the mutation's own id).
NEW_CHILD_ARG = {"charge.add": ("charge", "charge_id"), "photo.attach": ("photo", "photo_id"),
                 "signoff.capture": ("signoff", "signoff_id")}


class PushStorage(ABC):
    """The port the push needs; every call joins one transaction that the caller commits."""

    @abstractmethod
    def claim_client(self, client_id: str, user_id: str) -> int:
        """Lock the client's row (creating it) and return its acked_seq; Forbidden if not its."""

    @abstractmethod
    def recorded(self, client_id: str, seqs: list[int]) -> dict[int, Recorded]:
        """The first results of these already acknowledged seqs."""

    @abstractmethod
    def load_orders(self, order_ids: list[str], actor: Actor) -> dict[str, WorkOrder]:
        """Lock the named orders in id order (so two batches never wait on each other in a
        cycle) and return those the actor holds or once held, by id."""

    @abstractmethod
    def ids_in_use(self, kind: str, ids: set[str]) -> set[str]:
        """Of these client-made ids of one CHILDREN kind, those any order already uses."""

    @abstractmethod
    def write(self, client_id: str, outcome: PushOutcome) -> None:
        """Store the batch's outcome at once: the mutation log, timeline events, changed orders
        and the client's acked_seq. A batch may call it again, in the same transaction, with
        what it did since."""


ContextFactory = Callable[[Envelope], MutationContext]
# Mutations whose server-side checks read other orders from the store (photo verification looks
# for the same or a near-identical photo elsewhere): the batch's work is written before them.
READS_OTHER_ORDERS = {"photo.attach"}


def push(storage: PushStorage, actor: Actor, client_id: str, envelopes: list[Envelope],
         make_context: ContextFactory) -> dict:
    """Apply the batch; answer {"acked_seq", "results"} as the contract says."""
    _require_consecutive(envelopes)
    acked = storage.claim_client(client_id, actor.id)
    if envelopes and envelopes[0].seq > acked + 1:
        raise Conflict(f"expected seq {acked + 1}, got {envelopes[0].seq}", code="seq_gap",
                       acked_seq=acked)
    earlier = storage.recorded(client_id, [e.seq for e in envelopes if e.seq <= acked])
    results = [_duplicate(e, earlier.get(e.seq)) for e in envelopes if e.seq <= acked]
    fresh = [e for e in envelopes if e.seq > acked]
    batch = _Batch(storage, actor, fresh, make_context)
    outcome = PushOutcome(acked_seq=acked)
    for envelope in fresh:
        if results and results[-1]["status"] == "retry":
            results.append({"seq": envelope.seq, "id": envelope.id, "status": "retry",
                            "error": {"code": "not_processed", "details": {},
                                      "message": "an earlier mutation must be applied first"}})
            continue
        if envelope.name in READS_OTHER_ORDERS and (outcome.recorded or outcome.events):
            # Its checks query the store (the same photo on another order): let them see
            # the batch's earlier work. Still one transaction; only the writes split.
            outcome.orders = batch.take_changed()
            storage.write(client_id, outcome)
            outcome = PushOutcome(acked_seq=outcome.acked_seq)
        result = batch.apply(envelope, outcome)
        results.append(result)
        if result["status"] != "retry":
            outcome.acked_seq = envelope.seq
    outcome.orders = batch.take_changed()
    storage.write(client_id, outcome)
    return {"acked_seq": outcome.acked_seq, "results": results}


def _require_consecutive(envelopes: list[Envelope]) -> None:
    for before, after in zip(envelopes, envelopes[1:], strict=False):
        if after.seq != before.seq + 1:
            raise ValidationFailed("mutations must have consecutive seq numbers",
                                   code="seq_not_consecutive", seq=after.seq)
    if len({e.id for e in envelopes}) != len(envelopes):
        raise ValidationFailed("two mutations in the batch share an id",
                               code="duplicate_mutation_id")


def _duplicate(envelope: Envelope, recorded: Recorded | None) -> dict:
    if recorded is None or recorded.mutation_id != envelope.id:
        raise Conflict(f"seq {envelope.seq} was acknowledged for another mutation id",
                       code="seq_conflict", seq=envelope.seq,
                       acknowledged_id=recorded and recorded.mutation_id)
    result = {"seq": envelope.seq, "id": envelope.id, "status": "duplicate",
              "original_status": recorded.status}
    if recorded.error is not None:
        result["error"] = recorded.error
    if recorded.version is not None:
        result["version"] = recorded.version
    return result


def parse_client_time(value) -> datetime | None:
    """The device's claimed time, or None; a malformed one is a validation error."""
    if value is None:
        return None
    try:
        parsed = parse_time(str(value))
    except ValueError as exc:
        raise ValidationFailed("client_time is not RFC 3339",
                               fields={"client_time": ["Not a valid datetime."]}) from exc
    if parsed.tzinfo is None:
        raise ValidationFailed("client_time needs an offset",
                               fields={"client_time": ["Missing a UTC offset."]})
    return parsed


def order_named_in(envelope: Envelope) -> str | None:
    """The order id a mutation names, normalised, even when its other arguments are bad."""
    named = envelope.args.get("work_order_id") if isinstance(envelope.args, dict) else None
    if not isinstance(named, str) or not is_uuid(named):
        return None
    return canonical_uuid(named)


def child_ids(order: WorkOrder, kind: str) -> set[str]:
    return {child.id for child in getattr(order, CHILDREN[kind])}


class _Batch:
    """The orders of one batch in memory, and the client-made ids already taken."""

    def __init__(self, storage: PushStorage, actor: Actor, envelopes: list[Envelope],
                 make_context: ContextFactory):
        self.storage, self.actor, self.make_context = storage, actor, make_context
        named = {order_named_in(e) for e in envelopes} - {None}
        self.orders = storage.load_orders(sorted(named), actor) if named else {}
        self.changed: list[str] = []
        self.unwritten_lines: dict[str, ChargeLine] = {}
        self.asked: dict[str, set[str]] = {kind: set() for kind in CHILDREN}
        for envelope in envelopes:
            kind, arg = NEW_CHILD_ARG.get(envelope.name, ("note", None))
            if envelope.name == "workorder.note":
                self.asked["note"].add(envelope.id)
            elif arg and isinstance(envelope.args, dict) and is_uuid(envelope.args.get(arg)):
                self.asked[kind].add(canonical_uuid(envelope.args[arg]))
        # Ids the batch may not add again: those any order already uses (removed charge lines
        # included), asked in one query per kind rather than one per mutation.
        self.used = {kind: storage.ids_in_use(kind, ids) if ids else set()
                     for kind, ids in self.asked.items()}
        for order in self.orders.values():
            for kind in CHILDREN:
                self.used[kind] |= child_ids(order, kind)

    def take_changed(self) -> dict[str, WorkOrder]:
        """The orders changed since the last call, to be written."""
        changed = {order_id: self.orders[order_id] for order_id in self.changed}
        self.changed = []
        self.unwritten_lines = {}
        return changed

    def apply(self, envelope: Envelope, outcome: PushOutcome) -> dict:
        """Apply one mutation to its order's copy; keep the copy only if every rule passed."""
        head = {"seq": envelope.seq, "id": envelope.id}
        try:
            require_storable(_payload(envelope))
            parse_client_time(envelope.client_time)
            args = parse_args(envelope.name, envelope.args)
            order = self.orders.get(args["work_order_id"])
            if order is None:
                raise NotFound("no such work order", code="not_found",
                               work_order_id=args["work_order_id"])
            trial = _copy(order)
            result: Outcome = apply_mutation(trial, envelope.name, args, envelope.id,
                                             self.make_context(envelope))
            added = self._new_ids(order, trial)
        except RetryLater as exc:
            return {**head, "status": "retry", "error": exc.as_dict()}
        except DomainError as exc:
            # Kept as the device sent it where it can be; else in a form any database can store.
            envelope, error = storable_envelope(envelope), storable(exc.as_dict())
            outcome.recorded.append((envelope, Recorded(envelope.id, "rejected", error=error)))
            named = order_named_in(envelope)
            if named in self.orders:
                outcome.events.append(Event(named, "rejected", {
                    "mutation": _payload(envelope), "error": error}, envelope))
            return {**head, "status": "rejected", "error": error}
        for kind, ids in added.items():
            self.used[kind] |= ids
        self._follow_lines(order, trial, outcome)
        self.orders[trial.id] = trial
        if result.changed and trial.id not in self.changed:
            self.changed.append(trial.id)
        outcome.events.append(Event(trial.id, result.action, result.details, envelope))
        outcome.recorded.append((envelope, Recorded(envelope.id, "applied",
                                                    version=trial.version)))
        return {**head, "status": "applied", "version": trial.version}

    def _follow_lines(self, before: WorkOrder, after: WorkOrder, outcome: PushOutcome) -> None:
        kept = {line.id for line in after.charges}
        for line in before.charges:
            if line.id not in kept and line.id in self.unwritten_lines:
                outcome.dropped.append((after.id, self.unwritten_lines.pop(line.id)))
        known = {line.id for line in before.charges}
        self.unwritten_lines.update({line.id: line for line in after.charges
                                     if line.id not in known})

    def _new_ids(self, before: WorkOrder, after: WorkOrder) -> dict[str, set[str]]:
        """The children the mutation added, by kind; Conflict(id_conflict) if one of their
        ids is already used, by any order or earlier in this batch."""
        added = {kind: child_ids(after, kind) - child_ids(before, kind) for kind in CHILDREN}
        for kind, ids in added.items():
            unasked = ids - self.asked[kind]  # a child no up-front question foresaw
            if ids & self.used[kind] or (unasked and self.storage.ids_in_use(kind, unasked)):
                raise Conflict("an id in this mutation is already used elsewhere",
                               code="id_conflict")
        return added


def _copy(order: WorkOrder) -> WorkOrder:
    """A copy a mutation may change freely: its lists, and the sign-offs it may invalidate."""
    return replace(order, charges=list(order.charges), photos=list(order.photos),
                   notes=list(order.notes), signoffs=[replace(s) for s in order.signoffs],
                   start_location=order.start_location)


def _payload(envelope: Envelope) -> dict:
    return {"seq": envelope.seq, "id": envelope.id, "name": envelope.name,
            "args": envelope.args, "client_time": envelope.client_time}
