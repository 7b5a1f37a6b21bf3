"""The project's pipelines in their configured order (ITEM_PIPELINES), on a real crawler."""

from __future__ import annotations

from typing import Any

from newscrawl.drops import Staged, reason_of
from newscrawl.items import Article
from newscrawl.pipelines.duplicates import DuplicatesPipeline
from scrapy import Spider, signals
from scrapy.exceptions import DropItem
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

BODY = " ".join(
    f"Paragraph {i} of a report on a phase 3 trial of a new oncology drug in {i * 40} patients."
    for i in range(8)
)


class Chain:
    """The project's ITEM_PIPELINES, built in their order (the state off: no extension built),
    and each item's outcome once the run ends (the duplicates stage releases originals then)."""

    def __init__(self) -> None:
        crawler = get_crawler(Spider)
        order = sorted(get_project_settings().getdict("ITEM_PIPELINES").items(), key=lambda kv: kv[1])
        self.pipelines = [build_from_crawler(load_object(path), crawler) for path, _ in order]
        self.stats = crawler.stats
        self.outcomes: dict[str, str] = {}
        crawler.signals.connect(self._scraped, signals.item_scraped)
        crawler.signals.connect(self._dropped, signals.item_dropped)

    def _scraped(self, item: Any) -> None:
        self.outcomes[item["url"]] = "kept"

    def _dropped(self, item: Any, exception: BaseException) -> None:
        self.outcomes[item["url"]] = reason_of(exception).name

    def run(self, *items: Article) -> list[str]:
        for item in items:
            try:
                for pipeline in self.pipelines:
                    item = pipeline.process_item(item)
            except Staged:
                pass
            except DropItem as exc:
                self.outcomes[item["url"]] = reason_of(exc).name
        next(p for p in self.pipelines if isinstance(p, DuplicatesPipeline)).close_spider()
        return [self.outcomes[item["url"]] for item in items]


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
    chain = Chain()
    outcomes = chain.run(article("broken-copy", authors=[{"name": ""}]), article("valid"), article("valid-copy"))
    assert outcomes == ["schema_invalid", "kept", "duplicate_body"]
    assert chain.stats.get_value("newscrawl/validate/schema_invalid") == 1
    assert chain.stats.get_value("newscrawl/duplicates/kept") == 1


def test_identity_is_set_before_validation_and_duplicates() -> None:
    pipelines = Chain().pipelines
    names = [type(p).__name__ for p in pipelines]
    assert names.index("IdentityPipeline") < names.index("SchemaPipeline") < names.index("DuplicatesPipeline")
    assert names.index("UnchangedPipeline") < names.index("DuplicatesPipeline") < names.index("StatePipeline")
    item = article("x")
    for pipeline in pipelines[: names.index("DuplicatesPipeline")]:
        item = pipeline.process_item(item)
    assert item["id"] and item["fingerprint"] and item["canonicalUrl"].endswith("/view/x")
