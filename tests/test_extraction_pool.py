"""The extraction pool: real worker subprocesses, same results as inline, crashes and hangs survived."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest
from newscrawl.extraction_pool import ExtractionError, ExtractionPool, default_workers, extract_raw
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

PAGES = Path(__file__).parent / "fixtures" / "pages"
HTML = {"Content-Type": "text/html; charset=utf-8"}
T = TypeVar("T")


def _pages() -> list[tuple[str, bytes]]:
    return [(f"https://www.cancernetwork.com/view/{d.name}", (d / "input.html").read_bytes())
            for d in sorted(PAGES.iterdir())]


def _stats() -> MemoryStatsCollector:
    stats = MemoryStatsCollector(get_crawler())
    stats.open_spider()
    return stats


def _run(pool: ExtractionPool, coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` on a new event loop, then close the pool on that loop."""

    async def main() -> T:
        try:
            return await coro
        finally:
            await pool.close()

    return asyncio.run(main())


@pytest.mark.parametrize("workers", [0, 2])
def test_same_items_as_inline(workers: int) -> None:
    pool = ExtractionPool(workers)
    pages = _pages()

    async def extract_all() -> list[dict]:
        return await asyncio.gather(*(pool.extract(url, body, HTML) for url, body in pages))

    items = _run(pool, extract_all())
    assert items == [extract_raw(url, body, HTML) for url, body in pages]
    assert items[0]["headline"]


def test_an_exception_fails_one_call_not_the_worker() -> None:
    pool = ExtractionPool(1)

    async def calls() -> tuple[str, int]:
        with pytest.raises(ExtractionError, match="ValueError"):
            await pool.run(int, "not a number")
        return await pool.run(str.upper, "ok"), len(pool.pids())

    assert _run(pool, calls()) == ("OK", 1)


def test_killed_worker_is_replaced_and_its_pages_sent_again() -> None:
    stats = _stats()
    pool = ExtractionPool(1, stats=stats)

    async def crash() -> tuple[list[None], int, int]:
        jobs = [asyncio.ensure_future(pool.run(time.sleep, 0.3)) for _ in range(3)]
        while not pool.pids():
            await asyncio.sleep(0.01)
        first = pool.pids()[0]
        await asyncio.sleep(0.1)
        os.kill(first, signal.SIGKILL)
        results = await asyncio.gather(*jobs)
        return results, first, pool.pids()[0]

    results, first, second = _run(pool, crash())
    assert results == [None, None, None]
    assert first != second
    assert stats.get_value("newscrawl/extraction/worker_died") == 1
    assert stats.get_value("newscrawl/extraction/resent") == 3


def test_a_page_that_kills_its_worker_twice_fails_alone() -> None:
    stats = _stats()
    pool = ExtractionPool(1, stats=stats)

    async def calls() -> str:
        with pytest.raises(ExtractionError, match=r"worker exited \(code 3\)"):
            await pool.run(os._exit, 3)
        return await pool.run(str.upper, "still working")

    assert _run(pool, calls()) == "STILL WORKING"
    assert stats.get_value("newscrawl/extraction/worker_died") == 2
    assert stats.get_value("newscrawl/extraction/resent") == 1


def test_a_hung_page_times_out_and_its_worker_is_replaced() -> None:
    stats = _stats()
    pool = ExtractionPool(1, timeout=0.5, stats=stats)

    async def calls() -> tuple[float, str, str]:
        start = time.monotonic()
        hung = asyncio.ensure_future(pool.run(time.sleep, 30))
        queued = asyncio.ensure_future(pool.run(str.upper, "queued"))  # waits behind the hang
        with pytest.raises(ExtractionError, match="timed out after 0.5 s"):
            await hung
        return time.monotonic() - start, await queued, await pool.run(str.upper, "next")

    waited, queued, after = _run(pool, calls())
    assert waited < 5
    assert (queued, after) == ("QUEUED", "NEXT")
    assert stats.get_value("newscrawl/extraction/timeout") == 1
    assert stats.get_value("newscrawl/extraction/resent") == 1  # the queued page, not the hang


def test_the_timeout_counts_from_when_the_worker_starts_a_page() -> None:
    pool = ExtractionPool(1, timeout=2.0)

    # 3 s of work queued at once, each page 0.6 s: a wide margin under the cap per page, as a
    # loaded machine can delay a worker's answer by several tenths of a second
    async def queued() -> list[None]:
        return await asyncio.gather(*(pool.run(time.sleep, 0.6) for _ in range(5)))

    assert _run(pool, queued()) == [None] * 5


def test_an_unpicklable_result_fails_one_call_not_the_worker() -> None:
    pool = ExtractionPool(1)

    async def calls() -> str:
        with pytest.raises(ExtractionError, match="pickle"):
            await pool.run(threading.Lock)
        return await pool.run(str.upper, "fine")

    assert _run(pool, calls()) == "FINE"


def test_ctrl_c_leaves_workers_serving() -> None:
    pool = ExtractionPool(1)

    async def calls() -> tuple[int, int, str]:
        await pool.run(str.upper, "warm up")
        before = pool.pids()[0]
        os.kill(before, signal.SIGINT)  # what a terminal's Ctrl-C sends the whole group
        await asyncio.sleep(0.2)
        return before, pool.pids()[0], await pool.run(str.upper, "after")

    before, after, result = _run(pool, calls())
    assert before == after and result == "AFTER"


def test_close_reaps_the_workers() -> None:
    pool = ExtractionPool(2)

    async def calls() -> list[int]:
        await asyncio.gather(*(pool.run(str.upper, "x") for _ in range(4)))
        return pool.pids()

    pids = _run(pool, calls())
    assert len(pids) == 2
    assert pool.pids() == []
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


@pytest.mark.parametrize(("cpus", "workers"), [(1, 1), (2, 1), (3, 2), (16, 4)])
def test_auto_keeps_a_worker_on_one_core(cpus: int, workers: int) -> None:
    """``auto`` never means inline: inline extraction has no time cap (issue 13, bounded extraction)."""
    assert default_workers(cpus) == workers


@pytest.mark.parametrize(("workers", "timeout"), [(-1, 60.0), (1, 0.0)])
def test_bad_settings_are_refused(workers: int, timeout: float) -> None:
    with pytest.raises(ValueError, match="NEWSCRAWL_EXTRACT_"):
        ExtractionPool(workers, timeout=timeout)


def test_workers_exit_when_the_crawl_process_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "crawl.py"
    script.write_text(textwrap.dedent("""
        import asyncio, sys
        from newscrawl.extraction_pool import ExtractionPool

        async def main():
            pool = ExtractionPool(2)
            await asyncio.gather(*(pool.run(str.upper, "x") for _ in range(4)))
            print(*pool.pids(), flush=True)
            await asyncio.sleep(60)

        asyncio.run(main())
    """))
    crawl = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert crawl.stdout is not None
    pids = [int(pid) for pid in crawl.stdout.readline().split()]
    assert len(pids) == 2
    crawl.kill()
    crawl.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in pids)


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs (an exited worker of a killed parent is reaped by init)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


ZONED_PAGE = (
    b'<html><head><title>Zone Story Headline</title><meta property="article:published_time"'
    b' content="2023-11-08T23:30:00Z"></head><body><article><h1>Zone Story Headline</h1>'
    b"<p>November 9, 2023</p><p>The story.</p></article></body></html>"
)


@pytest.mark.parametrize(("zone", "raw"), [("America/New_York", "2023-11-08T23:30:00Z"),
                                            ("Europe/Berlin", "November 9, 2023")])
def test_the_site_zone_reaches_the_page_object(zone: str, raw: str) -> None:
    """23:30 UTC is on the same day in New York (the timestamp settles it) but on the next day
    in Berlin, where the page is read and shows that day."""
    pool = ExtractionPool.from_crawler(get_crawler(settings_dict={"NEWSCRAWL_EXTRACT_WORKERS": 1,
                                                                  "NEWSCRAWL_TIMEZONE": zone}))
    item = _run(pool, pool.extract("https://example.com/zone-story", ZONED_PAGE, HTML))
    assert item["datePublishedRaw"] == raw


def test_an_unknown_site_zone_is_a_bad_setting() -> None:
    with pytest.raises(ValueError, match="NEWSCRAWL_TIMEZONE"):
        ExtractionPool.from_crawler(get_crawler(settings_dict={"NEWSCRAWL_TIMEZONE": "Mars/Olympus"}))
