"""Every numeric NEWSCRAWL_ setting refuses a value outside its range, naming it (issue 13,
item 11: ``NEWSCRAWL_BOILERPLATE_REPEAT_MAX_SHARE=7`` must be refused). The project's own
components are built from a crawler as a crawl builds them; a bad value raises
``BadSettingsError``, which ``newscrawl crawl`` turns into exit code 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from newscrawl.config import DEFAULTS, BadSettingsError
from newscrawl.feeds import DurableFileFeedStorage
from newscrawl.spiders.cancernetwork import CancerNetworkSpider
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

#: for each numeric setting, a value just outside its range
OUT_OF_RANGE = {
    "NEWSCRAWL_DATES_FUTURE_TOLERANCE": "-1",
    "NEWSCRAWL_EXTRACT_TIMEOUT": "0",
    "NEWSCRAWL_EXTRACT_MAX_BYTES": "0",
    "NEWSCRAWL_BOILERPLATE_REPEAT_MIN_PAGES": "1",
    "NEWSCRAWL_BOILERPLATE_REPEAT_EDGE_SHARE": "0",
    "NEWSCRAWL_BOILERPLATE_REPEAT_MIN_SHARE": "1.5",
    "NEWSCRAWL_BOILERPLATE_REPEAT_MAX_CHARS": "0",
    "NEWSCRAWL_BOILERPLATE_REPEAT_MAX_SHARE": "7",
    "NEWSCRAWL_BOILERPLATE_REPEAT_MAX_BLOCKS": "0",
    "NEWSCRAWL_DEDUP_NEAR_THRESHOLD": "1.01",
    "NEWSCRAWL_STATE_FORGET_DAYS": "-1",
    "NEWSCRAWL_INCREMENTAL_RECHECK_DAYS": "-0.5",
    "NEWSCRAWL_MAX_LISTING_DEPTH": "0",
    "NEWSCRAWL_MAX_SITEMAP_DEPTH": "0",
    "NEWSCRAWL_SITEMAP_MAX_BYTES": "0",
    "NEWSCRAWL_MAX_REQUESTS": "0",
    "NEWSCRAWL_MAX_FRONTIER": "0",
    "NEWSCRAWL_INCREMENTAL_RECENT_DAYS": "-1",
    "NEWSCRAWL_INCREMENTAL_RECENT_MAX": "-1",
    "NEWSCRAWL_DISCOVERY_SEED": "-1",
    "NEWSCRAWL_FEED_FSYNC_ITEMS": "0",
    "NEWSCRAWL_FEED_FSYNC_SECONDS": "-1",
    "NEWSCRAWL_DEGRADED_ERROR_RATIO": "1.5",
    "NEWSCRAWL_DEGRADED_NO_BODY_RATIO": "-0.1",
    "NEWSCRAWL_DEGRADED_NO_DATE_RATIO": "2",
    "NEWSCRAWL_DEGRADED_SCHEMA_RATIO": "1.01",
    "NEWSCRAWL_DRIFT_RUNS": "0",
    "NEWSCRAWL_DRIFT_MAX_CHANGE": "1.5",
    "NEWSCRAWL_DRIFT_MIN_ARTICLES": "0",
    "NEWSCRAWL_DRIFT_FLOOR_GENERIC_BODY": "-0.1",
    "NEWSCRAWL_DRIFT_FLOOR_NO_AUTHOR": "2",
    "NEWSCRAWL_DRIFT_FLOOR_HEADLINE_MISMATCH": "1.01",
    "NEWSCRAWL_DELIVERY_RETRIES": "-1",
    "NEWSCRAWL_DELIVERY_RETRY_DELAY": "-1",
    "NEWSCRAWL_DELIVERY_TIMEOUT": "0",
}
COMPONENTS = ("EXTENSIONS", "ITEM_PIPELINES", "DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES")
SINGLE_COMPONENTS = ("SCHEDULER",)  # one class, not a dict of them


def build_all(tmp_path: Path, settings: dict[str, Any]) -> None:
    """Build the spider, every project component and the feed storage, as a crawl does."""
    crawler = get_crawler(CancerNetworkSpider, {
        "NEWSCRAWL_STATE_DIR": str(tmp_path / "state"), "NEWSCRAWL_OUTPUT_DIR": str(tmp_path / "output"),
        **settings,
    })
    crawler.spider = CancerNetworkSpider.from_crawler(crawler)
    project = get_project_settings()
    paths = [path for kind in COMPONENTS for path in project.getdict(kind)]
    for path in [*paths, *(project[kind] for kind in SINGLE_COMPONENTS)]:
        try:
            build_from_crawler(load_object(path), crawler)
        except NotConfigured:
            pass
    DurableFileFeedStorage.from_crawler(crawler, str(tmp_path / "feed.jsonl"))


def test_every_numeric_setting_has_a_range() -> None:
    numeric = {n for n, v in DEFAULTS.items() if type(v) in (int, float)}
    assert numeric == set(OUT_OF_RANGE)


def test_the_defaults_are_in_range(tmp_path: Path) -> None:
    build_all(tmp_path, {})


@pytest.mark.parametrize(("name", "value"), sorted(OUT_OF_RANGE.items()))
def test_out_of_range_is_refused_and_named(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(BadSettingsError, match=f"bad setting {name}="):
        build_all(tmp_path, {name: value})
