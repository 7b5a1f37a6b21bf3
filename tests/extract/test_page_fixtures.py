"""Saved-page fixtures for ``ArticlePage``: one generated test per case and field.

Each ``tests/fixtures/pages/<case>/`` holds ``input.html`` (bytes exactly as served) and
``expected.json``::

    {"url": "...",                      # the URL the page was fetched from
     "headers": {...},                  # optional response headers
     "item": {"<field>": value, ...},   # exact expected to_item() values
     "structured_bodies": [{"method": ..., "text": ...}],  # optional: ArticlePage.structured_bodies()
     "body_contains": [...], "body_excludes": [...],       # optional: checks on articleBody
     "body_method_prefix": "html-generic",                 # optional: family of bodyMethod
     "line": {"<field>": value, ...},   # optional: exact values of the crawl's line (process_page:
                                        # dates normalised, boilerplate stripped), downloaded at fetchedAt
     "requestUrl": "...", "status": 200, "fetchedAt": "2026-11-27T08:00:03Z", "sampledFrom": "rss"}
                                        # how `newscrawl doctor --save` fetched the page

Body checks on HTML-only pages are containment checks: the generic extractor (extract/body.py)
and the boilerplate stage decide the exact text, this page object only wires them. A case the
doctor saved checks the exact body of the crawl's line instead.

``PAGE_FIXTURES=DIR`` runs these tests on the cases in DIR instead (a ``--save`` folder, before
its cases are copied here).
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from newscrawl.extract.page import ArticlePage
from newscrawl.processing import process_page

DEFAULT_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
FIXTURES = Path(os.environ.get("PAGE_FIXTURES") or DEFAULT_FIXTURES)
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.json").is_file())
KEYS = {"url", "headers", "item", "structured_bodies", "body_contains", "body_excludes", "body_method_prefix",
        "line", "requestUrl", "status", "fetchedAt", "sampledFrom"}


def _expected(case: str) -> dict[str, Any]:
    return json.loads((FIXTURES / case / "expected.json").read_text("utf-8"))


@cache
def _run(case: str) -> tuple[dict[str, Any], list[dict[str, str]]]:
    exp = _expected(case)
    page = ArticlePage(exp["url"], (FIXTURES / case / "input.html").read_bytes(), headers=exp.get("headers"))
    structured = [{"method": b.method, "text": b.text} for b in page.structured_bodies()]
    return page.to_item(), structured


@cache
def _line(case: str) -> dict[str, Any]:
    exp = _expected(case)
    fetched = exp.get("fetchedAt")
    downloaded = datetime.fromisoformat(fetched.replace("Z", "+00:00")) if fetched else None
    return process_page(exp["url"], (FIXTURES / case / "input.html").read_bytes(), headers=exp.get("headers"),
                        downloaded=downloaded)


def _params(key: str) -> list[Any]:
    out = []
    for case in CASES:
        exp = _expected(case)
        if key in ("item", "line"):
            out.extend(pytest.param(case, field, value, id=f"{case}-{field}")
                       for field, value in exp.get(key, {}).items())
        elif key in exp:
            out.extend(pytest.param(case, value, id=f"{case}-{i}") for i, value in enumerate(exp[key]))
    return out


def test_fixture_cases_exist() -> None:
    assert len(CASES) >= (10 if FIXTURES == DEFAULT_FIXTURES else 1)


@pytest.mark.parametrize("case", CASES)
def test_expected_keys_are_known(case: str) -> None:
    """A misspelt key would silently check nothing."""
    assert set(_expected(case)) <= KEYS


@pytest.mark.parametrize(("case", "field", "expected"), _params("item"))
def test_field(case: str, field: str, expected: Any) -> None:
    item, _ = _run(case)
    assert item[field] == expected


@pytest.mark.parametrize(("case", "field", "expected"), _params("line"))
def test_line_field(case: str, field: str, expected: Any) -> None:
    assert _line(case)[field] == expected


@pytest.mark.parametrize("case", CASES)
def test_item_keys_and_url(case: str) -> None:
    item, _ = _run(case)
    assert set(item) == {
        "url", "canonicalUrl", "headline", "description", "authors", "datePublishedRaw", "dateModifiedRaw",
        "articleBody", "bodyMethod", "section", "breadcrumbs", "keywords", "inLanguage", "mainImage", "pageType",
        "provenance",
    }
    assert item["url"] == _expected(case)["url"]


@pytest.mark.parametrize("case", [c for c in CASES if "structured_bodies" in _expected(c)])
def test_structured_bodies(case: str) -> None:
    _, structured = _run(case)
    assert structured == _expected(case)["structured_bodies"]


@pytest.mark.parametrize(("case", "snippet"), _params("body_contains"))
def test_body_contains(case: str, snippet: str) -> None:
    item, _ = _run(case)
    assert snippet in (item["articleBody"] or "")


@pytest.mark.parametrize("case", [c for c in CASES if "body_method_prefix" in _expected(c)])
def test_body_method_family(case: str) -> None:
    item, _ = _run(case)
    assert (item["bodyMethod"] or "").startswith(_expected(case)["body_method_prefix"])


@pytest.mark.parametrize(("case", "snippet"), _params("body_excludes"))
def test_body_excludes(case: str, snippet: str) -> None:
    item, _ = _run(case)
    assert item["articleBody"], "no body extracted"
    assert snippet not in item["articleBody"]
