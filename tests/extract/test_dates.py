"""parse_date and infer_dayfirst: table-driven, every supported form and its edge cases."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from newscrawl.extract.dates import ParsedDate, infer_dayfirst, parse_date

NY = "America/New_York"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # ordinal visible dates (CancerNetwork teaser and article dates)
        ("June 2nd 2025", "2025-06-02"),
        ("July 1st 2007", "2007-07-01"),
        ("March 3rd, 2024", "2024-03-03"),
        ("August 22nd 2025", "2025-08-22"),
        ("November 11th 2025", "2025-11-11"),
        ("11th November 2025", "2025-11-11"),
        ("the 2nd of June 2025", "2025-06-02"),
        # Month D, YYYY and abbreviations
        ("June 2, 2025", "2025-06-02"),
        ("Jun 2, 2025", "2025-06-02"),
        ("Jun. 2, 2025", "2025-06-02"),
        ("Sept. 5, 2024", "2024-09-05"),
        ("Sep 5 2024", "2024-09-05"),
        ("SEPTEMBER 5, 2024", "2024-09-05"),
        ("18 NOV 2019", "2019-11-18"),
        ("2 June 2025", "2025-06-02"),
        # weekday prefixes
        ("Monday, June 2, 2025", "2025-06-02"),
        ("Tue., Nov. 19, 2019", "2019-11-19"),
        ("Wed 4 June 2025", "2025-06-04"),
        # labels are stripped
        ("Published: June 2, 2025", "2025-06-02"),
        ("Published June 2nd 2025", "2025-06-02"),
        ("Posted on June 2, 2025", "2025-06-02"),
        ("Last updated: June 3, 2025", "2025-06-03"),
        ("Updated on: June 3, 2025", "2025-06-03"),
        ("Originally published June 2, 2025", "2025-06-02"),
        ("  Published:\u00a0June\u00a02,\u00a02025  ", "2025-06-02"),
        # ISO 8601
        ("2025-06-02", "2025-06-02"),
        ("2025-06-02T14:30:00-04:00", "2025-06-02T14:30:00-04:00"),
        ("2025-06-02T18:30:00Z", "2025-06-02T18:30:00+00:00"),
        ("2025-06-02T18:30:00z", "2025-06-02T18:30:00+00:00"),
        ("2025-06-02T18:30:00.123Z", "2025-06-02T18:30:00+00:00"),
        ("2025-06-02T18:30:00.123456789+00:00", "2025-06-02T18:30:00+00:00"),
        ("2025-06-02T14:30:00-0400", "2025-06-02T14:30:00-04:00"),
        ("2025-06-02T14:30+05:30", "2025-06-02T14:30:00+05:30"),
        ("2025-06-02T14:30:00+02", "2025-06-02T14:30:00+02:00"),
        ("2025-06-02 14:30", "2025-06-02T14:30:00-04:00"),  # local time: site zone, EDT
        ("2025-01-15T09:00:00", "2025-01-15T09:00:00-05:00"),  # local time: site zone, EST
        ("2025/06/02", "2025-06-02"),
        ("20250602", "2025-06-02"),
        ("2016.12.01", "2016-12-01"),
        ("2025-06-02 14:30 America/Chicago", "2025-06-02T14:30:00-05:00"),
        ("2025-06-02T14:30:00 EDT", "2025-06-02T14:30:00-04:00"),
        ("Published: 2025-06-02T14:30:00Z", "2025-06-02T14:30:00+00:00"),
        # RFC 822 (RSS)
        ("Mon, 02 Jun 2025 14:30:00 -0400", "2025-06-02T14:30:00-04:00"),
        ("Mon, 02 Jun 2025 18:30:00 GMT", "2025-06-02T18:30:00+00:00"),
        ("Mon, 02 Jun 2025 18:30:00 +0000", "2025-06-02T18:30:00+00:00"),
        ("Mon, 2 Jun 2025 18:30 UT", "2025-06-02T18:30:00+00:00"),
        ("Sun, 15 Dec 2024 08:00:00 EST", "2024-12-15T08:00:00-05:00"),
        ("Dec 25 2024 08:00:00 GMT-0500 (Eastern Standard Time)", "2024-12-25T08:00:00-05:00"),
        # 12/24 hour times and named zones
        ("Updated June 3, 2025 2:15 PM EDT", "2025-06-03T14:15:00-04:00"),
        ("June 2, 2025 2:30 PM", "2025-06-02T14:30:00-04:00"),
        ("June 2, 2025 14:30", "2025-06-02T14:30:00-04:00"),
        ("June 2, 2025 2:30 p.m. ET", "2025-06-02T14:30:00-04:00"),
        ("June 2, 2025, 12:00 AM", "2025-06-02T00:00:00-04:00"),
        ("June 2, 2025 12:15 PM", "2025-06-02T12:15:00-04:00"),
        ("June 2, 2025 3 PM EDT", "2025-06-02T15:00:00-04:00"),
        ("2:30 PM ET, June 2, 2025", "2025-06-02T14:30:00-04:00"),
        ("9:05 a.m. ET Jan. 15, 2025", "2025-01-15T09:05:00-05:00"),
        ("Posted on Sept. 5, 2024 at 9:05 a.m. ET", "2024-09-05T09:05:00-04:00"),
        ("Monday, June 2, 2025 | 2:30 PM ET", "2025-06-02T14:30:00-04:00"),
        ("June 2, 2025 at 9:05 a.m. PT", "2025-06-02T09:05:00-07:00"),
        ("Jan 15, 2025 9:05 AM PT", "2025-01-15T09:05:00-08:00"),
        ("Jan 15, 2025 9:05 AM Pacific", "2025-01-15T09:05:00-08:00"),
        ("Jan 15, 2025 9:05 AM CT", "2025-01-15T09:05:00-06:00"),
        ("Jan 15, 2025 9:05 AM CST", "2025-01-15T09:05:00-06:00"),
        ("Jan 15, 2025 9:05 AM MDT", "2025-01-15T09:05:00-06:00"),
        ("Jan 15, 2025 9:05 AM PST", "2025-01-15T09:05:00-08:00"),
        ("June 2, 2025 2:30 PM PDT", "2025-06-02T14:30:00-07:00"),
        ("June 2, 2025 14:30 Eastern Time", "2025-06-02T14:30:00-04:00"),
        ("June 2, 2025 2:30 pm Eastern Daylight Time", "2025-06-02T14:30:00-04:00"),
        ("June 2, 2025 2:30 PM (ET)", "2025-06-02T14:30:00-04:00"),
        ("June 2, 2025 14:30 GMT", "2025-06-02T14:30:00+00:00"),
        ("June 2, 2025 14:30 UTC", "2025-06-02T14:30:00+00:00"),
        ("June 2, 2025 14:30 GMT+2", "2025-06-02T14:30:00+02:00"),
        ("June 2, 2025 14:30 UTC-05:00", "2025-06-02T14:30:00-05:00"),
        ("2 June 2025 14:30 BST", "2025-06-02T14:30:00+01:00"),
        ("2 June 2025 14:30 CET", "2025-06-02T14:30:00+01:00"),
        ("2 June 2025 14:30 CEST", "2025-06-02T14:30:00+02:00"),
        # explicit abbreviations are fixed offsets, even in the "wrong" season
        ("July 4, 2025 3:00 PM EST", "2025-07-04T15:00:00-05:00"),
        ("January 15, 2025 3:00 PM EDT", "2025-01-15T15:00:00-04:00"),
        # the EST/EDT change in New York (2025-03-09 and 2024-11-03)
        ("March 9, 2025 1:59 AM ET", "2025-03-09T01:59:00-05:00"),
        ("March 9, 2025 3:00 AM ET", "2025-03-09T03:00:00-04:00"),
        ("2025-03-09 02:30", "2025-03-09T03:30:00-04:00"),  # does not exist: read as EST
        ("2024-11-03 01:30", "2024-11-03T01:30:00-04:00"),  # ambiguous: first occurrence
        ("2024-11-03 01:30 EST", "2024-11-03T01:30:00-05:00"),  # explicit zone resolves it
        ("Nov 3, 2024 2:30 AM", "2024-11-03T02:30:00-05:00"),
        ("Nov 2, 2024 11:00 PM", "2024-11-02T23:00:00-04:00"),
        # leap days
        ("Feb 29, 2024", "2024-02-29"),
        ("2024-02-29T12:00:00Z", "2024-02-29T12:00:00+00:00"),
        ("2000-02-29", "2000-02-29"),
        # numeric month-first (default)
        ("03/04/2025", "2025-03-04"),
        ("6/2/2025", "2025-06-02"),
        ("6/2/25", "2025-06-02"),
        ("13/04/2025", "2025-04-13"),  # only one reading is a date
        ("02.06.2025", "2025-06-02"),  # dotted dates are day-first everywhere
        ("2. 6. 2025", "2025-06-02"),  # spaces after the dots (de, cs, pl ...)
        ("2.\u2009 6.\u2009 2025.", "2025-06-02"),
        # other languages (exotic forms)
        ("2. Juni 2025", "2025-06-02"),
        ("Veröffentlicht am 2. Juni 2025, 14:30 Uhr", "2025-06-02T14:30:00-04:00"),
        ("1er juin 2025 à 14h30", "2025-06-01T14:30:00-04:00"),
        ("Publié le 2 juin 2025", "2025-06-02"),
        ("2 de junio de 2025", "2025-06-02"),
        ("2 giugno 2025 ore 14:30", "2025-06-02T14:30:00-04:00"),
        ("2 июня 2025", "2025-06-02"),  # Russian genitive month names are in the strict vocabulary
        ("15 августа 2016 г., 13:43", "2016-08-15T13:43:00-04:00"),
        ("3 maja 2020 r.", "2020-05-03"),
        ("14 Mart 2021 saat 10:05", "2021-03-14T10:05:00-04:00"),
        ("12. syyskuuta 2019 klo 8:30", "2019-09-12T08:30:00-04:00"),
        # ISO 8601 basic format with a time; CJK dates
        ("20200516T14:51:53Z", "2020-05-16T14:51:53+00:00"),
        ("20200516T145153+0200", "2020-05-16T14:51:53+02:00"),
        ("2016年8月15日 13:43", "2016-08-15T13:43:00-04:00"),
        ("2016년 8월 15일", "2016-08-15"),
    ],
)
def test_parse_date_forms(raw: str, expected: str) -> None:
    result = parse_date(raw)
    assert result is not None, raw
    assert result.value == expected
    assert result.has_time == ("T" in expected)


@pytest.mark.parametrize(
    "raw",
    [
        # impossible dates and times
        "Feb 30, 2025",
        "February 29, 2025",
        "2025-02-29",
        "2100-02-29",
        "2025-13-01",
        "2025-06-31",
        "June 31, 2025",
        "2025-06-02T25:00:00Z",
        "2025-06-02T14:60:00Z",
        "June 2, 2025 13:30 PM",
        "June 2, 2025 0:30 AM",
        "2025-06-02T14:30:00+25:00",
        "0001-01-01T00:00:00Z",
        "1899-12-31",
        "32/01/2025",
        # incomplete: nothing is filled in from today
        "June 2",
        "June 2nd",
        "June 2025",
        "2025",
        "2:30 PM ET",
        "Monday",
        "2nd of June",
        "June 2, 25",
        # not dates
        "",
        "   ",
        "Published:",
        "garbage",
        "© 2025 MJH Life Sciences",
        "June 2, 2025 2:30 PM XYZ",  # an unknown zone is not silently dropped
        "June 2, 2025 2:30 PM EDT PST",  # two different zones
        "June 2, 3, 2025",
        "x" * 500,
        "20201399T10:00Z",
        "2016年13月15日",
        "2016年8月15日 25:00",
        "2. 6. 25",  # spaced dots only with a four-digit year
        "2. 13. 2025",
    ],
)
def test_parse_date_rejects(raw: str) -> None:
    assert parse_date(raw) is None


@pytest.mark.parametrize(
    "raw", ["20200516T14:51:53Z", "2016年8月15日 13:43", "15 августа 2016 г., 13:43", "3 maja 2020 r.", "4. 2. 2022"]
)
def test_forms_read_by_the_strict_parser(raw: str) -> None:
    """Read without dateparser (``fallback=False``): it costs 80 ms a string and seconds on the
    first call of a process, and the date finder does not call it."""
    assert parse_date(raw, fallback=False) == parse_date(raw)
    assert parse_date(raw, fallback=False) is not None


def test_parse_date_rejects_non_strings() -> None:
    assert parse_date(None) is None  # type: ignore[arg-type]  # a wrong type on purpose
    assert parse_date(20250602) is None  # type: ignore[arg-type]  # a wrong type on purpose


NOW = datetime(2025, 6, 4, 12, 0, tzinfo=UTC)  # 08:00 EDT on June 4


@pytest.mark.parametrize(
    ("raw", "now", "expected"),
    [
        ("2 days ago", NOW, "2025-06-02"),
        ("1 day ago", NOW, "2025-06-03"),
        ("yesterday", NOW, "2025-06-03"),
        ("Yesterday", NOW, "2025-06-03"),
        ("today", NOW, "2025-06-04"),
        ("1 week ago", NOW, "2025-05-28"),
        ("2 weeks ago", NOW, "2025-05-21"),
        ("3 hours ago", NOW, "2025-06-04T05:00:00-04:00"),
        ("an hour ago", NOW, "2025-06-04T07:00:00-04:00"),
        ("45 minutes ago", NOW, "2025-06-04T07:15:00-04:00"),
        ("5 mins ago", NOW, "2025-06-04T07:55:00-04:00"),
        ("3h ago", NOW, "2025-06-04T05:00:00-04:00"),
        ("Updated 3 hours ago", NOW, "2025-06-04T05:00:00-04:00"),
        ("Yesterday at 3:15 PM", NOW, "2025-06-03T15:15:00-04:00"),
        # the local date decides: 02:00 UTC on June 4 is 22:00 on June 3 in New York
        ("yesterday", datetime(2025, 6, 4, 2, 0, tzinfo=UTC), "2025-06-02"),
        ("today", datetime(2025, 6, 4, 2, 0, tzinfo=UTC), "2025-06-03"),
        # a naive `now` is taken as UTC
        ("today", datetime(2025, 6, 4, 2, 0), "2025-06-03"),
    ],
)
def test_parse_date_relative(raw: str, now: datetime, expected: str) -> None:
    result = parse_date(raw, now=now)
    assert result is not None
    assert result.value == expected


@pytest.mark.parametrize(
    "raw", ["2 days ago", "yesterday", "today", "3 hours ago", "Yesterday at 3:15 PM"]
)
def test_parse_date_relative_needs_now(raw: str) -> None:
    assert parse_date(raw) is None


@pytest.mark.parametrize("raw", ["2 months ago", "a year ago", "3 years ago"])
def test_parse_date_vague_relative_is_none(raw: str) -> None:
    assert parse_date(raw, now=NOW) is None


@pytest.mark.parametrize(
    ("raw", "dayfirst", "expected"),
    [
        ("03/04/2025", False, "2025-03-04"),
        ("03/04/2025", True, "2025-04-03"),
        ("04/13/2025", True, "2025-04-13"),  # only one reading is a date
        ("13/04/2025", False, "2025-04-13"),
        ("02.06.2025", False, "2025-06-02"),
        ("2025/06/02", True, "2025-06-02"),  # year first is never ambiguous
        ("2025-06-02", True, "2025-06-02"),
        ("03/04/2025 14:30", True, "2025-04-03T14:30:00-04:00"),
        ("June 2, 2025", True, "2025-06-02"),
    ],
)
def test_parse_date_dayfirst(raw: str, dayfirst: bool, expected: str) -> None:
    result = parse_date(raw, dayfirst=dayfirst)
    assert result is not None
    assert result.value == expected


@pytest.mark.parametrize(
    ("raw", "zone", "expected"),
    [
        ("June 2, 2025 2:30 PM", "Europe/Berlin", "2025-06-02T14:30:00+02:00"),
        ("January 2, 2025 2:30 PM", "Europe/Berlin", "2025-01-02T14:30:00+01:00"),
        ("June 2, 2025 2:30 PM", "UTC", "2025-06-02T14:30:00+00:00"),
        ("June 2, 2025 2:30 PM", "America/Los_Angeles", "2025-06-02T14:30:00-07:00"),
        ("June 2, 2025 2:30 PM EDT", "Europe/Berlin", "2025-06-02T14:30:00-04:00"),
        ("June 2, 2025", "Asia/Tokyo", "2025-06-02"),
    ],
)
def test_parse_date_default_tz(raw: str, zone: str, expected: str) -> None:
    result = parse_date(raw, default_tz=zone)
    assert result is not None
    assert result.value == expected


def test_parse_date_unknown_default_tz_is_an_error() -> None:
    with pytest.raises(ValueError, match="Mars/Olympus"):
        parse_date("June 2, 2025", default_tz="Mars/Olympus")


def test_parsed_date_moment_and_day() -> None:
    timed = parse_date("2025-06-02T23:30:00-04:00")
    assert timed == ParsedDate("2025-06-02T23:30:00-04:00", True)
    assert timed.moment == datetime(2025, 6, 3, 3, 30, tzinfo=UTC)
    assert timed.day == date(2025, 6, 2)  # the calendar day as written, not the UTC day
    plain = parse_date("June 2nd 2025")
    assert plain == ParsedDate("2025-06-02", False)
    assert plain.moment == date(2025, 6, 2)
    assert plain.day == date(2025, 6, 2)


@pytest.mark.parametrize(
    ("lang", "url", "expected"),
    [
        ("en", "https://www.cancernetwork.com/view/x", False),
        ("en-US", None, False),
        ("en-us", "https://example.co.uk/x", False),  # an explicit region beats the TLD
        ("en-GB", None, True),
        ("en_AU", None, True),
        ("de", "https://example.com/x", True),
        ("fr-FR", None, True),
        ("es", None, True),
        (None, "https://www.example.nhs.uk/x", True),
        (None, "https://www.example.de/x", True),
        ("en", "https://www.example.ie/x", True),
        (None, "https://www.example.com/x", False),
        (None, "https://www.example.ca/x", False),
        (None, "https://example.org/x", False),
        (None, None, False),
        ("", "not a url", False),
    ],
)
def test_infer_dayfirst(lang: str | None, url: str | None, expected: bool) -> None:
    assert infer_dayfirst(lang, url) is expected
