"""Incremental crawling benchmark: what a repeated run and a next day's run cost, at any archive size.

For each twin size: starts the twin (``python -m newscrawl.replica``) and runs ``newscrawl
crawl`` as subprocesses with a fresh state and output folder: a first crawl (day 0), a repeat
with nothing new, the twin's next day (same port: the state's URLs stay valid) and a repeat of
that. Prints each run's requests, article pages fetched, 304 answers, surfaces skipped by their
sitemap-index date, re-checks of recent articles, lines exported and wall time, and how the next
day's lines compare with the twin's truth (its new and changed articles).

    .venv/bin/python benchmarks/incremental_bench.py --articles 3000 100000 --next-day
    .venv/bin/python benchmarks/incremental_bench.py --articles 500 --next-day --baseline
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

from newscrawl.replica import truth_records
from newscrawl.replica.process import spawn, stop

ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=str(ROOT), SCRAPY_SETTINGS_MODULE="newscrawl.settings")


def start_twin(articles: int, day: int, port: int = 0) -> tuple[subprocess.Popen[str], str]:
    return spawn("--articles", str(articles), "--day", str(day), port=port)


def crawl(work: Path, base_url: str, *extra: str) -> dict[str, Any]:
    stats_file = work / "stats.json"
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "newscrawl.cli", "crawl", "cancernetwork", "-a", f"base_url={base_url}",
         "-s", f"NEWSCRAWL_STATE_DIR={work / 'state'}", "-s", f"NEWSCRAWL_OUTPUT_DIR={work / 'output'}",
         "-s", f"NEWSCRAWL_STATS_FILE={stats_file}", "-s", "LOG_LEVEL=WARNING", *extra],
        capture_output=True, text=True, env=ENV, cwd=work, timeout=6 * 3600,
    )
    wall = time.perf_counter() - started
    if result.returncode != 0:
        print(result.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"crawl failed with exit code {result.returncode}")
    stats = json.loads(stats_file.read_text())

    def inc(name: str) -> int:
        return int(stats.get(f"newscrawl/incremental/{name}", 0))

    return {
        "wall": wall,
        "requests": stats.get("downloader/request_count", 0),
        # counted by the conditional-request middleware, which is off without state
        "articles": stats.get("newscrawl/incremental/article_downloads",
                              "n/a" if "NEWSCRAWL_STATE_ENABLED=0" in extra else 0),
        "not_modified": inc("not_modified") + inc("surface_not_modified"),
        "sitemaps_skipped": inc("sitemap_unchanged"),
        "rechecks": inc("recheck_recent"),
        "exported": stats.get("item_scraped_count", 0),
    }


HEADER = (f"{'run':<16}{'requests':>9}{'articles':>10}{'304s':>7}{'sitemaps skipped':>18}"
          f"{'re-checks':>11}{'exported':>10}{'wall':>10}")


def row(name: str, r: dict[str, Any]) -> str:
    return (f"{name:<16}{r['requests']:>9}{r['articles']:>10}{r['not_modified']:>7}{r['sitemaps_skipped']:>18}"
            f"{r['rechecks']:>11}{r['exported']:>10}{r['wall']:>9.1f}s")


def bench(articles: int, *, next_day: bool, baseline: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="incremental-bench-") as tmp:
        work = Path(tmp)
        twin, base_url = start_twin(articles, 0)
        runs: list[tuple[str, dict[str, Any]]] = []
        try:
            if baseline:
                (work / "baseline").mkdir()
                runs.append(("state off", crawl(work / "baseline", base_url, "-s", "NEWSCRAWL_STATE_ENABLED=0")))
            runs.append(("first (day 0)", crawl(work, base_url)))
            runs.append(("repeat (day 0)", crawl(work, base_url)))
            if next_day:
                stop(twin)
                twin, _ = start_twin(articles, 1, int(base_url.rsplit(":", 1)[1]))
                runs.append(("next day", crawl(work, base_url)))
                exported = newest_canonicals(work / "output")
                runs.append(("repeat (day 1)", crawl(work, base_url)))
        finally:
            stop(twin)
        print(f"\ntwin: {articles} articles (day 0), python {sys.version.split()[0]}, {os.cpu_count()} cpus")
        print(HEADER)
        for name, result in runs:
            print(row(name, result))
        first, repeat = dict(runs)["first (day 0)"], dict(runs)["repeat (day 0)"]
        print(f"repeat/first: requests {repeat['requests'] / first['requests']:.4f}, "
              f"wall {repeat['wall'] / first['wall']:.3f}")
        if next_day:
            expected = changed_in_truth(articles, base_url)
            print(f"next day: {len(exported)} exported; the truth's new and changed articles: {len(expected)}; "
                  f"missing {len(expected - exported)}, unexpected {len(exported - expected)}")


def newest_canonicals(out: Path) -> set[str]:
    """The canonical URLs in the newest finished feed file of ``out``."""
    newest = max(out.rglob("*.jsonl"), key=lambda p: p.stat().st_mtime_ns)
    return {json.loads(line)["canonicalUrl"] for line in newest.read_text().splitlines() if line.strip()}


def changed_in_truth(articles: int, base_url: str) -> set[str]:
    """Canonical URLs of the articles the twin's day 1 adds or changes (body or dateModified)."""
    day0, day1 = ({r["canonicalUrl"]: (r["dateModified"], r["articleBody"])
                   for r in truth_records(articles=articles, day=day, base_url=base_url)} for day in (0, 1))
    return {url for url, value in day1.items() if day0.get(url) != value}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[500], help="twin sizes (default 500)")
    parser.add_argument("--next-day", action="store_true", help="also crawl the twin's day 1, and repeat it")
    parser.add_argument("--baseline", action="store_true",
                        help="also a first crawl with the state off (cost of state + fsync)")
    args = parser.parse_args()
    if not all(10 <= n <= 300_000 for n in args.articles):
        parser.error("--articles must be in [10, 300000]")
    for articles in args.articles:
        bench(articles, next_day=args.next_day, baseline=args.baseline)
    return 0


if __name__ == "__main__":
    sys.exit(main())
