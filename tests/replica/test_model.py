"""Pure tests of the twin's site model, renderers and truth (no server)."""

from __future__ import annotations

import re
from datetime import datetime
from itertools import pairwise

import lxml.html
import pytest
from newscrawl.replica import BOILERPLATE_PHRASES, FAULT_KINDS, Site, parse_faults, truth_records
from newscrawl.replica.model import MEDIA_ROLES, SITE_DATE
from newscrawl.replica.prose import SEED_ABSTRACT, SEED_PAIR_TITLES
from newscrawl.replica.render import Links, render_amp, render_article, render_print

BASE = "http://127.0.0.1:8000"
_WS = re.compile(r"\s+")


def squash(s: str) -> str:
    return _WS.sub("", s)


def visible_and_data(html: str) -> tuple[str, str]:
    """(visible text, script/JSON text) of a page, whitespace removed."""
    doc = lxml.html.fromstring(html)
    scripts = " ".join(s.text_content() for s in doc.xpath("//script"))
    for s in doc.xpath("//script|//style"):
        s.drop_tree()
    return squash(doc.text_content()), squash(scripts)


@pytest.fixture(scope="module")
def site() -> Site:
    return Site(400, seed=3)


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return list(truth_records(articles=400, seed=3, base_url=BASE))


def test_same_seed_same_bytes_and_other_seed_differs() -> None:
    a, b, c = Site(300, seed=5), Site(300, seed=5), Site(300, seed=6)
    la, lb = Links(a, BASE), Links(b, BASE)
    for i in (0, 1, 17, 150, 299):
        assert render_article(la, a.article(i)) == render_article(lb, b.article(i))
    assert list(truth_records(articles=300, seed=5)) == list(truth_records(articles=300, seed=5))
    assert [a.slug(i) for i in range(50, 60)] != [c.slug(i) for i in range(50, 60)]


def test_slug_lookup_is_exact(site: Site) -> None:
    for i in range(site.count):
        slug = site.slug(i)
        assert site.index_of_slug(slug) == i
        assert site.index_of_slug(slug.upper()) == i
    s = site.slug(42)
    assert site.index_of_slug(s.replace(s.split("-")[0], "nope", 1)) is None
    assert site.index_of_slug("unknown-zzzzzz") is None
    assert site.index_of_slug(Site(400, seed=3, day=3).slug(405)) is None  # not yet published on day 0


def test_dates_are_monotone_and_span_years_and_dst(site: Site) -> None:
    ts = [site.ts(i) for i in range(site.count)]
    assert ts == sorted(ts)
    assert site.published(0).year == 2007
    last = site.published(site.count - 1)
    assert isinstance(last, datetime) and last.date() == SITE_DATE
    offsets = {site.published(i).utcoffset().total_seconds() / 3600 for i in range(site.legacy, site.count)}
    assert offsets == {-4.0, -5.0}


def test_month_ranges_partition_all_pages(site: Site) -> None:
    ranges = site.month_ranges()
    assert ranges[0][1] == 0 and ranges[-1][2] == site.count
    for (_m1, _a1, b1), (_m2, a2, _b2) in pairwise(ranges):
        assert b1 == a2
    for m, a, b in ranges:
        assert all(site.published(i).strftime("%Y-%m") == m for i in range(a, b))


def test_topic_listing_matches_brute_force() -> None:
    s = Site(333, seed=1, day=2)
    for topic in ("breast-cancer", "melanoma", "lymphoma"):
        brute = [i for i in range(s.count - 1, -1, -1) if s.topic(i) == topic]
        assert s.topic_total(topic) == len(brute)
        got = []
        for start in range(0, len(brute) + 20, 20):
            got += s.topic_items(topic, start, 20)
        assert got == brute


def test_every_truth_body_appears_in_its_pages(site: Site, records: list[dict]) -> None:
    links = Links(site, BASE)
    assert len(records) > 300
    for rec in records:
        i = site.index_of_slug(rec["canonicalUrl"].rsplit("/", 1)[1])
        a = site.article(i)
        for html in (render_article(links, a), render_amp(links, a), render_print(links, a)):
            visible, _data = visible_and_data(html)
            for para in rec["articleBody"].split("\n\n"):
                assert squash(para) in visible, (rec["canonicalUrl"], para)
        for v in rec["variants"]:
            if "articleBody" in v:
                c = site.article(site.index_of_slug(v["url"].rsplit("/", 1)[1]))
                visible, _ = visible_and_data(render_article(links, c))
                for para in v["articleBody"].split("\n\n"):
                    assert squash(para) in visible


def test_nextjs_bodies_are_in_portable_text(site: Site, records: list[dict]) -> None:
    links = Links(site, BASE)
    import json

    for rec in records:
        if rec["template"] != "nextjs":
            continue
        html = render_article(links, site.article(site.index_of_slug(rec["canonicalUrl"].rsplit("/", 1)[1])))
        data = json.loads(lxml.html.fromstring(html).xpath('//script[@id="__NEXT_DATA__"]')[0].text)
        props = data["props"]["pageProps"]
        doc = props.get("article") or props["data"]["post"]
        blocks = doc.get("body") or doc["content"]
        texts = []
        for b in blocks:
            if b["_type"] == "block":
                texts.append("".join(c["text"] for c in b["children"]))
            elif b["_type"] == "table":
                texts.extend(" ".join(r["cells"]) for r in b["rows"])
        assert any(t.startswith("READ MORE:") for t in texts)
        assert {b["_type"] for b in blocks} >= {"block", "adSlot"}
        body = [t for t in texts if not t.startswith("READ MORE:")]
        assert body == rec["articleBody"].split("\n\n")


def test_no_boilerplate_in_any_truth_body() -> None:
    for day in (0, 2):
        for rec in truth_records(articles=600, seed=11, day=day):
            bodies = [rec["articleBody"]] + [v["articleBody"] for v in rec["variants"] if "articleBody" in v]
            for body in bodies:
                low = body.lower()
                assert body.strip() and "\n\n\n" not in body
                for phrase in BOILERPLATE_PHRASES:
                    assert phrase.lower() not in low, (rec["canonicalUrl"], phrase)


def test_truth_shape_and_duplicates(records: list[dict]) -> None:
    urls = [r["canonicalUrl"] for r in records]
    assert len(urls) == len(set(urls))
    kinds = {v["kind"] for r in records for v in r["variants"]}
    assert kinds >= {"amp", "print", "slash", "case", "tracking", "near-copy", "same-body"}
    assert {r["template"] for r in records} == {"nextjs", "meta", "legacy"}
    # the seed's two titles share the date: the shorter canonical URL is the original (docs/dedup.md)
    seed = [r for r in records if r["headline"] in SEED_PAIR_TITLES]
    assert len(seed) == 1 and seed[0]["articleBody"] == SEED_ABSTRACT
    assert seed[0]["headline"] == SEED_PAIR_TITLES[1]
    twin = [v for v in seed[0]["variants"] if v["kind"] == "same-body"]
    assert twin and twin[0]["headline"] == SEED_PAIR_TITLES[0] and twin[0]["articleBody"] == SEED_ABSTRACT
    assert twin[0]["datePublished"] == seed[0]["datePublished"]
    assert seed[0]["datePublished"] == "2007-07-01" and seed[0]["dateModified"] is None
    date_re = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2})?$")
    for r in records:
        assert date_re.match(r["datePublished"])
        assert r["dateModified"] is None or date_re.match(r["dateModified"])
        assert r["headline"] == r["headline"].strip() and "| CancerNetwork" not in r["headline"]
        for v in r["variants"]:
            if v["kind"] == "near-copy":
                a, b = set(r["articleBody"].split()), set(v["articleBody"].split())
                assert len(a & b) / len(a | b) > 0.9
    assert any("hardNegatives" in r for r in records)
    assert not any("fault" in r or "reachable" in r for r in records)


def test_hard_negatives_share_a_trial_but_not_the_body(records: list[dict]) -> None:
    by_url = {r["canonicalUrl"]: r for r in records}
    checked = 0
    for r in records:
        for other in r.get("hardNegatives", []):
            o = by_url[other]
            assert o["articleBody"] != r["articleBody"]
            words_r, words_o = set(r["articleBody"].split()), set(o["articleBody"].split())
            assert 0.2 < len(words_r & words_o) / len(words_r | words_o) < 0.9
            checked += 1
    assert checked > 5


def test_media_pages_are_not_in_truth(site: Site, records: list[dict]) -> None:
    urls = {r["canonicalUrl"] for r in records}
    links = Links(site, BASE)
    media = [i for i in range(site.count) if site.role(i) in MEDIA_ROLES]
    assert media
    for i in media:
        assert links.view(i) not in urls
        html = render_article(links, site.article(i))
        assert any(t in html for t in ('"VideoObject"', '"PodcastEpisode"', '"ImageGallery"'))


def test_day_one_adds_and_edits_articles() -> None:
    d0 = {r["canonicalUrl"]: r for r in truth_records(articles=400, seed=3, day=0)}
    d1 = {r["canonicalUrl"]: r for r in truth_records(articles=400, seed=3, day=1)}
    added = set(d1) - set(d0)
    assert added and not set(d0) - set(d1)
    assert all(d1[u]["datePublished"].startswith("2025-06-03") for u in added)
    edited = [u for u in d0 if d0[u]["articleBody"] != d1[u]["articleBody"]]
    assert edited
    for u in edited:
        assert d1[u]["dateModified"].startswith("2025-06-03")
        assert d1[u]["dateModified"] != d0[u]["dateModified"]
    unchanged = [u for u in d0 if u not in edited]
    assert unchanged
    assert all(d0[u]["dateModified"] == d1[u]["dateModified"] and d0[u]["headline"] == d1[u]["headline"]
               for u in unchanged)


def test_fault_selection_is_deterministic_and_documented() -> None:
    assert parse_faults(None) == frozenset() and parse_faults("all") == frozenset(FAULT_KINDS)
    assert parse_faults("5xx,slow") == {"5xx", "slow"}
    with pytest.raises(ValueError):
        parse_faults("nonsense")
    off = Site(2000, seed=1)
    on = Site(2000, seed=1, faults="all")
    assert all(off.fault(i) is None for i in range(off.count))
    faults = {i: on.fault(i) for i in range(on.count) if on.fault(i)}
    assert set(faults.values()) == set(FAULT_KINDS)
    assert faults == {i: Site(2000, seed=1, faults="all").fault(i) for i in faults}
    only = Site(2000, seed=1, faults="slow")
    assert {i for i in range(only.count) if only.fault(i)} == {i for i, k in faults.items() if k == "slow"}
    recs = list(truth_records(articles=2000, seed=1, faults="all"))
    assert all("reachable" in r for r in recs)
    assert {r["fault"] for r in recs if "fault" in r} == set(FAULT_KINDS)
    assert any(not r["reachable"] for r in recs) and sum(r["reachable"] for r in recs) > 0.8 * len(recs)


def test_busy_months_are_split_into_bounded_sitemaps() -> None:
    from newscrawl.replica.server import SITEMAP_MAX_URLS, ReplicaResource

    site = Site(40000, seed=2)
    months = ReplicaResource(site).months()
    names = [m[0] for m in months]
    assert len(names) == len(set(names))
    assert months[0][1] == 0 and months[-1][2] == site.count
    assert all(a[2] == b[1] for a, b in pairwise(months))
    assert all(0 < stop - start <= SITEMAP_MAX_URLS for _n, start, stop, _lm in months)
    split = [n for n in names if re.fullmatch(r"\d{4}-\d{2}-\d+", n)]
    assert split and f"{split[0][:7]}-1" in split
