"""Parsing one raw date string: :func:`parse_date` and the vocabulary it reads.

A timestamp keeps its offset, a local time without a zone takes the site's zone (with the
zone's DST rules), a date without a time stays a date, and nothing is ever filled in from
today's date. Common forms go through a strict hand-written parser (fast, predictable); only
strings it rejects go to ``dateparser``. :func:`infer_dayfirst` says how a page writes
ambiguous numeric dates. Pure: no Scrapy, no I/O. See ``docs/dates.md``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

logger = logging.getLogger(__name__)

#: The zone of a local time that names none (``NEWSCRAWL_TIMEZONE`` overrides it in a crawl).
DEFAULT_TIMEZONE = "America/New_York"

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
# vocabulary (find.py builds its visible-date pattern from it too)

MONTHS: dict[str, int] = {}
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
        MONTHS[_name] = _num
for _num, _names in enumerate(
    (
        # Russian, Ukrainian, Polish, Czech, Turkish, Swedish/Danish/Norwegian, Finnish, Hungarian,
        # Romanian, Catalan, Indonesian (genitive and nominative where they differ, abbreviations)
        "января январь янв січня січень stycznia styczeń sty ledna leden ocak tammikuuta tammikuu "
        "január ianuarie gener",
        "февраля февраль фев лютого лютий lutego luty lut února únor şubat helmikuuta helmikuu "
        "február februarie febrer",
        "марта март березня березень marca marzec března březen mart marts maaliskuuta maaliskuu "
        "március martie març maret",
        "апреля апрель апр квітня квітень kwietnia kwiecień kwi dubna duben nisan huhtikuuta huhtikuu "
        "április aprilie",
        "мая май травня травень maja maj května květen mayıs toukokuuta toukokuu május maig",
        "июня июнь июн червня червень czerwca czerwiec cze června červen haziran kesäkuuta kesäkuu "
        "június iunie juny",
        "июля июль июл липня липень lipca lipiec lip července červenec temmuz heinäkuuta heinäkuu "
        "július iulie juliol",
        "августа август авг серпня серпень sierpnia sierpień sie srpna srpen ağustos augusti elokuuta "
        "elokuu augusztus agost agustus",
        "сентября сентябрь сен сент вересня вересень września wrzesień wrz září eylül syyskuuta syyskuu "
        "szeptember septembrie setembre",
        "октября октябрь окт жовтня жовтень października październik paź října říjen ekim lokakuuta "
        "lokakuu október octombrie",
        "ноября ноябрь ноя листопада листопад listopada listopadu kasım marraskuuta marraskuu "
        "noiembrie novembre",
        "декабря декабрь дек грудня грудень grudnia grudzień gru prosince prosinec aralık desember "
        "joulukuuta joulukuu decembrie desembre",
    ),
    start=1,
):
    for _name in _names.split():
        MONTHS.setdefault(_name, _num)

WEEKDAYS = frozenset(
    """monday mon tuesday tue tues wednesday wed thursday thu thur thurs friday fri saturday sat
    sunday sun montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag
    lundi mardi mercredi jeudi vendredi samedi dimanche lunes martes miércoles miercoles jueves
    viernes sábado sabado domingo lunedì lunedi martedì martedi mercoledì mercoledi giovedì
    giovedi venerdì venerdi sabato domenica maandag dinsdag woensdag donderdag vrijdag zaterdag
    zondag segunda terça terca quarta quinta sexta feira
    понедельник вторник среда четверг пятница суббота воскресенье пн вт ср чт пт сб вс
    понеділок вівторок середа четвер пʼятниця субота неділя
    poniedziałek wtorek środa czwartek piątek sobota niedziela
    pazartesi salı çarşamba perşembe cuma cumartesi pazar
    måndag tisdag onsdag torsdag fredag lördag söndag mandag tirsdag lørdag søndag""".split()
)

#: Words that may sit between the parts of a date without changing it.
_FILLERS = frozenset(
    "at on the of de del le la am um à a as às alle ore uhr op om el den der du dem il t"
    # "15 августа 2016 г.", "3 maja 2020 r.", "в 13:43", "o 13:43", "saat 13:43", "kl. 13:43"
    " г года року r roku в о o saat kl klo".split()
)

_H = 3600
#: Zone abbreviations. A number is a fixed offset in seconds (an explicit "EST" means -05:00 even
#: in summer); a string is an IANA zone whose local rules apply ("ET" is EST or EDT by date).
ZONES: dict[str, int | str] = {
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
LONG_ZONES = {
    "eastern standard time": "est", "eastern daylight time": "edt",
    "central standard time": "cst", "central daylight time": "cdt",
    "mountain standard time": "mst", "mountain daylight time": "mdt",
    "pacific standard time": "pst", "pacific daylight time": "pdt",
    "british summer time": "bst", "greenwich mean time": "gmt",
    "central european time": "cet", "central european summer time": "cest",
    "coordinated universal time": "utc",
}  # fmt: skip
_LONG_ZONE_RE = re.compile("|".join(sorted(map(re.escape, LONG_ZONES), key=len, reverse=True)))

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

SPACE_RE = re.compile(r"[\s\u00a0\u2009\u202f\u200b]+")
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
    # "4. 2. 2022" (de, cs, sk, pl, hu write spaces after the dots): day-first, four-digit year
    r"|(?P<spaced>(?P<s1>\d{1,2})\. (?P<s2>\d{1,2})\. ?(?P<s3>\d{4})(?![\d:]))"
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


def check_zone(name: str) -> str:
    """``name`` when it is a known IANA zone (the check of ``NEWSCRAWL_TIMEZONE``); else a
    ``ValueError`` saying what is expected."""
    try:
        get_zone(name)
    except ValueError:
        raise ValueError(
            "not a known IANA time zone (e.g. 'America/New_York', 'Europe/Berlin', 'UTC')"
        ) from None
    return name


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
    default_tz: str = DEFAULT_TIMEZONE,
    now: datetime | None = None,
    dayfirst: bool = False,
    fallback: bool = True,
) -> ParsedDate | None:
    """Parse one raw date string into a :class:`ParsedDate`, or ``None``.

    ``None`` means unparseable, incomplete (no year, no day: nothing is taken from today) or
    impossible (Feb 30, 25:00, years outside 1900-2199). Relative dates ("2 days ago",
    "yesterday") are resolved against ``now`` and are ``None`` without it. ``dayfirst`` reads
    ambiguous numeric dates such as 03/04/2025 as day/month (dotted dates are always day-first).
    ``fallback=False`` skips ``dateparser`` for forms the strict parser does not know: the
    date finder tries every date-like string of a page, where only common forms are worth it.
    """
    if not isinstance(raw, str):
        return None
    zone = get_zone(default_tz)  # ValueError for an unknown zone: a caller's bug, not data
    text = raw.strip()
    if text[:1].isdigit():  # fast path for ISO 8601, the form structured data uses
        m = _ISO_FAST_RE.fullmatch(text)
        if m:
            return _from_iso(m, zone)
    text = SPACE_RE.sub(" ", text).strip().lower()
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
    m = _ISO_BASIC_TIME_RE.fullmatch(text)
    if m:  # 20200516T14:51:53Z (dateparser would take 80 ms to fail on it)
        return _from_iso_basic(m, zone)
    m = _CJK_RE.fullmatch(text)
    if m:
        return _from_cjk(m, zone)
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


def has_explicit_zone(raw: str, *, dayfirst: bool = False) -> bool:
    """Whether a date string has a time and states its zone or offset: read in two different
    default zones it gives the same value ("June 2, 2025 9:30 PM" has none)."""
    first = parse_date(raw, default_tz="UTC", dayfirst=dayfirst, fallback=False)
    return first is not None and first.has_time and first == parse_date(
        raw, default_tz="Asia/Tokyo", dayfirst=dayfirst, fallback=False
    )


#: ISO 8601 basic format with a time: 20200516T14:51:53Z, 20200516T145153+0200.
_ISO_BASIC_TIME_RE = re.compile(
    r"(\d{4})(\d{2})(\d{2})t(\d{2}):?(\d{2})(?::?(\d{2}))?(?:[.,]\d+)?\s*(z|[+-]\d{2}:?\d{2})?"
)
#: A Chinese, Japanese or Korean date: 2016年8月15日, 2016년 8월 15일, with an optional time.
CJK_DATE = r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일号]?"
_CJK_RE = re.compile(CJK_DATE + r"(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def _from_iso_basic(m: re.Match[str], zone: tzinfo) -> ParsedDate | None:
    offset = m[7] or ""
    if offset and offset != "z" and ":" not in offset:
        offset = f"{offset[:3]}:{offset[3:]}"
    iso = _ISO_RE.fullmatch(f"{m[1]}-{m[2]}-{m[3]}t{m[4]}:{m[5]}:{m[6] or '00'}{offset}")
    return _from_iso(iso, zone) if iso else None


def _from_cjk(m: re.Match[str], zone: tzinfo) -> ParsedDate | None:
    clock = _clock(m[4], m[5], m[6], None) if m[4] else None
    if m[4] and clock is None:
        return None
    return _make(int(m[1]), int(m[2]), int(m[3]), clock, zone)


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
        text = _LONG_ZONE_RE.sub(lambda z: LONG_ZONES[z[0]], text)
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
            if word in MONTHS:
                if month is not None:
                    return None
                month = MONTHS[word]
            elif word in WEEKDAYS or word in _FILLERS or word in _ZONE_FILLERS:
                continue
            elif word in ZONES:
                spec = ZONES[word]
                named: tzinfo | None = _fixed(spec) if isinstance(spec, int) else get_zone(spec)
                if spec == 0 and (g := _GMT_OFFSET_RE.match(text, pos)):  # GMT+2, UTC-05:00
                    pos = g.end()
                    named = _offset_zone(g["gsign"], g["gh"], g["gm"])
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
        elif kind == "spaced":
            if year is not None or month is not None or day is not None:
                return None
            day, month, year = int(m["s1"]), int(m["s2"]), int(m["s3"])
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
        if word not in ZONES and word not in _FILLERS and word not in MONTHS:
            return None  # an unknown zone: dateparser would silently drop it
    import dateparser  # here for start-up cost: most pages never need it (0.2 s to import)
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
