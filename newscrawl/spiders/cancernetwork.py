"""The ``cancernetwork`` spider: finds articles through every surface the site offers.

It navigates and hands each article page to extraction; it extracts nothing itself. Surfaces:
robots.txt ``Sitemap:`` lines, the sitemap index and its article sitemaps, the Google News
sitemap, the RSS feed, and the ``/news`` and ``/clinical/<topic>`` listings. Every discovered
URL is canonicalised before it is requested, so tracking parameters, trailing slashes, upper
case (``NEWSCRAWL_LOWERCASE_PATHS``) and AMP/print variants collapse into one request.
Extraction is the page object's job (:class:`newscrawl.extract.page.ArticlePage`), run in
worker processes (:class:`newscrawl.extraction_pool.ExtractionPool`); the spider stamps the raw
item with the download time and hands it to the pipelines. Request meta keys follow the
navigation contract of :mod:`newscrawl.incremental`.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.python.failure import Failure

from newscrawl import limits
from newscrawl.config import get_bool, get_int, setting
from newscrawl.drops import Staged
from newscrawl.extract import discovery
from newscrawl.extract.dates import parse_date
from newscrawl.extract.urls import canonicalize_url
from newscrawl.extraction_pool import ExtractionError, ExtractionPool
from newscrawl.incremental import (
    META_ARTICLE,
    META_DEFERRED,
    META_LASTMOD,
    META_LISTING,
    META_LISTING_URLS,
    META_SURFACE,
    NAVIGATION_FAILED,
    NotModified,
)
from newscrawl.items import Article, stamp_download

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

LIVE_BASE_URL = "https://www.cancernetwork.com"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})
DEFAULT_REPLICA_ARTICLES = 2000
#: links remembered as handled (sidebars repeat on every page; a forgotten one costs a canonicalisation)
HANDLED_LINKS_MAX = 10_000
#: NEWSCRAWL_DISCOVERY_ORDER: the order in which a page's links are requested (tests of order
#: independence crawl the same site in several orders)
DISCOVERY_ORDERS = ("natural", "reverse", "shuffle")
T = TypeVar("T")
#: request meta key of a listing's next page: every article link of the page before
META_PREVIOUS_PAGE = "newscrawl_previous_page"


def _slug(text: str) -> str:
    """"Breast Cancer" -> "breast-cancer", the form of ``/clinical/<topic>`` paths."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class ArgumentError(ValueError):
    """A spider argument is invalid; the message names it."""


@dataclass(frozen=True)
class ReplicaOptions:
    """How to start the offline twin inside the crawl."""

    articles: int = DEFAULT_REPLICA_ARTICLES
    day: int = 0
    seed: int = 0
    port: int = 0


@dataclass(frozen=True)
class CrawlArguments:
    """Validated spider arguments (``-a name=value``)."""

    base_url: str = LIVE_BASE_URL
    replica: ReplicaOptions | None = None
    since: date | None = None
    max_articles: int | None = None
    sections: tuple[str, ...] = field(default_factory=tuple)
    state: str | None = None


def _int_arg(name: str, value: str, minimum: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ArgumentError(f"bad argument {name}={value!r}: expected a whole number") from None
    if number < minimum:
        raise ArgumentError(f"bad argument {name}={value!r}: must be >= {minimum}")
    return number


def parse_arguments(
    base_url: str | None = None,
    replica: str | None = None,
    since: str | None = None,
    max_articles: str | None = None,
    sections: str | None = None,
    day: str | None = None,
    seed: str | None = None,
    replica_port: str | None = None,
    state: str | None = None,
    **unknown: Any,
) -> CrawlArguments:
    """Validate raw ``-a`` strings; raise :class:`ArgumentError` naming the bad one."""
    # Scrapy passes its own keyword arguments (e.g. ``_job``) through; ignore private ones.
    unknown = {k: v for k, v in unknown.items() if not k.startswith("_")}
    if unknown:
        name = sorted(unknown)[0]
        raise ArgumentError(
            f"unknown argument {name}={unknown[name]!r}: expected base_url, replica, since, "
            "max_articles, sections, day, seed, replica_port, state"
        )
    replica_options = None
    if replica is not None and str(replica).strip().lower() not in _FALSE:
        text = str(replica).strip().lower()
        articles = DEFAULT_REPLICA_ARTICLES if text in _TRUE else _int_arg("replica", text, 1)
        replica_options = ReplicaOptions(
            articles=articles,
            day=_int_arg("day", day, 0) if day is not None else 0,
            seed=_int_arg("seed", seed, 0) if seed is not None else 0,
            port=_int_arg("replica_port", replica_port, 0) if replica_port is not None else 0,
        )
        if replica_options.port > 65535:
            raise ArgumentError(f"bad argument replica_port={replica_port!r}: must be <= 65535")
    elif day is not None or seed is not None or replica_port is not None:
        raise ArgumentError("bad argument day/seed/replica_port: only meaningful with replica=...")
    state_mode = None
    if state is not None:
        state_mode = str(state).strip().lower()
        if state_mode not in ("ignore", "reset"):
            raise ArgumentError(f"bad argument state={state!r}: expected ignore or reset")
    if replica_options and base_url:
        raise ArgumentError(f"bad argument base_url={base_url!r}: not allowed with replica")
    url = (base_url or LIVE_BASE_URL).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query:
        raise ArgumentError(f"bad argument base_url={base_url!r}: expected http(s)://host[:port]")
    since_date = None
    if since is not None:
        try:
            since_date = date.fromisoformat(str(since).strip()[:10])
        except ValueError:
            raise ArgumentError(f"bad argument since={since!r}: expected an ISO date YYYY-MM-DD") from None
    limit = _int_arg("max_articles", max_articles, 1) if max_articles is not None else None
    topics: tuple[str, ...] = ()
    if sections is not None:
        topics = tuple(s.strip().strip("/").lower() for s in str(sections).split(",") if s.strip())
        if not topics or any(not t.replace("-", "").isalnum() for t in topics):
            raise ArgumentError(
                f"bad argument sections={sections!r}: expected comma-separated topic slugs, "
                "e.g. breast-cancer,lung-cancer"
            )
    return CrawlArguments(url, replica_options, since_date, limit, topics, state_mode)


def _discovery_order(value: str) -> str:
    order = value.strip().lower()
    if order not in DISCOVERY_ORDERS:
        raise ValueError(f"expected one of {', '.join(DISCOVERY_ORDERS)}")
    return order


def is_loopback(base_url: str) -> bool:
    """True when the base URL points at this machine (the twin), not a real site."""
    return (urlsplit(base_url).hostname or "") in LOOPBACK_HOSTS


def unthrottle(crawler: Crawler) -> None:
    """No delays, no AutoThrottle, full concurrency: for the twin or a loopback ``base_url``,
    which are ours and local, so politeness would only slow the measurement. robots.txt is
    still obeyed."""
    for name, value in (
        ("DOWNLOAD_DELAY", 0),
        ("AUTOTHROTTLE_ENABLED", False),
        ("CONCURRENT_REQUESTS_PER_DOMAIN", crawler.settings.getint("CONCURRENT_REQUESTS")),
    ):
        crawler.settings.set(name, value, priority="spider")


def response_headers(response: Response) -> dict[str, str]:
    """A response's headers as extraction takes them: one string per name (values joined by ",")."""
    return {k.decode("latin-1"): b",".join(v).decode("latin-1") for k, v in response.headers.items()}


class CancerNetworkSpider(scrapy.Spider):
    """Discover every article of CancerNetwork (or its twin) and hand pages to extraction."""

    name = "cancernetwork"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raw = {k: kwargs.pop(k) for k in list(kwargs) if not hasattr(scrapy.Spider, k)}
        super().__init__(*args, **kwargs)
        self.args = parse_arguments(**raw)
        self.base_url = self.args.base_url
        self.host = urlsplit(self.base_url).netloc.lower()
        self.replica: Any = None
        self.extraction: ExtractionPool | None = None
        self.lowercase_paths = True  # NEWSCRAWL_LOWERCASE_PATHS, read in from_crawler
        self.max_page_bytes = 0  # NEWSCRAWL_EXTRACT_MAX_BYTES, read in from_crawler
        self.handled_links: set[tuple[str, str | None]] = set()
        self.discovery_order = "natural"  # NEWSCRAWL_DISCOVERY_ORDER, read in from_crawler
        self.discovery_seed = 0
        self.exported = 0  # articles exported or staged as new, counted only with max_articles
        # since, sections or max_articles: this run does not see every article the surfaces list,
        # so the state must not take its surfaces as handled (see newscrawl.incremental)
        self.partial_discovery = bool(self.args.since or self.args.sections or self.args.max_articles)
        self.in_pipelines = 0  # items yielded whose fate the pipelines have not decided yet

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> CancerNetworkSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.lowercase_paths = get_bool(crawler.settings, "NEWSCRAWL_LOWERCASE_PATHS")
        spider.max_page_bytes = get_int(crawler.settings, "NEWSCRAWL_EXTRACT_MAX_BYTES", minimum=1)
        spider.discovery_order = setting(crawler.settings, "NEWSCRAWL_DISCOVERY_ORDER", check=_discovery_order)
        spider.discovery_seed = get_int(crawler.settings, "NEWSCRAWL_DISCOVERY_SEED", minimum=0)
        if get_bool(crawler.settings, "NEWSCRAWL_EXTRACT_ENABLED"):
            spider.extraction = ExtractionPool.from_crawler(crawler)
        if spider.args.replica is not None and spider.args.replica.port == 0:
            # A twin on a fresh port each run has new URLs each run: state would never match.
            crawler.settings.set("NEWSCRAWL_STATE_ENABLED", False, priority="spider")
        if spider.args.replica or is_loopback(spider.base_url):
            unthrottle(crawler)
        if spider.args.max_articles is not None:
            # The spider stops the crawl itself at this count: with duplicate detection on, an
            # article is counted when the duplicates stage stages it as a new article (it is
            # exported at the end of the run); pages still in flight then are extracted but not
            # exported (see extract_article).
            crawler.signals.connect(spider.item_scraped, signal=signals.item_scraped)
            crawler.signals.connect(spider.item_discarded, signal=signals.item_dropped)
            crawler.signals.connect(spider.item_discarded, signal=signals.item_error)
        crawler.signals.connect(spider.spider_closed, signal=signals.spider_closed)
        return spider

    # -- signals ---------------------------------------------------------------------------

    def item_scraped(self, item: Any, response: Any = None) -> None:
        """Count exports, so ``max_articles`` is exact despite concurrent pipelines."""
        if response is None:
            return  # released by the duplicates stage at the end: counted when it was staged
        self.in_pipelines -= 1
        self._count_article()

    def item_discarded(self, item: Any, exception: BaseException | None = None) -> None:
        self.in_pipelines -= 1
        if isinstance(exception, Staged) and exception.new_article:
            self._count_article()

    def _count_article(self) -> None:
        self.exported += 1
        if self.args.max_articles is not None and self.exported == self.args.max_articles:
            logger.info("Reached max_articles=%d; closing the crawl", self.args.max_articles)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="closespider_itemcount"))

    async def spider_closed(self, spider: scrapy.Spider) -> None:
        if self.replica is not None:
            await maybe_deferred_to_future(self.replica.stop())
            self.replica = None

    # -- start -----------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        if self.args.replica is not None:
            from newscrawl.replica import start_replica  # here: only twin crawls need its server

            options = self.args.replica
            self.replica = start_replica(
                port=options.port, articles=options.articles, day=options.day, seed=options.seed
            )
            self.base_url = self.replica.base_url.rstrip("/")
            self.host = urlsplit(self.base_url).netloc.lower()
            logger.info("Started the offline twin at %s (%d articles, day %d)",
                        self.base_url, options.articles, options.day)
        self.allowed_domains = [urlsplit(self.base_url).hostname or ""]
        for request in self._ordered(list(self.start_requests_for_surfaces()), "start"):
            yield request

    def start_requests_for_surfaces(self) -> Iterator[scrapy.Request]:
        """Seed requests: every surface, or only the chosen sections' listings."""
        if self.args.sections:
            for topic in self.args.sections:
                yield self.listing_request(f"{self.base_url}/clinical/{topic}?page=1")
            return
        yield scrapy.Request(f"{self.base_url}/robots.txt", self.parse_robots,
                             errback=self.surface_failed, meta={META_SURFACE: "robots"})
        for path in ("/sitemap.xml", "/sitemap-news.xml"):
            yield scrapy.Request(self.base_url + path, self.parse_sitemap,
                                 errback=self.surface_failed, meta={META_SURFACE: "sitemap"})
        yield scrapy.Request(f"{self.base_url}/rss", self.parse_rss,
                             errback=self.surface_failed, meta={META_SURFACE: "rss"})
        yield self.listing_request(f"{self.base_url}/news?page=1")

    # -- surfaces --------------------------------------------------------------------------

    def surface_failed(self, failure: Any) -> None:
        if failure.check(NotModified):  # unchanged since a complete run: nothing new there
            return
        surface = failure.request.meta.get(META_SURFACE, "unknown")
        self.crawler.stats.inc_value(f"newscrawl/discovery/failed/{surface}")
        if surface == "sitemap":
            limits.sitemap_failed(failure.request, failure.value, self.crawler.stats)
        logger.warning("Could not fetch %s (%s): %s", failure.request.url, surface, failure.value)
        self.crawler.signals.send_catch_log(signal=NAVIGATION_FAILED, request=failure.request, failure=failure)

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        text = response.text if isinstance(response, TextResponse) else response.body.decode("utf-8", "replace")
        for url in discovery.robots_sitemaps(text, response.url):
            if self._on_site(url):
                yield scrapy.Request(url, self.parse_sitemap, errback=self.surface_failed,
                                     meta={META_SURFACE: "sitemap"})

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        body = limits.sitemap_body(response, self.crawler.stats)  # gunzipped, size-capped
        if body is None:
            return
        sitemap = discovery.parse_sitemap(body)
        if not sitemap.links:
            self.crawler.stats.inc_value("newscrawl/discovery/empty_sitemap")
            logger.warning("Sitemap %s has no entries (malformed or empty)", response.url)
        for link in self._ordered(sitemap.links, response.url):
            if not self._on_site(link.url) or self._older_than_since(link.date):
                continue
            if sitemap.is_index:
                # the index's date for it: an unchanged sitemap is not fetched again
                meta: dict[str, Any] = {META_SURFACE: "sitemap"}
                if link.date:
                    meta[META_LASTMOD] = link.date
                yield scrapy.Request(link.url, self.parse_sitemap, errback=self.surface_failed, meta=meta)
            else:
                yield from self.article_requests([link], "sitemap")

    def parse_rss(self, response: Response) -> Iterator[scrapy.Request]:
        links = [link for link in discovery.parse_rss(response.body) if not self._older_than_since(link.date)]
        yield from self.article_requests(self._ordered(links, response.url), "rss")

    def listing_request(
        self, url: str, shown: Iterable[str] | None = None, page: Iterable[str] = ()
    ) -> scrapy.Request:
        """A listing page; for a next page, the articles the page before showed first (``shown``:
        whether to page on is the incremental middleware's call) and all it linked (``page``)."""
        meta: dict[str, Any] = {META_SURFACE: "listing", META_LISTING: True, META_PREVIOUS_PAGE: list(page)}
        if shown is not None:
            meta[META_LISTING_URLS] = list(shown)
        return scrapy.Request(url, self.parse_listing, errback=self.surface_failed, meta=meta)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        listing = discovery.parse_listing(response.text, response.url, self.host)
        fresh = [link for link in listing.articles if not self._older_than_since(link.date)]
        yield from self.article_requests(self._ordered(fresh, response.url), "listing")
        # listings are newest first: once a card predates `since`, every later page does too
        reached_since = len(fresh) < len(listing.articles)
        if listing.next_page and not reached_since:
            # the next page is worth a request only if this one showed an article the state
            # does not know (see newscrawl.incremental); links this page shares with the one
            # before (the "Latest News" sidebar, on every page) say nothing about the listing
            before = set(response.meta.get(META_PREVIOUS_PAGE) or ())
            links = [link.url for link in listing.articles]
            yield self.listing_request(listing.next_page, [u for u in links if u not in before], links)
        if not self.args.sections:
            here = urlsplit(response.url).path
            for url in self._ordered(listing.listings, response.url):
                path = urlsplit(url).path
                if path.startswith("/clinical/") and path != here:  # this listing's pages: by paging
                    yield self.listing_request(url)

    # -- articles --------------------------------------------------------------------------

    def article_requests(self, links: Iterable[discovery.Link], source: str) -> Iterator[scrapy.Request]:
        """Requests for on-site article links, canonicalised so variants collapse."""
        stats = self.crawler.stats
        for link in links:
            # Article pages link the same sidebars again and again: a link already handled
            # with the same date needs no canonicalising, scheduling or filtering again.
            if (link.url, link.date) in self.handled_links:
                continue
            if len(self.handled_links) >= HANDLED_LINKS_MAX:  # a cache: bounded, memory stays flat
                self.handled_links.clear()
            self.handled_links.add((link.url, link.date))
            if not discovery.is_article_url(link.url, self.host):
                continue
            url = canonicalize_url(link.url, lowercase_path=self.lowercase_paths)
            if url != link.url:
                stats.inc_value("newscrawl/discovery/variant_collapsed")
            stats.inc_value(f"newscrawl/discovery/{source}")
            meta: dict[str, Any] = {META_SURFACE: source, META_ARTICLE: True}
            if link.date:
                meta[META_LASTMOD] = link.date
            yield scrapy.Request(url, self.parse_article, meta=meta, errback=self.article_failed)

    def revisit_request(self, url: str, reason: str, lastmod: str | None = None) -> scrapy.Request:
        """A known article the state asks for again (``recent``: re-checked on every run;
        ``retry``: its fetch failed before). Conditional, like every known article."""
        meta: dict[str, Any] = {META_SURFACE: reason, META_ARTICLE: True}
        if lastmod:
            meta[META_LASTMOD] = lastmod
        return scrapy.Request(url, self.parse_article, meta=meta, errback=self.article_failed)

    def article_failed(self, failure: Any) -> None:
        # refused on purpose (robots.txt, another origin: counted there), or a 304 (NotModified)
        if failure.check(IgnoreRequest):
            return
        self.crawler.stats.inc_value("newscrawl/spider/article_failed")
        logger.warning("Article request failed: %s: %s", failure.request.url, failure.value)
        self.crawler.signals.send_catch_log(signal=NAVIGATION_FAILED, request=failure.request, failure=failure)

    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        stats = self.crawler.stats
        if not isinstance(response, TextResponse) or not response.body:
            stats.inc_value("newscrawl/spider/not_html")
            logger.warning("Not an HTML page, skipped: %s", response.url)
            return
        if len(response.body) > self.max_page_bytes:  # refused whole, never half-extracted
            stats.inc_value("newscrawl/spider/refused/too_large")
            logger.warning("Page refused: %s is %d bytes, over NEWSCRAWL_EXTRACT_MAX_BYTES (%d)",
                           response.url, len(response.body), self.max_page_bytes)
            return
        if self.args.since is None:  # undated links cannot be told old before fetching
            links = [discovery.Link(u) for u in discovery.page_links(response.text, response.url, self.host)]
            for request in self.article_requests(self._ordered(links, response.url), "page"):
                yield request
        if self.extraction is not None:
            item = await self.extract_article(self.extraction, response)
            if item is not None:
                yield item

    async def extract_article(self, extraction: ExtractionPool, response: TextResponse) -> Article | None:
        """Hand the page to the page object (in a worker process); an Article if it is one."""
        stats = self.crawler.stats
        try:
            item = await extraction.extract(response.url, response.body, response_headers(response))
        except ExtractionError as exc:  # one bad page must never stop the crawl
            stats.inc_value("newscrawl/spider/extract_error")
            logger.error("Extraction failed on %s: %s", response.url, exc)
            # asked for again by the next runs, even when no surface shows it as changed
            self.crawler.signals.send_catch_log(signal=NAVIGATION_FAILED, request=response.request,
                                                failure=Failure(exc))
            return None
        page_type = item.get("pageType") or "other"
        if page_type != "article":
            stats.inc_value(f"newscrawl/spider/skipped/{page_type}")
            return None
        deferred = self.out_of_scope(item) or self._beyond_max_articles()
        if deferred:  # an article for a later run: the state must not take it as seen
            stats.inc_value(f"newscrawl/spider/skipped/{deferred}")
            response.meta[META_DEFERRED] = True
            return None
        if self.args.max_articles is not None:
            self.in_pipelines += 1
        stamp_download(item)
        item.setdefault("version", 1)
        return Article({k: v for k, v in item.items() if k in Article.fields})

    # -- helpers ---------------------------------------------------------------------------

    def out_of_scope(self, item: dict[str, Any]) -> str | None:
        """Why an extracted article falls outside ``since``/``sections``, or None.

        Pages reached through undated links (sidebars, related cards) are only known to be
        too old or in another section once extracted.
        """
        if self._older_than_since(item.get("datePublishedRaw")):
            return "older_than_since"
        if self.args.sections:
            section = _slug(item.get("section") or "")
            if section not in self.args.sections:
                return "other_section"
        return None

    def _beyond_max_articles(self) -> str | None:
        """``"max_articles"`` when the articles exported and in the pipelines already make the count."""
        limit = self.args.max_articles
        if limit is not None and self.exported + self.in_pipelines >= limit:
            return "max_articles"
        return None

    def _ordered(self, found: Sequence[T], where: str) -> list[T]:
        """What a page links to, in the order ``NEWSCRAWL_DISCOVERY_ORDER`` asks for (``shuffle``
        is seeded by ``NEWSCRAWL_DISCOVERY_SEED`` and the page, so a run can be repeated)."""
        ordered = list(found)
        if self.discovery_order == "reverse":
            ordered.reverse()
        elif self.discovery_order == "shuffle":
            random.Random(f"{self.discovery_seed}:{where}").shuffle(ordered)
        return ordered

    def _on_site(self, url: str) -> bool:
        return discovery.on_host(url, self.host)

    def _older_than_since(self, raw: str | None) -> bool:
        """True when a date string says the entry predates ``since`` (unknown: keep)."""
        if self.args.since is None or not raw:
            return False
        parsed = parse_date(raw)
        return parsed is not None and parsed.value[:10] < self.args.since.isoformat()
