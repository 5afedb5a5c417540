"""A body that is not a JSON object: 400 malformed_json or 415."""

from __future__ import annotations

import pytest

from tests.integration.bad_input.helpers import assert_error, send


@pytest.mark.parametrize("data", [
    b'{"name": ',
    b'{"name": "Huang Min",}',
    b"{'name': 'Huang Min'}",
    b'{"name": NaN}',
    b'{"name": Infinity}',
    b'{"name": "Huang Min"} trailing',
    b"\xff\xfe\xfa",
    b'{"name": "\xe9"}',
], ids=["truncated", "trailing_comma", "single_quotes", "nan", "infinity", "trailing_text",
        "not_utf8", "latin1_text"])
def test_a_body_that_is_not_json_is_400_malformed_json(api, world, data):
    response = send(api, "POST", "/api/v1/customers", data, as_="dispatcher")

    assert_error(response, 400, "malformed_json")


@pytest.mark.parametrize("data", [b"[]", b'[{"name": "Huang Min"}]', b'"Huang Min"', b"42",
                                  b"null", b"true", b""],
                         ids=["empty_array", "array_of_object", "string", "number", "null",
                              "boolean", "empty_body"])
def test_a_json_body_that_is_not_an_object_is_400(api, world, data):
    response = send(api, "POST", "/api/v1/customers", data, as_="dispatcher")

    assert_error(response, 400, "malformed_json")


def test_deeply_nested_json_is_400_malformed_json(api, world):
    data = b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"

    response = send(api, "POST", "/api/v1/customers", data, as_="dispatcher")

    assert_error(response, 400, "malformed_json")


@pytest.mark.parametrize(("content_type", "data"), [
    ("text/plain", b'{"name": "Huang Min"}'),
    ("application/x-www-form-urlencoded", b"name=Huang+Min"),
    ("application/xml", b"<customer><name>Huang Min</name></customer>"),
    ("text/json", b'{"name": "Huang Min"}'),
    ("application/jsonx", b'{"name": "Huang Min"}'),
    (None, b'{"name": "Huang Min"}'),
], ids=["text_plain", "form", "xml", "text_json", "jsonx", "none"])
def test_a_body_that_is_not_application_json_is_415(api, world, content_type, data):
    response = send(api, "POST", "/api/v1/customers", data, content_type=content_type,
                    as_="dispatcher")

    assert_error(response, 415, "unsupported_media_type")


def test_a_json_content_type_with_a_charset_is_accepted(api, world):
    response = send(api, "POST", "/api/v1/customers", '{"name": "黄敏"}'.encode(),
                    content_type="application/json; charset=utf-8", as_="dispatcher")

    assert response.status_code == 201
    assert response.get_json()["name"] == "黄敏"
