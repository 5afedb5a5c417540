"""The customer's private page `/c/<token>`: the itemized breakdown, sign-off, photos, rating."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, get_timezone_name
from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_babel import format_currency, format_decimal, format_percent
from marshmallow import ValidationError

from schemas.formats import parse_time
from schemas.public import (
    COMPLAINT_TAGS,
    PRAISE_TAGS,
    PreferenceInputSchema,
    RatingInputSchema,
)
from schemas.service_points import NEAREST_DEFAULT
from server.clock import utcnow
from server.database import unit_of_work
from server.extensions import limiter
from server.limits import public_limit, rating_limit
from server.media_http import rendition_answer
from server.media_store import media_store
from server.pages import forbid_framing
from server.services import (
    customer_links,
    customers_public,
    photos,
    preferences,
    service_points,
)
from sync.errors import DomainError

bp = Blueprint("customer", __name__, url_prefix="/c", template_folder="templates")
LOCALES = {"zh-CN": "zh_Hans_CN", "en": "en"}
bp.after_request(forbid_framing)


def _in_site_zone(text: str, view: dict) -> str:
    """A time in the site's zone, naming the zone in the customer's language."""
    zone = ZoneInfo(view["site"]["timezone"] or current_app.config["TIMEZONE"])
    return format_datetime(parse_time(text).astimezone(zone), "medium", tzinfo=zone,
                           locale=g.locale) + " " + get_timezone_name(zone, locale=g.locale)


def _tel(phone: str) -> str:
    """A tel: link keeps only what a dialler reads (digits and a leading +)."""
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


def _render(view: dict, token: str, site, *, errors: dict | None = None, status: int = 200):
    g.locale = LOCALES.get(view["language"], "en")
    currency = view["currency"]
    nearby = service_points.nearest_documents(site.lat, site.lon, NEAREST_DEFAULT, utcnow())
    response = current_app.make_response((render_template(
        "customer/order.html", view=view, token=token, errors=errors or {}, nearby=nearby,
        praise_tags=PRAISE_TAGS, complaint_tags=COMPLAINT_TAGS,
        rated=request.args.get("rated") == "1",
        money=lambda value: format_currency(value, currency),
        number=format_decimal, percent=lambda v: format_percent(v, "#,##0%"),
        km=lambda value: format_decimal(value, "#,##0.0"), tel=_tel,
        when=lambda text: _in_site_zone(text, view) if text else "",
    ), status))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'")
    return response


@bp.get("/<token>")
@limiter.limit(public_limit)
def order_page(token):
    row = customer_links.order_for_token(token)
    return _render(customers_public.public_view(row, token), token, row.site)


@bp.post("/<token>/rating")
@limiter.limit(rating_limit)
def rate(token):
    row = customer_links.order_for_token(token)
    form = {"stars": request.form.get("stars", type=int),
            "tags": request.form.getlist("tags")[:5]}
    if request.form.get("comment", "").strip():
        form["comment"] = request.form["comment"].strip()
    try:
        with unit_of_work():
            data = RatingInputSchema().load({k: v for k, v in form.items() if v is not None})
            customers_public.rate(row, data, utcnow())
    except ValidationError as exc:
        return _render(customers_public.public_view(row, token), token, row.site,
                       errors=exc.messages, status=422)
    except DomainError:
        return redirect(url_for("customer.order_page", token=token), code=303)
    return redirect(url_for("customer.order_page", token=token, rated=1), code=303)


@bp.post("/<token>/preference")
@limiter.limit(rating_limit)
def choose_engineer(token):
    """The page's favourite / blocked / none buttons (the API's preference, as a form)."""
    row = customer_links.order_for_token(token)
    try:
        data = PreferenceInputSchema().load({"engineer": request.form.get("engineer", "")})
        with unit_of_work():
            preferences.choose(row, data["engineer"], utcnow())
    except ValidationError as exc:
        return _render(customers_public.public_view(row, token), token, row.site,
                       errors=exc.messages, status=422)
    except DomainError:
        pass
    return redirect(url_for("customer.order_page", token=token), code=303)


@bp.get("/<token>/photos/<photo_id>.jpg")
@limiter.limit(public_limit)
def photo(token, photo_id):
    """A re-encoded copy with no EXIF at all; the original stays evidence."""
    row = customer_links.order_for_token(token)
    found = customers_public.customer_photo(row, photo_id)
    data = photos.rendition(media_store(), found.sha256, "customer")
    return rendition_answer(data, found.sha256 + "-c", cache_control="private, max-age=86400")
