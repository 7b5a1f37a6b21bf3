"""Gatekeeping pipelines: an article needs a headline and a body, and every line a valid schema.

Two jobs, two classes, both before duplicate detection, so that an item that will never be
exported never enters the duplicate index (where it would block a valid copy):
:class:`RequiredFieldsPipeline` drops empty pages, :class:`SchemaPipeline` (after the identity
pipeline, which sets the last fields the schema requires) drops every line that would break the
published JSON Schema. ``version`` is set later, by the state pipeline, to a positive integer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import fastjsonschema
from itemadapter import ItemAdapter

from newscrawl.drops import MISSING_BODY, MISSING_HEADLINE, SCHEMA_INVALID, drop
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
        for name, reason in (("headline", MISSING_HEADLINE), ("articleBody", MISSING_BODY)):
            value = adapter.get(name)
            if not isinstance(value, str) or not value.strip():
                raise drop(self.stats, reason)
        return item


class SchemaPipeline:
    """Drop (and count) any item that would export a line breaking the JSON Schema.

    The schema is compiled once with fastjsonschema (about 30 µs a line, forty times faster
    than an interpreted validator: it runs on every exported line).
    """

    def __init__(self, stats: StatsCollector, validate: Callable[[dict[str, Any]], Any]) -> None:
        self.stats = stats
        self.validate = validate

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SchemaPipeline:
        return cls(crawler.stats, fastjsonschema.compile(article_schema()))

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        line = {name: adapter.get(name) for name in ARTICLE_FIELDS}
        try:
            self.validate(line)
        except fastjsonschema.JsonSchemaValueException as error:
            where = "/".join(str(p) for p in error.path[1:]) or "(root)"
            logger.warning("Schema failure on %s at %s: %s", adapter.get("url"), where, error.message)
            raise drop(self.stats, SCHEMA_INVALID, where) from None
        return item
