"""A real crawler with a real SQLite state in tmp_path, for unit tests of the state's users."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from newscrawl.state.extension import StateExtension
from newscrawl.state.session import StateSession
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

SITE = "https://www.example.org"
MakeCrawler = Callable[..., Crawler]


@pytest.fixture
def make_crawler(tmp_path: Path) -> Iterator[MakeCrawler]:
    """``make_crawler(**settings)``: a crawler whose state extension has opened the state.

    Each call is the next run: the previous crawler's state session is closed first.
    """
    opened: list[StateExtension] = []

    def make(**settings: Any) -> Crawler:
        for extension in opened:
            extension.close()
        crawler = get_crawler(Spider, {"NEWSCRAWL_STATE_DIR": str(tmp_path / "state"), **settings})
        if settings.get("NEWSCRAWL_STATE_ENABLED", True):
            opened.append(StateExtension.from_crawler(crawler))
        return crawler

    yield make
    for extension in opened:
        extension.close()


def export(session: StateSession, slug: str, *, fingerprint: str = "fp", modified: str | None = None,
           lastmod: str | None = None, etag: str | None = None, version: int = 1) -> dict[str, Any]:
    """Record ``SITE/view/<slug>`` as exported by a run, the way a feed's fsync commits it."""
    url = f"{SITE}/view/{slug}"
    line = {"id": slug, "url": url, "canonicalUrl": url, "version": version, "fingerprint": fingerprint,
            "dateModified": modified, "datePublished": "2025-06-01"}
    session.note_fetch(url, lastmod=lastmod, etag=etag)
    session.claim(slug, url, url)
    session.commit_lines([line], "earlier.jsonl")
    return line
