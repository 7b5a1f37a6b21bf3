"""Benchmark of the offline twin: pages served per second and the server's peak memory.

Starts ``python -m newscrawl.replica --port 0`` as a subprocess for each article count, discovers
URLs through its own surfaces (sitemaps, listings), then fetches a fixed number of pages (a mix of
articles, listings and sitemaps; then article pages only) with a bounded pool of keep-alive
HTTP clients over loopback. Prints pages/s, pages per server CPU-second and the server's peak
RSS (VmHWM from /proc/<pid>/status).

    .venv/bin/python benchmarks/replica_bench.py [--articles 1000 100000] [--pages 3000] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from procstat import cpu_seconds, proc_status  # beside this script

ROOT = Path(__file__).resolve().parents[1]
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class Client:
    """One keep-alive HTTP connection per thread."""

    def __init__(self, base: str) -> None:
        u = urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.local = threading.local()

    def get(self, url: str) -> tuple[int, int]:
        u = urlsplit(url)
        path = u.path + (f"?{u.query}" if u.query else "")
        for attempt in range(2):
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                conn.request("GET", path)
                r = conn.getresponse()
                body = r.read()
                return r.status, len(body)
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


def discover(client: Client, base: str, rng: random.Random, n_articles: int) -> tuple[list[str], list[str], list[str]]:
    """(article URLs, listing URLs, sitemap URLs) found through the twin's surfaces."""
    t = time.perf_counter()
    status, _ = client.get(base + "/sitemap.xml")
    first = time.perf_counter() - t
    conn = http.client.HTTPConnection(client.host, client.port, timeout=120)
    conn.request("GET", "/sitemap.xml")
    index = ET.fromstring(conn.getresponse().read())
    months = [e.text for e in index.iter(f"{SM}loc")]
    articles: list[str] = []
    for loc in rng.sample(months, min(12, len(months))):
        conn.request("GET", urlsplit(loc).path)
        sub = ET.fromstring(conn.getresponse().read())
        articles.extend(e.text for e in sub.iter(f"{SM}loc"))
    conn.close()
    last_page = -(-n_articles // 20)
    listings = [f"{base}/news?page={rng.randint(1, last_page)}" for _ in range(200)]
    listings += [f"{base}/clinical/breast-cancer?page={rng.randint(1, max(1, last_page // 5))}" for _ in range(50)]
    print(f"  first /sitemap.xml (computes every month's lastmod): {first:.2f} s; "
          f"{len(months)} monthly sitemaps, {len(articles)} article URLs sampled", flush=True)
    return articles, listings, months


def run(articles: int, pages: int, concurrency: int, seed: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "newscrawl.replica", "--port", "0", "--articles", str(articles),
                             "--seed", str(seed)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            cwd=ROOT, env=env)
    try:
        base = proc.stdout.readline().strip() if proc.stdout else ""
        if not base.startswith("http://"):
            raise RuntimeError("twin did not start")
        rss_start = proc_status(proc.pid, "VmRSS")
        rng = random.Random(seed)
        client = Client(base)
        arts, listings, months = discover(client, base, rng, articles)
        mix = []
        for _ in range(pages):
            r = rng.random()
            if r < 0.80:
                mix.append(rng.choice(arts))
            elif r < 0.95:
                mix.append(rng.choice(listings))
            elif r < 0.98:
                mix.append(rng.choice(months))
            else:
                mix.append(base + rng.choice(("/rss", "/sitemap-news.xml", "/robots.txt", "/")))
        def fetch(urls: list[str]) -> tuple[list[tuple[int, int]], float, float]:
            """(status, bytes) per URL, wall seconds and server CPU seconds of fetching them."""
            cpu, start = cpu_seconds(proc.pid) or 0.0, time.perf_counter()
            with ThreadPoolExecutor(concurrency) as pool:
                results = list(pool.map(client.get, urls))
            return results, time.perf_counter() - start, (cpu_seconds(proc.pid) or 0.0) - cpu

        results, took, cpu = fetch(mix)
        # second phase: article pages only (their cost must not depend on the article count)
        only = [rng.choice(arts) for _ in range(pages // 2)]
        res2, took2, cpu2 = fetch(only)
        return {"articles": articles, "pages": pages, "seconds": took, "pages_per_s": pages / took,
                "server_cpu_s": cpu, "pages_per_cpu_s": pages / cpu if cpu else float("nan"),
                "articles_only_per_s": len(only) / took2,
                "articles_only_per_cpu_s": len(only) / cpu2 if cpu2 else float("nan"),
                "mb": sum(n for _, n in results) / 1e6,
                "non_200": sum(1 for status, _ in results + res2 if status != 200),
                "rss_start_mb": rss_start / 1024, "peak_rss_mb": proc_status(proc.pid, "VmHWM") / 1024}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, nargs="+", default=[1000, 100000])
    ap.add_argument("--pages", type=int, default=3000, help="pages fetched per run (fixed count)")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rows = []
    for n in args.articles:
        print(f"twin with {n} articles:", flush=True)
        res = run(n, args.pages, args.concurrency, args.seed)
        rows.append(res)
        print(f"  {res['pages']} pages in {res['seconds']:.1f} s = {res['pages_per_s']:.0f} pages/s "
              f"({res['pages_per_cpu_s']:.0f} pages per server CPU-second), {res['mb']:.0f} MB, "
              f"non-200: {res['non_200']}; server RSS at start {res['rss_start_mb']:.0f} MB, "
              f"peak {res['peak_rss_mb']:.0f} MB", flush=True)
        print(f"  article pages only: {res['articles_only_per_s']:.0f} pages/s "
              f"({res['articles_only_per_cpu_s']:.0f} pages per server CPU-second)", flush=True)
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        print(f"ratio {b['articles']}/{a['articles']} articles: "
              f"mixed speed x{b['pages_per_s'] / a['pages_per_s']:.2f}, "
              f"article-page speed x{b['articles_only_per_s'] / a['articles_only_per_s']:.2f}, "
              f"peak memory x{b['peak_rss_mb'] / a['peak_rss_mb']:.2f}")
    return 0 if all(r["non_200"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
