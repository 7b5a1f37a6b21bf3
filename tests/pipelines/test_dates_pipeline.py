"""DatesPipeline on a real crawler and its stats collector (no mocks)."""

from __future__ import annotations

from typing import Any

import pytest
from newscrawl.items import Article
from newscrawl.pipelines.dates import DatesPipeline
from scrapy.utils.test import get_crawler

DOWNLOADED = "2025-06-04T12:00:00Z"  # 08:00 EDT


def build(settings: dict[str, Any] | None = None) -> tuple[DatesPipeline, Any]:
    crawler = get_crawler(settings_dict=settings or {})
    crawler.stats.open_spider()
    return DatesPipeline.from_crawler(crawler), crawler.stats


def article(**fields: Any) -> Article:
    base: dict[str, Any] = {
        "url": "https://www.cancernetwork.com/view/a",
        "inLanguage": "en",
        "dateDownloaded": DOWNLOADED,
        "datePublishedRaw": None,
        "dateModifiedRaw": None,
    }
    base.update(fields)
    return Article(base)


def counts(stats: Any) -> dict[str, int]:
    prefix = "newscrawl/dates/"
    return {k[len(prefix):]: v for k, v in stats.get_stats().items() if k.startswith(prefix)}


def test_normalises_both_dates_and_keeps_raw() -> None:
    pipeline, stats = build()
    item = pipeline.process_item(
        article(
            datePublishedRaw="Mon, 02 Jun 2025 14:30:00 -0400",
            dateModifiedRaw="Updated June 3, 2025 2:15 PM EDT",
        )
    )
    assert item["datePublished"] == "2025-06-02T14:30:00-04:00"
    assert item["datePublishedRaw"] == "Mon, 02 Jun 2025 14:30:00 -0400"
    assert item["dateModified"] == "2025-06-03T14:15:00-04:00"
    assert item["dateModifiedRaw"] == "Updated June 3, 2025 2:15 PM EDT"
    assert counts(stats) == {}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("June 2nd 2025", "2025-06-02"),  # a date stays a date, no invented midnight
        ("2025-06-02T18:30:00Z", "2025-06-02T18:30:00+00:00"),
        ("2025-06-02 14:30", "2025-06-02T14:30:00-04:00"),  # local time takes the site zone
        ("2025-01-15 14:30", "2025-01-15T14:30:00-05:00"),
        ("2 days ago", "2025-06-02"),  # relative to dateDownloaded, not to the clock
        ("3 hours ago", "2025-06-04T05:00:00-04:00"),
    ],
)
def test_published_values(raw: str, expected: str) -> None:
    pipeline, stats = build()
    item = pipeline.process_item(article(datePublishedRaw=raw))
    assert item["datePublished"] == expected
    assert item["datePublishedRaw"] == raw
    assert item["dateModified"] is None
    assert counts(stats) == {}


def test_site_timezone_setting() -> None:
    pipeline, _ = build({"NEWSCRAWL_TIMEZONE": "Europe/Berlin"})
    item = pipeline.process_item(article(datePublishedRaw="2025-06-02 14:30"))
    assert item["datePublished"] == "2025-06-02T14:30:00+02:00"


def test_dayfirst_follows_page_language() -> None:
    pipeline, _ = build()
    us = pipeline.process_item(article(datePublishedRaw="03/04/2025"))
    de = pipeline.process_item(
        article(datePublishedRaw="03/04/2025", inLanguage="de", url="https://example.de/a")
    )
    assert (us["datePublished"], de["datePublished"]) == ("2025-03-04", "2025-04-03")


@pytest.mark.parametrize(
    ("fields", "expected_counts", "published", "modified"),
    [
        ({"datePublishedRaw": "Feb 30, 2025"},
         {"unparseable_published": 1, "missing_published": 1}, None, None),
        ({"datePublishedRaw": "June 2, 2025", "dateModifiedRaw": "soon"},
         {"unparseable_modified": 1}, "2025-06-02", None),
        ({}, {"missing_published": 1}, None, None),
        ({"datePublishedRaw": "   "}, {"missing_published": 1}, None, None),
        # too vague to be a date
        ({"datePublishedRaw": "2 months ago"},
         {"unparseable_published": 1, "missing_published": 1}, None, None),
        # in the future: more than the tolerance (1 day) after dateDownloaded
        ({"datePublishedRaw": "2025-06-06T12:00:00Z"},
         {"future_published": 1, "missing_published": 1}, None, None),
        ({"datePublishedRaw": "2025-06-05T11:00:00Z"}, {}, "2025-06-05T11:00:00+00:00", None),
        # date-only: compared on calendar days in the site zone (June 4 08:00 EDT + 1 day)
        ({"datePublishedRaw": "June 5, 2025"}, {}, "2025-06-05", None),
        ({"datePublishedRaw": "June 6, 2025"},
         {"future_published": 1, "missing_published": 1}, None, None),
        ({"datePublishedRaw": "June 2, 2025", "dateModifiedRaw": "2026-01-01T00:00:00Z"},
         {"future_modified": 1}, "2025-06-02", None),
        # modified before published: dateModified becomes null, the raw string stays
        ({"datePublishedRaw": "2025-06-02T14:30:00-04:00",
          "dateModifiedRaw": "2025-06-02T14:29:00-04:00"},
         {"modified_before_published": 1}, "2025-06-02T14:30:00-04:00", None),
        # same instant written in two zones is not "before"
        ({"datePublishedRaw": "2025-06-02T14:30:00-04:00",
          "dateModifiedRaw": "2025-06-02T18:30:00Z"},
         {}, "2025-06-02T14:30:00-04:00", "2025-06-02T18:30:00+00:00"),
        # date vs datetime: compared on calendar days
        ({"datePublishedRaw": "June 2, 2025", "dateModifiedRaw": "2025-06-02T09:00:00-04:00"},
         {}, "2025-06-02", "2025-06-02T09:00:00-04:00"),
        ({"datePublishedRaw": "2025-06-02T23:00:00-04:00", "dateModifiedRaw": "June 2, 2025"},
         {}, "2025-06-02T23:00:00-04:00", "2025-06-02"),
        ({"datePublishedRaw": "June 3, 2025", "dateModifiedRaw": "2025-06-02T23:00:00-04:00"},
         {"modified_before_published": 1}, "2025-06-03", None),
        # only a modified date
        ({"dateModifiedRaw": "June 3, 2025"}, {"missing_published": 1}, None, "2025-06-03"),
    ],
)  # fmt: skip
def test_problems_are_counted_never_dropped(
    fields: dict[str, Any],
    expected_counts: dict[str, int],
    published: str | None,
    modified: str | None,
) -> None:
    pipeline, stats = build()
    item = pipeline.process_item(article(**fields))
    assert item is not None
    assert (item["datePublished"], item["dateModified"]) == (published, modified)
    for field in ("datePublishedRaw", "dateModifiedRaw"):
        assert item.get(field) == fields.get(field)  # raw strings are always kept
    assert counts(stats) == expected_counts


def test_future_tolerance_setting() -> None:
    pipeline, stats = build({"NEWSCRAWL_DATES_FUTURE_TOLERANCE": 0})
    item = pipeline.process_item(article(datePublishedRaw="2025-06-04T12:00:01Z"))
    assert item["datePublished"] is None
    assert counts(stats) == {"future_published": 1, "missing_published": 1}
    # a date-only value of "today" is never in the future
    item = pipeline.process_item(article(datePublishedRaw="June 4, 2025"))
    assert item["datePublished"] == "2025-06-04"


def test_missing_download_time_falls_back_to_the_clock() -> None:
    pipeline, stats = build()
    item = pipeline.process_item(article(datePublishedRaw="2150-01-01", dateDownloaded=None))
    assert item["datePublished"] is None
    assert counts(stats) == {"future_published": 1, "missing_published": 1}
    item = pipeline.process_item(article(datePublishedRaw="yesterday", dateDownloaded="junk"))
    assert item["datePublished"] is not None


def test_dict_items_and_lists_of_raw_strings() -> None:
    pipeline, _ = build()
    item = pipeline.process_item(
        {"datePublishedRaw": ["2025-06-02", "2025-06-03"], "dateDownloaded": DOWNLOADED}
    )
    assert item["datePublished"] == "2025-06-02"
    assert item["datePublishedRaw"] == "2025-06-02"
    assert item["dateModified"] is None


def test_value_without_raw_is_treated_as_raw() -> None:
    pipeline, _ = build()
    item = pipeline.process_item(
        {"datePublished": "2025-06-02T18:30:00Z", "dateDownloaded": DOWNLOADED}
    )
    assert item["datePublished"] == "2025-06-02T18:30:00+00:00"
    assert item["datePublishedRaw"] == "2025-06-02T18:30:00Z"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"NEWSCRAWL_TIMEZONE": "Mars/Olympus"}, "NEWSCRAWL_TIMEZONE"),
        ({"NEWSCRAWL_TIMEZONE": "EST5EDT-not-a-zone"}, "NEWSCRAWL_TIMEZONE"),
        ({"NEWSCRAWL_DATES_FUTURE_TOLERANCE": "a day"}, "NEWSCRAWL_DATES_FUTURE_TOLERANCE"),
        ({"NEWSCRAWL_DATES_FUTURE_TOLERANCE": -5}, "NEWSCRAWL_DATES_FUTURE_TOLERANCE"),
    ],
)
def test_bad_settings_are_clear_errors(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build(settings)


def test_defaults() -> None:
    pipeline, _ = build()
    assert pipeline.normalizer.timezone_name == "America/New_York"
    assert pipeline.normalizer.future_tolerance.total_seconds() == 86400
