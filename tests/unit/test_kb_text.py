"""The knowledge base's search terms and its Markdown rendering, as pure rules."""

from __future__ import annotations

import pytest

from server.services.kb_render import excerpt, to_html
from server.services.kb_search import tsquery_literal, tsvector_literal
from sync.kb_text import (
    Term,
    article_parts,
    fts5_match,
    highlight_words,
    index_terms,
    query_terms,
)


def test_chinese_becomes_overlapping_pairs_cut_at_glue_characters():
    assert index_terms("路由器的红灯") == ["路由", "由器", "器", "红灯", "灯"]


def test_a_two_character_query_is_one_term_and_a_single_character_a_prefix():
    assert query_terms("红灯") == [Term("红灯")]
    assert query_terms("灯") == [Term("灯", prefix=True)]


def test_english_is_case_folded_stemmed_and_stripped_of_stop_words():
    assert index_terms("The Router is BLINKING") == ["router", "blink"]


def test_codes_and_full_width_forms_become_one_term():
    assert index_terms("E-101 Ｗｉ－Ｆｉ wi_fi") == ["e101", "wifi", "wifi"]


def test_a_long_run_of_letters_is_data_not_a_word():
    assert index_terms("x" * 61 + " ok") == ["ok"]


def test_query_syntax_is_quoted_for_fts5_and_postgresql():
    terms = query_terms('say "hi" or 灯')
    assert fts5_match(terms) == '"say" OR "hi" OR "灯"*'
    assert tsquery_literal([Term("it's"), Term("灯", prefix=True)]) == "'it''s' | '灯':*"


def test_the_tsvector_keeps_positions_and_weights_per_part():
    parts = article_parts({"title": "Red light", "body": "red", "tags": ["power"],
                           "product_models": [], "fault_codes": []})
    assert tsvector_literal(parts) == "'red':1A,20D 'light':2A 'power':11B"


def test_highlighting_uses_stems_that_are_prefixes_and_chinese_pairs():
    assert highlight_words("blinking 红灯亮") == ["blink", "红灯", "灯亮"]


@pytest.mark.parametrize("markdown", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))", "<a href='javascript:alert(1)'>x</a>",
    "[x](JaVaScRiPt:alert(1))", "<iframe src=//evil></iframe>", "<svg onload=alert(1)>",
])
def test_no_script_survives_rendering(markdown):
    html = to_html(markdown).lower()
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "href=\"javascript" not in html and "<svg" not in html


def test_markdown_renders_and_links_get_a_safe_rel():
    html = to_html("**bold** [docs](https://example.com)")
    assert "<strong>bold</strong>" in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_an_excerpt_is_plain_text_and_short():
    assert excerpt("# Title\n\n**Bold** text " + "word " * 100).startswith("Title Bold text")
    assert len(excerpt("word " * 100)) == 200
