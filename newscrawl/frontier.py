"""The frontier: the requests a crawl has discovered but not fetched yet, on disk and bounded.

A site can advertise far more URLs than a run fetches (a sitemap of 200,000 URLs, an endless
link graph); held in memory, every waiting request costs the crawl process about a kilobyte.
:class:`FrontierScheduler` is Scrapy's scheduler with its disk queue always on: without a
``JOBDIR`` it keeps the queue in a temporary folder (``newscrawl-frontier-*`` in the system's
temporary directory, ``TMPDIR``) that it deletes when the run closes; a run holds a lock on its
folder, so the next run deletes the folders of runs killed with ``kill -9`` (whose locks the
system released). With a ``JOBDIR``, Scrapy's pause and resume work as before.
:class:`DiskDupeFilter` keeps the fingerprints of every request seen in SQLite instead of a set
in memory. Two limits of :mod:`newscrawl.limits` bound it:

* ``NEWSCRAWL_MAX_FRONTIER``: at most this many requests wait; a new URL found while the
  frontier is full is not scheduled (re-sent requests, ``dont_filter``, such as retries, still
  are, so no page in flight is lost);
* ``NEWSCRAWL_MAX_REQUESTS``: after this many requests handed to the downloader the run closes
  itself (finish reason :data:`newscrawl.limits.FINISH_REASON`); the pages in flight are still
  extracted and exported.

Either ends the run degraded with the limit named.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Self

from scrapy.core.scheduler import Scheduler
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.defer import deferred_from_coro

from newscrawl.limits import FINISH_REASON, REFUSED, Limits, reached

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.utils.request import RequestFingerprinterProtocol
    from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

#: the fingerprints' file in a JOBDIR (without one, SQLite's private temporary database)
SEEN_FILE = "requests.seen.sqlite3"
#: fingerprints written between commits
COMMIT_EVERY = 10_000
#: the temporary folders of runs without a JOBDIR, and the lock file each run holds in its own
SCRATCH_PREFIX = "newscrawl-frontier-"
OWNER_LOCK = ".owner.lock"
#: a folder without its lock file (made by a run that has not locked it yet) is left alone this long
UNLOCKED_GRACE_SECONDS = 3600.0


class FrontierScheduler(Scheduler):
    """Scrapy's scheduler with the queue on disk, bounded by ``NEWSCRAWL_MAX_FRONTIER`` and
    ``NEWSCRAWL_MAX_REQUESTS``."""

    limits: Limits
    handed_out: int = 0
    closing: bool = False
    #: the temporary folder of the disk queue (None with a JOBDIR)
    scratch: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        scheduler = super().from_crawler(crawler)
        scheduler.limits = Limits.from_settings(crawler.settings)
        return scheduler

    _owner: int | None = None

    def open(self, spider: Spider) -> Deferred[None] | None:
        if not self.dqdir:  # no JOBDIR: a folder of this run's own, made only when it starts
            removed = remove_orphaned_scratch(tempfile.gettempdir())
            if removed and self.stats is not None:
                self.stats.inc_value("newscrawl/frontier/orphans_removed", removed)
            self.scratch = self.dqdir = tempfile.mkdtemp(prefix=SCRATCH_PREFIX)
            # locked before it takes its name, so a sweeping run never finds it free while alive;
            # the system releases the lock when this process dies, however it dies
            lock = Path(self.scratch, OWNER_LOCK)
            self._owner = os.open(lock.with_suffix(".new"), os.O_CREAT | os.O_RDWR, 0o600)
            fcntl.flock(self._owner, fcntl.LOCK_EX)
            lock.with_suffix(".new").rename(lock)
        return super().open(spider)

    def close(self, reason: str) -> Deferred[None] | None:
        if self.closing:  # what waits now (more came in while the pages in flight finished)
            assert self.stats is not None
            self.stats.inc_value(REFUSED + "NEWSCRAWL_MAX_REQUESTS", len(self))
        try:
            return super().close(reason)
        finally:
            if self.scratch is not None:
                shutil.rmtree(self.scratch, ignore_errors=True)
            if self._owner is not None:
                os.close(self._owner)
                self._owner = None

    def enqueue_request(self, request: Request) -> bool:
        if request.dont_filter or len(self) < self.limits.max_frontier:
            return super().enqueue_request(request)
        if self.df.request_seen(request):  # a duplicate is no loss
            self.df.log(request, self.spider)
            return False
        assert self.stats is not None
        reached(self.stats, "NEWSCRAWL_MAX_FRONTIER", self.limits.max_frontier,
                "newly found URLs while the frontier is full")
        return False

    def next_request(self) -> Request | None:
        if self.handed_out >= self.limits.max_requests:
            if len(self):  # requests left unfetched: the limit cut the run short
                self._close_at_max_requests()
            return None
        request = super().next_request()
        if request is not None:
            self.handed_out += 1
        return request

    def _close_at_max_requests(self) -> None:
        if self.closing:
            return
        self.closing = True
        assert self.stats is not None and self.crawler is not None and self.crawler.engine is not None
        reached(self.stats, "NEWSCRAWL_MAX_REQUESTS", self.limits.max_requests,
                "the requests still waiting", refused=0)  # counted at close
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=FINISH_REASON))


def remove_orphaned_scratch(folder: str) -> int:
    """Delete the frontier folders in ``folder`` whose run is gone (its lock is free); how many."""
    removed = 0
    for path in Path(folder).glob(SCRATCH_PREFIX + "*"):
        if _orphaned(path):
            shutil.rmtree(path, ignore_errors=True)
            logger.info("Removed the frontier folder of a run that was killed: %s", path)
            removed += 1
    return removed


def _orphaned(path: Path) -> bool:
    try:
        fd = os.open(path / OWNER_LOCK, os.O_RDWR)
    except FileNotFoundError:  # not locked yet, or made before runs locked their folder
        try:
            return path.is_dir() and time.time() - path.stat().st_mtime > UNLOCKED_GRACE_SECONDS
        except OSError:
            return False
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # its run holds it: alive
        return False
    finally:
        os.close(fd)  # also releases the lock just taken
    return True


class DiskDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter (same fingerprints) with the fingerprints in SQLite.

    Without a ``JOBDIR`` they go to SQLite's private temporary database (its pages spill to a
    file in ``TMPDIR`` beyond a small cache; SQLite deletes it on close); with one, to
    :data:`SEEN_FILE` in it, so a resumed crawl still knows them.
    """

    def __init__(self, path: str | None = None, debug: bool = False, *,
                 fingerprinter: RequestFingerprinterProtocol | None = None) -> None:
        super().__init__(None, debug, fingerprinter=fingerprinter)  # no in-memory set from a file
        self.db = sqlite3.connect(str(Path(path, SEEN_FILE)) if path else "")
        self.db.execute("PRAGMA synchronous=OFF")  # a cache: losing its tail costs a re-fetch
        self.db.execute("CREATE TABLE IF NOT EXISTS seen (fp BLOB PRIMARY KEY) WITHOUT ROWID")
        self.unsaved = 0

    def request_seen(self, request: Request) -> bool:
        cursor = self.db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (self._fingerprint(request),))
        if cursor.rowcount == 0:
            return True
        self.unsaved += 1
        if self.unsaved >= COMMIT_EVERY:
            self.db.commit()
            self.unsaved = 0
        return False

    def close(self, reason: str) -> None:
        self.db.commit()
        self.db.close()
