"""The Article item: the one record newscrawl exports, one JSON line per article.

Field names follow the zyte-common-items ``Article`` schema so downstream tools already know
them; the JSON Schema of an exported line lives beside this module in
``newscrawl/schema/article.schema.json`` and is the contract with consumers.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import scrapy

#: Exported fields, in the order they appear in every JSON line.
ARTICLE_FIELDS: tuple[str, ...] = (
    "id",
    "version",
    "url",
    "canonicalUrl",
    "site",
    "headline",
    "description",
    "authors",
    "datePublished",
    "datePublishedRaw",
    "dateModified",
    "dateModifiedRaw",
    "section",
    "breadcrumbs",
    "keywords",
    "inLanguage",
    "mainImage",
    "articleBody",
    "bodyMethod",
    "trialIds",
    "meetings",
    "fingerprint",
    "dateDownloaded",
)

#: Fields produced by extraction and used by pipelines, never exported: the page type, and where
#: each field came from with the cross-checks between sources (``ArticlePage.provenance()``).
INTERNAL_FIELDS: tuple[str, ...] = ("pageType", "provenance")

#: Bumped whenever a field is added, removed or changes meaning.
SCHEMA_VERSION = 2


class Article(scrapy.Item):
    """One news article as exported; see the JSON Schema for each field's meaning."""

    id = scrapy.Field()
    version = scrapy.Field()
    url = scrapy.Field()
    canonicalUrl = scrapy.Field()
    site = scrapy.Field()
    headline = scrapy.Field()
    description = scrapy.Field()
    authors = scrapy.Field()
    datePublished = scrapy.Field()
    datePublishedRaw = scrapy.Field()
    dateModified = scrapy.Field()
    dateModifiedRaw = scrapy.Field()
    section = scrapy.Field()
    breadcrumbs = scrapy.Field()
    keywords = scrapy.Field()
    inLanguage = scrapy.Field()
    mainImage = scrapy.Field()
    articleBody = scrapy.Field()
    bodyMethod = scrapy.Field()
    trialIds = scrapy.Field()
    meetings = scrapy.Field()
    fingerprint = scrapy.Field()
    dateDownloaded = scrapy.Field()
    pageType = scrapy.Field()
    provenance = scrapy.Field()


@lru_cache(maxsize=1)
def article_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one exported line."""
    text = resources.files("newscrawl").joinpath("schema/article.schema.json").read_text("utf-8")
    return json.loads(text)


def stamp_download(item: dict[str, Any], downloaded: datetime | None = None) -> None:
    """Set ``site`` (the fetched URL's host) and ``dateDownloaded`` (UTC, whole seconds)."""
    moment = downloaded or datetime.now(UTC)
    item["dateDownloaded"] = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    item["site"] = urlsplit(item["url"]).hostname or None
