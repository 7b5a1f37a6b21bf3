"""RequiredFieldsPipeline and SchemaPipeline on real crawler stats (no mocks)."""

from __future__ import annotations

from typing import Any

import pytest
from newscrawl.items import Article
from newscrawl.pipelines.validate import RequiredFieldsPipeline, SchemaPipeline
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler


def valid_article(**changes: Any) -> Article:
    fields: dict[str, Any] = {
        "id": "0123456789abcdef", "version": 1, "url": "https://www.cancernetwork.com/view/a",
        "canonicalUrl": "https://www.cancernetwork.com/view/a", "site": "www.cancernetwork.com",
        "headline": "A headline", "description": None, "authors": [{"name": "Jane Doe"}],
        "datePublished": "2025-06-02T14:30:00-04:00", "datePublishedRaw": "June 2, 2025 2:30 PM EDT",
        "dateModified": None, "dateModifiedRaw": None, "section": "Breast Cancer",
        "breadcrumbs": [{"name": "Home", "url": "https://www.cancernetwork.com/"}], "keywords": [],
        "inLanguage": "en", "mainImage": None, "articleBody": "One.\n\nTwo.",
        "bodyMethod": "jsonld", "trialIds": ["NCT04123456"], "meetings": [{"name": "ESMO Congress", "year": 2024}],
        "fingerprint": "ab12", "dateDownloaded": "2026-11-27T00:00:00Z",
    }
    fields.update(changes)
    return Article(fields)


def build(cls: type) -> tuple[Any, Any]:
    crawler = get_crawler()
    crawler.stats.open_spider()
    return cls.from_crawler(crawler), crawler.stats


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"headline": None}, "missing_headline"),
        ({"headline": "  "}, "missing_headline"),
        ({"articleBody": ""}, "missing_body"),
        ({"articleBody": None}, "missing_body"),
    ],
)
def test_required_fields_drop_with_counted_reason(changes: dict[str, Any], reason: str) -> None:
    pipeline, stats = build(RequiredFieldsPipeline)
    with pytest.raises(DropItem, match=reason):
        pipeline.process_item(valid_article(**changes))
    assert stats.get_value(f"newscrawl/validate/{reason}") == 1


def test_required_fields_pass_a_complete_article() -> None:
    pipeline, stats = build(RequiredFieldsPipeline)
    item = valid_article()
    assert pipeline.process_item(item) is item
    assert not stats.get_stats()


@pytest.mark.parametrize(
    "changes",
    [
        {"datePublished": "2025-06-02T14:30:00"},  # no offset
        {"datePublished": "June 2nd 2025"},
        {"authors": [{"name": ""}]},
        {"id": "XYZ"},
        {"version": 0},
        {"dateDownloaded": "2026-11-27 00:00:00"},
        {"mainImage": {"href": "x"}},
        {"trialIds": ["NCT1234"]},
        {"trialIds": ["NCT04123456", "NCT04123456"]},
        {"meetings": [{"name": "ASCO Annual Meeting"}]},
        {"meetings": [{"name": "ASCO Annual Meeting", "year": "2025"}]},
    ],
)
def test_schema_pipeline_drops_lines_that_break_the_schema(changes: dict[str, Any]) -> None:
    pipeline, stats = build(SchemaPipeline)
    with pytest.raises(DropItem, match="schema_invalid"):
        pipeline.process_item(valid_article(**changes))
    assert stats.get_value("newscrawl/validate/schema_invalid") == 1


@pytest.mark.parametrize(
    "changes",
    [{}, {"datePublished": "2007-07-01"}, {"datePublished": None}, {"trialIds": [], "meetings": []},
     {"meetings": [{"name": "SABCS", "year": None}]}],
)
def test_schema_pipeline_passes_valid_lines(changes: dict[str, Any]) -> None:
    pipeline, _ = build(SchemaPipeline)
    item = valid_article(**changes)
    assert pipeline.process_item(item) is item
