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
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_WORD = rf"[^\W_{_HAN}]+"
_TOKEN = re.compile(rf"(?P<han>[{_HAN}]+)|(?P<word>{_WORD}(?:[-_.]{_WORD})*)")
_SEPARATORS = re.compile(r"[-_.]")

# Words so common that they only add noise to a ranking without document frequencies
# (PostgreSQL's ts_rank has none), and characters that glue Chinese phrases together.
STOP_WORDS = frozenset("""a an and are as at be by can do does for from has have how i if in
into is it its me my no not of on or so than that the then there these this to was we what
when where which who why will with you your""".split())
MAX_WORD = 60  # longer "words" are data, not language (PostgreSQL refuses 2 KB lexemes)
STOP_HAN = frozenset("的了是在和与或吗呢吧啊请我你他她它们这那个也都就还")


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
    """Full-width forms folded to their plain forms, then case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def _han_runs(han: str) -> list[str]:
    """A Han run cut at the glue characters, which never take part in a term."""
    return [run for run in re.split(f"[{''.join(STOP_HAN)}]+", han) if run]


def _han_terms(han: str) -> list[str]:
    terms: list[str] = []
    for run in _han_runs(han):
        terms.extend(run[i:i + 2] for i in range(len(run) - 1))
        terms.append(run[-1])
    return terms


def _word_term(word: str) -> str | None:
    word = _SEPARATORS.sub("", word)
    if word in STOP_WORDS or len(word) > MAX_WORD:
        return None
    return _stem(word) if word.isascii() and word.isalpha() else word


def index_terms(text: str) -> list[str]:
    """The terms of a text, in order (positions matter to PostgreSQL's ranking)."""
    terms: list[str] = []
    for match in _TOKEN.finditer(normalise(text)):
        if match.group("han"):
            terms.extend(_han_terms(match.group("han")))
        elif (term := _word_term(match.group("word"))) is not None:
            terms.append(term)
    return terms


def index_text(text: str) -> str:
    """The terms joined by spaces: what the SQLite full-text tables store."""
    return " ".join(index_terms(text))


def query_terms(query: str) -> list[Term]:
    """The distinct terms of a search query; a lone Han character becomes a prefix term."""
    seen: dict[str, Term] = {}
    for match in _TOKEN.finditer(normalise(query)):
        han = match.group("han")
        if han:
            for run in _han_runs(han):
                if len(run) == 1:
                    seen.setdefault(run, Term(run, prefix=True))
                for pair in (run[i:i + 2] for i in range(len(run) - 1)):
                    seen.setdefault(pair, Term(pair))
        elif (term := _word_term(match.group("word"))) is not None:
            seen.setdefault(term, Term(term))
    return list(seen.values())


def highlight_words(query: str) -> list[str]:
    """What to highlight (case-insensitively) in a found article: the query's Han terms,
    and its words cut to their stem where the stem is a prefix ("blinking" -> "blink")."""
    words: list[str] = []
    for match in _TOKEN.finditer(normalise(query)):
        if match.group("han"):
            for run in _han_runs(match.group("han")):
                words.extend([run] if len(run) == 1 else
                             [run[i:i + 2] for i in range(len(run) - 1)])
            continue
        word = match.group("word")
        if _SEPARATORS.sub("", word) in STOP_WORDS:
            continue
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
