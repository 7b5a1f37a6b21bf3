"""The same output whatever the crawl order: the twin in its own process, crawled in two orders.

``NEWSCRAWL_DISCOVERY_ORDER`` makes the spider request what each page links to in its natural
order, reversed, or shuffled; concurrency shuffles arrival further. Whatever page of a group of
copies arrives first, each run exports the group's original (docs/dedup.md), so the outputs
are the same set of (id, canonicalUrl, headline, datePublished, articleBody), and it is the
truth's: every original exactly once, no copy. (The natural order, with the twin inside the
crawl, is tests/crawl/test_crawl_twin.py's, held to the same originals.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from newscrawl.replica import truth_records

from .conftest import path_of, run_crawl, twin_process
from .test_crawl_twin import instant, token_f1

ARTICLES = 400  # from 350 up, the seed's two titles of the 2007 abstract share their date
SEED = 7
FIELDS = ("id", "canonicalUrl", "headline", "datePublished", "articleBody")
ORDERS = {  # staged in the state's SQLite file, and in memory
    "shuffle": ("NEWSCRAWL_DISCOVERY_ORDER=shuffle", "NEWSCRAWL_DISCOVERY_SEED=3"),
    "reverse, state off": ("NEWSCRAWL_DISCOVERY_ORDER=reverse", "NEWSCRAWL_STATE_ENABLED=False"),
}


@pytest.mark.timeout(600)
def test_both_orders_export_the_same_originals(tmp_path: Path) -> None:
    with twin_process("--articles", str(ARTICLES), "--seed", str(SEED)) as (_, base_url):
        outputs = {
            name: run_crawl(tmp_path / f"run{n}", f"base_url={base_url}", settings=settings)
            for n, (name, settings) in enumerate(ORDERS.items())
        }
    rows = {name: {tuple(item[f] for f in FIELDS) for item in items} for name, (items, _) in outputs.items()}
    shuffled = rows["shuffle"]
    for name, got in rows.items():
        assert len(got) == len(outputs[name][0]), f"{name}: a line was exported twice"
        assert got == shuffled, f"{name}: {len(got ^ shuffled)} lines differ from the shuffled order's"
    truth = {path_of(r["canonicalUrl"]): r for r in truth_records(articles=ARTICLES, seed=SEED, base_url=base_url)}
    items, stats = outputs["reverse, state off"]
    got = {path_of(item["canonicalUrl"]): item for item in items}
    assert sorted(set(got) - set(truth))[:5] == [], "a copy was exported instead of its original"
    assert sorted(set(truth) - set(got))[:5] == [], "an original is missing"
    problems = []
    for path, item in got.items():
        want = truth[path]
        if item["headline"] != want["headline"]:
            problems.append(("headline", path, item["headline"], want["headline"]))
        if instant(item["datePublished"]) != instant(want["datePublished"]):
            problems.append(("datePublished", path, item["datePublished"], want["datePublished"]))
        if token_f1(item["articleBody"], want["articleBody"]) < 0.99:
            problems.append(("articleBody", path))
    assert not problems, problems[:10]
    assert stats["newscrawl/duplicates/near_duplicate"] > 0 and stats["newscrawl/duplicates/duplicate_body"] > 0
    assert stats["item_scraped_count"] == len(truth)
