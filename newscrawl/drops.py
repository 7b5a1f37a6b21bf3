"""Why an item was dropped: the one catalogue of drop reasons, and the ``DropItem`` that carries one.

Every newscrawl pipeline drops by raising :class:`Dropped` with a :class:`Reason` from this module
(:func:`drop` also counts it). A reason's ``name`` is the key of the manifest's ``dropped`` counts
and the last part of its stats key; ``deliberate`` marks the drops that are the crawl working as
intended (duplicates, unchanged articles, articles outside the state's window), which the run's
judge does not count against the site. Nothing parses a reason back out of a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scrapy.exceptions import DropItem

if TYPE_CHECKING:
    from scrapy.statscollectors import StatsCollector


@dataclass(frozen=True)
class Reason:
    """One reason to drop an item: ``name`` (manifest, log), stats ``stage``, ``deliberate``."""

    name: str
    stage: str
    deliberate: bool = False

    @property
    def stat(self) -> str:
        """The stats key this drop is counted under: ``newscrawl/<stage>/<name>``."""
        return f"newscrawl/{self.stage}/{self.name}"


EMPTY_BODY = Reason("empty_body", "boilerplate")
MISSING_HEADLINE = Reason("missing_headline", "validate")
MISSING_BODY = Reason("missing_body", "validate")
SCHEMA_INVALID = Reason("schema_invalid", "validate")
#: counted under ``newscrawl/duplicates/`` where it was counted before identity had its own stage
BAD_URL = Reason("bad_url", "duplicates")
DUPLICATE_URL = Reason("duplicate_url", "duplicates", deliberate=True)
DUPLICATE_BODY = Reason("duplicate_body", "duplicates", deliberate=True)
NEAR_DUPLICATE = Reason("near_duplicate", "duplicates", deliberate=True)
UNCHANGED = Reason("unchanged", "state", deliberate=True)
DUPLICATE_IN_RUN = Reason("duplicate_in_run", "state", deliberate=True)
OLDER_THAN_STATE_HORIZON = Reason("older_than_state_horizon", "state", deliberate=True)
#: not a drop: the duplicates stage holds the item until the end of the run (see :class:`Staged`)
STAGED = Reason("staged", "duplicates", deliberate=True)
#: a plain ``DropItem`` raised by a pipeline that is not newscrawl's
OTHER = Reason("other", "pipelines")

#: every reason by name
REASONS: dict[str, Reason] = {
    r.name: r
    for r in (
        EMPTY_BODY, MISSING_HEADLINE, MISSING_BODY, SCHEMA_INVALID, BAD_URL, DUPLICATE_URL,
        DUPLICATE_BODY, NEAR_DUPLICATE, UNCHANGED, DUPLICATE_IN_RUN, OLDER_THAN_STATE_HORIZON, STAGED,
        OTHER,
    )
}


class Dropped(DropItem):
    """A pipeline's drop: the :class:`Reason` and an optional detail (e.g. where the schema broke)."""

    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(f"{reason.name}: {detail}" if detail else reason.name)
        self.reason = reason
        self.detail = detail


class Staged(Dropped):
    """Not a drop: the item leaves Scrapy's pipeline chain to wait for the end of the run, where
    the duplicates stage exports it or drops it as a copy of another page (with that reason).

    ``new_article`` is True when it made its group exported where it was not (a new article
    for ``max_articles``). Scrapy's own ``item_dropped_count`` counts it; newscrawl's counts
    (manifest, ``newscrawl/<stage>/<reason>``) count each page once, by its final outcome.
    """

    def __init__(self, new_article: bool) -> None:
        super().__init__(STAGED, "kept for the end-of-run decision")
        self.log_level = "DEBUG"  # its outcome is logged at the end of the run
        self.new_article = new_article


def drop(stats: StatsCollector, reason: Reason, detail: str = "") -> Dropped:
    """Count ``reason`` under its stats key and return the exception to raise."""
    stats.inc_value(reason.stat)
    return Dropped(reason, detail)


def reason_of(exception: BaseException) -> Reason:
    """The reason an item was dropped with (:data:`OTHER` for a drop that is not newscrawl's)."""
    return exception.reason if isinstance(exception, Dropped) else OTHER


def is_deliberate(name: str) -> bool:
    """True when the drop reason ``name`` is the crawl working as intended."""
    reason = REASONS.get(name)
    return reason is not None and reason.deliberate
