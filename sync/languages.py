"""Language tags of engineers and customers: which exist, and when two are the same language."""

from __future__ import annotations

import functools

from babel import Locale, UnknownLocaleError


@functools.lru_cache(maxsize=1024)
def is_known_language(tag: str) -> bool:
    """Whether Babel's CLDR locale data knows this BCP 47 tag (`zh`, `yue`, `zh-TW`, `en`)."""
    if not tag or len(tag) > 35 or tag.startswith("-") or "_" in tag:
        return False
    try:
        Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


def primary_language(tag: str) -> str:
    """The primary language subtag: `zh-CN` -> `zh`; Cantonese `yue` stays its own language."""
    return tag.split("-", 1)[0].lower()


def speaks(languages: list[str], customer_language: str) -> bool:
    """Whether any of an engineer's languages is the customer's (regions and scripts aside)."""
    wanted = primary_language(customer_language)
    return any(primary_language(tag) == wanted for tag in languages)
