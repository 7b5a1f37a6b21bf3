"""Per-article date normalisation: :class:`DateNormalizer`.

The dates pipeline's job, shared with ``newscrawl extract``: raw date strings become ISO 8601
values, and every problem becomes a reason, never an exception. Pure: no Scrapy, no I/O.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from newscrawl.extract.dates.parse import (
    DEFAULT_TIMEZONE,
    ParsedDate,
    get_zone,
    has_explicit_zone,
    infer_dayfirst,
    parse_date,
)

#: Seconds a date may lie after ``dateDownloaded`` and still count (``NEWSCRAWL_DATES_FUTURE_TOLERANCE``).
DEFAULT_FUTURE_TOLERANCE = 86400.0
_DATE_FIELDS = ("datePublished", "dateModified")
_SHORT = {"datePublished": "published", "dateModified": "modified"}


class DateNormalizer:
    """Turns an article's raw date strings into ISO 8601 values, in place.

    For ``datePublished`` and ``dateModified`` it parses ``<field>Raw`` (kept as is) and writes
    ``<field>``; a problem nulls the value and is reported as a reason, never an exception:
    ``unparseable_<f>``, ``future_<f>`` (later than ``dateDownloaded`` plus the tolerance),
    ``modified_before_published`` (``dateModified`` becomes None) and ``missing_published``.
    Relative dates ("2 days ago") are resolved against ``dateDownloaded``; ambiguous numeric
    dates follow the page's language and TLD (:func:`infer_dayfirst`). A published time without
    a zone is in the site's zone, unless the page implied its offset (the item's internal
    ``provenance.datePublished.offset``: the page gave the same instant with an offset).
    """

    def __init__(self, timezone_name: str = DEFAULT_TIMEZONE,
                 future_tolerance: float = DEFAULT_FUTURE_TOLERANCE) -> None:
        if future_tolerance < 0:
            raise ValueError(f"future_tolerance must be >= 0 seconds, got {future_tolerance!r}")
        self.timezone_name = timezone_name
        self.zone = get_zone(timezone_name)  # ValueError for an unknown zone
        self.future_tolerance = timedelta(seconds=future_tolerance)

    def apply(self, fields: MutableMapping[str, Any]) -> list[str]:
        """Normalise ``fields`` in place; return the reasons of every date problem found."""
        reasons: list[str] = []
        now = _download_time(fields.get("dateDownloaded"))
        dayfirst = infer_dayfirst(_as_text(fields.get("inLanguage")), _as_text(fields.get("url")))
        parsed = {name: self._parse_field(fields, name, now, dayfirst, reasons) for name in _DATE_FIELDS}
        published, modified = parsed["datePublished"], parsed["dateModified"]
        if published is None:
            reasons.append("missing_published")
        if published is not None and modified is not None and _before(modified, published):
            reasons.append("modified_before_published")
            fields["dateModified"] = None
        return reasons

    def _parse_field(self, fields: MutableMapping[str, Any], name: str, now: datetime,
                     dayfirst: bool, reasons: list[str]) -> ParsedDate | None:
        raw_name = name + "Raw"
        raw = _as_text(fields.get(raw_name))
        if raw is None:
            # no raw string: an already set value is treated as the raw string, so nothing is lost
            raw = _as_text(fields.get(name))
            if raw is None:
                fields[name] = None
                return None
        if fields.get(raw_name) != raw:
            fields[raw_name] = raw
        short = _SHORT[name]
        result = parse_date(raw, default_tz=self.timezone_name, now=now, dayfirst=dayfirst)
        offset = _implied_offset(fields) if name == "datePublished" else None
        if offset is not None and result is not None and result.has_time and not has_explicit_zone(
            raw, dayfirst=dayfirst
        ):
            wall = datetime.fromisoformat(result.value).replace(tzinfo=None)
            result = ParsedDate(wall.replace(tzinfo=timezone(offset)).isoformat(), True)
        if result is None:
            reasons.append(f"unparseable_{short}")
        elif self._in_future(result, now):
            reasons.append(f"future_{short}")
            result = None
        fields[name] = result.value if result is not None else None
        return result

    def _in_future(self, value: ParsedDate, now: datetime) -> bool:
        limit = now + self.future_tolerance
        moment = value.moment
        if isinstance(moment, datetime):
            return moment > limit
        # a date without a time: compare calendar days in the site's zone
        return moment > limit.astimezone(self.zone).date()


def _implied_offset(fields: MutableMapping[str, Any]) -> timedelta | None:
    """``provenance.datePublished.offset`` ("-06:00") as a timedelta; None when absent or bad."""
    provenance = fields.get("provenance")
    found = provenance.get("datePublished") if isinstance(provenance, dict) else None
    text = found.get("offset") if isinstance(found, dict) else None
    if not isinstance(text, str) or len(text) != 6 or text[0] not in "+-" or text[3] != ":":
        return None
    try:
        delta = timedelta(hours=int(text[1:3]), minutes=int(text[4:6]))
    except ValueError:
        return None
    return -delta if text[0] == "-" else delta


def _download_time(value: Any) -> datetime:
    if isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None:
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.now(UTC)


def _as_text(value: Any) -> str | None:
    """The raw value as a string; the first string of a list (JSON-LD allows lists)."""
    if isinstance(value, (list, tuple)):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    return value if value.strip() else None


def _before(modified: ParsedDate, published: ParsedDate) -> bool:
    """Whether ``modified`` is before ``published``; on calendar days if either lacks a time."""
    if modified.has_time and published.has_time:
        return modified.moment < published.moment
    m_day: date = modified.day
    p_day: date = published.day
    return m_day < p_day
