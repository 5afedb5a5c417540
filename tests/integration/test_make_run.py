"""`make run HOST=... PORT=...` serves links (customer pages, alerts) at that address."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.live_server import ROOT


def run_line(*make_args: str) -> str:
    """The `flask run` line `make run` would execute, with the flask call swapped for a probe
    that prints the FIELDSYNC_PUBLIC_URL the server would see."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    env = {k: v for k, v in os.environ.items() if k != "FIELDSYNC_PUBLIC_URL"}
    planned = subprocess.run(["make", "-n", "run", *make_args], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True).stdout
    [line] = [line for line in planned.splitlines() if "wsgi run" in line]
    return line.split(" .venv/bin/flask")[0] + " printenv FIELDSYNC_PUBLIC_URL"


@pytest.mark.parametrize(("args", "url"), [((), "http://127.0.0.1:5000"),
                                           (("HOST=0.0.0.0", "PORT=8123"),
                                            "http://0.0.0.0:8123")])
def test_the_public_url_follows_host_and_port(args, url):
    env = {k: v for k, v in os.environ.items() if k != "FIELDSYNC_PUBLIC_URL"}

    printed = subprocess.run(["sh", "-c", run_line(*args)], env=env, capture_output=True,
                             text=True, check=True).stdout

    assert printed.strip() == url


def test_an_explicit_public_url_wins():
    env = {**os.environ, "FIELDSYNC_PUBLIC_URL": "https://fieldsync.example"}

    printed = subprocess.run(["sh", "-c", run_line("PORT=8123")], env=env,
                             capture_output=True, text=True, check=True).stdout

    assert printed.strip() == "https://fieldsync.example"
