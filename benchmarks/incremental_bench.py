"""Incremental crawling benchmark: a first crawl of the twin vs a repeated one (and a next day).

Starts the twin (``python -m newscrawl.replica``) and runs ``newscrawl crawl`` as subprocesses
with a fresh state and output folder, then prints request counts, article fetches, exported
lines and wall time of each run, and the repeated/first ratios measured in this one session.

    .venv/bin/python benchmarks/incremental_bench.py [--articles 500] [--next-day]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=str(ROOT), SCRAPY_SETTINGS_MODULE="newscrawl.settings")


def start_twin(articles: int, day: int, port: int = 0) -> tuple[subprocess.Popen[str], str]:
    for attempt in range(20):
        proc = subprocess.Popen(
            [sys.executable, "-m", "newscrawl.replica", "--port", str(port), "--articles",
             str(articles), "--day", str(day)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=ENV, cwd=ROOT,
        )
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if line.startswith("http://"):
            return proc, line
        proc.wait()
        time.sleep(0.2 * (attempt + 1))
    raise SystemExit("the twin did not start")


def crawl(work: Path, base_url: str, *extra: str) -> dict[str, Any]:
    stats_file = work / "stats.json"
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "newscrawl.cli", "crawl", "cancernetwork", "-a", f"base_url={base_url}",
         "-s", f"NEWSCRAWL_STATE_DIR={work / 'state'}", "-s", f"NEWSCRAWL_OUTPUT_DIR={work / 'output'}",
         "-s", f"NEWSCRAWL_STATS_FILE={stats_file}", "-s", "LOG_LEVEL=WARNING", *extra],
        capture_output=True, text=True, env=ENV, cwd=work, timeout=900,
    )
    wall = time.perf_counter() - started
    if result.returncode != 0:
        print(result.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"crawl failed with exit code {result.returncode}")
    stats = json.loads(stats_file.read_text())
    return {
        "wall": wall,
        "requests": stats.get("downloader/request_count", 0),
        # counted by the conditional-request middleware, which is off without state
        "articles": stats.get("newscrawl/incremental/article_downloads",
                              "n/a" if "NEWSCRAWL_STATE_ENABLED=0" in extra else 0),
        "not_modified": stats.get("newscrawl/incremental/not_modified", 0),
        "exported": stats.get("item_scraped_count", 0),
    }


def row(name: str, r: dict[str, Any]) -> str:
    return (f"{name:<14}{r['requests']:>9}{r['articles']:>10}{r['not_modified']:>8}"
            f"{r['exported']:>10}{r['wall']:>9.1f}s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500, help="twin size (default 500)")
    parser.add_argument("--next-day", action="store_true", help="also crawl the twin's day 1")
    parser.add_argument("--baseline", action="store_true",
                        help="also a first crawl with the state off (cost of state + fsync)")
    args = parser.parse_args()
    if not 10 <= args.articles <= 20000:
        parser.error("--articles must be in [10, 20000]")
    with tempfile.TemporaryDirectory(prefix="incremental-bench-") as tmp:
        work = Path(tmp)
        twin, base_url = start_twin(args.articles, 0)
        try:
            baseline = None
            if args.baseline:
                (work / "baseline").mkdir()
                baseline = crawl(work / "baseline", base_url, "-s", "NEWSCRAWL_STATE_ENABLED=0")
            first = crawl(work, base_url)
            repeat = crawl(work, base_url)
            day1 = None
            if args.next_day:
                twin.terminate()
                twin.wait()
                twin, _ = start_twin(args.articles, 1, int(base_url.rsplit(":", 1)[1]))
                day1 = crawl(work, base_url)
        finally:
            twin.terminate()
            twin.wait()
    print(f"twin: {args.articles} articles (day 0), python {sys.version.split()[0]}, {os.cpu_count()} cpus")
    print(f"{'run':<14}{'requests':>9}{'articles':>10}{'304s':>8}{'exported':>10}{'wall':>10}")
    if baseline is not None:
        print(row("state off", baseline))
    print(row("first", first))
    print(row("repeat", repeat))
    if day1 is not None:
        print(row("next day", day1))
    index_pages = first["requests"] - first["articles"]
    print(f"repeat/first: requests {repeat['requests'] / first['requests']:.3f}, "
          f"wall {repeat['wall'] / first['wall']:.3f}; article fetches in the repeat: "
          f"{repeat['articles']} ({repeat['articles'] / args.articles:.2%} of the articles); "
          f"index pages of the first run: {index_pages}")
    if baseline is not None:
        print(f"first/state-off wall: {first['wall'] / baseline['wall']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
