"""Real Scrapy subprocess runs of the run machinery against a tiny static site.

Covers what does not depend on the twin's content: incremental repeat runs, versions, 304s,
exit codes (locked, corrupt, unreachable, bad settings, degraded), ignore/reset modes, kill -9
of a real crawl and JOBDIR pause/resume -- each run a separate process.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from newscrawl.feeds import manifest_path
from newscrawl.state import RunLock, StateStore

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import minisite  # noqa: E402 - beside this test, importable once HERE is on sys.path
from twinproc import Releasing, Staging, kill_runs, wait_for_staged  # noqa: E402 - (as above)

ENV = dict(os.environ, PYTHONPATH=str(ROOT))


class Site:
    def __init__(self, root: Path, work: Path, base_url: str) -> None:
        self.root, self.work, self.base_url = root, work, base_url

    def crawl(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(HERE / "minisite.py"), "crawl", self.base_url, str(self.work), *args],
            capture_output=True, text=True, env=ENV, timeout=timeout,
        )

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, str(HERE / "minisite.py"), "crawl", self.base_url, str(self.work), *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
        )

    @property
    def out(self) -> Path:
        return self.work / "output" / "mini"

    def files(self) -> list[Path]:
        return sorted(self.out.glob("*.jsonl"))

    def lines(self, path: Path) -> list[dict[str, Any]]:
        raw = path.read_bytes()
        assert raw == b"" or raw.endswith(b"\n"), f"torn line in finished file {path}"
        return [json.loads(x) for x in raw.splitlines()]

    def last(self) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        newest = max(self.files(), key=lambda p: p.stat().st_mtime_ns)
        return self.lines(newest), json.loads(manifest_path(newest).read_text())

    def stats(self) -> dict[str, Any]:
        return json.loads((self.work / "stats.json").read_text())

    @property
    def state_db(self) -> Path:
        return self.work / "state" / "mini.sqlite3"


def start_server(root: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()  # "Serving HTTP on 127.0.0.1 port N (...)"
    port = int(first.split(" port ")[1].split()[0])
    return proc, f"http://127.0.0.1:{port}"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    root, work = tmp_path / "site", tmp_path / "work"
    work.mkdir()
    minisite.build_site(root, 60, day=0)
    proc, base = start_server(root)
    try:
        yield Site(root, work, base)
    finally:
        proc.kill()
        proc.wait()


def test_repeat_and_next_day_runs(site: Site) -> None:
    first = site.crawl()
    assert first.returncode == 0, first.stderr[-2000:]
    lines, manifest = site.last()
    assert len(lines) == 60 and {x["version"] for x in lines} == {1}
    assert manifest["outcome"] == "ok" and manifest["exitCode"] == 0 and manifest["lines"] == 60
    assert manifest["counts"]["new"] == 60
    first_requests = site.stats()["downloader/request_count"]

    again = site.crawl()
    assert again.returncode == 0, again.stderr[-2000:]
    lines, manifest = site.last()
    assert lines == [] and manifest["counts"]["exported"] == 0
    stats = site.stats()
    assert stats["downloader/request_count"] <= 3  # sitemap + first listing page (+1 slack)
    assert stats["newscrawl/incremental/listing_stopped"] == 1
    assert stats["downloader/request_count"] < first_requests / 10
    assert "exported 0 (new 0, changed 0)" in again.stderr  # the human summary

    minisite.build_site(site.root, 60, day=1)  # 6 changed, 6 new
    day1 = site.crawl()
    assert day1.returncode == 0, day1.stderr[-2000:]
    lines, manifest = site.last()
    by_version: dict[int, set[str]] = {}
    for x in lines:
        by_version.setdefault(x["version"], set()).add(x["url"].rsplit("/", 1)[1])
    assert by_version == {
        1: {f"story-{i}.html" for i in range(60, 66)},
        2: {f"story-{i}.html" for i in range(60) if i % 10 == 3},
    }
    assert manifest["counts"]["changed"] == 6 and manifest["counts"]["new"] == 6

    # across all runs: each (id, version) exactly once
    seen = [(x["id"], x["version"]) for f in site.files() for x in site.lines(f)]
    assert len(seen) == len(set(seen)) == 72


def test_not_modified_304_is_skipped_and_counted(site: Site) -> None:
    assert site.crawl().returncode == 0
    # the sitemap now claims story-5 changed, but the page did not: the server answers 304
    sitemap = site.root / "sitemap.xml"
    text = sitemap.read_text().replace(
        "<loc>/view/story-5.html</loc><lastmod>2025-06-01T12:00:00Z",
        "<loc>/view/story-5.html</loc><lastmod>2025-06-20T12:00:00Z",
    )
    sitemap.write_text(text)
    result = site.crawl()
    assert result.returncode == 0, result.stderr[-2000:]
    stats = site.stats()
    assert stats["newscrawl/incremental/not_modified"] == 1
    assert stats.get("downloader/response_status_count/304") == 1
    assert site.last()[0] == []
    # the new lastmod was remembered: a third run does not ask again
    assert site.crawl().returncode == 0
    assert site.stats().get("newscrawl/incremental/not_modified", 0) == 0


def test_second_run_while_one_holds_the_lock_exits_3(site: Site) -> None:
    lock = RunLock(site.work / "state" / "mini.lock")
    lock.acquire("someone-else")
    try:
        started = time.monotonic()
        result = site.crawl()
        assert result.returncode == 3
        assert "failed start: state is locked by another run" in result.stderr
        assert time.monotonic() - started < 30
        assert not site.out.exists() or site.files() == []
    finally:
        lock.release()


def test_corrupt_state_exits_3_and_is_kept(site: Site) -> None:
    state = site.work / "state" / "mini.sqlite3"
    state.parent.mkdir(parents=True)
    state.write_bytes(b"definitely not sqlite" * 50)
    result = site.crawl()
    assert result.returncode == 3
    assert "corrupt" in result.stderr and str(state) in result.stderr
    assert state.read_bytes() == b"definitely not sqlite" * 50
    reset = site.crawl("-s", "NEWSCRAWL_STATE_RESET=1")  # only an explicit reset clears it
    assert reset.returncode == 0, reset.stderr[-2000:]
    assert len(site.last()[0]) == 60


@pytest.mark.parametrize(
    "args",
    [("-s", "NEWSCRAWL_STATE_FORGET_DAYS=soon"), ("-s", "NEWSCRAWL_DEGRADED_ERROR_RATIO=7"),
     ("-a", "state=maybe")],
    ids=["forget-days", "ratio", "state-arg"],
)
def test_bad_settings_exit_2(site: Site, args: tuple[str, str]) -> None:
    result = site.crawl(*args)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "bad " in result.stderr.splitlines()[-1]


def test_unreachable_site_exits_3(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    dead = Site(tmp_path, work, "http://127.0.0.1:9")  # discard port: connection refused
    result = dead.crawl()
    assert result.returncode == 3, result.stderr[-2000:]
    assert "site unreachable" in result.stderr


def test_zero_articles_where_site_shows_new_ones_is_degraded(site: Site) -> None:
    for page in (site.root / "view").iterdir():
        page.write_text("<html><body><h1>Down for maintenance</h1></body></html>")  # no body
    (site.root / "view" / "story-7.html").unlink()
    pipelines = {"newscrawl.pipelines.validate.RequiredFieldsPipeline": 300, **minisite.PIPELINES}
    result = site.crawl("-s", f"ITEM_PIPELINES={json.dumps(pipelines)}")
    assert result.returncode == 4, result.stderr[-2000:]
    _, manifest = site.last()
    assert manifest["outcome"] == "degraded" and manifest["exitCode"] == 4
    assert any("zero articles" in r for r in manifest["reasons"])
    assert any("without a body" in r for r in manifest["reasons"])


def test_boilerplate_learned_in_one_run_is_stripped_from_the_next_runs_first_article(site: Site) -> None:
    rail = "Pembrolizumab Combination Extends Survival in Cervical Cancer"
    pipelines = {"newscrawl.pipelines.boilerplate.BoilerplatePipeline": 200, **minisite.PIPELINES}
    args = ("-s", f"ITEM_PIPELINES={json.dumps(pipelines)}", "-s", "CONCURRENT_REQUESTS=1")
    minisite.build_site(site.root, 20, day=0, rail=rail)
    first = site.crawl(*args)
    assert first.returncode == 0, first.stderr[-2000:]
    lines, _ = site.last()
    assert len(lines) == 20 and 0 < sum(rail in x["articleBody"] for x in lines) < 20  # learned in the run
    minisite.build_site(site.root, 20, day=1, rail=rail)  # 2 new, 2 changed
    second = site.crawl(*args)
    assert second.returncode == 0, second.stderr[-2000:]
    lines, _ = site.last()
    assert len(lines) == 4 and all(x["articleBody"].startswith("Paragraph 0") for x in lines)
    assert [x["url"] for x in lines if rail in x["articleBody"]] == []
    assert site.stats()["newscrawl/boilerplate/repeated_blocks_loaded"] == 1


def test_ignore_mode_reexports_with_same_versions_and_keeps_state(site: Site) -> None:
    assert site.crawl().returncode == 0
    ignored = site.crawl("-a", "state=ignore")
    assert ignored.returncode == 0, ignored.stderr[-2000:]
    lines, manifest = site.last()
    assert len(lines) == 60 and {x["version"] for x in lines} == {1}
    assert manifest["state"]["ignored"] is True
    assert manifest["counts"]["reexported"] == 60 and manifest["counts"]["new"] == 0
    assert site.crawl().returncode == 0
    assert site.last()[0] == []  # state still intact


def test_forget_days_bounds_state_without_reexporting(site: Site) -> None:
    # site dates are June 2025: with a 30-day window they are all outside it
    assert site.crawl().returncode == 0
    result = site.crawl("-s", "NEWSCRAWL_STATE_FORGET_DAYS=30")
    assert result.returncode == 0, result.stderr[-2000:]
    with StateStore(site.work / "state" / "mini.sqlite3").open() as store:
        assert store.article_count() == 0
    assert site.last()[0] == []  # forgotten articles are not exported again
    assert site.stats()["newscrawl/incremental/skipped_too_old"] == 60


@pytest.mark.timeout(150)
def test_killed_crawls_then_rerun_deliver_each_article_once(tmp_path: Path) -> None:
    root, work = tmp_path / "site", tmp_path / "work"
    work.mkdir()
    minisite.build_site(root, 300, day=0)
    server, base = start_server(root)
    site = Site(root, work, base)
    rng = random.Random(5)
    # one fsync per line keeps the release at the end of the run long enough for its kill to
    # land even on a quiet machine (with 7 lines per fsync a fast run released everything first)
    slow = ("-s", "CONCURRENT_REQUESTS=2", "-s", "NEWSCRAWL_FEED_FSYNC_ITEMS=1")
    # killed while staging (the staged candidates are taken back by the next run) and while
    # releasing them at the end (the next run recovers the .part and releases the rest)
    moments = [Staging(100), Releasing(5 * 600 + 1), Staging(100), Releasing(3 * 600 + 1)]
    try:
        kills = kill_runs(lambda: site.popen(*slow), site.out, moments, state_db=site.state_db,
                          rng=rng, pause=0.2, timeout=30,
                          check=lambda: [site.lines(f) for f in site.files()])  # never a torn line
        assert kills == 4
        final = site.crawl()
        assert final.returncode == 0, final.stderr[-2000:]
        assert not list(site.out.glob("*.part"))
        counts: dict[str, int] = {}
        recovered = 0
        for f in site.files():
            for x in site.lines(f):
                counts[x["url"]] = counts.get(x["url"], 0) + 1
            recovered += json.loads(manifest_path(f).read_text())["recovered"]
        assert len(counts) == 300, f"missing {300 - len(counts)}"
        assert max(counts.values()) == 1
        assert recovered >= 1
        again = site.crawl()
        assert again.returncode == 0 and site.last()[0] == []
    finally:
        server.kill()
        server.wait()


def test_jobdir_pause_and_resume(tmp_path: Path) -> None:
    root, work = tmp_path / "site", tmp_path / "work"
    work.mkdir()
    minisite.build_site(root, 200, day=0)
    server, base = start_server(root)
    site = Site(root, work, base)
    jobdir = ("-s", f"JOBDIR={work / 'job'}", "-s", "CONCURRENT_REQUESTS=1")
    try:
        proc = site.popen(*jobdir)
        wait_for_staged(site.state_db, proc, 100, timeout=30)
        proc.send_signal(signal.SIGINT)  # Ctrl-C: graceful pause, what was staged is released
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 4, err[-2000:]  # interrupted: not a complete run
        paused, manifest = site.last()
        assert 0 < len(paused) < 200 and "did not complete" in manifest["reasons"][0]
        resumed = site.crawl(*jobdir)
        assert resumed.returncode == 0, resumed.stderr[-2000:]
        urls = [x["url"] for f in site.files() for x in site.lines(f)]
        assert len(urls) == len(set(urls)) == 200
    finally:
        server.kill()
        server.wait()


def test_killed_run_part_elsewhere_is_recovered_through_the_state(tmp_path: Path) -> None:
    root, work = tmp_path / "site", tmp_path / "work"
    work.mkdir()
    minisite.build_site(root, 150, day=0)
    server, base = start_server(root)
    site = Site(root, work, base)
    extra = work / "adhoc" / "x.jsonl"
    feeds = json.dumps({str(extra): {"format": "jsonlines"}})
    try:
        part = extra.with_name("x.jsonl.part")
        killed = kill_runs(lambda: site.popen("-s", f"FEEDS={feeds}", "-s", "CONCURRENT_REQUESTS=1",
                                              "-s", "NEWSCRAWL_FEED_FSYNC_ITEMS=3"),
                           extra.parent, [10 * 600], timeout=30)
        assert killed == 1
        assert part.exists() and not extra.exists()
        result = site.crawl()  # default feed only: not the folder of the killed run's file
        assert result.returncode == 0, result.stderr[-2000:]
        assert extra.exists() and not part.exists()
        assert json.loads(manifest_path(extra).read_text())["recovered"] is True
        first = [x["url"] for x in site.lines(extra)]
        rest = [x["url"] for f in site.files() for x in site.lines(f)]
        assert first and len(first) + len(rest) == len(set(first) | set(rest)) == 150
    finally:
        server.kill()
        server.wait()
