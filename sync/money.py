"""Money: Decimal end to end, rounded half-up to the currency's minor unit per line."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.numbers import get_currency_precision, is_currency


@cache
def minor_unit_exponent(currency: str) -> Decimal:
    """Decimal('0.01') for CNY, Decimal('1') for JPY: the quantum of one minor unit."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def is_known_currency(code: str) -> bool:
    """True for an ISO 4217 code Babel knows."""
    return isinstance(code, str) and len(code) == 3 and code.isupper() and is_currency(code)


def round_money(value: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit."""
    return value.quantize(minor_unit_exponent(currency), rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    """The shortest plain (never exponent) decimal string: 1.50 -> '1.5', 100 -> '100'."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def money_str(value: Decimal, currency: str) -> str:
    """A money amount as the contract's decimal string, with the currency's minor digits."""
    return format(round_money(value, currency), "f")


@dataclass(frozen=True)
class LineAmounts:
    amount: Decimal
    tax: Decimal


def line_amounts(quantity: Decimal, unit_price: Decimal, tax_rate: Decimal,
                 currency: str) -> LineAmounts:
    """Amount and tax of one charge line, each rounded on its own."""
    amount = round_money(quantity * unit_price, currency)
    return LineAmounts(amount=amount, tax=round_money(amount * tax_rate, currency))


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    tax: Decimal
    total: Decimal


def totals(lines, currency: str) -> Totals:
    """Sums of the already rounded lines (objects with .amount and .tax)."""
    zero = round_money(Decimal(0), currency)
    subtotal = sum((line.amount for line in lines), zero)
    tax = sum((line.tax for line in lines), zero)
    return Totals(subtotal=subtotal, tax=tax, total=subtotal + tax)
