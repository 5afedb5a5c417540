"""A console 404 is an HTML page a person can read, with a way back; the API keeps its JSON."""

from __future__ import annotations

import pytest

from tests.console import Console


@pytest.mark.parametrize("path", ["/supervisor/nope", "/supervisor/orders/not-an-order",
                                  "/supervisor/orders/00000000-0000-4000-8000-000000000000",
                                  "/supervisor/reports/nope.csv"])
def test_a_console_404_is_an_html_page(app, world, path):
    console = Console(app)
    console.login("supervisor")

    response = console.get(path)

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Page not found" in page and 'href="/supervisor/"' in page
    assert response.headers["X-Frame-Options"] == "DENY"


def test_an_unknown_api_path_still_answers_the_contracts_json(api, world):
    answer = api.get("/api/v1/nope", expect=404)

    assert answer["error"]["code"] == "not_found"
