"""BoilerplatePipeline through a real Scrapy crawler (settings, stats; no mocks)."""

from __future__ import annotations

from typing import Any

import pytest
from newscrawl.items import Article
from newscrawl.pipelines.boilerplate import BoilerplatePipeline
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler

PROSE = "The phase 3 trial enrolled 812 patients across 140 centers in North America and Europe."


def build(**settings: Any) -> tuple[BoilerplatePipeline, Any]:
    crawler = get_crawler(settings_dict=settings)
    crawler.stats.open_spider()
    return BoilerplatePipeline.from_crawler(crawler), crawler.stats


def article(n: int, body: str, method: str = "html-generic", site: str = "www.example.com") -> Article:
    return Article(url=f"https://{site}/view/{n}", canonicalUrl=f"https://{site}/view/{n}",
                   site=site, headline=f"Headline {n}", articleBody=body, bodyMethod=method)


def test_cleans_body_and_counts_stats() -> None:
    pipeline, stats = build()
    body = (f"Headline 1\n\nSite Logo\n\n{PROSE}\n\nREAD MORE: Other story\n\nTeaser\nTeaser\n\n"
            f"Advertisement\n\n{PROSE} Second.")
    item = pipeline.process_item(article(1, body, method="jsonld"))
    assert item["articleBody"] == f"{PROSE}\n\nTeaser\n\n{PROSE} Second."
    assert stats.get_value("newscrawl/body_method/jsonld") == 1
    assert stats.get_value("newscrawl/boilerplate/removed/headline") == 1
    assert stats.get_value("newscrawl/boilerplate/removed/logo") == 1
    assert stats.get_value("newscrawl/boilerplate/removed/promo") == 1
    assert stats.get_value("newscrawl/boilerplate/removed/advertisement") == 1
    assert stats.get_value("newscrawl/boilerplate/removed/doubled_line") == 1
    assert stats.get_value("newscrawl/boilerplate/items_changed") == 1


def test_empty_body_dropped_and_counted() -> None:
    pipeline, stats = build()
    with pytest.raises(DropItem, match="empty_body"):
        pipeline.process_item(article(1, "Advertisement\n\nMore News\n\nJune 2nd 2025"))
    with pytest.raises(DropItem, match="empty_body"):
        pipeline.process_item(Article(url="https://x/1", headline="h"))
    assert stats.get_value("newscrawl/boilerplate/empty_body") == 2
    assert stats.get_value("newscrawl/body_method/unknown") == 1


def test_repeated_blocks_learned_per_site() -> None:
    pipeline, stats = build(NEWSCRAWL_BOILERPLATE_REPEAT_MIN_PAGES=3)
    rail = "Get the ONCOLOGY app for iOS and Android"
    bodies = [pipeline.process_item(article(n, f"{PROSE} {n}\n\n{rail}"))["articleBody"]
              for n in range(4)]
    assert [rail in b for b in bodies] == [True, True, False, False]
    other = pipeline.process_item(article(9, f"{PROSE}\n\n{rail}", site="other.org"))
    assert rail in other["articleBody"]
    assert stats.get_value("newscrawl/boilerplate/repeated_blocks_learned") == 1
    assert stats.get_value("newscrawl/boilerplate/removed/repeated_block") == 2
    assert stats.get_value("newscrawl/boilerplate/items") == 5


def test_learning_can_be_switched_off() -> None:
    pipeline, _ = build(NEWSCRAWL_BOILERPLATE_LEARN=False, NEWSCRAWL_BOILERPLATE_REPEAT_MIN_PAGES=2)
    for n in range(4):
        item = pipeline.process_item(article(n, f"{PROSE} {n}\n\nRecurring line"))
    assert "Recurring line" in item["articleBody"]


def test_disabled_raises_not_configured() -> None:
    with pytest.raises(NotConfigured):
        build(NEWSCRAWL_BOILERPLATE_ENABLED=False)


def test_dict_items_supported() -> None:
    pipeline, _ = build()
    item = pipeline.process_item({"url": "https://x/1", "articleBody": f"More News\n\n{PROSE}"})
    assert item["articleBody"] == PROSE
