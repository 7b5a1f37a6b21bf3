"""Dates pipeline: raw date strings become ISO 8601, impossible dates become null.

For ``datePublished`` and ``dateModified`` the pipeline parses ``<field>Raw`` (kept as is) with
:func:`newscrawl.extract.dates.parse_date` and writes ``<field>``. A date problem never drops
an item: the value becomes ``None`` and the reason is counted under
``newscrawl/dates/<reason>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter

from newscrawl.config import get_float, setting
from newscrawl.extract.dates import DateNormalizer, check_zone

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

STATS_PREFIX = "newscrawl/dates/"


class DatesPipeline:
    """Normalise ``datePublished``/``dateModified`` from their raw strings; count problems.

    The work is :class:`newscrawl.extract.dates.DateNormalizer`'s (shared with
    ``newscrawl extract``); this pipeline builds it from settings and counts each reason it
    reports under ``newscrawl/dates/<reason>``. Never drops an item.
    """

    def __init__(self, normalizer: DateNormalizer, stats: StatsCollector | None = None) -> None:
        self.normalizer = normalizer
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DatesPipeline:
        settings = crawler.settings
        name = setting(settings, "NEWSCRAWL_TIMEZONE", check=check_zone)
        tolerance = get_float(settings, "NEWSCRAWL_DATES_FUTURE_TOLERANCE", minimum=0.0)
        return cls(DateNormalizer(name, tolerance), crawler.stats)

    def process_item(self, item: Any) -> Any:
        for reason in self.normalizer.apply(ItemAdapter(item)):
            if self.stats is not None:
                self.stats.inc_value(STATS_PREFIX + reason)
        return item

