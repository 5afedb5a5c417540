"""Bounds on amounts: what the schemas accept and the money rules enforce on totals."""

from __future__ import annotations

from decimal import Decimal

# The largest order total the rules accept: far beyond any field job, and far inside what the
# database's scaled integers hold (about 9.2e14), so money can never overflow a column.
MAX_ORDER_TOTAL = Decimal("1000000000000")
MAX_QUANTITY = Decimal("1000000")
MAX_PRICE = Decimal("100000000")
