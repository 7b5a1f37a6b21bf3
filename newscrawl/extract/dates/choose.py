"""Choosing the page's own publication date from every statement the page makes about it.

A page states its publication date in several places: its own JSON-LD article, its Next.js
document, meta tags, microdata, its URL, a "Published" label or a ``<time>`` by the headline.
Each statement is an :class:`Evidence` with its source; :func:`choose_published` lets them vote
for a calendar day. Rules, each general to news pages (``docs/dates.md`` says why):

1. Only a statement that reads as a date counts. A structured value that is not a date
   ("2:33 PM", a placeholder) does not hide the readable ones behind it; when none reads, the
   most trusted raw string is still returned, so the normaliser counts it as unparseable.
2. Each source votes once for a calendar day, with its weight. The day with most weight wins;
   a tie goes to the most trusted source. Two sources that agree beat one that disagrees with
   both, unless that one is much more trusted.
3. A UTC timestamp (``Z``, ``+00:00``) does not say which day it was where the article was
   published. When a source that states a local day (a local offset, the URL, a day shown on
   the page) names a day on which the same instant falls somewhere on Earth, the UTC vote goes
   to that day.
4. Some sources only confirm: a date meta tag that does not say what the date is
   (``<meta name="date">``: TYPO3 writes the last change there), and a day another method found
   that the page does not show where a reader would see it. Alone they are no publication date.
5. The raw string kept is the most trusted statement of the winning day as written (a UTC
   timestamp whose own day lost is not kept: its day would be wrong).
6. A kept wall-clock time without a zone ("June 2, 2025 11:30 PM") is read in the site's zone,
   unless another statement of the same day gives the same instant with an offset: shown
   23:30 and JSON-LD 05:30Z the next day say -06:00 (:attr:`Choice.offset`).

Pure: no Scrapy, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from newscrawl.extract.dates.parse import ParsedDate, get_zone, has_explicit_zone, parse_date

#: Weight (how much a source is trusted to give the page's own publication day) and priority
#: (order of trust, lower first: ties and the raw string kept) of each source. A source that
#: describes the page's own article in a machine-readable way outranks one inferred from the
#: layout; the URL is written once, when the article is created.
SOURCES: dict[str, tuple[float, int]] = {
    "jsonld": (4.0, 0),  # the page's own JSON-LD Article object
    "nextjs": (3.0, 1),  # the page's own Next.js document
    "meta": (3.0, 2),  # article:published_time, dc.date.issued, ... (keys that say "published")
    "markup": (3.0, 3),  # itemprop=datePublished, <time pubdate>, RDFa datePublished
    "visible-labelled": (3.0, 4),  # "Published June 2, 2025" on the page
    "url": (3.0, 5),  # /2025/06/02/ in the URL's path
    "jsonld-other": (2.0, 6),  # no Article object: the WebPage's or the media object's date
    "visible-element": (2.0, 7),  # a <time> or date-classed element by the headline
    "meta-generic": (1.5, 8),  # <meta name="date">, dcterms.date: created or changed?
    "visible-plain": (1.0, 9),  # a plain date right next to the headline
    "visible-lenient-labelled": (2.0, 10),  # "Published: ..." in a block the strict finder skips
    "htmldate": (1.0, 10),  # htmldate's day, as the page shows it
    "htmldate-vote": (1.0, 11),  # htmldate's day, not shown where a reader sees it
}
#: Sources that may confirm a day but not give one alone.
VOTE_ONLY = frozenset({"meta-generic", "htmldate-vote"})
#: Sources that are the page as a reader sees it, not structured data.
VISIBLE = frozenset(source for source in SOURCES if source.startswith(("visible", "htmldate")))
#: Sources read without walking the visible page.
STRUCTURED = frozenset({"jsonld", "meta", "markup", "nextjs", "url"})
#: Sources that state the day as readers saw it where the article was published.
_LOCAL_DAY_SOURCES = frozenset({"url", "visible-labelled", "visible-element", "visible-plain"})
#: Offsets in use on Earth: an instant falls on these local days somewhere.
_WEST, _EAST = timedelta(hours=-12), timedelta(hours=14)


@dataclass(frozen=True)
class Evidence:
    """One statement of the page about its publication date."""

    source: str  # a key of SOURCES
    raw: str  # as found on the page (or in its URL)
    parsed: ParsedDate | None  # None: not a date we can read
    local: bool = False  # a wall-clock time without a zone (parsed in the site's zone)

    @property
    def weight(self) -> float:
        return SOURCES[self.source][0]

    @property
    def priority(self) -> int:
        return SOURCES[self.source][1]


def statements(source: str, raws: Iterable[str | None], *, zone: str, dayfirst: bool) -> list[Evidence]:
    """The statements of one source, parsed the way the normaliser will parse the one kept
    (local times in the site's ``zone``, the page's day-first rule); empty strings dropped."""
    out: list[Evidence] = []
    for raw in raws:
        text = raw.strip() if isinstance(raw, str) else ""
        if text:
            parsed = parse_date(text, default_tz=zone, dayfirst=dayfirst)
            local = parsed is not None and parsed.has_time and not has_explicit_zone(text, dayfirst=dayfirst)
            out.append(Evidence(source, text, parsed, local))
    return out


@dataclass(frozen=True)
class Choice:
    """The chosen publication date, and how it was chosen (for the stats)."""

    raw: str | None = None
    source: str | None = None
    day: date | None = None
    support: tuple[str, ...] = ()  # sources that voted for the winning day
    against: tuple[str, ...] = ()  # readable sources that named another day
    notes: tuple[str, ...] = ()  # "unreadable", "utc_shifted", "vote_only"
    found: tuple[Evidence, ...] = ()  # every statement the choice was made from
    offset: str | None = None  # "-06:00": the offset of a kept local time, as the page implies it


def is_utc(parsed: ParsedDate) -> bool:
    """A timestamp given in UTC (``Z``, ``+00:00``)."""
    moment = parsed.moment
    return isinstance(moment, datetime) and moment.utcoffset() == timedelta(0)


def settled(found: list[Evidence], site_zone: str) -> bool:
    """Whether the machine-readable sources settle the day without a look at the visible page:
    at least one reads, all readable ones name the same day, and that day is local (UTC
    timestamps alone settle it only when the instant is on the same day in the site's zone)."""
    readable = [e.parsed for e in found if e.parsed is not None and e.source in STRUCTURED]
    if not readable or len({p.day for p in readable}) != 1:
        return False
    if not all(is_utc(p) for p in readable):
        return True
    zone = get_zone(site_zone)
    return all(_moment(p).astimezone(zone).date() == p.day for p in readable)


def _moment(parsed: ParsedDate) -> datetime:
    moment = parsed.moment
    assert isinstance(moment, datetime)
    return moment


def _local_days(parsed: ParsedDate) -> set[date]:
    """The calendar days an instant falls on somewhere on Earth."""
    moment = _moment(parsed)
    return {(moment + _WEST).date(), moment.date(), (moment + _EAST).date()}


def _shows_local_day(e: Evidence) -> bool:
    """A local wall-clock time, the URL's day or a day shown on the page. A bare structured day
    (``<meta name=datePublished content=2019-10-18>``) may be another event's (print edition)."""
    return e.source in _LOCAL_DAY_SOURCES or bool(e.parsed and e.parsed.has_time)


def choose_published(found: list[Evidence]) -> Choice:
    """The page's publication date by the rules of this module; an empty :class:`Choice` when
    nothing qualifies."""
    if not found:
        return Choice()
    readable = [e for e in found if e.parsed is not None]
    if not readable:
        first = min(found, key=lambda e: e.priority)
        return Choice(raw=first.raw, source=first.source, notes=("unreadable",), found=tuple(found))

    local = [e for e in readable if not is_utc(e.parsed)]  # type: ignore[arg-type]
    local_days = {e.parsed.day for e in local}  # type: ignore[union-attr]
    votes: dict[date, dict[str, float]] = {}  # day -> source -> weight
    voters: dict[date, list[Evidence]] = {}
    notes: list[str] = []
    for e in readable:
        parsed = e.parsed
        assert parsed is not None
        day = parsed.day
        if is_utc(parsed) and day not in local_days:
            near = _local_days(parsed)
            shifted = [x for x in local if x.parsed.day in near and _shows_local_day(x)]  # type: ignore[union-attr]
            if shifted:
                day = min(shifted, key=lambda x: (-x.weight, x.priority)).parsed.day  # type: ignore[union-attr]
                notes.append("utc_shifted")
        per_source = votes.setdefault(day, {})
        per_source[e.source] = max(per_source.get(e.source, 0.0), e.weight)
        voters.setdefault(day, []).append(e)

    def rank(day: date) -> tuple[float, int]:
        return (-sum(votes[day].values()), min(e.priority for e in voters[day]))

    winner = min(votes, key=rank)
    against = tuple(sorted({e.source for d, es in voters.items() if d != winner for e in es}))
    if set(votes[winner]) <= VOTE_ONLY and len(votes[winner]) < 2:
        return Choice(against=against, notes=(*dict.fromkeys(notes), "vote_only"), found=tuple(found))
    own = [e for e in voters[winner] if e.parsed is not None and e.parsed.day == winner]
    best = min(own or voters[winner], key=lambda e: e.priority)
    support = tuple(sorted(votes[winner]))
    offset = _implied_offset(best, voters[winner])
    return Choice(best.raw, best.source, winner, support, against, tuple(dict.fromkeys(notes)), tuple(found),
                  offset)


def _implied_offset(best: Evidence, same_day: list[Evidence]) -> str | None:
    """For a kept wall-clock time without a zone: the one UTC offset under which the zoned
    statements of the same day name the same instant (to the minute, or the second when both
    show seconds), as ``+HH:MM``; else None (the site's zone applies)."""
    if not best.local or best.parsed is None:
        return None
    wall = _moment(best.parsed).replace(tzinfo=None)
    found: set[timedelta] = set()
    for e in same_day:
        if e.local or e.parsed is None or not e.parsed.has_time:
            continue
        instant = _moment(e.parsed).astimezone(UTC).replace(tzinfo=None, microsecond=0)
        if wall.second == 0:  # the page shows minutes only
            instant = instant.replace(second=0)
        delta = wall - instant
        if _WEST <= delta <= _EAST and delta % timedelta(minutes=15) == timedelta(0):
            found.add(delta)
    if len(found) != 1:
        return None
    minutes = int(found.pop().total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
