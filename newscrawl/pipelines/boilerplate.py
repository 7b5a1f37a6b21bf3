"""Boilerplate pipeline: clean ``articleBody`` and strip blocks the site repeats on many pages.

One job: the body that leaves this stage is clean text. It applies the generic line rules of
:func:`~newscrawl.extract.boilerplate.clean_body` (with the item's headline, so a leading
repeat of the title goes) and then the per-site
:class:`~newscrawl.extract.boilerplate.RepeatedBlockLearner`. It also counts which method
produced each body (``newscrawl/body_method/<method>``): when a site's markup changes and the
crawl falls back from structured data to the generic HTML path, this stat shows it.

With the crawl state on, the learner's table is kept in the state: read when the pipeline is
built, written when the spider closes (one SQLite transaction; a killed run leaves the table
the last finished run wrote). So a cron run strips from its first article the blocks earlier
runs learned, and keeps counting blocks where they stopped. With the state off
(``NEWSCRAWL_STATE_ENABLED=False``) every run starts with an empty table.

Settings (read in :meth:`BoilerplatePipeline.from_crawler`):

``NEWSCRAWL_BOILERPLATE_ENABLED`` (bool, True)
    False switches the pipeline off (``NotConfigured``).
``NEWSCRAWL_BOILERPLATE_LEARN`` (bool, True)
    Learn and strip each site's repeated blocks.
``NEWSCRAWL_BOILERPLATE_REPEAT_MIN_PAGES`` (int)
    Distinct articles of one site a block must sit at an edge of before it counts as boilerplate.
``NEWSCRAWL_BOILERPLATE_REPEAT_EDGE_SHARE``, ``..._MIN_SHARE`` (shares)
    Share of a block's pages that have it at a body edge; share of the site's pages carrying it.
``NEWSCRAWL_BOILERPLATE_REPEAT_MAX_CHARS`` (int)
    Longer blocks are never learned (legitimately repeated disclosures, abstracts).
``NEWSCRAWL_BOILERPLATE_REPEAT_MAX_BLOCKS`` (int)
    Cap of the per-site table of block hashes (memory bound).
``NEWSCRAWL_BOILERPLATE_REPEAT_MAX_SHARE`` (share)
    Never remove more than this share of one article's lines as repeated blocks.

Defaults: :mod:`newscrawl.settings` (and the README's settings table).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured

from newscrawl.config import get_bool, get_float, get_int, get_ratio
from newscrawl.drops import EMPTY_BODY, drop
from newscrawl.extract.boilerplate import RepeatedBlockLearner, clean_body_report
from newscrawl.state.extension import state_session

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from newscrawl.state.session import StateSession

logger = logging.getLogger(__name__)

STATS_PREFIX = "newscrawl/boilerplate"


class BoilerplatePipeline:
    """Clean ``articleBody``; drop items left with no body (``empty_body``)."""

    def __init__(self, stats: StatsCollector, learner: RepeatedBlockLearner | None,
                 session: StateSession | None = None) -> None:
        self.stats = stats
        self.learner = learner
        self.session = session if learner is not None else None
        if self.session is not None:
            self._load()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BoilerplatePipeline:
        settings = crawler.settings
        if not get_bool(settings, "NEWSCRAWL_BOILERPLATE_ENABLED"):
            raise NotConfigured("NEWSCRAWL_BOILERPLATE_ENABLED is False")
        learner = None
        if get_bool(settings, "NEWSCRAWL_BOILERPLATE_LEARN"):
            learner = RepeatedBlockLearner(
                min_pages=get_int(settings, "NEWSCRAWL_BOILERPLATE_REPEAT_MIN_PAGES", minimum=2),
                max_chars=get_int(settings, "NEWSCRAWL_BOILERPLATE_REPEAT_MAX_CHARS", minimum=1),
                max_blocks=get_int(settings, "NEWSCRAWL_BOILERPLATE_REPEAT_MAX_BLOCKS", minimum=1),
                max_share=get_ratio(settings, "NEWSCRAWL_BOILERPLATE_REPEAT_MAX_SHARE"),
                min_share=get_ratio(settings, "NEWSCRAWL_BOILERPLATE_REPEAT_MIN_SHARE"),
                edge_share=get_float(settings, "NEWSCRAWL_BOILERPLATE_REPEAT_EDGE_SHARE", above=0.0, maximum=1.0),
            )
        return cls(crawler.stats, learner, state_session(crawler))

    def _load(self) -> None:
        """Start from the table earlier runs saved in the state (an unreadable one: empty)."""
        assert self.session is not None and self.learner is not None
        try:
            snapshot = self.session.boilerplate_snapshot()
            learned = 0 if snapshot is None else self.learner.import_state(snapshot)
        except ValueError as exc:
            self.stats.set_value(f"{STATS_PREFIX}/state_unreadable", 1)
            logger.warning("State: the learned boilerplate is unreadable (%s); starting with an "
                           "empty table, which replaces it at the end of the run", exc)
            return
        self.stats.set_value(f"{STATS_PREFIX}/repeated_blocks_loaded", learned)

    def close_spider(self) -> None:
        """Keep what was learned for the next run (in the crawl state, when it is on)."""
        if self.session is not None and self.learner is not None:
            self.session.save_boilerplate_snapshot(self.learner.export_state())

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
            raise drop(self.stats, EMPTY_BODY)
        if text != body:
            self.stats.inc_value(f"{STATS_PREFIX}/items_changed")
        adapter["articleBody"] = text
        return item
