"""Memory at scale: peak RSS of a full crawl of the twin at two sizes (issue 13, "Scale").

For each size, starts the offline twin in its own process and crawls it once with the full
product and its default settings (``newscrawl crawl``, state on in a fresh folder, so the
frontier, the duplicate filter, the state and the duplicate index are all in play). While the
crawl runs, ``/proc/<pid>/status`` ``VmHWM`` (the kernel's peak resident set) of the crawl
process and of each of its extraction workers is read every ``--sample`` seconds; the last
reading of a process is its peak. The crawl's memory should be flat: the frontier of
discovered URLs and the duplicate filter live on disk, so the peak at the largest size should
be within 1.5x of the peak at the smallest. ``--baseline`` crawls with Scrapy's own in-memory
scheduler and duplicate filter instead, for comparison. Linux only.

``--advertised N`` measures the frontier alone: a loopback site whose sitemap advertises N
article URLs, crawled until 200 pages (``CLOSESPIDER_PAGECOUNT``, so nearly all of them wait), once
with the disk frontier and once with Scrapy's in-memory scheduler, in alternating order.

    python benchmarks/scale_bench.py [--articles 10000 100000] [--baseline]
    python benchmarks/scale_bench.py --advertised 200000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from procstat import cpu_seconds, proc_status  # noqa: E402 (beside this script)

#: Scrapy's own scheduler and duplicate filter: the whole frontier in memory
BASELINE = ["-s", "SCHEDULER=scrapy.core.scheduler.Scheduler",
            "-s", "DUPEFILTER_CLASS=scrapy.dupefilters.RFPDupeFilter"]


@dataclass
class Result:
    articles: int
    exit_code: int
    pages: int
    items: int
    seconds: float
    crawl_peak_mb: float
    worker_peak_mb: float
    workers: int
    crawl_cpu: float


def children(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (the extraction workers of a crawl)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def hwm_mb(pid: int) -> float | None:
    try:
        kb = proc_status(pid, "VmHWM")
    except OSError:
        return None
    return kb / 1024 if kb >= 0 else None


def start_twin(articles: int) -> tuple[subprocess.Popen[str], str]:
    twin = subprocess.Popen([sys.executable, "-m", "newscrawl.replica", "--port", "0", "--articles",
                             str(articles)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert twin.stdout is not None
    return twin, twin.stdout.readline().strip()


def advertising_site(urls: int) -> ThreadingHTTPServer:
    """A loopback site whose sitemap lists ``urls`` article pages (each a small article)."""
    sitemap: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/sitemap.xml":
                body, kind = sitemap[0], "application/xml"
            elif self.path.startswith("/view/"):
                body = (f"<html><head><title>{self.path}</title></head><body><article><h1>Story {self.path}</h1>"
                        f"<p>{'A paragraph of the story. ' * 40}</p></article></body></html>").encode()
                kind = "text/html; charset=utf-8"
            else:
                body, kind = b"", "text/plain"
            self.send_response(200 if body or self.path == "/robots.txt" else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    entries = "".join(f"<url><loc>{base}/view/story-{n}</loc></url>" for n in range(urls))
    sitemap.append(f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{entries}</urlset>".encode())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_crawl(base_url: str, articles: int, work: Path, sample: float, extra: list[str]) -> Result:
    stats_file = work / "stats.json"
    command = [sys.executable, "-m", "newscrawl.cli", "crawl", "cancernetwork", "-a", f"base_url={base_url}",
               "-s", "LOG_LEVEL=WARNING", "-s", f"NEWSCRAWL_STATS_FILE={stats_file}",
               "-s", f"NEWSCRAWL_STATE_DIR={work / 'state'}", "-s", f"NEWSCRAWL_OUTPUT_DIR={work / 'output'}",
               *extra]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL)
    crawl_peak, worker_peaks, cpu = 0.0, {}, 0.0
    while process.poll() is None:
        crawl_peak = max(crawl_peak, hwm_mb(process.pid) or 0.0)
        cpu = cpu_seconds(process.pid) or cpu
        for child in children(process.pid):
            worker_peaks[child] = max(worker_peaks.get(child, 0.0), hwm_mb(child) or 0.0)
        time.sleep(sample)
    stats = json.loads(stats_file.read_text("utf-8")) if stats_file.exists() else {}
    return Result(articles, process.returncode, int(stats.get("response_received_count", 0)),
                  int(stats.get("item_scraped_count", 0)), float(stats.get("elapsed_time_seconds", 0.0)),
                  crawl_peak, max(worker_peaks.values(), default=0.0), len(worker_peaks), cpu)


def crawl(articles: int, work: Path, sample: float, extra: list[str]) -> Result:
    twin, base_url = start_twin(articles)
    try:
        return run_crawl(base_url, articles, work, sample, extra)
    finally:
        twin.terminate()
        twin.wait(timeout=30)


def advertised(urls: int, sample: float, rounds: int) -> int:
    server = advertising_site(urls)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    limit = ["-s", "CLOSESPIDER_PAGECOUNT=200"]  # stops both alike
    try:
        for number in range(1, rounds + 1):
            for name, extra in (("disk frontier", limit), ("Scrapy in-memory scheduler", [*limit, *BASELINE])):
                with tempfile.TemporaryDirectory() as tmp:
                    r = run_crawl(base_url, urls, Path(tmp), sample, extra)
                print(f"round {number}, {name:<27}: {urls} URLs advertised, exit {r.exit_code}, {r.pages} pages;"
                      f" peak RSS crawl {r.crawl_peak_mb:.0f} MB; crawl CPU {r.crawl_cpu:.0f} s", flush=True)
    finally:
        server.shutdown()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--baseline", action="store_true", help="Scrapy's in-memory scheduler and filter")
    parser.add_argument("--sample", type=float, default=0.2, help="seconds between /proc readings")
    parser.add_argument("--advertised", type=int, metavar="N", help="only the frontier: N URLs in one sitemap")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds of --advertised")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="an extra crawl setting (repeatable)")
    args = parser.parse_args()
    if args.advertised:
        return advertised(args.advertised, args.sample, args.rounds)
    extra = [*(BASELINE if args.baseline else []), *(a for s in args.settings for a in ("-s", s))]
    results = []
    for articles in args.articles:
        with tempfile.TemporaryDirectory() as tmp:
            results.append(crawl(articles, Path(tmp), args.sample, extra))
        r = results[-1]
        print(f"{r.articles:>8} articles: exit {r.exit_code}, {r.pages} pages, {r.items} items in {r.seconds:.0f} s;"
              f" peak RSS crawl {r.crawl_peak_mb:.0f} MB, workers {r.worker_peak_mb:.0f} MB"
              f" (max of {r.workers}); crawl CPU {r.crawl_cpu:.0f} s", flush=True)
    first, last = results[0], results[-1]
    print(f"\npeak RSS {last.articles}/{first.articles} articles: crawl process "
          f"{last.crawl_peak_mb / first.crawl_peak_mb:.2f}x, workers {last.worker_peak_mb / first.worker_peak_mb:.2f}x"
          f" (target: within 1.5x){' [baseline: Scrapy in-memory scheduler]' if args.baseline else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
