"""Which source gave each checked field of a page, and whether the other sources agree.

:func:`field_report` is the doctor's one view of a page's field provenance. It reads the
sources the page object already parsed (JSON-LD, Next.js data, meta tags, the visible page) in
the page object's own order of precedence; once the page object reports provenance itself,
this function only translates that report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from newscrawl.extract.dates import DEFAULT_TIMEZONE, get_zone, parse_date
from newscrawl.extract.page import _MODIFIED_META, _PUBLISHED_META
from newscrawl.extract.parsing import element_text
from newscrawl.extract.structured.meta import strip_title_suffix
from newscrawl.extract.structured.visible import find_byline_authors, find_html_breadcrumbs, find_time_published
from newscrawl.extract.text import comparison_key

if TYPE_CHECKING:
    from newscrawl.extract.page import ArticlePage

JSONLD, NEXT, META, TITLE, VISIBLE = "JSON-LD", "Next data", "meta", "<title>", "visible page"
#: The fields the doctor checks, in report order.
FIELDS = ("headline", "datePublished", "dateModified", "authors", "articleBody", "section")
#: Body methods and the source each one reads.
BODY_SOURCES = {"nextjs-portable-text": NEXT, "jsonld": JSONLD}


@dataclass(frozen=True)
class FieldSource:
    """One field of one page: the source that gave its value and how the others compare."""

    name: str
    source: str | None  # None: no source had a value
    values: dict[str, str] = field(default_factory=dict)  # every source that had one, shown short
    agree: tuple[str, ...] = ()
    disagree: tuple[str, ...] = ()

    @property
    def fallback(self) -> bool:
        """The value came from the visible page only: no structured source had one."""
        return self.source == VISIBLE


def field_report(
    page: ArticlePage, item: dict[str, Any], *, timezone: str = DEFAULT_TIMEZONE
) -> dict[str, FieldSource]:
    """Per checked field: the source of its value and which other sources agree.

    ``item`` is this page's processed line (for the values only the visible page gave: a
    date the dates module found in the text, the generic body). ``<title>`` is listed apart
    from the other meta tags: a headline that disagrees with it is worth a look on its own.
    """
    zone = get_zone(timezone)
    meta, ld, nd = page.meta, page.jsonld, page.nextjs
    h1 = element_text(page.h1) if page.h1 is not None else None
    title = meta.title and strip_title_suffix(meta.title, site_names=page.site_names, references=[h1], host=page.host)
    crumbs = ld.breadcrumbs or find_html_breadcrumbs(page.tree)
    bodies = {BODY_SOURCES[b.method]: b.text for b in page.structured_bodies() if b.method in BODY_SOURCES}
    generic = item.get("articleBody") if item.get("bodyMethod") not in BODY_SOURCES else None

    def day(raw: str) -> str | None:
        return _date_key(raw, zone)

    return {
        "headline": _compare("headline", _text_key, [
            (JSONLD, ld.headline), (NEXT, nd.headline),
            (META, meta.first("og:title", "twitter:title", "citation_title", "dc.title")),
            (TITLE, title), (VISIBLE, h1)]),
        "datePublished": _compare("datePublished", day, [
            (JSONLD, ld.date_published), (NEXT, nd.date_published), (META, meta.first(*_PUBLISHED_META)),
            (VISIBLE, find_time_published(page.tree, page.h1))], found=item.get("datePublishedRaw")),
        "dateModified": _compare("dateModified", day, [
            (JSONLD, ld.date_modified), (NEXT, nd.date_modified), (META, meta.first(*_MODIFIED_META))],
            found=item.get("dateModifiedRaw")),
        "authors": _compare("authors", _names_key, [
            (JSONLD, ", ".join(ld.authors)), (NEXT, ", ".join(nd.authors)),
            (META, ", ".join(meta.all("article:author", "author", "citation_author"))),
            (VISIBLE, ", ".join(find_byline_authors(page.tree, page.h1)))]),
        "articleBody": _compare("articleBody", _body_key, [
            (NEXT, bodies.get(NEXT)), (JSONLD, bodies.get(JSONLD)), (VISIBLE, generic)],
            source=BODY_SOURCES.get(item.get("bodyMethod") or "", VISIBLE) if item.get("articleBody") else None),
        "section": _compare("section", _text_key, [
            (JSONLD, ld.section), (META, meta.first("article:section")),
            (VISIBLE, crumbs[-1]["name"] if crumbs else None)]),
    }


def _compare(name: str, key: Callable[[str], Any], candidates: Sequence[tuple[str, str | None]],
             *, source: str | None = None, found: str | None = None) -> FieldSource:
    """The field's source is ``source`` or else the first candidate with a value (candidates
    come in the page object's order of precedence); the others agree when their keys match.
    ``found``: the item's value, from the visible page when no candidate had one (dates the
    dates module found in the text)."""
    values = {src: value for src, value in candidates if value}
    if found and not values:
        values[VISIBLE] = found
    if source is None:
        source = next(iter(values), None)
    shown = {src: _short(value) for src, value in values.items()}
    if source is None or source not in values:
        return FieldSource(name, source, shown)
    keys = {src: key(value) for src, value in values.items()}
    others = [src for src in values if src != source]
    return FieldSource(name, source, shown,
                       tuple(s for s in others if keys[s] == keys[source]),
                       tuple(s for s in others if keys[s] != keys[source]))


def _short(value: str, limit: int = 70) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _text_key(value: str) -> str:
    return comparison_key(value)


def _names_key(value: str) -> frozenset[str]:
    return frozenset(comparison_key(n) for n in value.split(",") if comparison_key(n))


def _body_key(value: str) -> str:
    """Bodies agree when they open alike (boilerplate and layout differ further down)."""
    return comparison_key(value)[:200]


def _date_key(raw: str, zone: Any) -> str | None:
    """The day a date string names, in the site's zone: sources agree on the day (one may have
    no time, or show it in another zone)."""
    parsed = parse_date(raw)
    if parsed is None:
        return None
    moment = parsed.moment
    return (moment.astimezone(zone).date() if isinstance(moment, datetime) else moment).isoformat()
