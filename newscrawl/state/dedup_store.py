"""A :class:`newscrawl.dedup.DedupStore` kept in the state's SQLite file: duplicates across runs.

Entries the duplicate index adds during a run stay in memory ("pending") and reach the file only
when their article's line is durably exported (or the article is confirmed unchanged), in the
same transaction as the state record. A killed run therefore never leaves a dedup entry for an
article no finished file holds -- such an entry would make the next run drop it as a duplicate.

It is the default ``NEWSCRAWL_DEDUP_STORE`` (``newscrawl.state.dedup_store.SQLiteDedupStore``);
with the state off it falls back to an in-memory store. :func:`recovery_commit` rebuilds the
entries of a killed run's recovered lines.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from scrapy.utils.misc import load_object

from newscrawl.config import get_bool, get_str
from newscrawl.dedup import DuplicateIndex, Entry, MemoryStore
from newscrawl.state.extension import state_session

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from newscrawl.state.store import StateStore

logger = logging.getLogger(__name__)


class SQLiteDedupStore:
    """Persisted entries (read from the state file) + this run's pending entries (memory).

    Once persisted, an entry leaves memory when the file is read for this run; when the state is
    ignored (``read_persisted`` False) this run's entries stay in memory, the file not being read.
    """

    def __init__(self, store: StateStore | None, *, read_persisted: bool = True) -> None:
        self._store = store
        self._read = read_persisted and store is not None
        self._mem = MemoryStore()
        self._bands: dict[str, list[int]] = {}
        self._persisted_ids: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SQLiteDedupStore | MemoryStore:
        session = state_session(crawler)
        if session is None:
            logger.info("State disabled: duplicate detection works within this run only")
            return MemoryStore()
        store = cls(session.store, read_persisted=not session.ignore)
        session.attach_dedup(store)
        return store

    # -- DedupStore protocol ---------------------------------------------------------------
    def lookup_url(self, key: str) -> str | None:
        hit = self._mem.lookup_url(key)
        if hit is None and self._read:
            row = self._db.execute("SELECT id FROM dedup_urls WHERE key = ?", (key,)).fetchone()
            hit = row[0] if row else None
        return hit

    def lookup_fingerprint(self, fingerprint: str) -> str | None:
        hit = self._mem.lookup_fingerprint(fingerprint)
        if hit is None and self._read:
            row = self._db.execute(
                "SELECT id FROM dedup_fingerprints WHERE fingerprint = ?", (fingerprint,)
            ).fetchone()
            hit = row[0] if row else None
        return hit

    def candidates(self, band_keys: Sequence[int]) -> Iterable[str]:
        seen = set(self._mem.candidates(band_keys))
        yield from seen
        if self._read and band_keys:
            keys = list(band_keys)
            for start in range(0, len(keys), 400):
                chunk = keys[start : start + 400]
                marks = ",".join("?" * len(chunk))
                for (ident,) in self._db.execute(
                    f"SELECT DISTINCT id FROM dedup_bands WHERE band IN ({marks})", chunk
                ):
                    if ident not in seen:
                        seen.add(ident)
                        yield ident

    def get(self, article_id: str) -> Entry | None:
        entry = self._mem.get(article_id)
        if entry is None and self._read:
            row = self._db.execute(
                "SELECT data FROM dedup_entries WHERE id = ?", (article_id,)
            ).fetchone()
            if row is not None:
                try:
                    entry = Entry.from_dict(json.loads(row[0]))
                except ValueError:
                    logger.warning("Ignoring an unreadable dedup entry for %s", article_id)
        return entry

    def add(self, entry: Entry, band_keys: Sequence[int]) -> None:
        self._mem.add(entry, band_keys)
        self._bands[entry.id] = [int(k) for k in band_keys]

    def entries(self) -> Iterator[Entry]:
        pending = {e.id: e for e in self._mem.entries()}
        yield from pending.values()
        if self._read:
            for ident, data in self._db.execute("SELECT id, data FROM dedup_entries"):
                if ident not in pending:
                    try:
                        yield Entry.from_dict(json.loads(data))
                    except ValueError:
                        continue

    def __len__(self) -> int:
        n = len(self._mem)
        if self._read:
            persisted = int(self._db.execute("SELECT COUNT(*) FROM dedup_entries").fetchone()[0])
            overlap = sum(
                1
                for e in self._mem.entries()
                if self._db.execute("SELECT 1 FROM dedup_entries WHERE id = ?", (e.id,)).fetchone()
            )
            n += persisted - overlap
        return n

    # -- persistence (called by the state session inside its commit transaction) -----------
    @property
    def _db(self) -> Any:
        assert self._store is not None
        return self._store.db

    def persist(self, ids: Iterable[str]) -> int:
        """Write this run's entries for ``ids`` (must run inside the caller's transaction)."""
        if self._store is None:
            return 0
        db = self._db
        n = 0
        for ident in ids:
            entry = self._mem.get(ident)
            if entry is None or ident in self._persisted_ids:
                continue
            for table in ("dedup_urls", "dedup_fingerprints", "dedup_bands"):
                db.execute(f"DELETE FROM {table} WHERE id = ?", (ident,))
            db.execute(
                "INSERT OR REPLACE INTO dedup_entries (id, data) VALUES (?, ?)",
                (ident, json.dumps(entry.to_dict(), sort_keys=True)),
            )
            db.executemany(
                "INSERT OR IGNORE INTO dedup_urls (key, id) VALUES (?, ?)",
                [(key, ident) for key in entry.url_keys],
            )
            db.execute(
                "INSERT OR IGNORE INTO dedup_fingerprints (fingerprint, id) VALUES (?, ?)",
                (entry.fingerprint, ident),
            )
            db.executemany(
                "INSERT OR IGNORE INTO dedup_bands (band, id) VALUES (?, ?)",
                [(band, ident) for band in self._bands.get(ident, ())],
            )
            self._persisted_ids.add(ident)
            n += 1
        if n and self._read:
            self._forget_persisted()
        return n

    def _forget_persisted(self) -> None:
        """Drop persisted entries from memory: the file answers for them now (a first crawl
        exports every article of the site, and memory must not grow with it)."""
        keep = [(entry, self._bands[entry.id]) for entry in self._mem.entries()
                if entry.id not in self._persisted_ids]
        self._mem = MemoryStore()
        self._bands = {}
        self._persisted_ids = set()
        for entry, bands in keep:
            self.add(entry, bands)


def recovery_commit(crawler: Crawler) -> Callable[[list[dict[str, Any]], str], None] | None:
    """The commit for the lines of a killed run's recovered file (None when the state is off).

    It records the lines in the state and, when the duplicate index lives in the state
    (``NEWSCRAWL_DEDUP_STORE`` is this store), rebuilds their entries in the same transaction:
    the killed run held them in memory only, and without them a near-copy of a recovered article
    would pass as new in the next run. Entries are built from each line's identity fields by the
    same function the duplicates pipeline uses.
    """
    session = state_session(crawler)
    if session is None:
        return None
    path = get_str(crawler.settings, "NEWSCRAWL_DEDUP_STORE", empty_ok=True)
    try:
        persistent = bool(path) and issubclass(load_object(path), SQLiteDedupStore)
    except (ImportError, NameError, TypeError, ValueError):
        persistent = False
    lowercase_paths = get_bool(crawler.settings, "NEWSCRAWL_LOWERCASE_PATHS")
    store = SQLiteDedupStore(session.store) if persistent else None
    index = DuplicateIndex(store=store) if store is not None else None

    def commit(lines: list[dict[str, Any]], file: str) -> None:
        with session.store.transaction():
            session.commit_lines(lines, file, recovered=True)
            if index is None or store is None:
                return
            ids = []
            for line in lines:
                try:
                    entry = index.entry_for_item(line, lowercase_paths=lowercase_paths)
                except ValueError:  # a line without identity: nothing to index
                    continue
                index.add(entry)
                ids.append(entry.id)
            store.persist(ids)

    return commit
