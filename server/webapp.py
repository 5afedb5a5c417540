"""The engineer's web app at /app/: static files from webapp/static, under a strict CSP.

The app is vanilla ES modules (no build step), so this only serves files. The service worker
is filled in here with the shell's file list and a hash of the files' bytes: a new deploy is a
new worker, which caches the new shell before it takes over.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, abort, redirect, send_from_directory

STATIC = Path(__file__).resolve().parent.parent / "webapp" / "static"
SHELL_SUFFIXES = {".html", ".css", ".js", ".png", ".webmanifest", ".svg"}
TYPES = {".js": "text/javascript", ".webmanifest": "application/manifest+json"}

# Same origin only; no inline script or style; images may be the device's own photos (blob:)
# before they are uploaded. The token lives in IndexedDB, so no script from elsewhere may run.
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
          "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
          "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

bp = Blueprint("webapp", __name__)


@cache
def shell() -> tuple[str, list[str]]:
    """(hash of the shell's bytes, the files the service worker keeps), read once a process."""
    digest = hashlib.sha256()
    files = []
    for path in sorted(STATIC.rglob("*")):
        if path.is_file() and path.suffix in SHELL_SUFFIXES and path.name != "sw.js":
            name = path.relative_to(STATIC).as_posix()
            files.append(name)
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16], files


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    # Revalidate every time (cheap: ETag); offline, the service worker answers instead.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/app")
def _no_slash():
    return redirect("/app/", code=308)


@bp.get("/app/")
def index():
    return _file("index.html")


@bp.get("/app/sw.js")
def service_worker():
    version, files = shell()
    text = (STATIC / "sw.js").read_text(encoding="utf-8")
    text = text.replace("__SHELL_VERSION__", version).replace("__SHELL_FILES__",
                                                              json.dumps(files))
    return Response(text, mimetype="text/javascript",
                    headers={"Service-Worker-Allowed": "/app/"})


@bp.get("/app/<path:name>")
def asset(name: str):
    if Path(name).suffix not in SHELL_SUFFIXES:
        abort(404)
    return _file(name)


def _file(name: str):
    response = send_from_directory(STATIC, name, max_age=0)  # safe_join: no ../ escapes
    mimetype = TYPES.get(Path(name).suffix)
    if mimetype:
        response.mimetype = mimetype
    return response
