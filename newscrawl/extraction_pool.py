"""Run the page object in worker processes, so extraction uses the machine's other cores.

Scrapy's engine runs on one core; extraction (parsing, structured data, the generic body
extractor) is pure CPU work on bytes that pickle cheaply. :class:`ExtractionPool` hands each
article page to a process pool and awaits the raw item, so downloading, scheduling and the
pipelines go on while pages are extracted elsewhere. ``NEWSCRAWL_EXTRACT_WORKERS = 0`` runs
extraction inline in the crawl process instead (same results, one core).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any, Mapping

from scrapy import signals

from newscrawl.extract.page import ArticlePage

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class ExtractionError(Exception):
    """The page object failed on one page (it should not; the crawl goes on)."""


def extract_raw(url: str, body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
    """The page object's raw item; an exception comes back as ``{"_error": ...}``.

    Module-level so a worker process can run it; never raises, so one bad page cannot
    break the pool.
    """
    try:
        return ArticlePage(url, body, headers=headers).to_item()
    except Exception as exc:  # noqa: BLE001 - reported to the caller, counted there
        return {"_error": f"{type(exc).__name__}: {exc}"}


def default_workers() -> int:
    """One worker per core beyond the one the crawl itself runs on (0 on one core)."""
    return max(0, min(4, (os.cpu_count() or 1) - 1))


class ExtractionPool:
    """Extracts pages in ``workers`` processes (0: inline)."""

    def __init__(self, workers: int) -> None:
        if workers < 0:
            raise ValueError(f"NEWSCRAWL_EXTRACT_WORKERS must be >= 0, got {workers}")
        self.workers = workers
        self._executor: Executor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPool:
        workers = crawler.settings.get("NEWSCRAWL_EXTRACT_WORKERS")
        pool = cls(default_workers() if workers in (None, "", "auto") else int(workers))
        crawler.signals.connect(pool.spider_closed, signal=signals.spider_closed)
        return pool

    def _pool(self) -> Executor:
        if self._executor is None:
            # spawn: a clean interpreter, no copy of the running reactor's state
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
            logger.info("Extracting pages in %d worker process(es)", self.workers)
        return self._executor

    async def extract(self, url: str, body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
        """The raw item of one page; raises :class:`ExtractionError` if the page object failed."""
        if self.workers == 0:
            item = extract_raw(url, body, headers)
        else:
            loop = asyncio.get_running_loop()
            item = await loop.run_in_executor(self._pool(), extract_raw, url, body, dict(headers))
        if "_error" in item:
            raise ExtractionError(item["_error"])
        return item

    def spider_closed(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
