"""Text that cannot be stored as given: the rule schemas and the push engine share.

A lone surrogate escape (`"\\ud800"`) is something no UTF-8 encoder (database drivers, JSON
answers) can write, and PostgreSQL text refuses NUL characters.
"""

from __future__ import annotations

import re

# Deeper than any document of the contract (a push's location or a site's polygon is five
# levels down), far shallower than the interpreter's recursion limit.
MAX_DEPTH = 32
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

REASONS = {
    "nul": "Must not contain NUL characters.",
    "lone_surrogate": "Must not contain a lone surrogate (text that is not valid Unicode).",
    "too_deep": f"Nested more than {MAX_DEPTH} levels deep.",
}


def text_problem(text: str) -> str | None:
    """Why `text` cannot be stored as given ("nul", "lone_surrogate"), or None."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    return "nul" if found.group() == "\x00" else "lone_surrogate"
