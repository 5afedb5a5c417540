"""The canonical charge list and its SHA-256: what a customer's signature is bound to.

Canonical form (documented in the README, section "Charges digest"):
a JSON object with keys in sorted order, no insignificant white space, UTF-8 (non-ASCII as is):

    {"currency": "CNY",
     "lines": [{"amount": "49.99", "catalog_code": "LAB-1H" | null, "description": "...",
                "id": "<charge uuid>", "kind": "labour", "quantity": "1.5", "tax": "6.50",
                "tax_rate": "0.13", "unit": "h", "unit_price": "33.33"}, ...],   # sorted by id
     "subtotal": "...", "tax": "...", "total": "..."}

Money (amount, tax, subtotal, tax, total) has exactly the currency's minor digits; quantity,
unit_price and tax_rate are the shortest plain decimal ("1.5", "33.33", "0.13", "0").
"""

from __future__ import annotations

import hashlib
import json

from sync.money import money_str, plain, totals


def canonical_charges(currency: str, lines) -> dict:
    """The canonical charge list as a JSON-ready dict."""
    sums = totals(lines, currency)
    return {
        "currency": currency,
        "lines": [
            {
                "id": line.id,
                "kind": line.kind,
                "catalog_code": line.catalog_code,
                "description": line.description,
                "quantity": plain(line.quantity),
                "unit": line.unit,
                "unit_price": plain(line.unit_price),
                "tax_rate": plain(line.tax_rate),
                "amount": money_str(line.amount, currency),
                "tax": money_str(line.tax, currency),
            }
            for line in sorted(lines, key=lambda line: line.id)
        ],
        "subtotal": money_str(sums.subtotal, currency),
        "tax": money_str(sums.tax, currency),
        "total": money_str(sums.total, currency),
    }


def canonical_bytes(currency: str, lines) -> bytes:
    """The exact bytes that are hashed."""
    return json.dumps(
        canonical_charges(currency, lines), sort_keys=True, separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")


def charges_digest(currency: str, lines) -> str:
    """SHA-256 hex of the canonical charge list."""
    return hashlib.sha256(canonical_bytes(currency, lines)).hexdigest()
