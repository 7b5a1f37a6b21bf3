"""The StatsFile extension: off unless configured, writes the final stats whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from newscrawl.extensions import StatsFile
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler


def test_off_without_a_path() -> None:
    with pytest.raises(NotConfigured):
        StatsFile.from_crawler(get_crawler())


def test_writes_stats_and_reason(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "stats.json"
    crawler = get_crawler(settings_dict={"NEWSCRAWL_STATS_FILE": str(target)})
    crawler.stats.open_spider()
    crawler.stats.set_value("item_scraped_count", 3)
    StatsFile.from_crawler(crawler).spider_closed(None, "finished")  # type: ignore[arg-type]  # spider unused
    assert json.loads(target.read_text("utf-8")) == {"item_scraped_count": 3, "finish_reason": "finished"}
    assert [p.name for p in target.parent.iterdir()] == ["stats.json"]
