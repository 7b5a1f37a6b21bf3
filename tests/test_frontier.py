"""The duplicate filter keeps its fingerprints in SQLite, not in memory, with Scrapy's answers
(issue 13, item 3); with a JOBDIR they outlive the run, so a resumed crawl still knows them."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pytest
from newscrawl.frontier import SEEN_FILE, DiskDupeFilter, FrontierScheduler
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
