"""Exit codes that never lie (issue 13, items 5, 6 and 11): real crawl subprocesses on a
hostile loopback site, with read-only or full folders made by the kernel (see ``sandbox``)."""

from __future__ import annotations

import contextlib
import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from newscrawl.feeds import manifest_path

from .conftest import Run, crawl, staged_rows, start_crawl, wait_for_staged
from .sandbox import mounts_available, namespace
from .site import HostileSite

needs_mounts = pytest.mark.skipif(not mounts_available(), reason="needs unshare -m and mount (root)")
DEAD = "http://127.0.0.1:9"  # the discard port: nothing answers, and a failed start sends nothing


@pytest.fixture(scope="module")
def site() -> Iterator[HostileSite]:
    with HostileSite(["plain"]) as running:
        yield running


def test_bad_scrapy_setting_is_named_and_exits_2(tmp_path: Path) -> None:
    run = crawl(DEAD, tmp_path, "DOWNLOAD_MAXSIZE=abc")
    assert run.returncode == 2, run.stderr[-2000:]
    assert "bad setting DOWNLOAD_MAXSIZE='abc'" in run.stderr.splitlines()[-1]


def test_empty_state_file_exits_3_and_is_kept(tmp_path: Path) -> None:
    state = tmp_path / "state" / "cancernetwork.sqlite3"
    state.parent.mkdir(parents=True)
    state.write_bytes(b"")
    run = crawl(DEAD, tmp_path)
    assert run.returncode == 3, run.stderr[-2000:]
    assert "empty (0 bytes)" in run.stderr.splitlines()[-1]
    assert state.read_bytes() == b""


@needs_mounts
def test_read_only_state_folder_exits_3(tmp_path: Path, site: HostileSite) -> None:
    state = tmp_path / "state"
    state.mkdir()
    run = crawl(site.base_url, tmp_path, wrap=namespace(read_only=[state]))
    assert run.returncode == 3, run.stderr[-2000:]
    last = run.stderr.splitlines()[-1]
    assert "failed start" in last and "cannot write the state folder" in last and "Read-only" in last


@needs_mounts
def test_read_only_output_folder_fails_with_exit_3(tmp_path: Path, site: HostileSite) -> None:
    out = tmp_path / "output"
    out.mkdir()
    run = crawl(site.base_url, tmp_path, wrap=namespace(read_only=[out]))
    assert run.returncode == 3, run.stderr[-3000:]
    last = run.stderr.splitlines()[-1]
    assert last.startswith("newscrawl crawl: failed (exit 3): output could not be written")
    assert "Read-only file system" in last
    assert "FAILED (exit 3)" in run.stderr  # the run's summary says the same


@needs_mounts
def test_full_output_disk_fails_with_exit_3_and_says_so(tmp_path: Path, site: HostileSite) -> None:
    out = tmp_path / "output"
    out.mkdir()
    run = crawl(site.base_url, tmp_path, wrap=namespace(full=[(out, 12 * 1024)]))  # room for a line or two
    assert run.returncode == 3, run.stderr[-3000:]
    last = run.stderr.splitlines()[-1]
    assert last.startswith("newscrawl crawl: failed (exit 3): output could not be written")
    assert "No space left on device" in last
    assert "FAILED (exit 3)" in run.stderr


@pytest.fixture(scope="module")
def slow_site() -> Iterator[HostileSite]:
    with HostileSite(["slow"]) as running:
        yield running


def manifests_agree(run: Run, exit_code: int) -> None:
    """Every file the run finished has a manifest with its exit code and its number of lines."""
    for path in run.files():
        manifest = json.loads(manifest_path(path).read_text("utf-8"))
        assert manifest["exitCode"] == exit_code and manifest["outcome"] == "degraded"
        assert manifest["lines"] == path.read_bytes().count(b"\n")


def test_forced_shutdown_exits_4_and_keeps_what_it_found(tmp_path: Path, slow_site: HostileSite) -> None:
    """Stopped at once while crawling: what it found is staged in the state (lines are written when
    the run has seen every page, docs/dedup.md); the run says it did not complete, any file it
    finished says the same, and the staged articles stay for the next run."""
    proc = start_crawl(slow_site.base_url, tmp_path)
    wait_for_staged(tmp_path, proc, 1)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.05)
    proc.send_signal(signal.SIGINT)  # twice: Scrapy stops at once, without closing the spider
    _, stderr = proc.communicate(timeout=60)
    run = Run(proc.returncode, "", stderr, tmp_path)
    assert run.returncode == 4, stderr[-3000:]
    manifests_agree(run, 4)
    staged = staged_rows(tmp_path)
    assert staged >= 1, "the staged articles are kept for the next run"
    assert f"staged, not yet released: {staged} candidates" in stderr  # the summary says so
    assert stderr.splitlines()[-1].startswith("newscrawl crawl: degraded (exit 4): run did not complete")


def test_interrupts_during_teardown_never_contradict_the_manifest(tmp_path: Path, slow_site: HostileSite) -> None:
    proc = start_crawl(slow_site.base_url, tmp_path)
    wait_for_staged(tmp_path, proc, 1)
    proc.send_signal(signal.SIGINT)
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:  # Ctrl-C again and again
        time.sleep(0.02)
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    run = Run(proc.returncode, "", stderr, tmp_path)
    assert run.returncode == 4, stderr[-3000:]
    manifests_agree(run, 4)
