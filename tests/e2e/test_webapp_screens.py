"""The web app's other screens in a real browser: Chinese by the browser's language and
switchable, the knowledge base from pulled `kb_article` changes searched offline, a tablet."""

from __future__ import annotations

import pytest

from tests.api import PASSWORD
from tests.e2e.webapp_server import phone, screenshot, serve, sign_in

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

ARTICLES = [
    {"id": "6d0c1a52-0000-4000-8000-000000000001", "title": "空调不制冷：检查压缩机电容",
     "body": "# 步骤\n1. 断电\n2. 测量电容 <img src=x id=injected>", "language": "zh-CN",
     "tags": ["空调"], "product_models": ["KFR-35GW"], "fault_codes": ["E1"], "version": 1},
    {"id": "6d0c1a52-0000-4000-8000-000000000002", "title": "Filter replacement",
     "body": "Turn the unit off first.", "language": "en", "tags": ["filter"],
     "product_models": [], "fault_codes": ["F3"], "version": 1},
]


def add_articles_to_first_pull(context) -> None:
    """The knowledge base is not on this server yet: the first pull page also carries two
    articles, exactly as the contract's feed will send them."""
    def handler(route):
        response = route.fetch()
        page = response.json()
        if "cursor=" not in route.request.url:
            page["changes"] += [{"type": "kb_article", "id": a["id"], "op": "upsert",
                                 "data": a} for a in ARTICLES]
        route.fulfill(response=response, json=page)

    context.route("**/api/v1/sync/pull*", handler)


def test_chinese_by_the_browsers_language_and_switchable_to_english(app, api, world, browser):
    order = api.create_order(world, due_at="2026-11-23T18:00:00+08:00")
    with serve(app) as base:
        context = phone(browser, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{base}/app/")
        assert page.locator("form.signin h1").inner_text() == "登录"
        sign_in(page, base, "engineer", PASSWORD)
        page.wait_for_selector(f"text={order['number']}")
        assert page.locator("main h1").inner_text() == "今日工单"
        assert page.locator(".badge.status-assigned").first.inner_text() == "已派单"
        screenshot(page, "jobs-zh")
        page.locator(f"li.job[data-id='{order['id']}'] a.open").click()
        page.wait_for_selector("#action-accept:has-text('接单')")
        screenshot(page, "job-zh")
        page.locator("#language").click()
        page.wait_for_selector("#action-accept:has-text('Accept')")
        assert page.evaluate("document.documentElement.lang") == "en"
        context.close()


def test_knowledge_base_articles_from_pull_are_searched_offline_and_shown_as_text(
        app, api, world, browser):
    with serve(app) as base:
        context = phone(browser)
        add_articles_to_first_pull(context)
        page = context.new_page()
        sign_in(page, base, "engineer", PASSWORD)
        page.wait_for_function("() => window.fieldsync.store.kbArticles()"
                               ".then(all => all.length === 2)", polling=100)
        context.set_offline(True)
        page.locator("nav a[href='#/kb']").click()
        page.fill("input[name=q]", "压缩机")  # no spaces between Chinese words
        page.wait_for_selector(".kb-results li:has-text('空调不制冷')")
        assert page.locator(".kb-results li").count() == 1
        page.fill("input[name=q]", "f3")
        page.wait_for_selector(".kb-results li:has-text('Filter replacement')")
        page.fill("input[name=q]", "压缩机")
        screenshot(page, "kb-search")
        page.locator(".kb-results a").first.click()
        page.wait_for_selector(".kb-article")
        body = page.locator(".markdown").inner_text()
        assert "<img src=x id=injected>" in body  # shown as text, never parsed as markup
        assert page.locator("#injected").count() == 0
        screenshot(page, "kb-article")
        context.close()


def test_a_tablet_shows_the_jobs_in_two_columns(app, api, world, browser):
    for _ in range(3):
        api.create_order(world)
    with serve(app) as base:
        context = browser.new_context(viewport={"width": 1024, "height": 768},
                                      service_workers="allow")
        page = context.new_page()
        sign_in(page, base, "engineer", PASSWORD)
        page.wait_for_selector("li.job >> nth=2")
        boxes = [page.locator("li.job").nth(i).bounding_box() for i in range(2)]
        assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024
        screenshot(page, "tablet-jobs")
        context.close()
