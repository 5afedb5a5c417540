"""The charges-digest vectors: generated from the Python rule, and the browser's module agrees."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from tests.vectors.generate_charges_digest import (
    CURRENCY_MODULE,
    ROOT,
    VECTORS,
    currency_module_text,
    vectors_text,
)


def test_the_committed_vectors_are_what_the_python_rule_generates_now():
    assert VECTORS.read_text(encoding="utf-8") == vectors_text(), (
        "run: python -m tests.vectors.generate_charges_digest")


def test_the_web_apps_currency_table_is_what_babel_says_now():
    assert CURRENCY_MODULE.read_text(encoding="utf-8") == currency_module_text(), (
        "run: python -m tests.vectors.generate_charges_digest")


def test_the_vectors_include_the_readmes_worked_example_and_the_awkward_cases():
    cases = json.loads(VECTORS.read_text(encoding="utf-8"))["cases"]
    assert cases[0]["expected"]["digest"] == (
        "8e8c11f95c9d47c74d1fe78705ab5b1570f1b768bbfd7ed1ff3a1524f164ccd8")
    currencies = {case["currency"] for case in cases}
    assert {"JPY", "KWD", "BHD", "HUF", "RSD"} <= currencies
    assert any(len(case["lines"]) >= 50 for case in cases)
    assert any("更换" in case["expected"]["canonical"] for case in cases)


def test_the_browsers_digest_module_matches_every_vector():
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is not installed (apt-get install nodejs)")
        pytest.skip("node is not installed (apt-get install nodejs)")
    result = subprocess.run([node, "--test", "webapp/tests/"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
