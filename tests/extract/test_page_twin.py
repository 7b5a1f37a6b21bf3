"""``ArticlePage`` on pages of the offline twin (rendered in-process), checked against its truth.

The twin's three templates (Next.js + Portable Text + JSON-LD, OpenGraph-only, legacy 2007) and
its video/podcast/slideshow pages are generated with markup this code was not written against;
the truth file is what the crawl must output.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache, lru_cache
from typing import Any

import pytest

replica_model = pytest.importorskip("newscrawl.replica.model")
replica_render = pytest.importorskip("newscrawl.replica.render")
replica_truth = pytest.importorskip("newscrawl.replica.truth")

from newscrawl.extract.page import ArticlePage  # noqa: E402 - after the importorskip guards above

BASE = "http://127.0.0.1:8000"
PAGES = 100


@lru_cache(maxsize=1)
def _site() -> tuple[Any, Any]:
    site = replica_model.Site(PAGES, seed=7)
    return site, replica_render.Links(site, BASE)


@cache
def _item(i: int) -> dict[str, Any]:
    site, links = _site()
    html = replica_render.render_article(links, site.article(i))
    body = html.encode("utf-8") if isinstance(html, str) else html
    return ArticlePage(links.view(i), body, headers={"Content-Type": "text/html; charset=utf-8"}).to_item()


def _indices() -> list[int]:
    site, _ = _site()
    return list(range(site.count))


def _truth(i: int) -> dict[str, Any] | None:
    site, links = _site()
    if site.role(i) in replica_model.MEDIA_ROLES:
        return None
    return replica_truth.truth_record(site, links, i)


def test_twin_sample_covers_every_template_and_page_kind() -> None:
    site, _ = _site()
    templates = {site.article(i).template for i in _indices()}
    roles = {site.role(i) for i in _indices()}
    assert {"nextjs", "meta", "legacy"} <= templates
    assert set(replica_model.MEDIA_ROLES) <= roles


@pytest.mark.parametrize("i", _indices())
def test_page_type(i: int) -> None:
    site, _ = _site()
    role = site.role(i)
    expected = role if role in replica_model.MEDIA_ROLES else "article"
    assert _item(i)["pageType"] == expected


@pytest.mark.parametrize("field", ["headline", "description", "authors", "canonicalUrl"])
def test_fields_match_truth(field: str) -> None:
    wrong = []
    for i in _indices():
        truth = _truth(i)
        if truth is not None and _item(i)[field] != truth[field]:
            wrong.append((i, _item(i)[field], truth[field]))
    assert not wrong, wrong[:5]


def test_section_matches_truth_on_every_template() -> None:
    # legacy pages state it only in their breadcrumb trail
    wrong = []
    for i in _indices():
        truth = _truth(i)
        if truth is not None and _item(i)["section"] != truth["section"]:
            wrong.append((i, _item(i)["section"], truth["section"]))
    assert not wrong, wrong[:5]


@pytest.mark.parametrize(
    ("raw_field", "field"), [("datePublishedRaw", "datePublished"), ("dateModifiedRaw", "dateModified")]
)
def test_raw_dates_denote_the_truth_instant(raw_field: str, field: str) -> None:
    dates = pytest.importorskip("newscrawl.extract.dates")
    wrong = []
    for i in _indices():
        truth = _truth(i)
        if truth is None:
            continue
        raw = _item(i)[raw_field]
        parsed = dates.parse_date(raw) if raw else None
        got, want = (parsed.value if parsed else None), truth[field]
        same = got == want or (got and want and "T" in got and "T" in want
                               and datetime.fromisoformat(got) == datetime.fromisoformat(want))
        if not same:
            wrong.append((i, raw, got, want))
    assert not wrong, wrong[:5]
