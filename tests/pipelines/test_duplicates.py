"""Tests of DuplicatesPipeline through a real Scrapy crawler object and its stats."""

from __future__ import annotations

from typing import Any

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler

from newscrawl.dedup import MemoryStore
from newscrawl.extract.fingerprint import content_fingerprint
from newscrawl.extract.urls import article_id
from newscrawl.items import Article
from newscrawl.pipelines.duplicates import DuplicatesPipeline

SITE = "https://www.cancernetwork.com"
BODY_A = " ".join(
    [
        "The recommended primary treatment approach for women with metastatic breast cancer and an",
        "intact primary tumor is the use of systemic therapy. Local therapy of the primary tumor is",
        "recommended only for palliation of symptoms. However, a series of retrospective studies",
        "examining practice patterns for this problem show that about half the women presenting with",
        "de novo metastatic disease undergo resection of the primary tumor, and suggest that women so",
        "treated survive longer than those who do not undergo resection of the intact primary.",
    ]
)
BODY_B = " ".join(
    [
        "Camizestrant and continued CDK4/6 inhibition delayed time to deterioration in quality of life",
        "compared with standard-of-care aromatase inhibitor therapy in patients with ER-positive,",
        "HER2-negative advanced breast cancer who had an emergent ESR1 mutation detected by circulating",
        "tumor DNA monitoring, according to patient-reported outcome data from the phase 3 SERENA-6 trial.",
    ]
)


def make_pipeline(settings: dict[str, Any] | None = None) -> tuple[DuplicatesPipeline, Any]:
    crawler = get_crawler(Spider, settings or {})
    return DuplicatesPipeline.from_crawler(crawler), crawler.stats


def article(path: str, body: str, canonical: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"url": SITE + path, "canonicalUrl": canonical, "headline": "H", "articleBody": body, **extra}


def run(pipeline: DuplicatesPipeline, item: Any) -> str:
    try:
        pipeline.process_item(item)
    except DropItem as exc:
        return str(exc)
    return "kept"


def stat(stats: Any, name: str) -> int:
    return stats.get_value(f"newscrawl/duplicates/{name}", 0)


def test_sets_canonical_id_fingerprint() -> None:
    pipeline, stats = make_pipeline()
    item = Article(**article("/view/Some-Slug/?utm_source=rss#x", BODY_A, canonical="/view/some-slug/amp"))
    assert pipeline.process_item(item) is item
    assert item["canonicalUrl"] == SITE + "/view/some-slug"
    assert item["id"] == article_id(SITE + "/view/some-slug")
    assert item["fingerprint"] == content_fingerprint(BODY_A)
    assert item["url"] == SITE + "/view/Some-Slug/?utm_source=rss#x"  # fetched URL untouched
    assert stat(stats, "kept") == 1


def test_drops_each_kind_first_seen_wins_and_counts() -> None:
    pipeline, stats = make_pipeline()
    outcomes = [
        run(pipeline, article("/view/x", BODY_A, canonical=SITE + "/view/x")),
        # same id arriving twice: /view/x/ with canonical /view/x
        run(pipeline, article("/view/x/", BODY_A, canonical=SITE + "/view/x")),
        # URL variants without a canonical
        run(pipeline, article("/view/X?fbclid=1", "something else " * 20)),
        run(pipeline, article("/view/x/amp", BODY_A)),
        # same body, another title and URL
        run(pipeline, article("/view/another-title", BODY_A, headline="Another title")),
        # near-copy: a fixed typo and an added sentence
        run(pipeline, article("/view/copy", BODY_A.replace("palliation", "paliation") + " A new sentence.")),
        run(pipeline, article("/view/b", BODY_B)),
    ]
    assert outcomes == [
        "kept", "duplicate_url", "duplicate_url", "duplicate_url", "duplicate_body", "near_duplicate", "kept",
    ]
    assert stat(stats, "kept") == 2
    assert stat(stats, "duplicate_url") == 3
    assert stat(stats, "duplicate_body") == 1
    assert stat(stats, "near_duplicate") == 1


def test_lowercase_paths_setting() -> None:
    on, _ = make_pipeline({"NEWSCRAWL_LOWERCASE_PATHS": True})
    off, off_stats = make_pipeline({"NEWSCRAWL_LOWERCASE_PATHS": False})
    assert run(on, article("/view/Case", BODY_A)) == "kept"
    assert run(on, article("/view/case", BODY_B)) == "duplicate_url"
    assert run(off, article("/view/Case", BODY_A)) == "kept"
    item = article("/view/case", BODY_B)
    assert run(off, item) == "kept"
    assert item["canonicalUrl"] == SITE + "/view/case"
    assert stat(off_stats, "kept") == 2


@pytest.mark.parametrize(
    ("canonical", "expected", "counter"),
    [
        ("https://www.targetedonc.com/view/x", SITE + "/view/page", "canonical_offsite"),
        (SITE + "/", SITE + "/view/page", "canonical_root"),
        ("mailto:editor@example.org", SITE + "/view/page", "canonical_invalid"),
        ("http://[bad", SITE + "/view/page", "canonical_invalid"),
        ("/view/other-slug", SITE + "/view/other-slug", None),
        ("http://cancernetwork.com/view/other-slug/", "http://cancernetwork.com/view/other-slug", None),
        ("", SITE + "/view/page", None),
        (None, SITE + "/view/page", None),
    ],
)
def test_declared_canonical_is_checked(canonical: str | None, expected: str, counter: str | None) -> None:
    pipeline, stats = make_pipeline()
    item = article("/view/page", BODY_A, canonical=canonical)
    assert run(pipeline, item) == "kept"
    assert item["canonicalUrl"] == expected
    if counter:
        assert stat(stats, counter) == 1


def test_bad_url_dropped_and_counted() -> None:
    pipeline, stats = make_pipeline()
    assert run(pipeline, {"url": "not a url", "articleBody": BODY_A}) == "bad_url"
    assert run(pipeline, {"url": None, "articleBody": BODY_A}) == "bad_url"
    assert stat(stats, "bad_url") == 2


def test_missing_or_odd_body_does_not_crash() -> None:
    pipeline, stats = make_pipeline()
    item: dict[str, Any] = {"url": SITE + "/view/a"}
    assert run(pipeline, item) == "kept"
    assert item["fingerprint"] == content_fingerprint("")
    assert run(pipeline, {"url": SITE + "/view/b", "articleBody": 42}) == "kept"
    # empty bodies are never "the same body"
    assert stat(stats, "kept") == 2


def test_threshold_setting() -> None:
    copy = BODY_A.replace("palliation", "paliation") + " A new sentence."
    strict, _ = make_pipeline({"NEWSCRAWL_DEDUP_NEAR_THRESHOLD": 0.99})
    assert strict.index.near_threshold == 0.99
    assert run(strict, article("/view/a", BODY_A)) == "kept"
    assert run(strict, article("/view/copy", copy)) == "kept"
    loose, _ = make_pipeline({"NEWSCRAWL_DEDUP_NEAR_THRESHOLD": "0.5"})
    assert run(loose, article("/view/a", BODY_A)) == "kept"
    assert run(loose, article("/view/copy", copy)) == "near_duplicate"


@pytest.mark.parametrize("bad", [0, -1, 1.5, "high", [0.5]])
def test_bad_threshold_raises(bad: Any) -> None:
    with pytest.raises(ValueError, match="NEWSCRAWL_DEDUP_NEAR_THRESHOLD"):
        make_pipeline({"NEWSCRAWL_DEDUP_NEAR_THRESHOLD": bad})


@pytest.mark.parametrize("value", [False, "False", "0"])
def test_disabled_raises_not_configured(value: Any) -> None:
    with pytest.raises(NotConfigured):
        make_pipeline({"NEWSCRAWL_DEDUP_ENABLED": value})


def test_store_setting_and_previous_runs() -> None:
    first, _ = make_pipeline({"NEWSCRAWL_DEDUP_STORE": "newscrawl.dedup.MemoryStore"})
    assert isinstance(first.index.store, MemoryStore)
    assert run(first, article("/view/a", BODY_A, dateModified="2025-06-01")) == "kept"
    assert run(first, article("/view/b", BODY_B)) == "kept"
    state = first.index.export_state()

    second, stats = make_pipeline()
    second.index.import_state(state)
    assert run(second, article("/view/a", BODY_A, dateModified="2025-06-01")) == "duplicate_url"
    assert run(second, article("/view/b", BODY_B + " Updated.")) == "kept"
    assert run(second, article("/view/c", BODY_A)) == "duplicate_body"
    assert stat(stats, "update") == 1
    assert stat(stats, "previous_run") == 2
    assert stat(stats, "kept") == 1
