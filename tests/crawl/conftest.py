"""Crawl helpers: a real ``scrapy crawl`` subprocess of the twin, its JSON Lines and stats."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newscrawl.replica.process import spawn, stop
from newscrawl.replica.scoring import members, path_of

__all__ = ["members", "path_of", "run_crawl", "twin_process"]  # the scoring helpers, for the crawl tests


def run_crawl(tmp_path: Path, *spider_args: str, settings: tuple[str, ...] = ()) -> tuple[list[dict], dict]:
    feed, stats_file = tmp_path / "out.jsonl", tmp_path / "stats.json"
    command = [sys.executable, "-m", "scrapy", "crawl", "cancernetwork", "-O", str(feed),
               "-s", "LOG_LEVEL=WARNING", "-s", f"NEWSCRAWL_STATS_FILE={stats_file}",
               "-s", f"NEWSCRAWL_STATE_DIR={tmp_path / 'state'}",
               "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp_path / 'output'}"]
    for arg in spider_args:
        command += ["-a", arg]
    for setting in settings:
        command += ["-s", setting]
    done = subprocess.run(command, cwd=Path(__file__).parents[2], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = feed.read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines], json.loads(stats_file.read_text("utf-8"))


@contextmanager
def twin_process(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """The twin in its own process on a free port (``python -m newscrawl.replica``): (process, base URL)."""
    twin, base_url = spawn(*args)
    try:
        yield twin, base_url
    finally:
        stop(twin)
