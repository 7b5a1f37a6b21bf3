"""A run's extraction health and the drift alarm (pure: no I/O, no Scrapy objects).

The health of a run is the share of its articles by body method, and the shares with no
``datePublished``, no author, an empty body, or a headline that disagrees with the page's
``<title>``. A silent change of the site's markup moves these shares while the crawl goes on
"succeeding". :func:`drift_reasons` compares a run's shares with the median of the last runs
(or, on a site's first runs, with fixed floors) and says which share moved, from what to what.
The manifest carries the health (``health``); the state keeps it with the run's summary.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from statistics import median
from typing import Any

#: share keys besides the body methods (``bodyMethod:<method>``)
NO_DATE = "noDatePublished"
NO_AUTHOR = "noAuthor"
EMPTY_BODY = "emptyBody"
HEADLINE_MISMATCH = "headlineTitleMismatch"
BODY_METHOD = "bodyMethod:"
#: body methods that mean structured data was not there (the generic extractor was used)
GENERIC_PREFIX = "html-generic"
GENERIC_BODY = "genericBody"


def title_disagrees(provenance: Any) -> bool:
    """Whether the page's ``<title>`` (less its site suffix) disagreed with the headline: read
    from the page object's cross-check of the headline's sources (the item's ``provenance``)."""
    if not isinstance(provenance, dict):
        return False
    check = provenance.get("headline")
    return isinstance(check, dict) and "title" in (check.get("disagree") or ())


@dataclass
class Health:
    """Counts of one run's articles: exported ones, and those dropped for an empty body."""

    articles: int = 0
    body_methods: Counter[str] = field(default_factory=Counter)
    no_date: int = 0
    no_author: int = 0
    empty_body: int = 0
    headline_mismatch: int = 0

    def add(self, *, body_method: Any, date_published: Any, authors: Any, body: Any, mismatch: bool) -> None:
        """One exported article (``mismatch``: its headline disagrees with the page title)."""
        self.articles += 1
        self.body_methods[str(body_method or "none")] += 1
        self.no_date += not date_published
        self.no_author += not authors
        self.empty_body += not (isinstance(body, str) and body.strip())
        self.headline_mismatch += bool(mismatch)

    def add_empty(self) -> None:
        """One article dropped because it had no body."""
        self.articles += 1
        self.empty_body += 1

    def shares(self) -> dict[str, float]:
        n = self.articles
        if not n:
            return {}
        out = {
            NO_DATE: self.no_date / n,
            NO_AUTHOR: self.no_author / n,
            EMPTY_BODY: self.empty_body / n,
            HEADLINE_MISMATCH: self.headline_mismatch / n,
            GENERIC_BODY: sum(v for k, v in self.body_methods.items() if k.startswith(GENERIC_PREFIX)) / n,
        }
        out.update({BODY_METHOD + k: v / n for k, v in sorted(self.body_methods.items())})
        return {k: round(v, 4) for k, v in out.items()}

    def as_dict(self) -> dict[str, Any]:
        """The manifest's ``health``: ``articles`` and ``shares``."""
        return {"articles": self.articles, "shares": self.shares()}


@dataclass(frozen=True)
class DriftConfig:
    """``NEWSCRAWL_DRIFT_*``: how many earlier runs, how far a share may move, the floors."""

    enabled: bool
    runs: int
    max_change: float
    min_articles: int
    #: the highest share a first run may show, per key (fixed floors)
    floors: dict[str, float]


def drift_reasons(current: dict[str, Any], history: list[dict[str, Any]], config: DriftConfig) -> list[str]:
    """Why ``current`` (a :meth:`Health.as_dict`) drifted, against earlier runs' health dicts.

    ``history`` is newest first; runs with fewer than ``min_articles`` articles (on either side)
    are not compared. With no usable earlier run, the shares are held against the floors.
    """
    if not config.enabled or int(current.get("articles") or 0) < config.min_articles:
        return []
    shares: dict[str, float] = current.get("shares") or {}
    earlier = [h.get("shares") or {} for h in history if int(h.get("articles") or 0) >= config.min_articles]
    earlier = earlier[: config.runs]
    reasons = []
    if not earlier:
        for key, floor in config.floors.items():
            value = shares.get(key, 0.0)
            if value > floor:
                reasons.append(f"extraction drift: share {key} {value:.2f} above its first-run floor {floor:.2f}")
        return reasons
    keys = sorted(set(shares).union(*earlier))
    for key in keys:
        base = median(s.get(key, 0.0) for s in earlier)
        value = shares.get(key, 0.0)
        if abs(value - base) > config.max_change:
            reasons.append(
                f"extraction drift: share {key} {value:.2f} against a median of {base:.2f} over the "
                f"last {len(earlier)} run(s) (allowed change {config.max_change:.2f})"
            )
    return reasons
