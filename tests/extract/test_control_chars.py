"""One control character never costs the article (issue 13, item 1): a page whose body only the
generic extractor can read, with one C0 control in a paragraph, keeps its body."""

from __future__ import annotations

import pytest
from newscrawl.extract.page import ArticlePage

WORDS = " ".join(f"word{n}" for n in range(200))
PAGE = ("<html><head><title>One control</title><script type='application/ld+json'>"
        '{"@type": "NewsArticle", "headline": "One control", "datePublished": "2025-06-02"}'
        "</script></head><body><article><h1>One control</h1>"
        "<p>A story of 200 words.{char} {words}</p>"
        "<p>A second paragraph that the trial met its primary end point.</p></article></body></html>")


@pytest.mark.parametrize("char", ["\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1f"])
def test_one_control_character_keeps_the_body(char: str) -> None:
    html = PAGE.replace("{char}", char).replace("{words}", WORDS)
    item = ArticlePage("https://www.cancernetwork.com/view/control", html.encode()).to_item()
    assert item["pageType"] == "article"
    assert item["articleBody"] and item["articleBody"].startswith("A story of 200 words. word0 word1")
    assert char not in item["articleBody"]
