"""The SQLite state store and run lock, on real files and real processes."""

from __future__ import annotations

import gc
import sqlite3
import subprocess
import sys
import textwrap
import time
import tracemalloc
from datetime import datetime
from pathlib import Path

import pytest
from newscrawl.dedup import DuplicateIndex
from newscrawl.state import (
    ExportRecord,
    RunLock,
    StateCorruptError,
    StateLockedError,
    StateStore,
    TouchRecord,
    parse_timestamp,
)
from newscrawl.state.dedup_store import SQLiteDedupStore
from newscrawl.state.session import StateSession

BODY = " ".join(f"word{i} of a sufficiently long article body for near duplicate checks" for i in range(12))


def rec(ident: str, version: int = 1, **kw: object) -> ExportRecord:
    url = f"https://example.org/view/{ident}"
    return ExportRecord(id=ident, canonical_url=url, version=version, **kw)  # type: ignore[arg-type]  # kw: fields


def test_wal_mode_and_roundtrip(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with StateStore(path).open() as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        store.record_exports(
            [rec("a", fingerprint="f1", date_modified="2025-06-02", lastmod="2025-06-02T10:00:00Z",
                 urls={"https://example.org/view/a?x=1"},
                 validators={"https://example.org/view/a": ('"e1"', "Mon, 02 Jun 2025 10:00:00 GMT")})]
        )
    with StateStore(path).open() as store:  # survives reopening
        got = store.get_article("a")
        assert got is not None and got.version == 1 and got.fingerprint == "f1"
        assert got.changed_ts == parse_timestamp("2025-06-02T10:00:00Z")
        assert store.lookup_url("https://example.org/view/a?x=1").id == "a"
        assert store.validators("https://example.org/view/a") == ('"e1"', "Mon, 02 Jun 2025 10:00:00 GMT")
        assert store.validators("https://example.org/view/a?x=1") is None
        assert store.lookup_url("https://example.org/view/zzz") is None


def test_versions_never_go_down_and_commits_are_idempotent(tmp_path: Path) -> None:
    with StateStore(tmp_path / "s.sqlite3").open() as store:
        store.record_exports([rec("a", 2, fingerprint="new")])
        store.record_exports([rec("a", 1, fingerprint="old")])  # e.g. a recovered older file
        store.record_exports([rec("a", 2, fingerprint="new")])
        got = store.get_article("a")
        assert (got.version, got.fingerprint) == (2, "new")
        assert store.article_count() == 1


def test_touch_refreshes_known_and_ignores_unknown(tmp_path: Path) -> None:
    with StateStore(tmp_path / "s.sqlite3").open() as store:
        store.record_exports([rec("a", date_modified="2025-01-01")])
        n = store.touch([
            TouchRecord("a", lastmod="2025-03-01T00:00:00Z", urls={"https://example.org/amp/a"}),
            TouchRecord("ghost", lastmod="2025-03-01"),
        ])
        assert n == 1
        assert store.get_article("ghost") is None  # a touch never creates an export
        assert store.get_article("a").changed_ts == parse_timestamp("2025-03-01T00:00:00Z")
        assert store.lookup_url("https://example.org/amp/a").id == "a"


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    with StateStore(tmp_path / "s.sqlite3").open() as store:
        with pytest.raises(RuntimeError):
            with store.transaction():
                store.record_exports([rec("a")])
                raise RuntimeError("boom")
        assert store.article_count() == 0


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["garbage", "bad-header"],
)
def test_corrupt_file_is_a_clear_error_and_left_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "s.sqlite3"
    path.write_bytes(content)
    with pytest.raises(StateCorruptError) as info:
        StateStore(path).open()
    message = str(info.value)
    assert str(path) in message
    assert "NEWSCRAWL_STATE_RESET" in message or "quick_check" in message
    assert path.read_bytes() == content  # never reset silently


def test_damaged_pages_fail_quick_check(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with StateStore(path).open() as store:
        store.record_exports([rec(f"id{i:04d}", fingerprint="x" * 200) for i in range(400)])
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 6 * page
    for i in range(3 * page + 100, 5 * page):  # scribble over interior pages
        data[i] = (data[i] * 7 + 13) % 256
    path.write_bytes(bytes(data))
    with pytest.raises(StateCorruptError):
        StateStore(path).open()


def test_newer_layout_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with StateStore(path).open() as store:
        store.db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StateCorruptError, match="newer"):
        StateStore(path).open()


def test_forget_days_keeps_recent_articles(tmp_path: Path) -> None:
    now = time.time()
    old = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 40 * 86400))
    recent = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 2 * 86400))
    with StateStore(tmp_path / "s.sqlite3").open() as store:
        store.record_exports([
            rec("old", date_published=old),
            rec("old-but-modified", date_published=old, date_modified=recent),
            rec("recent", date_published=recent),
            rec("undated"),  # judged by when it was last seen: now
        ])
        assert store.forget_older_than(30) == 1
        assert store.get_article("old") is None
        assert store.lookup_url("https://example.org/view/old") is None
        assert {a.id for a in store.iter_articles()} == {"old-but-modified", "recent", "undated"}
        assert store.forget_older_than(0) == 0


def test_reset_removes_files_only_on_request(tmp_path: Path) -> None:
    session = StateSession(tmp_path, "spider", run_id="r1").start()
    session.store.record_exports([rec("a")])
    session.close()
    again = StateSession(tmp_path, "spider", run_id="r2").start()
    assert again.store.article_count() == 1
    again.close()
    reset = StateSession(tmp_path, "spider", run_id="r3", reset=True).start()
    assert reset.store.article_count() == 0
    reset.close()


HOLDER = textwrap.dedent(
    """
    import sys, time
    from newscrawl.state import RunLock
    lock = RunLock(sys.argv[1])
    lock.acquire("holder-run")
    print("locked", flush=True)
    time.sleep(60)
    """
)


def test_lock_contention_from_another_process(tmp_path: Path) -> None:
    lock_path = tmp_path / "spider.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(StateLockedError) as info:
            RunLock(lock_path).acquire("second")
        assert time.monotonic() - started < 1.0  # at once, never waits
        assert "locked by another run" in str(info.value) and "holder-run" in str(info.value)
        # the session refuses too, before touching the store
        with pytest.raises(StateLockedError):
            StateSession(tmp_path, "spider", run_id="x").start()
        assert not (tmp_path / "spider.sqlite3").exists()
    finally:
        holder.kill()
        holder.wait()
    lock = RunLock(lock_path)  # kill -9 released it
    lock.acquire("third")
    lock.release()


def _entry(index: DuplicateIndex, ident: str, body: str) -> object:
    return index.entry_for(article_id=ident, canonical_url=f"https://example.org/view/{ident}", body=body)


def test_dedup_store_persists_only_committed_entries(tmp_path: Path) -> None:
    session = StateSession(tmp_path, "spider", run_id="r1").start()
    store = SQLiteDedupStore(session.store)
    session.attach_dedup(store)
    index = DuplicateIndex(store=store)
    assert index.observe(_entry(index, "a", BODY)).kind == "new"
    assert index.observe(_entry(index, "b", BODY + " different tail words here")).kind != "new"
    session.claim("a", "https://example.org/view/a", None)
    session.commit_lines([{"id": "a", "canonicalUrl": "https://example.org/view/a", "version": 1}], "f.jsonl")
    index.observe(_entry(index, "c", "another completely different body " * 10))  # never committed
    session.close()

    session = StateSession(tmp_path, "spider", run_id="r2").start()
    store2 = SQLiteDedupStore(session.store)
    assert store2.get("a") is not None and store2.get("c") is None
    index2 = DuplicateIndex(store=store2)
    verdict = index2.observe(
        index2.entry_for(article_id="z", canonical_url="https://example.org/view/z", body=BODY)
    )
    assert verdict.kind == "same_body" and verdict.original_id == "a" and verdict.previous_run
    # ignore mode reads nothing persisted
    blind = SQLiteDedupStore(session.store, read_persisted=False)
    assert blind.get("a") is None and blind.lookup_url("//example.org/view/a") is None
    session.close()


def test_dedup_store_forgets_committed_entries(tmp_path: Path) -> None:
    """An entry written to the file leaves memory (the file answers for it): a first crawl exports
    every article of the site, and the crawl's memory must not grow with it."""
    session = StateSession(tmp_path, "spider", run_id="r1").start()
    store = SQLiteDedupStore(session.store)
    session.attach_dedup(store)
    index = DuplicateIndex(store=store)
    for n in range(30):
        index.add(_entry(index, f"a{n}", f"{BODY} number {n} " * 2))
        session.claim(f"a{n}", f"https://example.org/view/a{n}", None)
        session.commit_lines([{"id": f"a{n}", "canonicalUrl": f"https://example.org/view/a{n}", "version": 1}],
                             "f.jsonl")
    index.add(_entry(index, "pending", "a body not yet exported " * 10))
    assert [entry.id for entry in store._mem.entries()] == ["pending"]
    assert store.get("a7") is not None and store.lookup_url("//example.org/view/a7") == "a7"
    assert len(store) == 31
    session.close()


def test_session_keeps_no_python_objects_per_page(tmp_path: Path) -> None:
    """A first crawl notes a sitemap date and a fetch for every article of the site and claims
    each at its release: those notes live in a temporary SQLite database, so the session's memory
    does not grow with the pages (dicts and sets of them did until the end of the run)."""
    session = StateSession(tmp_path, "spider", run_id="r1").start()
    lines: list[dict[str, object]] = []

    def page(n: int) -> None:
        url = f"https://example.org/view/story-{n}"
        session.note_lastmod_hint(url, "2025-06-02T10:00:00Z")
        session.note_fetch(url, etag=f'"e{n}"')
        if n % 2:  # half are exported, half stay noted until the end
            session.claim(f"id{n}", url, None)
            lines.append({"id": f"id{n}", "canonicalUrl": url, "version": 1})
        if len(lines) == 50:
            session.commit_lines(lines, "f.jsonl")
            lines.clear()

    for n in range(200):
        page(n)
    gc.collect()
    tracemalloc.start(6)
    try:
        before = tracemalloc.take_snapshot()
        for n in range(200, 1200):
            page(n)
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    # not the session's: what this test builds, and the bounded caches of pure functions
    # (canonical URLs, parsed dates) under newscrawl/extract
    mine = [tracemalloc.Filter(False, __file__), tracemalloc.Filter(False, "*/newscrawl/extract/*", all_frames=True)]
    grown = sum(stat.size_diff for stat in after.filter_traces(mine).compare_to(before.filter_traces(mine), "filename"))
    assert grown < 1000 * 60, f"{grown / 1000:.0f} bytes kept per page"
    assert session.fetch_lastmod("https://example.org/view/story-1000") == "2025-06-02T10:00:00Z"
    assert session.claimed("id1001") and session.decision("id1001") == "new" and not session.claimed("id1000")
    assert session.store.validators("https://example.org/view/story-1001") == ('"e1001"', None)
    session.close()


def test_sqlite_file_is_valid_after_session(tmp_path: Path) -> None:
    session = StateSession(tmp_path, "spider", run_id="r1").start()
    session.commit_lines([{"id": "a", "url": "https://example.org/view/a", "version": 1}], "f.jsonl")
    session.close()
    db = sqlite3.connect(tmp_path / "spider.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1
    db.close()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-06-02T10:00:00Z", "2025-06-02T10:00:00+00:00"),
        ("2025-06-02T12:00:00+02:00", "2025-06-02T10:00:00+00:00"),
        ("2025-06-02T10:00:00", "2025-06-02T10:00:00+00:00"),  # no zone: UTC
        ("2025-06-02", "2025-06-02T00:00:00+00:00"),
        ("Mon, 02 Jun 2025 10:00:00 GMT", "2025-06-02T10:00:00+00:00"),  # HTTP / RSS
        # partial W3C dates stay partial: the start of their period, never today's day or month
        ("2025-06", "2025-06-01T00:00:00+00:00"),
        ("2025", "2025-01-01T00:00:00+00:00"),
    ],
)
def test_parse_timestamp_reads_dates_with_the_project_parser(raw: str, expected: str) -> None:
    assert parse_timestamp(raw) == datetime.fromisoformat(expected).timestamp()


@pytest.mark.parametrize("raw", ["", "soon", "2025-13", "2025-06-31", None])
def test_parse_timestamp_rejects_what_is_not_a_date(raw: str | None) -> None:
    assert parse_timestamp(raw) is None
