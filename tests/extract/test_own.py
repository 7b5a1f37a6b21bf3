"""Which structured document is the page's own, and the cross-checks between sources.

Unit tests of :mod:`newscrawl.extract.structured.own` and :mod:`newscrawl.extract.crosscheck`,
then the JSON-LD and Next.js readers and the page object on pages that describe other
articles too (rails of full documents, related articles, teaser cards).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from newscrawl.extract.crosscheck import cross_check
from newscrawl.extract.page import ArticlePage
from newscrawl.extract.structured.jsonld import extract_jsonld
from newscrawl.extract.structured.nextjs import extract_nextjs
from newscrawl.extract.structured.own import Candidate, PageEvidence, choose_own, same_title

URL = "https://www.cancernetwork.com/view/tarlatamab-second-line-sclc"
OWN_TITLE = "Tarlatamab Outperforms Chemotherapy in Second-Line Small Cell Lung Cancer"
OTHER_TITLE = "FDA Approves Taletrectinib for ROS1-Positive Non-Small Cell Lung Cancer"
EVIDENCE = PageEvidence.build([URL], [OWN_TITLE])


# -- titles ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (OWN_TITLE, OWN_TITLE.upper(), True),
        ("Dato-DXd’s Gains in TNBC", "Dato DXd's gains in TNBC", True),
        (OWN_TITLE[:60] + "...", OWN_TITLE, True),  # cut with an ellipsis
        (OWN_TITLE[:12] + "...", OWN_TITLE, False),  # too little left to tell
        (OWN_TITLE + " | CancerNetwork", OWN_TITLE, True),
        ("Lung Cancer: " + OWN_TITLE, OWN_TITLE, True),
        ("Adblue nachfüllen So wird Adblue richtig angewendet", "So wird Adblue richtig angewendet", True),
        (OWN_TITLE + "s Again", OWN_TITLE, False),  # not at a word boundary
        ("Small Cell Lung Cancer", OWN_TITLE, False),  # too short to count inside another
        (OWN_TITLE, OTHER_TITLE, False),
        ("", OWN_TITLE, False),
        (None, OWN_TITLE, False),
    ],
)
def test_same_title(a: str | None, b: str | None, same: bool) -> None:
    assert same_title(a, b) is same
    assert same_title(b, a) is same


# -- URLs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "relation"),
    [
        ([URL], "match"),
        (["http://127.0.0.1:8000/view/tarlatamab-second-line-sclc/"], "match"),  # another host, a slash
        (["/view/tarlatamab-second-line-sclc#article"], "match"),
        (["tarlatamab-second-line-sclc"], "match"),  # a bare slug
        (["view/tarlatamab-second-line-sclc"], "match"),  # a site-relative path
        (["https://syndication.example/uk/news/tarlatamab-second-line-sclc"], "match"),  # same long slug
        (["https://www.cancernetwork.com/view/fda-approves-taletrectinib"], "mismatch"),
        (["fda-approves-taletrectinib"], "mismatch"),
        (["https://www.cancernetwork.com/"], "unknown"),  # the site's root names no article
        (["#article", "", None, 3], "unknown"),
        ([], "unknown"),
    ],
)
def test_url_relation(values: list[Any], relation: str) -> None:
    assert EVIDENCE.url_relation(values) == relation


def test_slug_with_trailing_id_and_numbered_slugs() -> None:
    evidence = PageEvidence.build(["https://news.example/story/hospice-enrollment-rises-123456"])
    assert evidence.url_relation(["hospice-enrollment-rises"]) == "match"
    # "foo-2" is WordPress's second article named "foo": never the same page
    evidence = PageEvidence.build(["https://blog.example/2025/06/foo/"])
    assert evidence.url_relation(["foo-2"]) == "mismatch"


def test_id_matches_only_ids_in_the_path() -> None:
    evidence = PageEvidence.build(["https://news.example/2025/06/02/story-88123"])
    assert evidence.id_matches(["88123"])
    assert evidence.id_matches([88123])
    assert not evidence.id_matches(["2025", "06"])  # too short: years and months are not ids
    assert not evidence.id_matches(["8f1d0c2e-4b7a-4f61"])
    assert not evidence.id_matches([True, None])


# -- choosing ----------------------------------------------------------------------------------


def cand(order: int, *, prominent: bool = True, url: str = "unknown", title: str = "unknown",
         richness: int = 0) -> Candidate:
    return Candidate({"n": order}, order, prominent, url=url, title=title, richness=richness)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("candidates", "chosen", "found"),
    [
        ([], None, "absent"),
        ([cand(0, title="agree"), cand(1, url="match", title="disagree")], 1, "url"),
        ([cand(0), cand(1, title="agree")], 1, "title"),
        ([cand(0, url="mismatch", title="agree")], None, "others"),  # an equal title under another URL
        ([cand(0), cand(1, prominent=False)], 0, "only"),  # a rail does not compete
        ([cand(0, title="disagree")], None, "ambiguous"),
        ([cand(0, url="mismatch")], None, "others"),
        ([cand(0), cand(1, url="mismatch")], 0, "only"),  # a related article naming its own URL
        ([cand(0), cand(1)], None, "ambiguous"),
        ([cand(0, prominent=False), cand(1, prominent=False)], None, "others"),
        ([cand(0, url="match"), cand(1, url="match", richness=2)], 1, "url"),  # the fuller document
        ([cand(0, url="match", prominent=False), cand(1, url="match")], 1, "url"),
    ],
)
def test_choose_own(candidates: list[Candidate], chosen: int | None, found: str) -> None:
    got, how = choose_own(candidates)
    assert (got.order if got else None, how) == (chosen, found)


# -- cross-checks -----------------------------------------------------------------------------


def test_cross_check_prefers_sources_that_agree_with_each_other() -> None:
    check = cross_check([("jsonld", "B"), ("nextjs", None), ("og_title", "A"), ("title", "a"), ("h1", "B")],
                        lambda x, y: x.lower() == y.lower())
    # two groups of two: the one holding the most trusted source wins
    assert (check.value, check.source) == ("B", "jsonld")
    assert (check.agree, check.disagree) == (("jsonld", "h1"), ("og_title", "title"))
    check = cross_check([("jsonld", "B"), ("og_title", "A"), ("title", "A")], str.__eq__)
    assert (check.value, check.source, check.disagree) == ("A", "og_title", ("jsonld",))
    assert check.as_dict() == {"source": "og_title", "agree": ["og_title", "title"], "disagree": ["jsonld"],
                               "values": {"jsonld": "B", "og_title": "A", "title": "A"}}
    assert cross_check([("jsonld", None)], str.__eq__).value is None


# -- JSON-LD -----------------------------------------------------------------------------------


def ld_html(*blocks: Any, head: str = "", body: str = "") -> str:
    scripts = "".join(f'<script type="application/ld+json">{json.dumps(b)}</script>' for b in blocks)
    return f"<html><head>{head}{scripts}</head><body>{body}</body></html>"


def news(title: str, date: str, url: str | None = None, **more: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                           "datePublished": date, **more}
    if url:
        obj["url"] = url
    return obj


def test_jsonld_related_article_first_with_longer_body_loses_to_the_url_match() -> None:
    related = news(OTHER_TITLE, "2025-06-11", "https://www.cancernetwork.com/view/fda-approves", articleBody="x" * 900)
    own = news(OWN_TITLE, "2025-06-03", mainEntityOfPage={"@id": URL})
    ld = extract_jsonld(ld_html(related, own), EVIDENCE)
    assert (ld.headline, ld.date_published, ld.own) == (OWN_TITLE, "2025-06-03", "url")


def test_jsonld_only_an_itemlist_of_other_articles_gives_no_article() -> None:
    rail = {"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "item": news(OTHER_TITLE, "2025-06-11", "/view/fda-approves")}]}
    ld = extract_jsonld(ld_html(rail), EVIDENCE)
    assert ld.headline is None and ld.date_published is None and not ld.has_article and ld.own == "others"


def test_jsonld_main_entity_beats_an_earlier_top_level_article() -> None:
    graph = {"@context": "https://schema.org", "@graph": [
        news(OTHER_TITLE, "2025-06-11") | {"@id": "#related"},
        {"@type": "WebPage", "mainEntity": {"@id": "#own"}},
        news(OWN_TITLE, "2025-06-03") | {"@id": "#own"},
    ]}
    ld = extract_jsonld(ld_html(graph), PageEvidence())  # no URL, no title to go by
    assert (ld.headline, ld.own) == (OWN_TITLE, "only")


def test_jsonld_two_articles_without_urls_told_apart_by_the_shown_title() -> None:
    ld = extract_jsonld(ld_html([news(OTHER_TITLE, "2025-06-11"), news(OWN_TITLE, "2025-06-03")]), EVIDENCE)
    assert (ld.headline, ld.own) == (OWN_TITLE, "title")


# -- Next.js data ------------------------------------------------------------------------------


def pt(*paras: str) -> list[dict[str, Any]]:
    return [{"_type": "block", "children": [{"_type": "span", "text": p}]} for p in paras]


def doc(title: str, date: str, *paras: str, slug: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"title": title, "publishedAt": date, "authors": [{"name": f"{title[:4]} Writer"}]}
    if slug:
        out["slug"] = {"current": slug}
    if paras:
        out["body"] = pt(*paras)
    return out


def next_html(page_props: dict[str, Any]) -> str:
    data = {"props": {"pageProps": page_props}, "page": "/view/[slug]"}
    return f'<html><body><script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script></body></html>'


LONG_OTHER = ("The FDA has approved taletrectinib for ROS1-positive non-small cell lung cancer. " * 12).strip()
RAIL = [doc(OTHER_TITLE, "2025-06-11T18:22:00Z", LONG_OTHER, slug="fda-approves-taletrectinib"),
        doc("Survey Finds Persistent Burnout Among Oncology Nurses", "2025-06-06T09:40:00Z", LONG_OTHER,
            slug="oncology-nursing-burnout")]


def test_nextjs_own_document_by_slug_after_a_rail_of_full_documents() -> None:
    own = doc(OWN_TITLE, "2025-06-03T12:30:00Z", "Own paragraph.", slug="tarlatamab-second-line-sclc")
    nd = extract_nextjs(next_html({"latestNews": RAIL, "article": own}), EVIDENCE)
    assert (nd.headline, nd.date_published, nd.own) == (OWN_TITLE, "2025-06-03T12:30:00Z", "url")
    assert nd.body == "Own paragraph."
    assert nd.authors == ["Tarl Writer"]


def test_nextjs_own_document_without_slug_found_by_title_or_as_the_only_prominent_one() -> None:
    own = doc(OWN_TITLE, "2025-06-03T12:30:00Z", "Own paragraph.")
    nd = extract_nextjs(next_html({"related": RAIL, "page": own}), EVIDENCE)
    assert (nd.headline, nd.body, nd.own) == (OWN_TITLE, "Own paragraph.", "title")
    nd = extract_nextjs(next_html({"related": RAIL, "page": own}), PageEvidence())
    assert (nd.headline, nd.body, nd.own) == (OWN_TITLE, "Own paragraph.", "only")


def test_nextjs_rails_only_give_nothing_and_never_another_documents_body() -> None:
    nd = extract_nextjs(next_html({"moreNews": RAIL, "title": OWN_TITLE}), EVIDENCE)
    assert (nd.headline, nd.date_published, nd.body, nd.authors, nd.own) == (None, None, None, [], "others")
    # two prominent documents, neither the page's: no fields, no body
    nd = extract_nextjs(next_html({"featured": RAIL[0], "spotlight": RAIL[1]}), EVIDENCE)
    assert (nd.headline, nd.body, nd.own) == (None, None, "others")


def test_nextjs_one_item_collection_is_prominent() -> None:
    own = {"title": OWN_TITLE, "publishDate": "2025-06-03", "body": pt("Own paragraph.")}
    nd = extract_nextjs(next_html({"latest": {"items": RAIL}, "articleCollection": {"items": [own]}}), PageEvidence())
    assert (nd.headline, nd.own) == (OWN_TITLE, "only")


# -- the page object ---------------------------------------------------------------------------


def page(*, head: str = "", body: str = "", ld: list[dict[str, Any]] = ()) -> ArticlePage:  # type: ignore[assignment]
    scripts = "".join(f'<script type="application/ld+json">{json.dumps(b)}</script>' for b in ld)
    html = f"<html><head>{head}{scripts}</head><body>{body}</body></html>"
    return ArticlePage(URL, html.encode())


def test_headline_sources_that_agree_beat_a_lone_structured_headline() -> None:
    p = page(head=f"<title>{OWN_TITLE} | CancerNetwork</title><meta property='og:title' content='{OWN_TITLE}'>",
             body=f"<h1>{OWN_TITLE}</h1>", ld=[news("Tarlatamab in SCLC: SEO Headline", "2025-06-03", URL)])
    assert p.headline() == OWN_TITLE
    prov = p.provenance()["headline"]
    assert (prov["source"], prov["agree"], prov["disagree"]) == ("og_title", ["og_title", "title", "h1"], ["jsonld"])


def test_publication_date_sources_that_agree_win_and_record_the_disagreement() -> None:
    p = page(head='<meta property="article:published_time" content="2025-06-03T08:30:00-04:00">',
             body=f'<article><h1>{OWN_TITLE}</h1><time datetime="2025-06-03T12:30:00Z">June 3rd 2025</time></article>',
             ld=[news(OWN_TITLE, "2025-06-11T18:22:00Z", URL)])
    assert p.date_published_raw() == "2025-06-03T08:30:00-04:00"
    prov = p.provenance()["datePublished"]
    assert (prov["source"], prov["agree"], prov["disagree"]) == ("meta", ["meta", "visible-element"], ["jsonld"])


def test_teaser_cards_with_their_own_h1_and_time_are_not_the_article() -> None:
    cards = "".join(
        f'<div class="card"><a href="/view/other-{n}"><h1>{t}</h1></a><time datetime="2025-06-1{n}">x</time></div>'
        for n, t in enumerate([OTHER_TITLE, OWN_TITLE]))  # one card even repeats the page's title
    p = page(head=f"<meta property='og:title' content='{OWN_TITLE}'>",
             body=f'<main><section>{cards}</section><article><header><h1>{OWN_TITLE}</h1></header>'
                  '<p>By Jordyn Sava</p><div class="meta"><time datetime="2025-06-03">June 3, 2025</time></div>'
                  '<p>Body.</p></article></main>')
    assert p.headline() == OWN_TITLE
    assert p.date_published_raw() == "2025-06-03"


def test_provenance_is_json_and_names_every_field() -> None:
    p = page(head=f"<title>{OWN_TITLE} | CancerNetwork</title>",
             body=f"<div><h1>{OWN_TITLE}</h1><p>By Jane Doe</p></div>",
             ld=[news(OWN_TITLE, "2025-06-03", URL, articleSection="Lung Cancer")])
    prov = p.provenance()
    assert json.loads(json.dumps(prov)) == prov
    assert prov["documents"] == {"jsonld": "url", "nextjs": "absent"}
    assert set(prov) == {"documents", "headline", "datePublished", "dateModified", "authors", "section", "articleBody"}
    assert prov["section"] == {"source": "jsonld"} and prov["authors"] == {"source": "byline"}
    assert p.to_item()["provenance"] == prov
