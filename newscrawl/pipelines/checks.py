"""Checks pipeline: counts, per article, the sources that disagree on its headline and date.

The page object cross-checks the headline (JSON-LD, Next.js document, ``og:title``,
``<title>``, ``<h1>``), chooses the publication date by a vote of every statement the page makes
(docs/dates.md) and records the result in the item's internal ``provenance`` field. This pipeline turns it into
stats, so that a change of the site's markup shows in numbers (docs/own-article.md):

- ``newscrawl/checks/items``: articles checked;
- ``newscrawl/checks/headline_disagrees`` and ``.../headline_disagrees/<source>``: articles
  whose headline sources disagree, in all and per disagreeing source (``title`` is the
  ``<title>``: the share of articles whose headline disagrees with the page title);
- ``newscrawl/checks/date_published_disagrees`` and ``.../date_published_disagrees/<source>``;
- ``newscrawl/checks/date_published_source/<source>``: where each publication date came from
  (``jsonld``, ``meta``, ``url``, ``visible-labelled``, ``htmldate`` ...);
- ``newscrawl/checks/date_published_utc_shifted``: a UTC timestamp voted for the local day
  another statement gives; ``.../date_published_vote_only``: a date that may only confirm
  another (``<meta name=date>``, htmldate's day the page does not show) was declined alone;
- ``newscrawl/checks/no_own_document/<jsonld|nextjs>``: the structured data described several
  articles and none could be told to be the page's own (its fields were not used).

Never drops and never changes an item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

STATS_PREFIX = "newscrawl/checks"
#: provenance key -> stats name of its disagreement counters
CHECKED_FIELDS = {"headline": "headline_disagrees", "datePublished": "date_published_disagrees"}
#: notes of the date vote that are counted ("unreadable" is the dates pipeline's unparseable_published)
DATE_NOTES = frozenset({"utc_shifted", "vote_only"})


class ChecksPipeline:
    """Count the cross-check disagreements an item's ``provenance`` records."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ChecksPipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        provenance = ItemAdapter(item).get("provenance")
        if not isinstance(provenance, dict):
            return item
        self.stats.inc_value(f"{STATS_PREFIX}/items")
        for field, name in CHECKED_FIELDS.items():
            disagree = (provenance.get(field) or {}).get("disagree") or []
            if disagree:
                self.stats.inc_value(f"{STATS_PREFIX}/{name}")
                for source in disagree:
                    self.stats.inc_value(f"{STATS_PREFIX}/{name}/{source}")
        published = provenance.get("datePublished") or {}
        if published.get("source"):
            self.stats.inc_value(f"{STATS_PREFIX}/date_published_source/{published['source']}")
        for note in published.get("notes") or ():
            if note in DATE_NOTES:
                self.stats.inc_value(f"{STATS_PREFIX}/date_published_{note}")
        for source, found in (provenance.get("documents") or {}).items():
            if found == "ambiguous":
                self.stats.inc_value(f"{STATS_PREFIX}/no_own_document/{source}")
        return item
