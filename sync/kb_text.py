"""How knowledge-base text becomes search terms, on the server (SQLite and PostgreSQL) and on
the device alike, so a query ranks the same articles wherever it runs.

Chinese is written without spaces, so every run of Han characters is cut into overlapping
two-character terms (the CJK bigrams of Lucene's CJKAnalyzer): a two-character word such as
红灯 is one term and matches exactly, a longer word is a run of adjacent terms. The last
character of each run is kept alone too, so that a one-character query (a prefix search) finds
it. Other scripts are split into words, case-folded, and English words are stemmed with
Snowball, so "blinking" finds "blinks". Codes such as "E-101" or "Wi-Fi" become one term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from operator import add

import snowballstemmer

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_WORD = rf"[^\W_{_HAN}]+"
# One pass over the text, in order: a run of Han characters, or a word (letters and digits,
# codes like E-101 joined).
_RUNS = re.compile(rf"([{_HAN}]+)|({_WORD}(?:[-_.]{_WORD})*)")
_SEPARATORS = re.compile(r"[-_.]")

# Words so common that they only add noise to a ranking without document frequencies
# (PostgreSQL's ts_rank has none), and characters that glue Chinese phrases together.
STOP_WORDS = frozenset("""a an and are as at be by can do does for from has have how i if in
into is it its me my no not of on or so than that the then there these this to was we what
when where which who why will with you your""".split())
MAX_WORD = 60  # longer "words" are data, not language (PostgreSQL refuses 2 KB lexemes)
STOP_HAN = frozenset("的了是在和与或吗呢吧啊请我你他她它们这那个也都就还")
# Full-width ASCII folded to ASCII (what NFKC would do for it, far faster on long Chinese
# text), the ideographic space and the glue characters to spaces.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: " "} | {
    ord(char): " " for char in STOP_HAN}


# Ranking weights of the indexed parts, the same for SQLite's BM25 on server and device.
WEIGHTS = {"title": 8.0, "body": 1.0, "keys": 4.0}


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False  # a lone Han character: matches every term that starts with it


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return _stemmer().stemWord(word)


def normalise(text: str) -> str:
    """Full-width letters and digits folded to plain ones, glue characters to spaces, then
    case-folded."""
    return text.translate(_FOLD).casefold()


def _runs(han: str) -> list[str]:
    return [han[i:i + 2] for i in range(len(han) - 1)] or [han]


@lru_cache(maxsize=200_000)
def _word_term(word: str) -> str | None:
    word = _SEPARATORS.sub("", word)
    if word in STOP_WORDS or len(word) > MAX_WORD:
        return None
    return _stem(word) if word.isascii() and word.isalpha() else word


def index_terms(text: str) -> list[str]:
    """The terms of a text, in order (positions matter to PostgreSQL's ranking)."""
    # A device indexes 10,000 articles in its first sync: one regex match per run of Han
    # characters (not per character), its pairs made by map() in C.
    terms: list[str] = []
    for han, word in _RUNS.findall(normalise(text)):
        if han:
            terms += map(add, han, han[1:])
            terms.append(han[-1])
        elif term := _word_term(word):
            terms.append(term)
    return terms


def index_text(text: str) -> str:
    """The terms joined by spaces: what the SQLite full-text tables store."""
    return " ".join(index_terms(text))


def query_terms(query: str) -> list[Term]:
    """The distinct terms of a search query; a lone Han character becomes a prefix term."""
    seen: dict[str, Term] = {}
    for han, word in _RUNS.findall(normalise(query)):
        if han:
            for term in _runs(han):
                seen.setdefault(term, Term(term, prefix=len(term) == 1))
        elif (term := _word_term(word)) is not None:
            seen.setdefault(term, Term(term))
    return list(seen.values())


def highlight_words(query: str) -> list[str]:
    """What to highlight (case-insensitively) in a found article: the query's Han terms,
    and its words cut to their stem where the stem is a prefix ("blinking" -> "blink")."""
    words: list[str] = []
    for han, word in _RUNS.findall(normalise(query)):
        if han:
            words.extend(_runs(han))
        elif _SEPARATORS.sub("", word) not in STOP_WORDS:
            stem = _word_term(word) or word
            words.append(stem if word.startswith(stem) else word)
    return words


def article_parts(doc: dict) -> dict[str, str]:
    """The indexed parts of an article document: title, body, and its keys (tags, product
    models and fault codes), each as the terms' text."""
    keys = " ".join([*doc.get("tags", ()), *doc.get("product_models", ()),
                     *doc.get("fault_codes", ())])
    return {"title": index_text(doc["title"]), "body": index_text(doc["body"]),
            "keys": index_text(keys)}


def fts5_match(terms: list[Term]) -> str:
    """An SQLite FTS5 query: any of the terms, each quoted (a lone Han character as a
    prefix). BM25 then ranks the articles that match more and rarer terms first."""
    return " OR ".join('"' + term.text.replace('"', '""') + '"' + ("*" if term.prefix else "")
                       for term in terms)
