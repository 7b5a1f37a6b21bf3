"""The persistent crawl state: one SQLite file per spider, WAL mode, stdlib only.

It remembers every article the project has *durably exported* (id, canonical URL, all URL
variants, fingerprint, dates, sitemap ``lastmod``, HTTP validators) so the next run fetches and
exports only what is new or changed. Writes come in batches, one transaction each, and only for
lines already fsynced to a feed file (see :mod:`newscrawl.feeds`), so the state never claims an
article that was not exported. ``synchronous=FULL`` makes a committed batch survive power loss.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newscrawl.extract.dates.parse import parse_date
from newscrawl.runinfo import utc_iso
from newscrawl.state.lock import StateError, unwritable

logger = logging.getLogger(__name__)

#: Version of the SQLite layout below; a file from a newer layout is refused, never altered.
#: Tables added since (``boilerplate``) are created when an older file is opened: no new version.
STORE_SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    canonical_url TEXT NOT NULL,
    version INTEGER NOT NULL,
    fingerprint TEXT,
    date_published TEXT,
    date_modified TEXT,
    lastmod TEXT,
    changed_ts REAL,
    first_exported TEXT NOT NULL,
    last_exported TEXT NOT NULL,
    last_seen_ts REAL NOT NULL,
    run_id TEXT,
    file TEXT
);
CREATE INDEX IF NOT EXISTS articles_changed ON articles(changed_ts);
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY,
    article_id TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT
);
CREATE INDEX IF NOT EXISTS urls_article ON urls(article_id);
CREATE TABLE IF NOT EXISTS seen (
    url TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    lastmod TEXT,
    changed_ts REAL,
    seen_ts REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS parts (
    path TEXT PRIMARY KEY,
    run_id TEXT,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    path TEXT NOT NULL,
    target TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    planned TEXT NOT NULL,
    delivered TEXT,
    PRIMARY KEY (path, target)
);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    started TEXT NOT NULL,
    finished TEXT,
    outcome TEXT,
    exit_code INTEGER,
    summary TEXT
);
CREATE TABLE IF NOT EXISTS dedup_entries (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dedup_urls (
    key TEXT PRIMARY KEY,
    id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dedup_fingerprints (
    fingerprint TEXT PRIMARY KEY,
    id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dedup_bands (
    band INTEGER NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (band, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dedup_bands_id ON dedup_bands(id);
CREATE INDEX IF NOT EXISTS articles_published ON articles(date_published);
CREATE TABLE IF NOT EXISTS surfaces (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    lastmod TEXT,
    lastmod_ts REAL,
    checked_ts REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS retry (
    url TEXT PRIMARY KEY,
    lastmod TEXT,
    attempts INTEGER NOT NULL,
    first_ts REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS staged (
    key TEXT PRIMARY KEY,
    run_id TEXT,
    item TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS dedup_urls_id ON dedup_urls(id);
CREATE INDEX IF NOT EXISTS dedup_fingerprints_id ON dedup_fingerprints(id);
CREATE TABLE IF NOT EXISTS boilerplate (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    snapshot TEXT NOT NULL,
    run_id TEXT,
    saved TEXT NOT NULL
);
"""


class StateCorruptError(StateError):
    """The state file is not a readable newscrawl state; it is never reset silently."""


#: W3C Datetime's reduced precisions, allowed in sitemap ``<lastmod>``: a year, a year and month.
_PARTIAL_DATE_RE = re.compile(r"(\d{4})(?:-(\d{2}))?")


def parse_timestamp(raw: str | None) -> float | None:
    """Epoch seconds of a sitemap/RSS/HTTP/ISO date string; None if unparseable.

    Read with the project's date parser (:func:`newscrawl.extract.dates.parse_date`): a time
    without a zone is UTC, a date alone is its midnight UTC. A partial date (``2025``,
    ``2025-06``) stays partial: it stands for the first moment of its period, so it is newer
    than any change before that period and never than one inside it; nothing is filled in
    from today's date.
    """
    if not raw or not isinstance(raw, str):
        return None
    parsed = parse_date(raw, default_tz="UTC")
    if parsed is not None:
        moment = parsed.moment
        if not isinstance(moment, datetime):
            moment = datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
        return moment.timestamp()
    partial = _PARTIAL_DATE_RE.fullmatch(raw.strip())
    if partial is None:
        return None
    try:
        return datetime(int(partial[1]), int(partial[2] or 1), 1, tzinfo=UTC).timestamp()
    except ValueError:  # month 13
        return None


@dataclass(frozen=True)
class ArticleRecord:
    """What the state knows about one exported article."""

    id: str
    canonical_url: str
    version: int
    fingerprint: str | None
    date_published: str | None
    date_modified: str | None
    lastmod: str | None
    changed_ts: float | None
    last_exported: str
    last_seen_ts: float


@dataclass
class ExportRecord:
    """One durably exported line, as committed to the state."""

    id: str
    canonical_url: str
    version: int
    fingerprint: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    lastmod: str | None = None
    urls: set[str] = field(default_factory=set)
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    file: str | None = None

    def changed_ts(self) -> float | None:
        """Latest known change time: the newest of lastmod, dateModified, datePublished."""
        stamps = [
            parse_timestamp(v) for v in (self.lastmod, self.date_modified, self.date_published)
        ]
        known = [s for s in stamps if s is not None]
        return max(known) if known else None


@dataclass(frozen=True)
class SeenRecord:
    """A page fetched before that was deliberately not exported (duplicate, not an article)."""

    url: str
    kind: str
    lastmod: str | None
    changed_ts: float | None
    seen_ts: float


@dataclass(frozen=True)
class SurfaceRecord:
    """A sitemap, feed, listing or robots.txt as a complete run last saw it."""

    url: str
    etag: str | None
    last_modified: str | None
    lastmod: str | None  # the date the sitemap index gave it (None for other surfaces)


@dataclass
class TouchRecord:
    """An already exported article seen again unchanged: refresh lastmod, validators, URLs."""

    id: str
    lastmod: str | None = None
    urls: set[str] = field(default_factory=set)
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


class StateStore:
    """SQLite-backed state of one spider. Single-threaded; the run lock guards the writer."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None
        self._depth = 0

    # -- lifecycle -------------------------------------------------------------------------
    def open(self) -> StateStore:
        """Open (creating if absent) and verify the file; raise :class:`StateCorruptError`
        (or ``StateUnwritableError`` when its folder cannot be written)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            empty = self.path.exists() and self.path.stat().st_size == 0
        except OSError as exc:
            raise unwritable(self.path, exc) from exc
        if not os.access(self.path.parent, os.W_OK):  # SQLite would fail later, on its journal
            raise unwritable(self.path, OSError(errno.EACCES, "no write access"))
        if empty:
            # SQLite would take a 0-byte file for a new database: every article would be new
            raise StateCorruptError(
                f"state file {self.path} is empty (0 bytes); move it away or reset the state "
                "explicitly (NEWSCRAWL_STATE_RESET=1)"
            )
        try:
            db = sqlite3.connect(self.path, isolation_level=None, timeout=5.0)
        except sqlite3.Error as exc:
            raise StateCorruptError(f"cannot open state file {self.path}: {exc}") from exc
        try:
            rows = db.execute("PRAGMA quick_check").fetchall()
            if [tuple(r) for r in rows] != [("ok",)]:
                detail = "; ".join(str(r[0]) for r in rows[:3])
                raise StateCorruptError(f"state file {self.path} failed quick_check: {detail}")
            mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":  # pragma: no cover - e.g. exotic filesystems
                logger.warning("State %s: WAL mode unavailable, using %s", self.path, mode)
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=OFF")
            db.executescript(_SCHEMA)
            row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO meta(key, value) VALUES ('schema_version', ?), ('created', ?)",
                    (str(STORE_SCHEMA_VERSION), utc_iso()),
                )
            elif int(row[0]) > STORE_SCHEMA_VERSION:
                raise StateCorruptError(
                    f"state file {self.path} has layout version {row[0]}, newer than this "
                    f"newscrawl ({STORE_SCHEMA_VERSION}); refusing to touch it"
                )
        except StateCorruptError:
            db.close()
            raise
        except (sqlite3.DatabaseError, ValueError) as exc:
            db.close()
            raise StateCorruptError(
                f"state file {self.path} is corrupt or not a newscrawl state ({exc}); "
                "move it away or reset the state explicitly (NEWSCRAWL_STATE_RESET=1)"
            ) from exc
        self._db = db
        return self

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> StateStore:
        return self.open() if self._db is None else self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; nested uses join the outermost one."""
        db = self.db
        if self._depth == 0:
            db.execute("BEGIN IMMEDIATE")
        self._depth += 1
        try:
            yield db
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                db.execute("ROLLBACK")
            raise
        self._depth -= 1
        if self._depth == 0:
            db.execute("COMMIT")

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("state store is not open")
        return self._db

    @staticmethod
    def remove_files(path: str | os.PathLike[str]) -> list[Path]:
        """Delete a state file and its WAL/SHM companions (explicit reset only)."""
        removed = []
        for suffix in ("", "-wal", "-shm", "-journal"):
            p = Path(f"{path}{suffix}")
            if p.exists():
                p.unlink()
                removed.append(p)
        return removed

    # -- reads -----------------------------------------------------------------------------
    _ARTICLE_COLS = (
        "a.id, a.canonical_url, a.version, a.fingerprint, a.date_published, a.date_modified, "
        "a.lastmod, a.changed_ts, a.last_exported, a.last_seen_ts"
    )

    def get_article(self, article_id: str) -> ArticleRecord | None:
        row = self.db.execute(
            f"SELECT {self._ARTICLE_COLS} FROM articles a WHERE a.id = ?", (article_id,)
        ).fetchone()
        return ArticleRecord(*row) if row else None

    def lookup_url(self, url: str) -> ArticleRecord | None:
        """The article a (canonicalised) URL variant belongs to, if exported before."""
        row = self.db.execute(
            f"SELECT {self._ARTICLE_COLS} FROM urls u JOIN articles a ON a.id = u.article_id "
            "WHERE u.url = ?",
            (url,),
        ).fetchone()
        return ArticleRecord(*row) if row else None

    def validators(self, url: str) -> tuple[str | None, str | None] | None:
        """(ETag, Last-Modified) stored for a URL, or None."""
        row = self.db.execute(
            "SELECT etag, last_modified FROM urls WHERE url = ?", (url,)
        ).fetchone()
        if row is None or (row[0] is None and row[1] is None):
            return None
        return row[0], row[1]

    def lookup_seen(self, url: str) -> SeenRecord | None:
        row = self.db.execute(
            "SELECT url, kind, lastmod, changed_ts, seen_ts FROM seen WHERE url = ?", (url,)
        ).fetchone()
        return SeenRecord(*row) if row else None

    def record_seen(self, records: Iterable[tuple[str, str, str | None]]) -> int:
        """Remember (url, kind, lastmod) of pages fetched but deliberately not exported."""
        now_ts = time.time()
        n = 0
        with self.transaction() as db:
            for url, kind, lastmod in records:
                db.execute(
                    """
                    INSERT INTO seen (url, kind, lastmod, changed_ts, seen_ts)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(url) DO UPDATE SET
                        kind = excluded.kind,
                        lastmod = COALESCE(excluded.lastmod, seen.lastmod),
                        changed_ts = MAX(COALESCE(excluded.changed_ts, 0),
                                         COALESCE(seen.changed_ts, 0)),
                        seen_ts = excluded.seen_ts
                    """,
                    (url, kind, lastmod, parse_timestamp(lastmod), now_ts),
                )
                n += 1
        return n

    def article_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def iter_articles(self) -> Iterator[ArticleRecord]:
        cur = self.db.execute(f"SELECT {self._ARTICLE_COLS} FROM articles a ORDER BY a.id")
        for row in cur:
            yield ArticleRecord(*row)

    # -- writes ----------------------------------------------------------------------------
    def record_exports(
        self, records: Iterable[ExportRecord], *, run_id: str | None = None
    ) -> int:
        """Commit exported lines in ONE transaction; idempotent, never lowers a version."""
        now_iso, now_ts = utc_iso(), time.time()
        n = 0
        with self.transaction() as db:
            for rec in records:
                db.execute(
                    """
                    INSERT INTO articles (id, canonical_url, version, fingerprint, date_published,
                        date_modified, lastmod, changed_ts, first_exported, last_exported,
                        last_seen_ts, run_id, file)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET
                        canonical_url = excluded.canonical_url,
                        version = excluded.version,
                        fingerprint = excluded.fingerprint,
                        date_published = excluded.date_published,
                        date_modified = excluded.date_modified,
                        lastmod = COALESCE(excluded.lastmod, articles.lastmod),
                        changed_ts = MAX(COALESCE(excluded.changed_ts, 0),
                                         COALESCE(articles.changed_ts, 0)),
                        last_exported = excluded.last_exported,
                        last_seen_ts = excluded.last_seen_ts,
                        run_id = excluded.run_id,
                        file = excluded.file
                    WHERE excluded.version >= articles.version
                    """,
                    (
                        rec.id, rec.canonical_url, int(rec.version), rec.fingerprint,
                        rec.date_published, rec.date_modified, rec.lastmod, rec.changed_ts(),
                        now_iso, now_iso, now_ts, run_id, rec.file,
                    ),
                )
                urls = set(rec.urls) | {rec.canonical_url}
                for url in urls:
                    etag, last_mod = rec.validators.get(url, (None, None))
                    self._upsert_url(url, rec.id, etag, last_mod)
                n += 1
        return n

    def touch(self, records: Iterable[TouchRecord]) -> int:
        """Refresh lastmod/validators/URL variants of known articles (one transaction)."""
        now_ts = time.time()
        n = 0
        with self.transaction() as db:
            for rec in records:
                cur = db.execute(
                    """
                    UPDATE articles SET
                        lastmod = COALESCE(?, lastmod),
                        changed_ts = MAX(COALESCE(changed_ts, 0), COALESCE(?, 0)),
                        last_seen_ts = ?
                    WHERE id = ?
                    """,
                    (rec.lastmod, parse_timestamp(rec.lastmod), now_ts, rec.id),
                )
                if cur.rowcount == 0:
                    continue  # unknown id: nothing was exported, nothing to refresh
                for url in rec.urls:
                    etag, last_mod = rec.validators.get(url, (None, None))
                    self._upsert_url(url, rec.id, etag, last_mod)
                n += 1
        return n

    def _upsert_url(
        self, url: str, article_id: str, etag: str | None, last_modified: str | None
    ) -> None:
        self.db.execute(
            """
            INSERT INTO urls (url, article_id, etag, last_modified) VALUES (?, ?, ?, ?)
            ON CONFLICT(url) DO UPDATE SET
                article_id = excluded.article_id,
                etag = COALESCE(excluded.etag, urls.etag),
                last_modified = COALESCE(excluded.last_modified, urls.last_modified)
            """,
            (url, article_id, etag, last_modified),
        )

    def forget_older_than(self, days: float, *, now: float | None = None) -> int:
        """Forget articles whose latest change (and last sighting) is older than ``days``.

        An article without any known date is judged by when it was last seen.
        """
        if days <= 0:
            return 0
        horizon = (time.time() if now is None else now) - days * 86400.0
        with self.transaction() as db:
            ids = [
                r[0]
                for r in db.execute(
                    "SELECT id FROM articles WHERE COALESCE(NULLIF(changed_ts, 0), last_seen_ts) < ?",
                    (horizon,),
                )
            ]
            db.execute("DELETE FROM seen WHERE seen_ts < ?", (horizon,))
            for chunk_start in range(0, len(ids), 500):
                chunk = ids[chunk_start : chunk_start + 500]
                marks = ",".join("?" * len(chunk))
                db.execute(f"DELETE FROM urls WHERE article_id IN ({marks})", chunk)
                db.execute(f"DELETE FROM articles WHERE id IN ({marks})", chunk)
                for table in ("dedup_entries", "dedup_urls", "dedup_fingerprints", "dedup_bands"):
                    db.execute(f"DELETE FROM {table} WHERE id IN ({marks})", chunk)
        return len(ids)

    # -- surfaces (sitemaps, feeds, listings) and articles to fetch again ------------------
    def surface(self, url: str) -> SurfaceRecord | None:
        row = self.db.execute(
            "SELECT url, etag, last_modified, lastmod FROM surfaces WHERE url = ?", (url,)
        ).fetchone()
        return SurfaceRecord(*row) if row else None

    def record_surfaces(self, records: Iterable[SurfaceRecord]) -> int:
        """Remember surfaces a complete run saw (one transaction); a known date is never lost."""
        now_ts = time.time()
        n = 0
        with self.transaction() as db:
            for rec in records:
                db.execute(
                    """
                    INSERT INTO surfaces (url, etag, last_modified, lastmod, lastmod_ts, checked_ts)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(url) DO UPDATE SET
                        etag = excluded.etag,
                        last_modified = excluded.last_modified,
                        lastmod = COALESCE(excluded.lastmod, surfaces.lastmod),
                        lastmod_ts = COALESCE(excluded.lastmod_ts, surfaces.lastmod_ts),
                        checked_ts = excluded.checked_ts
                    """,
                    (rec.url, rec.etag, rec.last_modified, rec.lastmod, parse_timestamp(rec.lastmod), now_ts),
                )
                n += 1
        return n

    def retries(self) -> list[tuple[str, str | None]]:
        """(url, lastmod) of articles whose fetch failed in an earlier run, oldest first."""
        return [tuple(r) for r in self.db.execute("SELECT url, lastmod FROM retry ORDER BY first_ts, url")]

    def record_retries(
        self, failed: dict[str, str | None], done: Iterable[str], *, max_attempts: int
    ) -> list[str]:
        """Count failed fetches, forget the URLs fetched since (``done``) and those that failed
        ``max_attempts`` times; returns the URLs given up on (one transaction)."""
        now_ts = time.time()
        with self.transaction() as db:
            for url in done:
                db.execute("DELETE FROM retry WHERE url = ?", (url,))
            for url, lastmod in failed.items():
                db.execute(
                    """
                    INSERT INTO retry (url, lastmod, attempts, first_ts) VALUES (?, ?, 1, ?)
                    ON CONFLICT(url) DO UPDATE SET
                        attempts = retry.attempts + 1,
                        lastmod = COALESCE(excluded.lastmod, retry.lastmod)
                    """,
                    (url, lastmod, now_ts),
                )
            dropped = [r[0] for r in db.execute("SELECT url FROM retry WHERE attempts >= ?", (max_attempts,))]
            db.execute("DELETE FROM retry WHERE attempts >= ?", (max_attempts,))
        return dropped

    def recent_articles(self, days: float, limit: int) -> list[ArticleRecord]:
        """The newest ``limit`` articles published within ``days`` of the newest one, newest first.

        The window is measured from the newest ``datePublished`` the state holds (the site's own
        clock, not this machine's).
        """
        if days <= 0 or limit <= 0:
            return []
        rows = self.db.execute(
            f"SELECT {self._ARTICLE_COLS} FROM articles a WHERE a.date_published IS NOT NULL "
            "ORDER BY a.date_published DESC LIMIT ?",
            (limit * 4,),  # text order is time order but for the offsets: take a margin, then parse
        ).fetchall()
        dated = [(ts, ArticleRecord(*row)) for row in rows if (ts := parse_timestamp(row[4])) is not None]
        if not dated:
            return []
        newest = max(ts for ts, _ in dated)
        recent = sorted(((ts, rec) for ts, rec in dated if ts >= newest - days * 86400.0),
                        key=lambda pair: (-pair[0], pair[1].id))
        return [rec for _, rec in recent[:limit]]

    # -- candidates staged for the end-of-run decision (copy groups' originals) -------------
    def stage(self, rows: Iterable[tuple[str, str | None, str]]) -> int:
        """Keep (key, run id, item JSON) of candidates until their group is decided (one transaction)."""
        n = 0
        with self.transaction() as db:
            for row in rows:
                db.execute("INSERT OR REPLACE INTO staged (key, run_id, item) VALUES (?, ?, ?)", row)
                n += 1
        return n

    def staged_item(self, key: str) -> str | None:
        row = self.db.execute("SELECT item FROM staged WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def staged(self, page: int = 500) -> Iterator[tuple[str, str]]:
        """(key, item JSON) of every staged candidate, in key order, read ``page`` rows at a time
        (a killed run of a whole archive leaves one row per article)."""
        after = ""
        while rows := self.db.execute("SELECT key, item FROM staged WHERE key > ? ORDER BY key LIMIT ?",
                                      (after, page)).fetchall():
            yield from rows
            after = rows[-1][0]

    def staged_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM staged").fetchone()[0])

    def unstage(self, keys: Iterable[str]) -> int:
        n = 0
        with self.transaction() as db:
            for key in keys:
                n += db.execute("DELETE FROM staged WHERE key = ?", (key,)).rowcount
        return n

    # -- unfinished feed files (so a killed run's .part is found wherever it was written) ----
    def part_opened(self, path: str, run_id: str | None) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO parts (path, run_id, created) VALUES (?, ?, ?)",
            (path, run_id, utc_iso()),
        )

    def part_closed(self, path: str) -> None:
        self.db.execute("DELETE FROM parts WHERE path = ?", (path,))

    def open_parts(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT path FROM parts ORDER BY created")]

    # -- deliveries: finished files to remote targets, recorded apart from export ------------
    def delivery_planned(self, path: str, target: str) -> None:
        """``path`` (the final local file) is to be delivered to ``target`` (its remote URI)."""
        self.db.execute(
            "INSERT INTO deliveries (path, target, status, planned) VALUES (?, ?, 'pending', ?) "
            "ON CONFLICT(path, target) DO UPDATE SET status = 'pending', delivered = NULL",
            (path, target, utc_iso()),
        )

    def delivery_attempted(self, path: str, target: str, error: str | None, *, lost: bool = False) -> None:
        """One delivery attempt: done (``error`` None) or failed with ``error``; ``lost``: the
        local file is gone, so the delivery is given up (status ``lost``), reported once."""
        if error is None:
            self.db.execute(
                "UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, error = NULL, "
                "delivered = ? WHERE path = ? AND target = ?",
                (utc_iso(), path, target),
            )
        else:
            self.db.execute(
                "UPDATE deliveries SET attempts = attempts + 1, error = ?, status = ? WHERE path = ? AND target = ?",
                (error, "lost" if lost else "pending", path, target),
            )

    def pending_deliveries(self) -> list[tuple[str, str]]:
        """(path, target) of the deliveries not done yet, oldest first."""
        return [
            (r[0], r[1])
            for r in self.db.execute(
                "SELECT path, target FROM deliveries WHERE status = 'pending' ORDER BY planned, path"
            )
        ]

    def deliveries(self) -> list[dict[str, Any]]:
        """Every delivery the state knows (for operators and tests)."""
        cols = ("path", "target", "status", "attempts", "error", "planned", "delivered")
        rows = self.db.execute(f"SELECT {', '.join(cols)} FROM deliveries ORDER BY planned, path")
        return [dict(zip(cols, r, strict=True)) for r in rows]

    # -- run bookkeeping -------------------------------------------------------------------
    def run_started(self, run_id: str, started: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO runs (run_id, started) VALUES (?, ?)", (run_id, started)
        )

    def run_finished(
        self, run_id: str, finished: str, outcome: str, exit_code: int, summary: dict[str, Any]
    ) -> None:
        self.db.execute(
            "UPDATE runs SET finished = ?, outcome = ?, exit_code = ?, summary = ? "
            "WHERE run_id = ?",
            (finished, outcome, exit_code, json.dumps(summary, sort_keys=True), run_id),
        )

    def recent_summaries(self, limit: int) -> list[dict[str, Any]]:
        """Summaries of the last ``limit`` finished runs, newest first (the drift alarm's history)."""
        rows = self.db.execute(
            "SELECT summary FROM runs WHERE summary IS NOT NULL ORDER BY finished DESC LIMIT ?", (limit,)
        )
        out = []
        for (raw,) in rows:
            try:
                out.append(json.loads(raw))
            except ValueError:  # pragma: no cover - written by run_finished
                continue
        return out

    # -- the boilerplate learner's table (see RepeatedBlockLearner.export_state) -------------
    def boilerplate_snapshot(self) -> Any:
        """The learned-boilerplate snapshot the last run saved (parsed JSON), or None.
        Raises ``ValueError`` if the stored text is not JSON."""
        row = self.db.execute("SELECT snapshot FROM boilerplate WHERE id = 1").fetchone()
        return None if row is None else json.loads(row[0])

    def save_boilerplate_snapshot(self, snapshot: Any, run_id: str | None) -> None:
        """Replace the learned-boilerplate snapshot (one transaction: a killed run keeps the old one)."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO boilerplate (id, snapshot, run_id, saved) VALUES (1, ?, ?, ?)",
                (json.dumps(snapshot, separators=(",", ":")), run_id, utc_iso()),
            )
