"""Staging in the state's SQLite file: batches, leftovers of a killed run, rows gone with the commit.

The duplicates stage on a real crawler with a real state (no subprocess): a run that never
reaches its release (killed) leaves its candidates staged; the next run takes them back and
releases each group's original once.
"""

from __future__ import annotations

from typing import Any

from newscrawl.drops import Staged, reason_of
from newscrawl.pipelines.duplicates import DuplicatesPipeline
from newscrawl.pipelines.identity import IdentityPipeline
from newscrawl.pipelines.state import UnchangedPipeline
from newscrawl.state.extension import state_session
from newscrawl.state.staging import StateStaging
from scrapy import signals
from scrapy.crawler import Crawler

from .conftest import SITE, MakeCrawler

BODY = " ".join(f"Sentence {i} of a report on a phase 3 trial in {i * 30} patients." for i in range(30))
OTHER = " ".join(f"Another story, line {i}, about a drug approval for {i * 7} indications." for i in range(30))


def page(slug: str, body: str, published: str) -> dict[str, Any]:
    return {"url": f"{SITE}/view/{slug}", "canonicalUrl": None, "headline": slug, "articleBody": body,
            "datePublished": published, "version": 1}


class Run:
    """The pipelines around staging (identity, unchanged, duplicates) of one crawl, and what it released."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stages = [IdentityPipeline.from_crawler(crawler), UnchangedPipeline.from_crawler(crawler)]
        self.duplicates = DuplicatesPipeline.from_crawler(crawler)
        self.exported: list[dict[str, Any]] = []
        self.dropped: dict[str, str] = {}
        crawler.signals.connect(self._scraped, signal=signals.item_scraped)
        crawler.signals.connect(self._dropped, signal=signals.item_dropped)
        self.duplicates.open_spider()

    def _scraped(self, item: Any) -> None:
        self.exported.append(dict(item))

    def _dropped(self, item: Any, exception: BaseException) -> None:
        self.dropped[item["url"]] = reason_of(exception).name

    def stage(self, *items: dict[str, Any]) -> None:
        for item in items:
            for stage in self.stages:
                item = stage.process_item(item)
            try:
                self.duplicates.process_item(item)
            except Staged:
                continue
            raise AssertionError("not staged")

    def release(self) -> None:
        self.duplicates.close_spider()
        session = state_session(self.crawler)
        assert session is not None
        session.commit_lines(self.exported, "run.jsonl")  # what the feed does after its fsync


def staged_keys(crawler: Crawler) -> list[str]:
    session = state_session(crawler)
    assert session is not None
    return [key for key, _ in session.store.staged()]


def test_batches_are_written_one_transaction_each(make_crawler: MakeCrawler) -> None:
    crawler = make_crawler()
    session = state_session(crawler)
    assert session is not None
    staging = StateStaging(session, batch=3)
    for n in range(7):
        staging.put(f"k{n}", {"url": f"k{n}"})
    assert len(staging_rows := list(session.store.staged())) == 6  # two batches; one still in memory
    assert staging.get("k6") == {"url": "k6"} and staging_rows[0][0] == "k0"
    staging.discard(["k0", "k1"])
    staging.flush()
    assert [key for key, _ in session.store.staged()] == ["k2", "k3", "k4", "k5", "k6"]


def test_a_killed_runs_candidates_are_released_by_the_next_run(make_crawler: MakeCrawler) -> None:
    killed = Run(make_crawler())
    # the copy arrives first; then the run dies before its release (no close_spider)
    killed.stage(page("copy", BODY + " One more sentence.", "2025-06-03"), page("other", OTHER, "2025-06-01"))
    killed.duplicates.staging.flush()
    assert len(staged_keys(killed.crawler)) == 2

    after = Run(make_crawler())
    assert after.crawler.stats.get_value("newscrawl/duplicates/leftovers") == 2
    after.stage(page("original", BODY, "2025-06-01"))
    after.release()
    assert sorted(x["url"].rsplit("/", 1)[1] for x in after.exported) == ["original", "other"]
    assert after.dropped == {f"{SITE}/view/copy": "near_duplicate"}
    assert staged_keys(after.crawler) == []  # released rows left with the commit, the copy's at the release

    again = Run(make_crawler())
    assert again.crawler.stats.get_value("newscrawl/duplicates/leftovers") is None
    again.release()
    assert again.exported == []


def test_a_leftover_whose_line_was_recovered_is_not_exported_again(make_crawler: MakeCrawler) -> None:
    first = Run(make_crawler())
    first.stage(page("a", BODY, "2025-06-01"))
    first.duplicates.close_spider()
    # killed after the line reached the file, before the commit: the next run recovers the file
    (line,) = first.exported
    crawler = make_crawler()
    session = state_session(crawler)
    assert session is not None
    session.commit_lines([line], "recovered.jsonl", recovered=True)
    after = Run(crawler)
    after.release()
    assert after.exported == [] and staged_keys(crawler) == []


def test_leftovers_are_read_page_by_page_and_an_unreadable_row_is_counted_and_kept(make_crawler: MakeCrawler) -> None:
    killed = Run(make_crawler())
    session = state_session(killed.crawler)
    assert session is not None
    session.store.stage([("a-broken", session.run_id, "{not json"), ("b-list", session.run_id, "[1]")])
    killed.stage(page("one", BODY, "2025-06-01"), page("two", OTHER, "2025-06-02"))
    killed.duplicates.staging.flush()
    assert [key for key, _ in session.store.staged(page=2)] == staged_keys(killed.crawler)  # pages join up
    assert len(staged_keys(killed.crawler)) == 4

    after = Run(make_crawler())
    assert after.crawler.stats.get_value("newscrawl/duplicates/leftovers") == 2
    assert after.crawler.stats.get_value("newscrawl/duplicates/leftover_unreadable") == 2
    after.release()
    assert len(after.exported) == 2
    assert staged_keys(after.crawler) == ["a-broken", "b-list"]  # kept for a person to look at
