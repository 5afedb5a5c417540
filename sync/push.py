"""Push: apply a device's mutations exactly once per (client_id, seq), in order.

The storage port below is implemented by the server over its database; every method runs in the
caller's transaction, so a crash anywhere rolls the whole push back and the device simply retries.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from schemas.formats import canonical_uuid, is_uuid, parse_time
from sync.errors import Conflict, DomainError, NotFound, ValidationFailed
from sync.model import WorkOrder
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


class PushStorage:
    """The port the push needs; each call joins the surrounding transaction."""

    def claim_client(self, client_id: str, user_id: str) -> int:
        """Lock the client's row (creating it) and return its acked_seq; Forbidden if not its."""
        raise NotImplementedError

    def recorded(self, client_id: str, seqs: list[int]) -> dict[int, Recorded]:
        raise NotImplementedError

    def set_acked(self, client_id: str, seq: int) -> None:
        raise NotImplementedError

    def record(self, client_id: str, envelope: Envelope, result: Recorded) -> None:
        """Keep the mutation with its payload and result, for retries and review."""
        raise NotImplementedError

    def savepoint(self) -> AbstractContextManager:
        raise NotImplementedError

    def load_order(self, order_id: str, actor: Actor) -> WorkOrder | None:
        """The order if it exists and the actor holds or once held it; else None."""
        raise NotImplementedError

    def save_order(self, order: WorkOrder) -> None:
        raise NotImplementedError

    def add_event(self, order_id: str, actor: Actor, action: str, details: dict,
                  envelope: Envelope) -> None:
        raise NotImplementedError


ContextFactory = Callable[[Envelope], MutationContext]


def push(storage: PushStorage, actor: Actor, client_id: str, envelopes: list[Envelope],
         make_context: ContextFactory) -> dict:
    """Apply the batch; answer {"acked_seq", "results"} as the contract says."""
    _require_consecutive(envelopes)
    acked = storage.claim_client(client_id, actor.id)
    if not envelopes:
        return {"acked_seq": acked, "results": []}
    if envelopes[0].seq > acked + 1:
        raise Conflict(f"expected seq {acked + 1}, got {envelopes[0].seq}", code="seq_gap",
                       acked_seq=acked)
    earlier = storage.recorded(client_id, [e.seq for e in envelopes if e.seq <= acked])
    results, blocked = [], False
    for envelope in envelopes:
        if envelope.seq <= acked:
            results.append(_duplicate(envelope, earlier.get(envelope.seq)))
        elif blocked:
            results.append({"seq": envelope.seq, "id": envelope.id, "status": "retry",
                            "error": {"code": "not_processed", "details": {},
                                      "message": "an earlier mutation must be applied first"}})
        else:
            result = _apply_one(storage, actor, client_id, envelope, make_context)
            results.append(result)
            if result["status"] == "retry":
                blocked = True
            else:
                acked = envelope.seq
    storage.set_acked(client_id, acked)
    return {"acked_seq": acked, "results": results}


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


def _apply_one(storage: PushStorage, actor: Actor, client_id: str, envelope: Envelope,
               make_context: ContextFactory) -> dict:
    order_id = None
    try:
        require_storable(_payload(envelope))
        parse_client_time(envelope.client_time)
        args = parse_args(envelope.name, envelope.args)
        with storage.savepoint():
            order = storage.load_order(args["work_order_id"], actor)
            if order is None:
                raise NotFound("no such work order", code="not_found",
                               work_order_id=args["work_order_id"])
            order_id = order.id
            outcome: Outcome = apply_mutation(order, envelope.name, args, envelope.id,
                                              make_context(envelope))
            if outcome.changed:
                storage.save_order(order)
            storage.add_event(order.id, actor, outcome.action, outcome.details, envelope)
    except RetryLater as exc:
        return {"seq": envelope.seq, "id": envelope.id, "status": "retry",
                "error": exc.as_dict()}
    except DomainError as exc:
        # Kept as the device sent it where it can be; else in a form any database can store.
        envelope, error = storable_envelope(envelope), storable(exc.as_dict())
        recorded = Recorded(envelope.id, "rejected", error=error)
        storage.record(client_id, envelope, recorded)
        if order_id is None:
            order_id = _order_named_in(storage, envelope, actor)
        if order_id is not None:
            storage.add_event(order_id, actor, "rejected",
                              {"mutation": _payload(envelope), "error": error}, envelope)
        return {"seq": envelope.seq, "id": envelope.id, "status": "rejected", "error": error}
    storage.record(client_id, envelope, Recorded(envelope.id, "applied", version=order.version))
    return {"seq": envelope.seq, "id": envelope.id, "status": "applied",
            "version": order.version}


def _order_named_in(storage: PushStorage, envelope: Envelope, actor: Actor) -> str | None:
    """The in-scope order a malformed mutation names, so its rejection reaches that timeline."""
    named = envelope.args.get("work_order_id") if isinstance(envelope.args, dict) else None
    if not isinstance(named, str) or not is_uuid(named):
        return None
    order = storage.load_order(canonical_uuid(named), actor)
    return order.id if order is not None else None


def _payload(envelope: Envelope) -> dict:
    return {"seq": envelope.seq, "id": envelope.id, "name": envelope.name,
            "args": envelope.args, "client_time": envelope.client_time}
