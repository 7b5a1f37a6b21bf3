"""Which source gave each checked field of a page, and whether the other sources agree.

The page object records this itself (:meth:`newscrawl.extract.page.ArticlePage.provenance`,
docs/own-article.md); :func:`field_report` only reads that record into the doctor's view, it
never recomputes it. The headline and the publication date are cross-checked between their
sources, so they come with the sources that agree and disagree; the other fields with their
source only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from newscrawl.extract.dates.choose import VISIBLE as VISIBLE_DATE_SOURCES

#: The fields the doctor checks, in report order.
FIELDS = ("headline", "datePublished", "dateModified", "authors", "articleBody", "section")
#: The page title as a headline source: a headline that disagrees with it is a finding of its own.
TITLE = "title"
#: Sources that are the visible page rather than structured data: the ``<h1>``, a ``<time>`` or
#: a date in the text, the byline, the breadcrumbs; for the body, the generic HTML extractor.
VISIBLE_SOURCES = frozenset({"h1", "time", "visible", "byline", "breadcrumbs"}) | VISIBLE_DATE_SOURCES
GENERIC_BODY = "html-generic"


@dataclass(frozen=True)
class FieldSource:
    """One field of one page as the page object's provenance records it."""

    name: str
    source: str | None  # None: no source had a value
    values: dict[str, str] = field(default_factory=dict)  # each source's raw value (cross-checked fields)
    agree: tuple[str, ...] = ()  # other sources that agree with ``source``
    disagree: tuple[str, ...] = ()

    @property
    def fallback(self) -> bool:
        """The value came from the visible page: no structured source had one."""
        return self.source in VISIBLE_SOURCES or (self.source or "").startswith(GENERIC_BODY)


def field_report(provenance: Mapping[str, Any]) -> dict[str, FieldSource]:
    """The checked fields of a page's ``provenance`` (the item's internal field)."""
    out = {}
    for name in FIELDS:
        part = provenance.get(name) or {}
        source = part.get("source")
        out[name] = FieldSource(
            name, source, values={k: str(v) for k, v in (part.get("values") or {}).items()},
            agree=tuple(s for s in part.get("agree") or () if s != source),
            disagree=tuple(part.get("disagree") or ()))
    return out


def documents(provenance: Mapping[str, Any]) -> str:
    """How the page's own document was found in each structured source ("jsonld url, nextjs absent")."""
    found = provenance.get("documents") or {}
    return ", ".join(f"{source} {how}" for source, how in found.items())
