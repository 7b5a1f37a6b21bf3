"""Live-site politeness defaults, and that crawls of the twin switch them off."""

from __future__ import annotations

from newscrawl.spiders.cancernetwork import CancerNetworkSpider
from scrapy.crawler import Crawler
from scrapy.utils.project import get_project_settings


def test_live_site_defaults_are_polite() -> None:
    settings = get_project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    jitter = settings.getfloat("DOWNLOAD_DELAY_JITTER")
    assert settings.getfloat("DOWNLOAD_DELAY") * (1 - jitter) >= 1.0  # never under 1 s
    assert settings.getfloat("AUTOTHROTTLE_START_DELAY") >= settings.getfloat("DOWNLOAD_DELAY")
    user_agent = settings.get("USER_AGENT")
    assert "newscrawl" in user_agent and "contact" in user_agent


def test_twin_crawls_are_not_throttled() -> None:
    crawler = Crawler(CancerNetworkSpider, get_project_settings())
    CancerNetworkSpider.from_crawler(crawler, base_url="http://127.0.0.1:8000")
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == 0
    assert not crawler.settings.getbool("AUTOTHROTTLE_ENABLED")
    live = Crawler(CancerNetworkSpider, get_project_settings())
    CancerNetworkSpider.from_crawler(live)
    assert live.settings.getfloat("DOWNLOAD_DELAY") == 1.5
