"""CPU and quality of a full crawl of the twin, against what a user would otherwise write.

Starts the offline twin once in its own process (``python -m newscrawl.replica --port 0
--articles N --seed S``), then crawls it in rounds of three, one after the other (every other round in reverse order):

- **plain spider**: ``plain_sitemap_spider.py`` (Scrapy's SitemapSpider plus trafilatura on
  every ``/view/`` page), run with ``scrapy runspider`` outside the project, Scrapy's defaults
  and ``-O`` JSON Lines;
- **navigation only**: ``scrapy crawl cancernetwork`` with ``NEWSCRAWL_EXTRACT_ENABLED=False``
  and no item pipelines (every page fetched, nothing extracted or written);
- **full product**: ``scrapy crawl cancernetwork`` with its default feed (state off).

Per crawl: CPU seconds (user + system) of the crawl process and every process it waited for
(its extraction workers), read with ``os.wait4`` as ``/usr/bin/time -v`` does, so everything but
the twin; the crawl process's own share, sampled from ``/proc`` (Linux only); wall time; peak
RSS (``ru_maxrss``: the largest single process, as ``/usr/bin/time -v`` reports it); and the
output scored against the twin's truth (:mod:`newscrawl.replica.scoring`). The ratio is the full
product's CPU per unique article exported over the plain spider's, per round.

``--before DIR`` adds, in each round, the full product of another checkout (with its own
``.venv``), so that a change is measured against the code before it in the same run.

    python benchmarks/crawl_bench.py [--articles 2000] [--seed 7] [--rounds 1] [--before DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from newscrawl.replica import truth_records  # noqa: E402 (after the path insert)
from newscrawl.replica.process import spawn, stop  # noqa: E402
from newscrawl.replica.scoring import Score, score  # noqa: E402

from procstat import cpu_seconds  # noqa: E402 (beside this script)

CRAWLS = ("plain spider", "navigation only", "full product")


def start_twin(articles: int, seed: int) -> tuple[subprocess.Popen[str], str]:
    return spawn("--articles", str(articles), "--seed", str(seed))


def command_for(crawl: str, base_url: str, workdir: Path, before: Path | None) -> tuple[list[str], Path]:
    """(command, working directory) of one crawl."""
    python, root = sys.executable, ROOT
    if crawl == "full product before":
        python, root = str(before / ".venv" / "bin" / "python"), before
    if crawl == "plain spider":  # outside the project: no scrapy.cfg, so Scrapy's defaults only
        return [sys.executable, "-m", "scrapy", "runspider", str(HERE / "plain_sitemap_spider.py"),
                "-a", f"base_url={base_url}", "-O", str(workdir / "plain.jsonl"),
                "-s", "LOG_LEVEL=WARNING"], workdir
    command = [
        python, "-m", "scrapy", "crawl", "cancernetwork", "-a", f"base_url={base_url}",
        "-s", "LOG_LEVEL=WARNING", "-s", "NEWSCRAWL_STATE_ENABLED=False",
        "-s", f"NEWSCRAWL_STATE_DIR={workdir / 'state'}",
        "-s", f"NEWSCRAWL_OUTPUT_DIR={workdir / 'output'}",
    ]
    if crawl == "navigation only":  # no items by design: not a "zero articles" degraded run
        command += ["-s", "NEWSCRAWL_EXTRACT_ENABLED=False", "-s", "ITEM_PIPELINES={}",
                    "-s", "NEWSCRAWL_DEGRADED_ZERO_ARTICLES=False"]
    return command, root


def output_lines(crawl: str, workdir: Path) -> list[dict]:
    if crawl == "plain spider":
        path = workdir / "plain.jsonl"
    elif crawl.startswith("full product"):
        path = sorted((workdir / "output" / "cancernetwork").glob("*.jsonl"))[-1]
    else:
        return []
    lines = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    path.unlink()
    return lines


def run(crawl: str, base_url: str, workdir: Path, truth: list[dict], before: Path | None) -> dict:
    command, cwd = command_for(crawl, base_url, workdir, before)
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    start = time.perf_counter()
    log = workdir / "crawl.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(command, cwd=cwd, env=env, stderr=stderr)
    own = 0.0
    while True:  # the crawl process's own CPU, sampled until it exits; then its rusage
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        own = cpu_seconds(process.pid) or own
        time.sleep(0.05)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{crawl} failed with exit code {process.returncode}:\n{log.read_text()[-3000:]}")
    lines = output_lines(crawl, workdir)
    cpu = usage.ru_utime + usage.ru_stime
    return {"cpu": cpu, "cpu_crawl": own, "cpu_workers": max(0.0, cpu - own), "wall": wall,
            "rss_mb": usage.ru_maxrss / 1024, "score": score(lines, truth) if lines else None}


def table(rows: list[tuple[int, str, dict]]) -> str:
    head = ("| round | crawl | CPU s (crawl / workers) | wall s | peak RSS | lines | unique articles"
            " | CPU ms per article | written twice | non-articles | body F1 mean | boilerplate leaks"
            " | day right |")
    out = [head, "|" + "---|" * head.count(" | ") + "---|"]
    for number, crawl, r in rows:
        s: Score | None = r["score"]
        cells = [str(number), crawl, f"{r['cpu']:.1f} ({r['cpu_crawl']:.1f} / {r['cpu_workers']:.1f})",
                 f"{r['wall']:.1f}", f"{r['rss_mb']:.0f} MB"]
        if s is None:
            cells += ["0", "-", "-", "-", "-", "-", "-", "-"]
        else:
            cells += [f"{s.lines:,}", f"{s.unique_articles:,}", f"{r['cpu'] * 1000 / s.unique_articles:.1f}",
                      f"{s.written_twice:,}", f"{s.non_articles:,}", f"{s.body_f1_mean:.4f}",
                      f"{s.boilerplate_leaks:,}", f"{s.day_right:.3f}"]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--before", type=Path, help="another checkout whose full product also crawls")
    args = parser.parse_args()
    crawls = CRAWLS + (("full product before",) if args.before else ())
    twin, base_url = start_twin(args.articles, args.seed)
    rows: list[tuple[int, str, dict]] = []
    try:
        truth = list(truth_records(articles=args.articles, seed=args.seed, base_url=base_url))
        with tempfile.TemporaryDirectory() as tmp:
            for number in range(1, args.rounds + 1):
                # every other round in reverse order: load that drifts during a round (the
                # machine is shared) then does not always fall on the same crawl
                for crawl in crawls if number % 2 else crawls[::-1]:
                    rows.append((number, crawl, run(crawl, base_url, Path(tmp), truth, args.before)))
                    print(f"round {number}: {crawl} done", file=sys.stderr, flush=True)
    finally:
        stop(twin)
    before = f"; before: {args.before}" if args.before else ""
    print(f"twin: {args.articles} pages, seed {args.seed}, {len(truth):,} unique articles in its truth;"
          f" {args.rounds} round(s) of {len(crawls)} crawls{before}\n")
    print(table(rows))
    ratios, added = [], []
    for number in range(1, args.rounds + 1):
        plain, navigation, full = (r for n, name, r in rows if n == number and name in CRAWLS)
        per_article = [r["cpu"] / r["score"].unique_articles for r in (plain, full)]
        ratios.append(per_article[1] / per_article[0])
        added.append((full["cpu_crawl"] - navigation["cpu_crawl"]) * 1000 / full["score"].lines)
    print(f"\nCPU per unique article, full product / plain spider, per round: "
          f"{', '.join(f'{r:.2f}' for r in ratios)} (median {statistics.median(ratios):.2f}; target <= 0.60)")
    print(f"crawl process CPU the full product adds to navigation only, per exported line (items, "
          f"pipelines, feed, worker round trips): {', '.join(f'{a:.1f}' for a in added)} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
