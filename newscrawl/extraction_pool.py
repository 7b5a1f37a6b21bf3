"""Run the page object in worker processes, so extraction uses the machine's other cores.

Scrapy's engine runs on one core; extraction (parsing, structured data, the generic body
extractor) is pure CPU work on bytes that pickle cheaply. :class:`ExtractionPool` hands each
article page to a worker process and awaits the raw item, so downloading, scheduling and the
pipelines go on while pages are extracted elsewhere.

Each worker is a plain subprocess (``python -m newscrawl.extraction_pool FD``) joined to the
crawl by a socket pair; requests and results are length-prefixed pickles, read and written by
the crawl's own asyncio loop, with no helper threads. ``concurrent.futures.ProcessPoolExecutor``,
used before, adds a feeder and a manager thread that take the GIL from the engine on every
page: measured on the twin (2,000 articles, extraction without pipelines), the switch took the
crawl from 14.4 and 15.5 s to 13.3 and 13.4 s. A worker that dies (killed, out of memory, a
crash in a C extension) or spends over ``timeout`` on one page is replaced and the pages it held
are sent again; the page it was on fails when it times out or was in hand at a second death.
``NEWSCRAWL_EXTRACT_WORKERS = 0`` runs extraction inline in the crawl process instead (same
results, one core).

Settings (read in :meth:`ExtractionPool.from_crawler`):

``NEWSCRAWL_EXTRACT_WORKERS`` (int or ``"auto"``)
    Worker processes; ``auto`` = one per core beyond the first (at least 1, at most 4); 0 =
    inline (no time cap).
``NEWSCRAWL_EXTRACT_TIMEOUT`` (float seconds, 60)
    A worker still on one page after this long is killed and replaced; the page fails.

Stats: ``newscrawl/extraction/worker_died``, ``.../resent`` (pages sent again after a worker
died), ``.../timeout``.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

_HEADER = struct.Struct("!I")
#: A page its worker died on is sent again this many times before it is reported failed. (Only
#: the page a worker was on can have killed it: the pages queued behind it are always sent again.)
RETRIES = 1
STATS_PREFIX = "newscrawl/extraction"


class ExtractionError(Exception):
    """The page object failed on one page, or its worker died twice under it (the crawl goes on)."""


def extract_raw(url: str, body: bytes, headers: Mapping[str, str], timezone: str | None = None) -> dict[str, Any]:
    """The page object's raw item (``timezone``: the site's, ``NEWSCRAWL_TIMEZONE``; None: the
    page object's default); an exception comes back as ``{"_error": ...}``.

    Never raises, so one bad page cannot take down its worker.
    """
    # here: only the process that extracts loads the page object
    from newscrawl.extract.dates.parse import DEFAULT_TIMEZONE
    from newscrawl.extract.page import ArticlePage

    try:
        return ArticlePage(url, body, headers=headers, timezone=timezone or DEFAULT_TIMEZONE).to_item()
    except Exception as exc:  # noqa: BLE001 - reported to the caller, counted there
        return {"_error": f"{type(exc).__name__}: {exc}"}


def default_workers(cpus: int | None = None) -> int:
    """One worker per core beyond the one the crawl itself runs on, at most 4, and at least one
    even on one core: a page is then still extracted under the time cap, in its own process."""
    return max(1, min(4, (cpus or os.cpu_count() or 1) - 1))


def _worker_count(value: str) -> int:
    """``NEWSCRAWL_EXTRACT_WORKERS``: ``auto`` or a number >= 0."""
    if value.strip().lower() == "auto":
        return default_workers()
    try:
        count = int(value)
    except ValueError:
        raise ValueError("expected a number of workers or 'auto'") from None
    if count < 0:
        raise ValueError("must be >= 0")
    return count


# -- worker side --------------------------------------------------------------------------------


def serve(sock: socket.socket) -> None:
    """Worker loop: read ``(seq, function, args)`` frames, answer ``(seq, ok, result)`` frames.

    Ends when the crawl closes its end, or quietly when the crawl went away without closing it
    (a forced shutdown): the crawl's stderr then ends with its own last word, not a traceback.
    Runs in the worker process, one request at a time.
    """
    rfile = sock.makefile("rb")
    wfile = sock.makefile("wb")
    try:
        while True:
            header = rfile.read(_HEADER.size)
            if len(header) < _HEADER.size:
                return
            seq, function, args = pickle.loads(rfile.read(_HEADER.unpack(header)[0]))
            try:
                payload = pickle.dumps((seq, True, function(*args)), pickle.HIGHEST_PROTOCOL)
            except Exception as exc:  # noqa: BLE001 - the caller decides what a failure means
                payload = pickle.dumps((seq, False, f"{type(exc).__name__}: {exc}"), pickle.HIGHEST_PROTOCOL)
            wfile.write(_HEADER.pack(len(payload)) + payload)
            wfile.flush()
    except ConnectionError:  # reset or broken pipe: nobody is left to answer
        return


# -- crawl side ---------------------------------------------------------------------------------


@dataclass
class _Job:
    function: Callable[..., Any]
    args: tuple[Any, ...]
    future: asyncio.Future[Any]
    deaths: int = 0  # workers that died while on this page
    timer: asyncio.TimerHandle | None = None


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    writer: asyncio.StreamWriter
    #: jobs sent and not answered, oldest first: the worker answers in order, so the first
    #: one is the page it is working on
    jobs: dict[int, _Job] = field(default_factory=dict)
    reader: asyncio.Task[None] | None = None


class ExtractionPool:
    """Extracts pages in ``workers`` subprocesses (0: inline in the crawl process)."""

    def __init__(
        self,
        workers: int,
        *,
        timeout: float = 60.0,
        stats: StatsCollector | None = None,
        timezone: str | None = None,
    ) -> None:
        if workers < 0:
            raise ValueError(f"NEWSCRAWL_EXTRACT_WORKERS must be >= 0, got {workers}")
        if timeout <= 0:
            raise ValueError(f"NEWSCRAWL_EXTRACT_TIMEOUT must be > 0, got {timeout}")
        self.workers = workers
        self.timeout = timeout
        self.timezone = timezone
        self.stats = stats
        self._pool: list[_Worker] = []
        self._starting = asyncio.Lock()
        self._seq = itertools.count()
        self._closed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPool:
        # imported here, not at the top: the worker processes run this module and need neither
        # Scrapy nor the project settings
        from scrapy import signals

        from newscrawl.config import setting
        from newscrawl.extract.dates.parse import check_zone

        settings = crawler.settings
        count = setting(settings, "NEWSCRAWL_EXTRACT_WORKERS", check=_worker_count)
        timeout = setting(settings, "NEWSCRAWL_EXTRACT_TIMEOUT", above=0.0)
        timezone = setting(settings, "NEWSCRAWL_TIMEZONE", check=check_zone)
        pool = cls(count, timeout=timeout, timezone=timezone)
        crawler.signals.connect(pool.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(pool.close, signal=signals.spider_closed)
        return pool

    def spider_opened(self, spider: Any) -> None:
        self.stats = spider.crawler.stats  # not set yet when the spider builds the pool

    # -- public -------------------------------------------------------------------------------

    async def extract(self, url: str, body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
        """The raw item of one page; raises :class:`ExtractionError` if it could not be had."""
        item = await self.run(extract_raw, url, body, dict(headers), self.timezone)
        if "_error" in item:
            raise ExtractionError(item["_error"])
        return item

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """``function(*args)`` in a worker (inline with 0 workers); ``function`` must be
        importable by name, its arguments and result picklable. Raises :class:`ExtractionError`."""
        if self.workers == 0:
            try:
                return function(*args)
            except Exception as exc:  # the same contract as a worker
                raise ExtractionError(f"{type(exc).__name__}: {exc}") from exc
        if self._closed:
            raise ExtractionError("extraction pool is closed")
        job = _Job(function, args, asyncio.get_running_loop().create_future())
        await self._submit(job)
        return await job.future

    def pids(self) -> list[int]:
        """Process ids of the live workers (for operators and crash tests)."""
        return [w.process.pid for w in self._pool]

    async def close(self) -> None:
        """Stop the workers: close their sockets (they exit at end of input) and reap them."""
        self._closed = True
        pool, self._pool = self._pool, []
        for worker in pool:
            worker.writer.close()
            self._fail(worker, "extraction pool closed")
        for worker in pool:
            try:
                await asyncio.to_thread(worker.process.wait, 10)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                await asyncio.to_thread(worker.process.wait)

    # -- internals ----------------------------------------------------------------------------

    def _inc(self, name: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"{STATS_PREFIX}/{name}")

    async def _submit(self, job: _Job) -> None:
        """Send ``job`` to the least busy worker, starting workers up to ``workers``."""
        if len(self._pool) < self.workers:
            async with self._starting:
                if len(self._pool) < self.workers and not self._closed:
                    self._pool.append(await self._start_worker())
        if not self._pool:
            job.future.set_exception(ExtractionError("extraction pool is closed"))
            return
        worker = min(self._pool, key=lambda w: len(w.jobs))
        seq = next(self._seq)
        worker.jobs[seq] = job
        self._arm(worker)
        payload = pickle.dumps((seq, job.function, job.args), pickle.HIGHEST_PROTOCOL)
        worker.writer.write(_HEADER.pack(len(payload)) + payload)

    def _arm(self, worker: _Worker) -> None:
        """Start the timeout of the page the worker is on (pages waiting behind it do not count)."""
        for seq, job in worker.jobs.items():
            if job.timer is None:
                job.timer = asyncio.get_running_loop().call_later(self.timeout, self._expire, worker, seq)
            return

    async def _start_worker(self) -> _Worker:
        parent, child = socket.socketpair()
        process = subprocess.Popen(  # fork and exec, no wait
            [sys.executable, "-m", "newscrawl.extraction_pool", str(child.fileno())],
            pass_fds=[child.fileno()], stdin=subprocess.DEVNULL,
        )
        child.close()
        reader, writer = await asyncio.open_connection(sock=parent, limit=2**26)
        worker = _Worker(process, writer)
        worker.reader = asyncio.get_running_loop().create_task(self._read(worker, reader))
        logger.info("Started extraction worker %d", process.pid)
        return worker

    def _expire(self, worker: _Worker, seq: int) -> None:
        """A job overran the timeout: fail it for good and replace its (stuck) worker."""
        job = worker.jobs.get(seq)
        if job is None or job.future.done():
            return
        self._inc("timeout")
        logger.error("Extraction took over %g s: killing worker %d", self.timeout, worker.process.pid)
        job.future.set_exception(ExtractionError(f"timed out after {self.timeout:g} s"))
        self._retire(worker)
        worker.process.kill()

    def _retire(self, worker: _Worker) -> None:
        """Send no more jobs to ``worker`` (it is dead or about to be)."""
        if worker in self._pool:
            self._pool.remove(worker)

    def _fail(self, worker: _Worker, reason: str) -> list[_Job]:
        """Take a dead worker's unfinished jobs: the ones to send again, failing the rest.

        The first job is the page the worker was on; it fails after ``RETRIES`` deaths. With the
        pool closed, every job fails.
        """
        jobs, worker.jobs = list(worker.jobs.values()), {}
        if jobs:
            jobs[0].deaths += 1
        retry = []
        for job in jobs:
            if job.timer is not None:
                job.timer.cancel()
            if job.future.done():  # answered by a timeout already
                continue
            if job.deaths <= RETRIES and not self._closed:
                job.timer = None
                retry.append(job)
            else:
                job.future.set_exception(ExtractionError(reason))
        return retry

    async def _read(self, worker: _Worker, reader: asyncio.StreamReader) -> None:
        """Resolve each job as its result arrives; when the worker dies, send its jobs again."""
        try:
            while True:
                header = await reader.readexactly(_HEADER.size)
                seq, ok, result = pickle.loads(await reader.readexactly(_HEADER.unpack(header)[0]))
                job = worker.jobs.pop(seq, None)
                self._arm(worker)
                if job is None or job.future.done():
                    continue
                if job.timer is not None:
                    job.timer.cancel()
                if ok:
                    job.future.set_result(result)
                else:
                    job.future.set_exception(ExtractionError(result))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except Exception:  # a garbled stream: the worker cannot be trusted any more
            logger.exception("Bad reply from extraction worker %d", worker.process.pid)
            worker.process.kill()
        if self._closed:
            return
        self._retire(worker)
        worker.writer.close()
        code = await asyncio.to_thread(worker.process.wait)
        self._inc("worker_died")
        retry = self._fail(worker, f"worker exited (code {code}) while extracting")
        logger.error("Extraction worker %d exited (code %s); sending %d page(s) again",
                     worker.process.pid, code, len(retry))
        for job in retry:
            self._inc("resent")
            await self._submit(job)


if __name__ == "__main__":  # a worker: python -m newscrawl.extraction_pool FD
    # Ctrl-C reaches the whole process group: the crawl stops gracefully and still needs its
    # workers; they exit when it closes their socket.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    serve(socket.socket(fileno=int(sys.argv[1])))
