"""The engineer's mutations on the work-order aggregate, with a fake context (no Flask, no DB)."""

from __future__ import annotations

import base64
import copy
import itertools
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from sync.digest import charges_digest
from sync.document import to_document
from sync.errors import BadRequest, Conflict, DomainError, NotFound, ValidationFailed
from sync.model import CatalogEntry, ChargeLine, Photo, Signoff, WorkOrder
from sync.money import totals
from sync.mutations import (
    Actor,
    MutationContext,
    Outcome,
    RetryLater,
    apply_mutation,
    parse_args,
)
from sync.pull import decode_cursor, encode_cursor

D = Decimal
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
ENGINEER = Actor(id="11111111-1111-4111-8111-111111111111", role="engineer", name="Li Wei")
OTHER_ENGINEER = Actor(id="22222222-2222-4222-8222-222222222222", role="engineer",
                       name="Zhang Min")
ORDER_ID = "33333333-3333-4333-8333-333333333333"
CHARGE_ID = "44444444-4444-4444-8444-444444444444"
OTHER_CHARGE_ID = "55555555-5555-4555-8555-555555555555"
PHOTO_ID = "66666666-6666-4666-8666-666666666666"
SIGNOFF_ID = "77777777-7777-4777-8777-777777777777"
SHA_A = "a" * 64
SHA_B = "b" * 64

CATALOG = {
    "LAB-1H": CatalogEntry(code="LAB-1H", kind="labour", description="Labour, first hour",
                           unit="h", unit_price=D("33.33"), tax_rate=D("0.06")),
    "AC-FILTER": CatalogEntry(code="AC-FILTER", kind="part", description="空调滤网",
                              unit="each", unit_price=D("45.00"), tax_rate=D("0.13")),
    "US-PART": CatalogEntry(code="US-PART", kind="part", description="Imported valve",
                            unit="each", unit_price=D("12.00"), tax_rate=D("0"),
                            currency="USD"),
    "RETIRED": CatalogEntry(code="RETIRED", kind="part", description="Old filter",
                            unit="each", unit_price=D("9.00"), tax_rate=D("0.13"),
                            active=False),
}


class FakeContext(MutationContext):
    """The rules' surroundings from plain dicts: a catalog and the set of uploaded media."""

    def __init__(self, actor: Actor = ENGINEER, catalog: dict | None = None,
                 uploaded: set[str] | None = None):
        super().__init__(actor, NOW)
        self.catalog = dict(CATALOG if catalog is None else catalog)
        self.uploaded = uploaded

    def catalog_entry(self, code: str) -> CatalogEntry | None:
        return self.catalog.get(code)

    def media_available(self, sha256: str) -> bool:
        return self.uploaded is None or sha256 in self.uploaded


def make_order(status: str = "in_progress", engineer: str | None = ENGINEER.id,
               currency: str = "CNY") -> WorkOrder:
    return WorkOrder(id=ORDER_ID, number="WO-000001", status=status, title="AC not cooling",
                     currency=currency, version=3, assigned_engineer_id=engineer,
                     created_at=datetime(2026, 11, 23, 1, 0, tzinfo=UTC),
                     customer={"name": "Huang Min"}, site={"address": "Nanshan"})


def catalog_line(charge_id: str = OTHER_CHARGE_ID) -> ChargeLine:
    return ChargeLine(id=charge_id, kind="part", catalog_code="AC-FILTER", description="空调滤网",
                      quantity=D("1"), unit="each", unit_price=D("45.00"), tax_rate=D("0.13"),
                      amount=D("45.00"), tax=D("5.85"))


def signoff(order: WorkOrder, valid: bool = True) -> Signoff:
    return Signoff(id=SIGNOFF_ID, signer_name="Huang Min", signed_at=NOW,
                   charges_digest=charges_digest(order.currency, order.charges),
                   total=totals(order.charges, order.currency).total,
                   signature_sha256=SHA_B, valid=valid)


def run(order: WorkOrder, name: str, ctx: MutationContext | None = None, **args) -> Outcome:
    """Parse and apply one mutation as the device and the server both do."""
    parsed = parse_args(name, {"work_order_id": order.id, **args})
    return apply_mutation(order, name, parsed, "99999999-9999-4999-8999-999999999999",
                          ctx or FakeContext())


def rejected(order: WorkOrder, name: str, ctx: MutationContext | None = None,
             **args) -> DomainError:
    """Apply a mutation that must be refused; check the order is exactly as it was."""
    before = copy.deepcopy(to_document(order))
    with pytest.raises(DomainError) as caught:
        run(order, name, ctx, **args)
    assert to_document(order) == before
    return caught.value


def sign(order: WorkOrder, signoff_id: str = SIGNOFF_ID) -> Outcome:
    return run(order, "signoff.capture", signoff_id=signoff_id, signer_name="Huang Min",
               signature_sha256=SHA_B,
               charges_digest=charges_digest(order.currency, order.charges),
               total=str(totals(order.charges, order.currency).total))


def valid_args(name: str) -> dict:
    """Arguments every rule would accept on an in-progress order held by ENGINEER."""
    return {
        "workorder.accept": {},
        "workorder.start": {},
        "workorder.note": {"text": "Compressor replaced"},
        "workorder.complete": {},
        "charge.add": {"charge_id": CHARGE_ID, "quantity": "1", "catalog_code": "LAB-1H"},
        "charge.remove": {"charge_id": OTHER_CHARGE_ID},
        "photo.attach": {"photo_id": PHOTO_ID, "sha256": SHA_A, "kind": "after"},
        "signoff.capture": {"signoff_id": SIGNOFF_ID, "signer_name": "Huang Min",
                            "signature_sha256": SHA_B,
                            "charges_digest": charges_digest("CNY", [catalog_line()]),
                            "total": "50.85"},
        "workorder.fail_visit": {"reason": "customer_absent"},
        "kb.used": {"article_id": SIGNOFF_ID},  # any UUID: the holder is checked first
    }[name]


MUTATIONS = ("workorder.accept", "workorder.start", "workorder.note", "workorder.complete",
             "charge.add", "charge.remove", "photo.attach", "signoff.capture",
             "workorder.fail_visit", "kb.used")


# --- who may act on the order ------------------------------------------------------------

@pytest.mark.parametrize("name", MUTATIONS)
def test_any_mutation_on_an_order_held_by_another_engineer_is_rejected_not_assigned(name):
    order = make_order(engineer=OTHER_ENGINEER.id)
    order.charges.append(catalog_line())

    error = rejected(order, name, **valid_args(name))

    assert isinstance(error, Conflict)
    assert error.code == "not_assigned"
    assert error.details == {"work_order_id": ORDER_ID}


@pytest.mark.parametrize("name", MUTATIONS)
def test_any_mutation_on_an_unassigned_order_is_rejected_not_assigned(name):
    order = make_order(status="open", engineer=None)

    assert rejected(order, name, **valid_args(name)).code == "not_assigned"


@pytest.mark.parametrize("name", MUTATIONS)
def test_any_mutation_on_a_cancelled_order_is_rejected_order_cancelled(name):
    order = make_order(status="cancelled")
    order.charges.append(catalog_line())

    error = rejected(order, name, **valid_args(name))

    assert isinstance(error, Conflict)
    assert error.code == "order_cancelled"


def test_the_mutations_under_test_are_all_the_known_mutations():
    with pytest.raises(ValidationFailed) as caught:
        parse_args("workorder.teleport", {"work_order_id": ORDER_ID})

    assert caught.value.code == "unknown_mutation"
    assert caught.value.details["known"] == sorted(MUTATIONS)


@pytest.mark.parametrize("args", [None, [], "work", 7])
def test_args_that_are_not_an_object_are_a_validation_error(args):
    with pytest.raises(ValidationFailed) as caught:
        parse_args("workorder.note", args)

    assert caught.value.code == "validation_error"
    assert caught.value.details == {"fields": {"args": ["Not an object."]}}


# --- charges -------------------------------------------------------------------------------

def test_a_catalog_charge_copies_kind_description_price_unit_and_tax_from_the_catalog():
    order = make_order()

    outcome = run(order, "charge.add", charge_id=CHARGE_ID, quantity="1.5",
                  catalog_code="LAB-1H")

    assert order.charges == [ChargeLine(
        id=CHARGE_ID, kind="labour", catalog_code="LAB-1H", description="Labour, first hour",
        quantity=D("1.5"), unit="h", unit_price=D("33.33"), tax_rate=D("0.06"),
        amount=D("50.00"), tax=D("3.00"))]
    assert not order.charges[0].ad_hoc
    assert outcome.details == {
        "id": CHARGE_ID, "kind": "labour", "catalog_code": "LAB-1H",
        "description": "Labour, first hour", "quantity": "1.5", "unit": "h",
        "unit_price": "33.33", "tax_rate": "0.06", "amount": "50.00", "tax": "3.00"}
    assert to_document(order)["totals"] == {"subtotal": "50.00", "tax": "3.00",
                                            "total": "53.00"}


def test_a_later_catalog_price_change_never_reprices_an_existing_line():
    order = make_order()
    ctx = FakeContext()
    run(order, "charge.add", ctx, charge_id=CHARGE_ID, quantity="1", catalog_code="LAB-1H")

    ctx.catalog["LAB-1H"] = CatalogEntry(code="LAB-1H", kind="labour", description="Labour",
                                         unit="h", unit_price=D("40.00"), tax_rate=D("0.13"))
    run(order, "charge.add", ctx, charge_id=OTHER_CHARGE_ID, quantity="1",
        catalog_code="LAB-1H")

    assert [(line.unit_price, line.tax_rate, line.amount) for line in order.charges] == [
        (D("33.33"), D("0.06"), D("33.33")), (D("40.00"), D("0.13"), D("40.00"))]


@pytest.mark.parametrize(("field", "value"), [
    ("unit_price", "0.01"),
    ("tax_rate", "0"),
    ("unit", "h"),
    ("kind", "other"),
    ("description", "Cheap labour"),
])
def test_a_device_cannot_send_price_unit_or_tax_with_a_catalog_code(field, value):
    with pytest.raises(ValidationFailed) as caught:
        parse_args("charge.add", {"work_order_id": ORDER_ID, "charge_id": CHARGE_ID,
                                  "quantity": "1", "catalog_code": "LAB-1H", field: value})

    assert caught.value.code == "validation_error"
    assert list(caught.value.details["fields"]) == [field]


def test_an_ad_hoc_line_takes_the_devices_price_and_is_flagged():
    order = make_order()

    run(order, "charge.add", charge_id=CHARGE_ID, quantity="2", kind="other",
        description="Ladder hire", unit_price="20.005", tax_rate="0.13")

    [line] = order.charges
    assert line.ad_hoc
    assert (line.kind, line.catalog_code, line.description, line.unit) == (
        "other", None, "Ladder hire", "item")
    assert (line.quantity, line.unit_price, line.tax_rate) == (D("2"), D("20.005"), D("0.13"))
    assert (line.amount, line.tax) == (D("40.01"), D("5.20"))


def test_an_ad_hoc_line_keeps_the_unit_the_device_gives():
    order = make_order()

    run(order, "charge.add", charge_id=CHARGE_ID, quantity="3", kind="other",
        description="Cable", unit="m", unit_price="2", tax_rate="0")

    assert order.charges[0].unit == "m"


@pytest.mark.parametrize("missing", ["kind", "description", "unit_price", "tax_rate"])
def test_an_ad_hoc_line_without_all_its_fields_names_what_is_missing(missing):
    args = {"work_order_id": ORDER_ID, "charge_id": CHARGE_ID, "quantity": "1",
            "kind": "other", "description": "Ladder", "unit_price": "5", "tax_rate": "0"}
    del args[missing]

    with pytest.raises(ValidationFailed) as caught:
        parse_args("charge.add", args)

    assert list(caught.value.details["fields"]) == [missing]


def test_a_charge_with_neither_catalog_code_nor_ad_hoc_fields_names_every_missing_field():
    with pytest.raises(ValidationFailed) as caught:
        parse_args("charge.add", {"work_order_id": ORDER_ID, "charge_id": CHARGE_ID,
                                  "quantity": "1"})

    assert set(caught.value.details["fields"]) == {"kind", "description", "unit_price",
                                                   "tax_rate"}


@pytest.mark.parametrize(("field", "value"), [
    ("quantity", "0"), ("quantity", "-1"), ("quantity", "0.0001"), ("quantity", "abc"),
    ("quantity", True), ("quantity", "1000000.001"), ("quantity", "NaN"),
    ("charge_id", "not-a-uuid"), ("work_order_id", "42"),
    ("catalog_code", ""), ("unit_price", "-0.01"), ("tax_rate", "1.0001"),
])
def test_bad_charge_arguments_are_validation_errors_naming_the_field(field, value):
    args = {"work_order_id": ORDER_ID, "charge_id": CHARGE_ID, "quantity": "1"}
    if field in ("unit_price", "tax_rate"):
        args.update(kind="other", description="Ladder", unit_price="5", tax_rate="0")
    else:
        args["catalog_code"] = "LAB-1H"
    args[field] = value

    with pytest.raises(ValidationFailed) as caught:
        parse_args("charge.add", args)

    assert field in caught.value.details["fields"]


def test_adding_a_charge_id_twice_is_rejected_charge_exists():
    order = make_order()
    order.charges.append(catalog_line(CHARGE_ID))

    error = rejected(order, "charge.add", charge_id=CHARGE_ID, quantity="1",
                     catalog_code="LAB-1H")

    assert (error.code, error.details) == ("charge_exists", {"charge_id": CHARGE_ID})


def test_removing_an_unknown_charge_is_rejected_charge_not_found():
    order = make_order()
    order.charges.append(catalog_line())

    error = rejected(order, "charge.remove", charge_id=CHARGE_ID)

    assert isinstance(error, NotFound)
    assert (error.code, error.details) == ("charge_not_found", {"charge_id": CHARGE_ID})


def test_removing_a_charge_takes_it_off_the_order():
    order = make_order()
    order.charges.extend([catalog_line(CHARGE_ID), catalog_line()])

    run(order, "charge.remove", charge_id=CHARGE_ID)

    assert [line.id for line in order.charges] == [OTHER_CHARGE_ID]


@pytest.mark.parametrize("code", ["NO-SUCH-CODE", "RETIRED"])
def test_an_unknown_or_inactive_catalog_code_is_rejected(code):
    error = rejected(make_order(), "charge.add", charge_id=CHARGE_ID, quantity="1",
                     catalog_code=code)

    assert (error.code, error.details) == ("unknown_catalog_code", {"catalog_code": code})


def test_a_catalog_item_in_another_currency_is_rejected_currency_mismatch():
    error = rejected(make_order(), "charge.add", charge_id=CHARGE_ID, quantity="1",
                     catalog_code="US-PART")

    assert error.code == "currency_mismatch"
    assert error.details == {"catalog_currency": "USD", "order_currency": "CNY"}


@pytest.mark.parametrize("status", ["assigned", "completed", "verified"])
@pytest.mark.parametrize("name", ["charge.add", "charge.remove", "photo.attach",
                                  "signoff.capture"])
def test_charges_photos_and_signoffs_change_only_while_accepted_or_in_progress(name, status):
    order = make_order(status=status)
    order.charges.append(catalog_line())

    error = rejected(order, name, **valid_args(name))

    assert (error.code, error.details) == ("order_not_editable", {"status": status})


@pytest.mark.parametrize("status", ["accepted", "in_progress"])
@pytest.mark.parametrize("name", ["charge.add", "charge.remove", "photo.attach",
                                  "signoff.capture"])
def test_charges_photos_and_signoffs_are_applied_while_accepted_or_in_progress(name, status):
    order = make_order(status=status)
    order.charges.append(catalog_line())

    assert run(order, name, **valid_args(name)).changed
    assert order.version == 4


# --- versions and no-ops ---------------------------------------------------------------------

def test_the_version_grows_by_one_per_change():
    order = make_order(status="assigned")
    versions = [order.version]

    for name, args in [
        ("workorder.accept", {}),
        ("workorder.start", {"location": {"lat": 22.54, "lon": 113.95, "accuracy_m": 8}}),
        ("workorder.note", {"text": "Compressor replaced"}),
        ("charge.add", {"charge_id": CHARGE_ID, "quantity": "1", "catalog_code": "LAB-1H"}),
        ("charge.remove", {"charge_id": CHARGE_ID}),
        ("photo.attach", {"photo_id": PHOTO_ID, "sha256": SHA_A, "kind": "after"}),
    ]:
        assert run(order, name, **args).changed
        versions.append(order.version)

    assert versions == [3, 4, 5, 6, 7, 8, 9]
    assert (order.status, order.accepted_at, order.started_at) == ("in_progress", NOW, NOW)
    assert order.start_location == {"lat": 22.54, "lon": 113.95, "accuracy_m": 8}
    assert [(n.author_id, n.author, n.text) for n in order.notes] == [
        (ENGINEER.id, "Li Wei", "Compressor replaced")]


@pytest.mark.parametrize(("name", "status"), [
    ("workorder.accept", "accepted"),
    ("workorder.accept", "in_progress"),
    ("workorder.start", "in_progress"),
    ("workorder.complete", "completed"),
])
def test_repeating_a_reached_state_is_a_no_op_that_keeps_the_version(name, status):
    order = make_order(status=status)
    before = copy.deepcopy(to_document(order))

    outcome = run(order, name)

    assert not outcome.changed
    assert outcome.action.startswith("already_")
    assert to_document(order) == before


@pytest.mark.parametrize(("name", "status"), [
    ("workorder.accept", "completed"),
    ("workorder.accept", "verified"),
    ("workorder.start", "assigned"),
    ("workorder.start", "completed"),
])
def test_a_move_the_machine_forbids_is_rejected_invalid_transition(name, status):
    error = rejected(make_order(status=status), name)

    assert error.code == "invalid_transition"


def test_a_start_repeated_does_not_move_the_recorded_start_location():
    order = make_order(status="accepted")
    run(order, "workorder.start", location={"lat": 22.54, "lon": 113.95})

    run(order, "workorder.start", location={"lat": 0, "lon": 0})

    assert order.start_location == {"lat": 22.54, "lon": 113.95}


# --- rejection leaves the aggregate as it was -----------------------------------------------

def _already_charged(order):
    order.charges.append(catalog_line(CHARGE_ID))


def _signed(order):
    order.charges.append(catalog_line())
    order.signoffs.append(signoff(order))


def _verified(order):
    _signed(order)
    order.status = "verified"


def _photographed(order):
    order.photos.append(Photo(id=PHOTO_ID, kind="after", sha256=SHA_A, caption=None,
                              taken_at=None, location=None, verification={}))


@pytest.mark.parametrize(("setup", "name", "args", "code"), [
    (_already_charged, "charge.add",
     {"charge_id": CHARGE_ID, "quantity": "1", "catalog_code": "LAB-1H"}, "charge_exists"),
    (_signed, "charge.add",
     {"charge_id": CHARGE_ID, "quantity": "1", "catalog_code": "NOPE"}, "unknown_catalog_code"),
    (_signed, "charge.add",
     {"charge_id": CHARGE_ID, "quantity": "1", "catalog_code": "US-PART"}, "currency_mismatch"),
    (_signed, "charge.remove", {"charge_id": CHARGE_ID}, "charge_not_found"),
    (_signed, "workorder.complete", {}, "completion_incomplete"),
    (_photographed, "photo.attach", {"photo_id": PHOTO_ID, "sha256": SHA_B, "kind": "after"},
     "photo_exists"),
    (_signed, "signoff.capture",
     {"signoff_id": CHARGE_ID, "signer_name": "X", "signature_sha256": SHA_B,
      "charges_digest": SHA_A, "total": "50.85"}, "charges_changed"),
    (_verified, "workorder.start", {}, "invalid_transition"),
], ids=["charge_exists", "unknown_catalog_code", "currency_mismatch", "charge_not_found",
        "completion_incomplete", "photo_exists", "charges_changed", "invalid_transition"])
def test_a_rejected_mutation_leaves_the_whole_aggregate_unchanged(setup, name, args, code):
    order = make_order()
    setup(order)
    before = copy.deepcopy(to_document(order))

    with pytest.raises(DomainError) as caught:
        run(order, name, **args)

    assert caught.value.code == code
    assert to_document(order) == before


# --- completion ------------------------------------------------------------------------------

COMPLETION_GRID = list(itertools.product([True, False], [True, False],
                                         ["none", "valid", "invalid"]))


@pytest.mark.parametrize(("in_progress", "after_photo", "signed"), COMPLETION_GRID)
def test_completion_lists_exactly_what_is_missing(in_progress, after_photo, signed):
    order = make_order(status="in_progress" if in_progress else "accepted")
    order.charges.append(catalog_line())
    order.photos.append(Photo(id=PHOTO_ID, kind="after" if after_photo else "before",
                              sha256=SHA_A, caption=None, taken_at=None, location=None,
                              verification={}))
    if signed != "none":
        order.signoffs.append(signoff(order, valid=signed == "valid"))
    expected = ([] if in_progress else ["in_progress"]) + (
        [] if after_photo else ["after_photo"]) + {
        "none": ["signoff"], "valid": [], "invalid": ["valid_signoff"]}[signed]

    if not expected:
        assert run(order, "workorder.complete").changed
        assert (order.status, order.completed_at, order.version) == ("completed", NOW, 4)
        return
    error = rejected(order, "workorder.complete")

    assert isinstance(error, Conflict)
    assert error.code == "completion_incomplete"
    assert error.details == {"missing": expected, "status": order.status}


def test_a_sign_off_captures_the_current_digest_and_total():
    order = make_order()
    order.charges.append(catalog_line())

    sign(order)

    assert order.signoff.valid
    assert order.signoff.charges_digest == charges_digest("CNY", order.charges)
    assert to_document(order)["signoff"]["total"] == "50.85"


@pytest.mark.parametrize("change", ["add", "remove"])
def test_changing_the_charges_after_sign_off_makes_it_invalid(change):
    order = make_order()
    order.charges.append(catalog_line())
    order.photos.append(Photo(id=PHOTO_ID, kind="after", sha256=SHA_A, caption=None,
                              taken_at=None, location=None, verification={}))
    sign(order)

    if change == "add":
        run(order, "charge.add", charge_id=CHARGE_ID, quantity="1", catalog_code="LAB-1H")
    else:
        run(order, "charge.remove", charge_id=OTHER_CHARGE_ID)

    assert to_document(order)["signoff"]["valid"] is False
    error = rejected(order, "workorder.complete")
    assert error.details["missing"] == ["valid_signoff"]


def test_signing_again_after_a_change_makes_the_new_sign_off_the_valid_one():
    order = make_order()
    order.charges.append(catalog_line())
    sign(order)
    run(order, "charge.add", charge_id=CHARGE_ID, quantity="1", catalog_code="LAB-1H")

    sign(order, signoff_id=PHOTO_ID)

    assert [(s.id, s.valid) for s in order.signoffs] == [(SIGNOFF_ID, False), (PHOTO_ID, True)]
    assert order.signoff.total == D("86.18")  # 50.85 + 33.33 + 2.00


@pytest.mark.parametrize(("digest", "total"), [
    (SHA_A, "50.85"),                                   # the customer saw other lines
    (None, "50.84"),                                    # right lines, wrong total
])
def test_a_sign_off_over_charges_the_customer_did_not_see_is_rejected(digest, total):
    order = make_order()
    order.charges.append(catalog_line())

    error = rejected(order, "signoff.capture", signoff_id=SIGNOFF_ID, signer_name="Huang Min",
                     signature_sha256=SHA_B,
                     charges_digest=digest or charges_digest("CNY", order.charges),
                     total=total)

    assert error.code == "charges_changed"
    assert error.details == {"charges_digest": charges_digest("CNY", order.charges),
                             "total": "50.85"}


# --- media not yet uploaded ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["photo.attach", "signoff.capture"])
def test_a_mutation_whose_media_is_not_uploaded_asks_to_retry_and_changes_nothing(name):
    order = make_order()
    order.charges.append(catalog_line())

    error = rejected(order, name, FakeContext(uploaded=set()), **valid_args(name))

    assert isinstance(error, RetryLater)
    assert error.code == "media_missing"


def test_an_attached_photo_awaits_server_verification():
    order = make_order()

    run(order, "photo.attach", FakeContext(uploaded={SHA_A}), photo_id=PHOTO_ID,
        sha256=SHA_A, kind="after", caption="New compressor")

    [photo] = to_document(order)["photos"]
    assert (photo["id"], photo["kind"], photo["sha256"], photo["caption"]) == (
        PHOTO_ID, "after", SHA_A, "New compressor")
    assert photo["verification"] == {"status": "pending", "distance_m": None, "reasons": []}


# --- pull cursors (sync.pull) ------------------------------------------------------------------

@pytest.mark.parametrize("seq", [0, 1, 42, 999_999, 2**53])
def test_a_cursor_decodes_to_the_feed_position_it_encodes(seq):
    cursor = encode_cursor(seq)

    assert decode_cursor(cursor) == seq
    assert "=" not in cursor
    assert str(seq) not in cursor  # opaque: not the bare number


def _b64(text: bytes) -> str:
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


@pytest.mark.parametrize("cursor", [
    "",
    "garbage!",
    "fs1:5",
    _b64(b"fs1:"),
    _b64(b"fs1:-1"),
    _b64(b"fs1:abc"),
    _b64(b"fs1:1.5"),
    _b64(b"fs2:5"),
    _b64(b"5"),
    _b64(b"\xff\xfe\xfd"),
    _b64(b"fs1:" + b"9" * 5000),
    "a",
], ids=["empty", "not_base64", "unencoded", "no_number", "negative", "letters", "fraction",
        "other_version", "bare_number", "not_utf8", "absurdly_long", "truncated"])
def test_a_garbage_cursor_is_a_bad_request_invalid_cursor(cursor):
    with pytest.raises(BadRequest) as caught:
        decode_cursor(cursor)

    assert caught.value.code == "invalid_cursor"
    assert caught.value.as_dict()["message"] == "the cursor is not one this server gave out"
