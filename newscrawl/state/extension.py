"""The state session's home: a Scrapy extension that opens it for the crawl and closes it at the end.

:class:`StateExtension` opens the state when Scrapy builds the extensions, before any other
component needs it: it takes the run lock (``StateLockedError``), checks the file
(``StateCorruptError``), resets it when asked and forgets articles older than the window. The
middlewares, pipelines, feed storage and run manager get the session from
:func:`state_session` (``None`` when the state is off). It closes the session at
``engine_stopped``, after every other handler of that signal (the run manager records the run
in the state there).

It also remembers the pages that were dropped as copies of another article, so that unchanged
they are not fetched again (see :class:`newscrawl.incremental.IncrementalSpiderMiddleware`).

Settings: ``NEWSCRAWL_STATE_ENABLED``, ``NEWSCRAWL_STATE_DIR``, ``NEWSCRAWL_STATE_IGNORE``
(or ``-a state=ignore``), ``NEWSCRAWL_STATE_RESET`` (or ``-a state=reset``),
``NEWSCRAWL_STATE_FORGET_DAYS``, ``NEWSCRAWL_LOWERCASE_PATHS``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import NotConfigured

from newscrawl.config import BadSettingsError, get_bool, get_float, get_str
from newscrawl.drops import DUPLICATE_BODY, DUPLICATE_IN_RUN, DUPLICATE_URL, NEAR_DUPLICATE, reason_of
from newscrawl.runinfo import run_info
from newscrawl.state.session import StateSession, default_canonicalizer

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

STATE_MODES = ("", "ignore", "reset")
#: drops of a page that is a copy of another article (remembered as seen, see module docstring)
COPY_DROPS = frozenset({DUPLICATE_URL, DUPLICATE_BODY, NEAR_DUPLICATE, DUPLICATE_IN_RUN})

_SESSIONS: WeakKeyDictionary[Crawler, StateSession] = WeakKeyDictionary()


def state_session(crawler: Crawler) -> StateSession | None:
    """The state session of this crawl, or None when the state is off (usable from any
    component's ``from_crawler`` built after the state extension)."""
    return _SESSIONS.get(crawler)


@dataclass(frozen=True)
class StateConfig:
    """Typed state settings, with the ``state`` spider argument folded in."""

    enabled: bool
    state_dir: str
    ignore: bool
    reset: bool
    forget_days: float

    @classmethod
    def from_settings(cls, settings: BaseSettings, spider: Spider | None = None) -> StateConfig:
        mode = spider_state_mode(spider)
        if mode not in STATE_MODES:
            raise BadSettingsError(f"bad argument state={mode!r}: expected ignore or reset (or leave it out)")
        return cls(
            enabled=get_bool(settings, "NEWSCRAWL_STATE_ENABLED"),
            state_dir=get_str(settings, "NEWSCRAWL_STATE_DIR"),
            ignore=get_bool(settings, "NEWSCRAWL_STATE_IGNORE") or mode == "ignore",
            reset=get_bool(settings, "NEWSCRAWL_STATE_RESET") or mode == "reset",
            forget_days=get_float(settings, "NEWSCRAWL_STATE_FORGET_DAYS", minimum=0.0),
        )


def spider_state_mode(spider: Spider | None) -> str:
    """``-a state=ignore|reset``: read from ``spider.args.state`` or ``spider.state``."""
    if spider is None:
        return ""
    args = getattr(spider, "args", None)
    value = getattr(args, "state", None) if args is not None else None
    if value is None:
        # a plain spider keeps -a arguments as attributes; Scrapy's SpiderState extension
        # (JOBDIR) also uses ``spider.state``, for a dict: only a string is an argument
        value = spider.__dict__.get("state")
    return value.strip().lower() if isinstance(value, str) else ""


class StateExtension:
    """Opens and closes the crawl's :class:`~newscrawl.state.session.StateSession`."""

    def __init__(self, crawler: Crawler, session: StateSession) -> None:
        self.crawler = crawler
        self.session = session

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StateExtension:
        spider = getattr(crawler, "spider", None)
        config = StateConfig.from_settings(crawler.settings, spider)
        if not config.enabled:
            raise NotConfigured("NEWSCRAWL_STATE_ENABLED is False")
        session = StateSession(
            config.state_dir,
            getattr(spider, "name", None) or "spider",
            run_id=run_info(crawler).run_id,
            ignore=config.ignore,
            reset=config.reset,
            forget_days=config.forget_days,
            canonicalize=default_canonicalizer(get_bool(crawler.settings, "NEWSCRAWL_LOWERCASE_PATHS")),
        )
        session.start()  # StateLockedError / StateCorruptError: a failed start
        extension = cls(crawler, session)
        _SESSIONS[crawler] = session
        stats = crawler.stats
        stats.set_value("newscrawl/state/known_articles", session.store.article_count())
        stats.set_value("newscrawl/state/forgotten", session.counts["forgotten"])
        if config.ignore:
            stats.set_value("newscrawl/state/ignored", 1)
        crawler.signals.connect(extension.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        return extension

    def engine_started(self) -> None:
        # connected now, after every component was built: this handler runs after theirs
        self.crawler.signals.connect(self.close, signal=signals.engine_stopped)

    def item_dropped(self, item: Any, spider: Spider, exception: BaseException, **kw: Any) -> None:
        """A page dropped as a copy of another article: remember it so it is not fetched again."""
        reason = reason_of(exception)
        if reason not in COPY_DROPS:
            return
        adapter = ItemAdapter(item)
        ident, url = adapter.get("id"), adapter.get("url")
        if isinstance(ident, str) and self.session.get_article(ident) is not None:
            return  # an article of its own (exported before), not just a copy
        if isinstance(url, str):
            self.session.note_seen([url], reason.name, self.session.fetch_lastmod(url))

    def close(self) -> None:
        _SESSIONS.pop(self.crawler, None)
        self.session.close()
