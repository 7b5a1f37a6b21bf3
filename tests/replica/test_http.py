"""Every crawl surface of the twin over real HTTP (subprocess on port 0)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import lxml.html
import pytest
from newscrawl.replica import truth_records

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def canonical(html: str) -> str | None:
    got = lxml.html.fromstring(html).xpath('//link[@rel="canonical"]/@href')
    return got[0] if got else None


def hrefs(html: str) -> list[str]:
    return lxml.html.fromstring(html).xpath("//a/@href")


def test_robots(twin) -> None:
    r = twin.get("/robots.txt")
    assert r.status == 200 and r.headers["content-type"].startswith("text/plain")
    assert f"Sitemap: {twin.base}/sitemap.xml" in r.text
    assert f"Sitemap: {twin.base}/sitemap-news.xml" in r.text
    assert "Disallow: /search" in r.text


def all_sitemap_urls(twin) -> dict[str, str]:
    root = ET.fromstring(twin.get("/sitemap.xml").body)
    assert root.tag == f"{SM}sitemapindex"
    out = {}
    for sm in root.iter(f"{SM}sitemap"):
        loc = sm.find(f"{SM}loc").text
        lastmod = datetime.fromisoformat(sm.find(f"{SM}lastmod").text)
        assert loc.startswith(twin.base + "/sitemaps/articles-")
        sub = ET.fromstring(twin.get(loc).body)
        mods = []
        for u in sub.iter(f"{SM}url"):
            out[u.find(f"{SM}loc").text] = u.find(f"{SM}lastmod").text
            mods.append(datetime.fromisoformat(u.find(f"{SM}lastmod").text))
        assert mods and max(mods) == lastmod
    return out


def test_sitemaps_list_every_page_with_lastmod(twin) -> None:
    urls = all_sitemap_urls(twin)
    assert len(urls) == 300
    truth = list(truth_records(articles=300, seed=7, base_url=twin.base))
    for rec in truth:
        assert rec["canonicalUrl"] in urls
        got = datetime.fromisoformat(urls[rec["canonicalUrl"]])
        want = rec["dateModified"] or rec["datePublished"]
        if "T" in want:
            assert got == datetime.fromisoformat(want)
        else:
            assert got.date().isoformat() == want
    assert twin.get("/sitemaps/articles-1999-01.xml").status == 404


def test_news_sitemap_last_seven_days(twin) -> None:
    root = ET.fromstring(twin.get("/sitemap-news.xml").body)
    items = list(root.iter(f"{SM}url"))
    assert items
    site_now = datetime.fromisoformat("2025-06-02T23:00:00-04:00")
    for u in items:
        news = u.find(f"{NEWS}news")
        when = datetime.fromisoformat(news.find(f"{NEWS}publication_date").text.replace("Z", "+00:00"))
        assert site_now - timedelta(days=7) <= when <= site_now
        assert news.find(f"{NEWS}title").text
        assert news.find(f"{NEWS}publication/{NEWS}name").text == "CancerNetwork"


def test_date_header_is_the_sites_clock(twin) -> None:
    """Every answer, a 404 included, is dated on the twin's day (23:00 New York time), not today."""
    for path in ("/robots.txt", "/rss", "/no-such-page"):
        sent = parsedate_to_datetime(twin.get(path).headers["date"])
        assert sent == datetime.fromisoformat("2025-06-02T23:00:00-04:00"), path


def test_rss(twin) -> None:
    r = twin.get("/rss")
    root = ET.fromstring(r.body)
    items = root.findall("./channel/item")
    assert 0 < len(items) <= 50
    dates = [parsedate_to_datetime(i.find("pubDate").text) for i in items]
    assert dates == sorted(dates, reverse=True) and all(d.tzinfo for d in dates)
    links = [i.find("link").text for i in items]
    assert all(link.startswith(twin.base + "/view/") for link in links)
    assert any("utm_source=rss" in link for link in links)


def test_news_listing_paginates_to_a_last_page(twin) -> None:
    seen: list[str] = []
    page = 1
    while True:
        r = twin.get(f"/news?page={page}")
        assert r.status == 200
        doc = lxml.html.fromstring(r.body)
        cards = doc.xpath('//section//div[contains(@class, "Card")]')
        for card in cards:
            titles = card.xpath(".//img/@alt") + card.xpath(".//h3/text()")
            assert len(titles) == 2
            date = card.xpath('.//span[@class="date"]/text()')[0]
            assert re.fullmatch(r"[A-Z][a-z]+ \d{1,2}(st|nd|rd|th) \d{4}", date)
            seen.append(card.xpath(".//a/@href")[0])
        nxt = doc.xpath('//a[@rel="next"]/@href')
        if not nxt:
            break
        assert nxt[0] == f"{twin.base}/news?page={page + 1}"
        page += 1
        assert page < 100
    assert page == 15 and len(seen) == 300
    assert twin.get(f"/news?page={page + 1}").status == 404
    assert twin.get("/news?page=0").status == 404
    assert any(u.endswith("/") for u in seen) and any(re.search(r"/view/[A-Z0-9-]+$", u) for u in seen)


def test_clinical_listing(twin) -> None:
    r = twin.get("/clinical/breast-cancer?page=1")
    assert r.status == 200 and "Breast Cancer" in r.text
    n, page = 0, 1
    while True:
        doc = lxml.html.fromstring(twin.get(f"/clinical/breast-cancer?page={page}").body)
        n += len(doc.xpath('//section//div[contains(@class, "Card")]'))
        if not doc.xpath('//a[@rel="next"]'):
            break
        page += 1
    assert 30 < n < 100
    assert twin.get("/clinical/not-a-topic").status == 404


@pytest.mark.parametrize("path", ["/nope", "/view/", "/view/unknown-slug-zzzzzz", "/view/a/b/c", "/sitemaps/x.xml"])
def test_unknown_paths_are_404(twin, path: str) -> None:
    r = twin.get(path)
    assert r.status == 404


def test_article_and_variants_carry_canonical(twin) -> None:
    truth = list(truth_records(articles=300, seed=7, base_url=twin.base))
    rec = next(r for r in truth if {v["kind"] for v in r["variants"]} & {"slash", "case", "tracking"})
    seed_pair = next(r for r in truth if any(v["kind"] == "same-body" for v in r["variants"]))
    page = twin.get(rec["canonicalUrl"])
    assert page.status == 200 and canonical(page.text) == rec["canonicalUrl"]
    title = lxml.html.fromstring(page.body).findtext(".//title")
    assert title == rec["headline"] + " | CancerNetwork"
    tree = lxml.html.fromstring(page.body)
    assert tree.xpath('//link[@rel="amphtml"]/@href') == [rec["canonicalUrl"] + "/amp"]
    assert rec["canonicalUrl"] + "?print=true" in hrefs(page.text)
    for v in rec["variants"]:
        r = twin.get(v["url"])
        assert r.status == 200, v
        want = v["url"] if v["kind"] in ("near-copy", "same-body") else v.get("of", rec["canonicalUrl"])
        assert canonical(r.text) == want, v
    for v in seed_pair["variants"]:
        r = twin.get(v["url"])
        assert r.status == 200, v
        want = v["url"] if v["kind"] in ("near-copy", "same-body") else v.get("of", seed_pair["canonicalUrl"])
        assert canonical(r.text) == want, v


def test_variant_urls_are_linked_from_surfaces(twin) -> None:
    """Slash/case/tracking forms appear in listings or RSS; AMP and print in the article page."""
    linked: set[str] = set()
    page = 1
    while True:
        r = twin.get(f"/news?page={page}")
        if r.status != 200:
            break
        linked.update(hrefs(r.text))
        page += 1
    rss = ET.fromstring(twin.get("/rss").body)
    linked.update(i.find("link").text for i in rss.iter("item"))
    for rec in truth_records(articles=300, seed=7, base_url=twin.base):
        for v in rec["variants"]:
            if v["kind"] in ("slash", "case", "tracking"):
                assert v["url"] in linked, v


def test_conditional_get(twin) -> None:
    rec = next(iter(truth_records(articles=300, seed=7, base_url=twin.base)))
    r = twin.get(rec["canonicalUrl"])
    etag, lm = r.headers["etag"], r.headers["last-modified"]
    assert twin.get(rec["canonicalUrl"], {"If-None-Match": etag}).status == 304
    assert twin.get(rec["canonicalUrl"], {"If-Modified-Since": lm}).status == 304
    assert twin.get(rec["canonicalUrl"], {"If-None-Match": '"other"'}).status == 200
    assert twin.get(rec["canonicalUrl"], {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status == 200
    sm = twin.get("/sitemap.xml")
    assert twin.get("/sitemap.xml", {"If-None-Match": sm.headers["etag"]}).status == 304


def test_same_seed_serves_same_bytes(twin) -> None:
    from .conftest import start_twin, stop_twin

    other = start_twin("--articles", "300", "--seed", "7")
    try:
        for path in ("/news?page=3", "/sitemap.xml", "/rss", "/clinical/lung-cancer"):
            a = twin.get(path).text.replace(twin.base, "BASE")
            b = other.get(path).text.replace(other.base, "BASE")
            assert a == b
        url = next(iter(truth_records(articles=300, seed=7, base_url=twin.base)))["canonicalUrl"]
        a = twin.get(url).text.replace(twin.base, "BASE")
        b = other.get(url.replace(twin.base, other.base)).text.replace(other.base, "BASE")
        assert a == b
    finally:
        stop_twin(other)


def test_head_has_headers_and_no_body(twin) -> None:
    import urllib.request

    url = next(iter(truth_records(articles=300, seed=7, base_url=twin.base)))["canonicalUrl"]
    req = urllib.request.Request(url, method="HEAD")
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200 and r.read() == b""
        assert int(r.headers["content-length"]) > 1000 and r.headers["etag"]


def test_every_page_has_sidebar_with_upper_case_links(twin) -> None:
    url = next(iter(truth_records(articles=300, seed=7, base_url=twin.base)))["canonicalUrl"]
    for path in (url, "/news?page=2", "/clinical/lymphoma", "/nope"):
        links = hrefs(twin.get(path).text)
        assert any(re.search(r"/view/[A-Z0-9-]+$", h) for h in links), path
        assert f"{twin.base}/news" in links


def test_day_one_over_http(twin) -> None:
    """A day-1 twin lists the new articles, and only edited pages lose their validators."""
    from .conftest import start_twin, stop_twin

    day1 = start_twin("--articles", "300", "--seed", "7", "--day", "1")
    try:
        t0 = {r["canonicalUrl"].replace(twin.base, ""): r
              for r in truth_records(articles=300, seed=7, day=0, base_url=twin.base)}
        t1 = {r["canonicalUrl"].replace(day1.base, ""): r
              for r in truth_records(articles=300, seed=7, day=1, base_url=day1.base)}
        added = set(t1) - set(t0)
        edited = {p for p in t0 if t0[p]["articleBody"] != t1[p]["articleBody"]}
        assert added and edited
        urls = all_sitemap_urls(day1)
        for p in added | edited:
            changed = t1[p]["dateModified"] or t1[p]["datePublished"]
            assert datetime.fromisoformat(urls[day1.base + p]) == datetime.fromisoformat(changed)
        rss = ET.fromstring(day1.get("/rss").body)
        newest = parsedate_to_datetime(rss.find("./channel/item/pubDate").text)
        assert newest.astimezone().date().isoformat() >= "2025-06-03"
        unchanged = next(p for p in t0 if p not in edited)
        for p, expect in ((sorted(edited)[0], 200), (unchanged, 304)):
            old = twin.get(p)
            r = day1.get(p, {"If-None-Match": old.headers["etag"]})
            assert r.status == expect, p
            r = day1.get(p, {"If-Modified-Since": old.headers["last-modified"]})
            assert r.status == expect, p
    finally:
        stop_twin(day1)
