"""Exit codes that never lie (issue 13, items 5, 6 and 11): real crawl subprocesses on a
hostile loopback site, with read-only or full folders made by the kernel (see ``sandbox``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import crawl
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

