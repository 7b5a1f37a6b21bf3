"""Duplicate index and copy groups: URL variants, same body, near-copies (pure, no Scrapy).

An :class:`Entry` holds what identifies one kept article: its id, canonical URL,
URL keys (scheme-less canonical URLs it was reached under), exact content
fingerprint, MinHash signature and ``dateModified``. :class:`DuplicateIndex`
answers :meth:`~DuplicateIndex.check` with a :class:`Verdict`:

``new``        nothing matches: keep and index it.
``same_url``   a URL key (or the id) matches an article kept in this run, or
               another article of an earlier run whose content is unchanged: drop.
``update``     the article's own id from an *earlier run*, or a URL key of an
               earlier run's article whose body (fingerprint) or ``dateModified``
               changed: keep. Whether an article of an earlier run is unchanged is
               the state's decision (:class:`newscrawl.pipelines.state.UnchangedPipeline`
               drops those before duplicate detection); an article is never a
               duplicate of itself.
``same_body``  another URL, same normalised body (e.g. the seed's one abstract
               under two titles): drop.
``near_copy``  another URL, estimated Jaccard similarity of word 5-shingles
               >= ``near_threshold`` (typo fix, an added sentence, another
               byline): drop.

Entries live in a :class:`DedupStore`. :class:`MemoryStore` is the default;
:class:`TemporaryStore` keeps them in a private temporary SQLite database (a run's own copy
index: on disk, so memory stays flat however many pages a run sees); a persistent store
(:class:`newscrawl.state.dedup_store.SQLiteDedupStore`) implements the same small protocol,
or the state is moved with :meth:`DuplicateIndex.export_state` /
:meth:`DuplicateIndex.import_state`. Entries already in the store when the index is built, or
imported, count as *earlier runs*; entries added through this index count as *this run*,
which is how ``same_url`` and ``update`` are told apart.

:class:`CopyGroups` is what the crawl uses: it groups a run's candidates into copies of one
article (against the earlier runs' index and against each other) and, once the run has seen
them all, names each group's original with :func:`original_rank` (earliest ``datePublished``,
then the page that is its own canonical URL, then the shortest canonical URL), so the exported
record does not depend on the order pages arrived in. Its groups and its index of this run's
candidates live in a private temporary SQLite database (gone with the process), not in Python
objects: a first crawl stages every article of the site.
"""

from __future__ import annotations

import json
import logging
import math
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from itertools import groupby
from typing import Any, Protocol, runtime_checkable

import numpy as np

from newscrawl.extract.dates import DEFAULT_TIMEZONE, get_zone, parse_date
from newscrawl.extract.fingerprint import (
    DEFAULT_NUM_PERM,
    DEFAULT_SHINGLE_SIZE,
    MinHashSignature,
    body_fingerprints,
)
from newscrawl.extract.urls import canonicalize_url, url_key

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_BANDS",
    "DEFAULT_MIN_WORDS_EXACT",
    "DEFAULT_MIN_WORDS_NEAR",
    "DEFAULT_NEAR_THRESHOLD",
    "DROP_REASONS",
    "KINDS",
    "CopyGroups",
    "DedupStore",
    "DuplicateIndex",
    "Entry",
    "Group",
    "Incumbent",
    "Member",
    "MemoryStore",
    "Outcome",
    "TemporaryStore",
    "Verdict",
    "copy_reason",
    "original_rank",
    "published_instant",
]

KINDS = ("new", "same_url", "same_body", "near_copy", "update")
#: Verdict kind -> DropItem reason / stats key.
DROP_REASONS: Mapping[str, str] = {
    "same_url": "duplicate_url",
    "same_body": "duplicate_body",
    "near_copy": "near_duplicate",
}

#: Estimated Jaccard similarity (word 5-shingles) at or above which two bodies
#: are near-copies. Chosen from the twin's measured distributions: docs/dedup.md.
DEFAULT_NEAR_THRESHOLD = 0.75
#: LSH bands over the signature (rows per band = num_perm // bands).
DEFAULT_BANDS = 24
#: Bodies with fewer normalised words are not matched by body (too little
#: evidence: "Watch the video." must not make every video a duplicate).
DEFAULT_MIN_WORDS_EXACT = 8
DEFAULT_MIN_WORDS_NEAR = 25

STATE_FORMAT = "newscrawl-dedup/1"


@dataclass(frozen=True, slots=True)
class Verdict:
    """Outcome of :meth:`DuplicateIndex.check`."""

    kind: str  # one of KINDS
    original_id: str | None = None  # the article matched (None for "new")
    similarity: float | None = None  # estimated Jaccard for body matches (1.0 for same_body)
    previous_run: bool = False  # the original comes from an earlier run

    @property
    def is_duplicate(self) -> bool:
        return self.kind in DROP_REASONS

    @property
    def drop_reason(self) -> str | None:
        """``duplicate_url`` / ``duplicate_body`` / ``near_duplicate``, or None when kept."""
        return DROP_REASONS.get(self.kind)


@dataclass(frozen=True, slots=True)
class Entry:
    """What the index keeps per article (persisted by a store across runs)."""

    id: str
    canonical_url: str
    url_keys: tuple[str, ...]
    fingerprint: str
    word_count: int
    signature: MinHashSignature | None = None  # None when too short for near-dup matching
    date_modified: str | None = None
    date_published: str | None = None  # ranks an earlier run's article against later copies

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (signature as hex of little-endian uint32 values)."""
        sig = self.signature
        return {
            "id": self.id,
            "canonical_url": self.canonical_url,
            "url_keys": list(self.url_keys),
            "fingerprint": self.fingerprint,
            "word_count": self.word_count,
            "signature": sig.to_bytes().hex() if sig is not None else None,
            "signature_size": sig.size if sig is not None else 0,
            "date_modified": self.date_modified,
            "date_published": self.date_published,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entry:
        """Inverse of :meth:`to_dict`; raises ``ValueError`` naming the bad field."""
        if not isinstance(data, Mapping):
            raise ValueError(f"dedup entry must be a mapping, not {type(data).__name__}")
        try:
            ident = data["id"]
            canonical = data["canonical_url"]
            keys = data["url_keys"]
            fp = data["fingerprint"]
            words = data.get("word_count", 0)
            sig_hex = data.get("signature")
            sig_size = data.get("signature_size", 0)
            modified = data.get("date_modified")
            published = data.get("date_published")
        except KeyError as exc:
            raise ValueError(f"dedup entry lacks field {exc.args[0]!r}: {dict(data)!r:.200}") from None
        for name, value in (("id", ident), ("canonical_url", canonical), ("fingerprint", fp)):
            if not isinstance(value, str) or not value:
                raise ValueError(f"dedup entry field {name!r} must be a non-empty string, got {value!r:.80}")
        if not isinstance(keys, (list, tuple)) or not all(isinstance(k, str) for k in keys):
            raise ValueError(f"dedup entry {ident}: url_keys must be a list of strings")
        if not isinstance(words, int) or isinstance(words, bool) or words < 0:
            raise ValueError(f"dedup entry {ident}: word_count must be a non-negative int")
        for name, value in (("date_modified", modified), ("date_published", published)):
            if value is not None and not isinstance(value, str):
                raise ValueError(f"dedup entry {ident}: {name} must be a string or null")
        signature = None
        if sig_hex is not None:
            try:
                signature = MinHashSignature.from_bytes(bytes.fromhex(sig_hex), int(sig_size))
            except (TypeError, ValueError) as exc:
                raise ValueError(f"dedup entry {ident}: bad signature: {exc}") from None
        return cls(ident, canonical, tuple(keys), fp, words, signature, modified, published)


@runtime_checkable
class DedupStore(Protocol):
    """Where entries live. ``MemoryStore`` is the default; a SQLite store can implement this.

    Lookups return article ids. ``add`` inserts or replaces the entry with the
    same id (an update), indexing its URL keys, fingerprint and LSH band keys
    (non-negative 63-bit ints, one per band). ``candidates`` may return stale or
    repeated ids: the index re-checks every candidate against ``get``.
    """

    def lookup_url(self, key: str) -> str | None: ...

    def lookup_fingerprint(self, fingerprint: str) -> str | None: ...

    def candidates(self, band_keys: Sequence[int]) -> Iterable[str]: ...

    def get(self, article_id: str) -> Entry | None: ...

    def add(self, entry: Entry, band_keys: Sequence[int]) -> None: ...

    def entries(self) -> Iterator[Entry]: ...

    def __len__(self) -> int: ...


class _BandTable:
    """Compact LSH table: band key -> row numbers, in sorted numpy runs plus a small dict.

    A dict entry per (article, band) costs ~100 bytes; 32 bands x 100k articles
    would be ~320 MB. Here keys live in sorted ``uint64`` arrays (12 bytes per
    key with the row), merged like a log-structured merge tree so each key is
    re-sorted O(log n) times; lookups binary-search every run (a handful).
    """

    def __init__(self, flush_at: int = 8192) -> None:
        self._flush_at = flush_at
        self._pending: dict[int, list[int]] = {}
        self._pending_count = 0
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []

    def add(self, keys: Sequence[int], row: int) -> None:
        pending = self._pending
        for key in keys:
            rows = pending.get(key)
            if rows is None:
                pending[key] = [row]
            else:
                rows.append(row)
        self._pending_count += len(keys)
        if self._pending_count >= self._flush_at:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        keys = np.fromiter(
            (k for k, rows in self._pending.items() for _ in rows), dtype=np.uint64, count=self._pending_count
        )
        rows = np.fromiter(
            (r for rs in self._pending.values() for r in rs), dtype=np.int32, count=self._pending_count
        )
        self._pending.clear()
        self._pending_count = 0
        order = np.argsort(keys, kind="stable")
        self._runs.append((keys[order], rows[order]))
        # merge while the newest run is at least half the size of the one before
        while len(self._runs) >= 2 and 2 * len(self._runs[-1][0]) >= len(self._runs[-2][0]):
            (k2, r2), (k1, r1) = self._runs.pop(), self._runs.pop()
            keys = np.concatenate((k1, k2))
            rows = np.concatenate((r1, r2))
            order = np.argsort(keys, kind="stable")
            self._runs.append((keys[order], rows[order]))

    def lookup(self, keys: Sequence[int]) -> Iterator[int]:
        pending = self._pending
        for key in keys:
            rows = pending.get(key)
            if rows:
                yield from rows
        if not self._runs or not keys:
            return
        query = np.asarray(keys, dtype=np.uint64)
        for run_keys, run_rows in self._runs:
            lo = np.searchsorted(run_keys, query, side="left")
            hi = np.searchsorted(run_keys, query, side="right")
            hit = hi > lo
            if hit.any():
                for a, b in zip(lo[hit].tolist(), hi[hit].tolist(), strict=True):
                    yield from run_rows[a:b].tolist()

    def nbytes(self) -> int:
        return sum(k.nbytes + r.nbytes for k, r in self._runs)


class MemoryStore:
    """In-memory :class:`DedupStore`: dicts from URL key and fingerprint to id, compact LSH table."""

    def __init__(self, *, band_flush_at: int = 8192) -> None:
        self._entries: dict[str, Entry] = {}
        self._urls: dict[str, str] = {}
        self._fingerprints: dict[str, str] = {}
        self._ids: list[str] = []  # band table row number -> id (an update appends a new row)
        self._bands = _BandTable(band_flush_at)

    def lookup_url(self, key: str) -> str | None:
        return self._urls.get(key)

    def lookup_fingerprint(self, fingerprint: str) -> str | None:
        return self._fingerprints.get(fingerprint)

    def candidates(self, band_keys: Sequence[int]) -> Iterable[str]:
        ids = self._ids
        return (ids[row] for row in self._bands.lookup(band_keys))

    def get(self, article_id: str) -> Entry | None:
        return self._entries.get(article_id)

    def add(self, entry: Entry, band_keys: Sequence[int]) -> None:
        old = self._entries.get(entry.id)
        if old is not None:
            # an update: unhook the old fingerprint/URL keys; stale band keys
            # are harmless (candidates are re-checked against get()).
            if self._fingerprints.get(old.fingerprint) == old.id:
                del self._fingerprints[old.fingerprint]
            for key in old.url_keys:
                if self._urls.get(key) == old.id:
                    del self._urls[key]
        self._entries[entry.id] = entry
        for key in entry.url_keys:
            self._urls.setdefault(key, entry.id)
        self._fingerprints.setdefault(entry.fingerprint, entry.id)
        if band_keys:
            self._bands.add(band_keys, len(self._ids))
            self._ids.append(entry.id)

    def entries(self) -> Iterator[Entry]:
        return iter(list(self._entries.values()))

    def __len__(self) -> int:
        return len(self._entries)


def temporary_database(*, cache_kib: int = 4096) -> sqlite3.Connection:
    """A private temporary SQLite database: on disk beyond a page cache of ``cache_kib`` KiB, in a
    file SQLite unlinks as soon as it creates it (nothing to clean up, even after ``kill -9``)."""
    db = sqlite3.connect("")
    db.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
    db.execute("PRAGMA temp_store = FILE")
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    return db


class TemporaryStore:
    """:class:`DedupStore` in a SQLite database the caller owns (``run_*`` tables), such as
    :func:`temporary_database`: memory stays flat whatever the number of entries."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        db.executescript(
            """
            CREATE TABLE IF NOT EXISTS run_entries (
                id TEXT PRIMARY KEY, canonical_url TEXT NOT NULL, url_keys TEXT NOT NULL,
                fingerprint TEXT NOT NULL, word_count INTEGER NOT NULL, signature BLOB,
                signature_size INTEGER NOT NULL, date_modified TEXT, date_published TEXT);
            CREATE TABLE IF NOT EXISTS run_urls (key TEXT PRIMARY KEY, id TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS run_fingerprints (fingerprint TEXT PRIMARY KEY, id TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS run_bands (band INTEGER NOT NULL, id TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS run_bands_band ON run_bands (band);
            """
        )

    def lookup_url(self, key: str) -> str | None:
        row = self._db.execute("SELECT id FROM run_urls WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def lookup_fingerprint(self, fingerprint: str) -> str | None:
        row = self._db.execute("SELECT id FROM run_fingerprints WHERE fingerprint = ?", (fingerprint,)).fetchone()
        return row[0] if row else None

    def candidates(self, band_keys: Sequence[int]) -> Iterable[str]:
        if not band_keys:
            return []
        marks = ",".join("?" * len(band_keys))
        return [row[0] for row in self._db.execute(
            f"SELECT id FROM run_bands WHERE band IN ({marks}) ORDER BY rowid", [int(k) for k in band_keys])]

    def get(self, article_id: str) -> Entry | None:
        row = self._db.execute("SELECT * FROM run_entries WHERE id = ?", (article_id,)).fetchone()
        return _entry_of_row(row) if row is not None else None

    def add(self, entry: Entry, band_keys: Sequence[int]) -> None:
        db = self._db
        old = self.get(entry.id)
        if old is not None:  # an update: unhook the old keys (stale band rows are re-checked)
            db.execute("DELETE FROM run_fingerprints WHERE fingerprint = ? AND id = ?", (old.fingerprint, old.id))
            db.executemany("DELETE FROM run_urls WHERE key = ? AND id = ?", [(k, old.id) for k in old.url_keys])
        sig = entry.signature
        db.execute(
            "INSERT OR REPLACE INTO run_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (entry.id, entry.canonical_url, json.dumps(entry.url_keys), entry.fingerprint, entry.word_count,
             sig.to_bytes() if sig is not None else None, sig.size if sig is not None else 0,
             entry.date_modified, entry.date_published),
        )
        db.executemany("INSERT OR IGNORE INTO run_urls VALUES (?, ?)", [(k, entry.id) for k in entry.url_keys])
        db.execute("INSERT OR IGNORE INTO run_fingerprints VALUES (?, ?)", (entry.fingerprint, entry.id))
        db.executemany("INSERT INTO run_bands VALUES (?, ?)", [(int(k), entry.id) for k in band_keys])

    def entries(self) -> Iterator[Entry]:
        for row in self._db.execute("SELECT * FROM run_entries ORDER BY rowid"):
            yield _entry_of_row(row)

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM run_entries").fetchone()[0])


def _entry_of_row(row: Sequence[Any]) -> Entry:
    ident, canonical, keys, fingerprint, words, sig, sig_size, modified, published = row
    signature = MinHashSignature.from_bytes(sig, sig_size) if sig is not None else None
    return Entry(ident, canonical, tuple(json.loads(keys)), fingerprint, words, signature, modified, published)


@dataclass
class DuplicateIndex:
    """First-seen-wins duplicate detection over a :class:`DedupStore`.

    Use :meth:`entry_for` to build an entry from an article, then
    :meth:`observe` (check, and index it when kept) or :meth:`check` +
    :meth:`add` separately.
    """

    near_threshold: float = DEFAULT_NEAR_THRESHOLD
    num_perm: int = DEFAULT_NUM_PERM
    bands: int = DEFAULT_BANDS
    shingle_size: int = DEFAULT_SHINGLE_SIZE
    min_words_exact: int = DEFAULT_MIN_WORDS_EXACT
    min_words_near: int = DEFAULT_MIN_WORDS_NEAR
    store: DedupStore = field(default_factory=MemoryStore)
    _this_run: set[str] = field(default_factory=set, init=False, repr=False)

    def __post_init__(self) -> None:
        if not 0.0 < float(self.near_threshold) <= 1.0:
            raise ValueError(f"near_threshold must be in (0, 1], got {self.near_threshold!r}")
        if self.num_perm <= 0 or self.bands <= 0 or self.num_perm % self.bands:
            raise ValueError(f"bands={self.bands} must be positive and divide num_perm={self.num_perm}")
        if self.shingle_size <= 0:
            raise ValueError(f"shingle_size must be positive, got {self.shingle_size!r}")
        if not isinstance(self.store, DedupStore):
            raise TypeError(f"store {self.store!r} does not implement DedupStore")
        self.near_threshold = float(self.near_threshold)

    # -- building entries -------------------------------------------------
    @property
    def signature_scheme(self) -> str:
        """Identifies how signatures/band keys are made; stores must not mix schemes."""
        rows = self.num_perm // self.bands
        return f"minhash-xxh3-w{self.shingle_size}-p{self.num_perm}-b{self.bands}x{rows}/2"

    def entry_for(
        self,
        *,
        article_id: str,
        canonical_url: str,
        body: str | None,
        urls: Iterable[str] = (),
        date_modified: str | None = None,
        date_published: str | None = None,
    ) -> Entry:
        """Entry for an article: ``canonical_url`` and ``urls`` must already be canonicalised."""
        keys = dict.fromkeys([url_key(canonical_url), *(url_key(u) for u in urls)])
        fps = body_fingerprints(body or "", num_perm=self.num_perm, shingle_size=self.shingle_size)
        signature = fps.signature if fps.word_count >= self.min_words_near else None
        return Entry(
            id=article_id,
            canonical_url=canonical_url,
            url_keys=tuple(keys),
            fingerprint=fps.fingerprint,
            word_count=fps.word_count,
            signature=signature,
            date_modified=date_modified or None,
            date_published=date_published or None,
        )

    def entry_for_item(self, item: Mapping[str, Any], *, lowercase_paths: bool) -> Entry:
        """Entry for an item or exported line whose identity is set (``id``, ``canonicalUrl``).

        Its URL keys are the canonical URL and the fetched ``url`` in canonical form; its date
        is ``dateModified`` (or the raw string when it did not parse).
        """
        return self._item_entry(item, *_item_keys(item, lowercase_paths))

    def observe_item(self, item: Mapping[str, Any], *, lowercase_paths: bool) -> tuple[Verdict, str]:
        """:meth:`observe` an item (see :meth:`entry_for_item`); returns the verdict and its id.

        A URL already kept in this run is settled by :meth:`check_url` before any body hashing.
        """
        ident, canonical, urls = _item_keys(item, lowercase_paths)
        quick = self.check_url(article_id=ident, canonical_url=canonical, urls=urls)
        if quick is not None:
            return quick, ident
        return self.observe(self._item_entry(item, ident, canonical, urls)), ident

    def _item_entry(self, item: Mapping[str, Any], ident: str, canonical: str, urls: list[str]) -> Entry:
        body = item.get("articleBody")
        modified = item.get("dateModified") or item.get("dateModifiedRaw")
        published = item.get("datePublished")
        return self.entry_for(
            article_id=ident,
            canonical_url=canonical,
            urls=urls,
            body=body if isinstance(body, str) else "",
            date_modified=modified if isinstance(modified, str) else None,
            date_published=published if isinstance(published, str) else None,
        )

    # -- checking -----------------------------------------------------------
    def _by_url(self, article_id: str, url_keys: Iterable[str]) -> Entry | None:
        store = self.store
        original = store.get(article_id)
        if original is None:
            for key in url_keys:
                hit = store.lookup_url(key)
                if hit is not None:
                    original = store.get(hit)
                    if original is not None:
                        break
        return original

    def check_url(self, *, article_id: str, canonical_url: str, urls: Iterable[str] = ()) -> Verdict | None:
        """Fast path before any body hashing: ``same_url`` if the id or a URL was kept in *this run*.

        Returns None otherwise (a match from an earlier run needs :meth:`check`).
        """
        keys = [url_key(canonical_url), *(url_key(u) for u in urls)]
        original = self._by_url(article_id, keys)
        if original is not None and original.id in self._this_run:
            return Verdict("same_url", original.id)
        return None

    def band_keys(self, entry: Entry) -> list[int]:
        """The entry's LSH band keys (empty for a body too short for near-copy matching)."""
        return entry.signature.band_keys(self.bands) if entry.signature is not None else []

    def check(self, entry: Entry, *, band_keys: list[int] | None = None) -> Verdict:
        """Classify ``entry`` against everything indexed so far (does not add it).

        ``band_keys`` may pass the entry's precomputed LSH keys (see :meth:`observe`).
        """
        original = self._by_url(entry.id, entry.url_keys)
        if original is not None:
            if original.id in self._this_run:
                return Verdict("same_url", original.id)
            changed = original.fingerprint != entry.fingerprint or (
                entry.date_modified is not None and entry.date_modified != original.date_modified
            )
            if not changed and original.id != entry.id:
                return Verdict("same_url", original.id, previous_run=True)
            sim = None
            if entry.signature is not None and original.signature is not None:
                sim = entry.signature.jaccard(original.signature)
            return Verdict("update", original.id, sim, previous_run=True)

        same = self._same_body(entry)
        if same is not None:
            return Verdict("same_body", same.id, 1.0, same.id not in self._this_run)
        near = self._nearest(entry, band_keys)
        if near is not None:
            cand, sim = near
            return Verdict("near_copy", cand.id, sim, cand.id not in self._this_run)
        return Verdict("new")

    def matches(self, entry: Entry, *, band_keys: list[int] | None = None) -> list[str]:
        """Ids of every indexed article ``entry`` is a copy of, without choosing: the one it is
        by id or URL key, the one with its exact body, its nearest near-copy (in that order)."""
        found = self._by_url(entry.id, entry.url_keys)
        same = self._same_body(entry)
        near = self._nearest(entry, band_keys)
        ids = [e.id for e in (found, same, near[0] if near is not None else None) if e is not None]
        return list(dict.fromkeys(ids))

    def _same_body(self, entry: Entry) -> Entry | None:
        if entry.word_count < self.min_words_exact:
            return None
        hit = self.store.lookup_fingerprint(entry.fingerprint)
        other = self.store.get(hit) if hit is not None else None
        if other is not None and other.fingerprint == entry.fingerprint and other.id != entry.id:
            return other
        return None

    def _nearest(self, entry: Entry, band_keys: list[int] | None) -> tuple[Entry, float] | None:
        """The most similar other article at or above the threshold, and the estimated similarity."""
        sig = entry.signature
        if sig is None:
            return None
        seen: set[str] = {entry.id}
        cands: list[Entry] = []
        cand_sigs: list[MinHashSignature] = []
        keys = band_keys if band_keys is not None else sig.band_keys(self.bands)
        for cand_id in self.store.candidates(keys):
            if cand_id in seen:
                continue
            seen.add(cand_id)
            cand = self.store.get(cand_id)
            if cand is not None and cand.signature is not None and cand.signature.num_perm == sig.num_perm:
                cands.append(cand)
                cand_sigs.append(cand.signature)
        if not cands:
            return None
        sims = sig.jaccard_many(cand_sigs)
        best = int(sims.argmax())
        if sims[best] < self.near_threshold:
            return None
        return cands[best], float(sims[best])

    def add(self, entry: Entry, *, band_keys: list[int] | None = None) -> None:
        """Index ``entry`` as seen in this run (replaces an entry with the same id)."""
        self.store.add(entry, band_keys if band_keys is not None else self.band_keys(entry))
        self._this_run.add(entry.id)

    def observe(self, entry: Entry) -> Verdict:
        """:meth:`check`, then :meth:`add` when the article is kept (``new`` or ``update``)."""
        keys = self.band_keys(entry)
        verdict = self.check(entry, band_keys=keys)
        if not verdict.is_duplicate:
            self.add(entry, band_keys=keys)
        return verdict

    # -- persistence --------------------------------------------------------
    def import_entries(self, entries: Iterable[Entry | Mapping[str, Any]]) -> int:
        """Load entries from an earlier run (dicts from :meth:`Entry.to_dict` accepted)."""
        count = 0
        for item in entries:
            entry = item if isinstance(item, Entry) else Entry.from_dict(item)
            if entry.signature is not None and entry.signature.num_perm != self.num_perm:
                raise ValueError(
                    f"dedup entry {entry.id}: signature has {entry.signature.num_perm} values, "
                    f"index uses {self.num_perm}"
                )
            self.store.add(entry, self.band_keys(entry))
            self._this_run.discard(entry.id)
            count += 1
        return count

    def export_entries(self) -> Iterator[Entry]:
        return self.store.entries()

    def export_state(self) -> dict[str, Any]:
        """JSON-able snapshot: scheme + entries; feed it to :meth:`import_state` next run."""
        return {
            "format": STATE_FORMAT,
            "scheme": self.signature_scheme,
            "entries": [e.to_dict() for e in self.export_entries()],
        }

    def import_state(self, state: Mapping[str, Any]) -> int:
        """Load a snapshot from :meth:`export_state`; raises ``ValueError`` if corrupt or incompatible."""
        if not isinstance(state, Mapping) or state.get("format") != STATE_FORMAT:
            raise ValueError(f"not a {STATE_FORMAT} snapshot")
        if state.get("scheme") != self.signature_scheme:
            raise ValueError(
                f"dedup snapshot uses {state.get('scheme')!r}, this index uses "
                f"{self.signature_scheme!r}: signatures are not comparable"
            )
        entries = state.get("entries")
        if not isinstance(entries, list):
            raise ValueError("dedup snapshot: 'entries' must be a list")
        return self.import_entries(entries)

    def __len__(self) -> int:
        return len(self.store)


def _item_keys(item: Mapping[str, Any], lowercase_paths: bool) -> tuple[str, str, list[str]]:
    """``id``, ``canonicalUrl`` and the fetched ``url`` in canonical form (if it has one)."""
    ident, canonical = item.get("id"), item.get("canonicalUrl")
    if not isinstance(ident, str) or not isinstance(canonical, str):
        raise ValueError(
            f"item without id/canonicalUrl ({item.get('url')!r}): duplicate detection needs the "
            "identity pipeline before it"
        )
    url = item.get("url")
    try:
        fetched = [canonicalize_url(url, lowercase_path=lowercase_paths)] if isinstance(url, str) else []
    except ValueError:
        fetched = []
    return ident, canonical, fetched


# -- the original of a group of copies, decided at the end of a run ------------------------------

#: Sort key of a group member; the smallest is the original (see :func:`original_rank`).
Rank = tuple[float, int, int, str, str]


def published_instant(value: object, *, timezone: str = DEFAULT_TIMEZONE) -> float | None:
    """Epoch seconds of a ``datePublished`` value (the project's date parser; a date without a
    time counts from midnight in ``timezone``); None when missing or unparseable."""
    if not isinstance(value, str) or not value:
        return None
    parsed = parse_date(value, default_tz=timezone)
    if parsed is None:
        return None
    moment = parsed.moment
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(0, 0), get_zone(timezone))
    return moment.timestamp()


def original_rank(
    date_published: object, canonical_url: str, fetched_url: str | None = None,
    *, timezone: str = DEFAULT_TIMEZONE,
) -> Rank:
    """Where a page stands among copies of one article: the smallest rank is the original.

    Earliest ``datePublished`` first (unknown last); on a tie the page that is its own canonical
    URL (the one the copies declare as ``rel=canonical``) before a page that declares another;
    then the shortest canonical URL; then the canonical and fetched URLs as strings, so that
    nothing is left to the order in which pages arrive. ``fetched_url`` must be canonicalised.
    """
    instant = published_instant(date_published, timezone=timezone)
    fetched = fetched_url or canonical_url
    declares_other = 0 if url_key(fetched) == url_key(canonical_url) else 1
    return (math.inf if instant is None else instant, declares_other, len(canonical_url),
            canonical_url, fetched)


@dataclass(frozen=True, slots=True)
class Member:
    """A candidate of this run in a group of copies (staged under ``key``: its fetched URL)."""

    key: str
    id: str
    canonical_url: str
    fingerprint: str
    rank: Rank
    entry: Entry | None = None  # None when read back from CopyGroups' database (it keeps the entry apart)


@dataclass(frozen=True, slots=True)
class Incumbent:
    """An earlier run's exported article that a group's candidates are copies (or versions) of."""

    id: str
    canonical_url: str
    fingerprint: str
    rank: Rank


def copy_reason(copy: Member, original: Member | Incumbent) -> str:
    """Why ``copy`` is not exported beside ``original``: the drop reason of its kind of copy."""
    if url_key(copy.canonical_url) == url_key(original.canonical_url):
        return DROP_REASONS["same_url"]
    if copy.fingerprint == original.fingerprint:
        return DROP_REASONS["same_body"]
    return DROP_REASONS["near_copy"]


@dataclass
class Group:
    """Pages that are copies of one article: this run's members and an earlier run's export."""

    key: str
    incumbent: Incumbent | None = None
    members: dict[str, Member] = field(default_factory=dict)

    def contenders(self) -> list[Member | Incumbent]:
        """The members, and the earlier run's export unless a member is that page fetched again
        (a changed version of it: only what it is now counts)."""
        found: list[Member | Incumbent] = list(self.members.values())
        inc = self.incumbent
        if inc is not None and not any(
            m.id == inc.id and url_key(m.canonical_url) == url_key(inc.canonical_url) for m in self.members.values()
        ):
            found.append(inc)
        return found

    def original(self) -> Member | Incumbent:
        return min(self.contenders(), key=_order)

    @property
    def exports(self) -> bool:
        """True when the group's original is a page of this run (a line will be written)."""
        return bool(self.members) and isinstance(self.original(), Member)


@dataclass(frozen=True)
class Outcome:
    """The end-of-run decision for one group."""

    group: Group
    original: Member | None  # the member exported; None when an earlier run's export stays the original
    export_id: str | None  # the id the original is exported under: the group's first exported id
    copies: tuple[tuple[Member, str], ...]  # members not exported, with their drop reason
    previous_run: bool  # the original is an earlier run's export (as it was, or changed)


def _order(contender: Member | Incumbent) -> tuple[Rank, str]:
    """Rank, then the staging key: a total order even for two fetches of one URL's variants."""
    return contender.rank, contender.key if isinstance(contender, Member) else ""


class CopyGroups:
    """This run's candidates, grouped into copies of one article; each group's original decided
    at the end, whatever the order in which its pages arrived.

    A candidate is matched first against ``earlier`` (the articles earlier runs exported: its
    group is then anchored on that article, the *incumbent*), else against this run's candidates,
    else it starts a group. Every candidate is indexed, so a later page can match any member of a
    group, not only the first one seen. :meth:`outcomes` then ranks each group's pages with
    :func:`original_rank`: the best one is exported; when it is not the incumbent, it is exported
    under the incumbent's id (a new version of the group's record).

    The groups, their members and the index of this run's candidates live in ``db`` (by default a
    :func:`temporary_database`), not in Python objects: a first crawl stages every article of the
    site, and memory must not grow with it. A :class:`Group` is read from it when needed.
    """

    #: a commit every so many candidates keeps SQLite's transaction short
    COMMIT_EVERY = 500

    def __init__(
        self,
        earlier: DuplicateIndex,
        *,
        incumbent: Callable[[str], Incumbent | None] | None = None,
        lowercase_paths: bool = True,
        timezone: str = DEFAULT_TIMEZONE,
        db: sqlite3.Connection | None = None,
    ) -> None:
        self.earlier = earlier
        self.db = db if db is not None else temporary_database()
        self.run = replace(earlier, store=TemporaryStore(self.db))
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS copy_groups (key TEXT PRIMARY KEY, earlier INTEGER NOT NULL, incumbent TEXT);
            CREATE TABLE IF NOT EXISTS copy_members (key TEXT PRIMARY KEY, grp TEXT NOT NULL, member TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS copy_members_grp ON copy_members (grp);
            """
        )
        self._incumbent = incumbent
        self.lowercase_paths = lowercase_paths
        self.timezone = timezone
        self._added = 0

    def add(self, item: Mapping[str, Any]) -> tuple[Group, Member, bool]:
        """Place a candidate (an item whose identity is set) in its group.

        Returns the group, the member and whether the group now exports where it did not before
        (a new article for ``max_articles``). The same fetched URL (``url``) added again
        replaces itself.
        """
        ident, canonical, urls = _item_keys(item, self.lowercase_paths)
        fetched = urls[0] if urls else canonical
        raw_url = item.get("url")
        key = raw_url if isinstance(raw_url, str) and raw_url else fetched
        rank = original_rank(item.get("datePublished"), canonical, fetched, timezone=self.timezone)
        entry = self.earlier.entry_for_item(item, lowercase_paths=self.lowercase_paths)
        keys = self.earlier.band_keys(entry)
        group_key: str | None = None
        found = self.earlier.check(entry, band_keys=keys)
        if found.original_id is not None:
            group_key = self._incumbent_group(found.original_id)
        run_entry = replace(entry, id=key)
        for other in self.run.matches(run_entry, band_keys=keys):
            other_group = self._group_key_of(other)
            if other_group is not None:
                group_key = self._merge(group_key, other_group)
        self.run.store.add(run_entry, keys)
        db = self.db
        if group_key is None:
            group_key = key
            db.execute("INSERT OR REPLACE INTO copy_groups VALUES (?, 0, NULL)", (key,))
        group = self.group(group_key)
        assert group is not None
        exported_before = group.exports
        member = Member(key, ident, canonical, entry.fingerprint, rank, entry)
        db.execute("INSERT OR REPLACE INTO copy_members VALUES (?, ?, ?)",
                   (key, group_key, json.dumps([ident, canonical, entry.fingerprint, rank])))
        group.members[key] = member
        self._added += 1
        if self._added % self.COMMIT_EVERY == 0:
            db.commit()
        return group, member, group.exports and not exported_before

    def group(self, key: str) -> Group | None:
        """The group ``key`` with its members, read from the database (None when there is none)."""
        row = self.db.execute("SELECT incumbent FROM copy_groups WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        members = self.db.execute("SELECT key, member FROM copy_members WHERE grp = ? ORDER BY key", (key,))
        return Group(key, _load_incumbent(row[0]), {k: _load_member(k, data) for k, data in members})

    def _group_key_of(self, member_key: str) -> str | None:
        row = self.db.execute("SELECT grp FROM copy_members WHERE key = ?", (member_key,)).fetchone()
        return row[0] if row else None

    def _anchored(self, group_key: str) -> bool:
        row = self.db.execute("SELECT incumbent IS NOT NULL FROM copy_groups WHERE key = ?", (group_key,)).fetchone()
        return bool(row and row[0])

    def _merge(self, group: str | None, other: str) -> str:
        """One group of ``group`` and ``other`` (a page that is a copy of members of both).

        Two groups anchored on different earlier articles stay apart: both were exported.
        """
        if group is None or group == other:
            return other
        group_anchored, other_anchored = self._anchored(group), self._anchored(other)
        if group_anchored and other_anchored:
            return group
        keep, gone = (group, other) if not other_anchored else (other, group)
        self.db.execute("UPDATE copy_members SET grp = ? WHERE grp = ?", (keep, gone))
        self.db.execute("DELETE FROM copy_groups WHERE key = ?", (gone,))
        return keep

    def _incumbent_group(self, article_id: str) -> str:
        if self.db.execute("SELECT 1 FROM copy_groups WHERE key = ? AND earlier = 1", (article_id,)).fetchone():
            return article_id
        incumbent = self._incumbent(article_id) if self._incumbent is not None else None
        if incumbent is None:
            entry = self.earlier.store.get(article_id)
            if entry is not None:
                incumbent = Incumbent(entry.id, entry.canonical_url, entry.fingerprint,
                                      original_rank(entry.date_published, entry.canonical_url,
                                                    timezone=self.timezone))
        saved = None if incumbent is None else json.dumps(
            [incumbent.id, incumbent.canonical_url, incumbent.fingerprint, incumbent.rank])
        self.db.execute("INSERT OR REPLACE INTO copy_groups VALUES (?, 1, ?)", (article_id, saved))
        return article_id

    def outcomes(self) -> Iterator[Outcome]:
        """Each group's decision (groups in key order, members in rank order), one group in memory
        at a time."""
        self.db.commit()
        rows = self.db.execute(
            "SELECT g.key, g.incumbent, m.key, m.member FROM copy_groups g JOIN copy_members m ON m.grp = g.key"
            " ORDER BY g.key, m.key"
        )
        for key, group_rows in groupby(rows, key=lambda row: row[0]):
            group: Group | None = None
            for _, incumbent, member_key, data in group_rows:
                if group is None:
                    group = Group(key, _load_incumbent(incumbent))
                group.members[member_key] = _load_member(member_key, data)
            assert group is not None
            yield self._outcome(group)

    @staticmethod
    def _outcome(group: Group) -> Outcome:
        original = group.original()
        members = sorted(group.members.values(), key=_order)
        copies = tuple((m, copy_reason(m, original)) for m in members if m is not original)
        inc = group.incumbent
        if isinstance(original, Incumbent):
            return Outcome(group, None, None, copies, True)
        previous = inc is not None and original.id == inc.id and (
            url_key(original.canonical_url) == url_key(inc.canonical_url))
        return Outcome(group, original, inc.id if inc is not None else original.id, copies, previous)

    def entry_of(self, member: Member, item: Mapping[str, Any], export_id: str) -> Entry:
        """The index entry of an exported original: its own content under ``export_id``, keeping
        the URL keys the earlier record of that id was known by."""
        entry = (member.entry or self.run.store.get(member.key)
                 or self.earlier.entry_for_item(item, lowercase_paths=self.lowercase_paths))
        earlier = self.earlier.store.get(export_id)
        keys = dict.fromkeys([*entry.url_keys, *(earlier.url_keys if earlier is not None else ())])
        return replace(entry, id=export_id, url_keys=tuple(keys))

    def close(self) -> None:
        """Close the database (a temporary one is then deleted)."""
        self.db.close()

    def __len__(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM copy_members").fetchone()[0])


def _load_incumbent(data: str | None) -> Incumbent | None:
    if data is None:
        return None
    ident, canonical, fingerprint, rank = json.loads(data)
    return Incumbent(ident, canonical, fingerprint, _rank(rank))


def _load_member(key: str, data: str) -> Member:
    ident, canonical, fingerprint, rank = json.loads(data)
    return Member(key, ident, canonical, fingerprint, _rank(rank))


def _rank(values: Sequence[Any]) -> Rank:
    instant, declares_other, length, canonical, fetched = values
    return float(instant), int(declares_other), int(length), str(canonical), str(fetched)
