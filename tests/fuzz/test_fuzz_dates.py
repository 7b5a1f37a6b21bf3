"""The date parser fuzzed (issue 13): random and date-like strings never raise, and never give a
date the string does not show (its year, in four digits or two, is in the string; nothing is
taken from today)."""

from __future__ import annotations

import re
from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st
from newscrawl.extract.dates import find_dates, parse_date

TOKENS = st.sampled_from([
    "June", "Jun.", "juin", "junio", "2nd", "2", "02", "12", "31", "2025", "25", "1999", "10:30", "AM", "pm",
    "EST", "UTC", "+05:30", "Z", "T", "-", "/", ".", ",", ":", "Published:", "Updated", "on", "ago",
    "days", "yesterday", "today", "last", "week", "Monday", "at", "|", "•", "de", "der", "\u2028", "\x0b",
])
DATE_STRINGS = st.one_of(
    st.text(max_size=60),
    st.lists(TOKENS, min_size=1, max_size=8).map(" ".join),
    st.lists(TOKENS, min_size=1, max_size=8).map("".join),
    st.builds(lambda y, m, d, sep: f"{y}{sep}{m:02d}{sep}{d:02d}", st.integers(0, 9999), st.integers(0, 19),
              st.integers(0, 39), st.sampled_from(["-", "/", ".", ""])),
)
NOW = datetime(2026, 11, 27, 8, 0, 0)


def shows_year(raw: str, value: str) -> bool:
    year = value[:4]
    digits = re.findall(r"\d+", raw)
    return year in raw or any(d.endswith(year[2:]) for d in digits)


@given(DATE_STRINGS, st.booleans())
def test_parse_date_never_invents_a_date(raw: str, dayfirst: bool) -> None:
    parsed = parse_date(raw, dayfirst=dayfirst)
    if parsed is not None:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2})?", parsed.value), parsed.value
        assert shows_year(raw, parsed.value), (raw, parsed.value)
        parsed.moment  # noqa: B018 - a real calendar date: this raises otherwise


@given(DATE_STRINGS)
def test_relative_dates_need_a_now(raw: str) -> None:
    parsed = parse_date(raw, now=NOW)
    if parsed is not None and not shows_year(raw, parsed.value):
        # only a relative date ("2 days ago", "yesterday") may lack its year, and it lies before now
        assert re.search(r"ago|yesterday|today", raw, re.I), (raw, parsed.value)
        assert parsed.value[:10] <= NOW.date().isoformat()


@given(st.lists(DATE_STRINGS, max_size=5))
def test_find_dates_on_pages_of_date_like_text(texts: list[str]) -> None:
    html = "<html><body>" + "".join(f"<p>{t.replace('<', ' ')}</p>" for t in texts) + "</body></html>"
    for found in find_dates(html, "https://www.cancernetwork.com/view/x"):
        assert found is None or any(found in t or t in found for t in texts) or found in html, found
