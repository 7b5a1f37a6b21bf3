"""Cron-grade runs: state session, feed finishing, outcome judgement, exit codes, summary.

:class:`RunManager` (a Scrapy extension) opens the state (lock, corruption check, reset,
forgetting), recovers feed files left by killed runs, counts item outcomes, and when the
engine stops judges the run against documented thresholds, writes each feed's manifest,
renames the ``.part`` files and logs a one-paragraph summary.

Exit codes (``newscrawl crawl`` and, with the project's ``crawl`` command, ``scrapy crawl``):

== ===========================================================================================
0  success
1  unexpected crash (a bug: the traceback is in the log)
2  bad arguments or settings (unknown spider, bad ``-a``/``-s`` value)
3  failed start: state locked by another run, state corrupt, site unreachable (no response)
4  degraded: the run finished but broke a threshold (error ratio, articles without body or
   date, schema failures, zero articles where the site showed new ones, interrupted, feed
   not finished); its output is valid and delivered, but an operator should look
== ===========================================================================================
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import UsageError

from newscrawl.feeds import DurableFile, find_parts, recover_part, utc_iso
from newscrawl.state.lock import StateError
from newscrawl.state.session import StateSession

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_CRASH = 1
EXIT_USAGE = 2
EXIT_FAILED_START = 3
EXIT_DEGRADED = 4

OUTCOME_EXIT = {"ok": EXIT_OK, "degraded": EXIT_DEGRADED, "failed": EXIT_FAILED_START}
#: finish reasons of a complete run (CLOSESPIDER_ITEMCOUNT / PAGECOUNT are requested limits)
COMPLETE_REASONS = frozenset({"finished", "closespider_itemcount", "closespider_pagecount"})
STATE_MODES = ("", "normal", "ignore", "reset")
#: drops that are the crawl working as intended (not a sign the site broke)
DELIBERATE_DROPS = frozenset(
    {"unchanged", "older_than_state_horizon", "near_duplicate", "duplicate_in_run"}
)


class BadSettingsError(ValueError):
    """A NEWSCRAWL_ setting or the ``state`` spider argument has an invalid value (exit 2)."""


# -- configuration ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Thresholds:
    """Degraded-run thresholds; a ratio above its threshold makes the run degraded."""

    error_ratio: float = 0.05
    no_body_ratio: float = 0.05
    no_date_ratio: float = 0.10
    schema_ratio: float = 0.01
    zero_articles: bool = True


@dataclass(frozen=True)
class RunConfig:
    state_enabled: bool = True
    state_dir: str = ".newscrawl-state"
    state_ignore: bool = False
    state_reset: bool = False
    forget_days: float = 0.0
    output_dir: str = "output"
    thresholds: Thresholds = field(default_factory=Thresholds)


def _typed(settings: Any, name: str, kind: str, default: Any) -> Any:
    getter = {"bool": settings.getbool, "float": settings.getfloat, "int": settings.getint}[kind]
    try:
        return getter(name, default)
    except (TypeError, ValueError):
        raise BadSettingsError(
            f"bad setting {name}={settings.get(name)!r}: expected a {kind}"
        ) from None


def _ratio(settings: Any, name: str, default: float) -> float:
    value = _typed(settings, name, "float", default)
    if not 0.0 <= value <= 1.0:
        raise BadSettingsError(f"bad setting {name}={value!r}: expected a ratio in [0, 1]")
    return value


def read_config(settings: Any, spider: Spider | None = None) -> RunConfig:
    """Typed NEWSCRAWL_ settings (+ the ``state`` spider argument); BadSettingsError if bad."""
    forget = _typed(settings, "NEWSCRAWL_STATE_FORGET_DAYS", "float", 0.0)
    if forget < 0:
        raise BadSettingsError(f"bad setting NEWSCRAWL_STATE_FORGET_DAYS={forget!r}: must be >= 0")
    ignore = _typed(settings, "NEWSCRAWL_STATE_IGNORE", "bool", False)
    reset = _typed(settings, "NEWSCRAWL_STATE_RESET", "bool", False)
    mode = _spider_state_mode(spider)
    if mode not in STATE_MODES:
        raise BadSettingsError(
            f"bad argument state={mode!r}: expected ignore or reset (or leave it out)"
        )
    ignore = ignore or mode == "ignore"
    reset = reset or mode == "reset"
    state_dir = str(settings.get("NEWSCRAWL_STATE_DIR") or ".newscrawl-state")
    for name in ("NEWSCRAWL_FEED_FSYNC_ITEMS",):
        if _typed(settings, name, "int", 20) < 1:
            raise BadSettingsError(f"bad setting {name}: must be >= 1")
    _typed(settings, "NEWSCRAWL_FEED_FSYNC_SECONDS", "float", 1.0)
    return RunConfig(
        state_enabled=_typed(settings, "NEWSCRAWL_STATE_ENABLED", "bool", True),
        state_dir=state_dir,
        state_ignore=ignore,
        state_reset=reset,
        forget_days=forget,
        output_dir=str(settings.get("NEWSCRAWL_OUTPUT_DIR") or "output"),
        thresholds=Thresholds(
            error_ratio=_ratio(settings, "NEWSCRAWL_DEGRADED_ERROR_RATIO", 0.05),
            no_body_ratio=_ratio(settings, "NEWSCRAWL_DEGRADED_NO_BODY_RATIO", 0.05),
            no_date_ratio=_ratio(settings, "NEWSCRAWL_DEGRADED_NO_DATE_RATIO", 0.10),
            schema_ratio=_ratio(settings, "NEWSCRAWL_DEGRADED_SCHEMA_RATIO", 0.01),
            zero_articles=_typed(settings, "NEWSCRAWL_DEGRADED_ZERO_ARTICLES", "bool", True),
        ),
    )


def _spider_state_mode(spider: Spider | None) -> str:
    """``-a state=ignore|reset``: read from ``spider.args.state`` or ``spider.state``."""
    if spider is None:
        return ""
    args = getattr(spider, "args", None)
    value = getattr(args, "state", None) if args is not None else None
    if value is None:
        # a plain spider keeps -a arguments as attributes; Scrapy's SpiderState extension
        # (JOBDIR) also uses ``spider.state``, for a dict: only a string is an argument
        value = spider.__dict__.get("state")
    return value.strip().lower() if isinstance(value, str) else ""


# -- judgement (pure) ------------------------------------------------------------------------
@dataclass
class RunCounts:
    """Item outcomes of one run."""

    exported: int = 0
    new: int = 0
    changed: int = 0
    reexported: int = 0
    unchanged: int = 0
    exported_without_body: int = 0
    exported_without_date: int = 0
    item_errors: int = 0
    dropped: Counter[str] = field(default_factory=Counter)

    @property
    def dropped_total(self) -> int:
        return sum(self.dropped.values())

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["dropped"] = dict(sorted(self.dropped.items()))
        return data


@dataclass(frozen=True)
class Verdict:
    outcome: str  # ok | degraded | failed
    exit_code: int
    reasons: tuple[str, ...] = ()


def _sum_prefix(stats: dict[str, Any], prefix: str) -> int:
    return sum(int(v) for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))


def request_errors(stats: dict[str, Any]) -> int:
    """Failed downloads + 5xx/4xx answers (404/410 excluded: gone pages) + spider exceptions."""
    errors = int(stats.get("downloader/exception_count", 0))
    for key, value in stats.items():
        if key.startswith("downloader/response_status_count/"):
            try:
                status = int(key.rsplit("/", 1)[1])
            except ValueError:
                continue
            if status >= 500 or (400 <= status < 500 and status not in (404, 410)):
                errors += int(value)
    errors += _sum_prefix(stats, "spider_exceptions/")
    return errors


def judge(
    stats: dict[str, Any],
    counts: RunCounts,
    thresholds: Thresholds,
    finish_reason: str | None,
    *,
    unfinished_feeds: int = 0,
) -> Verdict:
    """Decide a run's outcome from its stats and item counts (documented in docs/operations.md)."""
    requests = int(stats.get("downloader/request_count", 0))
    responses = int(stats.get("downloader/response_count", 0))
    if requests > 0 and responses == 0:
        return Verdict(
            "failed", EXIT_FAILED_START,
            (f"site unreachable: {requests} requests, no response",),
        )
    reasons: list[str] = []
    if finish_reason not in COMPLETE_REASONS:
        reasons.append(f"run did not complete (finish_reason={finish_reason})")
    errors = request_errors(stats) + counts.item_errors
    if requests and errors / requests > thresholds.error_ratio:
        reasons.append(
            f"error ratio {errors / requests:.1%} > {thresholds.error_ratio:.1%} "
            f"({errors} errors / {requests} requests)"
        )
    items = counts.exported + counts.dropped_total + counts.item_errors
    no_body = counts.exported_without_body + counts.dropped.get("missing_body", 0)
    if items and no_body / items > thresholds.no_body_ratio:
        reasons.append(
            f"articles without a body {no_body / items:.1%} > {thresholds.no_body_ratio:.1%} "
            f"({no_body}/{items})"
        )
    if counts.exported and counts.exported_without_date / counts.exported > thresholds.no_date_ratio:
        ratio = counts.exported_without_date / counts.exported
        reasons.append(
            f"articles without a date {ratio:.1%} > {thresholds.no_date_ratio:.1%} "
            f"({counts.exported_without_date}/{counts.exported})"
        )
    schema = sum(n for r, n in counts.dropped.items() if r.startswith("schema"))
    if items and schema / items > thresholds.schema_ratio:
        reasons.append(
            f"schema failures {schema / items:.1%} > {thresholds.schema_ratio:.1%} ({schema}/{items})"
        )
    new_urls = int(stats.get("newscrawl/incremental/new_urls", 0))
    deliberate = counts.unchanged + sum(
        n for r, n in counts.dropped.items() if r in DELIBERATE_DROPS or r.startswith("duplicate")
    )
    if thresholds.zero_articles and new_urls > 0 and counts.exported == 0 and not deliberate:
        reasons.append(f"zero articles exported although the site showed {new_urls} new article URLs")
    failed_stores = _sum_prefix(stats, "feedexport/failed_count/")
    if failed_stores:
        reasons.append(f"{failed_stores} feed(s) could not be stored")
    if unfinished_feeds:
        reasons.append(
            f"{unfinished_feeds} feed(s) left unfinished (.part) because the state could not "
            "record them; the next run recovers them"
        )
    if reasons:
        return Verdict("degraded", EXIT_DEGRADED, tuple(reasons))
    return Verdict("ok", EXIT_OK, ())


# -- the extension ---------------------------------------------------------------------------
def new_run_id(started: float) -> str:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(started))
    return f"{stamp}-{uuid.uuid4().hex[:6]}"


class RunManager:
    """Scrapy extension: one per crawl. Enabled through ``EXTENSIONS``."""

    def __init__(
        self,
        crawler: Crawler,
        config: RunConfig,
        *,
        run_id: str,
        started_ts: float,
        session: StateSession | None,
    ) -> None:
        self.crawler = crawler
        self.config = config
        self.run_id = run_id
        self.started_ts = started_ts
        self.session = session
        self.counts = RunCounts()
        self.feeds: list[DurableFile] = []
        self.recovered: list[str] = []
        self.finish_reason: str | None = None
        self.verdict: Verdict | None = None
        self.manifests: list[dict[str, Any]] = []
        self._finalized = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunManager:
        spider = getattr(crawler, "spider", None)
        config = read_config(crawler.settings, spider)
        started = time.time()
        run_id = new_run_id(started)
        spider_name = spider.name if spider is not None else "spider"
        session = None
        if config.state_enabled:
            from newscrawl.extract.urls import DEFAULT_LOWERCASE_PATHS
            from newscrawl.state.session import default_canonicalizer

            lower = _typed(crawler.settings, "NEWSCRAWL_LOWERCASE_PATHS", "bool",
                           DEFAULT_LOWERCASE_PATHS)
            session = StateSession(
                config.state_dir,
                spider_name,
                run_id=run_id,
                ignore=config.state_ignore,
                reset=config.state_reset,
                forget_days=config.forget_days,
                canonicalize=default_canonicalizer(lower),
            )
            session.start()  # StateLockedError / StateCorruptError: failed start
        manager = cls(crawler, config, run_id=run_id, started_ts=started, session=session)
        try:
            manager.recover_leftovers()
        except BaseException:
            if session is not None:
                session.close()
            raise
        crawler.signals.connect(manager.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(manager.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(manager.item_error, signal=signals.item_error)
        crawler.signals.connect(manager.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(manager.engine_stopped, signal=signals.engine_stopped)
        stats = crawler.stats
        if session is not None:
            stats.set_value("newscrawl/state/known_articles", session.store.article_count())
            stats.set_value("newscrawl/state/forgotten", session.counts["forgotten"])
            if config.state_ignore:
                stats.set_value("newscrawl/state/ignored", 1)
        stats.set_value("newscrawl/feed/recovered_files", len(manager.recovered))
        return manager

    # -- helpers for feeds, middlewares and pipelines --------------------------------------
    def run_info(self) -> dict[str, Any]:
        from newscrawl.items import SCHEMA_VERSION

        spider = getattr(self.crawler, "spider", None)
        return {
            "runId": self.run_id,
            "spider": spider.name if spider is not None else None,
            "startedAt": utc_iso(self.started_ts),
            "pid": os.getpid(),
            "schemaVersion": SCHEMA_VERSION,
        }

    def feed_commit(self) -> Any:
        """The callback a JSON Lines feed calls after each fsync: record those lines."""
        if self.session is None:
            return None
        session, stats = self.session, self.crawler.stats

        def commit(lines: list[dict[str, Any]], file: str) -> None:
            session.commit_lines(lines, file)
            stats.inc_value("newscrawl/feed/fsync_batches")
            stats.inc_value("newscrawl/feed/lines_committed", len(lines))

        return commit

    def recovery_commit(self) -> Any:
        if self.session is None:
            return None
        session = self.session

        rebuild = self._dedup_rebuilder()

        def commit(lines: list[dict[str, Any]], file: str) -> None:
            with session.store.transaction():
                session.commit_lines(lines, file, recovered=True)
                if rebuild is not None:
                    rebuild(lines)

        return commit

    def _dedup_rebuilder(self) -> Any:
        """Rebuild duplicate-index entries of recovered lines (the killed run's were in memory).

        Without them, a near-copy of a recovered article would pass as new in the next run.
        Only when the persistent dedup store is configured.
        """
        from scrapy.utils.misc import load_object

        from newscrawl.state.dedup_store import SQLiteDedupStore

        path = self.crawler.settings.get("NEWSCRAWL_DEDUP_STORE")
        if self.session is None or not path:
            return None
        try:
            if not issubclass(load_object(path), SQLiteDedupStore):
                return None
        except (ImportError, NameError, TypeError, ValueError):
            return None
        from newscrawl.dedup import DuplicateIndex

        session = self.session
        store = SQLiteDedupStore(session.store)
        index = DuplicateIndex(store=store)

        def rebuild(lines: list[dict[str, Any]]) -> None:
            ids = []
            for line in lines:
                ident, canonical = line.get("id"), line.get("canonicalUrl")
                body = line.get("articleBody")
                if not isinstance(ident, str) or not isinstance(canonical, str):
                    continue
                urls = [u for u in (session.canon(str(line.get("url") or "")),) if u]
                modified = line.get("dateModified") or line.get("dateModifiedRaw")
                entry = index.entry_for(
                    article_id=ident,
                    canonical_url=session.canon(canonical) or canonical,
                    body=body if isinstance(body, str) else "",
                    urls=urls,
                    date_modified=modified if isinstance(modified, str) else None,
                )
                index.add(entry)
                ids.append(ident)
            store.persist(ids)

        return rebuild

    def register_feed(self, file: DurableFile) -> None:
        self.feeds.append(file)
        if self.session is not None:
            self.session.store.part_opened(str(file.part_path.resolve()), self.run_id)

    def feed_dirs(self) -> list[Path]:
        """Directories of the configured local feeds, with this spider's URI parameters."""
        from scrapy.extensions.feedexport import apply_uri_params
        from scrapy.utils.misc import load_object

        spider = getattr(self.crawler, "spider", None)
        settings = self.crawler.settings
        dirs: list[Path] = []
        for uri, options in settings.getdict("FEEDS").items():
            uri = str(uri)
            if "://" in uri and not uri.startswith("file://"):
                continue
            params: dict[str, Any] = {"name": getattr(spider, "name", "spider")}
            if spider is not None:
                params.update({k: v for k, v in vars(spider).items() if isinstance(k, str)})
            params.update(time="", batch_time="", batch_id=1)
            hook = (options or {}).get("uri_params") or settings.get("FEED_URI_PARAMS")
            try:
                if hook and spider is not None:
                    params = load_object(hook)(params, spider) or params
                path = apply_uri_params(uri, params)
            except Exception:  # noqa: BLE001 - an exotic template: nothing to scan
                logger.debug("Cannot resolve feed directory of %s", uri, exc_info=True)
                continue
            if path.startswith("file://"):
                from w3lib.url import file_uri_to_path

                path = file_uri_to_path(path)
            parent = Path(path).parent
            if parent not in dirs:
                dirs.append(parent)
        return dirs

    def recover_leftovers(self) -> None:
        """Finish the ``.part`` feeds of killed runs: the state's registry, then the feed folders."""
        spider = getattr(self.crawler, "spider", None)
        name = getattr(spider, "name", None)
        commit = self.recovery_commit()
        candidates: dict[Path, None] = {}
        if self.session is not None:  # parts this state's runs opened, wherever they are
            for raw in self.session.store.open_parts():
                path = Path(raw)
                if path.exists():
                    candidates[path] = None
                else:
                    self.session.store.part_closed(raw)  # finished or removed since
        for directory in self.feed_dirs():
            for part in find_parts(directory):
                candidates.setdefault(part.resolve(), None)
        for part in candidates:
            result = recover_part(part, on_commit=commit, spider=name)
            if result is None:
                continue
            if self.session is not None:
                self.session.store.part_closed(str(part))
            self.recovered.append(str(result.final))
            self.crawler.stats.inc_value("newscrawl/feed/recovered_lines", result.lines)
            self.crawler.stats.inc_value("newscrawl/feed/recovered_cut_bytes", result.cut_bytes)

    # -- signals ---------------------------------------------------------------------------
    def item_scraped(self, item: Any, spider: Spider) -> None:
        adapter = ItemAdapter(item)
        counts = self.counts
        counts.exported += 1
        ident = adapter.get("id")
        decision = self.session.decisions.get(ident) if self.session is not None else None
        if decision is None:
            version = adapter.get("version")
            decision = "changed" if isinstance(version, int) and version > 1 else "new"
        if decision == "changed":
            counts.changed += 1
        elif decision == "reexported":
            counts.reexported += 1
        else:
            counts.new += 1
        body = adapter.get("articleBody")
        if not isinstance(body, str) or not body.strip():
            counts.exported_without_body += 1
        if not adapter.get("datePublished"):
            counts.exported_without_date += 1

    def item_dropped(self, item: Any, spider: Spider, exception: BaseException, **kw: Any) -> None:
        reason = str(exception).split(":", 1)[0].strip() or type(exception).__name__
        reason = reason.replace(" ", "_")[:60]
        if reason in ("unchanged",):
            self.counts.unchanged += 1
        elif self.session is not None and reason.startswith(("duplicate", "near_duplicate")):
            adapter = ItemAdapter(item)
            ident = adapter.get("id")
            record = self.session.get_article(ident) if isinstance(ident, str) else None
            earlier = record is not None and ident not in self.session.claimed_ids
            if earlier and record.fingerprint == adapter.get("fingerprint"):
                # the persistent dedup index drops an unchanged article of an earlier run as
                # a duplicate of itself: count it as unchanged and refresh its state
                self.counts.unchanged += 1
                self.session.touch(ident, adapter.get("url"), adapter.get("canonicalUrl"))
                self.crawler.stats.inc_value("newscrawl/state/unchanged")
                return
            if record is None:
                # a copy of another article: remember the page so it is not fetched again
                url = adapter.get("url")
                if isinstance(url, str):
                    self.session.note_seen([url], reason, self.session.fetch_lastmod(url))
        if reason != "unchanged":
            self.counts.dropped[reason] += 1

    def item_error(self, item: Any, response: Any, spider: Spider, failure: Any) -> None:
        self.counts.item_errors += 1

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.finish_reason = reason

    def engine_stopped(self) -> None:
        self.finalize()

    # -- end of run ------------------------------------------------------------------------
    def finalize(self) -> Verdict:
        """Judge, write manifests, finish feeds, record the run, log the summary. Idempotent."""
        if self._finalized and self.verdict is not None:
            return self.verdict
        self._finalized = True
        stats = self.crawler.stats.get_stats()
        # feeds not handed to store() (exporter failure) are left as .part for recovery
        ready = [f for f in self.feeds if f.stored]
        unfinished = 0
        for f in ready:
            if not f.sync() or f.has_uncommitted:
                unfinished += 1
        verdict = judge(
            stats, self.counts, self.config.thresholds, self.finish_reason,
            unfinished_feeds=unfinished,
        )
        finished_at = utc_iso()
        summary = self.summary_dict(stats, verdict, finished_at)
        for f in ready:
            manifest = dict(summary)
            data = f.finalize(manifest)
            if data is not None:
                self.manifests.append(data)
                if self.session is not None:
                    try:
                        self.session.store.part_closed(str(f.part_path.resolve()))
                    except Exception:  # noqa: BLE001 - only a recovery hint
                        logger.warning("Could not clear %s from the state", f.part_path)
        for f in self.feeds:
            if not f.stored and not f.finalized:
                f._release()
                logger.error("Feed %s was not stored by Scrapy; left for recovery", f.part_path)
        if self.session is not None:
            try:
                self.session.finish(finished_at, verdict.outcome, verdict.exit_code, summary)
            except Exception:  # noqa: BLE001 - bookkeeping only
                logger.exception("Could not record the run in the state")
            finally:
                self.session.close()
        self.verdict = verdict
        self.crawler.stats.set_value("newscrawl/run/exit_code", verdict.exit_code)
        logger.info("%s", self.summary_text(stats, verdict))
        return verdict

    def summary_dict(self, stats: dict[str, Any], verdict: Verdict, finished_at: str) -> dict[str, Any]:
        from newscrawl.items import SCHEMA_VERSION

        spider = getattr(self.crawler, "spider", None)
        incremental = {
            key.rsplit("/", 1)[1]: value
            for key, value in stats.items()
            if key.startswith("newscrawl/incremental/")
        }
        return {
            "manifestFormat": "newscrawl-manifest/1",
            "runId": self.run_id,
            "spider": getattr(spider, "name", None),
            "startedAt": utc_iso(self.started_ts),
            "finishedAt": finished_at,
            "finishReason": self.finish_reason,
            "outcome": verdict.outcome,
            "exitCode": verdict.exit_code,
            "reasons": list(verdict.reasons),
            "schemaVersion": SCHEMA_VERSION,
            "recovered": False,
            "recoveredFiles": list(self.recovered),
            "counts": self.counts.as_dict(),
            "requests": {
                "total": int(stats.get("downloader/request_count", 0)),
                "responses": int(stats.get("downloader/response_count", 0)),
                "errors": request_errors(stats),
                "notModified": int(stats.get("newscrawl/incremental/not_modified", 0)),
            },
            "incremental": incremental,
            "state": None if self.session is None else {
                "path": str(self.session.path),
                "ignored": self.session.ignore,
                "reset": self.session.reset,
                **self.session.counts,
            },
        }

    def summary_text(self, stats: dict[str, Any], verdict: Verdict) -> str:
        c = self.counts
        elapsed = time.time() - self.started_ts
        requests = int(stats.get("downloader/request_count", 0))
        errors = request_errors(stats) + c.item_errors
        skipped = sum(
            int(stats.get(f"newscrawl/incremental/{k}", 0))
            for k in ("skipped_unchanged", "skipped_known", "skipped_too_old")
        )
        dropped = ", ".join(f"{k} {v}" for k, v in sorted(c.dropped.items())) or "none"
        files = ", ".join(m["file"] for m in self.manifests) or "no file"
        lines = [
            f"newscrawl run {self.run_id}: {verdict.outcome.upper()} (exit {verdict.exit_code}) "
            f"in {elapsed:.1f}s",
            f"  exported {c.exported} (new {c.new}, changed {c.changed}"
            + (f", re-exported unchanged {c.reexported}" if c.reexported else "")
            + f"); unchanged {c.unchanged}; "
            f"dropped: {dropped}",
            f"  requests {requests} (errors {errors}); skipped by state {skipped}, "
            f"not modified {int(stats.get('newscrawl/incremental/not_modified', 0))}, "
            f"listing pages stopped {int(stats.get('newscrawl/incremental/listing_stopped', 0))}",
            f"  output: {files}" + (f"; recovered {len(self.recovered)} killed-run file(s)"
                                    if self.recovered else ""),
        ]
        lines.extend(f"  degraded: {r}" if verdict.outcome == "degraded" else f"  failed: {r}"
                     for r in verdict.reasons)
        return "\n".join(lines)


def state_session(crawler: Crawler) -> StateSession | None:
    """The state session of this crawl, or None when the state is off or ignored."""
    run = crawler.get_extension(RunManager)
    return run.session if run is not None else None


# -- settings the project wires -----------------------------------------------------------
# -- running a crawl with exit codes ---------------------------------------------------------
def _exit_for_exception(exc: BaseException) -> tuple[int, str]:
    if isinstance(exc, StateError):
        return EXIT_FAILED_START, f"failed start: {exc}"
    if isinstance(exc, (ValueError, UsageError, KeyError)):
        text = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        return EXIT_USAGE, f"bad arguments or settings: {text}"
    return EXIT_CRASH, f"crashed: {type(exc).__name__}: {exc}"


def run_crawl(process: Any, spider_name: str, spider_args: dict[str, Any]) -> int:
    """Run one crawl in ``process`` (Scrapy's crawler process) and return its exit code."""
    try:
        crawler = process.create_crawler(spider_name)
    except KeyError as exc:
        code, message = _exit_for_exception(exc)
        print(f"newscrawl crawl: {message}", file=sys.stderr)
        return code
    errors: list[BaseException] = []
    result = process.crawl(crawler, **spider_args)
    if hasattr(result, "addErrback"):
        def on_error(failure: Any) -> None:
            errors.append(failure.value)

        result.addErrback(on_error)
    else:
        def on_done(task: Any) -> None:
            if not task.cancelled() and task.exception() is not None:
                errors.append(task.exception())

        result.add_done_callback(on_done)
    process.start()
    if errors:
        code, message = _exit_for_exception(errors[0])
        if code == EXIT_CRASH:
            logger.error("Crawl crashed", exc_info=errors[0])
        print(f"newscrawl crawl: {message}", file=sys.stderr)
        return code
    run = crawler.get_extension(RunManager) if getattr(crawler, "extensions", None) else None
    if run is None or run.verdict is None:
        # the run manager is not enabled: judge by Scrapy alone
        stats = crawler.stats.get_stats() if crawler.stats else {}
        reason = stats.get("finish_reason")
        return EXIT_OK if reason in COMPLETE_REASONS else EXIT_DEGRADED
    verdict = run.verdict
    if verdict.exit_code != EXIT_OK:
        print(f"newscrawl crawl: {verdict.outcome} (exit {verdict.exit_code}): "
              + "; ".join(verdict.reasons), file=sys.stderr)
    return verdict.exit_code


def _crawl_command_class() -> type:
    from scrapy.commands.crawl import Command as ScrapyCrawlCommand

    class CrawlCommand(ScrapyCrawlCommand):
        """``scrapy crawl`` with newscrawl's exit codes (see module docstring)."""

        def run(self, args: list[str], opts: argparse.Namespace) -> None:
            if len(args) != 1:
                raise UsageError("give exactly one spider name")
            self.exitcode = run_crawl(self.crawler_process, args[0], opts.spargs)

    return CrawlCommand


def __getattr__(name: str) -> Any:
    if name == "CrawlCommand":  # built lazily: importing scrapy.commands is not free
        return _crawl_command_class()
    raise AttributeError(name)


def main_crawl(argv: Sequence[str], settings: Any = None) -> int:
    """``newscrawl crawl SPIDER [scrapy crawl options]`` -> exit code (never raises).

    ``settings`` defaults to the project settings (``scrapy.cfg`` / ``SCRAPY_SETTINGS_MODULE``).
    """
    try:
        return _main_crawl(list(argv), settings)
    except SystemExit as exc:  # argparse --help / errors
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - the operator gets a code, the log the traceback
        code, message = _exit_for_exception(exc)
        if code == EXIT_CRASH:
            logger.exception("newscrawl crawl crashed")
        print(f"newscrawl crawl: {message}", file=sys.stderr)
        return code


def _main_crawl(argv: list[str], settings: Any = None) -> int:
    from scrapy.commands import ScrapyHelpFormatter
    from scrapy.crawler import AsyncCrawlerProcess, CrawlerProcess
    from scrapy.utils.project import get_project_settings
    from scrapy.utils.reactor import _asyncio_reactor_path

    if settings is None:
        settings = get_project_settings()
    cmd = _crawl_command_class()()
    parser = argparse.ArgumentParser(
        prog="newscrawl crawl",
        usage="newscrawl crawl [options] <spider>",
        formatter_class=ScrapyHelpFormatter,
        conflict_handler="resolve",
        description="Run a spider like `scrapy crawl`, ending with an operator exit code.",
    )
    settings.setdict(cmd.default_settings, priority="command")
    cmd.settings = settings
    cmd.add_options(parser)
    opts, args = parser.parse_known_args(args=argv)
    try:
        cmd.process_options(args, opts)
    except UsageError as exc:
        print(f"newscrawl crawl: bad arguments: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if len(args) != 1:
        print("newscrawl crawl: give exactly one spider name (see --help)", file=sys.stderr)
        return EXIT_USAGE
    if (
        settings["TWISTED_REACTOR"] == _asyncio_reactor_path
        and not settings.getbool("FORCE_CRAWLER_PROCESS")
    ) or not settings.getbool("TWISTED_REACTOR_ENABLED"):
        process: Any = AsyncCrawlerProcess(settings)
    else:
        process = CrawlerProcess(settings)
    cmd.crawler_process = process
    return run_crawl(process, args[0], opts.spargs)
