"""The knowledge-base search test set (bench/kb_testset.json), loaded for tests."""

from __future__ import annotations

import json
from pathlib import Path

TESTSET = json.loads((Path(__file__).resolve().parents[1] / "bench" / "kb_testset.json")
                     .read_text(encoding="utf-8"))
ARTICLES: dict[str, dict] = TESTSET["articles"]
QUERIES: list[dict] = TESTSET["queries"]


def load_articles(api, as_: str = "dispatcher") -> dict[str, str]:
    """Create every article of the test set through the API; {article id: key}."""
    return {api.post("/api/v1/kb/articles", article, as_=as_, expect=201)["id"]: key
            for key, article in ARTICLES.items()}
