"""The outcome judgement and settings parsing of a run (pure functions)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from scrapy.settings import Settings

from newscrawl.runs import (
    EXIT_DEGRADED,
    EXIT_FAILED_START,
    EXIT_OK,
    BadSettingsError,
    RunCounts,
    Thresholds,
    judge,
    read_config,
    request_errors,
)

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
    verdict = judge(stats, run, Thresholds(), reason)
    assert verdict.exit_code == expected
    if fragment is None:
        assert verdict.reasons == ()
    else:
        assert any(fragment in r for r in verdict.reasons), verdict.reasons


def test_404_is_not_an_error() -> None:
    assert request_errors(OK_STATS) == 0


def test_unfinished_feed_is_degraded() -> None:
    verdict = judge(OK_STATS, counts(exported=5), Thresholds(), "finished", unfinished_feeds=1)
    assert verdict.exit_code == EXIT_DEGRADED and "unfinished" in verdict.reasons[0]


@pytest.mark.parametrize(
    "values",
    [{"NEWSCRAWL_STATE_FORGET_DAYS": "x"}, {"NEWSCRAWL_STATE_FORGET_DAYS": -1},
     {"NEWSCRAWL_STATE_IGNORE": "perhaps"}, {"NEWSCRAWL_DEGRADED_ERROR_RATIO": 1.5},
     {"NEWSCRAWL_FEED_FSYNC_ITEMS": 0}],
)
def test_bad_settings_name_the_setting(values: dict[str, Any]) -> None:
    with pytest.raises(BadSettingsError) as info:
        read_config(Settings(values))
    assert next(iter(values)) in str(info.value)


def test_config_defaults_and_spider_state_argument() -> None:
    config = read_config(Settings())
    assert config.state_enabled and config.state_dir == ".newscrawl-state"
    assert not config.state_ignore and config.forget_days == 0

    class Args:
        state = "reset"

    class FakeSpider:
        name = "x"
        args = Args()

    assert read_config(Settings(), FakeSpider()).state_reset  # type: ignore[arg-type]


