"""Incremental crawling middlewares: fetch only what is new or changed since the last run.

:class:`IncrementalSpiderMiddleware` (spider middleware) decides which article requests leave
the spider, using the state of earlier runs:

* an article request whose URL (canonicalised) is known and whose sitemap/feed date
  (``meta["newscrawl_lastmod"]``) is not newer than the article's last known change is
  dropped -- ``newscrawl/incremental/skipped_unchanged``;
* a known article request without any date (listing, related links) is dropped --
  ``skipped_known`` (changes are detected through sitemap/feed dates and conditional
  requests; ``NEWSCRAWL_INCREMENTAL_SKIP_KNOWN = False`` re-checks them instead);
* with ``NEWSCRAWL_STATE_FORGET_DAYS`` set, an unknown article dated before that horizon is
  dropped -- ``skipped_too_old`` (it was forgotten on purpose; fetching it again would export
  it again);
* an unknown article request whose page was fetched within ``NEWSCRAWL_INCREMENTAL_RECHECK_DAYS``
  (7) and deliberately not exported (a duplicate, a video/podcast page: nothing to export) is
  dropped unless its date is newer -- ``skipped_seen``;
* a listing next-page request (``meta["newscrawl_listing"]``) whose page's article URLs
  (``meta["newscrawl_listing_urls"]``, none for the first page of a listing) are all known (or
  seen) is dropped -- ``listing_stopped``;
* a sitemap the sitemap index dates (``meta["newscrawl_lastmod"]`` on a surface request) no
  later than a complete earlier run saw it is dropped -- ``sitemap_unchanged``.

At the start of the crawl it adds requests the surfaces would not make (``process_start``):
the state's most recently published articles, re-checked conditionally on every run so that a
change the page does not date (a silent edit, seen only in the ETag) is caught --
``recheck_recent`` (``NEWSCRAWL_INCREMENTAL_RECENT_DAYS`` within the newest article,
``NEWSCRAWL_INCREMENTAL_RECENT_MAX`` at most) -- and the articles whose fetch failed in an
earlier run -- ``retry_failed``. The spider builds them (``revisit_request(url)``).

It also notes, for every item, what the state must remember about the page it came from
(URL variants incl. redirects, the sitemap date, ETag/Last-Modified), and for every surface
(robots.txt, sitemaps, feeds, listings: ``meta["newscrawl_surface"]`` on a request that is not an
article's) its validators. These are recorded when the crawl closes, and only for a complete
run (finished, no surface failed, the spider's ``partial_discovery`` False: no ``since``,
``sections`` or ``max_articles``): the next run asks for those surfaces conditionally and a 304
means everything they list was handled. Fetches the spider reports failed (the
:data:`NAVIGATION_FAILED` signal) are requested again by the next runs.

:class:`ConditionalRequestMiddleware` (downloader middleware) adds ``If-None-Match`` /
``If-Modified-Since`` to article requests of known URLs and to surface requests a complete run
recorded, and turns a 304 into :class:`NotModified` (an ``IgnoreRequest``) --
``newscrawl/incremental/not_modified`` (articles), ``surface_not_modified`` (surfaces).
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.spidermiddlewares.httperror import HttpError

from newscrawl.config import get_bool, get_float, get_int
from newscrawl.state.extension import state_session
from newscrawl.state.store import parse_timestamp

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

    from newscrawl.state.session import StateSession

logger = logging.getLogger(__name__)

STATS = "newscrawl/incremental"
#: meta keys of the navigation contract with the spider (which imports them from here)
META_ARTICLE = "newscrawl_article"
META_LASTMOD = "newscrawl_lastmod"
META_LISTING = "newscrawl_listing"
META_LISTING_URLS = "newscrawl_listing_urls"
META_CONDITIONAL = "newscrawl_conditional"
#: which surface a request came from: robots, sitemap, rss, listing (a page or a feed itself
#: when the request is not an article's), or page, recent, retry for article requests
META_SURFACE = "newscrawl_surface"
#: set by the spider on an article page it extracted but left for a later run (beyond
#: ``max_articles``, outside ``since`` or ``sections``): not noted as seen, so later runs take it
META_DEFERRED = "newscrawl_deferred"
SURFACES = frozenset({"robots", "sitemap", "rss", "listing"})
#: signal the spider sends when it could not fetch a request (arguments ``request``, ``failure``)
NAVIGATION_FAILED = object()
#: HTTP statuses that mean "gone", not "failed": such an article is not requested again
GONE = frozenset({404, 410})
#: runs in a row an article's fetch may fail before the state stops asking for it
MAX_RETRIES = 3
#: Scrapy's redirect middleware: the URLs a response was redirected from
META_REDIRECT_URLS = "redirect_urls"
ARTICLE_CALLBACKS = frozenset({"parse_article"})


def is_article_request(request: Request) -> bool:
    """Article requests carry ``meta["newscrawl_article"]`` (or target ``parse_article``)."""
    flag = request.meta.get(META_ARTICLE)
    if flag is not None:
        return bool(flag)
    return getattr(request.callback, "__name__", None) in ARTICLE_CALLBACKS


class NotModified(IgnoreRequest):
    """A conditional request answered 304: nothing changed since a run saw the page."""


def is_surface_request(request: Request) -> bool:
    """A request for robots.txt, a sitemap, a feed or a listing page (not an article)."""
    return request.meta.get(META_SURFACE) in SURFACES and not is_article_request(request)


def _conditional(request: Request) -> bool:
    """The request already carries validators (set by whoever made it)."""
    return b"If-None-Match" in request.headers or b"If-Modified-Since" in request.headers


def lastmod_of(request: Request) -> str | None:
    """The date a sitemap, feed or listing gave the requested page (``meta["newscrawl_lastmod"]``)."""
    value = request.meta.get(META_LASTMOD)
    return value if isinstance(value, str) and value else None


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    if not value:
        return None
    return value.decode("latin-1").strip() or None


class IncrementalSpiderMiddleware:
    """Drops requests for unchanged known articles and exhausted listings; notes fetch facts."""

    def __init__(
        self,
        session: StateSession | None,
        stats: StatsCollector,
        *,
        skip_known: bool,
        navigate: bool,
        recheck_days: float,
        recent_days: float = 0.0,
        recent_max: int = 0,
        crawler: Crawler | None = None,
    ) -> None:
        self.session = session
        self.recheck_seconds = recheck_days * 86400.0
        self.recent_days = recent_days
        self.recent_max = recent_max
        self.stats = stats
        self.skip_known = skip_known
        self.crawler = crawler
        self.surface_failed = False
        # navigate=False (state ignored/disabled): never skip, still count and note
        self.navigate = navigate and session is not None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalSpiderMiddleware:
        settings = crawler.settings
        if not get_bool(settings, "NEWSCRAWL_INCREMENTAL_ENABLED"):
            raise NotConfigured("NEWSCRAWL_INCREMENTAL_ENABLED is False")
        session = state_session(crawler)
        middleware = cls(
            session,
            crawler.stats,
            skip_known=get_bool(settings, "NEWSCRAWL_INCREMENTAL_SKIP_KNOWN"),
            navigate=session is not None and not session.ignore,
            recheck_days=get_float(settings, "NEWSCRAWL_INCREMENTAL_RECHECK_DAYS", minimum=0.0),
            recent_days=get_float(settings, "NEWSCRAWL_INCREMENTAL_RECENT_DAYS", minimum=0.0),
            recent_max=get_int(settings, "NEWSCRAWL_INCREMENTAL_RECENT_MAX", minimum=0),
            crawler=crawler,
        )
        crawler.signals.connect(middleware.navigation_failed, signal=NAVIGATION_FAILED)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    # -- the start: articles to fetch again --------------------------------------------------
    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for obj in start:
            yield obj
        for request in self.revisits():
            yield request

    def revisits(self) -> Iterator[Request]:
        """Requests for the state's failed and recent articles, built by the spider."""
        spider = getattr(self.crawler, "spider", None)
        make = getattr(spider, "revisit_request", None)
        if not self.navigate or self.session is None or make is None:
            return
        for url, lastmod in self.session.retries():
            self.stats.inc_value(f"{STATS}/retry_failed")
            yield make(url, "retry", lastmod)
        for url in self.session.recent(self.recent_days, self.recent_max):
            self.stats.inc_value(f"{STATS}/recheck_recent")
            yield make(url, "recent", None)

    # -- the end: what the next run's navigation relies on -------------------------------------
    def navigation_failed(self, request: Request, failure: Any) -> None:
        """The spider could not fetch ``request``: a surface makes the run incomplete, an
        article is requested again by the next runs (not one that is gone or was not modified)."""
        if self.session is None or failure.check(IgnoreRequest):
            return
        if is_surface_request(request):
            self.surface_failed = True
            return
        if failure.check(HttpError) and failure.value.response.status in GONE:
            return
        self.session.note_failed(request.url, lastmod_of(request))
        self.stats.inc_value(f"{STATS}/failed_articles")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.session is None:
            return
        complete = reason == "finished" and not self.surface_failed and not getattr(
            spider, "partial_discovery", False)
        recorded = self.session.finish_navigation(complete=complete, max_attempts=MAX_RETRIES)
        self.stats.set_value(f"{STATS}/surfaces_recorded", recorded)

    # -- Scrapy hooks (sync and async variants) --------------------------------------------
    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Spider | None = None
    ) -> Iterator[Any]:
        items = 0
        for obj in result:
            if not isinstance(obj, Request):
                items += 1
            kept = self._filter(response, obj)
            if kept is not None:
                yield kept
        self._after_response(response, items)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Spider | None = None
    ) -> AsyncIterator[Any]:
        items = 0
        async for obj in result:
            if not isinstance(obj, Request):
                items += 1
            kept = self._filter(response, obj)
            if kept is not None:
                yield kept
        self._after_response(response, items)

    # -- decisions -------------------------------------------------------------------------
    def _filter(self, response: Response, obj: Any) -> Any:
        if isinstance(obj, Request):
            return obj if self.keep_request(obj) else None
        self._note_item_source(response)
        return obj

    def _after_response(self, response: Response, items: int) -> None:
        """A surface fetched in full: note its validators. An article page that produced no item
        (video, podcast, not an article) and that the spider did not defer: remember it."""
        request = response.request
        if self.session is None or request is None or response.status != 200:
            return
        if is_surface_request(request):
            self.session.note_surface(request.url, _header(response, b"ETag"), _header(response, b"Last-Modified"),
                                      lastmod_of(request))
            return
        if items or not is_article_request(request) or request.meta.get(META_DEFERRED):
            return
        self.session.note_seen(
            [response.url, request.url, *(request.meta.get(META_REDIRECT_URLS) or [])], "no_item", lastmod_of(request)
        )
        self.stats.inc_value(f"{STATS}/noted_no_item")

    def keep_request(self, request: Request) -> bool:
        meta = request.meta
        if meta.get(META_LISTING):
            return self._keep_listing(request)
        if not is_article_request(request):
            return self._keep_surface(request)
        session = self.session
        lastmod_hint = meta.get(META_LASTMOD)
        if session is not None and isinstance(lastmod_hint, str) and lastmod_hint:
            session.note_lastmod_hint(request.url, lastmod_hint)
        record = session.known(request.url) if session is not None else None
        if record is None:
            if self.navigate and self._too_old(meta.get(META_LASTMOD)):
                self.stats.inc_value(f"{STATS}/skipped_too_old")
                return False
            if self.navigate and self._seen_unchanged(request.url, meta.get(META_LASTMOD)):
                self.stats.inc_value(f"{STATS}/skipped_seen")
                return False
            self.stats.inc_value(f"{STATS}/new_urls")
            return True
        if not self.navigate:
            self.stats.inc_value(f"{STATS}/known_urls")
            return True
        lastmod = meta.get(META_LASTMOD)
        new_ts = parse_timestamp(lastmod) if isinstance(lastmod, str) else None
        known_ts = record.changed_ts or None
        if new_ts is None:
            if self.skip_known:
                self.stats.inc_value(f"{STATS}/skipped_known")
                return False
            self.stats.inc_value(f"{STATS}/recheck_known")
            return True
        if known_ts is not None and new_ts <= known_ts:
            self.stats.inc_value(f"{STATS}/skipped_unchanged")
            return False
        self.stats.inc_value(f"{STATS}/changed_urls")
        return True

    def _seen_unchanged(self, url: str, lastmod: Any) -> bool:
        """Fetched recently, deliberately not exported, and not changed since."""
        assert self.session is not None
        seen = self.session.seen(url)
        if seen is None or time.time() - seen.seen_ts > self.recheck_seconds:
            return False
        new_ts = parse_timestamp(lastmod) if isinstance(lastmod, str) else None
        if new_ts is None:
            return True
        return bool(seen.changed_ts) and new_ts <= (seen.changed_ts or 0)

    def _too_old(self, lastmod: Any) -> bool:
        horizon = self.session.horizon_ts if self.session is not None else None
        if horizon is None or not isinstance(lastmod, str):
            return False
        ts = parse_timestamp(lastmod)
        return ts is not None and ts < horizon

    def _keep_surface(self, request: Request) -> bool:
        """A sitemap the index dates no later than a complete run saw it needs no request."""
        hint = request.meta.get(META_LASTMOD)
        if not self.navigate or self.session is None or not isinstance(hint, str):
            return True
        known = self.session.surface(request.url)
        if known is None or not known.lastmod:
            return True
        new_ts, old_ts = parse_timestamp(hint), parse_timestamp(known.lastmod)
        if new_ts is not None and old_ts is not None and new_ts <= old_ts:
            self.stats.inc_value(f"{STATS}/sitemap_unchanged")
            return False
        return True

    def _keep_listing(self, request: Request) -> bool:
        if not self.navigate or self.session is None:
            return True
        urls = request.meta.get(META_LISTING_URLS)
        if urls is None:  # the first page of a listing
            return True
        if all(
            self.session.known(u) is not None or self._seen_unchanged(u, None) for u in urls
        ):
            self.stats.inc_value(f"{STATS}/listing_stopped")
            logger.debug("Listing reached known articles; not following %s", request.url)
            return False
        return True

    def _note_item_source(self, response: Response) -> None:
        if self.session is None:
            return
        request = response.request
        meta = request.meta if request is not None else {}
        variants = list(meta.get(META_REDIRECT_URLS) or [])
        if request is not None:
            variants.append(request.url)
        lastmod = meta.get(META_LASTMOD)
        self.session.note_fetch(
            response.url,
            request_urls=variants,
            lastmod=lastmod if isinstance(lastmod, str) else None,
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
        )


class ConditionalRequestMiddleware:
    """Conditional GETs for known article URLs; a 304 ends the request (counted)."""

    def __init__(self, session: StateSession, stats: StatsCollector) -> None:
        self.session = session
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        settings = crawler.settings
        if not get_bool(settings, "NEWSCRAWL_INCREMENTAL_ENABLED"):
            raise NotConfigured("NEWSCRAWL_INCREMENTAL_ENABLED is False")
        if not get_bool(settings, "NEWSCRAWL_INCREMENTAL_CONDITIONAL"):
            raise NotConfigured("NEWSCRAWL_INCREMENTAL_CONDITIONAL is False")
        session = state_session(crawler)
        if session is None or session.ignore:
            raise NotConfigured("state disabled or ignored: no conditional requests")
        return cls(session, crawler.stats)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if is_surface_request(request):
            return self._surface_request(request)
        if not is_article_request(request):
            return None
        self.stats.inc_value(f"{STATS}/article_downloads")
        if request.meta.get(META_CONDITIONAL) is False:
            return None
        validators = self.session.validators(request.url)
        if validators is not None and self._ask_conditionally(request, *validators):
            self.stats.inc_value(f"{STATS}/conditional_requests")
        return None

    def _surface_request(self, request: Request) -> None:
        known = self.session.surface(request.url)
        if known is not None and self._ask_conditionally(request, known.etag, known.last_modified):
            self.stats.inc_value(f"{STATS}/surface_conditional")

    @staticmethod
    def _ask_conditionally(request: Request, etag: str | None, last_modified: str | None) -> bool:
        """Add the validators a run recorded; False when there are none or the request has its own."""
        if not (etag or last_modified) or _conditional(request):
            return False
        if etag:
            request.headers[b"If-None-Match"] = etag
        if last_modified:
            request.headers[b"If-Modified-Since"] = last_modified
        request.meta[META_CONDITIONAL] = True
        return True

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if response.status != 304 or not request.meta.get(META_CONDITIONAL):
            return response
        if is_surface_request(request):
            self.stats.inc_value(f"{STATS}/surface_not_modified")
            raise NotModified(f"not modified since a complete run: {request.url}")
        self.stats.inc_value(f"{STATS}/not_modified")
        self.session.touch_url(request.url, lastmod_of(request))
        raise NotModified(f"not modified since the last run: {request.url}")
