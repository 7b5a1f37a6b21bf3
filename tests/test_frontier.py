"""The duplicate filter keeps its fingerprints in SQLite, not in memory, with Scrapy's answers
(issue 13, item 3); with a JOBDIR they outlive the run, so a resumed crawl still knows them."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from newscrawl.frontier import (
    OWNER_LOCK,
    SCRATCH_PREFIX,
    SEEN_FILE,
    DiskDupeFilter,
    FrontierScheduler,
    remove_orphaned_scratch,
)
from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.test import get_crawler


def test_seen_requests_match_scrapys_filter_without_a_set_in_memory() -> None:
    disk, memory = DiskDupeFilter(), RFPDupeFilter()
    urls = ["https://a.example/view/1", "https://a.example/view/2", "https://a.example/view/1",
            "https://a.example/view/1?", "https://a.example/view/2#x", "https://a.example/view/3"]
    assert [disk.request_seen(Request(u)) for u in urls] == [memory.request_seen(Request(u)) for u in urls]
    assert [disk.request_seen(Request(u)) for u in urls] == [True] * len(urls)
    assert disk._fingerprints == set()  # Scrapy's in-memory set stays empty
    disk.close("finished")


def test_with_a_jobdir_the_fingerprints_outlive_the_run(tmp_path: Path) -> None:
    first = DiskDupeFilter(str(tmp_path))
    assert not first.request_seen(Request("https://a.example/view/1"))
    first.close("shutdown")
    with sqlite3.connect(tmp_path / SEEN_FILE) as db:
        assert db.execute("SELECT COUNT(*) FROM seen").fetchone() == (1,)
    resumed = DiskDupeFilter(str(tmp_path))
    assert resumed.request_seen(Request("https://a.example/view/1"))
    assert not resumed.request_seen(Request("https://a.example/view/2"))
    resumed.close("finished")


def test_a_scheduler_built_but_never_opened_leaves_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The frontier's queue folder (under TMPDIR, without a JOBDIR) is made when the run opens."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    crawler = get_crawler(settings_dict={"SCHEDULER": "newscrawl.frontier.FrontierScheduler"})
    FrontierScheduler.from_crawler(crawler)
    assert list(tmp_path.iterdir()) == []


LOCK_AND_WAIT = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_CREAT | os.O_RDWR)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(60)
"""


def test_the_folders_of_killed_runs_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    """A run killed with ``kill -9`` cannot delete its frontier folder; the next run does, and
    never one whose run is alive (it holds the lock) or that a run has just made."""
    folders = {name: tmp_path / f"{SCRATCH_PREFIX}{name}" for name in ("alive", "killed", "old", "new")}
    for folder in folders.values():
        folder.mkdir()
        (folder / "queue").write_bytes(b"x")
    owners = {name: subprocess.Popen([sys.executable, "-c", LOCK_AND_WAIT, str(folders[name] / OWNER_LOCK)],
                                     stdout=subprocess.PIPE, text=True) for name in ("alive", "killed")}
    try:
        for proc in owners.values():
            assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        owners["killed"].kill()
        owners["killed"].wait()
        hours_ago = time.time() - 2 * 3600
        os.utime(folders["old"], (hours_ago, hours_ago))  # no lock file: made before runs locked theirs
        assert remove_orphaned_scratch(str(tmp_path)) == 2
        assert sorted(p.name for p in tmp_path.iterdir()) == [folders["alive"].name, folders["new"].name]
    finally:
        for proc in owners.values():
            proc.kill()
            proc.wait()
