"""`kb search`, `kb show` and `kb used` on the command line (all offline)."""

from __future__ import annotations

import json

from rich.console import Console, Group
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from sync.kb_text import highlight_words

MATCH_STYLE = "bold black on yellow"
EXCERPT_CHARS = 70


def add_commands(commands) -> None:
    kb = commands.add_parser("kb", help="the knowledge base on this device (works offline)")
    sub = kb.add_subparsers(dest="kb_command", required=True)
    search = sub.add_parser("search", help="ranked search; Chinese needs no spaces")
    search.add_argument("query")
    search.add_argument("--language", choices=["zh-CN", "en"])
    search.add_argument("--limit", type=int, default=10)
    show = sub.add_parser("show", help="an article, rendered")
    show.add_argument("article", help="id, or its first characters (at least 4)")
    used = sub.add_parser("used", help="record that an article helped on an order (queued)")
    used.add_argument("order", help="number or id")
    used.add_argument("article", help="id, or its first characters (at least 4)")


def run(client, args, out: Console) -> int:
    if args.kb_command == "search":
        found = client.kb_search(args.query, args.language, max(1, min(args.limit, 100)))
        if args.json:
            out.print_json(json.dumps(found, default=str))
        elif not found:
            out.print(f"no article on this device matches {args.query!r}")
        else:
            out.print(results_table(found, args.query))
        return 0
    article = client.kb_show(args.article)
    if args.json:
        out.print_json(json.dumps(article, default=str))
    else:
        out.print(article_view(article))
    return 0


def highlighted(text: str, query: str, style: str = "") -> Text:
    """The text with the query's words (and Chinese terms) marked, case-insensitively."""
    rich_text = Text(text, style=style)
    rich_text.highlight_words(highlight_words(query), MATCH_STYLE, case_sensitive=False)
    return rich_text


def _excerpt(body: str) -> str:
    plain = " ".join(body.replace("#", " ").replace("*", " ").split())
    return plain if len(plain) <= EXCERPT_CHARS else plain[:EXCERPT_CHARS - 1] + "…"


def results_table(found: list[dict], query: str) -> Table:
    table = Table("id", "title", "lang", "codes / models", title=f"knowledge base: {query}")
    for article in found:
        title = highlighted(article["title"], query)
        title.append("\n")
        title.append_text(highlighted(_excerpt(article["body"]), query, "dim"))
        keys = highlighted(" ".join(article["fault_codes"] + article["product_models"]), query)
        table.add_row(article["id"][:8], title, article["language"], keys)
    return table


def article_view(article: dict) -> Panel:
    labels = " · ".join(filter(None, [", ".join(article["tags"]),
                                      ", ".join(article["product_models"]),
                                      ", ".join(article["fault_codes"])]))
    subtitle = f"{article['id']} · v{article['version']} · {article['language']}"
    return Panel(Group(Text(labels, style="dim"), Markdown(article["body"])),
                 title=article["title"], subtitle=subtitle)
