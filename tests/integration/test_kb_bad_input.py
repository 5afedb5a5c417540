"""Bad knowledge-base input gets the contract's error shape naming the field, never a 500."""

from __future__ import annotations

import pytest

from tests.integration.test_kb_api import ARTICLES, article


@pytest.mark.parametrize(("overrides", "field"), [
    ({"body": "x" * (200 * 1024 + 1)}, "body"),
    ({"body": "汉" * 70_000}, "body"),  # 210,000 bytes of UTF-8 in 70,000 characters
    ({"language": "fr"}, "language"),
    ({"language": "zh"}, "language"),
    ({"title": ""}, "title"),
    ({"title": "t" * 201}, "title"),
    ({"tags": ["x" * 65]}, "tags"),
    ({"tags": "router"}, "tags"),
    ({"fault_codes": [None]}, "fault_codes"),
    ({"body": "nul\x00byte"}, "body"),
    ({"id": "not-a-uuid"}, "id"),
    ({"colour": "red"}, "colour"),
])
def test_bad_articles_answer_422_naming_the_field(api, world, overrides, field):
    answer = api.post(ARTICLES, article(**overrides), as_="dispatcher", expect=422)
    assert answer["error"]["code"] == "validation_error"
    assert field in answer["error"]["details"]["fields"]


def test_a_body_of_exactly_200_kib_is_taken(api, world):
    api.post(ARTICLES, article(body="x" * 200 * 1024), as_="dispatcher", expect=201)


def test_a_missing_language_is_named(api, world):
    body = article()
    del body["language"]
    answer = api.post(ARTICLES, body, as_="dispatcher", expect=422)
    assert "language" in answer["error"]["details"]["fields"]


@pytest.mark.parametrize("query", ["", "?q=", "?q=router&language=fr", "?q=router&limit=0",
                                   "?q=router&limit=501", "?q=router&cursor=garbage",
                                   "?q=" + "x" * 201])
def test_bad_searches_are_refused_with_a_code(api, world, query):
    response = api.request("GET", "/api/v1/kb/search" + query, as_="engineer")
    assert response.status_code in (400, 422)
    assert response.get_json()["error"]["code"] in ("validation_error", "invalid_cursor")


def test_a_search_with_no_words_finds_nothing(api, world):
    api.post(ARTICLES, article(), as_="dispatcher", expect=201)
    answer = api.get("/api/v1/kb/search?q=%21%3F%20the", as_="engineer")
    assert answer == {"items": [], "cursor": None, "has_more": False}
