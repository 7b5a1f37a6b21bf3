"""CPU per page of the extraction worker's steps and per item of the crawl's item path.

Fetches article pages from the twin (in its own process), then, in this process and timed with
``time.process_time``:

- the worker's job, :meth:`ArticlePage.to_item`, split into its steps (decoding, the tree,
  meta tags, JSON-LD, Next.js data, titles, dates, body, the rest of the item);
- the crawl process's item path: the spider's item (:func:`newscrawl.items.stamp_download`,
  the ``Article`` item), each item pipeline of the project's ``ITEM_PIPELINES`` in order, built
  from the project's settings (state off) as a crawl builds them, and the JSON Lines export
  to the durable feed file (batched fsync).

Each figure is the mean over the pages; the item path's total is the crawl's "items, pipelines
and feed" cost. This is the profile behind the crawl benchmark's CPU figures.

    python benchmarks/item_cost_bench.py [--articles 2000] [--pages 400] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from itemadapter import ItemAdapter  # noqa: E402 (after the path insert)
from newscrawl.extract.page import ArticlePage  # noqa: E402
from newscrawl.feeds import DurableFile  # noqa: E402
from newscrawl.items import ARTICLE_FIELDS, Article, stamp_download  # noqa: E402
from newscrawl.replica.process import spawn, stop  # noqa: E402
from scrapy.exceptions import DropItem, NotConfigured  # noqa: E402
from scrapy.exporters import JsonLinesItemExporter  # noqa: E402
from scrapy.utils.misc import build_from_crawler, load_object  # noqa: E402
from scrapy.utils.project import get_project_settings  # noqa: E402
from scrapy.utils.reactor import install_reactor  # noqa: E402
from scrapy.utils.test import get_crawler  # noqa: E402

WORKER_STEPS: tuple[tuple[str, Callable[[ArticlePage], Any]], ...] = (
    ("decode", lambda p: p.html),
    ("tree", lambda p: p.tree),
    ("meta tags", lambda p: p.meta),
    ("titles and h1", lambda p: p.shown_titles),
    ("JSON-LD", lambda p: p.jsonld),
    ("Next.js data", lambda p: p.nextjs),
    ("headline check", lambda p: p.headline()),
    ("dates", lambda p: (p.date_published_raw(), p.date_modified_raw())),
    ("body", lambda p: p.article_body()),
    ("rest of the item", lambda p: p.to_item()),
)


def fetch_pages(articles: int, seed: int, count: int) -> list[tuple[str, bytes, dict[str, str]]]:
    twin, base = spawn("--articles", str(articles), "--seed", str(seed))
    try:
        loc = re.compile(r"<loc>([^<]+)</loc>")
        with urllib.request.urlopen(base + "/sitemap.xml", timeout=60) as response:
            months = loc.findall(response.read().decode())
        urls = []
        for month in months:
            with urllib.request.urlopen(month, timeout=60) as response:
                urls += loc.findall(response.read().decode())
        pages = []
        for url in random.Random(seed).sample(urls, min(count, len(urls))):
            with urllib.request.urlopen(url, timeout=60) as response:
                pages.append((url, response.read(), dict(response.headers.items())))
        return pages
    finally:
        stop(twin)


def worker_costs(pages: list[tuple[str, bytes, dict[str, str]]]) -> tuple[dict[str, float], list[dict]]:
    costs: dict[str, float] = defaultdict(float)
    items = []
    for url, body, headers in pages:
        page = ArticlePage(url, body, headers=headers)
        for name, step in WORKER_STEPS:
            start = time.process_time()
            step(page)
            costs[name] += time.process_time() - start
        items.append(page.to_item())  # cached by now
    return costs, items


def item_costs(raw_items: list[dict], workdir: Path) -> tuple[dict[str, float], int]:
    settings = get_project_settings()
    settings.set("NEWSCRAWL_STATE_ENABLED", False)
    settings.set("NEWSCRAWL_STATE_DIR", str(workdir / "state"))
    install_reactor(settings["TWISTED_REACTOR"])
    crawler = get_crawler(settings_dict=settings.copy_to_dict())
    pipelines = []
    for path, _ in sorted(crawler.settings.getwithbase("ITEM_PIPELINES").items(), key=lambda kv: kv[1]):
        try:
            pipelines.append((path.rsplit(".", 1)[1], build_from_crawler(load_object(path), crawler)))
        except NotConfigured as exc:  # switched off by the settings: not in a crawl either
            print(f"  ({path} off: {exc})", file=sys.stderr)
    feed = DurableFile(workdir / "out.jsonl", jsonl=True)
    exporter = JsonLinesItemExporter(feed, fields_to_export=list(ARTICLE_FIELDS), encoding="utf-8")
    exporter.start_exporting()
    costs: dict[str, float] = defaultdict(float)
    exported = 0
    for raw in raw_items:
        if raw.get("pageType") != "article":
            continue
        start = time.process_time()
        raw = dict(raw)
        stamp_download(raw)
        raw.setdefault("version", 1)
        item: Any = Article({k: v for k, v in raw.items() if k in Article.fields})
        costs["spider: the Article item"] += time.process_time() - start
        try:
            for name, pipeline in pipelines:
                start = time.process_time()
                try:
                    item = pipeline.process_item(item)
                finally:
                    costs[name] += time.process_time() - start
        except DropItem:
            continue
        start = time.process_time()
        exporter.export_item(ItemAdapter(item).item)
        costs["feed: JSON line, durable file"] += time.process_time() - start
        exported += 1
    exporter.finish_exporting()
    feed.finalize()
    return costs, exported


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    pages = fetch_pages(args.articles, args.seed, args.pages)
    worker_costs(pages[:20])  # imports and first-use caches are not a page's cost
    worker, raw_items = worker_costs(pages)
    with tempfile.TemporaryDirectory() as tmp:
        items, exported = item_costs(raw_items, Path(tmp))
    print(f"{len(pages)} twin pages ({args.articles} articles, seed {args.seed}); {exported} items exported\n")
    print("| worker step | CPU ms per page |\n|---|---|")
    for name, seconds in worker.items():
        print(f"| {name} | {seconds * 1000 / len(pages):.2f} |")
    print(f"| **total** | **{sum(worker.values()) * 1000 / len(pages):.2f}** |\n")
    print("| crawl process step | CPU ms per item |\n|---|---|")
    for name, seconds in items.items():
        print(f"| {name} | {seconds * 1000 / exported:.3f} |")
    print(f"| **total** | **{sum(items.values()) * 1000 / exported:.2f}** |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
