"""The outcome judgement of a run and the settings it reads (pure functions)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from newscrawl.config import BadSettingsError
from newscrawl.run.config import read_thresholds
from newscrawl.run.exit_codes import EXIT_DEGRADED, EXIT_FAILED_START, EXIT_OK
from newscrawl.run.judge import RunCounts, Thresholds, judge, request_errors
from newscrawl.state.extension import StateConfig
from scrapy.settings import Settings

DEFAULTS = read_thresholds(Settings())

OK_STATS: dict[str, Any] = {
    "downloader/request_count": 100,
    "downloader/response_count": 100,
    "downloader/response_status_count/200": 98,
    "downloader/response_status_count/404": 2,
}


def counts(**kw: Any) -> RunCounts:
    dropped = kw.pop("dropped", {})
    return RunCounts(dropped=Counter(dropped), **kw)


@pytest.mark.parametrize(
    ("stats", "run", "reason", "expected", "fragment"),
    [
        (OK_STATS, counts(exported=50, new=50), "finished", EXIT_OK, None),
        (OK_STATS, counts(exported=5), "closespider_itemcount", EXIT_OK, None),
        ({"downloader/request_count": 5, "downloader/response_count": 0,
          "downloader/exception_count": 5}, counts(), "finished", EXIT_FAILED_START, "unreachable"),
        ({**OK_STATS, "downloader/response_status_count/503": 6}, counts(exported=50), "finished",
         EXIT_DEGRADED, "error ratio"),
        ({**OK_STATS, "spider_exceptions/ValueError": 6}, counts(exported=50), "finished",
         EXIT_DEGRADED, "error ratio"),
        (OK_STATS, counts(exported=90, exported_without_body=1, dropped={"missing_body": 9}),
         "finished", EXIT_DEGRADED, "without a body"),
        (OK_STATS, counts(exported=50, exported_without_date=6), "finished", EXIT_DEGRADED,
         "without a date"),
        (OK_STATS, counts(exported=50, dropped={"schema_invalid": 1}), "finished", EXIT_DEGRADED,
         "schema"),
        ({**OK_STATS, "newscrawl/incremental/new_urls": 12}, counts(), "finished", EXIT_DEGRADED,
         "zero articles"),
        ({**OK_STATS, "newscrawl/incremental/new_urls": 12},
         counts(dropped={"near_duplicate": 12}), "finished", EXIT_OK, None),
        (OK_STATS, counts(exported=50), "shutdown", EXIT_DEGRADED, "did not complete"),
        ({**OK_STATS, "feedexport/failed_count/DurableFileFeedStorage": 1}, counts(exported=5),
         "finished", EXIT_DEGRADED, "could not be stored"),
    ],
    ids=["ok", "item-limit", "unreachable", "5xx", "spider-exceptions", "no-body", "no-date",
         "schema", "zero-articles", "all-duplicates", "interrupted", "store-failed"],
)
def test_judge(stats: dict[str, Any], run: RunCounts, reason: str, expected: int,
               fragment: str | None) -> None:
    verdict = judge(stats, run, DEFAULTS, reason)
    assert verdict.exit_code == expected
    if fragment is None:
        assert verdict.reasons == ()
    else:
        assert any(fragment in r for r in verdict.reasons), verdict.reasons


def test_a_crawl_limit_degrades_the_run_and_is_named() -> None:
    stats = {**OK_STATS, "newscrawl/limits/reached/NEWSCRAWL_MAX_REQUESTS": 100,
             "newscrawl/limits/refused/NEWSCRAWL_MAX_REQUESTS": 37}
    verdict = judge(stats, counts(exported=50), DEFAULTS, "newscrawl_limit")
    assert verdict.exit_code == EXIT_DEGRADED
    assert verdict.reasons == ("limit reached: NEWSCRAWL_MAX_REQUESTS=100 (37 not fetched)",)
    # a limit that only cut a branch (the run finished) degrades it too
    stats = {**OK_STATS, "newscrawl/limits/reached/NEWSCRAWL_MAX_LISTING_DEPTH": 3}
    verdict = judge(stats, counts(exported=50), DEFAULTS, "finished")
    assert verdict.reasons == ("limit reached: NEWSCRAWL_MAX_LISTING_DEPTH=3 (0 not fetched)",)


def test_404_is_not_an_error() -> None:
    assert request_errors(OK_STATS) == 0


def test_unfinished_feed_is_degraded() -> None:
    verdict = judge(OK_STATS, counts(exported=5), DEFAULTS, "finished", unfinished_feeds=1)
    assert verdict.exit_code == EXIT_DEGRADED and "unfinished" in verdict.reasons[0]


def test_thresholds_are_the_settings_defaults() -> None:
    assert DEFAULTS == Thresholds(error_ratio=0.05, no_body_ratio=0.05, no_date_ratio=0.10,
                                  schema_ratio=0.01, zero_articles=True)


def test_deliberate_drops_of_every_kind_keep_a_zero_export_run_ok() -> None:
    stats = {**OK_STATS, "newscrawl/incremental/new_urls": 3}
    for reason in ("duplicate_url", "duplicate_body", "duplicate_in_run", "older_than_state_horizon"):
        assert judge(stats, counts(dropped={reason: 3}), DEFAULTS, "finished").exit_code == EXIT_OK
    assert judge(stats, counts(unchanged=3), DEFAULTS, "finished").exit_code == EXIT_OK
    for reason in ("empty_body", "bad_url", "other"):
        verdict = judge(stats, counts(dropped={reason: 3}), DEFAULTS, "finished")
        assert verdict.exit_code == EXIT_DEGRADED, reason


@pytest.mark.parametrize(
    "values",
    [{"NEWSCRAWL_STATE_FORGET_DAYS": "x"}, {"NEWSCRAWL_STATE_FORGET_DAYS": -1},
     {"NEWSCRAWL_STATE_IGNORE": "perhaps"}],
)
def test_bad_state_settings_name_the_setting(values: dict[str, Any]) -> None:
    with pytest.raises(BadSettingsError) as info:
        StateConfig.from_settings(Settings(values))
    assert next(iter(values)) in str(info.value)


@pytest.mark.parametrize("values", [{"NEWSCRAWL_DEGRADED_ERROR_RATIO": 1.5},
                                    {"NEWSCRAWL_DEGRADED_ZERO_ARTICLES": "sometimes"}])
def test_bad_thresholds_name_the_setting(values: dict[str, Any]) -> None:
    with pytest.raises(BadSettingsError) as info:
        read_thresholds(Settings(values))
    assert next(iter(values)) in str(info.value)


def test_state_config_defaults_and_spider_state_argument() -> None:
    config = StateConfig.from_settings(Settings())
    assert config.enabled and config.state_dir == ".newscrawl-state"
    assert not config.ignore and config.forget_days == 0

    class Args:
        state = "reset"

    class FakeSpider:
        name = "x"
        args = Args()

    assert StateConfig.from_settings(Settings(), FakeSpider()).reset  # type: ignore[arg-type]  # duck-typed spider
