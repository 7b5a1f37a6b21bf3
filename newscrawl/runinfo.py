"""Who this run is: its id and start time, made once per crawler and shared by every layer.

The state records the run under its id, feed files are named after its start time
(``%(time)s``, ``%(run_id)s``) and carry both in their run info and manifest. No component
owns the run's identity, so none has to look another up to learn it: :func:`run_info`
makes it on first use and returns the same one for the same crawler afterwards.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from newscrawl.items import SCHEMA_VERSION

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

_RUNS: WeakKeyDictionary[Crawler, RunInfo] = WeakKeyDictionary()


def utc_iso(ts: float | None = None) -> str:
    """UTC ISO 8601 with a ``Z`` and whole seconds (now when ``ts`` is None)."""
    value = datetime.fromtimestamp(time.time() if ts is None else ts, UTC)
    return value.replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class RunInfo:
    """One crawl: ``run_id`` (``20261127T080003Z-1a2b3c``), start time, spider name."""

    run_id: str
    started_ts: float
    spider: str | None

    @classmethod
    def new(cls, spider: str | None = None, started_ts: float | None = None) -> RunInfo:
        started = time.time() if started_ts is None else started_ts
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(started))
        return cls(f"{stamp}-{uuid.uuid4().hex[:6]}", started, spider)

    @property
    def started_at(self) -> str:
        return utc_iso(self.started_ts)

    def as_dict(self) -> dict[str, Any]:
        """What a feed's ``.part.run.json`` records, so a later run can finish the file."""
        return {
            "runId": self.run_id,
            "spider": self.spider,
            "startedAt": self.started_at,
            "pid": os.getpid(),
            "schemaVersion": SCHEMA_VERSION,
        }


def run_info(crawler: Crawler) -> RunInfo:
    """The run of ``crawler`` (made on first call)."""
    info = _RUNS.get(crawler)
    if info is None:
        spider = getattr(crawler, "spider", None)
        info = _RUNS[crawler] = RunInfo.new(getattr(spider, "name", None))
    return info
