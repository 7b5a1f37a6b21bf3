"""Gatekeeping pipelines: an article needs a headline and a body, and every line a valid schema.

Two jobs, two classes: :class:`RequiredFieldsPipeline` runs early so that empty pages never
reach duplicate detection, :class:`SchemaPipeline` runs last so that no line a consumer reads
breaks the published JSON Schema.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from jsonschema import Draft202012Validator
from scrapy.exceptions import DropItem

from newscrawl.items import ARTICLE_FIELDS, article_schema

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class RequiredFieldsPipeline:
    """Drop an article with no headline or no body, counting why."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequiredFieldsPipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        for name, reason in (("headline", "missing_headline"), ("articleBody", "missing_body")):
            value = adapter.get(name)
            if not isinstance(value, str) or not value.strip():
                self.stats.inc_value(f"newscrawl/validate/{reason}")
                raise DropItem(reason)
        return item


class SchemaPipeline:
    """Drop (and count) any item that would export a line breaking the JSON Schema."""

    def __init__(self, stats: StatsCollector, validator: Draft202012Validator) -> None:
        self.stats = stats
        self.validator = validator

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SchemaPipeline:
        return cls(crawler.stats, Draft202012Validator(article_schema()))

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        line = {name: adapter.get(name) for name in ARTICLE_FIELDS}
        error = next(iter(self.validator.iter_errors(line)), None)
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "(root)"
            self.stats.inc_value("newscrawl/validate/schema_invalid")
            logger.warning("Schema failure on %s at %s: %s", adapter.get("url"), where, error.message)
            raise DropItem(f"schema_invalid: {where}")
        return item
