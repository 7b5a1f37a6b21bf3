"""The run manager: a Scrapy extension that finishes the run and reports how it went.

At start it finishes the feed files killed runs left (:func:`newscrawl.feeds.recover_leftovers`).
During the run it adopts each feed file the storage opens (:data:`newscrawl.feeds.FEED_OPENED`)
and counts item outcomes. When the engine stops it judges the run (:func:`newscrawl.run.judge.judge`),
writes each feed's manifest and renames the ``.part`` files, records the run in the state and
logs a one-paragraph summary. The verdict's exit code is what ``newscrawl crawl`` returns.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import signals

from newscrawl.delivery import Delivery
from newscrawl.drops import EMPTY_BODY, MISSING_BODY, STAGED, UNCHANGED, reason_of
from newscrawl.feeds import FEED_FAILED, FEED_OPENED, MANIFEST_FORMAT, DurableFile, recover_leftovers
from newscrawl.items import SCHEMA_VERSION
from newscrawl.run.config import read_drift, read_thresholds
from newscrawl.run.exit_codes import EXIT_DEGRADED, EXIT_OK, EXIT_UNDELIVERED
from newscrawl.run.health import DriftConfig, Health, drift_reasons, title_disagrees
from newscrawl.run.judge import RunCounts, Thresholds, Verdict, judge, request_errors
from newscrawl.runinfo import RunInfo, run_info, utc_iso
from newscrawl.state.extension import StateExtension, state_session

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

    from newscrawl.state.session import StateSession

logger = logging.getLogger(__name__)


class RunManager:
    """Scrapy extension: one per crawl. Enabled through ``EXTENSIONS``, after the state extension."""

    def __init__(
        self, crawler: Crawler, thresholds: Thresholds, run: RunInfo, drift: DriftConfig, delivery: Delivery
    ) -> None:
        self.crawler = crawler
        self.thresholds = thresholds
        self.drift = drift
        self.run = run
        self.counts = RunCounts()
        self.health = Health()
        self.delivery = delivery
        self.feeds: list[DurableFile] = []
        self.recovered: list[str] = []
        self.finish_reason: str | None = None
        self.verdict: Verdict | None = None
        self.unreleased = 0  # staged candidates a run stopped before its release left (Ctrl-C twice)
        self.manifests: list[dict[str, Any]] = []
        #: feed files that could not be opened (their errors); written files keep their own
        self.open_errors: list[str] = []
        #: why the crawl itself failed, when it raised (see :meth:`abandon`)
        self.crash: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunManager:
        settings = crawler.settings
        manager = cls(crawler, read_thresholds(settings), run_info(crawler), read_drift(settings),
                      Delivery.from_crawler(crawler))
        manager.recovered = [str(r.final) for r in recover_leftovers(crawler)]
        crawler.signals.connect(manager.feed_opened, signal=FEED_OPENED)
        crawler.signals.connect(manager.feed_failed, signal=FEED_FAILED)
        crawler.signals.connect(manager.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(manager.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(manager.item_error, signal=signals.item_error)
        crawler.signals.connect(manager.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(manager.engine_stopped, signal=signals.engine_stopped)
        return manager

    @property
    def session(self) -> StateSession | None:
        return state_session(self.crawler)

    # -- signals ---------------------------------------------------------------------------
    def feed_opened(self, file: DurableFile) -> None:
        """A feed file of this run: finished by :meth:`finalize`, with the run's outcome."""
        file.adopt()
        self.feeds.append(file)
        self.delivery.plan(file, self.session)

    def feed_failed(self, error: str) -> None:
        """A feed file of this run could not be opened: the run cannot deliver it."""
        if error not in self.open_errors:
            self.open_errors.append(error)

    def item_scraped(self, item: Any, spider: Spider) -> None:
        adapter = ItemAdapter(item)
        counts = self.counts
        counts.exported += 1
        session, ident = self.session, adapter.get("id")
        decision = session.decision(ident) if session is not None and isinstance(ident, str) else None
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
        self.health.add(
            body_method=adapter.get("bodyMethod"), date_published=adapter.get("datePublished"),
            authors=adapter.get("authors"), body=body, mismatch=title_disagrees(adapter.get("provenance")),
        )

    def item_dropped(self, item: Any, spider: Spider, exception: BaseException, **kw: Any) -> None:
        reason = reason_of(exception)
        if reason is STAGED:  # not a drop: released or dropped as a copy at the end of the run
            return
        if reason is UNCHANGED:
            self.counts.unchanged += 1
        else:
            self.counts.dropped[reason.name] += 1
        if reason in (EMPTY_BODY, MISSING_BODY):
            self.health.add_empty()

    def item_error(self, item: Any, response: Any, spider: Spider, failure: Any) -> None:
        self.counts.item_errors += 1

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.finish_reason = reason

    def engine_stopped(self) -> None:
        self.finalize()

    # -- end of run ------------------------------------------------------------------------
    def finalize(self, *, unclean: bool = False) -> Verdict:
        """Judge, write manifests, finish feeds, record the run, log the summary. Idempotent.

        ``unclean``: the engine never stopped (see :meth:`abandon`); feeds Scrapy never stored
        are finished too, with the complete lines they hold, as the next run's recovery would.
        """
        if self.verdict is not None:
            return self.verdict
        stats = self.crawler.stats.get_stats()
        # feeds not handed to store() (exporter failure) are left as .part for recovery
        ready = list(self.feeds) if unclean else [f for f in self.feeds if f.stored]
        unfinished = sum(1 for f in ready if not self._sync(f) or f.has_uncommitted)
        errors_before = self._output_errors()
        health = self.health.as_dict()
        drift = drift_reasons(health, self.history(), self.drift)
        verdict = self._judge(stats, unfinished, drift)
        if unclean:
            self.unreleased = self._staged_count()
        finished_at = utc_iso()
        summary = self.summary_dict(stats, verdict, finished_at)
        for f in ready:
            try:
                data = f.finalize(dict(summary))
            except OSError as exc:  # disk full, read-only...: left as .part for the next run
                f.failed(exc)
                f.release()
                continue
            if data is not None:
                self.manifests.append(data)
        if self._output_errors() != errors_before:  # a feed failed while being finished
            verdict = self._judge(stats, unfinished, drift)
        for f in self.feeds:
            if not f.stored and not f.finalized:
                f.release()
                logger.error("Feed %s was not stored by Scrapy; left for recovery", f.part_path)
        session = self.session
        # an abandoned run (Ctrl-C twice, a crash) leaves its deliveries pending for the next run
        if not unclean and verdict.exit_code in (EXIT_OK, EXIT_DEGRADED):
            try:
                undelivered = self.delivery.deliver(session)
            except Exception as exc:  # the state could not record it: not delivered as far as we know
                logger.exception("Delivery failed")
                undelivered = [f"delivery failed: {type(exc).__name__}: {exc}"]
            if undelivered:
                verdict = Verdict("undelivered", EXIT_UNDELIVERED, (*verdict.reasons, *undelivered))
        if session is not None:
            try:
                session.finish(finished_at, verdict.outcome, verdict.exit_code,
                               self.summary_dict(stats, verdict, finished_at))
            except Exception:  # bookkeeping only
                logger.exception("Could not record the run in the state")
        self.verdict = verdict
        self.crawler.stats.set_value("newscrawl/run/exit_code", verdict.exit_code)
        logger.info("%s", self.summary_text(stats, verdict))
        return verdict

    def abandon(self, crash: BaseException | None = None) -> Verdict:
        """Finish a run whose engine never stopped: a forced shutdown (Ctrl-C twice) or a crash.

        The feed files are finished with the complete lines they hold and a manifest that says
        how the run ended, the run is recorded and the state closed; the verdict is the exit code.
        """
        if self.verdict is not None:
            return self.verdict
        if crash is not None:
            self.crash = f"{type(crash).__name__}: {crash}"
        self.finish_reason = self.finish_reason or "unclean_shutdown"
        try:
            return self.finalize(unclean=True)
        finally:
            extension = self.crawler.get_extension(StateExtension)
            if extension is not None:
                extension.close()

    def _staged_count(self) -> int:
        """Candidates left staged in the state (a run that never reached its release)."""
        session = self.session
        if session is None:
            return 0
        try:
            return session.store.staged_count()
        except Exception:  # bookkeeping only: the rows stay for the next run either way
            logger.exception("Could not count the staged candidates")
            return 0

    def _sync(self, file: DurableFile) -> bool:
        try:
            return file.sync()
        except OSError as exc:
            file.failed(exc)
            return False

    def _output_errors(self) -> list[str]:
        return [*self.open_errors, *(f.write_error for f in self.feeds if f.write_error)]

    def _judge(self, stats: dict[str, Any], unfinished: int, drift: list[str]) -> Verdict:
        return judge(stats, self.counts, self.thresholds, self.finish_reason, unfinished_feeds=unfinished,
                     output_errors=tuple(self._output_errors()), crash=self.crash, drift=drift)

    def history(self) -> list[dict[str, Any]]:
        """The health of the state's last finished runs, newest first (none without a state)."""
        session = self.session
        if session is None:
            return []
        try:
            summaries = session.store.recent_summaries(10 * self.drift.runs)
        except Exception:  # the alarm must not lose the run
            logger.exception("Could not read earlier runs from the state")
            return []
        return [s["health"] for s in summaries if isinstance(s.get("health"), dict)]

    def summary_dict(self, stats: dict[str, Any], verdict: Verdict, finished_at: str) -> dict[str, Any]:
        session = self.session
        incremental = {
            key.rsplit("/", 1)[1]: value
            for key, value in stats.items()
            if key.startswith("newscrawl/incremental/")
        }
        return {
            "manifestFormat": MANIFEST_FORMAT,
            "runId": self.run.run_id,
            "spider": self.run.spider,
            "startedAt": self.run.started_at,
            "finishedAt": finished_at,
            "finishReason": self.finish_reason,
            "outcome": verdict.outcome,
            "exitCode": verdict.exit_code,
            "reasons": list(verdict.reasons),
            "schemaVersion": SCHEMA_VERSION,
            "recovered": False,
            "recoveredFiles": list(self.recovered),
            "unreleased": self.unreleased,
            "counts": self.counts.as_dict(),
            "requests": {
                "total": int(stats.get("downloader/request_count", 0)),
                "responses": int(stats.get("downloader/response_count", 0)),
                "errors": request_errors(stats),
                "notModified": int(stats.get("newscrawl/incremental/not_modified", 0)),
            },
            "incremental": incremental,
            "health": self.health.as_dict(),
            "state": None if session is None else {
                "path": str(session.path),
                "ignored": session.ignore,
                "reset": session.reset,
                **session.counts,
            },
        }

    def summary_text(self, stats: dict[str, Any], verdict: Verdict) -> str:
        c = self.counts
        elapsed = time.time() - self.run.started_ts
        requests = int(stats.get("downloader/request_count", 0))
        errors = request_errors(stats) + c.item_errors
        skipped = sum(
            int(stats.get(f"newscrawl/incremental/{k}", 0))
            for k in ("skipped_unchanged", "skipped_known", "skipped_too_old")
        )
        dropped = ", ".join(f"{k} {v}" for k, v in sorted(c.dropped.items())) or "none"
        files = ", ".join(m["file"] for m in self.manifests) or "no file"
        lines = [
            f"newscrawl run {self.run.run_id}: {verdict.outcome.upper()} (exit {verdict.exit_code}) "
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
        if self.unreleased:
            lines.append(f"  staged, not yet released: {self.unreleased} candidates (the next run releases them)")
        lines.extend(f"  {verdict.outcome}: {r}" for r in verdict.reasons)
        return "\n".join(lines)
