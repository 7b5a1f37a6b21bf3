"""Oncology pipeline: ``trialIds`` and ``meetings`` from the clean body and the headline.

One job: fill the two fields with :func:`newscrawl.extract.oncology.oncology_fields`, after the
boilerplate stage, so a trial or a meeting named only in a promo or a related-links block that
stage removes is not counted. Never drops. Counts articles that name trials or meetings
(``newscrawl/oncology/with_trials``, ``.../with_meetings``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter

from newscrawl.extract.oncology import oncology_fields

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


class OncologyPipeline:
    """Set ``trialIds`` and ``meetings``."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OncologyPipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        headline, body = adapter.get("headline"), adapter.get("articleBody")
        fields = oncology_fields(
            headline if isinstance(headline, str) else None, body if isinstance(body, str) else None
        )
        for name, value in fields.items():
            adapter[name] = value
            if value:
                self.stats.inc_value(f"newscrawl/oncology/with_{'trials' if name == 'trialIds' else name}")
        return item
