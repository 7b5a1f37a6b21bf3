"""Small Scrapy extensions that are not a pipeline's job."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from newscrawl.config import get_str
from newscrawl.feeds import atomic_write_json

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class StatsFile:
    """Write the crawl's final stats as JSON to ``NEWSCRAWL_STATS_FILE`` when it is set.

    For monitoring, tests and benchmarks that need the numbers of a ``scrapy crawl`` run
    without parsing its log. The file is written whole or not at all (temp file + rename).
    """

    def __init__(self, path: Path, stats: StatsCollector) -> None:
        self.path = path
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatsFile:
        path = get_str(crawler.settings, "NEWSCRAWL_STATS_FILE", empty_ok=True)
        if not path:
            raise NotConfigured("NEWSCRAWL_STATS_FILE is not set")
        extension = cls(Path(path), crawler.stats)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats: dict[str, Any] = {
            key: value.isoformat() if hasattr(value, "isoformat") else value
            for key, value in self.stats.get_stats().items()
        }
        stats["finish_reason"] = reason
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_json(self.path, stats)
