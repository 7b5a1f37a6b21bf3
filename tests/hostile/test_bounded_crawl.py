"""Crawls of an endless or oversized hostile site end by themselves (issue 13, items 2 and 8,
"Bounded crawls"): each limit stops what it bounds, the run exports what it found and ends
degraded (exit 4) with the limit named on stderr and in the manifest. Sitemaps up to the
protocol's 50 MB and gzipped sitemap files are read (item 8; issue 12). The URLs a site
advertises wait on disk, not in memory (item 3)."""

from __future__ import annotations

import re
from pathlib import Path

from newscrawl.frontier import OWNER_LOCK, SCRATCH_PREFIX

from .conftest import Run, crawl
from .site import (
    ADVERTISED_ARTICLES,
    GRAPH_FAN_OUT,
    GZIP_SITEMAP_ARTICLES,
    HUGE_SITEMAP_ARTICLES,
    HUGE_SITEMAP_BYTES,
    HostileSite,
)

#: a crawl that ignores its limits never ends: the subprocess timeout fails the test
TIMEOUT = 90


def slugs(result: Run) -> set[str]:
    return {line["url"].rsplit("/", 1)[1] for line in result.lines()}


def degraded_by(result: Run, *settings: str) -> None:
    """Exit 4, and every limit named on the last stderr line and in the manifest's reasons."""
    assert result.returncode == 4, result.stderr[-3000:]
    last = result.stderr.strip().splitlines()[-1]
    reasons = result.manifest()["reasons"]
    for setting in settings:
        assert f"limit reached: {setting}=" in last, last
        assert any(r.startswith(f"limit reached: {setting}=") for r in reasons), reasons


def peak_rss_mb(report: Path) -> float:
    """The maximum resident set size ``/usr/bin/time -v -o report`` wrote, in MB."""
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report.read_text())
    assert match, report.read_text()
    return int(match.group(1)) / 1024


def test_endless_listing_and_self_extending_sitemap_stop_at_their_depth(tmp_path: Path) -> None:
    with HostileSite(["plain", "endless-listing", "self-extending-sitemap", "huge-sitemap",
                      "gzip-sitemap"]) as site:
        result = crawl(site.base_url, tmp_path, "NEWSCRAWL_MAX_LISTING_DEPTH=4",
                       "NEWSCRAWL_MAX_SITEMAP_DEPTH=4", timeout=TIMEOUT)
        requests = list(site.requests)
    degraded_by(result, "NEWSCRAWL_MAX_LISTING_DEPTH", "NEWSCRAWL_MAX_SITEMAP_DEPTH")
    assert sorted(r for r in requests if r.startswith("/news")) == [f"/news?page={n}" for n in (1, 2, 3, 4)]
    # /sitemap-news.xml (1) -> grow-1 (2) -> grow-2 (3) -> grow-3 (4); grow-4 is one too deep
    assert "/sitemaps/grow-3.xml" in requests and "/sitemaps/grow-4.xml" not in requests
    found = slugs(result)
    assert {"endless-1", "endless-2", "endless-3", "endless-4", "grown-1", "grown-2"} <= found
    assert "endless-5" not in found and "grown-3" not in found
    stats = result.stats()
    assert stats["newscrawl/limits/refused/NEWSCRAWL_MAX_LISTING_DEPTH"] == 1
    # what the limits leave alone is read: a sitemap over DOWNLOAD_MAXSIZE, a gzipped one
    assert {f"huge-sitemap-{n}" for n in range(HUGE_SITEMAP_ARTICLES)} <= found
    assert {f"gzip-sitemap-{n}" for n in range(GZIP_SITEMAP_ARTICLES)} <= found
    assert not any("SITEMAP_MAX_BYTES" in r for r in result.manifest()["reasons"])


def test_endless_link_graph_stops_at_max_requests_with_a_bounded_frontier(tmp_path: Path) -> None:
    with HostileSite(["plain", "endless-graph"]) as site:
        result = crawl(site.base_url, tmp_path, "NEWSCRAWL_MAX_REQUESTS=40", "NEWSCRAWL_MAX_FRONTIER=12",
                       wrap=["/usr/bin/time", "-v", "-o", str(tmp_path / "time.txt")], timeout=TIMEOUT)
        requests = len(site.requests)
    degraded_by(result, "NEWSCRAWL_MAX_REQUESTS", "NEWSCRAWL_MAX_FRONTIER")
    assert result.manifest()["finishReason"] == "newscrawl_limit"
    assert "run did not complete" not in " ".join(result.manifest()["reasons"])
    assert requests <= 40 + 1  # robots.txt is fetched outside the scheduler
    graph = [s for s in slugs(result) if s.startswith("graph-")]
    assert len(graph) >= 20  # what it fetched is exported
    stats = result.stats()
    assert stats["newscrawl/limits/refused/NEWSCRAWL_MAX_FRONTIER"] > GRAPH_FAN_OUT
    assert stats["newscrawl/limits/refused/NEWSCRAWL_MAX_REQUESTS"] >= 1  # left in the frontier
    assert peak_rss_mb(tmp_path / "time.txt") < 400


def test_a_sitemap_over_its_cap_degrades_the_run_and_names_the_limit(tmp_path: Path) -> None:
    with HostileSite(["plain", "huge-sitemap", "gzip-sitemap"]) as site:
        # over the plain and the huge sitemap as downloaded; over the gzipped one only unpacked
        packed = len(site.site.routes["/sitemap-extra.xml.gz"]("", {})[2])
        assert packed < 200 < HUGE_SITEMAP_BYTES
        result = crawl(site.base_url, tmp_path, "NEWSCRAWL_SITEMAP_MAX_BYTES=200", timeout=TIMEOUT)
    degraded_by(result, "NEWSCRAWL_SITEMAP_MAX_BYTES")
    found = slugs(result)
    assert {"plain-story-0", "plain-story-1", "plain-story-2"} <= found  # also on the listing
    assert not any(s.startswith(("huge-sitemap-", "gzip-sitemap-")) for s in found)
    assert result.stats()["newscrawl/limits/refused/NEWSCRAWL_SITEMAP_MAX_BYTES"] == 3
    assert result.manifest()["requests"]["errors"] == 0  # refused by the limit, not failed downloads


def test_advertised_urls_wait_on_disk_and_the_frontier_folder_is_removed(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    orphan = scratch / f"{SCRATCH_PREFIX}killed"  # a run killed with kill -9 left it (its lock is free)
    orphan.mkdir(parents=True)
    (orphan / OWNER_LOCK).touch()
    with HostileSite(["plain", "advertised-sitemap"]) as site:
        result = crawl(site.base_url, tmp_path / "run", "NEWSCRAWL_MAX_REQUESTS=60",
                       env={"TMPDIR": str(scratch)}, timeout=TIMEOUT)
    degraded_by(result, "NEWSCRAWL_MAX_REQUESTS")
    stats = result.stats()
    assert stats["scheduler/enqueued/disk"] >= ADVERTISED_ARTICLES
    assert "scheduler/enqueued/memory" not in stats
    assert stats["newscrawl/limits/refused/NEWSCRAWL_MAX_REQUESTS"] >= ADVERTISED_ARTICLES - 60
    assert len(result.lines()) >= 30  # what it fetched is exported
    assert list(scratch.iterdir()) == []  # the disk queue's folder is gone with the run, the orphan too
    assert stats["newscrawl/frontier/orphans_removed"] == 1
