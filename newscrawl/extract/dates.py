"""Date parsing and visible-date finding.

Two pure functions (no Scrapy, no I/O):

- :func:`parse_date` turns one raw date string into ISO 8601. A timestamp keeps its offset, a
  local time without a zone takes the site's zone (with the zone's DST rules), a date without a
  time stays a date, and nothing is ever filled in from today's date. Common forms go through a
  strict hand-written parser (fast, predictable); only strings it rejects go to ``dateparser``.
- :func:`find_dates` finds the raw publication and update dates a page *shows* (bylines,
  ``<time>``, "Published"/"Updated" labels, the URL) when no structured date exists, and never
  takes a date from a sidebar, a teaser card, a link to another article or a copyright line.

See ``docs/dates.md`` for the supported forms and the decisions behind them.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterator, MutableMapping
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree

if TYPE_CHECKING:
    from lxml.etree import _Element as HtmlElement

logger = logging.getLogger(__name__)

__all__ = ["ParsedDate", "parse_date", "find_dates", "infer_dayfirst", "get_zone"]

UTC = timezone.utc

#: Years outside this range are treated as impossible (CMS sentinels such as 0001-01-01).
MIN_YEAR, MAX_YEAR = 1900, 2199
#: Longer strings are not a date (a whole sentence or paragraph was passed by mistake).
MAX_RAW_LENGTH = 200


@dataclass(frozen=True)
class ParsedDate:
    """A normalised date: ``value`` is ISO 8601, with an explicit offset when a time is known."""

    value: str  # "2025-06-02T14:30:00-04:00" or "2025-06-02"
    has_time: bool

    @property
    def moment(self) -> datetime | date:
        """The value as an aware ``datetime`` (when ``has_time``) or a ``date``."""
        if self.has_time:
            return datetime.fromisoformat(self.value)
        return date.fromisoformat(self.value)

    @property
    def day(self) -> date:
        """The calendar date as written (local to the value's own offset)."""
        m = self.moment
        return m.date() if isinstance(m, datetime) else m


# --------------------------------------------------------------------------------------------
# vocabulary

_MONTHS: dict[str, int] = {}
for _num, _names in enumerate(
    (
        # English, German, French, Spanish, Italian, Dutch, Portuguese (full names + abbreviations)
        "january jan januar jänner jaenner janvier janv enero ene gennaio gen januari janeiro",
        "february feb februar février fevrier févr fevr febrero febbraio februari fevereiro fev",
        "march mar märz maerz mär mrz mars marzo maart mrt março marco",
        "april apr avril avr abril abr aprile",
        "may mai mayo maggio mag mei maio",
        "june jun juni juin junio giugno giu junho",
        "july jul juli juillet juil julio luglio lug julho",
        "august aug août aout agosto ago augustus",
        "september sep sept septembre septiembre setiembre settembre set setembro",
        "october oct oktober okt octobre octubre ottobre ott outubro out",
        "november nov novembre noviembre novembro",
        "december dec dezember dez décembre decembre déc diciembre dic dicembre dezembro",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _num

_WEEKDAYS = frozenset(
    """monday mon tuesday tue tues wednesday wed thursday thu thur thurs friday fri saturday sat
    sunday sun montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag
    lundi mardi mercredi jeudi vendredi samedi dimanche lunes martes miércoles miercoles jueves
    viernes sábado sabado domingo lunedì lunedi martedì martedi mercoledì mercoledi giovedì
    giovedi venerdì venerdi sabato domenica maandag dinsdag woensdag donderdag vrijdag zaterdag
    zondag segunda terça terca quarta quinta sexta feira""".split()
)

#: Words that may sit between the parts of a date without changing it.
_FILLERS = frozenset(
    "at on the of de del le la am um à a as às alle ore uhr op om el den der du dem il t".split()
)

_H = 3600
#: Zone abbreviations. A number is a fixed offset in seconds (an explicit "EST" means -05:00 even
#: in summer); a string is an IANA zone whose local rules apply ("ET" is EST or EDT by date).
_ZONES: dict[str, int | str] = {
    "z": 0, "utc": 0, "gmt": 0, "ut": 0, "zulu": 0,
    "est": -5 * _H, "edt": -4 * _H, "cst": -6 * _H, "cdt": -5 * _H,
    "mst": -7 * _H, "mdt": -6 * _H, "pst": -8 * _H, "pdt": -7 * _H,
    "akst": -9 * _H, "akdt": -8 * _H, "hst": -10 * _H, "ast": -4 * _H, "adt": -3 * _H,
    "nst": -(3 * _H + 1800), "ndt": -(2 * _H + 1800),
    "bst": 1 * _H, "wet": 0, "west": 1 * _H, "cet": 1 * _H, "cest": 2 * _H, "met": 1 * _H,
    "mest": 2 * _H, "eet": 2 * _H, "eest": 3 * _H, "msk": 3 * _H, "mez": 1 * _H, "mesz": 2 * _H,
    "jst": 9 * _H, "kst": 9 * _H, "hkt": 8 * _H, "sgt": 8 * _H, "awst": 8 * _H,
    "acst": 9 * _H + 1800, "acdt": 10 * _H + 1800, "aest": 10 * _H, "aedt": 11 * _H,
    "nzst": 12 * _H, "nzdt": 13 * _H,
    "et": "America/New_York", "eastern": "America/New_York",
    "ct": "America/Chicago", "central": "America/Chicago",
    "mt": "America/Denver", "mountain": "America/Denver",
    "pt": "America/Los_Angeles", "pacific": "America/Los_Angeles",
}  # fmt: skip
#: "Eastern Time", "Eastern Daylight Time"
_ZONE_FILLERS = frozenset({"time", "standard", "daylight"})
_LONG_ZONES = {
    "eastern standard time": "est", "eastern daylight time": "edt",
    "central standard time": "cst", "central daylight time": "cdt",
    "mountain standard time": "mst", "mountain daylight time": "mdt",
    "pacific standard time": "pst", "pacific daylight time": "pdt",
    "british summer time": "bst", "greenwich mean time": "gmt",
    "central european time": "cet", "central european summer time": "cest",
    "coordinated universal time": "utc",
}  # fmt: skip
_LONG_ZONE_RE = re.compile("|".join(sorted(map(re.escape, _LONG_ZONES), key=len, reverse=True)))

# Labels in front of a date: "Published:", "Posted on", "Last updated:", "Originally published".
_LABEL_WORDS = (
    r"(?:originally\s+|first\s+|last\s+|date\s+)?"
    r"(?:published|publication\s+date|pub\.?\s+date|posted|updated|modified|revised|created"
    r"|released|issued|dated|date|on|veröffentlicht|aktualisiert|zuletzt\s+aktualisiert|stand"
    r"|publié|mis\s+à\s+jour|mise\s+à\s+jour|publicado|actualizado|pubblicato|aggiornato"
    r"|gepubliceerd|bijgewerkt)"
)
_LABEL_RE = re.compile(
    r"^(?:" + _LABEL_WORDS + r")(?:\s+(?:on|at|le|am|el|il|op|em))?\s*[:\-–—]?\s*", re.I
)

_SPACE_RE = re.compile(r"[\s\u00a0\u2009\u202f\u200b]+")
_ISO_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[t ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"\s*(z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_ISO_FAST_RE = re.compile(_ISO_RE.pattern, re.I)
_COMPACT_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_AMPM = r"(?P<{name}>[ap]\.?\s?m\b\.?)"
# Each alternative sits in an outer group named for its kind (``Match.lastgroup``).
_TOKEN_RE = re.compile(
    r"(?P<offset>[+-]\d{2}(?::?\d{2})?(?!\d))"
    r"|(?P<skip>[\s,|•·@()\[\]\-–—:;/]+)"
    r"|(?P<iana>[a-z]+/[a-z_]+(?:/[a-z_]+)?)"
    r"|(?P<word>(?P<w>[^\W\d_]+)\.?)"
    r"|(?P<ymd>(?P<y>\d{4})[-/.](?P<ymd_m>\d{1,2})[-/.](?P<ymd_d>\d{1,2})(?!\d))"
    r"|(?P<dmy>(?P<n1>\d{1,2})(?P<sep>[-/.])(?P<n2>\d{1,2})(?P=sep)(?P<n3>\d{4}|\d{2})(?![\d:]))"
    r"|(?P<time>(?P<hh>\d{1,2})[:h](?P<mi>\d{2})(?::(?P<ss>\d{2})(?:[.,]\d+)?)?(?!\d)\s*"
    + _AMPM.format(name="ampm") + "?)"
    r"|(?P<hour>(?P<h>\d{1,2})\s*" + _AMPM.format(name="ampm2") + ")"
    r"|(?P<num>(?P<digits>\d{1,4})(?P<ord>st|nd|rd|th|er|º)?(?!\d)\.?)"
)
_GMT_OFFSET_RE = re.compile(r"\s*(?P<gsign>[+-])\s*(?P<gh>\d{1,2})(?::?(?P<gm>\d{2}))?(?!\d)")

_REL_UNITS = {
    "s": "seconds", "sec": "seconds", "secs": "seconds", "second": "seconds", "seconds": "seconds",
    "m": "minutes", "min": "minutes", "mins": "minutes", "minute": "minutes", "minutes": "minutes",
    "h": "hours", "hr": "hours", "hrs": "hours", "hour": "hours", "hours": "hours",
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "wk": "weeks", "wks": "weeks", "week": "weeks", "weeks": "weeks",
}  # fmt: skip
_REL_RE = re.compile(
    r"(?:(?P<n>\d{1,3}|an?|one)\s*(?P<unit>" + "|".join(sorted(_REL_UNITS, key=len, reverse=True))
    + r")\s+ago|(?P<word>yesterday|today))"
    r"(?:\s*,?\s*(?:at\s+)?(?P<hh>\d{1,2})(?::(?P<mi>\d{2}))?\s*(?P<ampm>[ap]\.?\s?m\b\.?)?)?"
    r"|(?P<vague>\d+|an?|one)\s*(?:months?|years?|yrs?|mos?)\s+ago"
)


# --------------------------------------------------------------------------------------------
# zones


@lru_cache(maxsize=64)
def get_zone(name: str) -> tzinfo:
    """The ``tzinfo`` for an IANA name; raises ``ValueError`` for an unknown zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


@lru_cache(maxsize=64)
def _fixed(seconds: int) -> tzinfo:
    return UTC if seconds == 0 else timezone(timedelta(seconds=seconds))


def _localize(naive: datetime, zone: tzinfo) -> datetime:
    """Attach ``zone`` to a wall-clock time with its DST rules.

    An ambiguous time (the repeated hour in autumn) takes the first occurrence (``fold=0``); a
    time that does not exist (the skipped hour in spring) is read with the offset in force
    before the change and written with the offset valid at that instant (02:30 -> 03:30 EDT).
    """
    aware = naive.replace(tzinfo=zone)
    if isinstance(zone, ZoneInfo):
        roundtrip = aware.astimezone(UTC).astimezone(zone)
        if roundtrip.replace(tzinfo=None) != naive:  # nonexistent wall time
            return roundtrip
    return aware


# --------------------------------------------------------------------------------------------
# parse_date


def parse_date(
    raw: str,
    *,
    default_tz: str = "America/New_York",
    now: datetime | None = None,
    dayfirst: bool = False,
) -> ParsedDate | None:
    """Parse one raw date string into a :class:`ParsedDate`, or ``None``.

    ``None`` means unparseable, incomplete (no year, no day: nothing is taken from today) or
    impossible (Feb 30, 25:00, years outside 1900-2199). Relative dates ("2 days ago",
    "yesterday") are resolved against ``now`` and are ``None`` without it. ``dayfirst`` reads
    ambiguous numeric dates such as 03/04/2025 as day/month (dotted dates are always day-first).
    """
    return _parse(raw, default_tz, now, dayfirst, fallback=True)


def _parse(
    raw: str, default_tz: str, now: datetime | None, dayfirst: bool, *, fallback: bool
) -> ParsedDate | None:
    if not isinstance(raw, str):
        return None
    zone = get_zone(default_tz)  # ValueError for an unknown zone: a caller's bug, not data
    text = raw.strip()
    if text[:1].isdigit():  # fast path for ISO 8601, the form structured data uses
        m = _ISO_FAST_RE.fullmatch(text)
        if m:
            return _from_iso(m, zone)
    text = _SPACE_RE.sub(" ", text).strip().lower()
    if not text or len(text) > MAX_RAW_LENGTH:
        return None
    # strip up to two stacked labels: "Last updated on: ...", "Published | Updated ..."
    for _ in range(2):
        if not text[:1].isalpha():
            break
        label = _LABEL_RE.match(text)
        if label is None or not label.end():
            break
        text = text[label.end():]
    text = text.strip(" .,;|•·()[]")
    if not text:
        return None
    m = _ISO_RE.fullmatch(text)
    if m:
        return _from_iso(m, zone)
    m = _COMPACT_RE.fullmatch(text)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]), None, zone)
    if "ago" in text or "day" in text:
        rel = _REL_RE.fullmatch(text)
        if rel:
            return _from_relative(rel, zone, now)
    result = _from_tokens(text, zone, dayfirst)
    if result is _UNKNOWN:
        # only text with words the strict parser does not know goes to dateparser; text it
        # understood but found incomplete or impossible ("June 2", "Feb 30, 2025") stays None
        return _from_dateparser(text, zone, dayfirst) if fallback else None
    return result


def _make(
    year: int,
    month: int,
    day: int,
    clock: tuple[int, int, int] | None,
    zone: tzinfo,
) -> ParsedDate | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        if clock is None:
            return ParsedDate(date(year, month, day).isoformat(), False)
        naive = datetime(year, month, day, *clock)
    except ValueError:
        return None
    return _aware(naive, zone)


def _aware(naive: datetime, zone: tzinfo) -> ParsedDate | None:
    try:
        moment = _localize(naive, zone)
        return ParsedDate(moment.isoformat(timespec="seconds"), True)
    except (OverflowError, ValueError):
        return None


def _offset_zone(sign: str, hours: str, minutes: str | None) -> tzinfo | None:
    h, mi = int(hours), int(minutes or 0)
    if h > 14 or mi > 59:
        return None
    secs = h * 3600 + mi * 60
    return _fixed(-secs if sign == "-" else secs)


def _from_iso(m: re.Match[str], zone: tzinfo) -> ParsedDate | None:
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    if m[4] is None:
        return _make(year, month, day, None, zone)
    tz = m[8].lower() if m[8] else None
    if tz is not None and tz != "z":
        digits = tz[1:].replace(":", "")
        zone_or_none = _offset_zone(tz[0], digits[:2], digits[2:] or None)
        if zone_or_none is None:
            return None
        zone = zone_or_none
    elif tz == "z":
        zone = UTC
    return _make(year, month, day, (int(m[4]), int(m[5]), int(m[6] or 0)), zone)


def _from_relative(m: re.Match[str], zone: tzinfo, now: datetime | None) -> ParsedDate | None:
    if now is None or m["vague"] is not None:
        return None  # no reference time, or too vague ("2 months ago") to be a date
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    local_now = now.astimezone(zone)
    if m["word"]:
        day = local_now.date() - timedelta(days=1 if m["word"] == "yesterday" else 0)
        unit, amount = "days", 0
    else:
        n = m["n"]
        amount = int(n) if n.isdigit() else 1
        unit = _REL_UNITS[m["unit"]]
        if unit in ("days", "weeks"):
            day = local_now.date() - timedelta(**{unit: amount})
        else:
            if m["hh"] is not None:
                return None  # "3 hours ago at 2 pm" is contradictory
            moment = (now - timedelta(**{unit: amount})).astimezone(zone)
            return ParsedDate(moment.replace(microsecond=0).isoformat(), True)
    if m["hh"] is None:
        return ParsedDate(day.isoformat(), False)
    clock = _clock(m["hh"], m["mi"], None, m["ampm"])
    if clock is None:
        return None
    return _make(day.year, day.month, day.day, clock, zone)


def _clock(
    hh: str, mi: str | None, ss: str | None, ampm: str | None
) -> tuple[int, int, int] | None:
    h, m, s = int(hh), int(mi or 0), int(ss or 0)
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ampm[0] == "p" else 0)
    if h > 23 or m > 59 or s > 59:
        return None
    return h, m, s


class _Unknown:
    """Sentinel: the strict parser met a token it does not know."""


_UNKNOWN: Any = _Unknown()


def _from_tokens(text: str, zone: tzinfo, dayfirst: bool) -> ParsedDate | None:
    """The strict parser: every token must be a date part, a time, a zone or a filler word."""
    if " time" in text or "standard" in text or "daylight" in text or "european" in text:
        text = _LONG_ZONE_RE.sub(lambda z: _LONG_ZONES[z[0]], text)
    year = month = day = None
    clock: tuple[int, int, int] | None = None
    tz: tzinfo | None = None
    pos, end = 0, len(text)
    match = _TOKEN_RE.match
    while pos < end:
        m = match(text, pos)
        if m is None:
            return _UNKNOWN
        pos = m.end()
        kind = m.lastgroup
        if kind == "skip":
            continue
        if kind == "word":
            word = m["w"]
            if word in _MONTHS:
                if month is not None:
                    return None
                month = _MONTHS[word]
            elif word in _WEEKDAYS or word in _FILLERS or word in _ZONE_FILLERS:
                continue
            elif word in _ZONES:
                spec = _ZONES[word]
                named = _fixed(spec) if isinstance(spec, int) else get_zone(spec)
                if spec == 0 and (g := _GMT_OFFSET_RE.match(text, pos)):  # GMT+2, UTC-05:00
                    pos = g.end()
                    named = _offset_zone(g["gsign"], g["gh"], g["gm"])  # type: ignore[assignment]
                    if named is None:
                        return None
                if tz is not None and tz != named:  # "GMT-0500 (EST)" agrees, "EDT PST" not
                    return None
                tz = named
            else:
                return _UNKNOWN  # a word outside the vocabulary: maybe an exotic form
        elif kind == "num":
            digits = m["digits"]
            if len(digits) == 4 and not m["ord"]:
                if year is not None:
                    return None
                year = int(digits)
            elif len(digits) <= 2:
                if day is not None:
                    return None
                day = int(digits)
            else:
                return None
        elif kind == "time" or kind == "hour":
            if clock is not None:
                return None
            if kind == "time":
                clock = _clock(m["hh"], m["mi"], m["ss"], m["ampm"])
            else:
                clock = _clock(m["h"], None, None, m["ampm2"])
            if clock is None:
                return None
        elif kind == "ymd" or kind == "dmy":
            if year is not None or month is not None or day is not None:
                return None
            if kind == "ymd":
                year, month, day = int(m["y"]), int(m["ymd_m"]), int(m["ymd_d"])
            else:
                a, b, y = int(m["n1"]), int(m["n2"]), m["n3"]
                year = int(y) if len(y) == 4 else (2000 + int(y) if int(y) < 70 else 1900 + int(y))
                if m["sep"] == "." or dayfirst:
                    day, month = a, b
                else:
                    month, day = a, b
                if month > 12 and day <= 12:  # only one reading is a real date
                    month, day = day, month
        elif kind == "offset":
            if clock is None or tz not in (None, UTC):  # "GMT -0400" is fine, "EDT +0100" not
                return None
            digits = m["offset"][1:].replace(":", "")
            tz = _offset_zone(m["offset"][0], digits[:2], digits[2:] or None)
            if tz is None:
                return None
        elif kind == "iana":
            try:
                tz = get_zone(_iana_case(m["iana"]))
            except ValueError:
                return None
    if year is None or month is None or day is None:
        return None
    if clock is None:
        return _make(year, month, day, None, zone)
    return _make(year, month, day, clock, tz or zone)


def _iana_case(name: str) -> str:
    return "/".join("_".join(p.capitalize() for p in part.split("_")) for part in name.split("/"))


_DIGITS_RE = re.compile(r"\d+")
_ZONE_AFTER_TIME_RE = re.compile(
    r"\d{1,2}[:h]\d{2}(?::\d{2})?\s*(?:[ap]\.?\s?m\b\.?)?\s*\(?([a-z]{2,5})\b"
)
_TIME_IN_TEXT_RE = re.compile(r"\d{1,2}[:h]\d{2}|\d\s*[ap]\.?\s?m\b")


def _from_dateparser(text: str, zone: tzinfo, dayfirst: bool) -> ParsedDate | None:
    """Last resort for exotic forms; strict (day, month and year must all be in the text)."""
    if len(_DIGITS_RE.findall(text)) < 2:
        return None  # a day and a year are both numbers in every form worth trying
    for m in _ZONE_AFTER_TIME_RE.finditer(text):
        word = m.group(1)
        if word not in _ZONES and word not in _FILLERS and word not in _MONTHS:
            return None  # an unknown zone: dateparser would silently drop it
    try:
        import dateparser
    except ImportError:  # pragma: no cover - dateparser ships with trafilatura
        return None
    settings: dict[str, Any] = {
        "STRICT_PARSING": True,
        "REQUIRE_PARTS": ["day", "month", "year"],
        "DATE_ORDER": "DMY" if dayfirst else "MDY",
        "PARSERS": ["absolute-time"],
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        result = dateparser.parse(text, settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input
        logger.debug("dateparser failed on %r", text, exc_info=True)
        return None
    if result is None:
        return None
    if not _TIME_IN_TEXT_RE.search(text):
        return _make(result.year, result.month, result.day, None, zone)
    if result.tzinfo is not None:
        offset = result.utcoffset()
        assert offset is not None
        return _aware(result.replace(tzinfo=None), _fixed(int(offset.total_seconds())))
    return _aware(result, zone)


# --------------------------------------------------------------------------------------------
# dayfirst inference

_MONTH_FIRST_LANGS = frozenset({"en-us", "en-ph", "en-ca", "en-um", "en-as", "en-gu", "en-pr"})
_DAY_FIRST_EN = frozenset({"en-gb", "en-uk", "en-ie", "en-au", "en-nz", "en-in", "en-za", "en-sg"})
_NEUTRAL_TLDS = frozenset({"com", "org", "net", "us", "gov", "edu", "mil", "int", "info", "biz",
                           "io", "co", "ca", "ph", "news", "health"})  # fmt: skip


def infer_dayfirst(lang: str | None, url: str | None = None) -> bool:
    """Whether ambiguous numeric dates (03/04/2025) are day-first on a page.

    From the page language when it is known: English as written in the US (``en``, ``en-US``,
    ``en-CA``, ``en-PH``) is month-first, every other language and English variant is day-first.
    Bare ``en`` or no language: a country-code TLD other than .us/.ca/.ph means day-first,
    generic TLDs (.com, .org ...) mean month-first.
    """
    if lang:
        tag = lang.strip().lower().replace("_", "-")
        primary = tag.split("-", 1)[0]
        if primary and primary != "en":
            return True
        if tag in _MONTH_FIRST_LANGS:
            return False
        if tag in _DAY_FIRST_EN:
            return True
    if url:
        host = urlsplit(url).hostname or ""
        tld = host.rsplit(".", 1)[-1] if "." in host else ""
        if len(tld) == 2 and tld.isalpha() and tld not in _NEUTRAL_TLDS:
            return True
    return False


# --------------------------------------------------------------------------------------------
# find_dates

_MONTH_ALT = "|".join(sorted((re.escape(k) for k in _MONTHS), key=len, reverse=True))
_WEEKDAY_ALT = "|".join(sorted((re.escape(k) for k in _WEEKDAYS), key=len, reverse=True))
_ZONE_ALT = "|".join(
    sorted(
        [re.escape(k) for k in _ZONES if k not in ("z", "ut")]
        + [re.escape(k) for k in _LONG_ZONES],
        key=len,
        reverse=True,
    )
)
_TIME_PART = (
    r"\d{1,2}(?:[:h]\d{2}(?::\d{2})?\s*(?:[ap]\.?\s?m\b\.?)?|\s*[ap]\.?\s?m\b\.?)"
    r"(?:\s*(?:(?:" + _ZONE_ALT + r")\b|(?:gmt|utc)\s*[+-]\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}))?"
)
_DATE_PART = (
    r"(?:(?:" + _WEEKDAY_ALT + r")\.?,?\s+)?"
    r"(?:(?:" + _MONTH_ALT + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|\d{1,2}(?:st|nd|rd|th|er|\.)?\s+(?:of\s+|de\s+)?(?:" + _MONTH_ALT
    + r")\.?,?\s+(?:de\s+)?\d{4}"
    r"|\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{4}|\d{4}/\d{1,2}/\d{1,2}|\d{4}\.\d{1,2}\.\d{1,2})"
)
#: A date as it appears in visible text, with an optional time before or after it.
_VISIBLE_DATE_RE = re.compile(
    r"(?<![\w/.-])(?:"
    r"(?:" + _TIME_PART + r"\s*(?:,|\||on|-|–|—)?\s*)?" + _DATE_PART
    + r"(?:\s*(?:,|\||at|@|-|–|—|·|•|à|um|a\s+las|alle|om|às)?\s*" + _TIME_PART + r")?"
    r"|(?:\d{1,3}|an?)\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago"
    r"|(?:yesterday|today)(?:\s*,?\s*at\s+\d{1,2}(?::\d{2})?\s*(?:[ap]\.?\s?m\b\.?)?)?"
    r")(?![\w-])",
    re.I,
)
_PUB_LABEL_RE = re.compile(
    r"(?:originally\s+published|first\s+published|original(?:ly)?|published|publication\s+date"
    r"|pub\.?\s+date"
    r"|posted|released|issued|created|veröffentlicht|publié|publicado|pubblicato|gepubliceerd)"
    r"(?:\s+(?:on|at|le|am|el|il|op))?\s*[:\-–—]?\s*$",
    re.I,
)
_MOD_LABEL_RE = re.compile(
    r"(?:last\s+updated|updated|last\s+modified|modified|revised|aktualisiert"
    r"|zuletzt\s+aktualisiert"
    r"|mis\s+à\s+jour|mise\s+à\s+jour|actualizado|aggiornato|bijgewerkt)"
    r"(?:\s+(?:on|at|le|am|el|il|op))?\s*[:\-–—]?\s*$",
    re.I,
)
_LINE_PREFILTER_RE = re.compile(r"\d{4}|\bago\b|yesterday|today", re.I)
_COPYRIGHT_RE = re.compile(r"©|\(c\)\s*\d{4}|copyright", re.I)
_URL_DATE_RE = re.compile(
    r"/((?:19|20)\d{2})(?:[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])"
    r"|/([1-9]|1[0-2])/([1-9]|[12]\d|3[01]))(?=[/_.-]|$)"
)

_BLOCK_TAGS = frozenset(
    """address article aside blockquote body br dd details dialog div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary
    table tbody td tfoot th thead tr ul""".split()
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe",
                        "select", "option", "button", "textarea", "object", "canvas"})  # fmt: skip
_EXCLUDED_TAGS = frozenset({"aside", "nav", "footer", "menu"})
_EXCLUDED_ROLES = frozenset({"navigation", "complementary", "contentinfo", "menu", "menubar"})
_EXCLUDED_TOKEN_RE = re.compile(
    r"(?:^|[^a-z])(?:side[-_]?bar|sidebar|related|teaser|latest|promo|recommend|trending|popular"
    r"|most[-_]?(?:read|viewed|popular)|more[-_]?(?:news|stories|articles)|widget|newsletter"
    r"|comment|advert|ads?(?:[-_]|$)|footer|nav|menu|cookie|carousel|outbrain|taboola"
    r"|read[-_]?(?:more|next)|up[-_]?next|you[-_]?may|also[-_]?like|rail(?:[-_]|$)|breaking"
    r"|ticker|marquee|masthead|top[-_]?bar|toolbar|breadcrumb|pagination|pager)",
)
_DATEISH_TOKEN_RE = re.compile(r"date|time|publish|posted|byline|meta|dateline|timestamp|stamp")
_PUB_HINT_RE = re.compile(r"publish|posted|created|issued|pubdate|first")
_MOD_HINT_RE = re.compile(r"updat|modif|revis|edited|changed")
_SECTION_NOUN = r"(?:news|stories|articles|content|posts|videos|reads|from\s+.{1,40}|on\s+.{1,40})"
_SECTION_HEADING_RE = re.compile(
    r"^(?:the\s+)?(?:(?:more|recent)\s+" + _SECTION_NOUN  # a bare "More" is a button, not a heading
    + r"|(?:latest|related|recommended|trending|popular|suggested)(?:\s+" + _SECTION_NOUN + r")?"
    r"|most\s+(?:read|popular|viewed|shared)|top\s+stories|you\s+(?:may|might)\s+(?:also\s+)?like"
    r"|read\s+(?:more|next)|editor'?s\s+picks|in\s+case\s+you\s+missed\s+it|also\s+read"
    r"|see\s+also|further\s+reading|up\s+next|from\s+our\s+partners|sponsored(?:\s+content)?)"
    r"\s*:?$",
    re.I,
)
#: How far (characters of visible text) a date without a label may sit from the headline.
_PLAIN_WINDOW_BEFORE, _PLAIN_WINDOW_AFTER = 300, 500
#: Lines longer than this are prose, not a byline or dateline.
_MAX_LINE = 200


@dataclass
class _Candidate:
    raw: str
    role: str  # "published" | "modified" | "unknown"
    rank: int  # 0 labelled/itemprop/classed; 1 unlabelled <time> or date-ish element; 2 plain
    offset: int  # position in the flattened visible text
    length: int
    element: Any  # the element holding the text (for the teaser-list test)
    parsed: ParsedDate
    distance: int = 0  # characters of visible text between the date and the headline


def find_dates(html: str, url: str | None = None) -> tuple[str | None, str | None]:
    """Find the raw (published, modified) date strings a page shows, each ``None`` if absent.

    Looks, in this order of trust, at ``itemprop=datePublished/dateModified``, ``<time>``
    elements and elements whose class/id says date/time/publish/byline, "Published"/"Updated"
    labelled text, the URL (/2025/06/02/), and a plain date next to the headline. Ignores
    ``<aside>``, ``<nav>``, ``<footer>``, sidebar/related/teaser/latest/promo blocks, sections
    under a "Latest News"-style heading, repeated teaser lists, links to other pages and
    copyright lines. A page that shows only "Updated X" yields ``(None, "X")``: an update is
    never passed off as the original publication date. Never raises on bad HTML.
    """
    try:
        root = _parse_html(html)
        if root is None:
            return _url_only(url)
        return _DateFinder(root, url).run()
    except Exception:  # robustness: a date finder must never break extraction of a page
        logger.warning("find_dates failed on %s", url, exc_info=True)
        return _url_only(url)


def _url_only(url: str | None) -> tuple[str | None, str | None]:
    raw = _url_date(url)
    return raw, None


def _url_date(url: str | None) -> str | None:
    if not url:
        return None
    path = urlsplit(url).path
    m = _URL_DATE_RE.search(path)
    if not m:
        return None
    raw = m[0][1:]
    if _parse(raw.replace("_", "-"), "UTC", None, False, fallback=False) is None:
        return None
    return raw


def _parse_html(html: str | bytes) -> HtmlElement | None:
    """Parse with plain ``lxml.etree`` elements (no lxml.html class lookup: faster)."""

    if isinstance(html, str):
        if not html.strip():
            return None
        # lxml refuses str input that carries an XML encoding declaration
        if html.lstrip().startswith("<?xml"):
            html = html.encode("utf-8")
    elif not html.strip():
        return None
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(html, parser)
    except (ValueError, etree.ParserError, etree.XMLSyntaxError):
        return None
    if root is None or not isinstance(root.tag, str):
        return None
    return root


def _attr_text(el: HtmlElement, name: str) -> str:
    value = el.get(name)
    return value.lower() if value else ""


class _DateFinder:
    """One pass over a parsed page collecting date candidates with their context.

    The visible text of the page (minus excluded regions) is flattened into one string with a
    newline at every block boundary, so a "line" is one run of inline text: a byline, a
    dateline, a label and its date. Element-level candidates (``<time>``, ``itemprop``) are
    recorded during the walk at their offset in that string; line-level candidates (labelled
    or plain dates) are found afterwards with one regex pass over the short lines.
    """

    def __init__(self, root: HtmlElement, url: str | None) -> None:
        self.root = root
        self.url = url
        lang = root.get("lang") or root.get("xml:lang")
        self.dayfirst = infer_dayfirst(lang, url)
        own = urlsplit(url) if url else None
        self._self_key = (own.netloc.lower(), own.path.rstrip("/")) if own else ("", "")
        self.h1 = self._find_h1()
        self.h1_path: set[HtmlElement] = set()
        if self.h1 is not None:
            self.h1_path = {self.h1, *self.h1.iterancestors()}
        self.excluded_roots: set[HtmlElement] = set()
        self._mark_section_headings()
        self.chunks: list[str] = []
        self.length = 0
        #: (offset, role hint, inside a date-ish element, owner element) per text chunk
        self.hints: list[tuple[int, str, bool, HtmlElement]] = []
        self.h1_span: tuple[int, int] | None = None
        self.candidates: list[_Candidate] = []

    # -- structure ----------------------------------------------------------------------

    def _find_h1(self) -> HtmlElement | None:
        """The article's headline: an <h1> (or an <h2> that <title> confirms), not a logo."""
        title = ""
        head = self.root.find("head")
        if head is not None:
            for value in head.xpath(
                "meta[@property='og:title' or @name='twitter:title']/@content | title/text()"
            ):
                title += " " + _SPACE_RE.sub(" ", str(value)).strip().lower()
        best, best_score = None, 0
        for h in self.root.iter("h1", "h2"):
            text = _SPACE_RE.sub(" ", "".join(h.itertext())).strip().lower()
            if len(text) < 3:
                continue
            matches = len(text) >= 8 and (text in title or text[:40] in title)
            if h.tag == "h2" and not matches:
                continue
            score = (4 if matches else 2) + (h.tag == "h1")
            if any(_is_home_link(a) for a in h.iterancestors("a")) or any(
                _is_home_link(a) for a in h.iter("a")
            ):
                continue  # the site logo
            if any(self._excluded_self(a) for a in (h, *h.iterancestors())):
                score -= 2
            if score > best_score:
                best, best_score = h, score
        return best

    def _excluded_self(self, el: HtmlElement) -> bool:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _EXCLUDED_TAGS:
            return True
        if _attr_text(el, "role") in _EXCLUDED_ROLES:
            return True
        if tag in ("html", "body", "main", "article"):
            return False
        names = _attr_text(el, "class") + " " + _attr_text(el, "id")
        return names != " " and bool(_EXCLUDED_TOKEN_RE.search(names))

    def _mark_section_headings(self) -> None:
        """Exclude blocks introduced by a "Latest News" / "Related" style heading."""
        for el in self.root.iter("h2", "h3", "h4", "h5", "h6", "p", "div", "span", "strong", "a"):
            text = el.text
            if not text or len(text) > 60 or len(el) > 1:
                continue
            text = _SPACE_RE.sub(" ", text).strip()
            if not text or not _SECTION_HEADING_RE.match(text):
                continue
            container = el.getparent()
            if container is None or container in self.excluded_roots or _is_hidden(container):
                continue  # already excluded, or not shown (the walk skips it anyway)
            while container is not None and container.getparent() is not None:
                if _text_longer_than(container, len(text) + 5):
                    break
                container = container.getparent()
            if container is None or container in self.h1_path or container.tag in ("body", "html"):
                continue
            self.excluded_roots.add(container)

    def _is_other_link(self, el: HtmlElement) -> bool:
        """A link to another page (teaser card, related story), not to this article or a day."""
        href = (el.get("href") or "").strip()
        if not href or href.startswith("#") or href.lower().startswith("javascript:"):
            return False
        if "bookmark" in _attr_text(el, "rel").split():
            return False
        target = urlsplit(urljoin(self.url or "", href))
        if self.url and (target.netloc.lower(), target.path.rstrip("/")) == self._self_key:
            return False
        # date archive pages (/2025/06/02/) are links a byline date commonly carries
        return not _ARCHIVE_PATH_RE.search(target.path)

    def _in_teaser_list(self, el: HtmlElement | None) -> bool:
        """Whether ``el`` sits in a list of 3+ sibling cards that each hold a link and a date."""
        depth = 0
        while el is not None and depth < 6 and el not in self.h1_path:
            parent = el.getparent()
            if parent is None:
                return False
            if el.tag not in ("a",) and el.find(".//a[@href]") is not None or el.tag == "a":
                similar = 0
                for sib in parent:
                    if sib.tag != el.tag:
                        continue
                    if sib.tag != "a" and sib.find(".//a[@href]") is None:
                        continue
                    text = " ".join(sib.itertext())
                    if len(text) < 2000 and _VISIBLE_DATE_RE.search(text):
                        similar += 1
                        if similar >= 3:
                            return True
            el = parent
            depth += 1
        return False

    # -- walk ---------------------------------------------------------------------------

    def run(self) -> tuple[str | None, str | None]:
        self.collect()
        return self._choose()

    def collect(self) -> None:
        body = self.root.find("body")
        self._walk(body if body is not None else self.root)
        self._collect_lines()

    def _walk(self, root: HtmlElement) -> None:
        # Iterative DFS over the non-excluded part of the tree. Entries are
        # (element, role hint, date-ish depth, owner of the tail text, is_tail); an excluded
        # element contributes nothing but a block boundary, and its tail still counts.
        stack: list[tuple[Any, str, int, Any, bool]] = [(root, "", 0, root, False)]
        h1, h1_path, excluded_roots = self.h1, self.h1_path, self.excluded_roots
        while stack:
            el, hint, dateish, owner, is_tail = stack.pop()
            tag = el.tag
            if is_tail:  # after the children of el: its tail belongs to the parent's context
                if el is h1 and self.h1_span is not None:
                    self.h1_span = (self.h1_span[0], self.length)
                if tag in _BLOCK_TAGS:
                    self._newline()
                if el.tail:
                    self._text(el.tail, hint, dateish > 0, owner)
                continue
            if not isinstance(tag, str) or tag in _SKIP_TAGS:  # comment, script, style ...
                if el.tail:
                    self._text(el.tail, hint, dateish > 0, owner)
                continue
            attrib = el.attrib
            if el not in h1_path and (
                el in excluded_roots
                or tag in _EXCLUDED_TAGS
                or (attrib and self._excluded_self(el))
                or (tag == "header" and _is_masthead(el))
                or (tag == "a" and self._is_other_link(el))
            ):
                stack.append((el, hint, dateish, owner, True))
                continue
            if attrib and _is_hidden(el) and el not in h1_path:
                # not shown, so no visible date; hidden microdata still describes the page
                for node in el.iterfind(".//*[@itemprop]"):
                    if isinstance(node.tag, str):
                        self._element_candidate(node, node.tag, "")
                stack.append((el, hint, dateish, owner, True))
                continue
            stack.append((el, hint, dateish, owner, True))
            # class/id hints reach three levels down: <div class="date"><span><b>June 2</b>
            dateish = dateish - 1 if dateish > 0 else 0
            if dateish == 0:
                hint = ""
            if attrib:
                names = (attrib.get("class", "") + " " + attrib.get("id", "")).lower()
                if names != " ":
                    if _PUB_HINT_RE.search(names):  # "entry-date published updated": published
                        hint, dateish = "published", 3
                    elif _MOD_HINT_RE.search(names):
                        hint, dateish = "modified", 3
                    elif _DATEISH_TOKEN_RE.search(names):
                        dateish = 3
                if "itemprop" in attrib or tag == "time":
                    self._element_candidate(el, tag, hint)
            if tag == "time":
                dateish = 3
            if tag in _BLOCK_TAGS:
                self._newline()
            if el is h1:
                self.h1_span = (self.length, self.length)
            if el.text:
                self._text(el.text, hint, dateish > 0, el)
            for child in reversed(el):
                stack.append((child, hint, dateish, el, False))

    def _newline(self) -> None:
        if self.chunks and self.chunks[-1] != "\n":
            self.chunks.append("\n")
            self.length += 1

    def _text(self, text: str, hint: str, dateish: bool, owner: HtmlElement) -> None:
        text = _SPACE_RE.sub(" ", text)
        if text == " ":
            if self.chunks and self.chunks[-1] not in (" ", "\n"):
                self.chunks.append(" ")
                self.length += 1
            return
        self.hints.append((self.length, hint, dateish, owner))
        self.chunks.append(text)
        self.length += len(text)

    def _line_prefix(self) -> str:
        parts: list[str] = []
        size = 0
        for chunk in reversed(self.chunks):
            if chunk == "\n" or size > 80:
                break
            parts.append(chunk)
            size += len(chunk)
        return "".join(reversed(parts))

    def _element_candidate(self, el: HtmlElement, tag: str, hint: str) -> None:
        """``<time>`` and ``itemprop=datePublished/dateModified`` elements."""
        itemprop = _attr_text(el, "itemprop")
        role = ""
        if itemprop:
            if "datepublished" in itemprop or "datecreated" in itemprop:
                role = "published"
            elif "datemodified" in itemprop:
                role = "modified"
        if not role and (tag != "time" or not el.get("datetime")):
            return  # a <time> without datetime is read as text by the line scan
        text = _SPACE_RE.sub(" ", "".join(el.itertext())).strip()
        if not role:
            if el.get("pubdate") is not None:
                role = "published"
            else:
                role = _label_role_of(self._line_prefix()) or hint
                if not role:
                    m = _VISIBLE_DATE_RE.search(text) if len(text) <= _MAX_LINE else None
                    if m:
                        role = _label_role_of(text[: m.start()])
        rank = 0 if role else 1
        raws = [v.strip() for v in (el.get("datetime"), el.get("content")) if v and v.strip()]
        if text and len(text) <= _MAX_LINE:
            raws.append(text)
        if len(raws) > 1 and _ISO_NAIVE_TIME_RE.fullmatch(raws[0].lower()):
            # datetime="2019-11-13T15:28:18" without offset: the text may name the zone
            m = _VISIBLE_DATE_RE.search(raws[-1])
            if m and _has_explicit_zone(m.group(0), self.dayfirst):
                raws = [m.group(0).strip()]
        for raw in raws:
            parsed = self._try(raw)
            if parsed is None:
                m = _VISIBLE_DATE_RE.search(raw)  # text with a label: "Updated June 3, 2025"
                if m is None:
                    continue
                raw = m.group(0).strip()
                parsed = self._try(raw)
                if parsed is None:
                    continue
            self.candidates.append(
                _Candidate(raw, role or "unknown", rank, self.length, len(text), el, parsed)
            )
            return

    def _try(self, raw: str) -> ParsedDate | None:
        return _parse(raw, "UTC", _REFERENCE_NOW, self.dayfirst, fallback=False)

    def _collect_lines(self) -> None:
        """Scan the flattened visible text line by line for labelled and plain dates."""
        text = "".join(self.chunks)
        starts = [h[0] for h in self.hints]
        element_spans = [(c.offset, c.offset + max(c.length, 1)) for c in self.candidates]
        pos = 0
        prev_line = ""
        for line in text.split("\n"):
            start = pos
            pos += len(line) + 1
            stripped = line.strip()
            if not stripped:
                continue
            if len(stripped) > _MAX_LINE or _COPYRIGHT_RE.search(stripped):
                prev_line = ""
                continue
            if not _LINE_PREFILTER_RE.search(line):  # no year, no "ago": no date (cheap test)
                prev_line = stripped
                continue
            for m in _VISIBLE_DATE_RE.finditer(line):
                raw = m.group(0).strip(" ,|-–—·•")
                parsed = self._try(raw)
                if parsed is None:
                    continue
                offset = start + m.start()
                before = line[: m.start()]
                role = _label_role_of(before)
                if not role and not before.strip():
                    role = _label_role_of(prev_line)
                # the same text as a <time>/itemprop candidate: only lend it the label
                same = [
                    i for i, (a, b) in enumerate(element_spans)
                    if a - 2 <= offset < b or offset <= a < start + m.end()
                ]  # fmt: skip
                if same:
                    for i in same:
                        c = self.candidates[i]
                        if role and c.role == "unknown":
                            c.role, c.rank = role, 0
                    continue
                idx = bisect_right(starts, offset) - 1
                _, hint, dateish, owner = self.hints[idx] if idx >= 0 else (0, "", False, None)
                if role:
                    rank = 0
                elif dateish:
                    rank, role = (0, hint) if hint else (1, "unknown")
                else:
                    rank, role = 2, "unknown"
                self.candidates.append(
                    _Candidate(raw, role, rank, offset, m.end() - m.start(), owner, parsed)
                )
            prev_line = stripped

    # -- choice -------------------------------------------------------------------------

    def _distance(self, c: _Candidate) -> int:
        if self.h1_span is None:
            return 0
        h_start, h_end = self.h1_span
        if c.offset >= h_end:
            return c.offset - h_end
        return max(h_start - (c.offset + c.length), 0)

    def _acceptable(self, c: _Candidate) -> bool:
        if c.rank == 2:  # a plain date: only right next to the headline
            if self.h1_span is None:
                return False
            limit = _PLAIN_WINDOW_AFTER if c.offset >= self.h1_span[1] else _PLAIN_WINDOW_BEFORE
            if c.distance > limit:
                return False
        elif c.rank == 1 and self.h1_span is not None and c.distance > _UNLABELLED_WINDOW:
            return False
        return not self._in_teaser_list(c.element)

    def _choose(self) -> tuple[str | None, str | None]:
        for c in self.candidates:
            c.distance = self._distance(c)
        ordered = sorted(self.candidates, key=lambda c: (c.rank, c.distance, c.offset))
        best: dict[str, _Candidate] = {}  # role -> best acceptable candidate
        for c in ordered:
            if c.role not in best and self._acceptable(c):
                best[c.role] = c
        pub, mod, unknown = best.get("published"), best.get("modified"), best.get("unknown")
        url_raw = _url_date(self.url)
        if pub is None and unknown is not None:
            if unknown.rank == 2 and url_raw is not None:
                url_day = _parse(url_raw.replace("_", "-"), "UTC", None, False, fallback=False)
                if url_day is None or url_day.value[:10] == unknown.parsed.value[:10]:
                    pub = unknown
                # else: the URL's date beats an unlabelled date that disagrees with it
            else:
                pub = unknown
        pub_raw = pub.raw if pub is not None else url_raw
        mod_raw = mod.raw if mod is not None else None
        return pub_raw, mod_raw


_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _is_hidden(el: HtmlElement) -> bool:
    """``hidden`` or an inline ``display: none``: the page does not show it."""
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    return bool(style) and bool(_HIDDEN_STYLE_RE.search(style))


def _text_longer_than(el: HtmlElement, limit: int) -> bool:
    """Whether the element's text (whitespace ignored) is longer than ``limit``; stops early."""
    size = 0
    for piece in el.itertext():
        size += len(piece.strip())
        if size > limit:
            return True
    return False


def _is_masthead(header: HtmlElement) -> bool:
    """A site ``<header>`` outside ``<article>``/``<main>`` (it often shows today's date)."""
    return not any(a.tag in ("article", "main") for a in header.iterancestors())


def _is_home_link(a: HtmlElement) -> bool:
    href = (a.get("href") or "").strip()
    return bool(href) and urlsplit(href).path in ("", "/") and not href.startswith("#")


_ISO_NAIVE_TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?")


def _has_explicit_zone(raw: str, dayfirst: bool) -> bool:
    a = _parse(raw, "UTC", None, dayfirst, fallback=False)
    b = _parse(raw, "Asia/Tokyo", None, dayfirst, fallback=False)
    return a is not None and a.has_time and a == b


_ARCHIVE_PATH_RE = re.compile(r"/(?:19|20)\d{2}/\d{1,2}(?:/\d{1,2})?/?$")
#: A <time> or date-classed element without a label must sit this close to the headline.
_UNLABELLED_WINDOW = 1500


#: Reference time for validating relative candidates ("2 days ago") before the crawl time is known.
_REFERENCE_NOW = datetime(2100, 1, 1, tzinfo=UTC)


def _label_role_of(text: str) -> str:
    """'published' / 'modified' if ``text`` ends with such a label (right before a date)."""
    if not text:
        return ""
    tail = text[-60:]
    if _MOD_LABEL_RE.search(tail):
        return "modified"
    if _PUB_LABEL_RE.search(tail):
        return "published"
    return ""


def iter_candidates(html: str, url: str | None = None) -> Iterator[tuple[str, str, int, int]]:
    """Debug helper: every candidate (raw, role, rank, distance) find_dates considers."""
    root = _parse_html(html)
    if root is None:
        return
    finder = _DateFinder(root, url)
    finder.collect()
    for c in finder.candidates:
        yield c.raw, c.role, c.rank, finder._distance(c)


# -- Per-article normalisation (the dates pipeline's job, shared with `newscrawl extract`) ------

DEFAULT_TIMEZONE = "America/New_York"
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
    dates follow the page's language and TLD (:func:`infer_dayfirst`).
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
        dayfirst = infer_dayfirst(fields.get("inLanguage"), fields.get("url"))
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


def _download_time(value: Any) -> datetime:
    if isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None:
            return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc)


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
