"""State pipelines: export an article only if it is new or changed, and number its versions.

Whether an article is new, changed or unchanged since a run exported it is decided in one place,
:meth:`newscrawl.state.session.StateSession.decide` (same fingerprint and same ``dateModified``:
unchanged). Two stages apply it:

* :class:`UnchangedPipeline` (before schema validation and duplicate detection) gives an article
  whose canonical URL an earlier run exported under another id that id (``newscrawl/state/group_id``:
  an original found after its copy was exported is a new version of the copy's record, see
  docs/dedup.md), drops an unchanged article of an earlier run (``unchanged``,
  ``newscrawl/state/unchanged``; its lastmod and validators are refreshed), so it is never taken
  for a duplicate of itself, and sets ``version``: the stored version + 1 for a changed article,
  1 for a new one.
* :class:`StatePipeline` (last) hands the article to the feeds: it drops a second copy of an id
  already exported in this run (``duplicate_in_run``) and, with ``NEWSCRAWL_STATE_FORGET_DAYS``,
  a new article dated before the window (``older_than_state_horizon``: it was forgotten on
  purpose and must not come back as new); then it claims the article's notes for the commit and
  counts ``newscrawl/state/new|changed|reexported``. The state itself is written later, only
  once the line is fsynced (see :mod:`newscrawl.feeds`).

With the state ignored for the run (``-a state=ignore``) nothing is dropped as unchanged and an
unchanged article keeps its stored version. Without state every article gets ``version = 1``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

from itemadapter import ItemAdapter

from newscrawl.drops import DUPLICATE_IN_RUN, OLDER_THAN_STATE_HORIZON, UNCHANGED, drop
from newscrawl.state.extension import state_session
from newscrawl.state.store import parse_timestamp

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from newscrawl.state.session import StateSession

logger = logging.getLogger(__name__)

STATS = "newscrawl/state"


class _StateStage:
    def __init__(self, session: StateSession | None, stats: StatsCollector) -> None:
        self.session = session
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(state_session(crawler), crawler.stats)


class UnchangedPipeline(_StateStage):
    """Drop what an earlier run exported unchanged; set ``version``."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UnchangedPipeline:
        pipeline = cls(state_session(crawler), crawler.stats)
        if pipeline.session is None:
            logger.info("State disabled: every article is exported as version 1")
        return pipeline

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        session, ident = self.session, adapter.get("id")
        if session is None or not isinstance(ident, str) or not ident:
            if session is not None:
                self.stats.inc_value(f"{STATS}/no_id")
                logger.warning("Item without id reached the state: %s", adapter.get("url"))
            adapter["version"] = 1
            return item
        if session.claimed(ident):
            return item  # already exported in this run: a duplicate of that line, not unchanged
        canonical = adapter.get("canonicalUrl")
        known = session.known(canonical) if isinstance(canonical, str) else None
        if known is not None and known.id != ident:
            ident = adapter["id"] = known.id
            self.stats.inc_value(f"{STATS}/group_id")
        decision, version = session.decide(ident, adapter.get("fingerprint"), adapter.get("dateModified"),
                                           canonical)
        if decision == "unchanged":
            session.touch(ident, adapter.get("url"), adapter.get("canonicalUrl"))
            raise drop(self.stats, UNCHANGED)
        adapter["version"] = version
        return item


class StatePipeline(_StateStage):
    """Hand a new, changed or re-exported article to the feeds: claim its notes for the commit.

    With duplicate detection on, articles reach it from the end-of-run release of the duplicates
    stage (:meth:`newscrawl.pipelines.duplicates.DuplicatesPipeline.close_spider`), not from
    Scrapy's pipeline chain.
    """

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        session, ident = self.session, adapter.get("id")
        if session is None or not isinstance(ident, str) or not ident:
            return item
        if session.claimed(ident):
            raise drop(self.stats, DUPLICATE_IN_RUN)
        decision, version = session.decide(ident, adapter.get("fingerprint"), adapter.get("dateModified"),
                                           adapter.get("canonicalUrl"))
        if decision == "unchanged":
            raise ValueError(f"unchanged article {ident} reached StatePipeline: UnchangedPipeline must run before it")
        horizon = session.horizon_ts
        if decision == "new" and horizon is not None and not session.ignore:
            dated = [parse_timestamp(adapter.get(k)) for k in ("dateModified", "datePublished")]
            known = [d for d in dated if d is not None]
            if known and max(known) < horizon:
                raise drop(self.stats, OLDER_THAN_STATE_HORIZON)
        self.stats.inc_value(f"{STATS}/{decision}")
        adapter["version"] = version
        session.claim(ident, adapter.get("url"), adapter.get("canonicalUrl"), decision)
        return item
