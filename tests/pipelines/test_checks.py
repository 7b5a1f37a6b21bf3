"""ChecksPipeline on a real crawler and its stats collector (no mocks), fed by the page object."""

from __future__ import annotations

from typing import Any

from newscrawl.extract.page import ArticlePage
from newscrawl.items import Article
from newscrawl.pipelines.checks import ChecksPipeline
from scrapy.utils.test import get_crawler

URL = "https://www.cancernetwork.com/view/tarlatamab-second-line-sclc"
TITLE = "Tarlatamab Outperforms Chemotherapy in Second-Line Small Cell Lung Cancer"


def build() -> tuple[ChecksPipeline, Any]:
    crawler = get_crawler()
    crawler.stats.open_spider()
    return ChecksPipeline.from_crawler(crawler), crawler.stats


def checks(stats: Any) -> dict[str, int]:
    return {k: v for k, v in stats.get_stats().items() if k.startswith("newscrawl/checks/")}


def extracted(head: str, body: str) -> Article:
    item = ArticlePage(URL, f"<html><head>{head}</head><body>{body}</body></html>".encode()).to_item()
    return Article({k: v for k, v in item.items() if k in Article.fields})


def test_counts_each_disagreeing_source_and_changes_nothing() -> None:
    pipeline, stats = build()
    item = extracted(
        f'<title>Tarlatamab in SCLC: an SEO Title | CancerNetwork</title><meta property="og:title" content="{TITLE}">'
        '<meta property="article:published_time" content="2025-06-03T08:30:00-04:00">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "' + TITLE + '", "url": "' + URL
        + '", "datePublished": "2025-06-11T18:22:00Z"}</script>',
        f'<article><h1>{TITLE}</h1><time datetime="2025-06-03">June 3, 2025</time></article>',
    )
    before = dict(item)
    assert pipeline.process_item(item) is item and dict(item) == before
    assert checks(stats) == {
        "newscrawl/checks/items": 1,
        "newscrawl/checks/headline_disagrees": 1,
        "newscrawl/checks/headline_disagrees/title": 1,
        "newscrawl/checks/date_published_disagrees": 1,
        "newscrawl/checks/date_published_disagrees/jsonld": 1,
        "newscrawl/checks/date_published_source/meta": 1,
    }


def test_counts_structured_data_with_no_own_document() -> None:
    pipeline, stats = build()
    two = ('[{"@type": "NewsArticle", "headline": "One Story of Two"}, '
           '{"@type": "NewsArticle", "headline": "Another Story of Two"}]')
    pipeline.process_item(extracted(f'<script type="application/ld+json">{two}</script><title>{TITLE}</title>',
                                    f"<h1>{TITLE}</h1>"))
    assert checks(stats) == {"newscrawl/checks/items": 1, "newscrawl/checks/no_own_document/jsonld": 1}


def test_an_item_without_provenance_is_passed_on_uncounted() -> None:
    pipeline, stats = build()
    item = Article({"url": URL, "headline": TITLE})
    assert pipeline.process_item(item) is item
    assert checks(stats) == {}


def test_counts_where_the_date_came_from_and_what_the_vote_met() -> None:
    pipeline, stats = build()
    pipeline.process_item(extracted(  # a UTC timestamp on the next day; the page shows the local day
        f'<meta property="article:published_time" content="2025-06-04T02:30:00Z"><title>{TITLE}</title>',
        f"<article><h1>{TITLE}</h1><p>June 3, 2025</p></article>"))
    pipeline.process_item(extracted(  # htmldate finds a date in a script; the page does not show it
        f'<script>var page = {{"datePublished": "2011-07-25"}};</script><title>{TITLE}</title>',
        f"<article><h1>{TITLE}</h1></article>"))
    assert checks(stats) == {
        "newscrawl/checks/items": 2,
        "newscrawl/checks/date_published_source/visible-plain": 1,
        "newscrawl/checks/date_published_utc_shifted": 1,
        "newscrawl/checks/date_published_vote_only": 1,
    }
