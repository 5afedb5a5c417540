"""A real server process (gunicorn, several workers) on a free local port, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(database_url: str, media_dir: Path, *, workers: int = 4, extra_env=None,
                port: int | None = None):
    """Run gunicorn on `database_url`; yields the base URL and stops the server on exit."""
    port = port or free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "FIELDSYNC_MEDIA_DIR": str(media_dir),
           "FIELDSYNC_SECRET_KEY": "live-test", "FIELDSYNC_PASSWORD_HASH_METHOD":
           "pbkdf2:sha256:1000", "FIELDSYNC_PUBLIC_URL": f"http://127.0.0.1:{port}",
           **(extra_env or {})}
    log = media_dir.parent / f"gunicorn-{port}.log"
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
             "--graceful-timeout", "2", "wsgi:app"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-3000:]}")
        try:
            if httpx.get(url + "/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server did not start: {log.read_text()[-3000:]}")
