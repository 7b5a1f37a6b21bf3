"""Spider arguments on real crawls of a small twin: since, max_articles, sections."""

from __future__ import annotations

from pathlib import Path

from newscrawl.replica import truth_records

from .conftest import members, path_of, run_crawl

ARTICLES = 300


def test_since_keeps_only_newer_articles(tmp_path: Path) -> None:
    items, stats = run_crawl(tmp_path, f"replica={ARTICLES}", "since=2025-01-01")
    assert items
    assert all(item["datePublished"][:10] >= "2025-01-01" for item in items)
    group: dict[str, int] = {}
    newer: set[int] = set()  # articles with at least one copy published since the date
    for number, record in enumerate(truth_records(articles=ARTICLES, base_url="http://twin")):
        for path, member in members(record).items():
            group[path] = number
            if member["datePublished"][:10] >= "2025-01-01":
                newer.add(number)
    assert {group[path_of(item["url"])] for item in items} == newer
    assert stats["response_received_count"] < 0.5 * ARTICLES


def test_max_articles_stops_the_crawl(tmp_path: Path) -> None:
    items, stats = run_crawl(tmp_path, f"replica={ARTICLES}", "max_articles=20")
    assert stats["finish_reason"] == "closespider_itemcount"
    assert len(items) == 20


def test_sections_crawls_only_those_topics(tmp_path: Path) -> None:
    items, stats = run_crawl(tmp_path, f"replica={ARTICLES}", "sections=lung-cancer")
    assert items
    assert {item["section"] for item in items} == {"Lung Cancer"}
    assert stats.get("newscrawl/discovery/sitemap", 0) == 0
    # every article of the section, the 2007 journal articles (section in a breadcrumb) included
    group: dict[str, int] = {}
    wanted: set[int] = set()
    for number, record in enumerate(truth_records(articles=ARTICLES, base_url="http://twin")):
        for path in members(record):
            group[path] = number
        if record["section"] == "Lung Cancer":
            wanted.add(number)
    assert any(r["template"] == "legacy" and r["section"] == "Lung Cancer"
               for r in truth_records(articles=ARTICLES, base_url="http://twin"))
    assert {group[path_of(item["url"])] for item in items} == wanted
