"""The doctor's findings, its verdict and their text: pure (no Scrapy, no I/O).

The spider (:mod:`newscrawl.doctor.spider`) fills :class:`Findings`; :func:`judge` turns them
into a :class:`Verdict` by the rules below (documented in docs/doctor.md), and :func:`render`
prints both. Thresholds are shares of the sampled *article* pages (video, podcast and
slideshow pages are reported but not judged: the crawl does not export them).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from newscrawl.doctor.fields import FIELDS, TITLE, FieldSource
from newscrawl.extract.dates import DEFAULT_TIMEZONE, get_zone, parse_date
from newscrawl.run.exit_codes import EXIT_DEGRADED, EXIT_FAILED_START, EXIT_OK

#: A link is fresh when the date its surface shows for it is at most this old, measured on the
#: site's clock (the response's ``Date`` header).
FRESH_DAYS = 7
#: A field is at risk when it is empty, or its sources disagree, on more than this share of
#: the sampled article pages; so are fetch failures and pages without any structured data.
RISK_SHARE = 0.2
#: A field is at risk when only the visible page gave it on more than this share of pages.
FALLBACK_SHARE = 0.5
#: ... except the body, which the site's model (the twin) already takes from the visible page
#: on pages without a Next.js body (about 43% of articles): only a body that almost never
#: comes from structured data says the structured path is broken.
BODY_FALLBACK_SHARE = 0.75
#: Fields that must not be empty, and the share of pages on which they may be: authors may be
#: missing more often (the twin, our model of the site, has no byline on 14% of its articles),
#: dateModified may always be (most articles are never updated).
EMPTY_SHARE = {"headline": RISK_SHARE, "datePublished": RISK_SHARE, "articleBody": RISK_SHARE,
               "section": RISK_SHARE, "authors": 0.5}
#: Surfaces in report and sampling order (section listings by URL among themselves).
SURFACE_ORDER = ("robots.txt", "sitemap index", "sitemap", "newest sitemap", "news sitemap", "rss", "listing",
                 "section listing", "oldest sitemap")
#: Pages named under each finding of the verdict (one a line).
SHOW_PAGES = 3


@dataclass
class Surface:
    """One fetched crawl surface: a sitemap, the feed, a listing page, robots.txt."""

    name: str
    url: str
    judged: bool = True  # a surface the crawl depends on (else only a source of sample pages)
    status: int | None = None  # None: no response
    error: str | None = None
    links: int | None = None  # article links (child sitemaps for an index); None: not applicable
    dated: int = 0  # links that show a date
    fresh: int = 0  # ... within FRESH_DAYS
    note: str = ""
    articles: list[str] = field(default_factory=list)  # its article URLs, canonical, in its order

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def label(self) -> str:
        """How a page sampled from it names it: a section listing by its path."""
        return _short_url(self.url) if self.name == "section listing" else self.name


@dataclass
class Page:
    """One sampled page: how it was fetched and what the crawl's extraction made of it."""

    url: str
    via: str  # the surface it was sampled from
    status: int | None = None
    error: str | None = None
    page_type: str | None = None
    structured: tuple[str, ...] = ()  # structured sources present (JSON-LD types, Next data, meta)
    documents: str = ""  # how the own document was found in each structured source (provenance)
    fields: dict[str, FieldSource] = field(default_factory=dict)
    values: dict[str, str | None] = field(default_factory=dict)  # field values as exported, shown short
    removed: Counter[str] = field(default_factory=Counter)  # boilerplate lines stripped, per rule
    date_problems: list[str] = field(default_factory=list)
    saved: str | None = None  # case folder written by --save

    @property
    def is_article(self) -> bool:
        return self.status == 200 and self.page_type == "article"

    @property
    def path(self) -> str:
        return _short_url(self.url)


@dataclass
class Findings:
    base_url: str
    polite: bool  # the crawl's politeness settings applied (not on loopback)
    requested: int  # sample size asked for
    surfaces: list[Surface] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    site_clock: datetime | None = None  # the first Date header seen
    local_clock: datetime | None = None
    timed_out: bool = False
    save_dir: str | None = None
    requests: int = 0
    seconds: float = 0.0

    def stop_unanswered(self, reason: str) -> None:
        """The run stopped: every request still waiting gets ``reason`` as its error."""
        waiting: list[Surface | Page] = [*self.surfaces, *self.pages]
        for request in waiting:
            if request.status is None and request.error is None:
                request.error = reason

    @property
    def reachable(self) -> bool:
        return any(s.status is not None for s in self.surfaces) or any(p.status is not None for p in self.pages)


@dataclass(frozen=True)
class Risk:
    """One reason the site is not ready: what, why, and the pages (or URLs) that show it."""

    subject: str
    why: str
    pages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    exit_code: int
    risks: tuple[Risk, ...] = ()

    @property
    def ready(self) -> bool:
        return self.exit_code == EXIT_OK


def surface_order(surface: Surface) -> tuple[int, str]:
    """Sort key of a surface: its place in :data:`SURFACE_ORDER`, then its URL."""
    rank = SURFACE_ORDER.index(surface.name) if surface.name in SURFACE_ORDER else len(SURFACE_ORDER)
    return rank, surface.url


def link_time(raw: str | None) -> datetime | None:
    """The moment a surface's date string names (a date without a time: the end of its day,
    so a day is fresh when any of it is), or None when it does not parse."""
    parsed = parse_date(raw) if raw else None
    if parsed is None:
        return None
    moment = parsed.moment
    if isinstance(moment, datetime):
        return moment
    return datetime.combine(moment, time.max, get_zone(DEFAULT_TIMEZONE))


def count_fresh(dates: list[str | None], now: datetime, days: int = FRESH_DAYS) -> tuple[int, int]:
    """(dated, fresh): how many of the date strings parse, and how many lie within ``days``
    before ``now``."""
    times = [t for t in map(link_time, dates) if t is not None]
    since = now - timedelta(days=days)
    return len(times), sum(t >= since for t in times)


def judge(findings: Findings) -> Verdict:
    """Ready (exit 0), fields at risk (exit 4) or site unreachable (exit 3)."""
    if not findings.reachable:
        return Verdict(EXIT_FAILED_START, (Risk("site", f"no response from {findings.base_url}"),))
    risks: list[Risk] = []
    for surface in findings.surfaces:
        if not surface.judged:
            continue
        if not surface.ok:
            got = f"status {surface.status}" if surface.status is not None else surface.error or "no response"
            risks.append(Risk(surface.name, got, (surface.url,)))
        elif surface.links == 0:
            risks.append(Risk(surface.name, "no article links", (surface.url,)))
        elif surface.links and surface.dated and not surface.fresh:
            risks.append(Risk(surface.name, f"no link dated within {FRESH_DAYS} days", (surface.url,)))
        if surface.note.startswith("forbids"):
            risks.append(Risk(surface.name, surface.note, (surface.url,)))
    pages = findings.pages
    failed = [p for p in pages if p.status != 200]
    if pages and len(failed) > RISK_SHARE * len(pages):
        risks.append(Risk("pages", f"{len(failed)}/{len(pages)} sampled pages not fetched",
                          tuple(p.path for p in failed)))
    articles = [p for p in pages if p.is_article]
    if not articles:
        risks.append(Risk("pages", f"no article page among {len(pages)} sampled"))
    else:
        risks.extend(_field_risks(articles))
    if findings.timed_out:
        risks.append(Risk("run", "stopped by the time limit before every check was done"))
    return Verdict(EXIT_DEGRADED if risks else EXIT_OK, tuple(risks))


def _field_risks(articles: list[Page]) -> list[Risk]:
    n = len(articles)
    risks: list[Risk] = []

    def over(share: float, found: list[Page]) -> bool:
        return len(found) > share * n

    bare = [p for p in articles if not p.structured]
    if over(RISK_SHARE, bare):
        risks.append(Risk("structured data", f"none at all on {len(bare)}/{n} article pages", _paths(bare)))
    for name in FIELDS:
        empty = [p for p in articles if name in EMPTY_SHARE and not p.values.get(name)]
        if over(EMPTY_SHARE.get(name, 1.0), empty):
            risks.append(Risk(name, f"empty on {len(empty)}/{n} article pages", _paths(empty)))
            continue
        fallback = [p for p in articles if p.fields.get(name) and p.fields[name].fallback]
        share = BODY_FALLBACK_SHARE if name == "articleBody" else FALLBACK_SHARE
        if over(share, fallback):
            risks.append(Risk(name, f"from the visible page only (no structured source) on {len(fallback)}/{n} "
                                    f"article pages (more than {share:.0%})", _paths(fallback)))
        if name == "headline":
            off_title = [p for p in articles if TITLE in p.fields["headline"].disagree]
            if over(RISK_SHARE, off_title):
                risks.append(Risk(name, f"disagrees with <title> on {len(off_title)}/{n} article pages",
                                  _paths(off_title)))
        disagree = [p for p in articles if p.fields.get(name) and set(p.fields[name].disagree) - {TITLE}]
        if over(RISK_SHARE, disagree):
            risks.append(Risk(name, f"sources disagree on {len(disagree)}/{n} article pages", _paths(disagree)))
    return risks


def shown_values(item: dict[str, Any]) -> dict[str, str | None]:
    """Each checked field's exported value as one short line (empty: None)."""
    out: dict[str, str | None] = {}
    for name in FIELDS:
        value = item.get(name)
        if name == "authors":
            value = ", ".join(a.get("name", "") for a in value or [])
        elif name == "articleBody" and value:
            value = f"{len(value)} chars: {value[:50]}"
        out[name] = _cut(value, 80) if isinstance(value, str) and value else None
    return out


def _cut(value: str, limit: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _paths(pages: list[Page]) -> tuple[str, ...]:
    return tuple(p.path for p in pages)


# -- text ------------------------------------------------------------------------------------

_FIELD_LABELS = {"headline": "headline", "datePublished": "published", "dateModified": "modified",
                 "authors": "authors", "articleBody": "body", "section": "section"}


def render(findings: Findings, verdict: Verdict) -> str:
    """The report: surfaces, then each sampled page field by field, then the verdict."""
    out: list[str] = []
    politeness = ("the crawl's politeness (robots.txt, USER_AGENT, DOWNLOAD_DELAY with jitter, AutoThrottle)"
                  if findings.polite else "loopback: robots.txt obeyed, no delays (as the crawl)")
    out.append(f"newscrawl doctor {findings.base_url}: {findings.requests} requests in "
               f"{findings.seconds:.1f}s; {politeness}")
    out += ["", "Surfaces (fresh: the link's own date within "
            f"{FRESH_DAYS} days of the site's clock{_clock(findings)})"]
    width = max((len(s.name) for s in findings.surfaces), default=0)
    for s in sorted(findings.surfaces, key=surface_order):
        out.append("  " + _surface_line(s, width))
    out += ["", f"Pages ({len(findings.pages)} sampled of {findings.requested} asked, across "
            f"{len({p.via for p in findings.pages})} sources)"]
    for number, page in enumerate(findings.pages, 1):
        out += _page_lines(number, page)
    saved = sum(1 for p in findings.pages if p.saved)
    if saved:
        out.append(f"  saved {saved} pages as fixture cases in {findings.save_dir}")
    out += ["", *render_verdict(findings, verdict)]
    return "\n".join(out) + "\n"


def _clock(findings: Findings) -> str:
    site, local = findings.site_clock, findings.local_clock
    if site is None:
        return "; no Date header: local clock"
    shown = f": {site:%Y-%m-%d %H:%M} UTC"
    if local is not None and abs(local - site) > timedelta(days=1):
        shown += f", {abs(local - site).days} days from the local clock"
    return shown


def _surface_line(s: Surface, width: int) -> str:
    status = str(s.status) if s.status is not None else "---"
    head = f"{s.name:<{width}}  {status:>3}  {_short_url(s.url)}"
    if s.status is None:
        return f"{head}  {s.error or 'no response'}"
    parts = []
    if s.links is not None:
        what = "sitemaps" if s.name == "sitemap index" else "article links"
        parts.append(f"{s.links} {what}")
        if s.links:
            parts.append(f"{s.fresh} fresh" if s.dated else "undated")
            if s.dated and s.dated < s.links:
                parts.append(f"{s.links - s.dated} undated")
    if s.note:
        parts.append(s.note)
    if not s.judged:
        parts.append("(sample source)")
    return f"{head}  {', '.join(parts)}".rstrip()


def _short_url(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _page_lines(number: int, page: Page) -> list[str]:
    head = f"  {number:>2}. {page.path}  [via {page.via}]"
    if page.status != 200:
        return [f"{head}  {page.status or '---'} {page.error or ''}".rstrip()]
    kind = page.page_type or "other"
    sources = ", ".join(page.structured) or "no structured data"
    lines = [f"{head}  {kind}; {sources}" + (f"; own document: {page.documents}" if page.documents else "")]
    if not page.is_article:
        lines.append("      not an article: the crawl skips it")
        return lines
    for name in FIELDS:
        found = page.fields.get(name)
        if found is None:
            continue
        value = page.values.get(name)
        line = f"      {_FIELD_LABELS[name]:<9} {found.source or '-':<20} " + (f'"{value}"' if value else "(empty)")
        if found.agree:
            line += f"; agree: {', '.join(found.agree)}"
        if found.disagree:
            line += "; DISAGREE: " + ", ".join(f'{s} "{_cut(found.values.get(s, ""))}"' for s in found.disagree)
        lines.append(line)
    problems = ", ".join(page.date_problems)
    stripped = ", ".join(f"{reason} {count}" for reason, count in sorted(page.removed.items()))
    lines.append(f"      stripped  {stripped or 'nothing'}" + (f"; date problems: {problems}" if problems else ""))
    return lines


def render_verdict(findings: Findings, verdict: Verdict) -> list[str]:
    """The last screen: ready, or each field at risk with the pages that show it."""
    if verdict.exit_code == EXIT_FAILED_START:
        within = f" within the time limit ({findings.seconds:.0f}s)" if findings.timed_out else ""
        return [f"Verdict: SITE UNREACHABLE (exit {verdict.exit_code}): no response from {findings.base_url}{within}"]
    articles = sum(p.is_article for p in findings.pages)
    if verdict.ready:
        return [f"Verdict: READY (exit 0): every surface answered with fresh article links; no field at risk "
                f"on {articles} article pages"]
    out = [f"Verdict: FIELDS AT RISK (exit {verdict.exit_code}): {len(verdict.risks)} finding(s) "
           f"on {articles} article pages"]
    for risk in verdict.risks:
        out.append(f"  - {risk.subject}: {risk.why}")
        out += [f"      {page}" for page in risk.pages[:SHOW_PAGES]]
        if len(risk.pages) > SHOW_PAGES:
            out.append(f"      (+{len(risk.pages) - SHOW_PAGES} more)")
    return out
