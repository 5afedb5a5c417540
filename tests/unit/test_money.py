"""Money: half-up per line, tax per line on the rounded amount, totals as sums of rounded lines."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sync.money import (
    LineAmounts,
    is_known_currency,
    line_amounts,
    minor_unit_exponent,
    money_str,
    plain,
    round_money,
    totals,
)

D = Decimal


@pytest.mark.parametrize(("currency", "quantum"), [
    ("CNY", D("0.01")),
    ("USD", D("0.01")),
    ("EUR", D("0.01")),
    ("JPY", D("1")),
    ("KRW", D("1")),
    ("KWD", D("0.001")),
])
def test_the_minor_unit_follows_iso_4217(currency, quantum):
    assert minor_unit_exponent(currency) == quantum
    assert minor_unit_exponent(currency).as_tuple().exponent == quantum.as_tuple().exponent


@pytest.mark.parametrize(("value", "currency", "expected"), [
    ("49.995", "CNY", "50.00"),    # the tie rounds up...
    ("0.125", "CNY", "0.13"),      # ...never to even (banker's rounding would give 0.12)
    ("0.135", "CNY", "0.14"),
    ("0.0049", "CNY", "0.00"),
    ("0.005", "CNY", "0.01"),
    ("-0.125", "CNY", "-0.13"),    # half-up means away from zero
    ("2.5", "JPY", "3"),           # banker's rounding would give 2
    ("499.5", "JPY", "500"),
    ("499.49", "JPY", "499"),
    ("1.0005", "KWD", "1.001"),
    ("12", "CNY", "12.00"),
])
def test_rounding_is_half_up_to_the_currencys_minor_unit(value, currency, expected):
    assert money_str(round_money(D(value), currency), currency) == expected
    assert str(round_money(D(value), currency)) == expected


def test_one_and_a_half_hours_at_33_33_is_50_00_because_49_995_rounds_up():
    line = line_amounts(D("1.5"), D("33.33"), D("0.13"), "CNY")

    assert line == LineAmounts(amount=D("50.00"), tax=D("6.50"))


def test_tax_is_computed_on_the_rounded_line_amount():
    # 1.5 x 0.03 = 0.045 -> 0.05; 10 % of 0.05 is 0.005 -> 0.01, whereas 10 % of the
    # unrounded 0.045 would be 0.0045 -> 0.00.
    line = line_amounts(D("1.5"), D("0.03"), D("0.1"), "CNY")

    assert line == LineAmounts(amount=D("0.05"), tax=D("0.01"))


def test_tax_is_rounded_per_line_then_summed_not_taken_on_the_subtotal():
    lines = [line_amounts(D("1"), D("0.05"), D("0.1"), "CNY") for _ in range(2)]

    sums = totals(lines, "CNY")

    assert [line.tax for line in lines] == [D("0.01"), D("0.01")]
    assert sums.subtotal == D("0.10")
    assert sums.tax == D("0.02")  # 10 % of the 0.10 subtotal would round to 0.01
    assert sums.total == D("0.12")


def test_a_thousand_half_cent_lines_total_what_the_rounded_lines_add_up_to():
    lines = [line_amounts(D("1"), D("0.005"), D("0"), "CNY") for _ in range(1000)]

    sums = totals(lines, "CNY")

    assert {line.amount for line in lines} == {D("0.01")}
    assert sums.subtotal == D("10.00")
    assert round_money(D("0.005") * 1000, "CNY") == D("5.00")  # what rounding the sum gives
    assert sums.total == D("10.00")


def test_many_small_taxed_lines_sum_their_own_rounded_tax():
    lines = [line_amounts(D("1"), D("0.04"), D("0.13"), "CNY") for _ in range(1000)]

    sums = totals(lines, "CNY")

    # 13 % of 0.04 is 0.0052 -> 0.01 per line; 13 % of the 40.00 subtotal would be 5.20.
    assert {line.tax for line in lines} == {D("0.01")}
    assert (sums.subtotal, sums.tax, sums.total) == (D("40.00"), D("10.00"), D("50.00"))


@pytest.mark.parametrize("tax_rate", ["0", "0.0", "0.0000"])
def test_a_zero_tax_rate_gives_zero_tax_with_the_minor_digits(tax_rate):
    line = line_amounts(D("3"), D("80"), D(tax_rate), "CNY")

    assert line.amount == D("240.00")
    assert money_str(line.tax, "CNY") == "0.00"
    assert money_str(totals([line], "CNY").tax, "CNY") == "0.00"


def test_yen_has_no_minor_digits():
    line = line_amounts(D("1.5"), D("333"), D("0.1"), "JPY")

    assert line == LineAmounts(amount=D("500"), tax=D("50"))
    assert money_str(line.amount, "JPY") == "500"
    assert money_str(totals([line], "JPY").total, "JPY") == "550"


def test_totals_are_sums_of_the_rounded_lines():
    lines = [line_amounts(D("1.5"), D("33.33"), D("0.06"), "CNY"),    # 50.00 + 3.00
             line_amounts(D("1"), D("45.00"), D("0.13"), "CNY"),      # 45.00 + 5.85
             line_amounts(D("0.333"), D("10"), D("0.13"), "CNY")]     # 3.33 + 0.43

    sums = totals(lines, "CNY")

    assert [(line.amount, line.tax) for line in lines] == [
        (D("50.00"), D("3.00")), (D("45.00"), D("5.85")), (D("3.33"), D("0.43"))]
    assert sums.subtotal == D("98.33")
    assert sums.tax == D("9.28")
    assert sums.total == D("107.61")


@pytest.mark.parametrize(("currency", "expected"), [("CNY", "0.00"), ("JPY", "0"),
                                                    ("KWD", "0.000")])
def test_no_lines_total_zero_in_the_currencys_form(currency, expected):
    sums = totals([], currency)

    assert [money_str(value, currency) for value in (sums.subtotal, sums.tax, sums.total)] \
        == [expected] * 3


@pytest.mark.parametrize(("value", "expected"), [
    ("1.50", "1.5"),
    ("100", "100"),
    ("1E+2", "100"),
    ("33.33", "33.33"),
    ("0.13", "0.13"),
    ("0", "0"),
    ("0.0000", "0"),
    ("-0", "0"),
    ("0.001", "0.001"),
    ("1E-7", "0.0000001"),
])
def test_plain_is_the_shortest_decimal_never_an_exponent(value, expected):
    assert plain(D(value)) == expected


@pytest.mark.parametrize(("code", "known"), [
    ("CNY", True), ("USD", True), ("JPY", True),
    ("cny", False), ("ABC", False), ("CN", False), ("CNYY", False), ("", False), (None, False),
    (156, False),
])
def test_only_iso_4217_codes_are_known_currencies(code, known):
    assert is_known_currency(code) is known
