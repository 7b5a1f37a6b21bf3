"""The outcome of a run, judged from its stats and item counts (pure: no I/O, no Scrapy objects).

``ok`` (exit 0), ``degraded`` (exit 4: finished, output delivered, but a threshold was broken)
or ``failed`` (exit 3: the site never answered, or the output could not be written; exit 1:
the crawl crashed). The rules are documented in
``docs/operations.md``; the thresholds come from ``NEWSCRAWL_DEGRADED_*``
(:func:`newscrawl.run.config.read_thresholds`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from newscrawl.drops import MISSING_BODY, SCHEMA_INVALID, is_deliberate
from newscrawl.limits import CUT_DOWNLOADS
from newscrawl.limits import FINISH_REASON as LIMIT_FINISH_REASON
from newscrawl.limits import REACHED as LIMIT_REACHED
from newscrawl.limits import REFUSED as LIMIT_REFUSED
from newscrawl.run.exit_codes import EXIT_CRASH, EXIT_DEGRADED, EXIT_FAILED_START, EXIT_OK

#: finish reasons of a complete run (CLOSESPIDER_ITEMCOUNT / PAGECOUNT are requested limits)
COMPLETE_REASONS = frozenset({"finished", "closespider_itemcount", "closespider_pagecount"})


@dataclass(frozen=True)
class Thresholds:
    """Degraded-run thresholds; a ratio above its threshold makes the run degraded."""

    error_ratio: float
    no_body_ratio: float
    no_date_ratio: float
    schema_ratio: float
    zero_articles: bool


@dataclass
class RunCounts:
    """Item outcomes of one run (the manifest's ``counts``); drops by reason name."""

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


#: a request a middleware refused on purpose (robots.txt, another origin) is no failed download
IGNORED_REQUESTS = "downloader/exception_type_count/scrapy.exceptions.IgnoreRequest"


def request_errors(stats: dict[str, Any]) -> int:
    """Failed downloads (requests refused on purpose or cut at a limit excluded) + 5xx/4xx
    answers (404/410 excluded: gone pages) + spider exceptions + pages refused or failed in
    extraction."""
    errors = (int(stats.get("downloader/exception_count", 0)) - int(stats.get(IGNORED_REQUESTS, 0))
              - int(stats.get(CUT_DOWNLOADS, 0)))
    for key, value in stats.items():
        if key.startswith("downloader/response_status_count/"):
            try:
                status = int(key.rsplit("/", 1)[1])
            except ValueError:
                continue
            if status >= 500 or (400 <= status < 500 and status not in (404, 410)):
                errors += int(value)
    errors += _sum_prefix(stats, "spider_exceptions/")
    # pages that arrived but could not be read: refused (over the size cap) or failed extraction
    errors += _sum_prefix(stats, "newscrawl/spider/refused/") + int(stats.get("newscrawl/spider/extract_error", 0))
    return errors


def limit_reasons(stats: dict[str, Any]) -> list[str]:
    """One reason per crawl limit the run reached (:mod:`newscrawl.limits`), naming its setting."""
    names = sorted(key.removeprefix(LIMIT_REACHED) for key in stats if key.startswith(LIMIT_REACHED))
    return [f"limit reached: {name}={stats[LIMIT_REACHED + name]} "
            f"({int(stats.get(LIMIT_REFUSED + name, 0))} not fetched)" for name in names]


def judge(
    stats: dict[str, Any],
    counts: RunCounts,
    thresholds: Thresholds,
    finish_reason: str | None,
    *,
    unfinished_feeds: int = 0,
    output_errors: tuple[str, ...] = (),
    crash: str | None = None,
    drift: Sequence[str] = (),
) -> Verdict:
    """Decide a run's outcome from its stats and item counts (documented in docs/operations.md).

    ``output_errors``: why feed files could not be opened, written or finished (the run failed:
    what it exported was not all delivered). ``crash``: the crawl itself raised. ``drift``: the
    reasons of the drift alarm (:func:`newscrawl.run.health.drift_reasons`).
    """
    if crash is not None:
        return Verdict("failed", EXIT_CRASH, (f"crashed: {crash}", *output_errors))
    if output_errors:
        return Verdict("failed", EXIT_FAILED_START, tuple(
            f"output could not be written: {e}" for e in output_errors))
    requests = int(stats.get("downloader/request_count", 0))
    responses = int(stats.get("downloader/response_count", 0))
    if requests > 0 and responses == 0:
        return Verdict(
            "failed", EXIT_FAILED_START,
            (f"site unreachable: {requests} requests, no response",),
        )
    reasons = limit_reasons(stats)
    if finish_reason not in COMPLETE_REASONS and not (finish_reason == LIMIT_FINISH_REASON and reasons):
        reasons.append(f"run did not complete (finish_reason={finish_reason})")
    errors = request_errors(stats) + counts.item_errors
    if requests and errors / requests > thresholds.error_ratio:
        reasons.append(
            f"error ratio {errors / requests:.1%} > {thresholds.error_ratio:.1%} "
            f"({errors} errors / {requests} requests)"
        )
    items = counts.exported + counts.dropped_total + counts.item_errors
    no_body = counts.exported_without_body + counts.dropped.get(MISSING_BODY.name, 0)
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
    schema = counts.dropped.get(SCHEMA_INVALID.name, 0)
    if items and schema / items > thresholds.schema_ratio:
        reasons.append(
            f"schema failures {schema / items:.1%} > {thresholds.schema_ratio:.1%} ({schema}/{items})"
        )
    new_urls = int(stats.get("newscrawl/incremental/new_urls", 0))
    deliberate = counts.unchanged + sum(n for r, n in counts.dropped.items() if is_deliberate(r))
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
    reasons.extend(drift)
    if reasons:
        return Verdict("degraded", EXIT_DEGRADED, tuple(reasons))
    return Verdict("ok", EXIT_OK, ())
