"""Boilerplate pipeline: clean ``articleBody`` and strip blocks the site repeats on many pages.

One job: the body that leaves this stage is clean text. It applies the generic line rules of
:func:`~newscrawl.extract.boilerplate.clean_body` (with the item's headline, so a leading
repeat of the title goes) and then the per-site
:class:`~newscrawl.extract.boilerplate.RepeatedBlockLearner`. It also counts which method
produced each body (``newscrawl/body_method/<method>``): when a site's markup changes and the
crawl falls back from structured data to the generic HTML path, this stat shows it.

Settings (read in :meth:`BoilerplatePipeline.from_crawler`):

``NEWSCRAWL_BOILERPLATE_ENABLED`` (bool, True)
    False switches the pipeline off (``NotConfigured``).
``NEWSCRAWL_BOILERPLATE_LEARN`` (bool, True)
    Learn and strip each site's repeated blocks.
``NEWSCRAWL_BOILERPLATE_REPEAT_MIN_PAGES`` (int, 5)
    Distinct articles of one site a block must appear in before it counts as boilerplate.
``NEWSCRAWL_BOILERPLATE_REPEAT_MAX_CHARS`` (int, 200)
    Longer blocks are never learned (legitimately repeated disclosures, abstracts).
``NEWSCRAWL_BOILERPLATE_REPEAT_MAX_BLOCKS`` (int, 100000)
    Cap of the per-site table of block hashes (memory bound).
``NEWSCRAWL_BOILERPLATE_REPEAT_MAX_SHARE`` (float, 0.5)
    Never remove more than this share of one article's lines as repeated blocks.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured

from newscrawl.extract.boilerplate import RepeatedBlockLearner, clean_body_report

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

STATS_PREFIX = "newscrawl/boilerplate"


class BoilerplatePipeline:
    """Clean ``articleBody``; drop items left with no body (``DropItem("empty_body")``)."""

    def __init__(self, stats: StatsCollector, learner: RepeatedBlockLearner | None) -> None:
        self.stats = stats
        self.learner = learner

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BoilerplatePipeline:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_BOILERPLATE_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_BOILERPLATE_ENABLED is False")
        learner = None
        if settings.getbool("NEWSCRAWL_BOILERPLATE_LEARN", True):
            learner = RepeatedBlockLearner(
                min_pages=settings.getint("NEWSCRAWL_BOILERPLATE_REPEAT_MIN_PAGES", 5),
                max_chars=settings.getint("NEWSCRAWL_BOILERPLATE_REPEAT_MAX_CHARS", 120),
                max_blocks=settings.getint("NEWSCRAWL_BOILERPLATE_REPEAT_MAX_BLOCKS", 100_000),
                max_share=settings.getfloat("NEWSCRAWL_BOILERPLATE_REPEAT_MAX_SHARE", 0.5),
                min_share=settings.getfloat("NEWSCRAWL_BOILERPLATE_REPEAT_MIN_SHARE", 0.05),
                edge_share=settings.getfloat("NEWSCRAWL_BOILERPLATE_REPEAT_EDGE_SHARE", 0.9),
            )
        pipeline = cls(crawler.stats, learner)
        pipeline.crawler = crawler
        return pipeline

    @staticmethod
    def _site(adapter: ItemAdapter) -> str:
        site = adapter.get("site")
        if isinstance(site, str) and site:
            return site
        for name in ("canonicalUrl", "url"):
            value = adapter.get(name)
            if isinstance(value, str) and value:
                return urlsplit(value).hostname or ""
        return ""

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        method = adapter.get("bodyMethod") or "unknown"
        self.stats.inc_value(f"newscrawl/body_method/{method}")
        body = adapter.get("articleBody")
        if not isinstance(body, str):
            body = ""
        headline = adapter.get("headline")
        cleaned = clean_body_report(body, headline=headline if isinstance(headline, str) else None)
        for reason, count in cleaned.removed.items():
            self.stats.inc_value(f"{STATS_PREFIX}/removed/{reason}", count)
        text = cleaned.text
        if text and self.learner is not None:
            key = adapter.get("canonicalUrl") or adapter.get("url") or adapter.get("id") or text[:200]
            text, removed, learned = self.learner.process(self._site(adapter), str(key), text)
            if removed:
                self.stats.inc_value(f"{STATS_PREFIX}/removed/repeated_block", removed)
            if learned:
                self.stats.inc_value(f"{STATS_PREFIX}/repeated_blocks_learned", learned)
        self.stats.inc_value(f"{STATS_PREFIX}/items")
        if not text.strip():
            self.stats.inc_value(f"{STATS_PREFIX}/empty_body")
            raise DropItem("empty_body")
        if text != body:
            self.stats.inc_value(f"{STATS_PREFIX}/items_changed")
        adapter["articleBody"] = text
        return item
