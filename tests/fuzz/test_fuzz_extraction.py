"""Extraction fuzzed (issue 13): random pages, random JSON-LD and ``__NEXT_DATA__``, mutated real
pages. Through every step ``newscrawl extract`` runs (:func:`newscrawl.processing.process_page`):
no exception escapes, no string carries a control character, no markup leaks into
``articleBody``, and no date appears that the page does not show."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from newscrawl.extract.page import ArticlePage
from newscrawl.processing import process_page

from .strategies import SAFE_TEXT, TAGS, mutated_pages, pages

URL = "https://www.cancernetwork.com/view/fuzzed-page"
#: C0/C1 controls but tab and newline, bidi controls, zero-width characters, BOM, line separators
JUNK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200d\u202a-\u202e\u2060-\u2069\ufeff\u2028\u2029]")
MARKUP = re.compile(rf"</?(?:{'|'.join(TAGS)}|script|style|html|body|head|title|time)\b", re.I)


def strings(value: Any, name: str = "") -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(name, value)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v, name)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings(v, name or k)]
    return []


def assert_clean(item: dict[str, Any]) -> None:
    for name, value in strings(item):
        if name == "articleBody":
            assert not JUNK.search(value), (name, value)
        else:
            assert not JUNK.search(value) and "\n" not in value and "\t" not in value, (name, value)


@given(pages())
def test_random_pages(page: tuple[str, list[str]]) -> None:
    html, _ = page
    item = process_page(URL, html.encode("utf-8"))
    assert_clean(item)
    body = item["articleBody"]
    assert body is None or not MARKUP.search(body), body
    # the page shows no date (its text has no digits outside structured data's numbers)
    assert item["datePublished"] is None and item["dateModified"] is None, (item["datePublishedRaw"], html)


@given(pages(dates=True))
def test_dates_come_from_the_page(page: tuple[str, list[str]]) -> None:
    html, shown = page
    item = process_page(URL, html.encode("utf-8"))
    for name in ("datePublished", "dateModified"):
        value = item[name]
        if value is not None:
            assert shown and value[:4] in html, (name, value, shown)


@given(mutated_pages())
def test_mutated_real_pages(data: bytes) -> None:
    item = process_page(URL, data)
    assert_clean(item)
    assert item["pageType"] in ("article", "video", "podcast", "slideshow", "other")


@given(st.one_of(st.text(max_size=300), SAFE_TEXT), st.sampled_from(["ld", "next"]))
def test_garbage_in_structured_data_scripts(text: str, where: str) -> None:
    attrs = 'type="application/ld+json"' if where == "ld" else 'id="__NEXT_DATA__" type="application/json"'
    html = f"<html><head><script {attrs}>{text}</script></head><body><p>Short.</p></body></html>"
    item = ArticlePage(URL, html.encode("utf-8", "surrogatepass")).to_item()
    assert_clean(item)
