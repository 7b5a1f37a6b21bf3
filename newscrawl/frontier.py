"""The frontier: the requests a crawl has discovered but not fetched yet, bounded.

:class:`FrontierScheduler` is Scrapy's scheduler with two limits of :mod:`newscrawl.limits`:

* ``NEWSCRAWL_MAX_FRONTIER``: at most this many requests wait; a new URL found while the
  frontier is full is not scheduled (re-sent requests, ``dont_filter``, such as retries, still
  are, so no page in flight is lost);
* ``NEWSCRAWL_MAX_REQUESTS``: after this many requests handed to the downloader the run closes
  itself (finish reason :data:`newscrawl.limits.FINISH_REASON`); the pages in flight are still
  extracted and exported.

Either ends the run degraded with the limit named.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Self

from scrapy.core.scheduler import Scheduler
from scrapy.utils.defer import deferred_from_coro

from newscrawl.limits import FINISH_REASON, Limits, reached

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class FrontierScheduler(Scheduler):
    """Scrapy's scheduler, bounded by ``NEWSCRAWL_MAX_FRONTIER`` and ``NEWSCRAWL_MAX_REQUESTS``."""

    limits: Limits
    handed_out: int = 0
    closing: bool = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        scheduler = super().from_crawler(crawler)
        scheduler.limits = Limits.from_settings(crawler.settings)
        return scheduler

    def enqueue_request(self, request: Request) -> bool:
        if request.dont_filter or len(self) < self.limits.max_frontier:
            return super().enqueue_request(request)
        if self.df.request_seen(request):  # a duplicate is no loss
            self.df.log(request, self.spider)
            return False
        assert self.stats is not None
        reached(self.stats, "NEWSCRAWL_MAX_FRONTIER", self.limits.max_frontier,
                "newly found URLs while the frontier is full")
        return False

    def next_request(self) -> Request | None:
        if self.handed_out >= self.limits.max_requests:
            if len(self):  # requests left unfetched: the limit cut the run short
                self._close_at_max_requests()
            return None
        request = super().next_request()
        if request is not None:
            self.handed_out += 1
        return request

    def _close_at_max_requests(self) -> None:
        if self.closing:
            return
        self.closing = True
        assert self.stats is not None and self.crawler is not None and self.crawler.engine is not None
        reached(self.stats, "NEWSCRAWL_MAX_REQUESTS", self.limits.max_requests,
                "the requests still waiting", refused=len(self))
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=FINISH_REASON))
