"""The boilerplate learner's table kept in a real SQLite state between runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newscrawl.items import Article
from newscrawl.pipelines.boilerplate import BoilerplatePipeline
from newscrawl.state.extension import state_session
from scrapy.crawler import Crawler

from .conftest import SITE, MakeCrawler

RAIL = "Nivolumab Plus Chemotherapy Extends Survival in Gastric Cancer"


def article(n: int) -> Article:
    url = f"{SITE}/view/{n}"
    body = f"Paragraph one of story {n} on the phase 3 trial.\n\nIts closing paragraph {n}.\n\n{RAIL}"
    return Article(url=url, canonicalUrl=url, site="www.example.org", headline=f"Story {n}",
                   articleBody=body)


def run(crawler: Crawler, numbers: range) -> list[str]:
    """One run of the pipeline over ``numbers``; its bodies (closed as the crawl closes it)."""
    crawler.stats.open_spider()
    pipeline = BoilerplatePipeline.from_crawler(crawler)
    bodies = [pipeline.process_item(article(n))["articleBody"] for n in numbers]
    pipeline.close_spider()
    return bodies


def state_file(tmp_path: Path) -> Path:
    return tmp_path / "state" / "spider.sqlite3"


def test_second_run_strips_from_its_first_article(make_crawler: MakeCrawler, tmp_path: Path) -> None:
    settings = {"NEWSCRAWL_BOILERPLATE_REPEAT_MIN_PAGES": 3}
    first = run(make_crawler(**settings), range(4))
    assert [RAIL in b for b in first] == [True, True, False, False]
    crawler = make_crawler(**settings)
    assert [RAIL in b for b in run(crawler, range(10, 12))] == [False, False]
    assert crawler.stats.get_value("newscrawl/boilerplate/repeated_blocks_loaded") == 1
    # and counting went on where run 1 stopped: the table holds both runs' pages
    session = state_session(crawler)
    assert session is not None
    assert session.boilerplate_snapshot()["sites"]["www.example.org"]["pages"] == 6


def test_state_off_starts_blind_as_before(make_crawler: MakeCrawler) -> None:
    settings = {"NEWSCRAWL_BOILERPLATE_REPEAT_MIN_PAGES": 3}
    run(make_crawler(**settings), range(4))
    crawler = make_crawler(NEWSCRAWL_STATE_ENABLED=False, **settings)
    assert [RAIL in b for b in run(crawler, range(10, 14))] == [True, True, False, False]
    assert crawler.stats.get_value("newscrawl/boilerplate/repeated_blocks_loaded") is None


def test_state_file_of_the_previous_layout_opens_and_keeps_the_table(
        make_crawler: MakeCrawler, tmp_path: Path) -> None:
    make_crawler()  # creates the file
    make_crawler(NEWSCRAWL_STATE_ENABLED=False)  # and closes it
    with sqlite3.connect(state_file(tmp_path)) as db:  # as a newscrawl before this table wrote it
        db.execute("DROP TABLE boilerplate")
    settings = {"NEWSCRAWL_BOILERPLATE_REPEAT_MIN_PAGES": 2}
    crawler = make_crawler(**settings)
    assert [RAIL in b for b in run(crawler, range(3))] == [True, False, False]
    assert crawler.stats.get_value("newscrawl/boilerplate/repeated_blocks_loaded") == 0
    assert [RAIL in b for b in run(make_crawler(**settings), range(10, 11))] == [False]


def test_unreadable_table_is_reported_and_replaced(make_crawler: MakeCrawler, tmp_path: Path) -> None:
    settings = {"NEWSCRAWL_BOILERPLATE_REPEAT_MIN_PAGES": 2}
    run(make_crawler(**settings), range(3))
    make_crawler(NEWSCRAWL_STATE_ENABLED=False)
    with sqlite3.connect(state_file(tmp_path)) as db:
        db.execute("UPDATE boilerplate SET snapshot = '{\"format\": \"other\"}'")
    crawler = make_crawler(**settings)
    assert [RAIL in b for b in run(crawler, range(10, 13))] == [True, False, False]
    assert crawler.stats.get_value("newscrawl/boilerplate/state_unreadable") == 1
    assert [RAIL in b for b in run(make_crawler(**settings), range(20, 21))] == [False]
