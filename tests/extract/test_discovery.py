"""Unit tests of the crawl-surface parsers (robots.txt, sitemaps, RSS, listings)."""

from __future__ import annotations

import gzip

import pytest
from newscrawl.extract import discovery

BASE = "https://www.cancernetwork.com"
HOST = "www.cancernetwork.com"


def test_robots_sitemaps_absolute_and_case_insensitive() -> None:
    text = "User-agent: *\nDisallow: /search\nSitemap: /sitemap.xml\nsitemap: https://x.org/s.xml\n"
    assert discovery.robots_sitemaps(text, BASE + "/robots.txt") == [
        BASE + "/sitemap.xml",
        "https://x.org/s.xml",
    ]


INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://www.cancernetwork.com/sitemap-2025-06.xml</loc><lastmod>2025-06-02</lastmod></sitemap>
  <sitemap><loc>https://www.cancernetwork.com/sitemap-2025-05.xml</loc></sitemap>
</sitemapindex>"""

NEWS = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://www.cancernetwork.com/view/a</loc>
    <news:news><news:publication><news:name>CancerNetwork</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2025-06-02T10:00:00-04:00</news:publication_date>
      <news:title>Frontline T-DXd Combo</news:title></news:news></url>
  <url><loc>https://www.cancernetwork.com/view/b</loc><lastmod>2025-05-01</lastmod></url>
  <url><lastmod>2025-05-01</lastmod></url>
</urlset>"""


def test_sitemap_index() -> None:
    sitemap = discovery.parse_sitemap(INDEX)
    assert sitemap.is_index
    assert [(link.url, link.date) for link in sitemap.links] == [
        (BASE + "/sitemap-2025-06.xml", "2025-06-02"),
        (BASE + "/sitemap-2025-05.xml", None),
    ]


def test_news_sitemap_prefers_publication_date_and_skips_entries_without_loc() -> None:
    sitemap = discovery.parse_sitemap(NEWS)
    assert not sitemap.is_index
    assert [(link.url, link.date, link.title) for link in sitemap.links] == [
        (BASE + "/view/a", "2025-06-02T10:00:00-04:00", "Frontline T-DXd Combo"),
        (BASE + "/view/b", "2025-05-01", None),
    ]


@pytest.mark.parametrize("body", [b"", b"not xml at all", b"<urlset><url><loc>", b"\xff\xfe\x00garbage"])
def test_broken_sitemaps_yield_nothing_without_raising(body: bytes) -> None:
    assert discovery.parse_sitemap(body).links == ()


def test_gzipped_sitemap_is_unpacked_and_plain_xml_passes_through() -> None:
    assert discovery.sitemap_xml(gzip.compress(NEWS)) == NEWS
    assert discovery.sitemap_xml(gzip.compress(NEWS), max_bytes=len(NEWS)) == NEWS
    assert discovery.sitemap_xml(NEWS, max_bytes=10) == NEWS  # the download cap applies to plain XML
    assert discovery.parse_sitemap(discovery.sitemap_xml(gzip.compress(NEWS))).links[0].url == BASE + "/view/a"


def test_gzipped_sitemap_over_its_cap_is_refused_without_unpacking_it_all() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * 50_000_000 + b"</urlset>")  # 50 MB from about 50 kB
    with pytest.raises(discovery.SitemapTooLarge):
        discovery.sitemap_xml(bomb, max_bytes=1_000_000)
    with pytest.raises(discovery.SitemapTooLarge):
        discovery.sitemap_xml(gzip.compress(NEWS), max_bytes=len(NEWS) - 1)


def test_corrupt_gzip_gives_an_empty_sitemap() -> None:
    assert discovery.sitemap_xml(discovery.GZIP_MAGIC + b"\x08\x00garbage") == b""


def test_rss_items() -> None:
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>CN</title>
      <item><title>A</title><link>https://www.cancernetwork.com/view/a?utm_source=rss</link>
        <pubDate>Mon, 02 Jun 2025 14:30:00 -0400</pubDate></item>
      <item><title>B</title><link> https://www.cancernetwork.com/view/b </link></item>
    </channel></rss>"""
    links = discovery.parse_rss(body)
    assert [(link.url, link.date, link.title) for link in links] == [
        (BASE + "/view/a?utm_source=rss", "Mon, 02 Jun 2025 14:30:00 -0400", "A"),
        (BASE + "/view/b", None, "B"),
    ]
    assert discovery.parse_rss(b"<rss><channel><item>") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("June 2nd 2025", "June 2nd 2025"),
        ("Posted July 1st, 2007 by X", "July 1st, 2007"),
        ("Sept. 21 2024", "Sept. 21 2024"),
        ("no date here", None),
    ],
)
def test_card_date(text: str, expected: str | None) -> None:
    assert discovery.card_date(text) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (BASE + "/view/some-slug", True),
        (BASE + "/VIEW/Some-Slug", True),
        (BASE + "/view/", False),
        (BASE + "/news?page=2", False),
        ("https://www.onclive.com/view/some-slug", False),
        ("ftp://www.cancernetwork.com/view/x", False),
    ],
)
def test_is_article_url(url: str, expected: bool) -> None:
    assert discovery.is_article_url(url, HOST) is expected


LISTING = """<html><body>
<nav><a href="/clinical/breast-cancer">Breast Cancer</a><a href="/clinical/lung-cancer?page=1">Lung</a>
<a href="https://www.onclive.com/view/elsewhere">OncLive</a></nav>
<main>
 <div><div><a href="/view/first"><img alt="First Title" src="x.jpg"></a></div>
      <div><a href="/view/first"><h3>First Title</h3></a><span>June 2nd 2025</span></div></div>
 <div><a href="/view/second/"><h3>Second Title</h3></a><p>May 30th 2025</p></div>
</main>
<aside><h2>Latest News</h2><div><a href="/view/third">Third</a><span>June 1st 2025</span></div></aside>
<a href="/news?page=1">1</a><a href="/news?page=3">3</a><a href="/news?page=3&amp;x=1">Next</a>
</body></html>"""


def test_listing_cards_dates_next_page_and_topics() -> None:
    listing = discovery.parse_listing(LISTING, BASE + "/news?page=2", HOST)
    assert [(link.url, link.date) for link in listing.articles] == [
        (BASE + "/view/first", "June 2nd 2025"),
        (BASE + "/view/second/", "May 30th 2025"),
        (BASE + "/view/third", "June 1st 2025"),
    ]
    assert listing.next_page == BASE + "/news?page=3"
    assert BASE + "/clinical/breast-cancer" in listing.listings
    assert all("onclive" not in u for u in listing.listings)


def test_last_listing_page_has_no_next() -> None:
    listing = discovery.parse_listing(LISTING, BASE + "/news?page=9", HOST)
    assert listing.next_page is None


def test_page_links_only_articles_on_site() -> None:
    links = discovery.page_links(LISTING, BASE + "/view/x", HOST)
    assert links == [BASE + "/view/first", BASE + "/view/second/", BASE + "/view/third"]
    assert discovery.page_links("", BASE, HOST) == []


def test_page_links_resolve_each_link_against_its_own_page() -> None:
    """Links are resolved once per crawl where the page cannot change them, never otherwise."""
    html = ('<a href="/view/a">a</a> <a href="../view/b">b</a>'
            ' <a href="//www.cancernetwork.com/view/d">d</a> <a href="/view/a">again</a>')
    assert discovery.page_links(html, BASE + "/view/x", HOST) == [
        BASE + "/view/a", BASE + "/view/b", BASE + "/view/d"]
    # the same links on a page elsewhere: the relative ones lead off the article paths
    assert discovery.page_links(html, BASE + "/news/today/x", HOST) == [BASE + "/view/a", BASE + "/view/d"]
    # the same links on the site's plain-http pages keep the page's scheme
    plain = "http://www.cancernetwork.com"
    assert discovery.page_links(html, plain + "/view/x", HOST) == [
        plain + "/view/a", plain + "/view/b", plain + "/view/d"]
