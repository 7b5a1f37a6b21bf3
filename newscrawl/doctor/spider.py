"""The doctor's spider: fetch each crawl surface once, sample article pages, extract them.

It runs inside a normal Scrapy crawler with the project's settings, so the crawl's downloader
middlewares apply unchanged: robots.txt (``ROBOTSTXT_OBEY``), ``USER_AGENT``, ``DOWNLOAD_DELAY``
with its jitter, AutoThrottle, ``DOWNLOAD_TIMEOUT``, retries and redirects; against a loopback
base URL the delays are off, exactly as in the crawl (:func:`~newscrawl.spiders.cancernetwork.unthrottle`).
Two phases: the surfaces (robots.txt, the sitemap index and two of its sitemaps, the news
sitemap, RSS, the first ``/news`` page and a few section listings), then, when those are done
(``spider_idle``), the sample of article pages drawn round-robin from every surface.
Surfaces are read with the crawl's own parsers (:mod:`newscrawl.extract.discovery`) and pages
go through the crawl's single-page steps (:func:`newscrawl.processing.process_article_page`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.utils.misc import build_from_crawler, load_object

from newscrawl.config import get_bool
from newscrawl.doctor.fields import documents, field_report
from newscrawl.doctor.report import Findings, Page, Surface, count_fresh, link_time, shown_values, surface_order
from newscrawl.doctor.save import write_case
from newscrawl.extract import discovery
from newscrawl.extract.dates import DEFAULT_TIMEZONE
from newscrawl.extract.page import ArticlePage
from newscrawl.extract.urls import canonicalize_url
from newscrawl.processing import process_article_page
from newscrawl.spiders.cancernetwork import is_loopback, response_headers, unthrottle

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

#: Section listings (``/clinical/<topic>``) fetched as extra sample sources, spread over the topics.
SECTION_LISTINGS = 3
#: Surface requests at most: robots.txt, sitemap index, its newest and oldest sitemaps, news
#: sitemap, RSS, the first listing page and the section listings.
MAX_SURFACE_REQUESTS = 7 + SECTION_LISTINGS
_META_KEYS = ("og:", "article:", "twitter:", "citation_", "dc.", "dcterms.")


class DoctorSpider(scrapy.Spider):
    """Checks the crawl surfaces of ``base_url`` and samples ``articles`` pages."""

    name = "newscrawl-doctor"

    def __init__(self, base_url: str, articles: int, save_dir: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.host = urlsplit(self.base_url).netloc.lower()
        self.articles = articles
        self.save_dir = Path(save_dir) if save_dir else None
        self.findings = Findings(self.base_url, polite=not is_loopback(self.base_url), requested=articles,
                                 save_dir=save_dir)
        self.sampling = False
        self.timezone = DEFAULT_TIMEZONE  # NEWSCRAWL_TIMEZONE, read in from_crawler
        self.lowercase_paths = True

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> DoctorSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if is_loopback(spider.base_url):
            unthrottle(crawler)
        spider.timezone = crawler.settings.get("NEWSCRAWL_TIMEZONE")
        spider.lowercase_paths = get_bool(crawler.settings, "NEWSCRAWL_LOWERCASE_PATHS")
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.request_reached, signal=signals.request_reached_downloader)
        return spider

    # -- phase 1: surfaces -------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        base = self.base_url
        yield self.surface("robots.txt", f"{base}/robots.txt", self.parse_robots)
        yield self.surface("sitemap index", f"{base}/sitemap.xml", self.parse_index)
        yield self.surface("news sitemap", f"{base}/sitemap-news.xml", self.parse_links)
        yield self.surface("rss", f"{base}/rss", self.parse_links)
        yield self.surface("listing", f"{base}/news?page=1", self.parse_listing)

    def surface(self, name: str, url: str, callback: Any, *, judged: bool = True) -> scrapy.Request:
        found = Surface(name, url, judged=judged)
        self.findings.surfaces.append(found)
        return scrapy.Request(url, callback, errback=self.surface_failed, dont_filter=True,
                              meta={"surface": found, "handle_httpstatus_all": True})

    def request_reached(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        self.findings.requests += 1

    def _answered(self, response: Response) -> Surface | None:
        """The response's surface with its status; None unless it is a 200 worth parsing."""
        found: Surface = response.meta["surface"]
        found.status = response.status
        self._clock(response)
        return found if response.status == 200 else None

    def _clock(self, response: Response) -> None:
        if self.findings.site_clock is not None:
            return
        raw = response.headers.get(b"Date")
        try:
            moment = parsedate_to_datetime(raw.decode("latin-1")) if raw else None
        except (TypeError, ValueError):
            moment = None
        if moment is not None:
            self.findings.site_clock = moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    @property
    def now(self) -> datetime:
        """The site's clock (its ``Date`` header) when it sent one, else this machine's."""
        return self.findings.site_clock or datetime.now(UTC)

    def surface_failed(self, failure: Failure) -> None:
        found: Surface = failure.request.meta["surface"]  # type: ignore[attr-defined]
        found.error = _reason(failure)

    def parse_robots(self, response: Response) -> None:
        found = self._answered(response)
        if found is None:
            return
        text = response.body.decode("utf-8", "replace")
        sitemaps = discovery.robots_sitemaps(text, response.url)
        known = {f"{self.base_url}/sitemap.xml", f"{self.base_url}/sitemap-news.xml"}
        others = [u for u in sitemaps if u not in known]
        found.note = f"{len(sitemaps)} Sitemap lines" + (f" ({len(others)} other than the index and news)"
                                                         if others else "")
        settings = self.crawler.settings
        if settings.getbool("ROBOTSTXT_OBEY"):
            parser = build_from_crawler(load_object(settings["ROBOTSTXT_PARSER"]), self.crawler, response.body)
            agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")
            if not parser.allowed(f"{self.base_url}{discovery.ARTICLE_PATH_PREFIX}", agent):
                found.note = f"forbids {discovery.ARTICLE_PATH_PREFIX} to USER_AGENT; " + found.note

    def parse_index(self, response: Response) -> Iterable[scrapy.Request]:
        found = self._answered(response)
        if found is None:
            return
        sitemap = discovery.parse_sitemap(response.body)
        if not sitemap.is_index:  # a plain sitemap at the index's place: its links are articles
            found.name = "sitemap"
            self._add_links(found, sitemap.links)
            return
        children = [link for link in sitemap.links if self._on_site(link.url)]
        found.links = len(children)
        found.dated, found.fresh = count_fresh([link.date for link in children], self.now)
        if not children:
            return
        # the newest for fresh articles, the oldest for the archive's older templates
        dated = sorted((t, n, link) for n, link in enumerate(children) if (t := link_time(link.date)))
        newest, oldest = (dated[-1][2], dated[0][2]) if dated else (children[-1], children[0])
        yield self.surface("newest sitemap", newest.url, self.parse_links)
        if oldest.url != newest.url:
            yield self.surface("oldest sitemap", oldest.url, self.parse_links, judged=False)

    def parse_links(self, response: Response) -> None:
        """A sitemap (article URLs) or the RSS feed."""
        found = self._answered(response)
        if found is None:
            return
        links: Iterable[discovery.Link]
        if found.name == "rss":
            links = discovery.parse_rss(response.body)
        else:
            links = discovery.parse_sitemap(response.body).links
        self._add_links(found, links)

    def parse_listing(self, response: Response) -> Iterable[scrapy.Request]:
        found = self._answered(response)
        if found is None or not isinstance(response, TextResponse):
            return
        listing = discovery.parse_listing(response.text, response.url, self.host)
        self._add_links(found, listing.articles)
        if found.judged:
            topics = sorted({u for u in listing.listings if urlsplit(u).path.startswith("/clinical/")})
            step = max(1, len(topics) // SECTION_LISTINGS)
            for url in topics[::step][:SECTION_LISTINGS]:
                yield self.surface("section listing", url, self.parse_listing, judged=False)

    def _add_links(self, found: Surface, links: Iterable[discovery.Link]) -> None:
        articles = [link for link in links if discovery.is_article_url(link.url, self.host)]
        found.links = len(articles)
        found.dated, found.fresh = count_fresh([link.date for link in articles], self.now)
        found.articles = [canonicalize_url(link.url, lowercase_path=self.lowercase_paths) for link in articles]

    def _on_site(self, url: str) -> bool:
        return urlsplit(url).netloc.lower() == self.host

    # -- phase 2: sampled pages -----------------------------------------------------------------

    def spider_idle(self, spider: scrapy.Spider) -> None:
        if self.sampling:
            return
        self.sampling = True
        for url, via in sample(self.findings.surfaces, self.articles):
            page = Page(url, via)
            self.findings.pages.append(page)
            self.crawler.engine.crawl(scrapy.Request(
                url, self.parse_page, errback=self.page_failed, dont_filter=True,
                meta={"page": page, "handle_httpstatus_all": True}))
        if self.findings.pages:
            raise DontCloseSpider

    def page_failed(self, failure: Failure) -> None:
        page: Page = failure.request.meta["page"]  # type: ignore[attr-defined]
        page.error = _reason(failure)

    def parse_page(self, response: Response) -> None:
        fetched = datetime.now(UTC).replace(microsecond=0)
        page: Page = response.meta["page"]
        page.status = response.status
        page.url = response.url
        if response.status != 200:
            return
        headers = response_headers(response)
        article = ArticlePage(response.url, response.body, headers=headers)
        processed = process_article_page(article, timezone=self.timezone, downloaded=fetched)
        item = processed.item
        page.page_type = item.get("pageType")
        page.structured = structured_sources(article)
        provenance = item.get("provenance") or {}
        page.fields = field_report(provenance)
        page.documents = documents(provenance)
        page.values = shown_values(item)
        page.removed = processed.removed
        page.date_problems = processed.date_problems
        if self.save_dir is not None:
            request_url = response.request.url if response.request is not None else response.url
            page.saved = write_case(
                self.save_dir, url=response.url, request_url=request_url, status=response.status,
                headers=headers, fetched=fetched, body=response.body, raw_item=article.to_item(), item=item,
                via=page.via)


def sample(surfaces: list[Surface], size: int) -> list[tuple[str, str]]:
    """Up to ``size`` distinct article URLs with the label of the surface each came from, one
    surface at a time in turn (in :func:`surface_order`), each in its own order: the sample
    spreads over surfaces and sections instead of taking the first ``size`` of one list."""
    chosen: dict[str, str] = {}
    queues = [(s.label, list(s.articles)) for s in sorted(surfaces, key=surface_order) if s.articles]
    while len(chosen) < size and queues:
        for label, queue in queues:
            while queue and queue[0] in chosen:
                queue.pop(0)
            if queue and len(chosen) < size:
                chosen[queue.pop(0)] = label
        queues = [(label, queue) for label, queue in queues if queue]
    return list(chosen.items())


def structured_sources(page: ArticlePage) -> tuple[str, ...]:
    """The structured sources a page carries: JSON-LD (with its types), Next data, meta tags."""
    out = []
    if page.jsonld.types:
        out.append(f"JSON-LD {'/'.join(dict.fromkeys(page.jsonld.types))}")
    if page.nextjs.found:
        out.append("Next data")
    tags = sum(len(v) for k, v in page.meta.values.items() if k.startswith(_META_KEYS))
    if tags:
        out.append(f"{tags} meta tags")
    return tuple(out)


def _reason(failure: Failure) -> str:
    if failure.check(IgnoreRequest):
        return f"not fetched: {failure.value}"
    return f"{type(failure.value).__name__}: {failure.value}".rstrip(": ")
