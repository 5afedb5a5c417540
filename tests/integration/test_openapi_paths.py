"""The OpenAPI document names every path parameter the OpenAPI way, so tools that generate
requests from it (schemathesis, client generators) reach every route."""

from __future__ import annotations

import re


def test_every_path_parameter_is_in_braces_and_declared(api):
    document = api.get("/api/v1/openapi.json")

    for path, operations in document["paths"].items():
        assert "<" not in path and ">" not in path, path
        names = set(re.findall(r"{([^}]+)}", path))
        for operation in operations.values():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, (path, declared)


def test_the_media_upload_is_documented_under_its_sha256(api):
    paths = api.get("/api/v1/openapi.json")["paths"]

    assert "put" in paths["/api/v1/media/{sha256}"]
