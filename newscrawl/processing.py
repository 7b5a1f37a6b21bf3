"""One page through the crawl's extraction, date, boilerplate and identity steps, without Scrapy.

``newscrawl extract`` and the benchmarks call :func:`process_page`; a crawl runs the same
functions, split across the page object (in the extraction workers) and the pipelines. Duplicate
detection, the state and the repeated-block learner need many pages and are left to the crawl.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newscrawl.extract.boilerplate import clean_body_report
from newscrawl.extract.dates import DEFAULT_TIMEZONE, DateNormalizer
from newscrawl.extract.oncology import oncology_fields
from newscrawl.extract.page import ArticlePage
from newscrawl.identity import identify
from newscrawl.items import stamp_download


@dataclass
class Processed:
    """One page after the crawl's single-page steps: the item and what each step reported."""

    item: dict[str, Any]
    #: boilerplate lines the line rules removed from the body, per rule (``clean_body_report``)
    removed: Counter[str] = field(default_factory=Counter)
    #: the date step's reasons (``unparseable_published``, ``missing_published``, ...)
    date_problems: list[str] = field(default_factory=list)


def process_page(
    url: str,
    body: bytes | str,
    *,
    headers: Mapping[str, str] | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    downloaded: datetime | None = None,
    url_from_canonical: bool = False,
) -> dict[str, Any]:
    """The fields a crawl would export for this page (plus the internal ``pageType`` and
    ``provenance``).

    ``url_from_canonical``: the page came from a file, so its own canonical link (when it has
    an absolute one) stands in for the URL it was fetched from. Raises ``ValueError`` (from
    :func:`newscrawl.identity.identify`) when ``url`` is neither an absolute http(s) URL nor a
    ``file:`` URL: such a page has no identity.
    """
    page = ArticlePage(url, body, headers=headers, timezone=timezone)
    canonical = (page.meta.canonical or page.meta.first("og:url")) if url_from_canonical else None
    if canonical and canonical.startswith(("http://", "https://")):
        page = ArticlePage(canonical, body, headers=headers, timezone=timezone)
    return process_article_page(page, timezone=timezone, downloaded=downloaded).item


def process_article_page(
    page: ArticlePage, *, timezone: str = DEFAULT_TIMEZONE, downloaded: datetime | None = None
) -> Processed:
    """:func:`process_page` on a page object the caller keeps (to ask it more, as the doctor does)."""
    item = page.to_item()
    stamp_download(item, downloaded)
    date_problems = DateNormalizer(timezone).apply(item)
    removed: Counter[str] = Counter()
    if isinstance(item.get("articleBody"), str):
        cleaned = clean_body_report(item["articleBody"], headline=item.get("headline"))
        item["articleBody"], removed = cleaned.text, cleaned.removed
    item.update(oncology_fields(item.get("headline"), item.get("articleBody")))
    # a saved page without an absolute canonical link keeps its file: URL as its identity
    identity = identify(item["url"], item.get("canonicalUrl"), item.get("articleBody"), local_files=True)
    item["canonicalUrl"] = identity.canonical_url
    item["id"] = identity.id
    item["fingerprint"] = identity.fingerprint
    item["version"] = 1
    return Processed(item, removed, date_problems)
