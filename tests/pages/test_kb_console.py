"""The knowledge base in the supervisor console: editor with preview, retirement, the order
page's articles used, and the knowledge-base reports."""

from __future__ import annotations

import csv
import io

import pytest

from tests.console import Console
from tests.flows import new_job
from tests.integration.test_kb_api import ARTICLES, article

FORM = {"title": "Router red light", "language": "en", "tags": "router, power",
        "product_models": "AX3000", "fault_codes": "PWR-RED",
        "body": "# Steps\n\n1. **Unplug** it\n\n<script>alert('x')</script>\n"
                "<img src=x onerror=alert(1)> [bad](javascript:alert(1))"}


@pytest.fixture
def console(app, world):
    console = Console(app)
    assert console.login("dispatcher").status_code == 303
    return console


def test_the_preview_renders_markdown_and_no_script_survives(console):
    html = console.post("/supervisor/kb/new", FORM | {"action": "preview"}).get_data(
        as_text=True)
    preview = html.split('id="preview"')[1]
    assert "<strong>Unplug</strong>" in preview and "<h1>Steps</h1>" in preview
    assert "<script" not in preview and "<img" not in preview
    assert "href=\"javascript" not in preview.lower()  # the link stays text
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in preview  # shown as text


def test_saving_creates_an_article_that_the_api_and_devices_see(api, console):
    response = console.post("/supervisor/kb/new", FORM | {"action": "save"})
    assert response.status_code == 303
    [saved] = api.get(ARTICLES, as_="engineer")["items"]
    assert (saved["title"], saved["tags"], saved["fault_codes"]) == (
        "Router red light", ["router", "power"], ["PWR-RED"])
    assert saved["body"] == FORM["body"]  # kept as typed; escaped when shown
    changes, _ = api.pull_all("engineer")
    assert saved["id"] in {c["id"] for c in changes if c["type"] == "kb_article"}


def test_an_edit_adds_a_version_and_retiring_removes_it_from_the_list(api, console):
    created = api.post(ARTICLES, article(), as_="dispatcher", expect=201)
    path = f"/supervisor/kb/{created['id']}"
    assert "路由器红灯闪烁" in console.html(path)
    assert console.post(path, FORM | {"action": "save"}).status_code == 303
    assert api.get(f"{ARTICLES}/{created['id']}", as_="engineer")["version"] == 2
    assert console.post(path + "/retire", {}).status_code == 303
    assert api.get(f"{ARTICLES}/{created['id']}", as_="engineer")["retired_at"] is not None
    assert console.post(path, FORM | {"action": "save"}).status_code == 409


@pytest.mark.parametrize(("change", "field"), [({"language": "fr"}, "language"),
                                               ({"body": "x" * (200 * 1024 + 1)}, "body"),
                                               ({"title": ""}, "title")])
def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(api, console, change, field):
    response = console.post("/supervisor/kb/new", FORM | change | {"action": "save"})
    assert response.status_code == 422
    assert 'class="bad"' in response.get_data(as_text=True)
    assert api.get(ARTICLES, as_="engineer")["items"] == []


def test_forms_without_the_csrf_token_are_refused(api, console):
    created = api.post(ARTICLES, article(), as_="dispatcher", expect=201)
    assert console.post("/supervisor/kb/new", FORM, with_token=False).status_code == 400
    assert console.post(f"/supervisor/kb/{created['id']}/retire", {},
                        with_token=False).status_code == 400
    assert api.get(f"{ARTICLES}/{created['id']}", as_="engineer")["retired_at"] is None


@pytest.mark.parametrize("path", ["/supervisor/kb", "/supervisor/kb/new"])
def test_strangers_sign_in_first(app, world, path):
    response = app.test_client().get(path)
    assert response.status_code == 302 and "/supervisor/login" in response.headers["Location"]


def test_the_list_searches_in_chinese(api, console):
    api.post(ARTICLES, article(), as_="dispatcher", expect=201)
    api.post(ARTICLES, article(title="Washing machine drain", language="en",
                               body="Clean the filter."), as_="dispatcher", expect=201)
    html = console.html("/supervisor/kb?q=红灯")
    assert "路由器红灯闪烁" in html and "Washing machine drain" not in html


def test_the_order_page_and_the_reports_show_the_articles_used(api, world, tmp_path, app):
    used = api.post(ARTICLES, article(title="Used one"), as_="dispatcher", expect=201)
    api.post(ARTICLES, article(title="Idle one"), as_="dispatcher", expect=201)
    job = new_job(api, world, tmp_path)
    assert job.do("kb.used", article_id=used["id"])["status"] == "applied"
    job.finish()
    new_job(api, world, tmp_path).finish()  # completed without an article
    console = Console(app)
    console.login("supervisor")
    page = console.html(f"/supervisor/orders/{job.order['id']}")
    assert "Used one" in page.split('id="kb-used"')[1].split("</section>")[0]
    reports = console.html("/supervisor/reports")
    most_used = reports.split('id="kb-most-used"')[1].split("</section>")[0]
    assert "Used one" in most_used and "Idle one" not in most_used
    solved = reports.split('id="kb-solved"')[1].split("</section>")[0]
    assert "1 of 2 orders" in solved and job.order["number"] in solved
    never = reports.split('id="kb-never-used"')[1].split("</section>")[0]
    assert "Idle one" in never and "Used one" not in never
    response = console.get("/supervisor/reports/kb/never_used.csv?weeks=12")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "article" and [r[0] for r in rows[1:]] == ["Idle one"]
