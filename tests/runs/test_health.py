"""The run's extraction health and the drift alarm (pure functions)."""

from __future__ import annotations

from typing import Any

from newscrawl.run.health import (
    GENERIC_BODY,
    HEADLINE_MISMATCH,
    NO_AUTHOR,
    DriftConfig,
    Health,
    drift_reasons,
    title_disagrees,
)

CONFIG = DriftConfig(enabled=True, runs=3, max_change=0.2, min_articles=10,
                     floors={GENERIC_BODY: 0.6, NO_AUTHOR: 0.5, HEADLINE_MISMATCH: 0.2})


def health(articles: int = 100, **shares: float) -> dict[str, Any]:
    return {"articles": articles, "shares": {GENERIC_BODY: 0.4, NO_AUTHOR: 0.1, **shares}}


def test_health_counts_shares_by_body_method_and_missing_fields() -> None:
    h = Health()
    for method in ("nextjs-portable-text", "html-generic", "html-generic-merged", "jsonld"):
        h.add(body_method=method, date_published="2025-06-02", authors=[{"name": "A"}], body="text", mismatch=False)
    h.add(body_method="jsonld", date_published=None, authors=[], body="text", mismatch=True)
    h.add_empty()  # dropped for an empty body
    shares = h.as_dict()["shares"]
    assert h.articles == 6
    assert shares[GENERIC_BODY] == round(2 / 6, 4)
    assert shares["bodyMethod:jsonld"] == round(2 / 6, 4)
    assert shares["noDatePublished"] == round(1 / 6, 4)
    assert shares[NO_AUTHOR] == round(1 / 6, 4)
    assert shares["emptyBody"] == round(1 / 6, 4)
    assert shares[HEADLINE_MISMATCH] == round(1 / 6, 4)


def test_a_share_that_moves_past_the_threshold_names_the_field_and_both_numbers() -> None:
    history = [health(**{GENERIC_BODY: v}) for v in (0.40, 0.45, 0.90)]  # newest first; median 0.45
    assert drift_reasons(health(**{GENERIC_BODY: 0.60}), history, CONFIG) == []
    (reason,) = drift_reasons(health(**{GENERIC_BODY: 0.70}), history, CONFIG)
    assert GENERIC_BODY in reason and "0.70" in reason and "0.45" in reason and "3 run(s)" in reason


def test_only_the_last_runs_with_enough_articles_count() -> None:
    small, usual, old = health(5, **{GENERIC_BODY: 1.0}), health(**{GENERIC_BODY: 0.4}), health(**{GENERIC_BODY: 1.0})
    history = [small] + [usual] * 3 + [old] * 5
    assert drift_reasons(health(**{GENERIC_BODY: 0.5}), history, CONFIG) == []  # median of the 3 newest big runs
    assert drift_reasons(health(5, **{GENERIC_BODY: 1.0}), history, CONFIG) == []  # too small to judge


def test_the_first_run_is_held_against_the_floors() -> None:
    assert drift_reasons(health(), [], CONFIG) == []
    reasons = drift_reasons(health(**{NO_AUTHOR: 0.7, HEADLINE_MISMATCH: 0.5}), [health(3)], CONFIG)
    assert len(reasons) == 2 and all("first-run floor" in r for r in reasons)
    assert any(NO_AUTHOR in r and "0.70" in r and "0.50" in r for r in reasons)


def test_switched_off() -> None:
    off = DriftConfig(enabled=False, runs=3, max_change=0.2, min_articles=10, floors={GENERIC_BODY: 0.1})
    assert drift_reasons(health(), [], off) == []


def test_title_disagreement_is_read_from_the_page_objects_cross_check() -> None:
    assert title_disagrees({"headline": {"source": "jsonld", "disagree": ["title"]}})
    assert not title_disagrees({"headline": {"source": "jsonld", "disagree": ["og_title"]}})
    assert not title_disagrees({"headline": {"source": "jsonld", "disagree": []}})
    assert not title_disagrees(None)
