"""Cross-checking a field between the sources of one page.

A headline can come from JSON-LD, the Next.js document, ``og:title``, ``<title>`` and the
``<h1>``; a publication date from JSON-LD, the Next.js document, ``article:published_time``
and a ``<time>`` by the headline. :func:`cross_check` groups the sources whose values agree,
keeps the largest group (a tie goes to the group holding the most trusted source) and takes
its most trusted value. The result (:class:`FieldCheck`) says which source gave the value and
which agree or disagree with it: the page object records it in the item, the crawl counts the
disagreements, and an operator can read it.

Pure: no Scrapy, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from newscrawl.extract.dates.parse import parse_date


@dataclass(frozen=True)
class FieldCheck:
    """One field's value, the source that gave it and how the other sources compare."""

    value: str | None = None
    source: str | None = None
    agree: tuple[str, ...] = ()  # sources whose value agrees with the chosen one (source included)
    disagree: tuple[str, ...] = ()  # sources that gave a value that does not agree
    values: dict[str, str] = field(default_factory=dict)  # every source's value, most trusted first

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "agree": list(self.agree), "disagree": list(self.disagree),
                "values": dict(self.values)}


def cross_check(candidates: Sequence[tuple[str, str | None]], same: Callable[[str, str], bool]) -> FieldCheck:
    """Choose among ``(source, value)`` pairs, most trusted first (empty values are skipped).

    Sources are grouped with the first group whose first value ``same`` accepts. The group with
    the most sources wins; on a tie, the one whose first source is the most trusted. Its first
    value is the result.
    """
    values = {src: val for src, val in candidates if val}
    groups: list[list[str]] = []
    for src, val in values.items():
        for group in groups:
            if same(values[group[0]], val):
                group.append(src)
                break
        else:
            groups.append([src])
    if not groups:
        return FieldCheck()
    best = max(groups, key=len)  # max keeps the first of equal-sized groups: the most trusted
    disagree = tuple(src for src in values if src not in best)
    return FieldCheck(values[best[0]], best[0], tuple(best), disagree, values)


def same_day_or_instant(a: str, b: str) -> bool:
    """Whether two raw date strings denote the same publication: two timestamps at the same
    instant or on the same day (each in its own offset); a date against a timestamp within a
    day of it (a bare date's zone is unknown); two dates equal. Strings that do not parse agree
    only with an identical string."""
    pa, pb = _moment(a), _moment(b)
    if pa is None or pb is None:
        return a.strip() == b.strip()
    if isinstance(pa, datetime) and isinstance(pb, datetime):
        return pa == pb or pa.date() == pb.date()
    if isinstance(pa, datetime) or isinstance(pb, datetime):
        day_a = pa.date() if isinstance(pa, datetime) else pa
        day_b = pb.date() if isinstance(pb, datetime) else pb
        return abs(day_a - day_b) <= timedelta(days=1)
    return pa == pb


def _moment(raw: str) -> datetime | date | None:
    parsed = parse_date(raw, fallback=False)  # structured dates are ISO or close to it
    if parsed is None:
        return None
    if parsed.has_time:
        return datetime.fromisoformat(parsed.value)
    return date.fromisoformat(parsed.value[:10])
