"""Cross-checking a field between the sources of one page.

A headline can come from JSON-LD, the Next.js document, ``og:title``, ``<title>`` and the
``<h1>``. :func:`cross_check` groups the sources whose values agree,
keeps the largest group (a tie goes to the group holding the most trusted source) and takes
its most trusted value. The result (:class:`FieldCheck`) says which source gave the value and
which agree or disagree with it: the page object records it in the item, the crawl counts the
disagreements, and an operator can read it. (The publication date has its own vote,
:mod:`newscrawl.extract.dates.choose`, recorded in the same shape.)

Pure: no Scrapy, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldCheck:
    """One field's value, the source that gave it and how the other sources compare."""

    value: str | None = None
    source: str | None = None
    agree: tuple[str, ...] = ()  # sources whose value agrees with the chosen one (source included)
    disagree: tuple[str, ...] = ()  # sources that gave a value that does not agree
    values: dict[str, str] = field(default_factory=dict)  # every source's value, most trusted first
    notes: tuple[str, ...] = ()  # what the choice met beyond agreement (the date vote's notes)

    def as_dict(self) -> dict[str, Any]:
        out = {"source": self.source, "agree": list(self.agree), "disagree": list(self.disagree),
               "values": dict(self.values)}
        if self.notes:
            out["notes"] = list(self.notes)
        return out


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
