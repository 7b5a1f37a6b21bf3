"""Delivery of finished files to real servers on loopback: FTP (pyftpdlib) and S3 (moto's server).

Every crawl is a real ``newscrawl crawl`` subprocess against the twin in its own process, with
the state on: deliveries are planned when a file opens, done after it is finished (data file,
then manifest), recorded in the state, and a file not delivered (server down, run killed in the
middle of an upload) is delivered by the next run.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "runs"))
from servers import S3_SETTINGS, FtpServer, S3Server
from twinproc import Twin, Workdir, wait_for_part

ARTICLES = 25
#: quick retries; the small twin's few deliberate errors are no concern of these tests
FAST_RETRY = ("-s", "NEWSCRAWL_DELIVERY_RETRIES=1", "-s", "NEWSCRAWL_DELIVERY_RETRY_DELAY=0.2",
              "-s", "NEWSCRAWL_DELIVERY_TIMEOUT=5", "-s", "NEWSCRAWL_DEGRADED_ERROR_RATIO=0.5")


@pytest.fixture(scope="module")
def twin() -> Iterator[Twin]:
    running = Twin(ARTICLES, seed=5).start(day=0)
    try:
        yield running
    finally:
        running.stop()


def deliveries(work: Workdir) -> list[tuple[str, str, str]]:
    with sqlite3.connect(work.path / "state" / "cancernetwork.sqlite3") as db:
        return [(Path(p).name, t, s) for p, t, s in db.execute("SELECT path, target, status FROM deliveries")]


def delivered_copy(local: Path, remote: Path) -> bool:
    """The remote file and its manifest equal the local ones."""
    manifest = local.with_name(local.name + ".manifest.json")
    remote_manifest = remote.with_name(remote.name + ".manifest.json")
    return (remote.is_file() and remote.read_bytes() == local.read_bytes()
            and remote_manifest.is_file() and remote_manifest.read_bytes() == manifest.read_bytes())


def test_ftp_server_down_then_the_next_run_delivers(tmp_path: Path, twin: Twin) -> None:
    ftp = FtpServer(tmp_path / "ftp")  # not started yet: the first run finds nobody listening
    work = Workdir(tmp_path / "deploy")
    target = ("-s", f"NEWSCRAWL_DELIVER_TO={ftp.uri('incoming/cn')}", *FAST_RETRY)
    remote_dir = tmp_path / "ftp" / "incoming" / "cn"
    try:
        down = work.crawl(twin, *target)
        assert down.returncode == 5, down.stderr[-2000:]
        assert "not delivered" in down.stderr and "secret" not in down.stderr  # password redacted
        (first,) = work.files()
        assert json.loads(first.with_name(first.name + ".manifest.json").read_text())["exitCode"] == 0
        assert deliveries(work) == [(first.name, ftp.uri("incoming/cn/") + first.name, "pending")]
        assert not remote_dir.exists()

        ftp.start()  # back: the next run delivers the pending file, then its own
        later = work.crawl(twin, "-a", "state=ignore", *target)
        assert later.returncode == 0, later.stderr[-2000:]
        files = work.files()
        assert len(files) == 2
        for path in files:
            assert delivered_copy(path, remote_dir / path.name), path.name
        assert {s for _, _, s in deliveries(work)} == {"delivered"}
    finally:
        ftp.stop()


def test_a_run_killed_in_the_middle_of_an_upload(tmp_path: Path, twin: Twin) -> None:
    slow = FtpServer(tmp_path / "ftp", limit=10_000).start()  # about 10 kB/s: an upload takes seconds
    work = Workdir(tmp_path / "deploy")
    target = ("-s", f"NEWSCRAWL_DELIVER_TO={slow.uri('cn')}", *FAST_RETRY)
    remote_dir = tmp_path / "ftp" / "cn"
    try:
        run = work.popen(twin, "-a", "state=ignore", *target)
        deadline = time.monotonic() + 120
        partial = None
        while run.poll() is None and time.monotonic() < deadline:
            found = [p for p in remote_dir.glob("*.jsonl.part")] if remote_dir.is_dir() else []
            if found and found[0].stat().st_size > 0:
                partial = found[0]
                break
            time.sleep(0.05)
        assert partial is not None, "the upload never started"
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
        (local,) = work.files()
        assert partial.stat().st_size < local.stat().st_size  # killed in the middle
        assert list(remote_dir.glob("*.jsonl")) == []  # nothing under the final name: a reader sees no file
        assert [(n, s) for n, _, s in deliveries(work)] == [(local.name, "pending")]
    finally:
        slow.stop()
    fast = FtpServer(tmp_path / "ftp", port=slow.port).start()
    try:
        again = work.crawl(twin, *target)
        assert again.returncode == 0, again.stderr[-2000:]
        for path in work.files():
            assert delivered_copy(path, remote_dir / path.name), path.name
        assert list(remote_dir.glob("*.part")) == []  # the cut upload's temporary file was replaced
    finally:
        fast.stop()


def test_s3_remote_feed_uri_is_written_locally_then_delivered(tmp_path: Path, twin: Twin) -> None:
    s3 = S3Server()  # not started yet: the first run cannot deliver
    work = Workdir(tmp_path / "deploy")
    credentials = [x for name, value in S3_SETTINGS.items() for x in ("-s", f"{name}={value}")]
    feed = ("-o", "s3://news/cancernetwork/%(time)s.jsonl", "-s", f"AWS_ENDPOINT_URL={s3.endpoint}",
            *credentials, *FAST_RETRY)
    local_dir = work.path / "output" / "deliver" / "s3" / "news" / "cancernetwork"
    try:
        down = work.crawl(twin, *feed)
        assert down.returncode == 5, down.stderr[-2000:]
        assert work.files() == []  # -o replaced the default feed
        (first,) = sorted(local_dir.glob("*.jsonl"))
        assert deliveries(work) == [(first.name, f"s3://news/cancernetwork/{first.name}", "pending")]

        s3.start()
        s3.client().create_bucket(Bucket="news")
        later = work.crawl(twin, "-a", "state=ignore", *feed)
        assert later.returncode == 0, later.stderr[-2000:]
        files = sorted(local_dir.glob("*.jsonl"))
        assert len(files) == 2
        for local in files:
            key = f"cancernetwork/{local.name}"
            body = s3.client().get_object(Bucket="news", Key=key)["Body"].read()
            manifest = s3.client().get_object(Bucket="news", Key=key + ".manifest.json")["Body"].read()
            assert body and body == local.read_bytes()
            assert manifest == local.with_name(local.name + ".manifest.json").read_bytes()
        assert {s for _, _, s in deliveries(work)} == {"delivered"}
    finally:
        s3.stop()


def test_a_file_left_unfinished_by_a_killed_run_is_finished_then_delivered(tmp_path: Path, twin: Twin) -> None:
    ftp = FtpServer(tmp_path / "ftp").start()
    work = Workdir(tmp_path / "deploy")
    target = ("-s", f"NEWSCRAWL_DELIVER_TO={ftp.uri('cn')}", *FAST_RETRY)
    try:
        run = work.popen(twin, *target)
        wait_for_part(work.out, run, 2000)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
        (part,) = work.parts()
        assert [s for _, _, s in deliveries(work)] == ["pending"]  # planned when the file opened

        again = work.crawl(twin, *target)
        assert again.returncode == 0, again.stderr[-2000:]
        recovered = part.with_name(part.name.removesuffix(".part"))
        assert recovered in work.files()
        for path in work.files():
            assert delivered_copy(path, tmp_path / "ftp" / "cn" / path.name), path.name
        assert {s for _, _, s in deliveries(work)} == {"delivered"}
    finally:
        ftp.stop()
