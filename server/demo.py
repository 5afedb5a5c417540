"""Demo data: a small field-service team around Shenzhen, loaded once."""

from __future__ import annotations

import base64
import hmac
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from media.store import MediaStore
from schemas.roles import DISPATCHER, ENGINEER, SUPERVISOR
from server.clock import utcnow
from server.database import unit_of_work
from server.demo_jobs import complete_job, rate_job
from server.demo_kb import create_articles
from server.extensions import db
from server.models import ServicePoint, User, WorkOrderRow
from server.services import catalog, customers, orders, service_points, timeline, tokens, users
from server.services.sites import create_site
from sync import status as st

PASSWORD = "fieldsync-demo"
PEOPLE = [
    ("dispatcher", DISPATCHER, "Chen Jing (dispatch)", "Nanshan"),
    ("supervisor", SUPERVISOR, "Liu Wei (supervisor)", "Nanshan"),
    ("engineer1", ENGINEER, "Wang Fang", "Nanshan"),
    ("engineer2", ENGINEER, "Zhang Lei", "Futian"),
]
CATALOG = [
    ("CALLOUT", "callout", "Call-out fee", "visit", "80.00", "0.06"),
    ("LAB-1H", "labour", "Labour, per hour", "h", "120.00", "0.06"),
    ("TRAVEL-KM", "travel", "Travel, per km", "km", "2.50", "0.09"),
    ("AC-FILTER", "part", "Air-conditioner filter", "each", "45.00", "0.13"),
    ("AC-GAS-R32", "part", "R32 refrigerant", "kg", "95.50", "0.13"),
    ("WH-VALVE", "part", "Water-heater safety valve", "each", "68.00", "0.13"),
]
SITES = [  # customer, address, lat, lon, region
    ("Huang Min", "深圳市南山区科技园南区 8 栋 1203", 22.5405, 113.9530, "Nanshan"),
    ("Li Na", "深圳市南山区蛇口望海路 1088 号", 22.4849, 113.9167, "Nanshan"),
    ("Zhou Tao", "深圳市福田区福华三路 168 号", 22.5333, 114.0553, "Futian"),
    ("Sun Yu", "深圳市福田区车公庙天安数码城 5 栋", 22.5371, 114.0235, "Futian"),
    ("Gao Yan", "深圳市罗湖区东门中路 2011 号", 22.5481, 114.1201, "Luohu"),
    ("Ma Jun", "深圳市宝安区新安街道宝城 32 区", 22.5554, 113.8836, "Bao'an"),
]
SERVICE_POINTS = [  # name, address, lat, lon, phone, opening_hours
    ("FieldSync 南山服务网点", "深圳市南山区科技南十二路 2 号", 22.5361, 113.9508,
     "+86 755 2601 0001", "Mo-Fr 09:00-18:00; Sa 10:00-16:00; PH off"),
    ("FieldSync 福田服务网点", "深圳市福田区深南大道 6008 号", 22.5399, 114.0322,
     "+86 755 2601 0002", "Mo-Sa 09:00-20:00; PH off"),
    ("FieldSync 蛇口快修点", "深圳市南山区蛇口工业八路 9 号", 22.4896, 113.9182,
     None, "Mo-Su 10:00-22:00"),
]
JOBS = [
    ("Air conditioner not cooling", "high"), ("Annual AC maintenance", "normal"),
    ("Water heater leaking", "urgent"), ("Install new split AC unit", "normal"),
    ("Replace AC filter", "low"), ("Water heater no hot water", "high"),
]


def load_demo(url: str, hash_method: str = "scrypt", *, store: MediaStore,
              timezone: str, secret_key: str = "") -> list[str]:
    """Create the demo data unless it exists; the lines to print."""
    with unit_of_work():
        created = False
        if db.session.scalar(select(User).where(User.username == "dispatcher")) is None:
            _create(hash_method, store, timezone)
            created = True
        if db.session.scalar(select(ServicePoint.id).limit(1)) is None:
            _create_service_points(timezone)
        supervisor = db.session.scalar(select(User).where(User.username == "supervisor"))
        completed = db.session.scalar(select(WorkOrderRow)
                                      .where(WorkOrderRow.status == st.COMPLETED)
                                      .order_by(WorkOrderRow.serial))
        link = None
        if completed is not None:
            link = f"{url}/c/{_demo_link_token(completed, supervisor, secret_key, created)}"
    lines = [f"FieldSync demo server: {url}/api/v1/health",
             f"  API reference (OpenAPI): {url}/api/v1/openapi.json",
             f"  supervisor console:      {url}/supervisor/",
             f"  logins (password '{PASSWORD}' for all):"]
    for username, role, name, _ in PEOPLE:
        lines.append(f"    {username:<11} {role:<10} {name}")
    lines.append(f"  field client: python -m field_client login {url} engineer1 {PASSWORD}")
    if link:
        lines.append(f"  a customer's page ({completed.number}, completed): {link}")
    return lines


def _demo_link_token(order: WorkOrderRow, supervisor: User, secret_key: str,
                     created: bool) -> str:
    """The customer link the demo prints: the same on every run (a newcomer's bookmark keeps
    working), derived from the secret key because only its hash is stored. Demo data only:
    re-running `demo` puts this link back if it was revoked (logged in the timeline)."""
    token = base64.urlsafe_b64encode(hmac.digest(
        secret_key.encode(), f"fieldsync-demo-link:{order.id}".encode(), "sha256")[:24]).decode()
    digest = tokens.digest(token)
    if order.customer_token_hash != digest:
        order.customer_token_hash = digest
        if not created:
            timeline.record(order.id, actor_id=supervisor.id, actor=supervisor.name,
                            role=supervisor.role, action="customer_link_rotated",
                            details={"by": "demo"}, now=utcnow())
    return token


def _create_service_points(timezone: str) -> None:
    """Walk-in points near the demo sites (also added to demo data loaded before they were)."""
    for name, address, lat, lon, phone, hours in SERVICE_POINTS:
        service_points.create({"name": name, "address": address, "phone": phone,
                               "location": {"lat": lat, "lon": lon}, "opening_hours": hours},
                              utcnow(), timezone)


def _create(hash_method: str, store: MediaStore, timezone: str) -> None:
    now = utcnow()
    people = {}
    for username, role, name, region in PEOPLE:
        people[username] = users.create_user(username=username, password=PASSWORD, role=role,
                                             name=name, region=region, now=now,
                                             hash_method=hash_method)
    for code, kind, description, unit, price, tax in CATALOG:
        catalog.create_catalog_item({"code": code, "kind": kind, "description": description,
                                      "unit": unit, "unit_price": Decimal(price),
                                      "tax_rate": Decimal(tax)}, now)
    sites = []
    for name, address, lat, lon, region in SITES:
        customer = customers.create_customer({"name": name, "address": address,
                                             "phone": "+86 755 0000 0000"}, now)
        sites.append(create_site({"customer_id": customer.id, "address": address,
                                  "region": region, "location": {"lat": lat, "lon": lon}},
                                 now, timezone))
    create_articles(people["supervisor"], now)
    engineers = [people["engineer1"].id, people["engineer2"].id]
    rows = []
    for index in range(12):
        site = sites[index % len(sites)]
        title, priority = JOBS[index % len(JOBS)]
        data = {"customer_id": site.customer_id, "site_id": site.id, "title": title,
                "priority": priority, "due_at": now + timedelta(hours=4 + index)}
        if index < 10:
            data["assigned_engineer_id"] = engineers[index % 2]
        rows.append(orders.create_work_order(data, people["dispatcher"], now)[0])
    db.session.flush()
    _work_some_jobs(rows, people, store, now, timezone)


def _work_some_jobs(rows, people, store: MediaStore, now, timezone: str) -> None:
    """Three completions to audit (one photo 5 km off site, one ad-hoc line) and ratings."""
    plan = [(rows[6], "engineer1", False, False, (5, ["on_time", "tidy"], None)),
            (rows[7], "engineer2", True, True, (2, ["late", "unclear_charges"],
                                                "来晚了两个小时，收费也没讲清楚")),
            (rows[8], "engineer1", False, True, (4, ["friendly"], "Good job"))]
    for row, username, far, ad_hoc, (stars, tags, comment) in plan:
        complete_job(row, people[username], store, now, far_photo=far, ad_hoc=ad_hoc,
                     timezone=timezone)
        rate_job(row, stars, tags, comment, now)
