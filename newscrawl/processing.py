"""One page through the crawl's extraction, date and boilerplate steps, without Scrapy.

``newscrawl extract`` and the benchmarks call :func:`process_page`; a crawl runs the same
functions, split across the page object (spider) and the pipelines. Duplicate detection and
the repeated-block learner need many pages and are left to the crawl.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from newscrawl.extract.boilerplate import clean_body
from newscrawl.extract.dates import DEFAULT_TIMEZONE, DateNormalizer
from newscrawl.extract.fingerprint import content_fingerprint
from newscrawl.extract.page import ArticlePage
from newscrawl.extract.urls import article_id, canonicalize_url


def process_page(
    url: str,
    body: bytes | str,
    *,
    headers: Mapping[str, str] | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    downloaded: datetime | None = None,
    url_from_canonical: bool = False,
) -> dict[str, Any]:
    """The fields a crawl would export for this page (plus ``pageType``).

    ``url_from_canonical``: the page came from a file, so its own canonical link (when it has
    an absolute one) stands in for the URL it was fetched from.
    """
    page = ArticlePage(url, body, headers=headers)
    canonical = (page.meta.canonical or page.meta.first("og:url")) if url_from_canonical else None
    if canonical and canonical.startswith(("http://", "https://")):
        page = ArticlePage(canonical, body, headers=headers)
    item = page.to_item()
    stamp_download(item, downloaded)
    DateNormalizer(timezone).apply(item)
    if isinstance(item.get("articleBody"), str):
        item["articleBody"] = clean_body(item["articleBody"], headline=item.get("headline"))
    try:
        item["canonicalUrl"] = canonicalize_url(item.get("canonicalUrl") or item["url"])
    except ValueError:  # a local file with no absolute canonical link: keep its file: URL
        item["canonicalUrl"] = item.get("canonicalUrl") or item["url"]
    item["id"] = article_id(item["canonicalUrl"])
    item["fingerprint"] = content_fingerprint(item.get("articleBody") or "")
    item["version"] = 1
    return item


def stamp_download(item: dict[str, Any], downloaded: datetime | None = None) -> None:
    """Set ``site`` (the fetched URL's host) and ``dateDownloaded`` (UTC, whole seconds)."""
    moment = downloaded or datetime.now(UTC)
    item["dateDownloaded"] = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    item["site"] = urlsplit(item["url"]).hostname or None
