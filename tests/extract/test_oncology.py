"""trialIds and meetings: the pure finders, saved fixture pages and the twin's pages against its truth."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from newscrawl.extract.oncology import find_meetings, find_trial_ids
from newscrawl.processing import process_page
from newscrawl.replica import model as replica_model
from newscrawl.replica import render as replica_render
from newscrawl.replica import truth as replica_truth

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "oncology"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.json").is_file())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the KEYNOTE-522 trial (NCT03036488) and NCT04379596", ["NCT03036488", "NCT04379596"]),
        ("NCT03036488, again NCT03036488 and nct03036488", ["NCT03036488"]),  # unique, upper case
        ("registered as NCT 04379596.", ["NCT04379596"]),
        ("https://clinicaltrials.gov/study/NCT05000001?tab=results", ["NCT05000001"]),
        ("NCT0300000 (7 digits), NCT030000001 (9 digits), XNCT03000000", []),
        ("", []),
    ],
)
def test_find_trial_ids(text: str, expected: list[str]) -> None:
    assert find_trial_ids(text) == expected


def m(name: str, year: int | None = None) -> dict[str, Any]:
    return {"name": name, "year": year}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("presented at the 2025 ASCO Annual Meeting", [m("ASCO Annual Meeting", 2025)]),
        ("data from the ASCO 2025 Annual Meeting", [m("ASCO Annual Meeting", 2025)]),
        ("at ESMO Congress 2024 and then the ESMO GI 2024 congress", [m("ESMO Congress", 2024), m("ESMO GI", 2024)]),
        ("ESMO 2023: the highlights", [m("ESMO Congress", 2023)]),
        ("At the 66th ASH Annual Meeting and Exposition", [m("ASH Annual Meeting")]),
        ("the 2024 San Antonio Breast Cancer Symposium (SABCS)", [m("SABCS", 2024)]),
        ("results shown at SABCS", [m("SABCS")]),
        ("AACR 2025 Annual Meeting; ASTRO 2024", [m("AACR Annual Meeting", 2025), m("ASTRO Annual Meeting", 2024)]),
        ("the American Society of Clinical Oncology (ASCO) Annual Meeting 2025", [m("ASCO Annual Meeting", 2025)]),
        ("the 2025 ASCO Genitourinary Cancers Symposium and ASCO GI",
         [m("ASCO Genitourinary Cancers Symposium", 2025), m("ASCO Gastrointestinal Cancers Symposium")]),
        ("Presented at: IASLC World Conference on Lung Cancer; 2025.", [m("WCLC", 2025)]),
        # the same meeting once; a mention without a year gives way to one with a year
        ("at ASCO, as shown at the 2025 ASCO Annual Meeting and at ASCO 2024",
         [m("ASCO Annual Meeting", 2025), m("ASCO Annual Meeting", 2024)]),
        # a society is not its meeting; acronyms count in capitals only
        ("ASCO guidelines recommend it; ASH recommends; the ash cloud; Astro; esmo", []),
    ],
)
def test_find_meetings(text: str, expected: list[dict[str, Any]]) -> None:
    assert find_meetings(text) == expected


def test_find_meetings_reads_headline_before_body() -> None:
    assert find_meetings("ESMO 2024: New Data", "Presented at SABCS.") == [m("ESMO Congress", 2024), m("SABCS")]


# -- saved pages: the crawl's steps (extraction, boilerplate) then the fields ---------------

def test_fixture_cases_exist() -> None:
    assert len(CASES) >= 2


@pytest.mark.parametrize("case", CASES)
def test_fixture_page(case: str) -> None:
    expected = json.loads((FIXTURES / case / "expected.json").read_text("utf-8"))
    item = process_page(expected["url"], (FIXTURES / case / "input.html").read_bytes())
    assert item["trialIds"] == expected["trialIds"]
    assert item["meetings"] == expected["meetings"]


# -- the twin: every article page against the truth ---------------------------------------

@lru_cache(maxsize=1)
def _site() -> tuple[Any, Any]:
    site = replica_model.Site(160, seed=3)
    return site, replica_render.Links(site, "http://127.0.0.1:8000")


def test_twin_articles_match_truth() -> None:
    site, links = _site()
    checked = with_trials = with_meetings = with_years = 0
    wrong = []
    for i in range(site.count):
        if not replica_truth.is_unique_article(site, i):
            continue
        truth = replica_truth.truth_record(site, links, i)
        html = replica_render.render_article(links, site.article(i))
        item = process_page(links.view(i), html.encode("utf-8"))
        got = (item["trialIds"], item["meetings"])
        if got != (truth["trialIds"], truth["meetings"]):
            wrong.append((i, got, truth["trialIds"], truth["meetings"]))
        checked += 1
        with_trials += bool(truth["trialIds"])
        with_meetings += bool(truth["meetings"])
        with_years += any(x["year"] for x in truth["meetings"])
    assert not wrong, wrong[:5]
    # the sample exercises both fields, with and without years
    assert checked > 120 and with_trials > 20 and with_meetings > 50 and with_years > 20, (
        checked, with_trials, with_meetings, with_years)


def test_meetings_are_found_paragraph_by_paragraph_in_text_order() -> None:
    body = "Intro without one.\n\nData from the 2025 ASCO Annual Meeting.\n\nLater, at ESMO 2024, more."
    assert find_meetings(None, body) == [{"name": "ASCO Annual Meeting", "year": 2025},
                                         {"name": "ESMO Congress", "year": 2024}]


def test_a_blank_line_ends_a_mention() -> None:
    # the acronym alone is the society; a meeting word after a blank line is another paragraph
    assert find_meetings("ASCO\n\nAnnual Meeting") == []
    assert find_meetings("ASCO\nAnnual Meeting") == [{"name": "ASCO Annual Meeting", "year": None}]
