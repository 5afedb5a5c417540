"""Knowledge-base articles through the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.api import new_id

ARTICLES = "/api/v1/kb/articles"


def article(**overrides) -> dict:
    body = {"title": "路由器红灯闪烁", "body": "# 处理步骤\n\n1. 断电重启路由器。\n2. 检查光纤。",
            "language": "zh-CN", "tags": ["router"], "product_models": ["HG8245H"],
            "fault_codes": ["LOS"]}
    return body | overrides


def test_a_dispatcher_creates_an_article_and_an_engineer_reads_it(api, world):
    created = api.post(ARTICLES, article(), as_="dispatcher", expect=201)
    assert created["version"] == 1 and created["retired_at"] is None
    assert created["product_models"] == ["HG8245H"] and created["language"] == "zh-CN"
    read = api.get(f"{ARTICLES}/{created['id']}", as_="engineer")
    assert read == created


def test_a_client_may_choose_the_id_but_not_twice(api, world):
    chosen = new_id()
    assert api.post(ARTICLES, article(id=chosen), as_="supervisor", expect=201)["id"] == chosen
    again = api.post(ARTICLES, article(id=chosen), as_="supervisor", expect=409)
    assert again["error"]["code"] == "id_conflict"


def test_put_replaces_the_article_and_adds_one_to_its_version(api, world):
    created = api.post(ARTICLES, article(), as_="dispatcher", expect=201)
    replaced = api.request("PUT", f"{ARTICLES}/{created['id']}",
                           {"title": "Router LOS light red", "body": "Check the fibre.",
                            "language": "en"}, as_="supervisor", expect=200).get_json()
    assert replaced["version"] == 2 and replaced["title"] == "Router LOS light red"
    assert replaced["tags"] == [] and replaced["fault_codes"] == []  # replaced, not merged


def test_delete_retires_once_and_a_retired_article_cannot_be_edited(api, world):
    created = api.post(ARTICLES, article(), as_="dispatcher", expect=201)
    retired = api.request("DELETE", f"{ARTICLES}/{created['id']}", as_="dispatcher",
                          expect=200).get_json()
    assert retired["retired_at"] is not None and retired["version"] == 2
    again = api.request("DELETE", f"{ARTICLES}/{created['id']}", as_="dispatcher",
                        expect=200).get_json()
    assert again["version"] == 2
    edit = api.request("PUT", f"{ARTICLES}/{created['id']}", article(), as_="dispatcher",
                       expect=409).get_json()
    assert edit["error"]["code"] == "article_retired"
    assert api.get(ARTICLES, as_="engineer")["items"] == []
    assert [a["id"] for a in api.get(f"{ARTICLES}?retired=true", as_="engineer")["items"]] \
        == [created["id"]]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_engineers_only_read(api, world, method):
    created = api.post(ARTICLES, article(), as_="dispatcher", expect=201)
    path = ARTICLES if method == "POST" else f"{ARTICLES}/{created['id']}"
    answer = api.request(method, path, article(), as_="engineer", expect=403).get_json()
    assert answer["error"]["code"] == "forbidden"


def test_the_list_pages_with_a_cursor(api, world):
    ids = [api.post(ARTICLES, article(title=f"Article {n}"), as_="dispatcher",
                    expect=201)["id"] for n in range(5)]
    first = api.get(f"{ARTICLES}?limit=2", as_="engineer")
    assert first["has_more"] is True and len(first["items"]) == 2
    seen, cursor = [a["id"] for a in first["items"]], first["cursor"]
    while cursor:
        page = api.get(f"{ARTICLES}?limit=2&cursor={cursor}", as_="engineer")
        seen += [a["id"] for a in page["items"]]
        cursor = page["cursor"] if page["has_more"] else None
    assert sorted(seen) == sorted(ids) and len(seen) == 5


def test_unknown_articles_answer_404(api, world):
    for path in (f"{ARTICLES}/{new_id()}", f"{ARTICLES}/not-a-uuid"):
        assert api.get(path, as_="engineer", expect=404)["error"]["code"] == "not_found"


def test_articles_are_in_the_openapi_document(api, world):
    spec = api.get("/api/v1/openapi.json")
    assert {"post", "get"} <= set(spec["paths"]["/api/v1/kb/articles"])
    assert {"get", "put", "delete"} <= set(spec["paths"]["/api/v1/kb/articles/{article_id}"])
    assert "get" in spec["paths"]["/api/v1/kb/search"]
