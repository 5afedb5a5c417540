"""The charges digest: the SHA-256 of the canonical charge list a customer's signature binds."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
from decimal import Decimal

import pytest

from sync.digest import canonical_bytes, canonical_charges, charges_digest
from sync.model import ChargeLine
from sync.money import line_amounts

D = Decimal
LABOUR_ID = "aaaaaaaa-0000-4000-8000-000000000001"
FILTER_ID = "bbbbbbbb-0000-4000-8000-000000000002"
ADHOC_ID = "cccccccc-0000-4000-8000-000000000003"


def charge(charge_id: str, kind: str, code: str | None, description: str, quantity: str,
           unit: str, unit_price: str, tax_rate: str, currency: str = "CNY") -> ChargeLine:
    amounts = line_amounts(D(quantity), D(unit_price), D(tax_rate), currency)
    return ChargeLine(id=charge_id, kind=kind, catalog_code=code, description=description,
                      quantity=D(quantity), unit=unit, unit_price=D(unit_price),
                      tax_rate=D(tax_rate), amount=amounts.amount, tax=amounts.tax)


def labour() -> ChargeLine:
    return charge(LABOUR_ID, "labour", "LAB-1H", "Labour, first hour", "1.5", "h", "33.33",
                  "0.06")


def air_filter() -> ChargeLine:
    return charge(FILTER_ID, "part", "AC-FILTER", "空调滤网", "2", "each", "45.00", "0.13")


def ad_hoc() -> ChargeLine:
    return charge(ADHOC_ID, "other", None, "Ladder hire", "1", "day", "20", "0")


# The documented canonical form, byte for byte: sorted keys, no white space, lines sorted by
# id, money with the currency's minor digits, other decimals in their shortest plain form,
# non-ASCII text as raw UTF-8. A client library in any language must produce exactly this.
KNOWN_BYTES = (
    '{"currency":"CNY","lines":['
    '{"amount":"50.00","catalog_code":"LAB-1H","description":"Labour, first hour",'
    '"id":"aaaaaaaa-0000-4000-8000-000000000001","kind":"labour","quantity":"1.5",'
    '"tax":"3.00","tax_rate":"0.06","unit":"h","unit_price":"33.33"},'
    '{"amount":"90.00","catalog_code":"AC-FILTER","description":"空调滤网",'
    '"id":"bbbbbbbb-0000-4000-8000-000000000002","kind":"part","quantity":"2",'
    '"tax":"11.70","tax_rate":"0.13","unit":"each","unit_price":"45"}],'
    '"subtotal":"140.00","tax":"14.70","total":"154.70"}'
).encode()
KNOWN_DIGEST = "6e6cc25b6160f963354cec58281a885ed8a0481f74ab120134ab8ef0a08d0349"


def test_the_canonical_bytes_of_a_known_charge_list_are_pinned():
    assert canonical_bytes("CNY", [air_filter(), labour()]) == KNOWN_BYTES


def test_the_digest_is_the_sha256_hex_of_the_canonical_bytes():
    digest = charges_digest("CNY", [air_filter(), labour()])

    assert digest == hashlib.sha256(KNOWN_BYTES).hexdigest()
    assert digest == KNOWN_DIGEST


def test_non_ascii_descriptions_are_kept_as_utf8_not_escaped():
    data = canonical_bytes("CNY", [air_filter()])

    assert "空调滤网".encode() in data
    assert b"\\u" not in data
    assert json.loads(data.decode("utf-8"))["lines"][0]["description"] == "空调滤网"


def test_an_ad_hoc_line_has_a_null_catalog_code():
    data = canonical_bytes("CNY", [ad_hoc()])

    assert b'"catalog_code":null' in data
    assert canonical_charges("CNY", [ad_hoc()])["lines"][0]["catalog_code"] is None


def test_an_empty_charge_list_has_zero_totals():
    assert canonical_bytes("CNY", []) == (
        b'{"currency":"CNY","lines":[],"subtotal":"0.00","tax":"0.00","total":"0.00"}')


def test_yen_amounts_have_no_minor_digits_in_the_canonical_form():
    line = charge(LABOUR_ID, "labour", "LAB-1H", "Labour", "1.5", "h", "333", "0.1", "JPY")

    canonical = canonical_charges("JPY", [line])

    assert canonical["lines"][0]["amount"] == "500"
    assert canonical["lines"][0]["tax"] == "50"
    assert (canonical["subtotal"], canonical["tax"], canonical["total"]) == ("500", "50", "550")


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_the_digest_does_not_depend_on_line_order(order):
    lines = [labour(), air_filter(), ad_hoc()]
    shuffled = [lines[i] for i in order]

    assert charges_digest("CNY", shuffled) == charges_digest("CNY", lines)
    assert [line["id"] for line in canonical_charges("CNY", shuffled)["lines"]] == [
        LABOUR_ID, FILTER_ID, ADHOC_ID]


CHANGED_VALUES = {
    "id": "dddddddd-0000-4000-8000-000000000004",
    "kind": "callout",
    "catalog_code": "AC-FILTER-XL",
    "description": "空调滤网 (大)",
    "quantity": D("3"),
    "unit": "box",
    "unit_price": D("45.01"),
    "tax_rate": D("0.09"),
    "amount": D("90.01"),
    "tax": D("11.71"),
}


def test_every_charge_line_field_is_covered_by_the_change_grid():
    assert set(CHANGED_VALUES) == {f.name for f in dataclasses.fields(ChargeLine)}


@pytest.mark.parametrize("field", sorted(CHANGED_VALUES))
@pytest.mark.parametrize("position", [0, 1])
def test_changing_any_field_of_any_line_changes_the_digest(field, position):
    lines = [labour(), air_filter()]
    before = charges_digest("CNY", lines)
    assert getattr(lines[position], field) != CHANGED_VALUES[field]

    lines[position] = dataclasses.replace(lines[position], **{field: CHANGED_VALUES[field]})

    assert charges_digest("CNY", lines) != before


def test_a_catalog_code_becoming_null_changes_the_digest():
    line = air_filter()

    assert charges_digest("CNY", [dataclasses.replace(line, catalog_code=None)]) \
        != charges_digest("CNY", [line])


def test_the_currency_is_part_of_the_digest():
    assert charges_digest("CNY", [labour()]) != charges_digest("USD", [labour()])


@pytest.mark.parametrize("change", ["add", "remove"])
def test_adding_or_removing_a_line_changes_the_digest(change):
    lines = [labour(), air_filter()]
    changed = lines + [ad_hoc()] if change == "add" else lines[:1]

    assert charges_digest("CNY", changed) != charges_digest("CNY", lines)


@pytest.mark.parametrize(("field", "same_value"), [
    ("quantity", D("2.000")),
    ("unit_price", D("45.0000")),
    ("tax_rate", D("0.1300")),
])
def test_trailing_zeros_do_not_change_the_digest(field, same_value):
    # A value typed as "2.000" on the device and stored as 2 on the server is the same charge.
    line = air_filter()

    assert charges_digest("CNY", [dataclasses.replace(line, **{field: same_value})]) \
        == charges_digest("CNY", [line])
