"""The web app's files over HTTP: the shell, the service worker with its file list, a strict CSP."""

from __future__ import annotations

import json
import re

import pytest


def get(api, path):
    return api.client.get(path, buffered=True)  # read whole, so each file is closed


def test_the_app_shell_is_served_with_a_strict_content_security_policy(api):
    response = get(api, "/app/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert b'<script type="module" src="js/main.js">' in response.data
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-cache"


def test_app_without_the_slash_redirects_to_the_shell(api):
    response = get(api, "/app")
    assert response.status_code == 308 and response.headers["Location"].endswith("/app/")


def test_modules_and_the_manifest_have_their_media_types(api):
    assert get(api, "/app/js/main.js").mimetype == "text/javascript"
    assert get(api, "/app/vendor/signature_pad.min.js").mimetype == "text/javascript"
    manifest = get(api, "/app/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    assert json.loads(manifest.data)["start_url"] == "./"


def test_the_service_worker_names_every_shell_file_and_a_version_of_their_bytes(api):
    response = get(api, "/app/sw.js")
    assert response.status_code == 200
    assert response.headers["Service-Worker-Allowed"] == "/app/"
    text = response.get_data(as_text=True)
    version = re.search(r'const VERSION = "([0-9a-f]{16})"', text)
    files = json.loads(re.search(r"const FILES = (\[.*?\]);", text).group(1))
    assert version
    assert {"index.html", "app.css", "js/main.js", "js/screens/sign.js",
            "vendor/signature_pad.min.js", "manifest.webmanifest"} <= set(files)
    for name in files:  # each one the worker caches is really there
        assert get(api, f"/app/{name}").status_code == 200, name


@pytest.mark.parametrize("path", ["/app/../server/config.py", "/app/%2e%2e/wsgi.py",
                                  "/app/tools/vendor.mjs", "/app/js/nope.js",
                                  "/app/../tests/vectors/charges_digest.json"])
def test_nothing_outside_the_shell_is_served(api, path):
    response = get(api, path)
    assert response.status_code == 404
    assert b"import" not in response.data and b"SECRET" not in response.data
