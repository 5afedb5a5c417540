"""Write the charges-digest test vectors from the Python rule, for the web app's JavaScript.

    .venv/bin/python -m tests.vectors.generate_charges_digest

writes tests/vectors/charges_digest.json (cases: inputs, each line's rounded amount and tax, the
totals, the canonical JSON and its digest) and webapp/static/js/currency-digits.js (the minor
digits Babel gives each currency that has not two; the browser's Intl disagrees for some, e.g.
HUF and RSD). tests/vectors/test_charges_digest_vectors.py fails when either file differs from
what this script writes now, and webapp/tests/digest.test.mjs checks the browser module
against the JSON: one rule, two languages, no drift.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from babel.numbers import get_currency_precision, list_currencies

from sync.digest import canonical_bytes, charges_digest
from sync.model import ChargeLine
from sync.money import line_amounts, money_str, totals

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors" / "charges_digest.json"
CURRENCY_MODULE = ROOT / "webapp" / "static" / "js" / "currency-digits.js"


def _id(n: int) -> str:
    return f"6f1c2a9e-0000-4000-8000-{n:012d}"


def _line(n, quantity, unit_price, tax_rate, *, kind="part", code="P-1", description="Part",
          unit="each", line_id=None) -> dict:
    return {"id": line_id or _id(n), "kind": kind, "catalog_code": code,
            "description": description, "quantity": quantity, "unit": unit,
            "unit_price": unit_price, "tax_rate": tax_rate}


def _many(count: int) -> list[dict]:
    prices = ["0.01", "0.05", "19.99", "33.33", "45", "1234.565", "0.005"]
    quantities = ["1", "0.5", "1.5", "2.25", "3", "0.333", "10"]
    rates = ["0", "0.06", "0.09", "0.13", "0.175"]
    # Ids given out of order on purpose: the canonical list is sorted by id.
    return [_line((n * 37) % 1000 + 1, quantities[n % 7], prices[n % 7], rates[n % 5],
                  code=f"P-{n}", description=f"Line {n} 配件") for n in range(count)]


CASES: list[tuple[str, str, list[dict]]] = [
    ("readme example: labour 1.5 h at 33.33 rounds half-up, an ad-hoc line", "CNY", [
        _line(1, "1.5", "33.33", "0.06", kind="labour", code="LAB-1H",
              description="Labour, per hour", unit="h"),
        _line(2, "2", "45", "0.13", kind="other", code=None, description="Ladder hire",
              unit="day")]),
    ("no lines at all", "CNY", []),
    ("half-up on the amount and on the tax", "CNY", [
        _line(1, "1", "0.125", "0"), _line(2, "3", "0.335", "0.5"),
        _line(3, "1", "10.05", "0.05"), _line(4, "0.5", "0.01", "0.5")]),
    ("trailing zeros in inputs are not canonical", "CNY", [
        _line(1, "2.000", "45.00", "0.130"), _line(2, "100", "1", "0.10"),
        _line(3, "1.10", "0.0", "0")]),
    ("yen has no minor unit", "JPY", [
        _line(1, "3", "333.5", "0.1"), _line(2, "1", "0.5", "0"), _line(3, "1.5", "999", "0.08")]),
    ("Korean won, also zero decimals", "KRW", [_line(1, "7", "1428.57", "0.1")]),
    ("Kuwaiti dinar has three decimals", "KWD", [
        _line(1, "1.2345", "2", "0.05"), _line(2, "1", "0.0005", "0"),
        _line(3, "3", "1.0015", "0.15")]),
    ("Bahraini dinar has three decimals", "BHD", [_line(1, "2.5", "0.1999", "0.1")]),
    ("forint: Babel says two decimals where the browser's Intl says none", "HUF", [
        _line(1, "1.5", "999.99", "0.27")]),
    ("dinar of Serbia: Babel says none where Intl says two", "RSD", [
        _line(1, "1.5", "999.5", "0.2")]),
    ("non-ASCII, quotes, backslashes and control characters", "CNY", [
        _line(1, "1", "88", "0.13", description="更换压缩机电容（含安装）"),
        _line(2, "1", "12.5", "0", description='Filter "XL" \\ size 3/4\nline two\ttab'),
        _line(3, "1", "1", "0", description="emoji 🔧 and\u2028separator \x01 bell\x07"),
        _line(4, "1", "2", "0", description="Ünïcödé façade ½", unit="m²")]),
    ("large amounts keep every digit", "CNY", [_line(1, "1000", "999999.995", "0.13")]),
    ("sixty lines, ids out of order", "CNY", _many(60)),
]


def _charge_line(raw: dict, currency: str) -> ChargeLine:
    quantity, unit_price, tax_rate = (Decimal(raw[k]) for k in
                                      ("quantity", "unit_price", "tax_rate"))
    amounts = line_amounts(quantity, unit_price, tax_rate, currency)
    return ChargeLine(id=raw["id"], kind=raw["kind"], catalog_code=raw["catalog_code"],
                      description=raw["description"], quantity=quantity, unit=raw["unit"],
                      unit_price=unit_price, tax_rate=tax_rate, amount=amounts.amount,
                      tax=amounts.tax)


def build_vectors() -> dict:
    cases = []
    for name, currency, raw_lines in CASES:
        lines = [_charge_line(raw, currency) for raw in raw_lines]
        sums = totals(lines, currency)
        cases.append({
            "name": name, "currency": currency, "lines": raw_lines,
            "expected": {
                "amounts": [{"amount": money_str(line.amount, currency),
                             "tax": money_str(line.tax, currency)} for line in lines],
                "totals": {"subtotal": money_str(sums.subtotal, currency),
                           "tax": money_str(sums.tax, currency),
                           "total": money_str(sums.total, currency)},
                "canonical": canonical_bytes(currency, lines).decode("utf-8"),
                "digest": charges_digest(currency, lines)}})
    return {"generated_by": "python -m tests.vectors.generate_charges_digest",
            "rule": "sync/digest.py, sync/money.py", "cases": cases}


def vectors_text() -> str:
    return json.dumps(build_vectors(), ensure_ascii=False, indent=1) + "\n"


def currency_module_text() -> str:
    digits = {code: get_currency_precision(code) for code in sorted(list_currencies())}
    odd = {code: n for code, n in digits.items() if n != 2}
    return ("// Generated by `python -m tests.vectors.generate_charges_digest` from Babel, as the\n"
            "// server counts minor units (sync/money.py); do not edit. Every other currency: 2.\n"
            f"export const CURRENCY_DIGITS = {json.dumps(odd, sort_keys=True)};\n")


def main() -> None:
    VECTORS.write_text(vectors_text(), encoding="utf-8")
    CURRENCY_MODULE.write_text(currency_module_text(), encoding="utf-8")
    print(f"wrote {VECTORS.relative_to(ROOT)} and {CURRENCY_MODULE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
