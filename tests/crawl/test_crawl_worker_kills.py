"""A crawl of the twin whose extraction workers are killed with SIGKILL mid-crawl: the crawl
replaces them, sends their pages again, and still exports every article exactly once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from newscrawl.replica import truth_records

from .conftest import path_of, twin_process

ARTICLES = 600
ROOT = Path(__file__).parents[2]


def _workers(pid: int) -> list[int]:
    """Live extraction worker subprocesses of process ``pid``."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes()
            except OSError:
                continue
            if b"newscrawl.extraction_pool" in command:
                found.append(int(child))
    return found


def _staged(state: Path) -> int:
    """Articles the crawl has staged so far (in its state, written 100 at a time)."""
    try:
        with closing(sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=1.0)) as db:
            return int(db.execute("SELECT COUNT(*) FROM staged").fetchone()[0])
    except sqlite3.Error:  # no state or no staging table yet
        return 0


def test_crawl_survives_killed_workers(tmp_path: Path) -> None:
    with twin_process("--articles", str(ARTICLES)) as (_, base_url):
        stats_file = tmp_path / "stats.json"
        crawl = subprocess.Popen(
            [sys.executable, "-m", "newscrawl.cli", "crawl", "cancernetwork", "-a", f"base_url={base_url}",
             "-s", "LOG_LEVEL=WARNING", "-s", f"NEWSCRAWL_STATS_FILE={stats_file}",
             "-s", "NEWSCRAWL_EXTRACT_WORKERS=1",
             "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp_path / 'output'}",
             "-s", f"NEWSCRAWL_STATE_DIR={tmp_path / 'state'}"],
            cwd=ROOT, stderr=subprocess.PIPE, text=True,
        )
        killed: list[int] = []
        state = tmp_path / "state" / "cancernetwork.sqlite3"
        staged_at_kill = -19  # the first kill: once articles are staged
        deadline = time.monotonic() + 120
        while len(killed) < 2 and crawl.poll() is None and time.monotonic() < deadline:
            fresh = [pid for pid in _workers(crawl.pid) if pid not in killed]
            # kill a worker once its replacement has surely finished the page the last one died
            # on (a page in hand at two deaths is failed on purpose: it may be what kills
            # workers). Pages are extracted in the order they reach the worker, and at most
            # CONCURRENT_REQUESTS (16) wait for it, so 20 more staged articles are enough.
            if fresh and _staged(state) >= staged_at_kill + 20:
                os.kill(fresh[0], signal.SIGKILL)
                killed.append(fresh[0])
                staged_at_kill = _staged(state)
            time.sleep(0.02)
        _, stderr = crawl.communicate(timeout=600)
    assert len(killed) == 2, "the crawl ended before two workers could be killed"
    assert crawl.returncode == 0, stderr[-3000:]
    stats = json.loads(stats_file.read_text("utf-8"))
    assert stats["newscrawl/extraction/worker_died"] == 2
    assert stats.get("newscrawl/spider/extract_error", 0) == 0
    (feed,) = (tmp_path / "output" / "cancernetwork").glob("*.jsonl")
    items = [json.loads(line) for line in feed.read_text("utf-8").splitlines()]
    truth = list(truth_records(articles=ARTICLES, base_url=base_url))
    original = {path_of(record["canonicalUrl"]): n for n, record in enumerate(truth)}
    seen = [original.get(path_of(item["canonicalUrl"])) for item in items]
    assert None not in seen, "an output line is not the original of a truth article"
    assert len(seen) == len(set(seen)), "an article was exported twice"
    assert set(seen) == set(range(len(truth))), "an article was lost"
