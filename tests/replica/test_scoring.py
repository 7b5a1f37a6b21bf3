"""Scoring a crawl's lines against the twin's truth (the crawl test's and crawl benchmark's measures)."""

from __future__ import annotations

import pytest
from newscrawl.replica import truth_records
from newscrawl.replica.scoring import leaked_phrases, score, token_f1

BASE = "http://twin"


def record(path: str, body: str, day: str, variants: list[dict] | None = None) -> dict:
    return {"canonicalUrl": BASE + path, "articleBody": body, "datePublished": day,
            "headline": "h", "authors": [], "dateModified": None, "variants": variants or []}


TRUTH = [
    record("/view/one", "alpha beta gamma delta", "2025-06-01T09:00:00-04:00",
           [{"url": BASE + "/view/one?utm_source=x", "kind": "tracking"},
            {"url": BASE + "/view/one-copy", "kind": "near-copy", "articleBody": "alpha beta gamma epsilon",
             "datePublished": "2025-05-30"}]),
    record("/view/two", "zeta eta theta", "2025-06-02"),
]


def test_token_f1() -> None:
    assert token_f1("Alpha, beta!", "alpha beta") == 1.0
    assert token_f1("alpha", "beta") == 0.0
    assert token_f1("alpha beta", "alpha") == pytest.approx(2 / 3)


def test_leaked_phrases_are_case_folded() -> None:
    assert leaked_phrases("text. WE USE COOKIES to ... Privacy Policy") == ["We use cookies", "Privacy Policy"]
    assert leaked_phrases("clean text") == []


def test_score_counts_copies_variants_non_articles_leaks_and_days() -> None:
    lines = [
        {"url": BASE + "/view/one", "articleBody": "alpha beta gamma delta", "datePublished": "2025-06-01"},
        {"url": BASE + "/view/one?utm_source=x", "articleBody": "alpha beta gamma delta",
         "datePublished": "2025-06-01T13:00:00Z"},
        {"url": BASE + "/view/one-copy", "articleBody": "alpha beta gamma epsilon", "datePublished": "2025-05-30"},
        {"url": BASE + "/view/a-video", "articleBody": "Subscribe", "datePublished": None},
        {"url": BASE + "/view/other", "canonicalUrl": BASE + "/view/two",
         "articleBody": "zeta eta theta Advertisement", "datePublished": "2025-06-03"},
    ]
    got = score(lines, TRUTH)
    assert (got.lines, got.unique_articles, got.written_twice, got.non_articles) == (5, 2, 2, 1)
    assert got.boilerplate_leaks == 2
    assert got.body_f1_mean == pytest.approx((1 + 1 + 1 + 2 * 3 / 4 / (3 / 4 + 1)) / 4)
    assert got.day_right == 3 / 4  # the last line's day is not the truth's


def test_the_truth_scores_itself_perfectly() -> None:
    truth = list(truth_records(articles=200, seed=7, base_url=BASE))
    got = score(({"url": r["canonicalUrl"], **r} for r in truth), truth)
    assert (got.unique_articles, got.written_twice, got.non_articles, got.boilerplate_leaks) == (len(truth), 0, 0, 0)
    assert got.body_f1_mean == 1.0 and got.day_right == 1.0
