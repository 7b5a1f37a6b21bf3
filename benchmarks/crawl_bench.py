"""Crawl speed of the full product against the same crawl with extraction and pipelines off.

Starts the offline twin once in its own process, then crawls it with ``scrapy crawl`` in
alternating rounds: navigation only (``NEWSCRAWL_EXTRACT_ENABLED=False``, no item pipelines)
and the full product. Pages per second come from each run's own stats (responses received
over the crawl's elapsed time); the ratio full/navigation-only is computed per round, so both
sides of a ratio ran seconds apart on the same machine. Also prints the extraction CPU time
per page (page object, dates and boilerplate steps, :func:`newscrawl.processing.process_page`,
timed with ``time.process_time`` on pages fetched from the twin), each crawl's peak RSS, and
where the CPU went: the crawl process itself, its extraction workers and the twin (read from
``/proc`` and ``getrusage``, so Linux only). On a machine whose cores are all busy, the ratio
is bounded by that CPU split, not by waiting.

    python benchmarks/crawl_bench.py [--articles 2000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from procstat import cpu_seconds  # noqa: E402 (beside this script)


def start_twin(articles: int) -> tuple[subprocess.Popen[str], str]:
    twin = subprocess.Popen(
        [sys.executable, "-m", "newscrawl.replica", "--port", "0", "--articles", str(articles)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    assert twin.stdout is not None
    return twin, twin.stdout.readline().strip()


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def crawl(base_url: str, workdir: Path, full: bool, twin_pid: int) -> dict:
    stats_file = workdir / f"stats-{time.monotonic_ns()}.json"
    command = [
        sys.executable, "-m", "scrapy", "crawl", "cancernetwork", "-a", f"base_url={base_url}",
        "-s", "LOG_LEVEL=WARNING",
        "-s", f"NEWSCRAWL_STATS_FILE={stats_file}", "-s", f"NEWSCRAWL_STATE_DIR={workdir / 'state'}",
        "-s", "NEWSCRAWL_STATE_ENABLED=False", "-s", f"NEWSCRAWL_OUTPUT_DIR={workdir / 'output'}",
    ]
    if not full:
        # no items by design: not a "zero articles" degraded run
        command += ["-s", "NEWSCRAWL_EXTRACT_ENABLED=False", "-s", "ITEM_PIPELINES={}",
                    "-s", "NEWSCRAWL_DEGRADED_ZERO_ARTICLES=False"]
    twin_before, children_before = cpu_seconds(twin_pid) or 0.0, children_cpu()
    process = subprocess.Popen(command, cwd=ROOT)
    own = 0.0
    while process.poll() is None:  # the crawl process's own CPU, sampled until it exits
        own = cpu_seconds(process.pid) or own
        time.sleep(0.05)
    if process.returncode:
        raise SystemExit(f"crawl failed with exit code {process.returncode}")
    total = children_cpu() - children_before  # the crawl process and its reaped workers
    stats = json.loads(stats_file.read_text("utf-8"))
    elapsed = stats["elapsed_time_seconds"]
    return {
        "pages": stats.get("response_received_count", 0),
        "items": stats.get("item_scraped_count", 0),
        "seconds": elapsed,
        "pages_per_s": stats.get("response_received_count", 0) / elapsed,
        "peak_rss_mb": stats.get("memusage/max", 0) / 2**20,
        "cpu_crawl": own,
        "cpu_workers": max(0.0, total - own),
        "cpu_twin": (cpu_seconds(twin_pid) or 0.0) - twin_before,
    }


def extraction_cpu(base_url: str, sample: list[str]) -> list[float]:
    """CPU milliseconds of process_page for each sampled article page."""
    from newscrawl.processing import process_page

    pages = []
    for url in sample:
        with urllib.request.urlopen(url, timeout=30) as response:  # the loopback twin
            pages.append((url, response.read(), dict(response.headers.items())))
    costs = []
    for url, body, headers in pages:
        start = time.process_time()
        process_page(url, body, headers=headers)
        costs.append((time.process_time() - start) * 1000)
    return costs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    twin, base_url = start_twin(args.articles)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            rows = []
            for number in range(1, args.rounds + 1):
                navigation = crawl(base_url, workdir, full=False, twin_pid=twin.pid)
                full = crawl(base_url, workdir, full=True, twin_pid=twin.pid)
                rows.append((number, navigation, full))
            # the product's own output: the default feed of the last full run
            last = sorted((workdir / "output" / "cancernetwork").glob("*.jsonl"))[-1]
            out = [json.loads(line) for line in last.read_text("utf-8").splitlines()]
            costs = extraction_cpu(base_url, [item["url"] for item in out[:300]])
    finally:
        twin.terminate()
        twin.wait(timeout=10)
    print(f"twin: {args.articles} articles at {base_url}; {args.rounds} alternating rounds\n")
    print("round  crawl             pages  items  seconds  pages/s  peak RSS MB"
          "  CPU s: crawl  workers  twin")
    ratios = []
    for number, navigation, full in rows:
        for name, run in (("navigation only", navigation), ("full product", full)):
            print(f"{number:>5}  {name:<16} {run['pages']:>6} {run['items']:>6} {run['seconds']:>8.1f}"
                  f" {run['pages_per_s']:>8.1f} {run['peak_rss_mb']:>12.0f}"
                  f" {run['cpu_crawl']:>13.1f} {run['cpu_workers']:>8.1f} {run['cpu_twin']:>5.1f}")
        ratios.append(full["pages_per_s"] / navigation["pages_per_s"])
    print(f"\nspeed ratio full/navigation-only per round: {', '.join(f'{r:.2f}' for r in ratios)}"
          f" (median {statistics.median(ratios):.2f}; target >= 0.70)")
    print(f"extraction CPU per article page (process_page, {len(costs)} pages): "
          f"median {statistics.median(costs):.2f} ms, mean {statistics.fmean(costs):.2f} ms, "
          f"p95 {sorted(costs)[int(len(costs) * 0.95) - 1]:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
