"""The console speaks the reader's language: their own choice, else the browser's, else English."""

from __future__ import annotations

from tests.console import Console
from tests.flows import new_job


def signed_in(app, username="supervisor", accept_language=None) -> Console:
    console = Console(app)
    if accept_language:
        console.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = accept_language
    assert console.login(username).status_code == 303
    return console


def test_a_chinese_browser_gets_the_console_in_chinese(app, api, world, tmp_path):
    job = new_job(api, world, tmp_path).finish()
    console = signed_in(app, accept_language="zh-CN,zh;q=0.9,en;q=0.5")

    queue = console.html("/supervisor/")
    order = console.html(f"/supervisor/orders/{job.id}")
    board = console.html("/supervisor/dispatch")
    reports = console.html("/supervisor/reports")

    assert "待审核的已完成工单" in queue and 'lang="zh-CN"' in queue
    assert "操作日志" in order and "费用明细" in order and "已完工" in order
    assert "派单看板" in board
    assert "服务报表" in reports and "按工程师统计完工" in reports


def test_csv_headers_follow_the_readers_language(app, world):
    chinese = signed_in(app, accept_language="zh-CN")
    english = signed_in(app)

    zh_csv = chinese.get("/supervisor/reports/completion_by_engineer.csv").get_data(as_text=True)
    en_csv = english.get("/supervisor/reports/completion_by_engineer.csv").get_data(as_text=True)

    assert zh_csv.lstrip("\ufeff").splitlines()[0].startswith("工程师,")
    assert en_csv.lstrip("\ufeff").splitlines()[0].startswith("engineer,")


def test_without_a_preference_the_console_is_english(app, world):
    assert "Completed orders waiting for verification" in signed_in(app).html("/supervisor/")


def test_a_users_own_choice_beats_the_browser_and_lasts_past_sign_out(app, world):
    console = signed_in(app, accept_language="en-US")

    response = console.post("/supervisor/language", {"language": "zh-CN",
                                                     "next": "/supervisor/dispatch"})
    again = signed_in(app, accept_language="en-US")

    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/supervisor/dispatch")
    assert "派单看板" in console.html("/supervisor/dispatch")
    assert "待审核的已完成工单" in again.html("/supervisor/")


def test_a_language_the_console_does_not_have_or_an_outside_next_is_refused(app, world):
    console = signed_in(app)

    assert console.post("/supervisor/language", {"language": "fr"}).status_code == 400
    outside = console.post("/supervisor/language", {"language": "en",
                                                    "next": "https://evil.example/"})
    assert outside.headers["Location"].endswith("/supervisor/")
    assert console.post("/supervisor/language", {"language": "en"},
                        with_token=False).status_code == 400


def test_the_sign_in_page_follows_the_browser(app):
    console = Console(app)
    console.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh"

    assert "用户名" in console.html("/supervisor/login")


def test_the_follow_up_list_and_the_404_page_speak_chinese_too(app, world):
    console = signed_in(app, accept_language="zh-CN")

    assert "待跟进的上门未成工单" in console.html("/supervisor/follow-up")
    assert "页面不存在" in console.get("/supervisor/orders/nope-nope").get_data(as_text=True)
