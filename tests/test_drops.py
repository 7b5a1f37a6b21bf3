"""Typed drops: the reason travels with the exception to the stats, the run's counts and the log."""

from __future__ import annotations

import pytest
from newscrawl.drops import (
    NEAR_DUPLICATE,
    OTHER,
    REASONS,
    SCHEMA_INVALID,
    UNCHANGED,
    Dropped,
    drop,
    is_deliberate,
    reason_of,
)
from newscrawl.logformatter import NewscrawlLogFormatter
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler


def test_drop_counts_its_reason_and_carries_it() -> None:
    crawler = get_crawler(Spider)
    exc = drop(crawler.stats, SCHEMA_INVALID, "authors/0/name")
    assert isinstance(exc, DropItem) and reason_of(exc) is SCHEMA_INVALID and exc.detail == "authors/0/name"
    assert crawler.stats.get_value("newscrawl/validate/schema_invalid") == 1


def test_a_foreign_drop_is_other() -> None:
    assert reason_of(DropItem("unchanged: but not ours")) is OTHER
    assert not is_deliberate("other") and not is_deliberate("no such reason")


@pytest.mark.parametrize("name", ["unchanged", "duplicate_url", "duplicate_body", "near_duplicate",
                                  "duplicate_in_run", "older_than_state_horizon"])
def test_deliberate_reasons(name: str) -> None:
    assert is_deliberate(name) and REASONS[name].name == name


@pytest.mark.parametrize(
    ("exception", "expected"),
    [(Dropped(SCHEMA_INVALID, "datePublished"), "schema_invalid (datePublished)"),
     (Dropped(NEAR_DUPLICATE), "near_duplicate"),
     (DropItem("custom reason"), "DropItem: custom reason")],
)
def test_log_line_is_url_and_reason(exception: DropItem, expected: str) -> None:
    crawler = get_crawler(Spider)
    spider = crawler._create_spider("s")
    formatter = NewscrawlLogFormatter.from_crawler(crawler)
    result = formatter.dropped({"url": "https://e.org/view/a", "articleBody": "long"}, exception, None, spider)
    assert result["msg"] % result["args"] == f"Dropped https://e.org/view/a: {expected}"


def test_unchanged_is_deliberate_and_counted_under_the_state() -> None:
    assert UNCHANGED.stat == "newscrawl/state/unchanged" and UNCHANGED.deliberate
