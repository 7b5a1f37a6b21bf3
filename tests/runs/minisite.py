"""A tiny static news site + spider + crawl runner for run-machinery tests.

Independent of the twin: files written to a folder and served by ``python -m http.server``
(which answers ``If-Modified-Since`` with 304), a spider that follows the navigation contract
(``newscrawl_article``, ``newscrawl_lastmod``, ``newscrawl_listing[_urls]``), and the
project's real run components (state extension, run manager, durable feeds, identity, dedup and
state pipelines, incremental middlewares) configured explicitly.

``python minisite.py crawl BASE_URL WORKDIR [-s NAME=VALUE ...] [-a NAME=VALUE ...]``
runs one crawl and exits with newscrawl's exit code.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import scrapy
from newscrawl.incremental import META_ARTICLE, META_LASTMOD, META_LISTING, META_LISTING_URLS

PER_PAGE = 10


def article_html(i: int, day: int, rail: str = "") -> str:
    changed = day >= 1 and i % 10 == 3
    body = " ".join(
        f"Paragraph {p} of story {i} about oncology trial number {i * 7 + p} and its results."
        for p in range(6)
    )
    if changed:
        body += " Update: the investigators added a new analysis today."
    modified = f"2025-06-{11 if changed else 1:02d}T12:00:00+00:00"
    return (
        f"<html><head><title>Story {i}</title></head><body><h1>Story {i}</h1>"
        f"<time datetime='2025-06-01'>June 1st 2025</time><div id='mod'>{modified}</div>"
        f"<article>{body}{f'<p>{rail}</p>' if rail else ''}</article></body></html>"
    )


def build_site(root: Path, articles: int, day: int, rail: str = "") -> list[int]:
    """Write the site of ``day`` (``rail``: a teaser line ending every article); returns the
    article numbers it shows."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "view").mkdir(exist_ok=True)
    count = articles + (articles // 10 if day >= 1 else 0)
    numbers = list(range(count))
    for i in numbers:
        path = root / "view" / f"story-{i}.html"
        html = article_html(i, day, rail)
        if not path.exists() or path.read_text() != html:
            path.write_text(html)
    urls = []
    for i in numbers:
        changed = day >= 1 and i % 10 == 3
        lastmod = f"2025-06-{11 if changed else 1:02d}T12:00:00Z" if i < articles else "2025-06-11T12:00:00Z"
        urls.append(f"<url><loc>/view/story-{i}.html</loc><lastmod>{lastmod}</lastmod></url>")
    (root / "sitemap.xml").write_text("<urlset>" + "".join(urls) + "</urlset>")
    newest_first = list(reversed(numbers))
    pages = [newest_first[k : k + PER_PAGE] for k in range(0, len(newest_first), PER_PAGE)]
    for n, page in enumerate(pages, start=1):
        links = "".join(f"<a class='story' href='/view/story-{i}.html'>{i}</a>" for i in page)
        nxt = f"<a class='next' href='/news-{n + 1}.html'>next</a>" if n < len(pages) else ""
        (root / f"news-{n}.html").write_text(f"<html><body>{links}{nxt}</body></html>")
    return numbers


class MiniSpider(scrapy.Spider):
    name = "mini"

    def __init__(self, base_url: str = "", listing_only: str = "", **kw: Any) -> None:
        super().__init__(**kw)
        self.base_url = base_url.rstrip("/")
        self.listing_only = bool(listing_only)

    async def start(self) -> Any:
        if not self.listing_only:
            yield scrapy.Request(f"{self.base_url}/sitemap.xml", self.parse_sitemap)
        yield scrapy.Request(f"{self.base_url}/news-1.html", self.parse_listing,
                             meta={META_LISTING: True})

    def parse_sitemap(self, response: scrapy.http.Response) -> Any:
        response.selector.remove_namespaces()
        for node in response.xpath("//url"):
            loc = node.xpath("loc/text()").get()
            lastmod = node.xpath("lastmod/text()").get()
            yield scrapy.Request(response.urljoin(loc), self.parse_article,
                                 meta={META_ARTICLE: True, META_LASTMOD: lastmod})

    def parse_listing(self, response: scrapy.http.Response) -> Any:
        links = [response.urljoin(h) for h in response.css("a.story::attr(href)").getall()]
        for url in links:
            yield scrapy.Request(url, self.parse_article, meta={META_ARTICLE: True})
        nxt = response.css("a.next::attr(href)").get()
        if nxt:
            yield scrapy.Request(response.urljoin(nxt), self.parse_listing,
                                 meta={META_LISTING: True, META_LISTING_URLS: links})

    def parse_article(self, response: scrapy.http.Response) -> Any:
        yield {
            "url": response.url,
            "canonicalUrl": response.url,
            "headline": response.css("h1::text").get(),
            "articleBody": "\n\n".join(t.strip() for t in response.css("article ::text").getall() if t.strip()),
            "datePublished": response.css("time::attr(datetime)").get(),
            "dateModified": response.css("#mod::text").get(),
            "version": 1,
        }


PIPELINES = {
    "newscrawl.pipelines.identity.IdentityPipeline": 350,
    "newscrawl.pipelines.state.UnchangedPipeline": 360,
    "newscrawl.pipelines.duplicates.DuplicatesPipeline": 400,
    "newscrawl.pipelines.state.StatePipeline": 950,
}


def settings_for(workdir: Path) -> dict[str, Any]:
    return {
        "LOG_LEVEL": "INFO",
        "TELNETCONSOLE_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
        "RETRY_TIMES": 0,
        "DOWNLOAD_TIMEOUT": 5,
        "CONCURRENT_REQUESTS": 8,
        "NEWSCRAWL_STATE_DIR": str(workdir / "state"),
        "NEWSCRAWL_OUTPUT_DIR": str(workdir / "output"),
        "NEWSCRAWL_STATS_FILE": str(workdir / "stats.json"),
        "NEWSCRAWL_DEDUP_STORE": "newscrawl.state.dedup_store.SQLiteDedupStore",
        # its plain items have no authors or body method: the drift alarm's shares mean nothing here
        "NEWSCRAWL_DRIFT_ENABLED": False,
        "FEED_STORAGES": {
            "": "newscrawl.feeds.DurableFileFeedStorage",
            "file": "newscrawl.feeds.DurableFileFeedStorage",
        },
        "FEED_URI_PARAMS": "newscrawl.feeds.uri_params",
        "FEEDS": {
            "%(output_dir)s/%(name)s/%(time)s.jsonl": {
                "format": "jsonlines", "encoding": "utf-8", "store_empty": True,
                "newscrawl_unique": True,
            },
        },
        "EXTENSIONS": {
            "newscrawl.state.extension.StateExtension": 50,
            "newscrawl.run.manager.RunManager": 100,
            "newscrawl.extensions.StatsFile": 900,
        },
        "SPIDER_MIDDLEWARES": {"newscrawl.incremental.IncrementalSpiderMiddleware": 900},
        "DOWNLOADER_MIDDLEWARES": {"newscrawl.incremental.ConditionalRequestMiddleware": 800},
        "ITEM_PIPELINES": PIPELINES,
    }


def main(argv: list[str]) -> int:
    from newscrawl.run.command import run_crawl
    from scrapy.crawler import AsyncCrawlerProcess
    from scrapy.settings import Settings

    _, base_url, workdir, *rest = argv
    settings = Settings(settings_for(Path(workdir)))
    spider_args = {"base_url": base_url}
    it = iter(rest)
    for flag in it:
        name, _, value = next(it).partition("=")
        if flag == "-s":
            settings.set(name, json.loads(value) if value[:1] in "{[" else value, priority="cmdline")
        elif flag == "-a":
            spider_args[name] = value
    os.chdir(workdir)
    process = AsyncCrawlerProcess(settings)
    return run_crawl(process, MiniSpider, spider_args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
