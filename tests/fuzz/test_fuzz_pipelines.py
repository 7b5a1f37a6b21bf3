"""The pipelines fuzzed (issue 13): items with random field values of any JSON type go through
the project's ITEM_PIPELINES in order (the state off). Each item is kept or dropped with a named
reason; no other exception escapes, and a kept item is a valid line (the schema pipeline ran)."""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from newscrawl.drops import REASONS, reason_of
from newscrawl.items import ARTICLE_FIELDS, Article
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from .strategies import DATE_LIKE, MARKUP, SAFE_TEXT

PIPELINES = sorted(get_project_settings().getdict("ITEM_PIPELINES").items(), key=lambda kv: kv[1])

#: a value of the wrong type, for any field
WRONG = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**9), st.floats(allow_nan=True),
                  st.lists(st.text(max_size=5), max_size=3),
                  st.dictionaries(st.sampled_from(["name", "url", "x"]), st.text(max_size=5), max_size=2))
NAMES = st.lists(st.fixed_dictionaries({"name": SAFE_TEXT}), max_size=3)
FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "headline": st.one_of(SAFE_TEXT, st.text(max_size=20)),
    "authors": NAMES,
    "breadcrumbs": st.lists(st.fixed_dictionaries({"name": SAFE_TEXT, "url": st.text(max_size=10)}), max_size=3),
    "keywords": st.lists(SAFE_TEXT, max_size=3),
    "mainImage": st.one_of(st.none(), st.fixed_dictionaries({"url": st.text(max_size=10)})),
    "inLanguage": st.sampled_from(["en", "en-GB", "de", "", None]),
    "version": st.integers(-1, 3),
    "url": st.sampled_from(["https://www.cancernetwork.com/view/a", "https://www.cancernetwork.com/view/b?x=1",
                            "not a url", "", "ftp://x/view/y"]),
    "articleBody": st.one_of(SAFE_TEXT, MARKUP, st.lists(SAFE_TEXT, max_size=8).map("\n\n".join)),
    "datePublishedRaw": st.one_of(DATE_LIKE, SAFE_TEXT, st.none()),
    "dateModifiedRaw": st.one_of(DATE_LIKE, SAFE_TEXT, st.none()),
    "dateDownloaded": st.sampled_from(["2026-11-27T08:00:00Z", "garbage", None]),
}


@st.composite
def items(draw: st.DrawFn) -> dict[str, Any]:
    fields = {}
    for name in (*ARTICLE_FIELDS, "pageType"):
        if draw(st.integers(0, 9)) == 0:
            continue  # a field left out
        strategy = FIELD_VALUES.get(name, SAFE_TEXT)
        fields[name] = draw(WRONG) if draw(st.integers(0, 7)) == 0 else draw(strategy)
    return fields


@functools.cache
def chain() -> list[Any]:
    """Built once: what the pipelines remember (seen copies) carries over, as in a crawl."""
    crawler = get_crawler(Spider, {"NEWSCRAWL_STATE_ENABLED": False})
    assert crawler.stats is not None
    crawler.stats.open_spider()
    return [build_from_crawler(load_object(path), crawler) for path, _ in PIPELINES]


@settings(max_examples=max(1, settings().max_examples // 2))  # each example runs up to three items
@given(st.lists(items(), min_size=1, max_size=3))
def test_random_items_are_kept_valid_or_dropped_with_a_reason(batch: list[dict[str, Any]]) -> None:
    pipelines = chain()
    for fields in batch:
        item: Any = Article(fields)
        try:
            for pipeline in pipelines:
                item = pipeline.process_item(item)
        except DropItem as exc:
            assert reason_of(exc).name in REASONS
            continue
        assert isinstance(item["id"], str) and isinstance(item["articleBody"], str)
