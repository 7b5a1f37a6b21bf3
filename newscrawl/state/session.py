"""One run's use of the state: lock, store, and the ledger that ties exports to fsynced lines.

Crawl components never write the state directly. They *note* what they learn (sitemap lastmod,
URL variants, ETag/Last-Modified of a fetched page) and the pipeline *claims* those notes for an
article id; the notes reach SQLite only through :meth:`StateSession.commit_lines`, called by the
feed file after it fsynced those lines. Unchanged articles are *touched* (lastmod/validators
refreshed), which never claims a new export.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newscrawl.dedup import temporary_database
from newscrawl.extract.urls import DEFAULT_LOWERCASE_PATHS, canonicalize_url
from newscrawl.runinfo import utc_iso
from newscrawl.state.lock import RunLock
from newscrawl.state.store import (
    ArticleRecord,
    ExportRecord,
    SeenRecord,
    StateStore,
    SurfaceRecord,
    TouchRecord,
    parse_timestamp,
)

logger = logging.getLogger(__name__)

Canonicalizer = Callable[[str], str]


def default_canonicalizer(lowercase_path: bool | None = None) -> Canonicalizer:
    """The project's URL canonicalisation (same function the spider and dedup use)."""
    lower = DEFAULT_LOWERCASE_PATHS if lowercase_path is None else lowercase_path

    def canon(url: str) -> str:
        return canonicalize_url(url, lowercase_path=lower)

    return canon


@dataclass
class FetchInfo:
    """What navigation learnt about one fetched article page."""

    lastmod: str | None = None
    urls: set[str] = field(default_factory=set)
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    def merge(self, other: FetchInfo) -> None:
        self.urls |= other.urls
        self.validators.update(other.validators)
        if other.lastmod and (
            not self.lastmod
            or (parse_timestamp(other.lastmod) or 0) >= (parse_timestamp(self.lastmod) or 0)
        ):
            self.lastmod = other.lastmod


def _newer(a: str | None, b: str | None) -> str | None:
    """The later of two date strings (an unparseable one loses)."""
    if not a:
        return b
    if not b:
        return a
    return b if (parse_timestamp(b) or 0) > (parse_timestamp(a) or 0) else a


class _Notes:
    """What navigation noted during this run about every page (sitemap and feed dates, the notes
    of fetched articles until the pipeline claims them, the URLs fetched) and the articles claimed
    for the feeds, in a private temporary SQLite database: a first crawl fetches every article of
    the site, and memory must not grow with it. Gone with the run, as memory would be."""

    #: a commit every so many writes keeps SQLite's transaction short
    COMMIT_EVERY = 500

    def __init__(self) -> None:
        self._db = temporary_database()
        self._db.executescript(
            """
            CREATE TABLE fetches (key TEXT PRIMARY KEY, info TEXT NOT NULL);
            CREATE TABLE hints (key TEXT PRIMARY KEY, lastmod TEXT NOT NULL);
            CREATE TABLE fetched (key TEXT PRIMARY KEY);
            CREATE TABLE claims (id TEXT PRIMARY KEY, decision TEXT NOT NULL);
            """
        )
        self._writes = 0

    def _write(self, sql: str, args: tuple[Any, ...]) -> None:
        self._db.execute(sql, args)
        self._writes += 1
        if self._writes % self.COMMIT_EVERY == 0:
            self._db.commit()

    def fetch(self, key: str) -> FetchInfo | None:
        row = self._db.execute("SELECT info FROM fetches WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        lastmod, urls, validators = json.loads(row[0])
        return FetchInfo(lastmod, set(urls), {url: (etag, modified) for url, (etag, modified) in validators.items()})

    def set_fetch(self, key: str, info: FetchInfo) -> None:
        data = json.dumps([info.lastmod, sorted(info.urls), info.validators])
        self._write("INSERT OR REPLACE INTO fetches VALUES (?, ?)", (key, data))

    def take_fetch(self, key: str) -> FetchInfo | None:
        info = self.fetch(key)
        if info is not None:
            self._write("DELETE FROM fetches WHERE key = ?", (key,))
        return info

    def hint(self, key: str) -> str | None:
        row = self._db.execute("SELECT lastmod FROM hints WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_hint(self, key: str, lastmod: str) -> None:
        self._write("INSERT OR REPLACE INTO hints VALUES (?, ?)", (key, lastmod))

    def fetched(self, key: str) -> None:
        self._write("INSERT OR IGNORE INTO fetched VALUES (?)", (key,))

    def was_fetched(self, key: str) -> bool:
        return self._db.execute("SELECT 1 FROM fetched WHERE key = ?", (key,)).fetchone() is not None

    def fetched_hints(self) -> Iterator[tuple[str, str]]:
        """The pages fetched in this run that a surface dated, with that date."""
        yield from self._db.execute(
            "SELECT f.key, h.lastmod FROM fetched f JOIN hints h ON h.key = f.key WHERE h.lastmod != ''")

    def claim(self, article_id: str, decision: str) -> None:
        self._write("INSERT OR REPLACE INTO claims VALUES (?, ?)", (article_id, decision))

    def decision(self, article_id: str) -> str | None:
        row = self._db.execute("SELECT decision FROM claims WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def decisions(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT id, decision FROM claims ORDER BY rowid"))

    def close(self) -> None:
        self._db.close()


class StateSession:
    """Lock + store + ledger of one run. Single-threaded (the reactor thread)."""

    def __init__(
        self,
        state_dir: str | Path,
        spider_name: str,
        *,
        run_id: str,
        ignore: bool = False,
        reset: bool = False,
        forget_days: float = 0.0,
        canonicalize: Canonicalizer | None = None,
        touch_batch: int = 100,
    ) -> None:
        self.state_dir = Path(state_dir)
        self.spider_name = spider_name
        self.path = self.state_dir / f"{spider_name}.sqlite3"
        self.lock = RunLock(self.state_dir / f"{spider_name}.lock")
        self.store = StateStore(self.path)
        self.run_id = run_id
        self.ignore = ignore
        self.reset = reset
        self.forget_days = float(forget_days)
        self._canon = canonicalize or default_canonicalizer()
        self.touch_batch = touch_batch
        self._pending: dict[str, FetchInfo] = {}
        self._touches: dict[str, TouchRecord] = {}
        self._seen: dict[str, tuple[str, str | None]] = {}
        self._notes = _Notes()
        self._dedup: Any = None
        self._unstage: dict[str, list[str]] = {}
        self._surfaces: dict[str, SurfaceRecord] = {}
        self._failed: dict[str, str | None] = {}
        self.counts: dict[str, int] = {
            "committed": 0, "recovered": 0, "touched": 0, "seen": 0, "forgotten": 0,
            "commit_batches": 0,
        }

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> StateSession:
        """Lock (or raise StateLockedError), reset if asked, open+check, forget old articles."""
        self.lock.acquire(self.run_id)
        try:
            if self.reset:
                removed = StateStore.remove_files(self.path)
                logger.warning(
                    "State reset on request: removed %s",
                    ", ".join(str(p) for p in removed) or "nothing (no state yet)",
                )
            self.store.open()
            if self.forget_days > 0:
                n = self.store.forget_older_than(self.forget_days)
                self.counts["forgotten"] = n
                if n:
                    logger.info(
                        "State: forgot %d articles older than %g days", n, self.forget_days
                    )
            self.store.run_started(self.run_id, utc_iso())
        except BaseException:
            self.store.close()
            self.lock.release()
            raise
        logger.info(
            "State %s: %d articles known%s",
            self.path, self.store.article_count(), " (ignored for this run)" if self.ignore else "",
        )
        return self

    def close(self) -> None:
        try:
            if self.store._db is not None:
                self.flush_touches()
        finally:
            self._notes.close()
            self.store.close()
            self.lock.release()

    @property
    def horizon_ts(self) -> float | None:
        """Articles last changed before this are outside the remembered window."""
        if self.forget_days <= 0:
            return None
        return time.time() - self.forget_days * 86400.0

    # -- lookups for navigation ------------------------------------------------------------
    def canon(self, url: str) -> str | None:
        try:
            return self._canon(url)
        except (TypeError, ValueError):
            return None

    def known(self, url: str) -> ArticleRecord | None:
        key = self.canon(url)
        return self.store.lookup_url(key) if key else None

    def validators(self, url: str) -> tuple[str | None, str | None] | None:
        key = self.canon(url)
        return self.store.validators(key) if key else None

    def seen(self, url: str) -> SeenRecord | None:
        """A page fetched before but deliberately not exported (duplicate, not an article)."""
        key = self.canon(url)
        return self.store.lookup_seen(key) if key else None

    def note_seen(self, urls: Iterable[str], kind: str, lastmod: str | None = None) -> None:
        """Remember pages that yielded nothing to export, so unchanged they are not refetched."""
        for url in urls:
            key = self.canon(url) if isinstance(url, str) else None
            if key:
                self._seen[key] = (kind, self._hinted(key, lastmod))
                self._notes.fetched(key)
        if len(self._seen) >= self.touch_batch:
            self.flush_touches()

    def fetch_lastmod(self, url: str | None) -> str | None:
        key = self.canon(url) if url else None
        info = self._notes.fetch(key) if key else None
        return info.lastmod if info is not None else None

    def get_article(self, article_id: str) -> ArticleRecord | None:
        return self.store.get_article(article_id)

    # -- notes from navigation -------------------------------------------------------------
    def note_lastmod_hint(self, url: str, lastmod: str) -> None:
        """A surface (sitemap, feed) dates ``url``: the newest date wins."""
        key = self.canon(url)
        if key is None:
            return
        self._notes.set_hint(key, _newer(self._notes.hint(key), lastmod) or lastmod)

    def _hinted(self, key: str, lastmod: str | None) -> str | None:
        return _newer(lastmod, self._notes.hint(key))

    def note_fetch(
        self,
        response_url: str,
        *,
        request_urls: Iterable[str] = (),
        lastmod: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        key = self.canon(response_url)
        if key is None:
            return
        info = FetchInfo(lastmod=self._hinted(key, lastmod or None))
        info.urls.add(key)
        self._notes.fetched(key)
        for url in request_urls:
            variant = self.canon(url)
            if variant:
                info.urls.add(variant)
        if etag or last_modified:
            info.validators[key] = (etag or None, last_modified or None)
        existing = self._notes.fetch(key)
        if existing is not None:
            existing.merge(info)
        self._notes.set_fetch(key, existing or info)

    def _take_fetch(self, item_url: str | None, canonical_url: str | None) -> FetchInfo:
        info = FetchInfo()
        for url in (item_url, canonical_url):
            key = self.canon(url) if url else None
            if key is None:
                continue
            found = self._notes.take_fetch(key)
            if found is not None:
                info.merge(found)
            info.urls.add(key)
            info.lastmod = self._hinted(key, info.lastmod)
        return info

    def decide(
        self, article_id: str, fingerprint: str | None, date_modified: str | None,
        canonical_url: str | None = None,
    ) -> tuple[str, int]:
        """Is this article ``new``, ``changed`` or ``unchanged`` since a run exported it? And its version.

        The one place "unchanged" is decided: the stored article has the same fingerprint (body),
        the same ``dateModified`` and (when given) the same canonical URL: an original exported
        under its copy's id is a change of that record even when the body is the same. A changed
        article's version is the stored one + 1. When the state is ignored for this run, an
        unchanged article is ``reexported`` under its version.
        """
        stored = self.get_article(article_id)
        if stored is None:
            return "new", 1
        same_page = canonical_url is None or self.canon(canonical_url) == stored.canonical_url
        if stored.fingerprint == fingerprint and stored.date_modified == date_modified and same_page:
            return ("reexported" if self.ignore else "unchanged"), stored.version
        return "changed", stored.version + 1

    def claim(
        self, article_id: str, item_url: str | None, canonical_url: str | None,
        decision: str = "new",
    ) -> None:
        """The pipeline is sending ``article_id`` to the feeds: keep its notes for the commit.

        ``decision`` (new / changed / reexported) is kept for the run's counts.
        """
        self._notes.claim(article_id, decision)
        info = self._take_fetch(item_url, canonical_url)
        previous = self._pending.get(article_id)
        if previous is not None:
            info.merge(previous)
        self._pending[article_id] = info

    def claimed(self, article_id: str) -> bool:
        """Whether ``article_id`` went to the feeds in this run."""
        return self._notes.decision(article_id) is not None

    def decision(self, article_id: str) -> str | None:
        """The decision (new / changed / reexported) of an article claimed in this run."""
        return self._notes.decision(article_id)

    @property
    def claimed_ids(self) -> set[str]:
        """The articles claimed in this run (read from the notes: for inspection, not per item)."""
        return set(self._notes.decisions())

    @property
    def decisions(self) -> dict[str, str]:
        """Each claimed article's decision (read from the notes: for inspection, not per item)."""
        return self._notes.decisions()

    def touch(self, article_id: str, item_url: str | None, canonical_url: str | None) -> None:
        """An exported article was seen again, unchanged: refresh what navigation relies on."""
        info = self._take_fetch(item_url, canonical_url)
        rec = self._touches.get(article_id)
        if rec is None:
            rec = self._touches[article_id] = TouchRecord(article_id)
        rec.urls |= info.urls
        rec.validators.update(info.validators)
        if info.lastmod:
            rec.lastmod = info.lastmod
        if len(self._touches) >= self.touch_batch:
            self.flush_touches()

    def touch_url(self, url: str, lastmod: str | None = None) -> None:
        """A conditional request answered 304: the article behind ``url`` is unchanged."""
        record = self.known(url)
        if record is None:
            return
        key = self.canon(url)
        rec = self._touches.get(record.id)
        if rec is None:
            rec = self._touches[record.id] = TouchRecord(record.id)
        if key:
            rec.urls.add(key)
            self._notes.fetched(key)
        if lastmod:
            rec.lastmod = lastmod
        if len(self._touches) >= self.touch_batch:
            self.flush_touches()

    def flush_touches(self) -> None:
        if not self._touches and not self._seen:
            return
        records = list(self._touches.values())
        seen = [(url, kind, lastmod) for url, (kind, lastmod) in self._seen.items()]
        self._touches.clear()
        self._seen.clear()
        with self.store.transaction():
            n = self.store.touch(records)
            if self._dedup is not None:
                self._dedup.persist(r.id for r in records)
            self.store.record_seen(seen)
        self.counts["touched"] += n
        self.counts["seen"] += len(seen)

    # -- what navigation remembers between runs: surfaces, failed fetches, recent articles ----
    def surface(self, url: str) -> SurfaceRecord | None:
        """How a complete earlier run saw this sitemap, feed, listing page or robots.txt."""
        return self.store.surface(url)

    def note_surface(self, url: str, etag: str | None, last_modified: str | None, lastmod: str | None) -> None:
        """A surface fetched in full; recorded by :meth:`finish_navigation` if the run is complete."""
        self._surfaces[url] = SurfaceRecord(url, etag, last_modified, lastmod)

    def note_failed(self, url: str, lastmod: str | None = None) -> None:
        """An article that could not be fetched: the next runs request it again (a few times)."""
        key = self.canon(url)
        if key is not None:
            self._failed[key] = lastmod

    def retries(self) -> list[tuple[str, str | None]]:
        return self.store.retries()

    def recent(self, days: float, limit: int) -> list[str]:
        """Canonical URLs of the articles to re-check on every run (see ``StateStore.recent_articles``)."""
        return [record.canonical_url for record in self.store.recent_articles(days, limit)]

    def finish_navigation(self, *, complete: bool, max_attempts: int = 3) -> int:
        """Record what this run learnt for the next one's navigation; returns surfaces recorded.

        Surfaces only when ``complete`` (the run finished, discovered without ``since``,
        ``sections`` or ``max_articles``, and no surface failed): a later run skips a surface
        that did not change since, so it must have been handled in full. Failed articles always:
        they are requested again directly, whatever the surfaces say.
        """
        recorded = self.store.record_surfaces(self._surfaces.values()) if complete else 0
        done = [url for url, _ in self.store.retries() if self._notes.was_fetched(url) and url not in self._failed]
        for url in self.store.record_retries(self._failed, done, max_attempts=max_attempts):
            logger.warning("Giving up on %s: it could not be fetched in %d runs", url, max_attempts)
        self._surfaces.clear()
        self._failed.clear()
        return recorded

    # -- commits ---------------------------------------------------------------------------
    def unstage_when_committed(self, article_id: str, keys: Iterable[str]) -> None:
        """Staged candidates (:mod:`newscrawl.state.staging`) that leave the staging in the
        transaction that records the line exported under ``article_id``."""
        self._unstage.setdefault(article_id, []).extend(keys)

    def attach_dedup(self, dedup_store: Any) -> None:
        """A dedup store whose pending entries must be persisted with the exports."""
        self._dedup = dedup_store

    def commit_lines(self, lines: list[dict[str, Any]], file: str, *, recovered: bool = False) -> int:
        """Record fsynced feed lines (one transaction). Lines without an id are skipped."""
        records = []
        for line in lines:
            ident = line.get("id")
            if not ident or not isinstance(ident, str):
                continue
            info = self._pending.pop(ident, None) or FetchInfo()
            canonical = line.get("canonicalUrl") or line.get("url") or ""
            urls = set(info.urls)
            for url in (line.get("url"), canonical):
                key = self.canon(url) if isinstance(url, str) else None
                if key:
                    urls.add(key)
            version = line.get("version")
            records.append(
                ExportRecord(
                    id=ident,
                    canonical_url=self.canon(canonical) or canonical,
                    version=version if isinstance(version, int) and version > 0 else 1,
                    fingerprint=line.get("fingerprint"),
                    date_published=line.get("datePublished"),
                    date_modified=line.get("dateModified"),
                    lastmod=info.lastmod,
                    urls=urls,
                    validators=info.validators,
                    file=file,
                )
            )
        if not records:
            return 0
        with self.store.transaction():
            n = self.store.record_exports(records, run_id=self.run_id)
            if self._dedup is not None:
                self._dedup.persist(r.id for r in records)
            self.store.unstage(key for r in records for key in self._unstage.pop(r.id, ()))
        self.counts["recovered" if recovered else "committed"] += n
        self.counts["commit_batches"] += 1
        if self._touches or self._seen:
            self.flush_touches()
        return n

    def apply_hints(self) -> int:
        """Dates that surfaces gave for pages fetched in this run, learnt after their commit.

        Only pages fetched in this run: their stored content is as new as that date.
        """
        n = 0
        for key, hint in self._notes.fetched_hints():
            record = self.store.lookup_url(key)
            if record is not None:
                if (parse_timestamp(hint) or 0) > (record.changed_ts or 0):
                    rec = self._touches.setdefault(record.id, TouchRecord(record.id))
                    rec.lastmod = _newer(rec.lastmod, hint)
                    n += 1
                continue
            seen = self.store.lookup_seen(key)
            if seen is not None and (parse_timestamp(hint) or 0) > (seen.changed_ts or 0):
                self._seen[key] = (seen.kind, hint)
                n += 1
        return n

    # -- learned boilerplate ---------------------------------------------------------------
    def boilerplate_snapshot(self) -> Any:
        """What earlier runs learned of the sites' boilerplate (or None); ``ValueError`` if unreadable."""
        return self.store.boilerplate_snapshot()

    def save_boilerplate_snapshot(self, snapshot: Any) -> None:
        self.store.save_boilerplate_snapshot(snapshot, self.run_id)

    def finish(self, finished: str, outcome: str, exit_code: int, summary: dict[str, Any]) -> None:
        self.apply_hints()
        self.flush_touches()
        self.store.run_finished(self.run_id, finished, outcome, exit_code, summary)
