"""Duplicates stage: group copies of one article and export only the original, decided at the end.

One line per article: the same article under another URL (tracking parameters, slash, case,
AMP/print variant, ``rel=canonical``), the same body under another title, and near-copies with
small edits are one group (:class:`newscrawl.dedup.CopyGroups`). Which page of a group is the
original is known only once the run has seen them all, so the stage does not pass items on: it
*stages* each one (:mod:`newscrawl.state.staging`, in the state's SQLite file when the state is
on) and raises :class:`~newscrawl.drops.Staged`. When the crawl closes (``close_spider``: every
item has left the pipelines, the feeds are still open), it decides each group: the original
(earliest ``datePublished``, then the page that is its own canonical URL, then the shortest
canonical URL) goes through the state stage (:class:`~newscrawl.pipelines.state.StatePipeline`)
to the feeds by ``item_scraped``; every other page is dropped (``item_dropped``) as
``duplicate_url``, ``duplicate_body`` or ``near_duplicate`` and counted under
``newscrawl/duplicates/<reason>`` (and ``.../previous_run`` when the original is an earlier run's
export). An original found after an earlier run exported its copy is exported under the copy's
``id``, as a new ``version``. Counts: ``staged``, ``kept`` (originals released), ``update``
(originals that are a new version of an earlier run's record).

Settings: ``NEWSCRAWL_DEDUP_ENABLED`` (False: ``NotConfigured``, items go straight on),
``NEWSCRAWL_DEDUP_NEAR_THRESHOLD``, ``NEWSCRAWL_LOWERCASE_PATHS`` (for the fetched URL's key),
``NEWSCRAWL_TIMEZONE`` (a date without a time, when ranking) and ``NEWSCRAWL_DEDUP_STORE`` (a
:class:`~newscrawl.dedup.DedupStore` class for the earlier runs' articles, built with
``from_crawler`` when it has one; empty: in memory).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.misc import build_from_crawler, load_object

from newscrawl.config import get_bool, get_float, get_str
from newscrawl.dedup import (
    DEFAULT_NEAR_THRESHOLD,
    CopyGroups,
    DedupStore,
    DuplicateIndex,
    Incumbent,
    Member,
    original_rank,
)
from newscrawl.drops import REASONS, Staged, drop
from newscrawl.extract.dates import DEFAULT_TIMEZONE
from newscrawl.extract.urls import DEFAULT_LOWERCASE_PATHS
from newscrawl.items import Article
from newscrawl.pipelines.state import StatePipeline
from newscrawl.state.extension import state_session
from newscrawl.state.staging import MemoryStaging, StateStaging

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from newscrawl.state.session import StateSession
    from newscrawl.state.staging import Staging

logger = logging.getLogger(__name__)

STATS_PREFIX = "newscrawl/duplicates"


class DuplicatesPipeline:
    """Stages every article in its copy group; at the end of the run exports each group's original."""

    def __init__(
        self,
        stats: StatsCollector,
        *,
        near_threshold: float = DEFAULT_NEAR_THRESHOLD,
        lowercase_paths: bool = DEFAULT_LOWERCASE_PATHS,
        timezone: str = DEFAULT_TIMEZONE,
        store: DedupStore | None = None,
        session: StateSession | None = None,
        crawler: Crawler | None = None,
    ) -> None:
        self.stats = stats
        self.lowercase_paths = lowercase_paths
        self.session = session
        self.crawler = crawler
        kwargs: dict[str, Any] = {"near_threshold": near_threshold}
        if store is not None:
            kwargs["store"] = store
        self.index = DuplicateIndex(**kwargs)
        self.groups = CopyGroups(self.index, incumbent=self._incumbent, lowercase_paths=lowercase_paths,
                                 timezone=timezone)
        self.staging: Staging = StateStaging(session) if session is not None else MemoryStaging()
        self.state_stage = StatePipeline(session, stats)

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
            timezone=get_str(settings, "NEWSCRAWL_TIMEZONE"),
            store=store,
            session=state_session(crawler),
            crawler=crawler,
        )

    def _inc(self, name: str, count: int = 1) -> None:
        self.stats.inc_value(f"{STATS_PREFIX}/{name}", count)

    def _incumbent(self, article_id: str) -> Incumbent | None:
        """An earlier run's export, as the state recorded it (None without state)."""
        record = self.session.get_article(article_id) if self.session is not None else None
        if record is None:
            return None
        rank = original_rank(record.date_published, record.canonical_url, timezone=self.groups.timezone)
        return Incumbent(record.id, record.canonical_url, record.fingerprint or "", rank)

    # -- during the crawl ------------------------------------------------------------------
    def open_spider(self, spider: Spider | None = None) -> None:
        """Take back the candidates a killed run staged and did not release."""
        taken = dropped = 0
        for key, raw in self.staging.leftovers():
            if raw is None:  # kept in the state as it is; counted on every run until removed
                self._inc("leftover_unreadable")
                logger.error("A staged candidate cannot be read and is left in the state: %s", key)
                continue
            item = Article({k: v for k, v in raw.items() if k in Article.fields})
            if self._exported_already(item):
                self.staging.discard([key])
                dropped += 1
                continue
            try:
                self.groups.add(item)
            except ValueError as exc:  # no identity: it cannot be placed in a group
                self._inc("leftover_unreadable")
                logger.error("A staged candidate cannot be placed and is left in the state: %s (%s)", key, exc)
                continue
            taken += 1
        if taken or dropped:
            logger.info("Took back %d candidates staged by a killed run (%d were exported already)",
                        taken, dropped)
            self._inc("leftovers", taken)
        self.staging.flush()

    def _exported_already(self, item: Article) -> bool:
        """A leftover whose line the killed run's recovered file holds (or a later run exported)."""
        session, ident = self.session, item.get("id")
        if session is None or not isinstance(ident, str):
            return False
        decision, _ = session.decide(ident, item.get("fingerprint"), item.get("dateModified"),
                                     item.get("canonicalUrl"))
        return decision == "unchanged"

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        _, member, new_article = self.groups.add(adapter)
        self.staging.put(member.key, adapter.asdict())
        self._inc("staged")
        raise Staged(new_article)

    # -- at the end of the run ---------------------------------------------------------------
    def close_spider(self, spider: Spider | None = None) -> None:
        """Decide every group and release the originals (before the feeds close)."""
        self.staging.flush()
        crawler = self.crawler
        spider = spider or (crawler.spider if crawler is not None else None)
        released = copies = 0
        for outcome in self.groups.outcomes():
            keys = [m.key for m in outcome.group.members.values()]
            if outcome.original is not None and outcome.export_id is not None:
                if self._release(outcome.original, outcome.export_id, keys, spider):
                    released += 1
                else:
                    self.staging.discard([outcome.original.key])
            for member, reason in outcome.copies:
                self._drop_copy(member.key, reason, outcome.previous_run, spider)
                copies += 1
            if outcome.original is None:
                self.staging.discard(keys)
            else:
                self.staging.discard(m.key for m, _ in outcome.copies)
        self.staging.flush()
        self.groups.close()
        if released or copies:
            logger.info("Released %d originals; dropped %d copies", released, copies)

    def _release(self, member: Member, export_id: str, keys: list[str], spider: Spider | None) -> bool:
        """Export the original ``member`` as ``export_id``; False when the state stage drops it."""
        raw = self.staging.get(member.key)
        if raw is None:
            logger.error("Staged candidate %s is missing; it will be crawled again", member.key)
            return False
        item = Article({k: v for k, v in raw.items() if k in Article.fields})
        update = self.session is not None and self.session.get_article(export_id) is not None
        item["id"] = export_id
        try:
            item = self.state_stage.process_item(item)
        except DropItem as exc:
            self._send_dropped(item, exc, spider)
            return False
        except ValueError:  # the state holds this very record already: nothing to export
            logger.exception("Not releasing %s", member.key)
            return False
        entry = self.groups.entry_of(member, item, export_id)
        # into the store only: nothing is checked against this run's exports after the release, and
        # the index's set of this run's ids (DuplicateIndex.add) would grow with every export
        self.index.store.add(entry, self.index.band_keys(entry))
        self.staging.released(export_id, keys)
        if update:
            self._inc("update")
        self._inc("kept")
        if self.crawler is not None:
            self.crawler.signals.send_catch_log(signal=signals.item_scraped, item=item, response=None,
                                                spider=spider)
        return True

    def _drop_copy(self, key: str, reason: str, previous_run: bool, spider: Spider | None) -> None:
        raw = self.staging.get(key) or {"url": key}
        item = Article({k: v for k, v in raw.items() if k in Article.fields})
        if previous_run:
            self._inc("previous_run")
        self._send_dropped(item, drop(self.stats, REASONS[reason]), spider)

    def _send_dropped(self, item: Any, exc: DropItem, spider: Spider | None) -> None:
        crawler = self.crawler
        if crawler is None:
            return
        formatter = getattr(crawler, "logformatter", None)
        logkws = formatter.dropped(item, exc, None, spider) if formatter is not None and spider is not None else None
        if logkws is not None:
            logger.log(logkws["level"], logkws["msg"], logkws["args"])
        crawler.signals.send_catch_log(signal=signals.item_dropped, item=item, response=None, spider=spider,
                                       exception=exc)
