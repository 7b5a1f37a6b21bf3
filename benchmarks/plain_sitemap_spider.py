"""The spider a user would otherwise write: Scrapy's SitemapSpider plus trafilatura on every
``/view/`` page, nothing else (no listings, no duplicate handling, no checks). It is the
baseline of ``crawl_bench.py``; run it outside the project so no project setting applies:

    scrapy runspider plain_sitemap_spider.py -a base_url=http://127.0.0.1:8000 -O out.jsonl
"""

import json

import trafilatura
from scrapy.spiders import SitemapSpider


class PlainSitemapSpider(SitemapSpider):
    name = "plain_sitemap_trafilatura"
    sitemap_rules = [("/view/", "parse_article")]

    def __init__(self, base_url: str = "http://127.0.0.1:8000", **kwargs):
        super().__init__(**kwargs)
        self.sitemap_urls = [base_url.rstrip("/") + "/robots.txt"]

    def parse_article(self, response):
        found = trafilatura.extract(response.text, url=response.url, output_format="json",
                                    with_metadata=True)
        if found:
            doc = json.loads(found)
            yield {"url": response.url, "headline": doc.get("title"),
                   "datePublished": doc.get("date"), "articleBody": doc.get("text") or ""}
