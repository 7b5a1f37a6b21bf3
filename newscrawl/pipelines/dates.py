"""Dates pipeline: raw date strings become ISO 8601, impossible dates become null.

For ``datePublished`` and ``dateModified`` the pipeline parses ``<field>Raw`` (kept as is) with
:func:`newscrawl.extract.dates.parse_date` and writes ``<field>``. A date problem never drops
an item: the value becomes ``None`` and the reason is counted under
``newscrawl/dates/<reason>``.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter

from newscrawl.extract.dates import ParsedDate, get_zone, infer_dayfirst, parse_date

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

STATS_PREFIX = "newscrawl/dates/"
DEFAULT_TIMEZONE = "America/New_York"
DEFAULT_FUTURE_TOLERANCE = 86400.0
FIELDS = ("datePublished", "dateModified")
_SHORT = {"datePublished": "published", "dateModified": "modified"}


class DatesPipeline:
    """Normalise ``datePublished``/``dateModified`` from their raw strings; count problems.

    Reasons counted: ``unparseable_<f>``, ``future_<f>`` (later than ``dateDownloaded`` plus the
    tolerance), ``modified_before_published`` (``dateModified`` is then set to ``None``) and
    ``missing_published``. Relative dates ("2 days ago") are resolved against
    ``dateDownloaded``; ambiguous numeric dates follow the page language / TLD.
    """

    def __init__(
        self,
        timezone_name: str = DEFAULT_TIMEZONE,
        future_tolerance: float = DEFAULT_FUTURE_TOLERANCE,
        stats: StatsCollector | None = None,
    ) -> None:
        get_zone(timezone_name)  # ValueError for an unknown zone
        if future_tolerance < 0:
            raise ValueError(f"future_tolerance must be >= 0 seconds, got {future_tolerance!r}")
        self.timezone_name = timezone_name
        self.zone = get_zone(timezone_name)
        self.future_tolerance = timedelta(seconds=future_tolerance)
        self.stats = stats
        self.crawler: Crawler | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DatesPipeline:
        settings = crawler.settings
        name = settings.get("NEWSCRAWL_TIMEZONE") or DEFAULT_TIMEZONE
        if not isinstance(name, str):
            raise ValueError(f"NEWSCRAWL_TIMEZONE must be an IANA zone name, got {name!r}")
        try:
            get_zone(name)
        except ValueError:
            raise ValueError(
                f"NEWSCRAWL_TIMEZONE={name!r} is not a known IANA time zone "
                "(e.g. 'America/New_York', 'Europe/Berlin', 'UTC')"
            ) from None
        try:
            tolerance = settings.getfloat(
                "NEWSCRAWL_DATES_FUTURE_TOLERANCE", DEFAULT_FUTURE_TOLERANCE
            )
        except (TypeError, ValueError):
            raise ValueError(
                "NEWSCRAWL_DATES_FUTURE_TOLERANCE must be a number of seconds, got "
                f"{settings.get('NEWSCRAWL_DATES_FUTURE_TOLERANCE')!r}"
            ) from None
        if tolerance < 0:
            raise ValueError(
                f"NEWSCRAWL_DATES_FUTURE_TOLERANCE must be >= 0 seconds, got {tolerance!r}"
            )
        pipeline = cls(timezone_name=name, future_tolerance=tolerance, stats=crawler.stats)
        pipeline.crawler = crawler
        return pipeline

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        now = self._download_time(adapter.get("dateDownloaded"))
        dayfirst = infer_dayfirst(adapter.get("inLanguage"), adapter.get("url"))
        parsed: dict[str, ParsedDate | None] = {}
        for field in FIELDS:
            parsed[field] = self._parse_field(adapter, field, now, dayfirst)
        published, modified = parsed["datePublished"], parsed["dateModified"]
        if published is None:
            self._count("missing_published")
        if published is not None and modified is not None and _before(modified, published):
            self._count("modified_before_published")
            logger.debug(
                "dateModified %s before datePublished %s on %s",
                modified.value, published.value, adapter.get("url"),
            )  # fmt: skip
            adapter["dateModified"] = None
        return item

    # ---------------------------------------------------------------------------------------

    def _parse_field(
        self, adapter: ItemAdapter, field: str, now: datetime, dayfirst: bool
    ) -> ParsedDate | None:
        raw_field = field + "Raw"
        raw = _as_text(adapter.get(raw_field))
        if raw is None:
            # no raw string: an already set value is treated as the raw string, so nothing is lost
            raw = _as_text(adapter.get(field))
            if raw is None:
                adapter[field] = None
                return None
            adapter[raw_field] = raw
        elif adapter.get(raw_field) != raw:
            adapter[raw_field] = raw
        short = _SHORT[field]
        result = parse_date(raw, default_tz=self.timezone_name, now=now, dayfirst=dayfirst)
        if result is None:
            self._count(f"unparseable_{short}")
            logger.debug("unparseable %s %r on %s", field, raw, adapter.get("url"))
        elif self._in_future(result, now):
            self._count(f"future_{short}")
            logger.debug("%s %s is in the future on %s", field, result.value, adapter.get("url"))
            result = None
        adapter[field] = result.value if result is not None else None
        return result

    def _in_future(self, value: ParsedDate, now: datetime) -> bool:
        limit = now + self.future_tolerance
        moment = value.moment
        if isinstance(moment, datetime):
            return moment > limit
        # a date without a time: compare calendar days in the site's zone
        return moment > limit.astimezone(self.zone).date()

    def _download_time(self, value: Any) -> datetime:
        if isinstance(value, str) and value:
            try:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
            except ValueError:
                moment = None
            if moment is not None:
                return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        return datetime.now(timezone.utc)

    def _count(self, reason: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(STATS_PREFIX + reason)


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
