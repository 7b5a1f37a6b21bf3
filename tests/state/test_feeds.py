"""Crash-safe feed files: .part, fsync-then-commit, manifest, recovery; kill -9 at random."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from newscrawl.config import BadSettingsError
from newscrawl.feeds import (
    FEED_OPENED,
    DurableFile,
    DurableFileFeedStorage,
    find_parts,
    manifest_path,
    recover_part,
)
from newscrawl.state.extension import StateExtension
from newscrawl.state.session import StateSession
from scrapy import Spider
from scrapy.utils.test import get_crawler

HERE = Path(__file__).parent


def line(i: int) -> bytes:
    return (json.dumps({"id": f"id{i}", "version": 1, "url": f"https://e.org/view/{i}"}) + "\n").encode()


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    raw = path.read_bytes()
    assert raw == b"" or raw.endswith(b"\n"), f"{path} ends with a torn line"
    return [json.loads(x) for x in raw.splitlines()]


def test_commit_only_after_fsync_batches_and_finalize(tmp_path: Path) -> None:
    commits: list[list[str]] = []
    final = tmp_path / "out" / "run.jsonl"
    feed = DurableFile(final, jsonl=True, batch_items=3, batch_seconds=3600,
                       on_commit=lambda lines, f: commits.append([x["id"] for x in lines]),
                       run_info={"runId": "r1", "spider": "s"})
    part = final.with_name("run.jsonl.part")
    assert part.exists() and not final.exists()
    for i in range(7):
        feed.write(line(i))
    assert commits == [["id0", "id1", "id2"], ["id3", "id4", "id5"]]  # id6 not yet fsynced
    data = feed.finalize({"runId": "r1", "outcome": "ok"})
    assert commits[-1] == ["id6"]
    assert final.exists() and not part.exists()
    assert not list(final.parent.glob("*.run.json"))
    manifest = json.loads(manifest_path(final).read_text())
    assert manifest == data
    assert manifest["lines"] == 7 and manifest["runId"] == "r1" and manifest["recovered"] is False
    assert manifest["sha256"] == hashlib.sha256(final.read_bytes()).hexdigest()
    assert [x["id"] for x in read_jsonl(final)] == [f"id{i}" for i in range(7)]


def test_storage_without_a_crawler_finishes_itself(tmp_path: Path) -> None:
    target = tmp_path / "feeds" / "plain.jsonl"
    storage = DurableFileFeedStorage(f"file://{target}", feed_options={"format": "jsonlines"})
    handle = storage.open(None)  # type: ignore[arg-type]  # the storage does not use the spider
    handle.write(line(1))
    assert not target.exists()
    storage.store(handle)
    assert [x["id"] for x in read_jsonl(target)] == ["id1"]
    assert json.loads(manifest_path(target).read_text())["lines"] == 1
    unique = DurableFileFeedStorage(str(target), feed_options={"newscrawl_unique": True})
    assert unique.open(None).final_path.name == "plain-1.jsonl"  # type: ignore[arg-type]  # (as above)


def test_storage_in_a_crawl_records_lines_and_hands_the_file_over(tmp_path: Path) -> None:
    """Through a real crawler with the state on: lines reach the state after fsync, the part is
    registered while open, and a FEED_OPENED receiver that adopts the file finishes it."""
    crawler = get_crawler(Spider, {"NEWSCRAWL_STATE_DIR": str(tmp_path / "state"),
                                   "NEWSCRAWL_FEED_FSYNC_ITEMS": 2})
    crawler.spider = crawler._create_spider("s")
    state = StateExtension.from_crawler(crawler)
    opened: list[DurableFile] = []

    def adopt(file: DurableFile) -> None:  # held here: signal receivers are weak references
        file.adopt()
        opened.append(file)

    crawler.signals.connect(adopt, signal=FEED_OPENED)
    target = tmp_path / "out" / "a.jsonl"
    storage = DurableFileFeedStorage.from_crawler(crawler, str(target), feed_options={"format": "jsonlines"})
    handle = storage.open(crawler.spider)
    assert opened == [handle]
    assert state.session.store.open_parts() == [str(handle.part_path.resolve())]
    for i in range(3):
        handle.write(line(i))
    assert state.session.store.article_count() == 2  # one fsync batch of 2
    storage.store(handle)
    assert not target.exists()  # adopted: its adopter finishes it
    assert handle.finalize({"outcome": "ok"}) is not None and target.exists()
    assert state.session.store.article_count() == 3 and state.session.store.open_parts() == []
    state.close()


@pytest.mark.parametrize("value", [0, "many"])
def test_bad_fsync_batch_setting_is_refused(value: Any) -> None:
    crawler = get_crawler(Spider, {"NEWSCRAWL_FEED_FSYNC_ITEMS": value})
    with pytest.raises(BadSettingsError, match="NEWSCRAWL_FEED_FSYNC_ITEMS"):
        DurableFileFeedStorage.from_crawler(crawler, "x.jsonl")


def test_failed_commit_leaves_part_for_recovery(tmp_path: Path) -> None:
    def broken(lines: list[dict[str, Any]], f: str) -> None:
        raise OSError("disk full")

    final = tmp_path / "run.jsonl"
    feed = DurableFile(final, jsonl=True, on_commit=broken, batch_items=1, run_info={"spider": "s"})
    feed.write(line(1))
    assert feed.finalize({}) is None
    assert not final.exists() and final.with_name("run.jsonl.part").exists()
    got: list[str] = []
    result = recover_part(final.with_name("run.jsonl.part"),
                          on_commit=lambda lines, f: got.extend(x["id"] for x in lines))
    assert result is not None and got == ["id1"] and final.exists()


def test_recovery_cuts_torn_tail_and_garbage(tmp_path: Path) -> None:
    final = tmp_path / "run.jsonl"
    part = tmp_path / "run.jsonl.part"
    (tmp_path / "run.jsonl.part.run.json").write_text(json.dumps({"runId": "dead", "spider": "s"}))
    part.write_bytes(line(1) + b'{"id": "broken", "ver\n' + line(2) + b'{"id": "id3", "url": "ht')
    got: list[str] = []
    result = recover_part(part, on_commit=lambda lines, f: got.extend(x["id"] for x in lines), spider="s")
    assert result is not None and result.lines == 2 and result.bad_lines == 1
    assert got == ["id1", "id2"]
    assert [x["id"] for x in read_jsonl(final)] == ["id1", "id2"]
    manifest = json.loads(manifest_path(final).read_text())
    assert manifest["recovered"] is True and manifest["runId"] == "dead"
    assert manifest["sha256"] == hashlib.sha256(final.read_bytes()).hexdigest()
    assert not part.exists() and not find_parts(tmp_path)


def test_recovery_skips_foreign_and_live_parts(tmp_path: Path) -> None:
    foreign = tmp_path / "x.jsonl.part"
    foreign.write_bytes(line(1))  # no run info: not ours
    assert recover_part(foreign) is None and foreign.exists()
    other = tmp_path / "o.jsonl.part"
    other.write_bytes(line(1))
    (tmp_path / "o.jsonl.part.run.json").write_text(json.dumps({"spider": "another"}))
    assert recover_part(other, spider="mine") is None and other.exists()

    live = DurableFile(tmp_path / "live.jsonl", jsonl=True, run_info={"spider": "s"})
    live.write(line(1))
    script = (
        "import sys; from pathlib import Path; from newscrawl.feeds import recover_part;"
        "print(recover_part(Path(sys.argv[1])) is None)"
    )
    out = subprocess.run([sys.executable, "-c", script, str(live.part_path)],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"  # the other process sees the writer's lock
    assert live.part_path.exists()
    live.finalize({})


def test_append_mode_replaces_atomically(tmp_path: Path) -> None:
    final = tmp_path / "all.jsonl"
    final.write_bytes(line(1) + b'{"torn')
    feed = DurableFile(final, jsonl=True, append_from=final, run_info={})
    feed.write(line(2))
    assert final.read_bytes() == line(1) + b'{"torn'  # untouched until the rename
    feed.finalize({})
    assert [x["id"] for x in read_jsonl(final)] == ["id1", "id2"]


def _wait_for(proc: subprocess.Popen[str], timeout: float) -> str | None:
    try:
        out, _ = proc.communicate(timeout=timeout)
        return out
    except subprocess.TimeoutExpired:
        return None


@pytest.mark.timeout(120)
def test_kill_9_at_random_moments_then_exactly_once(tmp_path: Path) -> None:
    """Writers killed at random moments; the union of finished files is the universe, once."""
    state_dir, out_dir = tmp_path / "state", tmp_path / "out"
    universe = 1500
    rng = random.Random(20261127)
    env = dict(os.environ, PYTHONPATH=str(HERE.parents[1]))
    kills = 0
    for attempt in range(40):
        proc = subprocess.Popen(
            [sys.executable, str(HERE / "crash_writer.py"), str(state_dir), str(out_dir),
             str(universe), str(attempt)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        if attempt < 12:
            assert proc.stdout is not None
            if rng.random() < 0.25:
                time.sleep(rng.uniform(0.05, 0.4))  # start-up / recovery phase
            else:
                first = proc.stdout.readline()  # "todo N": writing starts now
                if first.startswith("todo 0"):
                    proc.wait()
                    continue
                time.sleep(rng.uniform(0.0, 0.3))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait()
            # every finished file is valid JSON Lines at every moment
            for f in out_dir.glob("*.jsonl"):
                read_jsonl(f)
            continue
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        if "todo 0" in out:
            break
    assert kills >= 6, "the test must actually kill writers mid-run"
    assert not list(out_dir.glob("*.part")), "a later run finishes every killed run's file"
    seen: dict[str, int] = {}
    recovered = cut = 0
    for f in sorted(out_dir.glob("*.jsonl")):
        for obj in read_jsonl(f):
            seen[obj["id"]] = seen.get(obj["id"], 0) + 1
        manifest = json.loads(manifest_path(f).read_text())
        assert manifest["sha256"] == hashlib.sha256(f.read_bytes()).hexdigest()
        recovered += bool(manifest["recovered"])
        cut += int(manifest.get("cutBytes") or 0)
    expected = {f"{i:016x}" for i in range(universe)}
    assert set(seen) == expected, f"missing {len(expected - set(seen))}"
    assert [k for k, n in seen.items() if n > 1] == [], "an article was delivered twice"
    assert recovered >= 1
    print(f"kills={kills} recovered files={recovered} torn bytes cut={cut} files={len(list(out_dir.glob('*.jsonl')))}")
    session = StateSession(state_dir, "crashy", run_id="check").start()
    assert session.store.article_count() == universe
    session.close()
