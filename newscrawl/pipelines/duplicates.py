"""Duplicates pipeline: drop copies of an article already kept; the first seen wins.

One line per article: the same article under another URL (tracking parameters, slash, case,
AMP/print variant, ``rel=canonical``), the same body under another title, and near-copies with
small edits are dropped. Each drop raises ``Dropped`` with ``duplicate_url``, ``duplicate_body``
or ``near_duplicate`` and counts ``newscrawl/duplicates/<reason>`` (and ``.../previous_run`` when
the original is an earlier run's); kept items count ``newscrawl/duplicates/kept`` (and
``.../update`` when they are an earlier run's article whose content changed). The matching lives
in :mod:`newscrawl.dedup` (pure); the item's identity (``id``, ``canonicalUrl``) was set by the
identity pipeline, and unchanged articles of earlier runs were dropped before this stage.

Settings: ``NEWSCRAWL_DEDUP_ENABLED`` (False: ``NotConfigured``), ``NEWSCRAWL_DEDUP_NEAR_THRESHOLD``,
``NEWSCRAWL_LOWERCASE_PATHS`` (for the fetched URL's key) and ``NEWSCRAWL_DEDUP_STORE`` (a
:class:`~newscrawl.dedup.DedupStore` class, built with ``from_crawler`` when it has one; empty:
in memory).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler, load_object

from newscrawl.config import get_bool, get_float, get_str
from newscrawl.dedup import DEFAULT_NEAR_THRESHOLD, DedupStore, DuplicateIndex
from newscrawl.drops import REASONS, drop
from newscrawl.extract.urls import DEFAULT_LOWERCASE_PATHS

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

STATS_PREFIX = "newscrawl/duplicates"


class DuplicatesPipeline:
    """Drops duplicates of articles kept in this run or earlier ones; first seen wins."""

    def __init__(
        self,
        stats: StatsCollector,
        *,
        near_threshold: float = DEFAULT_NEAR_THRESHOLD,
        lowercase_paths: bool = DEFAULT_LOWERCASE_PATHS,
        store: DedupStore | None = None,
    ) -> None:
        self.stats = stats
        self.lowercase_paths = lowercase_paths
        kwargs: dict[str, Any] = {"near_threshold": near_threshold}
        if store is not None:
            kwargs["store"] = store
        self.index = DuplicateIndex(**kwargs)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DuplicatesPipeline:
        settings = crawler.settings
        if not get_bool(settings, "NEWSCRAWL_DEDUP_ENABLED"):
            raise NotConfigured("NEWSCRAWL_DEDUP_ENABLED is False")
        threshold = get_float(settings, "NEWSCRAWL_DEDUP_NEAR_THRESHOLD", above=0.0, maximum=1.0)
        store_path = get_str(settings, "NEWSCRAWL_DEDUP_STORE", empty_ok=True)
        store = build_from_crawler(load_object(store_path), crawler) if store_path else None
        return cls(
            crawler.stats,
            near_threshold=threshold,
            lowercase_paths=get_bool(settings, "NEWSCRAWL_LOWERCASE_PATHS"),
            store=store,
        )

    def _inc(self, name: str) -> None:
        self.stats.inc_value(f"{STATS_PREFIX}/{name}")

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        verdict, ident = self.index.observe_item(adapter, lowercase_paths=self.lowercase_paths)
        if verdict.drop_reason is not None:
            if verdict.previous_run:
                self._inc("previous_run")
            logger.debug("Dropped %s (%s) as %s of %s (similarity %s)", adapter.get("url"), ident,
                         verdict.drop_reason, verdict.original_id, verdict.similarity)
            raise drop(self.stats, REASONS[verdict.drop_reason])
        if verdict.kind == "update":
            self._inc("update")
        self._inc("kept")
        return item
