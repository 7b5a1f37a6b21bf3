"""Dates: parsing raw date strings, finding the dates a page shows, normalising an article's.

- :mod:`.parse`: :func:`parse_date` turns one raw string into ISO 8601 (:class:`ParsedDate`);
  :func:`infer_dayfirst`, :func:`get_zone`;
- :mod:`.find`: :func:`find_dates`, the raw published/updated strings a page shows when it has
  no structured date;
- :mod:`.normalize`: :class:`DateNormalizer`, an article's raw dates to ISO values with a reason
  for each problem (the dates pipeline's and ``newscrawl extract``'s step).

Pure: no Scrapy, no I/O. See ``docs/dates.md`` for the supported forms and the decisions.
This package re-exports the public names; code inside ``newscrawl.extract`` imports from the
module that defines them.
"""

from __future__ import annotations

from newscrawl.extract.dates.find import find_dates
from newscrawl.extract.dates.normalize import DEFAULT_FUTURE_TOLERANCE, DateNormalizer
from newscrawl.extract.dates.parse import (
    DEFAULT_TIMEZONE,
    ParsedDate,
    check_zone,
    get_zone,
    infer_dayfirst,
    parse_date,
)

__all__ = [
    "DEFAULT_FUTURE_TOLERANCE",
    "DEFAULT_TIMEZONE",
    "DateNormalizer",
    "ParsedDate",
    "check_zone",
    "find_dates",
    "get_zone",
    "infer_dayfirst",
    "parse_date",
]
