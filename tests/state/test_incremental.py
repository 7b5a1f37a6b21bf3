"""The incremental middlewares on a real crawler and a real SQLite state (no subprocess)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from newscrawl.incremental import (
    META_ARTICLE,
    META_CONDITIONAL,
    META_LASTMOD,
    META_LISTING,
    META_LISTING_URLS,
    META_REDIRECT_URLS,
    META_SURFACE,
    NAVIGATION_FAILED,
    ConditionalRequestMiddleware,
    IncrementalSpiderMiddleware,
    NotModified,
)
from newscrawl.state.extension import state_session
from newscrawl.state.session import StateSession
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from .conftest import SITE, MakeCrawler, export

ETAG = '"v1"'
LAST_MODIFIED = "Mon, 02 Jun 2025 00:00:00 GMT"


def article(slug: str, lastmod: str | None = None) -> Request:
    meta: dict[str, Any] = {META_ARTICLE: True}
    if lastmod:
        meta[META_LASTMOD] = lastmod
    return Request(f"{SITE}/view/{slug}", meta=meta)


def listing(*slugs: str) -> Request:
    return Request(f"{SITE}/news?page=2",
                   meta={META_LISTING: True, META_LISTING_URLS: [f"{SITE}/view/{s}" for s in slugs]})


def session_of(crawler: Crawler) -> StateSession:
    session = state_session(crawler)
    assert session is not None
    return session


def earlier_run(make_crawler: MakeCrawler) -> None:
    session = session_of(make_crawler())
    export(session, "known", lastmod="2025-06-02T00:00:00Z", etag=ETAG)
    export(session, "undated")
    session.note_seen([f"{SITE}/view/video"], "no_item", "2025-06-02T00:00:00Z")
    session.flush_touches()


def stat(crawler: Crawler, name: str) -> int:
    return int(crawler.stats.get_value(f"newscrawl/incremental/{name}", 0))


def kept(middleware: IncrementalSpiderMiddleware, *requests: Request) -> list[str]:
    return [r.url.rsplit("/", 1)[1] for r in requests if middleware.keep_request(r)]


def test_requests_for_known_unchanged_and_seen_pages_are_dropped(make_crawler: MakeCrawler) -> None:
    earlier_run(make_crawler)
    crawler = make_crawler()
    middleware = IncrementalSpiderMiddleware.from_crawler(crawler)
    requests = [
        article("known", "2025-06-02T00:00:00Z"),  # not newer than its last change
        article("known", "2025-06-09T00:00:00Z"),  # newer: changed
        article("undated"),  # known, found without a date
        article("video"),  # fetched recently, nothing to export
        article("video", "2025-06-09T00:00:00Z"),  # ... but dated newer since
        article("fresh"),
        Request(f"{SITE}/sitemap.xml"),  # not an article: never filtered
    ]
    assert kept(middleware, *requests) == ["known", "video", "fresh", "sitemap.xml"]
    assert [stat(crawler, k) for k in ("skipped_unchanged", "changed_urls", "skipped_known",
                                       "skipped_seen", "new_urls")] == [1, 1, 1, 1, 2]


def test_known_pages_without_a_date_can_be_rechecked(make_crawler: MakeCrawler) -> None:
    earlier_run(make_crawler)
    crawler = make_crawler(NEWSCRAWL_INCREMENTAL_SKIP_KNOWN=False)
    assert kept(IncrementalSpiderMiddleware.from_crawler(crawler), article("undated")) == ["undated"]
    assert stat(crawler, "recheck_known") == 1


def test_listing_paging_stops_where_every_article_is_known(make_crawler: MakeCrawler) -> None:
    earlier_run(make_crawler)
    crawler = make_crawler()
    middleware = IncrementalSpiderMiddleware.from_crawler(crawler)
    assert not middleware.keep_request(listing("known", "undated", "video"))
    assert middleware.keep_request(listing("known", "fresh"))
    assert stat(crawler, "listing_stopped") == 1


def test_articles_before_the_forget_window_are_not_fetched(make_crawler: MakeCrawler) -> None:
    crawler = make_crawler(NEWSCRAWL_STATE_FORGET_DAYS=30)
    middleware = IncrementalSpiderMiddleware.from_crawler(crawler)
    recent = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    assert kept(middleware, article("old", "2020-01-01"), article("recent", recent)) == ["recent"]
    assert stat(crawler, "skipped_too_old") == 1


@pytest.mark.parametrize("settings", [{"NEWSCRAWL_STATE_IGNORE": True}, {"NEWSCRAWL_STATE_ENABLED": False}])
def test_ignored_or_disabled_state_skips_nothing(make_crawler: MakeCrawler, settings: dict[str, Any]) -> None:
    earlier_run(make_crawler)
    crawler = make_crawler(**settings)
    middleware = IncrementalSpiderMiddleware.from_crawler(crawler)
    assert kept(middleware, article("known", "2025-06-02T00:00:00Z"), article("undated"),
                listing("known")) == ["known", "undated", "news?page=2"]


def test_an_item_notes_where_it_came_from_and_an_empty_page_is_seen(make_crawler: MakeCrawler) -> None:
    crawler = make_crawler()
    session = session_of(crawler)
    middleware = IncrementalSpiderMiddleware.from_crawler(crawler)
    request = article("Story?utm_source=rss", "2025-06-03T00:00:00Z")
    request.meta[META_REDIRECT_URLS] = [f"{SITE}/view/old-story"]
    response = HtmlResponse(f"{SITE}/view/story", body=b"<html></html>", request=request,
                            headers={"ETag": ETAG, "Last-Modified": LAST_MODIFIED})
    item, follow = {"id": "story"}, article("next")
    assert list(middleware.process_spider_output(response, [item, follow])) == [item, follow]
    session.claim("story", f"{SITE}/view/story", None)
    session.commit_lines([{"id": "story", "url": f"{SITE}/view/story", "canonicalUrl": f"{SITE}/view/story"}], "f")
    assert session.store.validators(f"{SITE}/view/story") == (ETAG, LAST_MODIFIED)
    assert session.store.lookup_url(f"{SITE}/view/old-story").id == "story"
    assert session.store.get_article("story").lastmod == "2025-06-03T00:00:00Z"

    empty = HtmlResponse(f"{SITE}/view/podcast", body=b"<html></html>", request=article("podcast"))
    assert list(middleware.process_spider_output(empty, [])) == []
    session.flush_touches()
    assert session.store.lookup_seen(f"{SITE}/view/podcast").kind == "no_item"
    assert stat(crawler, "noted_no_item") == 1


def test_conditional_requests_for_known_pages_and_304(make_crawler: MakeCrawler) -> None:
    earlier_run(make_crawler)
    crawler = make_crawler()
    middleware = ConditionalRequestMiddleware.from_crawler(crawler)
    request = article("known", "2025-06-09T00:00:00Z")
    assert middleware.process_request(request) is None
    assert request.headers[b"If-None-Match"] == ETAG.encode() and request.meta[META_CONDITIONAL]
    plain = article("fresh")
    middleware.process_request(plain)
    assert b"If-None-Match" not in plain.headers
    opted_out = article("known")
    opted_out.meta[META_CONDITIONAL] = False
    middleware.process_request(opted_out)
    assert b"If-None-Match" not in opted_out.headers

    with pytest.raises(IgnoreRequest, match="not modified"):
        middleware.process_response(request, HtmlResponse(request.url, status=304, request=request))
    ok = HtmlResponse(request.url, status=200, request=request)
    assert middleware.process_response(request, ok) is ok
    session = session_of(crawler)
    session.flush_touches()
    assert session.store.get_article("known").lastmod == "2025-06-09T00:00:00Z"
    assert [stat(crawler, k) for k in ("article_downloads", "conditional_requests", "not_modified")] == [3, 1, 1]


@pytest.mark.parametrize(
    "settings",
    [{"NEWSCRAWL_STATE_ENABLED": False}, {"NEWSCRAWL_STATE_IGNORE": True},
     {"NEWSCRAWL_INCREMENTAL_CONDITIONAL": False}, {"NEWSCRAWL_INCREMENTAL_ENABLED": False}],
)
def test_conditional_requests_off(make_crawler: MakeCrawler, settings: dict[str, Any]) -> None:
    with pytest.raises(NotConfigured):
        ConditionalRequestMiddleware.from_crawler(make_crawler(**settings))


def test_incremental_off(make_crawler: MakeCrawler) -> None:
    with pytest.raises(NotConfigured):
        IncrementalSpiderMiddleware.from_crawler(make_crawler(NEWSCRAWL_INCREMENTAL_ENABLED=False))


def sitemap(name: str, lastmod: str | None = None) -> Request:
    meta: dict[str, Any] = {META_SURFACE: "sitemap"}
    if lastmod:
        meta[META_LASTMOD] = lastmod
    return Request(f"{SITE}/sitemaps/{name}.xml", meta=meta)


def fetched(middleware: IncrementalSpiderMiddleware, request: Request, **headers: str) -> None:
    """``request`` answered 200 and handled by its callback (which found nothing to yield)."""
    response = TextResponse(request.url, body=b"<urlset/>", request=request, headers=headers)
    assert list(middleware.process_spider_output(response, [])) == []


def failed(crawler: Crawler, request: Request, exc: Exception) -> None:
    crawler.signals.send_catch_log(NAVIGATION_FAILED, request=request, failure=Failure(exc))


class Spiderish(Spider):
    """A spider of the navigation contract: it builds the requests the state asks for again."""

    name = "s"
    partial_discovery = False

    def revisit_request(self, url: str, reason: str, lastmod: str | None = None) -> Request:
        return Request(url, meta={META_ARTICLE: True, META_SURFACE: reason})


def complete_run(make_crawler: MakeCrawler) -> None:
    """A complete run that saw a sitemap index (ETag) and one monthly sitemap it dated."""
    crawler = make_crawler()
    middleware = IncrementalSpiderMiddleware.from_crawler(crawler)
    fetched(middleware, Request(f"{SITE}/sitemap.xml", meta={META_SURFACE: "sitemap"}), ETag=ETAG)
    fetched(middleware, sitemap("articles-2025-05", "2025-05-31T10:00:00Z"))
    middleware.spider_closed(Spiderish(), "finished")
    assert stat(crawler, "surfaces_recorded") == 2


def test_a_sitemap_the_index_dates_as_before_is_not_fetched_again(make_crawler: MakeCrawler) -> None:
    complete_run(make_crawler)
    crawler = make_crawler()
    middleware = IncrementalSpiderMiddleware.from_crawler(crawler)
    requests = [sitemap("articles-2025-05", "2025-05-31T10:00:00Z"), sitemap("articles-2025-05", "2025-06-03"),
                sitemap("articles-2025-06", "2025-06-03"), sitemap("articles-2025-05")]
    assert [r.meta.get(META_LASTMOD) for r in requests if middleware.keep_request(r)] == \
        ["2025-06-03", "2025-06-03", None]
    assert stat(crawler, "sitemap_unchanged") == 1


def test_surfaces_of_a_complete_run_are_asked_for_conditionally(make_crawler: MakeCrawler) -> None:
    complete_run(make_crawler)
    crawler = make_crawler()
    middleware = ConditionalRequestMiddleware.from_crawler(crawler)
    index = Request(f"{SITE}/sitemap.xml", meta={META_SURFACE: "sitemap"})
    middleware.process_request(index)
    assert index.headers[b"If-None-Match"] == ETAG.encode()
    with pytest.raises(NotModified):
        middleware.process_response(index, HtmlResponse(index.url, status=304, request=index))
    rss = Request(f"{SITE}/rss", meta={META_SURFACE: "rss"})
    middleware.process_request(rss)  # never recorded: asked for in full
    assert b"If-None-Match" not in rss.headers
    assert [stat(crawler, k) for k in ("surface_conditional", "surface_not_modified", "not_modified")] == [1, 1, 0]


@pytest.mark.parametrize("reason, partial, fails", [
    ("shutdown", False, False),  # interrupted
    ("finished", True, False),  # since / sections / max_articles
    ("finished", False, True),  # a surface could not be fetched
])
def test_an_incomplete_run_records_no_surface(make_crawler: MakeCrawler, reason: str, partial: bool,
                                              fails: bool) -> None:
    crawler = make_crawler()
    middleware = IncrementalSpiderMiddleware.from_crawler(crawler)
    fetched(middleware, Request(f"{SITE}/sitemap.xml", meta={META_SURFACE: "sitemap"}), ETag=ETAG)
    if fails:
        failed(crawler, Request(f"{SITE}/rss", meta={META_SURFACE: "rss"}), OSError("connection refused"))
    spider = Spiderish()
    spider.partial_discovery = partial
    middleware.spider_closed(spider, reason)
    assert session_of(crawler).store.surface(f"{SITE}/sitemap.xml") is None


def test_recent_and_failed_articles_are_requested_again(make_crawler: MakeCrawler) -> None:
    crawler = make_crawler()
    session = session_of(crawler)
    for day in range(1, 13):  # one article a day, June 1st to 12th
        line = export(session, f"day-{day}")
        line["datePublished"] = f"2025-06-{day:02d}T09:00:00-04:00"
        session.commit_lines([line], "earlier.jsonl")
    middleware = IncrementalSpiderMiddleware.from_crawler(crawler)
    gone = Request(f"{SITE}/view/gone", meta={META_ARTICLE: True})
    failed(crawler, Request(f"{SITE}/view/broken", meta={META_ARTICLE: True, META_LASTMOD: "2025-06-11"}),
           OSError("connection reset"))
    failed(crawler, gone, HttpError(HtmlResponse(gone.url, status=404, request=gone)))
    failed(crawler, Request(f"{SITE}/view/same"), NotModified("304"))
    middleware.spider_closed(Spiderish(), "shutdown")  # failures are kept even for an incomplete run

    crawler = make_crawler(NEWSCRAWL_INCREMENTAL_RECENT_DAYS=3, NEWSCRAWL_INCREMENTAL_RECENT_MAX=3)
    crawler.spider = Spiderish()
    middleware = IncrementalSpiderMiddleware.from_crawler(crawler)
    revisits = [(r.url.rsplit("/", 1)[1], r.meta[META_SURFACE]) for r in middleware.revisits()]
    # within 3 days of the newest (June 12th), newest first, at most 3
    assert revisits == [("broken", "retry"), ("day-12", "recent"), ("day-11", "recent"), ("day-10", "recent")]
    assert [stat(crawler, k) for k in ("retry_failed", "recheck_recent")] == [1, 3]
    # fetched this time: no longer asked for
    session_of(crawler).note_fetch(f"{SITE}/view/broken")
    middleware.spider_closed(Spiderish(), "finished")
    assert session_of(crawler).retries() == []


def test_an_article_that_keeps_failing_is_given_up_after_three_runs(make_crawler: MakeCrawler) -> None:
    for _ in range(3):
        crawler = make_crawler()
        middleware = IncrementalSpiderMiddleware.from_crawler(crawler)
        failed(crawler, Request(f"{SITE}/view/broken", meta={META_ARTICLE: True}), OSError("reset"))
        middleware.spider_closed(Spiderish(), "finished")
    assert session_of(crawler).retries() == []
