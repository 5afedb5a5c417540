"""Kinto as the baseline: a real Kinto server (memory backend, one gunicorn worker) driven over
HTTP with the same shape of work as FieldSync's benches (one client, the same record counts).

Kinto is never a dependency of FieldSync: install it into a virtualenv of its own and name it
with KINTO_VENV (default /tmp/kinto-venv):

    python3 -m venv /tmp/kinto-venv && /tmp/kinto-venv/bin/pip install kinto==26.5.0 gunicorn

Without it the benches print "[skip] Kinto" and go on.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import httpx
from _common import running

from tests.live_server import free_port

VENV = Path(os.environ.get("KINTO_VENV", "/tmp/kinto-venv"))
AUTH = ("bench", "bench-password")
RECORDS = "/v1/buckets/bench/collections/{name}/records"


def kinto_problem() -> str | None:
    """None when a Kinto install is there to start, else why not."""
    if not (VENV / "bin" / "kinto").exists() or not (VENV / "bin" / "gunicorn").exists():
        return f"no kinto and gunicorn in {VENV} (set KINTO_VENV; see bench/kinto_baseline.py)"
    return None


@contextmanager
def kinto_server(workers: int = 1, batch_max: int = 100):
    """A Kinto on the memory backend (basic auth, batches of up to `batch_max`); its URL."""
    folder = Path(tempfile.mkdtemp(prefix="fieldsync-bench-kinto-"))
    ini = folder / "kinto.ini"
    subprocess.run([VENV / "bin" / "kinto", "init", "--ini", ini, "--backend", "memory",
                    "--cache-backend", "memory", "-q"], check=True, cwd=folder)
    text = ini.read_text()
    text = re.sub(r"(?m)^#? ?kinto\.batch_max_requests = .*$",
                  f"kinto.batch_max_requests = {batch_max}", text)
    text = re.sub(r"(?m)^multiauth\.policies = .*$", "multiauth.policies = basicauth", text)
    text = re.sub(r"(?m)^kinto\.bucket_create_principals = .*$",
                  "kinto.bucket_create_principals = system.Authenticated", text)
    ini.write_text(text)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    try:
        with running([VENV / "bin" / "gunicorn", "--paste", str(ini), "-w", str(workers), "-b",
                      f"127.0.0.1:{port}"], cwd=folder, log_path=folder / "gunicorn.log",
                     ready_url=url + "/v1/", what="Kinto"):
            with httpx.Client(base_url=url, auth=AUTH, timeout=120) as http:
                http.put("/v1/buckets/bench").raise_for_status()
            yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def new_collection(http: httpx.Client) -> str:
    name = "c" + uuid.uuid4().hex[:12]
    http.put(f"/v1/buckets/bench/collections/{name}").raise_for_status()
    return name


def push(url: str, records: list[dict], batch: int) -> float:
    """Seconds to create `records` with POST /v1/batch, `batch` requests a time."""
    with httpx.Client(base_url=url, auth=AUTH, timeout=120) as http:
        name = new_collection(http)
        path = RECORDS.format(name=name)
        started = time.perf_counter()
        for start in range(0, len(records), batch):
            body = {"defaults": {"method": "POST", "path": path},
                    "requests": [{"body": {"data": r}} for r in records[start:start + batch]]}
            answer = http.post("/v1/batch", json=body)
            answer.raise_for_status()
            if any(r["status"] >= 400 for r in answer.json()["responses"]):
                raise RuntimeError(f"Kinto refused: {answer.text[:300]}")
        return time.perf_counter() - started


def seed(url: str, records: list[dict]) -> str:
    """A collection holding `records` (batches of 100); its name."""
    with httpx.Client(base_url=url, auth=AUTH, timeout=120) as http:
        name = new_collection(http)
        path = RECORDS.format(name=name)
        for start in range(0, len(records), 100):
            http.post("/v1/batch", json={
                "defaults": {"method": "POST", "path": path},
                "requests": [{"body": {"data": r}} for r in records[start:start + 100]],
            }).raise_for_status()
        return name


def pull_all(url: str, name: str, page: int, since: str | None = None) -> tuple[int, str]:
    """Read the collection (or what changed since an ETag) page by page, following Next-Page,
    asking for gzip as a device would; (records read, the collection's ETag)."""
    with httpx.Client(base_url=url, auth=AUTH, timeout=120,
                      headers={"Accept-Encoding": "gzip"}) as http:
        params = {"_limit": page, "_sort": "last_modified"}
        if since:
            params["_since"] = since
        response = http.get(RECORDS.format(name=name), params=params)
        count, etag = 0, response.headers.get("ETag", "").strip('"')
        while True:
            response.raise_for_status()
            count += len(response.json()["data"])
            following = response.headers.get("Next-Page")
            if not following:
                return count, etag
            response = http.get(following)


def touch(url: str, name: str, count: int) -> None:
    """Change `count` records (one batch of PATCHes), as 10 accepted orders change."""
    with httpx.Client(base_url=url, auth=AUTH, timeout=120) as http:
        path = RECORDS.format(name=name)
        ids = [r["id"] for r in http.get(path, params={"_limit": count}).json()["data"]]
        http.post("/v1/batch", json={"requests": [
            {"method": "PATCH", "path": f"{path}/{i}", "body": {"data": {"status": "accepted"}}}
            for i in ids]}).raise_for_status()
