"""End to end: crawl the offline twin and compare the JSON Lines with the twin's truth.

The twin is started inside the crawl on port 0 (``-a replica=N``), exactly as the README's
offline command does; the crawl is a real ``scrapy crawl`` subprocess, its stats read from
the ``NEWSCRAWL_STATS_FILE`` it writes.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from newscrawl.items import article_schema
from newscrawl.replica import truth_records
from newscrawl.replica.scoring import leaked_phrases, token_f1

from .conftest import members, path_of, run_crawl

ARTICLES = 2000
TWO_TITLES = (
    "Does Resection of an Intact Breast Primary Improve Survival in Metastatic Breast Cancer?",
    "The Explanation Behind the Observation?",
)


def instant(value: str | None) -> Any:
    """A comparable moment: aware datetime for timestamps, date for date-only values."""
    if value is None:
        return None
    if len(value) == 10:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], dict]:
    return run_crawl(tmp_path_factory.mktemp("crawl"), f"replica={ARTICLES}")


@pytest.fixture(scope="module")
def truth() -> list[dict]:
    return list(truth_records(articles=ARTICLES, day=0, seed=0, base_url="http://twin"))


def test_every_line_is_valid_json_and_schema(crawl: tuple[list[dict], dict]) -> None:
    items, _ = crawl
    validator = Draft202012Validator(article_schema())
    assert items
    for item in items:
        errors = [e.message for e in validator.iter_errors(item)]
        assert not errors, (item["url"], errors)


def test_every_unique_article_exactly_once_with_exact_fields(
    crawl: tuple[list[dict], dict], truth: list[dict]
) -> None:
    items, _ = crawl
    index: dict[str, tuple[int, dict]] = {}
    for number, record in enumerate(truth):
        for path, member in members(record).items():
            index[path] = (number, member)
    seen: Counter[int] = Counter()
    problems = []
    for item in items:
        match = index.get(path_of(item["url"])) or index.get(path_of(item["canonicalUrl"]))
        assert match is not None, f"output line for unknown article {item['url']}"
        number, member = match
        seen[number] += 1
        if path_of(item["canonicalUrl"]) != path_of(truth[number]["canonicalUrl"]):
            problems.append(("not the original", item["url"], truth[number]["canonicalUrl"]))
        if item["headline"] != member["headline"]:
            problems.append(("headline", item["url"], item["headline"], member["headline"]))
        for field in ("datePublished", "dateModified"):
            if instant(item[field]) != instant(member[field]):
                problems.append((field, item["url"], item[field], member[field]))
        for field in ("trialIds", "meetings"):
            if field in member and item[field] != member[field]:
                problems.append((field, item["url"], item[field], member[field]))
        f1 = token_f1(item["articleBody"], member["articleBody"])
        if f1 < 0.99:
            problems.append(("articleBody F1", item["url"], round(f1, 4)))
        leaked = leaked_phrases(item["articleBody"])
        if leaked:
            problems.append(("boilerplate", item["url"], leaked))
    assert not problems, problems[:20]
    duplicated = {truth[n]["canonicalUrl"]: c for n, c in seen.items() if c > 1}
    missing = [truth[n]["canonicalUrl"] for n in range(len(truth)) if n not in seen]
    assert not duplicated, list(duplicated.items())[:10]
    assert not missing, (len(missing), missing[:10])


def test_seed_two_title_case_yields_one_line(crawl: tuple[list[dict], dict]) -> None:
    items, _ = crawl
    assert sum(item["headline"] in TWO_TITLES for item in items) == 1


def test_every_drop_is_counted_by_reason(crawl: tuple[list[dict], dict]) -> None:
    items, stats = crawl
    assert stats["item_scraped_count"] == len(items)
    for reason in ("duplicate_body", "near_duplicate"):
        assert stats.get(f"newscrawl/duplicates/{reason}", 0) > 0, reason
    dropped = sum(v for k, v in stats.items() if k.startswith("item_dropped_reasons_count/"))
    assert dropped == stats.get("item_dropped_count", 0)
    assert any(k.startswith("newscrawl/spider/skipped/") for k in stats), "non-article pages"
    assert stats.get("newscrawl/spider/extract_error", 0) == 0
