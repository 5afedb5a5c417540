"""Demo knowledge-base articles, taken from the search test set, with fixed ids so that the
README's session can name them."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from server.models import User
from server.services import kb

TESTSET = Path(__file__).resolve().parent.parent / "bench" / "kb_testset.json"
ARTICLES = {  # test-set key -> fixed id
    "zh-router-red": "7a1c0e52-4f3b-4d8a-9b6e-2c5d8e1f0a01",
    "en-router-red": "b24d91f3-6a2c-4e7b-8d1f-3a6b9c2e0b02",
    "zh-ont-los": "c93e6a07-2b8d-4f1c-a5e3-4b7c0d3f1c03",
    "en-ont-los": "d4a2f8b1-7c3e-4a9d-b6f2-5c8d1e4a2d04",
    "zh-ac-not-cooling": "e15b7d48-8d4f-4b2e-c7a3-6d9e2f5b3e05",
    "en-ac-not-cooling": "f26c8e59-9e5a-4c3f-d8b4-7e0f3a6c4f06",
    "zh-heater-e1": "0a37d9f6-af6b-4d4a-e9c5-8f1a4b7d5a07",
    "en-washer-drain": "1b48eaf7-b07c-4e5b-fad6-9a2b5c8e6b08",
}


def create_articles(editor: User, now: datetime) -> None:
    """A few articles in both languages, from the search test set."""
    articles = json.loads(TESTSET.read_text(encoding="utf-8"))["articles"]
    for key, article_id in ARTICLES.items():
        kb.create({"id": article_id, **articles[key]}, editor, now)
