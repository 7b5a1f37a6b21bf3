"""UnchangedPipeline and StatePipeline on a real crawler and a real SQLite state (no subprocess)."""

from __future__ import annotations

from typing import Any

import pytest
from newscrawl.drops import DUPLICATE_BODY, UNCHANGED, Dropped, reason_of
from newscrawl.pipelines.state import StatePipeline, UnchangedPipeline
from newscrawl.state.extension import StateExtension, state_session
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from .conftest import SITE, MakeCrawler, export


def item(slug: str, fingerprint: str = "fp", modified: str | None = None, **extra: Any) -> dict[str, Any]:
    url = f"{SITE}/view/{slug}"
    return {"id": slug, "url": url, "canonicalUrl": url, "fingerprint": fingerprint,
            "dateModified": modified, "datePublished": "2025-06-01", "version": 1, **extra}


def run(crawler: Crawler, *items: dict[str, Any]) -> list[str]:
    """Each item through both state stages (as around duplicate detection in a crawl)."""
    stages = [UnchangedPipeline.from_crawler(crawler), StatePipeline.from_crawler(crawler)]
    outcomes = []
    for it in items:
        try:
            for stage in stages:
                stage.process_item(it)
        except DropItem as exc:
            outcomes.append(reason_of(exc).name)
        else:
            outcomes.append(f"v{it['version']}")
    return outcomes


def earlier_run(make_crawler: MakeCrawler, **settings: Any) -> None:
    session = state_session(make_crawler(**settings))
    assert session is not None
    export(session, "same", modified="2025-06-02", lastmod="2025-06-02T00:00:00Z")
    export(session, "edited", modified="2025-06-02")
    export(session, "v3", version=3)


def test_new_changed_unchanged_and_versions(make_crawler: MakeCrawler) -> None:
    earlier_run(make_crawler)
    crawler = make_crawler()
    outcomes = run(crawler, item("same", modified="2025-06-02"), item("edited", modified="2025-06-09"),
                   item("v3", fingerprint="other body"), item("fresh"))
    assert outcomes == ["unchanged", "v2", "v4", "v1"]
    stats = crawler.stats
    assert stats.get_value("newscrawl/state/unchanged") == 1
    assert (stats.get_value("newscrawl/state/changed"), stats.get_value("newscrawl/state/new")) == (2, 1)
    session = state_session(crawler)
    assert session is not None
    assert session.decisions == {"edited": "changed", "v3": "changed", "fresh": "new"}
    assert session.claimed_ids == {"edited", "v3", "fresh"}


def test_unchanged_article_is_touched_not_claimed(make_crawler: MakeCrawler) -> None:
    earlier_run(make_crawler)
    crawler = make_crawler()
    session = state_session(crawler)
    assert session is not None
    session.note_fetch(f"{SITE}/view/same", lastmod="2025-06-05T00:00:00Z", etag='"new-etag"')
    assert run(crawler, item("same", modified="2025-06-02")) == ["unchanged"]
    session.flush_touches()
    assert session.store.get_article("same").lastmod == "2025-06-05T00:00:00Z"
    assert session.store.validators(f"{SITE}/view/same") == ('"new-etag"', None)
    assert "same" not in session.claimed_ids


def test_a_second_copy_in_one_run_is_a_duplicate_not_unchanged(make_crawler: MakeCrawler) -> None:
    earlier_run(make_crawler)
    crawler = make_crawler()
    session = state_session(crawler)
    assert session is not None
    assert run(crawler, item("edited", modified="2025-06-09")) == ["v2"]
    # the first copy is committed (its line fsynced): the second now equals the stored article
    session.commit_lines([item("edited", modified="2025-06-09", version=2)], "this-run.jsonl")
    assert run(crawler, item("edited", modified="2025-06-09")) == ["duplicate_in_run"]
    assert crawler.stats.get_value("newscrawl/state/unchanged") is None


def test_ignore_reexports_unchanged_under_their_version(make_crawler: MakeCrawler) -> None:
    earlier_run(make_crawler)
    crawler = make_crawler(NEWSCRAWL_STATE_IGNORE=True)
    assert run(crawler, item("same", modified="2025-06-02"), item("v3")) == ["v1", "v3"]
    session = state_session(crawler)
    assert session is not None and session.decisions == {"same": "reexported", "v3": "reexported"}


def test_forgotten_window_drops_old_new_articles(make_crawler: MakeCrawler) -> None:
    crawler = make_crawler(NEWSCRAWL_STATE_FORGET_DAYS=30)
    recent = item("recent", datePublished="2099-01-01")
    assert run(crawler, item("old"), recent) == ["older_than_state_horizon", "v1"]


def test_without_state_every_article_is_version_1(make_crawler: MakeCrawler) -> None:
    crawler = make_crawler(NEWSCRAWL_STATE_ENABLED=False)
    assert run(crawler, item("a", version=7), item("a")) == ["v1", "v1"]


def test_state_pipeline_alone_refuses_to_export_an_unchanged_article(make_crawler: MakeCrawler) -> None:
    earlier_run(make_crawler)
    crawler = make_crawler()
    with pytest.raises(ValueError, match="UnchangedPipeline"):
        StatePipeline.from_crawler(crawler).process_item(item("same", modified="2025-06-02"))


def test_copies_dropped_by_duplicate_detection_are_remembered_as_seen(make_crawler: MakeCrawler) -> None:
    earlier_run(make_crawler)
    crawler = make_crawler()
    session = state_session(crawler)
    assert session is not None
    extension = StateExtension(crawler, session)
    spider = crawler._create_spider("s")
    extension.item_dropped(item("copy"), spider, Dropped(DUPLICATE_BODY))
    extension.item_dropped(item("same"), spider, Dropped(DUPLICATE_BODY))
    extension.item_dropped(item("other"), spider, Dropped(UNCHANGED))
    session.flush_touches()
    seen = session.store.lookup_seen
    assert seen(f"{SITE}/view/copy") is not None and seen(f"{SITE}/view/copy").kind == "duplicate_body"
    assert seen(f"{SITE}/view/same") is None  # an article of its own
    assert seen(f"{SITE}/view/other") is None
