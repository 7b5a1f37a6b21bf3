"""DuplicatesPipeline (after IdentityPipeline, as in a crawl) through a real Scrapy crawler, its
signals and stats: every item is staged, and at ``close_spider`` each group's original is released
(``item_scraped``) and every other page dropped (``item_dropped``) with its reason."""

from __future__ import annotations

import random
from typing import Any

import pytest
from newscrawl.dedup import MemoryStore
from newscrawl.drops import Staged, reason_of
from newscrawl.extract.fingerprint import content_fingerprint
from newscrawl.pipelines.duplicates import DuplicatesPipeline
from newscrawl.pipelines.identity import IdentityPipeline
from scrapy import Spider, signals
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
    """Identity then duplicates, sharing one crawler's settings, signals and stats."""

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        crawler = get_crawler(Spider, settings or {})
        self.identity = IdentityPipeline.from_crawler(crawler)
        self.duplicates = DuplicatesPipeline.from_crawler(crawler)
        self.stats = crawler.stats
        self.outcomes: dict[str, str] = {}
        self.exported: list[dict[str, Any]] = []
        crawler.signals.connect(self._scraped, signal=signals.item_scraped)
        crawler.signals.connect(self._dropped, signal=signals.item_dropped)

    def _scraped(self, item: Any) -> None:
        self.outcomes[item["url"]] = "kept"
        self.exported.append(dict(item))

    def _dropped(self, item: Any, exception: BaseException) -> None:
        self.outcomes[item["url"]] = reason_of(exception).name

    @property
    def index(self) -> Any:
        return self.duplicates.index

    def stage(self, item: Any) -> str:
        """The item through identity and the duplicates stage: "staged" or the drop reason."""
        try:
            self.duplicates.process_item(self.identity.process_item(item))
        except Staged:
            return "staged"
        except DropItem as exc:
            return reason_of(exc).name
        raise AssertionError("the duplicates stage passed an item on")

    def run(self, *items: Any) -> list[str]:
        """Stage every item, then end the run: each item's outcome, in the order given."""
        assert [self.stage(it) for it in items] == ["staged"] * len(items)
        self.duplicates.close_spider()
        return [self.outcomes[it["url"]] for it in items]


def make_pipeline(settings: dict[str, Any] | None = None) -> tuple[Pipelines, Any]:
    pipes = Pipelines(settings)
    return pipes, pipes.stats


def article(path: str, body: str, canonical: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"url": SITE + path, "canonicalUrl": canonical, "headline": "H", "articleBody": body, **extra}


def stat(stats: Any, name: str) -> int:
    return stats.get_value(f"newscrawl/duplicates/{name}", 0)


BODY_C = " ".join(
    [
        "Adjuvant osimertinib after complete resection reduced the risk of disease recurrence or death",
        "in patients with EGFR-mutated stage IB to IIIA non-small cell lung cancer, and the benefit in",
        "disease-free survival translated into longer overall survival in the final analysis of the trial.",
    ]
)
BODY_D = BODY_A.replace("metastatic breast cancer", "metastatic prostate cancer").replace("women", "men")


def copies() -> list[tuple[dict[str, Any], str]]:
    """Pages of four articles with their expected outcome: the original of each group is kept."""
    near = BODY_A.replace("palliation", "paliation") + " A new sentence."
    return [
        (article("/view/x", BODY_A, canonical=SITE + "/view/x", datePublished="2025-06-01T10:00:00-04:00"), "kept"),
        # the same page again under a variant declaring /view/x canonical
        (article("/view/x/", BODY_A, canonical=SITE + "/view/x", datePublished="2025-06-01T10:00:00-04:00"),
         "duplicate_url"),
        # a URL variant without a canonical
        (article("/view/X?fbclid=1", "something else " * 20), "duplicate_url"),
        # same body under another title, published later
        (article("/view/another-title", BODY_A, headline="Another title", datePublished="2025-06-02"),
         "duplicate_body"),
        # a near-copy (a fixed typo and an added sentence) published later
        (article("/view/copy", near, datePublished="2025-06-03T09:00:00-04:00"), "near_duplicate"),
        (article("/view/b", BODY_B), "kept"),
        # same date: the shorter canonical URL is the original
        (article("/view/tie-under-a-longer-title", BODY_C, datePublished="2025-06-05"), "duplicate_body"),
        (article("/view/tie", BODY_C, datePublished="2025-06-05"), "kept"),
        # the earliest date wins over a shorter URL
        (article("/view/the-first-of-two-and-the-longer-url", BODY_D, datePublished="2025-05-30T08:00:00Z"),
         "kept"),
        (article("/view/d", BODY_D + " Updated.", datePublished="2025-06-04T08:00:00Z"), "near_duplicate"),
    ]


@pytest.mark.parametrize("order", ["given", "reversed", "shuffled-1", "shuffled-2", "shuffled-3"])
def test_the_original_wins_whatever_the_order(order: str) -> None:
    pages = copies()
    if order == "reversed":
        pages.reverse()
    elif order.startswith("shuffled"):
        random.Random(order).shuffle(pages)
    pipes, stats = make_pipeline()
    outcomes = pipes.run(*(item for item, _ in pages))
    assert outcomes == [expected for _, expected in pages]
    assert stat(stats, "staged") == len(pages)
    assert stat(stats, "kept") == 4
    assert stat(stats, "duplicate_url") == 2
    assert stat(stats, "duplicate_body") == 2
    assert stat(stats, "near_duplicate") == 2
    assert stat(stats, "previous_run") == 0


def test_lowercase_paths_setting() -> None:
    on, _ = make_pipeline({"NEWSCRAWL_LOWERCASE_PATHS": True})
    off, off_stats = make_pipeline({"NEWSCRAWL_LOWERCASE_PATHS": False})
    # one page under two path cases: one group, whichever of the two fetches is kept
    assert sorted(on.run(article("/view/Case", BODY_A), article("/view/case", BODY_B))) == ["duplicate_url", "kept"]
    item = article("/view/case", BODY_B)
    assert off.run(article("/view/Case", BODY_A), item) == ["kept", "kept"]
    assert item["canonicalUrl"] == SITE + "/view/case"
    assert stat(off_stats, "kept") == 2


def test_missing_or_odd_body_does_not_crash() -> None:
    pipeline, stats = make_pipeline()
    item: dict[str, Any] = {"url": SITE + "/view/a"}
    # empty bodies are never "the same body"
    assert pipeline.run(item, {"url": SITE + "/view/b", "articleBody": 42}) == ["kept", "kept"]
    assert item["fingerprint"] == content_fingerprint("")
    assert item["fingerprint"] == pipeline.index.store.get(item["id"]).fingerprint
    assert stat(stats, "kept") == 2


def test_threshold_setting() -> None:
    copy = BODY_A.replace("palliation", "paliation") + " A new sentence."
    strict, _ = make_pipeline({"NEWSCRAWL_DEDUP_NEAR_THRESHOLD": 0.99})
    assert strict.index.near_threshold == 0.99
    assert strict.run(article("/view/a", BODY_A), article("/view/copy", copy)) == ["kept", "kept"]
    loose, _ = make_pipeline({"NEWSCRAWL_DEDUP_NEAR_THRESHOLD": "0.5"})
    assert loose.run(article("/view/a", BODY_A), article("/view/copy", copy)) == ["kept", "near_duplicate"]


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
    assert first.run(article("/view/a", BODY_A, dateModified="2025-06-01", datePublished="2025-05-20"),
                     article("/view/b", BODY_B, datePublished="2025-05-21")) == ["kept", "kept"]
    state = first.index.export_state()
    a_id = first.exported[0]["id"]

    second, stats = make_pipeline()
    second.index.import_state(state)
    outcomes = second.run(
        # a later copy of an earlier run's article under another URL is a duplicate
        article("/view/c", BODY_A, datePublished="2025-05-25"),
        # an earlier run's article is never a duplicate of itself: unchanged or not is the state's call
        article("/view/b", BODY_B + " Updated.", datePublished="2025-05-21"),
        # the same article again under one of its URLs in this run, with a changed body: the
        # copy above is now a near-copy of what it has become
        article("/view/a/", BODY_A + " Corrected.", datePublished="2025-05-20"),
    )
    assert outcomes == ["near_duplicate", "kept", "kept"]
    assert stat(stats, "previous_run") == 1
    assert stat(stats, "kept") == 2

    third, stats = make_pipeline()
    third.index.import_state(state)
    # the original of /view/a, found only now: exported under /view/a's id (a new version of that record)
    original = article("/view/a-first", BODY_A.replace("palliation", "paliation"), datePublished="2025-05-01")
    assert third.run(original) == ["kept"]
    assert third.exported[0]["id"] == a_id and third.exported[0]["canonicalUrl"] == SITE + "/view/a-first"
    entry = third.index.store.get(a_id)
    assert entry.canonical_url == SITE + "/view/a-first"
    assert {"//www.cancernetwork.com/view/a", "//www.cancernetwork.com/view/a-first"} <= set(entry.url_keys)
