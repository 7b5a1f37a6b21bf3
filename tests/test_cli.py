"""`newscrawl extract` as an operator runs it: a real subprocess on saved pages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from jsonschema import Draft202012Validator
from newscrawl.items import ARTICLE_FIELDS, article_schema

PAGES = Path(__file__).parent / "fixtures" / "pages"
ROOT = Path(__file__).parents[1]


def newscrawl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newscrawl.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_extract_one_saved_page_with_url() -> None:
    case = PAGES / "nextjs_portable_text_graph"
    url = json.loads((case / "expected.json").read_text("utf-8"))["url"]
    done = newscrawl("extract", str(case / "input.html"), "--url", url)
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    item = json.loads(line)
    assert list(item) == [*ARTICLE_FIELDS, "pageType"]
    assert item["url"] == url and item["pageType"] == "article"
    article = {k: v for k, v in item.items() if k != "pageType"}
    assert not [e.message for e in Draft202012Validator(article_schema()).iter_errors(article)]


def test_extract_several_pages_takes_urls_from_their_canonical_links() -> None:
    cases = [PAGES / "opengraph_meta_only", PAGES / "legacy_journal_2007"]
    done = newscrawl("extract", *(str(c / "input.html") for c in cases))
    assert done.returncode == 0, done.stderr
    with_link, without_link = [json.loads(line) for line in done.stdout.splitlines()]
    assert with_link["url"].startswith("https://www.cancernetwork.com/view/"), with_link["url"]
    assert without_link["url"] == (cases[1] / "input.html").resolve().as_uri()  # no link: the file
    for item in (with_link, without_link):
        assert item["articleBody"] and item["headline"]


def test_unreadable_source_is_reported_and_the_rest_still_extracted(tmp_path: Path) -> None:
    good = PAGES / "opengraph_meta_only" / "input.html"
    done = newscrawl("extract", str(tmp_path / "missing.html"), str(good))
    assert done.returncode == 4
    assert "cannot read" in done.stderr and "missing.html" in done.stderr
    assert len(done.stdout.splitlines()) == 1


def test_bad_usage_exits_2() -> None:
    assert newscrawl().returncode == 2
    page = str(PAGES / "opengraph_meta_only" / "input.html")
    done = newscrawl("extract", page, page, "--url", "https://x.org/view/a")
    assert done.returncode == 2 and "--url" in done.stderr


def test_a_url_that_is_not_http_is_a_clear_error_not_a_crash() -> None:
    """A page given a URL with another scheme (a typo, ``xhttps://``) has no identity: the
    command says so, exits 4 and prints no line for it."""
    page = str(PAGES / "opengraph_meta_only" / "input.html")
    done = newscrawl("extract", page, "--url", "xhttps://www.example.com/view/a")
    assert done.returncode == 4
    assert done.stdout == ""
    assert "not an absolute http(s) URL" in done.stderr
    assert "Traceback" not in done.stderr
