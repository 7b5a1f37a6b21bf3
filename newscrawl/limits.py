"""Crawl limits: an endless or oversized site never runs a crawl without end.

Each limit is a ``NEWSCRAWL_`` setting (defaults in :mod:`newscrawl.settings`, far above what
the real site needs). A run that reaches one records it with :func:`reached`, keeps what it has
and ends degraded (exit 4) with the limit named (:func:`newscrawl.run.judge.judge` reads
:data:`REACHED`). Where each is enforced:

* listing depth (``NEWSCRAWL_MAX_LISTING_DEPTH``) and sitemap nesting
  (``NEWSCRAWL_MAX_SITEMAP_DEPTH``): :class:`CrawlLimitsMiddleware`, a spider middleware that
  counts hops from the seed through listing pages or sitemaps and does not follow deeper ones;
* sitemap size (``NEWSCRAWL_SITEMAP_MAX_BYTES``, the sitemap protocol's 50 MB): the same
  middleware sets it as the download size cap of every sitemap request (Scrapy applies it to
  the bytes downloaded and to those a ``Content-Encoding`` unpacks to); the spider reads
  sitemaps through :func:`sitemap_body`, which applies it to a gzipped sitemap file's unpacked
  bytes, and reports failed ones to :func:`sitemap_failed`;
* requests per run (``NEWSCRAWL_MAX_REQUESTS``) and discovered-but-unfetched URLs
  (``NEWSCRAWL_MAX_FRONTIER``): the scheduler, :class:`newscrawl.frontier.FrontierScheduler`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest

from newscrawl.config import get_int
from newscrawl.extract.discovery import SitemapTooLarge, sitemap_xml
from newscrawl.incremental import META_LISTING, META_SURFACE, is_article_request

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

#: stats: ``REACHED + <setting>`` = the limit's value (set once reached), ``REFUSED + <setting>``
#: = how many URLs or requests it kept from being fetched
REACHED = "newscrawl/limits/reached/"
REFUSED = "newscrawl/limits/refused/"
#: downloads Scrapy cut at a limit's size cap: counted by Scrapy as download exceptions, but
#: refused by a limit (``REFUSED``), not failed, so they are no errors in the run's error ratio
CUT_DOWNLOADS = "newscrawl/limits/cut_downloads"
#: the finish reason of a run the scheduler closed at ``NEWSCRAWL_MAX_REQUESTS``
FINISH_REASON = "newscrawl_limit"
#: request meta keys: hops from the seed through listing pages / sitemaps (the seed is 1)
META_LISTING_DEPTH = "newscrawl_listing_depth"
META_SITEMAP_DEPTH = "newscrawl_sitemap_depth"
#: Scrapy's per-request download size cap
META_MAXSIZE = "download_maxsize"
#: how Scrapy words a download cut at its size cap (the download handler and the decompression
#: middleware); there is no exception class of its own for it
_SIZE_REFUSAL = re.compile(r"max(imum)?[ _]?size", re.IGNORECASE)


@dataclass(frozen=True)
class Limits:
    """The crawl limits of one run (see the module doc)."""

    max_listing_depth: int
    max_sitemap_depth: int
    sitemap_max_bytes: int
    max_requests: int
    max_frontier: int

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Limits:
        return cls(
            max_listing_depth=get_int(settings, "NEWSCRAWL_MAX_LISTING_DEPTH", minimum=1),
            max_sitemap_depth=get_int(settings, "NEWSCRAWL_MAX_SITEMAP_DEPTH", minimum=1),
            sitemap_max_bytes=get_int(settings, "NEWSCRAWL_SITEMAP_MAX_BYTES", minimum=1),
            max_requests=get_int(settings, "NEWSCRAWL_MAX_REQUESTS", minimum=1),
            max_frontier=get_int(settings, "NEWSCRAWL_MAX_FRONTIER", minimum=1),
        )


def reached(stats: StatsCollector, setting: str, value: int, what: str, refused: int = 1) -> None:
    """Record that ``setting`` (= ``value``) kept ``refused`` ``what`` from being fetched; the
    first time, log it: the run will end degraded with the limit named."""
    if stats.get_value(REACHED + setting) is None:
        stats.set_value(REACHED + setting, value)
        logger.warning("Limit reached: %s=%d; %s are not fetched (the run ends degraded)",
                       setting, value, what)
    stats.inc_value(REFUSED + setting, refused)


def is_size_refusal(exception: BaseException) -> bool:
    """True when a download failed because it was over its size cap (``download_maxsize``)."""
    return isinstance(exception, (DownloadCancelledError, IgnoreRequest)) and bool(
        _SIZE_REFUSAL.search(str(exception)))


def sitemap_body(response: Response, stats: StatsCollector) -> bytes | None:
    """A fetched sitemap's XML, unpacked if gzipped, within the request's size cap (set by
    :class:`CrawlLimitsMiddleware`); None, with the limit recorded, when it unpacks to more."""
    cap = response.meta.get(META_MAXSIZE, 0)
    try:
        return sitemap_xml(response.body, cap if isinstance(cap, int) else 0)
    except SitemapTooLarge:
        reached(stats, "NEWSCRAWL_SITEMAP_MAX_BYTES", cap, "sitemaps larger than it")
        logger.warning("Sitemap %s not read: it unpacks to more than %d bytes", response.url, cap)
        return None


def sitemap_failed(request: Request, exception: BaseException, stats: StatsCollector) -> None:
    """Record the sitemap size limit when a sitemap download was cut at its size cap."""
    if is_size_refusal(exception):
        reached(stats, "NEWSCRAWL_SITEMAP_MAX_BYTES", request.meta.get(META_MAXSIZE, 0),
                "sitemaps larger than it")
        if isinstance(exception, DownloadCancelledError):  # IgnoreRequest is no error already
            stats.inc_value(CUT_DOWNLOADS)


class CrawlLimitsMiddleware:
    """Spider middleware: listing depth and sitemap nesting; the size cap of sitemaps."""

    def __init__(self, crawler: Crawler, limits: Limits) -> None:
        self.crawler = crawler
        self.limits = limits

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlLimitsMiddleware:
        return cls(crawler, Limits.from_settings(crawler.settings))

    # -- Scrapy hooks (sync and async variants) --------------------------------------------
    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for obj in start:
            if self.keep(None, obj):
                yield obj

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Spider | None = None
    ) -> Iterator[Any]:
        for obj in result:
            if self.keep(response, obj):
                yield obj

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Spider | None = None
    ) -> AsyncIterator[Any]:
        async for obj in result:
            if self.keep(response, obj):
                yield obj

    # -- decisions -------------------------------------------------------------------------
    def keep(self, response: Response | None, obj: Any) -> bool:
        """Stamp a listing or sitemap request with its depth; False when it is too deep."""
        if not isinstance(obj, Request) or is_article_request(obj):  # articles carry their source
            return True
        parent = response.meta if response is not None else {}
        if obj.meta.get(META_LISTING):
            return self._within(obj, parent, META_LISTING_DEPTH, "NEWSCRAWL_MAX_LISTING_DEPTH",
                                self.limits.max_listing_depth, "deeper listing pages")
        if obj.meta.get(META_SURFACE) == "sitemap":
            obj.meta.setdefault(META_MAXSIZE, self.limits.sitemap_max_bytes)
            return self._within(obj, parent, META_SITEMAP_DEPTH, "NEWSCRAWL_MAX_SITEMAP_DEPTH",
                                self.limits.max_sitemap_depth, "deeper nested sitemaps")
        return True

    def _within(self, request: Request, parent: dict[str, Any], key: str, setting: str,
                limit: int, what: str) -> bool:
        depth = parent.get(key, 0) + 1
        request.meta[key] = depth
        if depth <= limit:
            return True
        assert self.crawler.stats is not None
        reached(self.crawler.stats, setting, limit, what)
        logger.debug("Not following %s: %s %d > %d", request.url, setting, depth, limit)
        return False
