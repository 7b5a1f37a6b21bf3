"""Structured data over libxml2's 10 MB text-node limit is read, not silently emptied (issue 13, item 8)."""

from __future__ import annotations

import json

import pytest
from newscrawl.extract.page import ArticlePage
from newscrawl.extract.parsing import parse_html, parse_html_plain
from newscrawl.extract.structured.jsonld import extract_jsonld
from newscrawl.extract.structured.nextjs import next_data_json

#: libxml2 drops a text node over 10,000,000 bytes unless the parser sets huge_tree
OVER_LIMIT = 11_000_000
BODY = "The phase 3 trial met its primary end point in patients with metastatic disease. " * 12


def jsonld_page(padding: int) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "A huge JSON-LD story",
            "datePublished": "2025-06-01T10:00:00Z", "articleBody": BODY, "padding": "x" * padding}
    return (f"<html><head><script type='application/ld+json'>{json.dumps(data)}</script></head>"
            "<body><h1>A huge JSON-LD story</h1><p>short</p></body></html>")


def test_jsonld_over_ten_megabytes_is_read() -> None:
    ld = extract_jsonld(parse_html(jsonld_page(OVER_LIMIT)))
    assert ld.headline == "A huge JSON-LD story"
    item = ArticlePage("https://www.cancernetwork.com/view/huge", jsonld_page(OVER_LIMIT).encode()).to_item()
    assert item["pageType"] == "article"
    assert item["datePublishedRaw"] == "2025-06-01T10:00:00Z"
    assert item["articleBody"] and item["articleBody"].startswith("The phase 3 trial")


def test_next_data_over_ten_megabytes_is_read() -> None:
    data = {"props": {"pageProps": {"padding": "y" * OVER_LIMIT, "title": "Next story"}}}
    html = f'<html><body><script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script></body></html>'
    found = next_data_json(parse_html(html))
    assert found is not None and found["props"]["pageProps"]["title"] == "Next story"


@pytest.mark.parametrize("parse", [parse_html, parse_html_plain])
def test_long_text_node_survives_every_parser(parse: object) -> None:
    html = "<html><body><script>" + "z" * OVER_LIMIT + "</script><p>end</p></body></html>"
    root = parse(html)  # type: ignore[operator]
    assert root is not None
    (script,) = root.iter("script")
    assert len(script.text or "") == OVER_LIMIT


def test_jsonld_at_the_sitemap_protocol_scale_is_read() -> None:
    """50 MB, the largest document the sitemap protocol allows: read whole, not emptied."""
    page = jsonld_page(50_000_000)
    item = ArticlePage("https://www.cancernetwork.com/view/huge", page.encode()).to_item()
    assert item["headline"] == "A huge JSON-LD story" and item["pageType"] == "article"
