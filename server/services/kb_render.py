"""Article Markdown as safe HTML for the console, and as a short plain excerpt for lists.

markdown-it-py renders CommonMark with raw HTML switched off, so `<script>` typed in an
article is shown as text; nh3 (the ammonia sanitiser) then cleans the result anyway, so no
script, event handler or javascript: link survives even if the renderer had a bug.
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

EXCERPT_CHARS = 200
_MARKUP = re.compile(r"[#>*_`~|\[\]]+|!\[|\]\([^)]*\)|^\s*[-+]\s+", re.MULTILINE)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def to_html(markdown: str) -> str:
    """Sanitised HTML of an article's Markdown."""
    html = _markdown().render(markdown)
    return nh3.clean(html, link_rel="noopener noreferrer nofollow",
                     url_schemes={"http", "https", "mailto", "tel"})


def excerpt(markdown: str, chars: int = EXCERPT_CHARS) -> str:
    """The start of the article as plain text (Markdown punctuation dropped)."""
    plain = " ".join(_MARKUP.sub(" ", markdown).split())
    return plain if len(plain) <= chars else plain[:chars - 1].rstrip() + "…"
