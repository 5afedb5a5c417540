"""Customers: who the work is for."""

from __future__ import annotations

from datetime import datetime

from server.extensions import db
from server.models import Customer


def create_customer(data: dict, now: datetime) -> Customer:
    customer = Customer(created_at=now, language=data.pop("language", "zh-CN"), **data)
    db.session.add(customer)
    db.session.flush()
    return customer
