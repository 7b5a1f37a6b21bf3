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
    ConditionalRequestMiddleware,
    IncrementalSpiderMiddleware,
)
from newscrawl.state.extension import state_session
from newscrawl.state.session import StateSession
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse

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
