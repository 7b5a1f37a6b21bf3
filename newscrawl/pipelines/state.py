"""State pipeline: export an article only if it is new or changed, and number its versions.

Runs after duplicate detection (which sets ``id`` and ``fingerprint``). For an id the state
knows with the same fingerprint and the same ``dateModified``: ``DropItem("unchanged")``
(``newscrawl/state/unchanged``; its lastmod/validators are refreshed). Changed: ``version`` =
stored version + 1 (``newscrawl/state/changed``). New: ``version = 1``
(``newscrawl/state/new``). The state itself is written later, only once the line is fsynced
(see :mod:`newscrawl.feeds`).

With ``NEWSCRAWL_STATE_IGNORE`` nothing is dropped as unchanged (a full re-export) and an
unchanged article keeps its stored version number. With ``NEWSCRAWL_STATE_FORGET_DAYS`` an
article unknown to the state and dated before the horizon is dropped
(``older_than_state_horizon``): it was forgotten on purpose and must not come back as new.
Without state every article gets ``version = 1``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from newscrawl.runs import state_session
from newscrawl.state.store import parse_timestamp

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from newscrawl.state.session import StateSession

logger = logging.getLogger(__name__)

STATS = "newscrawl/state"


class StatePipeline:
    """Decide new / changed / unchanged against the state; set ``version``."""

    def __init__(self, session: StateSession | None, stats: StatsCollector) -> None:
        self.session = session
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatePipeline:
        session = state_session(crawler)
        if session is None:
            logger.info("State disabled: every article is exported as version 1")
        return cls(session, crawler.stats)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        session = self.session
        ident = adapter.get("id")
        if session is None or not isinstance(ident, str) or not ident:
            if session is not None:
                self.stats.inc_value(f"{STATS}/no_id")
                logger.warning("Item without id reached the state pipeline: %s", adapter.get("url"))
            adapter["version"] = 1
            return item
        if ident in session.claimed_ids:
            self.stats.inc_value(f"{STATS}/duplicate_in_run")
            raise DropItem("duplicate_in_run")
        url, canonical = adapter.get("url"), adapter.get("canonicalUrl")
        stored = session.get_article(ident)
        fingerprint = adapter.get("fingerprint")
        modified = adapter.get("dateModified")
        if stored is not None:
            same = stored.fingerprint == fingerprint and stored.date_modified == modified
            if same and not session.ignore:
                session.touch(ident, url, canonical)
                self.stats.inc_value(f"{STATS}/unchanged")
                raise DropItem("unchanged")
            version = stored.version if same else stored.version + 1
            decision = "reexported" if same else "changed"
        else:
            horizon = session.horizon_ts
            if horizon is not None and not session.ignore:
                dated = [
                    parse_timestamp(adapter.get(k)) for k in ("dateModified", "datePublished")
                ]
                known = [d for d in dated if d is not None]
                if known and max(known) < horizon:
                    self.stats.inc_value(f"{STATS}/older_than_state_horizon")
                    raise DropItem("older_than_state_horizon")
            version = 1
            decision = "new"
        self.stats.inc_value(f"{STATS}/{decision}")
        adapter["version"] = version
        session.claim(ident, url, canonical, decision)
        return item
