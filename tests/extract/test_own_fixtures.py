"""Saved pages whose structured data or markup also describes other articles: the export holds
the page's own headline, date and body, never another article's.

Two sets of hand-written pages, each ``<case>/input.html`` + ``expected.json``
(``{"url", "item": {<exported field>: value}, "body_contains": [...], "body_excludes": [...]}``):

- ``tests/fixtures/own``: the shapes on pages of several CMSs (WordPress with a related-posts
  JSON-LD block, a Next.js blog with ``morePosts``, Contentful entries, Drupal with an ItemList
  and a VideoObject, a JSON-LD array of two articles without URLs, a static site whose teaser
  cards carry their own h1 and ``<time>``);
- ``tests/fixtures/cancernetwork``: CancerNetwork-like pages (rails of other articles in the
  Next.js data and JSON-LD, doubled teaser titles, ordinal dates, " | CancerNetwork" titles).

Each page runs through :func:`newscrawl.processing.process_page`, what ``newscrawl extract``
runs. ``benchmarks/own_article_bench.py`` prints the same checks as a table.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from newscrawl.extract.parsing import iter_dicts, parse_html, parse_json_lenient
from newscrawl.processing import process_page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CASES = sorted(p.parent for d in ("own", "cancernetwork") for p in (FIXTURES / d).glob("*/expected.json"))
IDS = [f"{c.parent.name}/{c.name}" for c in CASES]
_DATE_KEY = re.compile(r"date|published", re.I)


def expected(case: Path) -> dict[str, Any]:
    return json.loads((case / "expected.json").read_text("utf-8"))


@cache
def run(case: Path) -> dict[str, Any]:
    return process_page(expected(case)["url"], (case / "input.html").read_bytes())


def test_both_sets_are_there() -> None:
    assert sum(c.parent.name == "own" for c in CASES) >= 6
    assert 8 <= sum(c.parent.name == "cancernetwork" for c in CASES) <= 12


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_exports_the_pages_own_fields(case: Path) -> None:
    item = run(case)
    want = expected(case)["item"]
    assert {k: item[k] for k in want} == want


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_body_is_the_pages_own(case: Path) -> None:
    exp, body = expected(case), run(case)["articleBody"] or ""
    for snippet in exp.get("body_contains", []):
        assert snippet in body
    for snippet in exp.get("body_excludes", []):
        assert snippet not in body


def titled_dated_objects(html: bytes) -> set[str]:
    """Titles of the dated objects the page's JSON-LD and Next.js data hold (read here without
    the extractor, so that the test cannot agree with it by construction)."""
    tree = parse_html(html.decode("utf-8"))
    titles: set[str] = set()
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "") and script.get("id") != "__NEXT_DATA__":
            continue
        for value in parse_json_lenient(script.text or ""):
            for obj in iter_dicts(value):
                title = next((obj[k] for k in ("headline", "title") if isinstance(obj.get(k), str)), None)
                if title and any(_DATE_KEY.search(k) and isinstance(v, str) for k, v in obj.items()):
                    titles.add(title)
    return titles


@pytest.mark.parametrize("case", [c for c in CASES if len(titled_dated_objects((c / "input.html").read_bytes())) > 1],
                         ids=lambda c: f"{c.parent.name}/{c.name}")
def test_structured_data_lists_other_articles_and_the_export_is_still_the_pages_own(case: Path) -> None:
    titles = titled_dated_objects((case / "input.html").read_bytes())
    own = expected(case)["item"]["headline"]
    assert len(titles - {own}) >= 1  # other articles' titles and dates are there to be taken
    item = run(case)
    assert item["headline"] == own and item["headline"] not in titles - {own}
    assert item["datePublished"][:10] == expected(case)["item"]["datePublished"][:10]


def test_most_pages_list_other_articles_in_their_structured_data() -> None:
    listing = [c for c in CASES if len(titled_dated_objects((c / "input.html").read_bytes())) > 1]
    assert len(listing) >= 12
