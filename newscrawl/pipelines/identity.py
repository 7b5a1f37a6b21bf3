"""Identity pipeline: set ``canonicalUrl``, ``id`` and ``fingerprint`` (see :mod:`newscrawl.identity`).

Runs before every pipeline that needs to know which article an item is (unchanged, duplicates,
state). An item whose URL is not an absolute http(s) URL is dropped (``bad_url``). A declared
``rel=canonical`` that is not used is counted as ``newscrawl/duplicates/canonical_invalid``,
``canonical_offsite`` or ``canonical_root`` (the keys these counts had before identity was its own
stage). Setting: ``NEWSCRAWL_LOWERCASE_PATHS``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter

from newscrawl.config import get_bool
from newscrawl.drops import BAD_URL, drop
from newscrawl.identity import identify

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class IdentityPipeline:
    """Set the item's identity fields; drop an item without a usable URL."""

    def __init__(self, stats: StatsCollector, *, lowercase_paths: bool) -> None:
        self.stats = stats
        self.lowercase_paths = lowercase_paths

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IdentityPipeline:
        return cls(crawler.stats, lowercase_paths=get_bool(crawler.settings, "NEWSCRAWL_LOWERCASE_PATHS"))

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url = adapter.get("url")
        try:
            identity = identify(url, adapter.get("canonicalUrl"), adapter.get("articleBody"),
                                lowercase_paths=self.lowercase_paths)
        except (TypeError, ValueError) as exc:
            logger.warning("Dropping item with unusable url %r: %s", url, exc)
            raise drop(self.stats, BAD_URL) from None
        if identity.rejected_canonical:
            self.stats.inc_value(f"newscrawl/duplicates/{identity.rejected_canonical}")
            logger.debug("Ignoring rel=canonical %r of %s (%s)", adapter.get("canonicalUrl"), url,
                         identity.rejected_canonical)
        adapter["canonicalUrl"] = identity.canonical_url
        adapter["id"] = identity.id
        adapter["fingerprint"] = identity.fingerprint
        return item
