"""The site is one host *and port*: requests elsewhere, redirects included, are never sent.

Scrapy's own offsite check compares host names only, so a link or a redirect to another port of
the site's host (``https://www.cancernetwork.com:6379/view/x``) would be fetched and its page
exported as the site's. :class:`SameOriginMiddleware` runs before every other downloader
middleware (robots.txt included) and refuses any request that is not on the spider's ``host``
(:func:`newscrawl.extract.discovery.on_host`); a redirect is a new request and meets it again.
Each refusal is counted under ``newscrawl/offsite/refused``; it is a deliberate refusal, not a
download error.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest

from newscrawl.extract.discovery import on_host

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

REFUSED_STAT = "newscrawl/offsite/refused"


class SameOriginMiddleware:
    """Downloader middleware: only requests on ``spider.host`` (a spider without one: all)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SameOriginMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        host = getattr(self.crawler.spider, "host", None)
        if not isinstance(host, str) or not host or on_host(request.url, host):
            return None
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(REFUSED_STAT)
        logger.info("Not fetching %s: not on the site %s (host and port)", request.url, host)
        raise IgnoreRequest(f"not on the site {host}")
