"""DuplicatesPipeline (after IdentityPipeline, as in a crawl) through a real Scrapy crawler and its stats."""

from __future__ import annotations

from typing import Any

import pytest
from newscrawl.dedup import MemoryStore
from newscrawl.extract.fingerprint import content_fingerprint
from newscrawl.pipelines.duplicates import DuplicatesPipeline
from newscrawl.pipelines.identity import IdentityPipeline
from scrapy import Spider
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler

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


class Pipelines:
    """Identity then duplicates, sharing one crawler's settings and stats."""

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        crawler = get_crawler(Spider, settings or {})
        self.identity = IdentityPipeline.from_crawler(crawler)
        self.duplicates = DuplicatesPipeline.from_crawler(crawler)
        self.stats = crawler.stats

    @property
    def index(self) -> Any:
        return self.duplicates.index


def make_pipeline(settings: dict[str, Any] | None = None) -> tuple[Pipelines, Any]:
    pipes = Pipelines(settings)
    return pipes, pipes.stats


def article(path: str, body: str, canonical: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"url": SITE + path, "canonicalUrl": canonical, "headline": "H", "articleBody": body, **extra}


def run(pipes: Pipelines, item: Any) -> str:
    try:
        pipes.duplicates.process_item(pipes.identity.process_item(item))
    except DropItem as exc:
        return str(exc)
    return "kept"


def stat(stats: Any, name: str) -> int:
    return stats.get_value(f"newscrawl/duplicates/{name}", 0)


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


def test_missing_or_odd_body_does_not_crash() -> None:
    pipeline, stats = make_pipeline()
    item: dict[str, Any] = {"url": SITE + "/view/a"}
    assert run(pipeline, item) == "kept"
    assert item["fingerprint"] == content_fingerprint("")
    assert run(pipeline, {"url": SITE + "/view/b", "articleBody": 42}) == "kept"
    assert item["fingerprint"] == pipeline.index.store.get(item["id"]).fingerprint
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


def test_item_without_identity_is_a_clear_error() -> None:
    pipes, _ = make_pipeline()
    with pytest.raises(ValueError, match="identity pipeline"):
        pipes.duplicates.process_item(article("/view/a", BODY_A))


def test_store_setting_and_previous_runs() -> None:
    first, _ = make_pipeline({"NEWSCRAWL_DEDUP_STORE": "newscrawl.dedup.MemoryStore"})
    assert isinstance(first.index.store, MemoryStore)
    assert run(first, article("/view/a", BODY_A, dateModified="2025-06-01")) == "kept"
    assert run(first, article("/view/b", BODY_B)) == "kept"
    state = first.index.export_state()

    second, stats = make_pipeline()
    second.index.import_state(state)
    # a copy of an earlier run's article under another URL is a duplicate
    assert run(second, article("/view/c", BODY_A)) == "duplicate_body"
    # an earlier run's article is never a duplicate of itself: unchanged or not is the state's call
    assert run(second, article("/view/a", BODY_A, dateModified="2025-06-01")) == "kept"
    assert run(second, article("/view/b", BODY_B + " Updated.")) == "kept"
    # the same article again under one of its URLs in this run is a duplicate
    assert run(second, article("/view/a/", BODY_A)) == "duplicate_url"
    assert stat(stats, "update") == 2
    assert stat(stats, "previous_run") == 1
    assert stat(stats, "kept") == 2
