"""IdentityPipeline through a real Scrapy crawler: sets the identity fields, counts and drops."""

from __future__ import annotations

from typing import Any

import pytest
from newscrawl.extract.fingerprint import content_fingerprint
from newscrawl.extract.urls import article_id
from newscrawl.items import Article
from newscrawl.pipelines.identity import IdentityPipeline
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

SITE = "https://www.cancernetwork.com"
BODY = "Some article text that is long enough to mean something."


def build(settings: dict[str, Any] | None = None) -> tuple[IdentityPipeline, Any]:
    crawler = get_crawler(Spider, settings or {})
    return IdentityPipeline.from_crawler(crawler), crawler.stats


def test_sets_canonical_id_fingerprint_and_keeps_the_fetched_url() -> None:
    pipeline, _ = build()
    item = Article(url=SITE + "/view/Some-Slug/?utm_source=rss#x", canonicalUrl="/view/some-slug/amp",
                   articleBody=BODY)
    assert pipeline.process_item(item) is item
    assert item["canonicalUrl"] == SITE + "/view/some-slug"
    assert item["id"] == article_id(SITE + "/view/some-slug")
    assert item["fingerprint"] == content_fingerprint(BODY)
    assert item["url"] == SITE + "/view/Some-Slug/?utm_source=rss#x"


@pytest.mark.parametrize(("declared", "counter"), [("https://www.targetedonc.com/view/x", "canonical_offsite"),
                                                   (SITE + "/", "canonical_root"),
                                                   ("mailto:editor@example.org", "canonical_invalid")])
def test_an_unused_declared_canonical_is_counted(declared: str, counter: str) -> None:
    pipeline, stats = build()
    item = pipeline.process_item({"url": SITE + "/view/page", "canonicalUrl": declared, "articleBody": BODY})
    assert item["canonicalUrl"] == SITE + "/view/page"
    assert stats.get_value(f"newscrawl/duplicates/{counter}") == 1


def test_bad_url_dropped_and_counted() -> None:
    pipeline, stats = build()
    for url in ("not a url", None):
        with pytest.raises(DropItem, match="bad_url"):
            pipeline.process_item({"url": url, "articleBody": BODY})
    assert stats.get_value("newscrawl/duplicates/bad_url") == 2


def test_lowercase_paths_setting() -> None:
    pipeline, _ = build({"NEWSCRAWL_LOWERCASE_PATHS": False})
    item = pipeline.process_item({"url": SITE + "/view/Case", "articleBody": BODY})
    assert item["canonicalUrl"] == SITE + "/view/Case"
