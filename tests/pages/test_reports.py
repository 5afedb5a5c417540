"""Service reports: figures from known jobs and ratings, CSV downloads, escaping, who may look."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from server.pages import charts
from server.services import reports
from tests.api import SHENZHEN
from tests.console import Console
from tests.flows import Job, token_of

EVE = "Eve <script>alert('name')</script>"
SCRIPT_COMMENT = "<script>alert('comment')</script> came late"
FORMULA_COMMENT = '=HYPERLINK("http://evil.example","click")'


def site(api, world, region: str | None) -> str:
    body = {"customer_id": world.customer_id, "address": f"{region} street",
            "location": SHENZHEN, "radius_m": 150}
    if region:
        body["region"] = region
    return api.post("/api/v1/sites", body, as_="dispatcher", expect=201)["id"]


def order(api, world, clock, engineer: str | None, site_id: str, due_in: float | None = None):
    extra = {"site_id": site_id}
    if due_in is not None:
        extra["due_at"] = (clock.now + timedelta(hours=due_in)).isoformat()
    return api.create_order(world, assign_to=engineer, **extra)


def completed(api, world, tmp_path, clock, engineer: str, site_id: str, hours: float,
              due_in: float | None = None) -> Job:
    """A job assigned now and completed `hours` later (the device claims the real time)."""
    job = Job(api, order(api, world, clock, engineer, site_id, due_in), api.device(engineer),
              tmp_path).start()
    job.charge()
    assert job.photo()["status"] == "applied"
    assert job.sign()["status"] == "applied"
    clock.advance(hours=hours)
    mutation = job.device.mutation("workorder.complete", work_order_id=job.id)
    mutation["client_time"] = clock.now.isoformat()
    assert job.device.push(mutation)["results"][0]["status"] == "applied"
    return job


def rate(api, job: Job, stars: int, tags=(), comment: str | None = None) -> None:
    body = {"stars": stars, "tags": list(tags)} | ({"comment": comment} if comment else {})
    api.post(f"/api/v1/public/orders/{token_of(job.order)}/rating", body, expect=201)


@pytest.fixture
def jobs(api, world, tmp_path, clock):
    """Three engineers in three regions over ISO weeks 48 and 49 of 2026 (Asia/Shanghai).

    Engineer (Futian): 1, 3 and 5 h, the 5 h one due after 4 h. Engineer2 (Nanshan): 2, 4,
    7 h, then 8.5 h in week 49, and an open order due in week 48. Eve (no region): 0.5 h in
    week 49. An unassigned open order is overdue too; a cancelled one and one due later are not.
    """
    world.ids["eve"] = api.create_user("eve", "engineer", name=EVE)
    futian, nanshan, nowhere = site(api, world, "Futian"), site(api, world, "Nanshan"), \
        world.site_id
    done = {"e1": completed(api, world, tmp_path, clock, "engineer", futian, 1),
            "e3": completed(api, world, tmp_path, clock, "engineer", futian, 3),
            "e5": completed(api, world, tmp_path, clock, "engineer", futian, 5, due_in=4)}
    order(api, world, clock, "engineer2", nanshan, due_in=1)
    order(api, world, clock, None, nowhere, due_in=1)
    order(api, world, clock, "engineer2", nanshan, due_in=24 * 60)
    cancelled = order(api, world, clock, None, nanshan, due_in=1)
    api.post(f"/api/v1/workorders/{cancelled['id']}/cancel", {"reason": "duplicate"},
             as_="dispatcher", expect=200)
    for hours in (2, 4, 7):
        done[f"n{hours}"] = completed(api, world, tmp_path, clock, "engineer2", nanshan, hours,
                                      due_in=hours + 1)
    clock.advance(days=7)
    done["n8.5"] = completed(api, world, tmp_path, clock, "engineer2", nanshan, 8.5)
    done["eve"] = completed(api, world, tmp_path, clock, "eve", nowhere, 0.5)
    rate(api, done["e1"], 5, ["on_time", "tidy"])
    rate(api, done["e3"], 3, ["late"], SCRIPT_COMMENT)
    rate(api, done["e5"], 4, ["late", "friendly"])
    rate(api, done["n2"], 1, ["rude", "late", "messy"], FORMULA_COMMENT)
    rate(api, done["n4"], 2, ["late", "too_expensive"], "-2 hours late")
    rate(api, done["eve"], 5)
    return done


@pytest.fixture
def console(app, world, jobs):
    """Signed in once the weeks of work are done: a console session lasts 12 h."""
    console = Console(app)
    assert console.login("supervisor").status_code == 303
    return console


def download(console, table: str, query: str = "") -> list[list[str]]:
    response = console.get(f"/supervisor/reports/{table}.csv{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="{table}-')
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


COMPLETION = ["completed", "avg hours", "p90 hours", "within 4 h %", "within 6 h %", "overdue"]


def test_completion_by_engineer_region_and_week(console, jobs):
    assert download(console, "completion_by_engineer") == [
        ["engineer", *COMPLETION],
        ["Engineer", "3", "3.0", "5.0", "66.7", "100.0", "1"],
        ["Engineer2", "4", "5.4", "8.5", "50.0", "50.0", "1"],
        [EVE, "1", "0.5", "0.5", "100.0", "100.0", "0"],
        ["Unassigned", "0", "", "", "", "", "1"],
    ]
    assert download(console, "completion_by_region") == [
        ["region", *COMPLETION],
        ["(no region)", "1", "0.5", "0.5", "100.0", "100.0", "1"],
        ["Futian", "3", "3.0", "5.0", "66.7", "100.0", "1"],
        ["Nanshan", "4", "5.4", "8.5", "50.0", "50.0", "1"],
    ]
    weeks = download(console, "completion_by_week")
    assert weeks[0] == ["week", *COMPLETION]
    assert [row[0] for row in weeks[1:]] == [f"2026-W{n}" for n in range(38, 50)]
    assert weeks[-2:] == [["2026-W48", "6", "3.7", "7.0", "66.7", "83.3", "3"],
                          ["2026-W49", "2", "4.5", "8.5", "50.0", "50.0", "0"]]
    assert all(row[1:] == ["0", "", "", "", "", "0"] for row in weeks[1:-2])


def test_a_shorter_period_leaves_earlier_weeks_out(console, jobs, clock):
    clock.advance(days=21)  # week 52: the last four weeks are 49 to 52
    assert console.login("supervisor").status_code == 303  # the old session has ended
    rows = download(console, "completion_by_engineer", "?weeks=4")
    assert rows[1:] == [["Engineer2", "1", "8.5", "8.5", "0.0", "0.0", "0"],
                        [EVE, "1", "0.5", "0.5", "100.0", "100.0", "0"]]
    assert console.get("/supervisor/reports?weeks=5").status_code == 400


def test_ratings_by_engineer_unhappy_few_and_complaint_pareto(console, jobs):
    ratings = download(console, "ratings_by_engineer")
    assert ratings[0][:4] == ["engineer", "ratings", "avg stars", "4-5 stars %"]
    tags = ratings[0][4:]
    assert [dict(zip(ratings[0], row, strict=True)) for row in ratings[1:]] == [
        {"engineer": "Engineer", "ratings": "3", "avg stars": "4.00", "4-5 stars %": "66.7",
         **dict.fromkeys(tags, "0"), "on_time": "1", "tidy": "1", "friendly": "1", "late": "2"},
        {"engineer": "Engineer2", "ratings": "2", "avg stars": "1.50", "4-5 stars %": "0.0",
         **dict.fromkeys(tags, "0"), "late": "2", "rude": "1", "messy": "1",
         "too_expensive": "1"},
        {"engineer": EVE, "ratings": "1", "avg stars": "5.00", "4-5 stars %": "100.0",
         **dict.fromkeys(tags, "0")},
    ]
    unhappy = download(console, "unhappy_ratings")
    assert unhappy[0] == ["rated at", "order", "order id", "engineer", "stars", "tags",
                          "comment", "blocked by the customer"]
    assert [row[1:] for row in unhappy[1:]] == [
        [jobs["n2"].order["number"], jobs["n2"].id, "Engineer2", "1", "rude late messy",
         "'" + FORMULA_COMMENT, ""],
        [jobs["n4"].order["number"], jobs["n4"].id, "Engineer2", "2", "late too_expensive",
         "'-2 hours late", ""],
        [jobs["e3"].order["number"], jobs["e3"].id, "Engineer", "3", "late", SCRIPT_COMMENT, ""],
    ]
    assert all(row[0].endswith("+08:00") for row in unhappy[1:])
    assert download(console, "complaint_tags") == [
        ["tag", "count", "share %", "cumulative %"],
        ["late", "4", "57.1", "57.1"], ["rude", "1", "14.3", "71.4"],
        ["messy", "1", "14.3", "85.7"], ["too_expensive", "1", "14.3", "100.0"],
    ]


def test_the_page_shows_tables_charts_and_a_csv_link_for_each(console, jobs):
    page = console.html("/supervisor/reports")
    for table in ("completion_by_engineer", "completion_by_region", "completion_by_week",
                  "ratings_by_engineer", "unhappy_ratings", "complaint_tags"):
        assert f'href="/supervisor/reports/{table}.csv?weeks=12"' in page
    assert page.count("<svg") == 3
    assert "Orders completed per engineer" in page and "Complaint tags (Pareto)" in page
    assert f'href="/supervisor/orders/{jobs["e3"].id}"' in page
    assert ">100 %</text>" in page  # the Pareto's right-hand axis


def test_user_text_is_escaped_in_tables_and_charts(console, jobs):
    page = console.html("/supervisor/reports")
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#39;comment&#39;)&lt;/script&gt; came late" in page
    chart = re.search(r"<svg.*?</svg>", page, re.S).group(0)  # completions per engineer
    assert "<title>Eve &lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;: 1</title>" in chart


def test_a_stranger_is_sent_to_sign_in_and_an_engineer_cannot_sign_in(app, world):
    for path in ("/supervisor/reports", "/supervisor/reports/complaint_tags.csv"):
        response = app.test_client().get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/supervisor/login")
    engineer = Console(app)
    assert engineer.login("engineer").status_code == 401
    assert engineer.get("/supervisor/reports/unhappy_ratings.csv").status_code == 302


def test_a_dispatcher_sees_reports_and_unknown_tables_are_404(app, world):
    console = Console(app)
    assert console.login("dispatcher").status_code == 303
    assert "Nothing in this period." in console.html("/supervisor/reports")
    assert console.get("/supervisor/reports/users.csv").status_code == 404


def test_the_week_is_the_iso_week_in_the_configured_zone():
    shanghai = ZoneInfo("Asia/Shanghai")
    sunday_evening_utc = datetime(2026, 11, 29, 16, 30, tzinfo=UTC)  # Monday 00:30 there
    assert reports.week_label(sunday_evening_utc, shanghai) == "2026-W49"
    assert reports.week_label(sunday_evening_utc, ZoneInfo("UTC")) == "2026-W48"
    window = reports.period(sunday_evening_utc, "Asia/Shanghai", 2)
    assert window.weeks == ("2026-W48", "2026-W49")
    assert window.start == datetime(2026, 11, 22, 16, 0, tzinfo=UTC)  # Monday 23 Nov, 00:00


@pytest.mark.parametrize("values, p90", [([5], 5), (list(range(1, 11)), 9),
                                         (list(range(1, 12)), 10), ([1, 2, 3], 3)])
def test_p90_is_nearest_rank(values, p90):
    assert reports.nearest_rank(values) == p90


def test_a_completion_row_rounds_half_up_to_one_decimal():
    row = reports.completion_row("x", [2 * 3600, 4 * 3600, 7 * 3600, 8 * 3600 + 1800], 0)
    assert (row.avg_hours, row.p90_hours) == (Decimal("5.4"), Decimal("8.5"))
    assert (row.within_4h_pct, row.within_6h_pct) == (Decimal("50.0"), Decimal("50.0"))


def test_the_pareto_chart_sorts_bars_and_climbs_to_100_percent():
    chart = charts.pareto_chart("Complaints", [("rude", 1), ("late", 4), ("messy", 2)])
    assert [bar.full_label for bar in chart.bars] == ["late", "messy", "rude"]
    assert [bar.height for bar in chart.bars] == sorted((b.height for b in chart.bars),
                                                         reverse=True)
    assert [p.label for p in chart.points] == ["57.1 %", "85.7 %", "100.0 %"]
    assert chart.points[-1].y == chart.top
    assert [t.label for t in chart.right_ticks] == ["0 %", "25 %", "50 %", "75 %", "100 %"]


def test_a_bar_chart_scales_to_a_round_axis():
    chart = charts.bar_chart("Per week", [("W48", 6), ("W49", 2)])
    assert [t.label for t in chart.ticks] == ["0", "2", "4", "6"]
    assert chart.bars[0].y == chart.top and chart.bars[0].value == "6"
    assert chart.bars[1].height == pytest.approx((chart.bottom - chart.top) / 3, abs=0.1)
