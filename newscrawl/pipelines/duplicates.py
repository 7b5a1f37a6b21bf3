"""Duplicates pipeline: normalise the canonical URL, set ``id``/``fingerprint``, drop duplicates.

One line per article: the same article under another URL (tracking parameters,
slash, case, AMP/print variant, ``rel=canonical``), the same body under another
title, and near-copies with small edits are dropped; the first seen wins. Each
drop raises ``DropItem("duplicate_url" | "duplicate_body" | "near_duplicate")``
and counts ``newscrawl/duplicates/<reason>``; kept items count
``newscrawl/duplicates/kept`` (and ``.../update`` when an earlier run's article
changed). The matching itself lives in :mod:`newscrawl.dedup` (pure).

Settings:
``NEWSCRAWL_DEDUP_ENABLED`` (bool, True)        False -> ``NotConfigured``.
``NEWSCRAWL_DEDUP_NEAR_THRESHOLD`` (float)      estimated Jaccard for near-copies.
``NEWSCRAWL_LOWERCASE_PATHS`` (bool, True)      lower-case URL paths (see extract/urls.py).
``NEWSCRAWL_DEDUP_STORE`` (import path, "")     a :class:`~newscrawl.dedup.DedupStore`
    class, built with ``from_crawler`` when it has one: persistence across runs.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urljoin, urlsplit

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.misc import build_from_crawler, load_object

from newscrawl.dedup import DEFAULT_NEAR_THRESHOLD, DedupStore, DuplicateIndex, Verdict
from newscrawl.extract.urls import DEFAULT_LOWERCASE_PATHS, article_id, canonicalize_url, same_site

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

STATS_PREFIX = "newscrawl/duplicates"


class DuplicatesPipeline:
    """Sets ``canonicalUrl`` (normalised), ``id`` and ``fingerprint``; drops duplicates, first seen wins."""

    def __init__(
        self,
        stats: StatsCollector,
        *,
        near_threshold: float = DEFAULT_NEAR_THRESHOLD,
        lowercase_paths: bool = DEFAULT_LOWERCASE_PATHS,
        store: DedupStore | None = None,
    ) -> None:
        self.stats = stats
        self.lowercase_paths = lowercase_paths
        kwargs: dict[str, Any] = {"near_threshold": near_threshold}
        if store is not None:
            kwargs["store"] = store
        self.index = DuplicateIndex(**kwargs)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DuplicatesPipeline:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_DEDUP_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_DEDUP_ENABLED is False")
        raw = settings.get("NEWSCRAWL_DEDUP_NEAR_THRESHOLD", DEFAULT_NEAR_THRESHOLD)
        try:
            threshold = float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"NEWSCRAWL_DEDUP_NEAR_THRESHOLD must be a number in (0, 1], got {raw!r}") from None
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"NEWSCRAWL_DEDUP_NEAR_THRESHOLD must be in (0, 1], got {raw!r}")
        store = None
        store_path = settings.get("NEWSCRAWL_DEDUP_STORE")
        if store_path:
            store = build_from_crawler(load_object(store_path), crawler)
        return cls(
            crawler.stats,
            near_threshold=threshold,
            lowercase_paths=settings.getbool("NEWSCRAWL_LOWERCASE_PATHS", DEFAULT_LOWERCASE_PATHS),
            store=store,
        )

    def _inc(self, name: str) -> None:
        self.stats.inc_value(f"{STATS_PREFIX}/{name}")

    def _canonical(self, fetched: str, declared: Any) -> str:
        """The normalised canonical URL: the declared rel=canonical when usable, else the fetched URL."""
        if not declared or not isinstance(declared, str):
            return fetched
        try:
            canonical = canonicalize_url(urljoin(fetched, declared.strip()), lowercase_path=self.lowercase_paths)
        except ValueError:
            self._inc("canonical_invalid")
            logger.debug("Ignoring invalid rel=canonical %r of %s", declared, fetched)
            return fetched
        if not same_site(canonical, fetched):
            self._inc("canonical_offsite")
            logger.debug("Ignoring off-site rel=canonical %s of %s", canonical, fetched)
            return fetched
        if urlsplit(canonical).path == "/" and urlsplit(fetched).path != "/":
            # a CMS pointing every page's canonical at the home page would
            # otherwise make every article a duplicate_url of the first one
            self._inc("canonical_root")
            logger.debug("Ignoring home-page rel=canonical %s of %s", canonical, fetched)
            return fetched
        return canonical

    def _drop(self, url: Any, ident: str, verdict: Verdict) -> NoReturn:
        reason = verdict.drop_reason or verdict.kind
        self._inc(reason)
        if verdict.previous_run:
            self._inc("previous_run")
        logger.debug(
            "Dropped %s (%s) as %s of %s (similarity %s)", url, ident, reason, verdict.original_id, verdict.similarity
        )
        raise DropItem(reason)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        raw_url = adapter.get("url")
        try:
            fetched = canonicalize_url(raw_url, lowercase_path=self.lowercase_paths)
        except (TypeError, ValueError) as exc:
            self._inc("bad_url")
            logger.warning("Dropping item with unusable url %r: %s", raw_url, exc)
            raise DropItem("bad_url") from None
        canonical = self._canonical(fetched, adapter.get("canonicalUrl"))
        ident = article_id(canonical)
        adapter["canonicalUrl"] = canonical
        adapter["id"] = ident
        # most URL variants are settled here, before hashing the body
        quick = self.index.check_url(article_id=ident, canonical_url=canonical, urls=(fetched,))
        if quick is not None:
            self._drop(raw_url, ident, quick)

        body = adapter.get("articleBody")
        modified = adapter.get("dateModified") or adapter.get("dateModifiedRaw")
        entry = self.index.entry_for(
            article_id=ident,
            canonical_url=canonical,
            urls=(fetched,),
            body=body if isinstance(body, str) else "",
            date_modified=modified if isinstance(modified, str) else None,
        )
        adapter["fingerprint"] = entry.fingerprint

        verdict = self.index.observe(entry)
        if verdict.is_duplicate:
            self._drop(raw_url, ident, verdict)
        if verdict.kind == "update":
            self._inc("update")
        self._inc("kept")
        return item
