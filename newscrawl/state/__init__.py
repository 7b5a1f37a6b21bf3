"""Persistent crawl state (SQLite, WAL) and the run lock: what earlier runs exported."""

from __future__ import annotations

from newscrawl.state.lock import RunLock, StateError, StateLockedError
from newscrawl.state.store import (
    ArticleRecord,
    ExportRecord,
    StateCorruptError,
    StateStore,
    TouchRecord,
    parse_timestamp,
)

__all__ = [
    "ArticleRecord",
    "ExportRecord",
    "RunLock",
    "StateCorruptError",
    "StateError",
    "StateLockedError",
    "StateStore",
    "TouchRecord",
    "parse_timestamp",
]
