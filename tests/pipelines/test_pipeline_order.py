"""The project's pipelines in their configured order (ITEM_PIPELINES), on a real crawler."""

from __future__ import annotations

from typing import Any

from newscrawl.drops import reason_of
from newscrawl.items import Article
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

BODY = " ".join(
    f"Paragraph {i} of a report on a phase 3 trial of a new oncology drug in {i * 40} patients."
    for i in range(8)
)


def chain() -> tuple[list[Any], Any]:
    """The project's ITEM_PIPELINES, built in their order (the state off: no extension built)."""
    crawler = get_crawler(Spider)
    order = sorted(get_project_settings().getdict("ITEM_PIPELINES").items(), key=lambda kv: kv[1])
    return [build_from_crawler(load_object(path), crawler) for path, _ in order], crawler.stats


def run(pipelines: list[Any], item: Article) -> str:
    try:
        for pipeline in pipelines:
            item = pipeline.process_item(item)
    except DropItem as exc:
        return reason_of(exc).name
    return "kept"


def article(slug: str, **changes: Any) -> Article:
    fields: dict[str, Any] = {
        "url": f"https://www.cancernetwork.com/view/{slug}", "headline": "A headline",
        "authors": [{"name": "Jane Doe"}], "datePublishedRaw": "2025-06-02", "articleBody": BODY,
        "bodyMethod": "jsonld", "version": 1, "dateDownloaded": "2026-11-27T00:00:00Z",
        "site": "www.cancernetwork.com", "breadcrumbs": [], "keywords": [],
    }
    fields.update(changes)
    return Article(fields)


def test_a_schema_invalid_copy_seen_first_does_not_block_the_valid_one() -> None:
    pipelines, stats = chain()
    assert run(pipelines, article("broken-copy", authors=[{"name": ""}])) == "schema_invalid"
    assert run(pipelines, article("valid")) == "kept"
    assert run(pipelines, article("valid-copy")) == "duplicate_body"
    assert stats.get_value("newscrawl/validate/schema_invalid") == 1
    assert stats.get_value("newscrawl/duplicates/kept") == 1


def test_identity_is_set_before_validation_and_duplicates() -> None:
    pipelines, _ = chain()
    names = [type(p).__name__ for p in pipelines]
    assert names.index("IdentityPipeline") < names.index("SchemaPipeline") < names.index("DuplicatesPipeline")
    assert names.index("UnchangedPipeline") < names.index("DuplicatesPipeline") < names.index("StatePipeline")
    item = article("x")
    for pipeline in pipelines:
        item = pipeline.process_item(item)
    assert item["id"] and item["fingerprint"] and item["canonicalUrl"].endswith("/view/x")
