"""Unit tests of the pure structured-data functions (JSON-LD, __NEXT_DATA__, meta, bylines)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from newscrawl.extract.parsing import element_text, parse_html, parse_json_lenient
from newscrawl.extract.structured.jsonld import extract_jsonld, image_url
from newscrawl.extract.structured.meta import extract_meta, resolve_canonical, strip_title_suffix
from newscrawl.extract.structured.names import split_byline
from newscrawl.extract.structured.nextjs import extract_nextjs, portable_text_to_text
from newscrawl.extract.structured.visible import (
    find_byline_authors,
    find_h1,
    find_html_breadcrumbs,
)
from newscrawl.extract.urls import registrable_domain


def ld_page(*blocks: Any, raw: str | None = None) -> str:
    scripts = "".join(f'<script type="application/ld+json">{json.dumps(b)}</script>' for b in blocks)
    if raw is not None:
        scripts += f'<script type="application/ld+json">{raw}</script>'
    return f"<html><head>{scripts}</head><body><p>x</p></body></html>"


def next_page(data: Any) -> str:
    return f'<html><body><script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script></body></html>'


# -- tolerant JSON -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', [{"a": 1}]),
        ('{"a": [1, 2,], "b": {"c": 1,},}', [{"a": [1, 2], "b": {"c": 1}}]),
        ('<!-- {"a": 1} -->', [{"a": 1}]),
        ('//<![CDATA[\n{"a": 1}\n//]]>', [{"a": 1}]),
        ('{"a": "line\nbreak\ttab"}', [{"a": "line\nbreak\ttab"}]),
        ('{"a": "ctl\x01char"}', [{"a": "ctl\x01char"}]),
        ('{"a": 1}{"b": 2}', [{"a": 1}, {"b": 2}]),
        ('{"a": 1};\n{"b": 2};', [{"a": 1}, {"b": 2}]),
        ('[{"a": 1}, {"b": 2}]', [[{"a": 1}, {"b": 2}]]),
        ('window.x = {"a": 1};', [{"a": 1}]),
        ("", []),
        ("   ", []),
        ("not json at all", []),
        ('{"a": ', []),
    ],
)
def test_parse_json_lenient(text: str, expected: list[Any]) -> None:
    assert parse_json_lenient(text) == expected


def test_parse_json_lenient_repairs_outer_object_instead_of_taking_an_inner_one() -> None:
    text = '{"@type": "NewsArticle", "author": [{"name": "A"},], "headline": "H",}'
    assert parse_json_lenient(text) == [{"@type": "NewsArticle", "author": [{"name": "A"}], "headline": "H"}]


# -- JSON-LD -----------------------------------------------------------------------------------

ARTICLE = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "Main Story",
    "datePublished": "2025-06-02",
}


@pytest.mark.parametrize(
    "html",
    [
        pytest.param(ld_page(ARTICLE), id="plain"),
        pytest.param(ld_page([{"@type": "WebSite", "name": "S"}, ARTICLE]), id="list"),
        pytest.param(
            ld_page({"@context": "https://schema.org", "@graph": [{"@type": "WebSite"}, ARTICLE]}), id="graph"
        ),
        pytest.param(ld_page({"@type": "WebPage", "mainEntity": ARTICLE}), id="mainEntity"),
        pytest.param(ld_page({**ARTICLE, "@type": ["NewsArticle", "Article"]}), id="type-list"),
        pytest.param(ld_page({**ARTICLE, "@type": "http://schema.org/NewsArticle"}), id="type-iri"),
        pytest.param(ld_page({**ARTICLE, "@type": "ReportageNews"}), id="reportage"),
        pytest.param(ld_page({**ARTICLE, "@type": "MedicalScholarlyArticle"}), id="scholarly"),
        pytest.param(
            ld_page(
                {"@type": "WebSite"},
                raw='{"@type": "BlogPosting", "headline": "Main Story", "datePublished": "2025-06-02",}',
            ),
            id="broken-second-block",
        ),
        pytest.param(
            ld_page(
                raw='<!--\n{"@type": "AnalysisNewsArticle", "headline": "Main Story", '
                    '"datePublished": "2025-06-02"}\n-->'
            ),
            id="html-comment",
        ),
    ],
)
def test_jsonld_finds_main_article_in_every_shape(html: str) -> None:
    ld = extract_jsonld(html)
    assert ld.has_article
    assert ld.headline == "Main Story"
    assert ld.date_published == "2025-06-02"


def test_jsonld_prefers_top_level_article_over_related_items_in_lists() -> None:
    related = {
        "@type": "ItemList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": 1,
                "item": {"@type": "NewsArticle", "headline": "Related", "articleBody": "x" * 500},
            }
        ],
    }
    ld = extract_jsonld(ld_page(related, {"@type": "NewsArticle", "headline": "Main"}))
    assert ld.headline == "Main"


def test_jsonld_several_top_level_articles_without_evidence_give_none() -> None:
    # no URL and no title to tell the page's own from a related one: none beats a wrong one
    a = {"@type": "NewsArticle", "headline": "Teaser"}
    b = {"@type": "NewsArticle", "headline": "Full", "articleBody": "Body text."}
    ld = extract_jsonld(ld_page([a, b]))
    assert ld.headline is None and ld.own == "ambiguous" and ld.has_article


def test_jsonld_no_article() -> None:
    ld = extract_jsonld(ld_page({"@type": "WebSite", "name": "CancerNetwork"}))
    assert not ld.has_article and ld.headline is None and ld.types == []


@pytest.mark.parametrize(
    "html",
    ["", "<html></html>", ld_page(raw="{{{{"), ld_page(raw="[]"), ld_page(raw='"just a string"'), ld_page(raw="null")],
)
def test_jsonld_empty_or_broken(html: str) -> None:
    ld = extract_jsonld(html)
    assert not ld.has_article and ld.authors == [] and ld.breadcrumbs == []


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ({"@type": "Person", "name": "Jane Doe"}, ["Jane Doe"]),
        (
            [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "John Smith"}],
            ["Jane Doe", "John Smith"],
        ),
        ("Jane Doe", ["Jane Doe"]),
        (["Jane Doe", "John Smith"], ["Jane Doe", "John Smith"]),
        ("By Jane Doe, MD, and John Smith, PhD, MPH", ["Jane Doe", "John Smith"]),
        ({"@type": "Person", "name": "Jane Doe, MD, PhD"}, ["Jane Doe"]),
        ({"@type": "Person", "givenName": "Jane", "familyName": "Doe"}, ["Jane Doe"]),
        ({"@type": "Organization", "name": "CancerNetwork Staff"}, ["CancerNetwork Staff"]),
        ({"@id": "#jane"}, ["Jane Doe"]),
        ([{"@id": "#jane"}, {"@id": "#missing"}, {"name": "Jane Doe"}], ["Jane Doe"]),
        ({"@type": "Person", "name": ["Jane Doe", "J. Doe"]}, ["Jane Doe"]),
        ({"@type": "Person", "name": "  Jane&nbsp;Doe "}, ["Jane Doe"]),
        (None, []),
        (42, []),
    ],
)
def test_jsonld_author_shapes(author: Any, expected: list[str]) -> None:
    graph = {"@graph": [{"@type": "Person", "@id": "#jane", "name": "Jane Doe"},
                        {"@type": "NewsArticle", "headline": "H", "author": author}]}
    assert extract_jsonld(ld_page(graph)).authors == expected


@pytest.mark.parametrize(
    ("keywords", "expected"),
    [
        ("a, b ,c", ["a", "b", "c"]),
        (["a", "b", "a"], ["a", "b"]),
        (["a, b", "c"], ["a", "b", "c"]),
        ("", []),
        ("a,,b,", ["a", "b"]),
        ([{"@type": "DefinedTerm", "name": "HER2"}], ["HER2"]),
        (None, []),
    ],
)
def test_jsonld_keyword_shapes(keywords: Any, expected: list[str]) -> None:
    assert extract_jsonld(ld_page({"@type": "NewsArticle", "keywords": keywords})).keywords == expected


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("https://x.org/a.jpg", "https://x.org/a.jpg"),
        ({"@type": "ImageObject", "url": "https://x.org/a.jpg"}, "https://x.org/a.jpg"),
        ({"@type": "ImageObject", "contentUrl": "https://x.org/b.jpg"}, "https://x.org/b.jpg"),
        ([{"@type": "ImageObject", "url": "https://x.org/a.jpg"}, "https://x.org/c.jpg"], "https://x.org/a.jpg"),
        ({"@id": "#img"}, "https://x.org/graph.jpg"),
        ("data:image/png;base64,AAAA", None),
        ([], None),
    ],
)
def test_jsonld_image_shapes(image: Any, expected: str | None) -> None:
    graph = {"@graph": [{"@type": "ImageObject", "@id": "#img", "url": "https://x.org/graph.jpg"},
                        {"@type": "NewsArticle", "image": image}]}
    assert extract_jsonld(ld_page(graph)).image == expected


def test_jsonld_fields() -> None:
    art = {
        "@type": "NewsArticle",
        "headline": "Caf&eacute; &amp; Oncology",
        "description": "<p>Short <b>standfirst</b></p>",
        "dateModified": "2025-06-03T10:00:00Z",
        "articleSection": ["Breast Cancer", "News"],
        "inLanguage": {"@type": "Language", "name": "English", "alternateName": "en"},
        "articleBody": "<p>First para.</p><p>Second&nbsp;para.</p>",
    }
    ld = extract_jsonld(ld_page(art))
    assert ld.headline == "Café & Oncology"
    assert ld.description == "Short standfirst"
    assert ld.date_modified == "2025-06-03T10:00:00Z"
    assert ld.section == "Breast Cancer"
    assert ld.in_language == "en"
    assert ld.article_body == "First para.\n\nSecond para."


def test_jsonld_flat_article_body_newlines_become_paragraphs() -> None:
    ld = extract_jsonld(ld_page({"@type": "NewsArticle", "articleBody": "One.\nTwo.\r\n\r\nThree."}))
    assert ld.article_body == "One.\n\nTwo.\n\nThree."


def test_breadcrumbs_in_graph_sorted_by_position_with_item_shapes() -> None:
    crumbs = {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": "3", "name": "Article"},
        {"@type": "ListItem", "position": 1, "item": {"@id": "https://x.org/", "name": "Home"}},
        {"@type": "ListItem", "position": 2, "name": "Breast Cancer", "item": "https://x.org/clinical/breast-cancer"},
    ]}
    ld = extract_jsonld(ld_page({"@graph": [ARTICLE, crumbs]}))
    assert ld.breadcrumbs == [
        {"name": "Home", "url": "https://x.org/"},
        {"name": "Breast Cancer", "url": "https://x.org/clinical/breast-cancer"},
        {"name": "Article", "url": None},
    ]


def test_breadcrumbs_in_separate_block() -> None:
    crumbs = {
        "@type": "BreadcrumbList",
        "itemListElement": [{"@type": "ListItem", "position": 1, "name": "Home", "item": "/"}],
    }
    assert extract_jsonld(ld_page(ARTICLE, crumbs)).breadcrumbs == [{"name": "Home", "url": "/"}]


@pytest.mark.parametrize(
    ("blocks", "types", "main_entity"),
    [
        ([{"@type": "VideoObject", "name": "V"}], ["videoobject"], set()),
        (
            [{"@type": "WebPage", "mainEntity": {"@type": "PodcastEpisode", "name": "P"}}],
            ["webpage", "podcastepisode"],
            {"podcastepisode"},
        ),
        ([{"@graph": [{"@type": "WebSite"}, {"@type": "ImageGallery", "name": "G"}]}], ["imagegallery"], set()),
    ],
)
def test_jsonld_page_types(blocks: list[Any], types: list[str], main_entity: set[str]) -> None:
    ld = extract_jsonld(ld_page(*blocks))
    assert ld.types == types
    assert ld.main_entity_types == main_entity
    assert ld.media is not None and ld.media.headline in {"V", "P", "G"}


def test_embedded_video_does_not_lend_its_title_to_the_page() -> None:
    ld = extract_jsonld(ld_page({"@type": "WebPage", "name": "Page title"},
                                   {"@type": "VideoObject", "name": "Clip", "uploadDate": "2019-01-01"}))
    assert ld.headline == "Page title"
    assert ld.date_published is None
    assert ld.media is not None and ld.media.date_published == "2019-01-01"


# -- Next.js / Portable Text -------------------------------------------------------------------


def block(text: str, style: str = "normal", **extra: Any) -> dict[str, Any]:
    return {"_type": "block", "style": style, "children": [{"_type": "span", "text": text, "marks": []}], **extra}


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        ([block("One."), block("Two.")], "One.\n\nTwo."),
        (
            [
                {
                    "_type": "block",
                    "children": [
                        {"_type": "span", "text": "Bold "},
                        {"_type": "span", "text": "and plain", "marks": ["strong"]},
                    ],
                }
            ],
            "Bold and plain",
        ),
        (
            [
                block("Heading", "h2"),
                block("Quote", "blockquote"),
                block("Item", listItem="bullet"),
                block("Num", listItem="number"),
            ],
            "Heading\n\nQuote\n\nItem\n\nNum",
        ),
        (
            [
                block("A"),
                {"_type": "adSlot", "slot": "x"},
                {"_type": "relatedContent", "title": "Related: X"},
                block("B"),
            ],
            "A\n\nB",
        ),
        ([{"_type": "table", "rows": [{"cells": ["Arm", "PFS"]}, {"cells": ["A", "40.7"]}]}], "Arm PFS\n\nA 40.7"),
        ([block("  spaced\n  out  "), block(""), block("\u00a0")], "spaced out"),
        ([{"_type": "block", "children": [{"_type": "span"}, "junk", {"_type": "span", "text": 5}]}], ""),
    ],
)
def test_portable_text_to_text(blocks: list[Any], expected: str) -> None:
    assert portable_text_to_text(blocks) == expected


def test_nextjs_takes_largest_portable_text_anywhere_whatever_the_keys() -> None:
    body = [block("A long paragraph of the real article body."), block("Another one.")]
    data = {
        "props": {
            "pageProps": {"zz": {"teaser": [block("Short teaser.")]}, "doc": {"title": "T", "content": {"raw": body}}}
        }
    }
    nd = extract_nextjs(next_page(data))
    assert nd.body == "A long paragraph of the real article body.\n\nAnother one."
    assert nd.headline == "T"


def test_nextjs_fields_from_sanity_document() -> None:
    doc = {"_type": "article", "_createdAt": "2025-06-01T00:00:00Z", "_updatedAt": "2025-06-02T00:00:00Z",
           "title": "Doc Title", "authors": [{"name": "Jane Doe, MD"}, {"name": "John Smith"}],
           "body": [block("Paragraph one."), block("Paragraph two.")]}
    nd = extract_nextjs(next_page({"props": {"pageProps": {"article": doc}}}))
    assert nd.found
    assert nd.body == "Paragraph one.\n\nParagraph two."
    assert nd.headline == "Doc Title"
    assert nd.date_published == "2025-06-01T00:00:00Z"
    assert nd.date_modified == "2025-06-02T00:00:00Z"
    assert nd.authors == ["Jane Doe", "John Smith"]


def test_nextjs_published_at_beats_created_at_and_document_found_without_body() -> None:
    doc = {
        "title": "T",
        "publishedAt": "2025-06-02T18:30:00Z",
        "_createdAt": "2025-06-01T00:00:00Z",
        "author": "Jane Doe",
    }
    nd = extract_nextjs(next_page({"props": {"pageProps": {"post": doc}}}))
    assert nd.body is None
    assert (nd.headline, nd.date_published, nd.authors) == ("T", "2025-06-02T18:30:00Z", ["Jane Doe"])


@pytest.mark.parametrize(
    "html",
    [
        "<html><body></body></html>",
        '<script id="__NEXT_DATA__">{"props": {"pageProps": {"a": [block</script>',
        '<script id="__NEXT_DATA__"></script>',
        '<script id="__NEXT_DATA__">[1, 2, "x"]</script>',
    ],
)
def test_nextjs_missing_or_broken(html: str) -> None:
    nd = extract_nextjs(html)
    assert nd.body is None and nd.headline is None and nd.authors == []


# -- meta, title, canonical --------------------------------------------------------------------


def test_extract_meta_collects_all_kinds() -> None:
    html = """<html lang="en-GB"><head><title> A &amp; B | Site </title>
    <meta property="og:title" content="A &amp; B"><meta name="Description" content=" desc ">
    <meta property="article:tag" content="x"><meta property="article:tag" content="y">
    <meta itemprop="datePublished" content="2025-01-01"><meta name="citation_author" content="Doe, Jane">
    <link rel="alternate" href="/amp"><link rel="Canonical" href="/canon"></head></html>"""
    meta = extract_meta(html)
    assert meta.title == "A & B | Site"
    assert meta.first("og:title") == "A & B"
    assert meta.first("description") == "desc"
    assert meta.all("article:tag") == ["x", "y"]
    assert meta.first("datepublished") == "2025-01-01"
    assert meta.first("citation_author") == "Doe, Jane"
    assert meta.lang == "en-GB"
    assert meta.canonical == "/canon"


@pytest.mark.parametrize(
    ("title", "kwargs", "expected"),
    [
        ("Headline Here | CancerNetwork", {"host": "www.cancernetwork.com"}, "Headline Here"),
        ("Headline Here - CancerNetwork", {"host": "www.cancernetwork.com"}, "Headline Here"),
        ("Headline Here — Cancer Network", {"host": "www.cancernetwork.com"}, "Headline Here"),
        ("Headline Here | The Daily Planet", {"site_names": ["The Daily Planet"]}, "Headline Here"),
        ("Headline Here - The Daily Planet", {"site_names": ["The Daily Planet"]}, "Headline Here"),
        ("CancerNetwork | Headline Here", {"host": "www.cancernetwork.com"}, "Headline Here"),
        (
            "T-DXd - Pertuzumab Combo Extends PFS",
            {"host": "www.cancernetwork.com"},
            "T-DXd - Pertuzumab Combo Extends PFS",
        ),
        ("Surgery - Is It Worth It? - CancerNetwork", {"host": "www.cancernetwork.com"}, "Surgery - Is It Worth It?"),
        (
            "Long Headline With Dash - And More - Other Site",
            {"host": "127.0.0.1"},
            "Long Headline With Dash - And More - Other Site",
        ),
        ("Real Headline Here - Brand X", {"references": ["Real Headline Here"]}, "Real Headline Here"),
        ("Surgery - When Is It Worth It", {"references": ["Surgery"]}, "Surgery - When Is It Worth It"),
        ("Real Headline Here - Brand X", {"references": ["Other Headline Text"]}, "Real Headline Here - Brand X"),
        ("Phase 3 Trial Results Announced | Brand", {"host": "127.0.0.1"}, "Phase 3 Trial Results Announced"),
        ("Oncology | Fine Print", {}, "Oncology | Fine Print"),
        ("Plain headline", {"host": "www.cancernetwork.com"}, "Plain headline"),
        ("", {}, ""),
        (None, {}, None),
    ],
)
def test_strip_title_suffix(title: str | None, kwargs: dict[str, Any], expected: str | None) -> None:
    assert strip_title_suffix(title, **kwargs) == expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("www.cancernetwork.com", "cancernetwork.com"),
        ("cancernetwork.com", "cancernetwork.com"),
        ("news.bbc.co.uk", "bbc.co.uk"),
        ("127.0.0.1", "127.0.0.1"),
        ("localhost", "localhost"),
        ("", ""),
    ],
)
def test_registrable_domain(host: str, expected: str) -> None:
    assert registrable_domain(host) == expected


URL = "https://www.cancernetwork.com/view/slug?utm_source=x"


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        (["https://www.cancernetwork.com/view/slug"], "https://www.cancernetwork.com/view/slug"),
        (["/view/slug"], "https://www.cancernetwork.com/view/slug"),
        (["//cancernetwork.com/view/slug"], "https://cancernetwork.com/view/slug"),
        (["https://evil.example/view/slug"], URL),
        (["https://evil.example/x", "https://www.cancernetwork.com/og"], "https://www.cancernetwork.com/og"),
        ([None, "", "  ", "#top"], URL),
        (["javascript:void(0)"], URL),
        (["http://[broken"], URL),
    ],
)
def test_resolve_canonical(candidates: list[str | None], expected: str) -> None:
    assert resolve_canonical(URL, candidates) == expected


def test_resolve_canonical_on_loopback_twin_keeps_same_host_only() -> None:
    url = "http://127.0.0.1:8123/view/slug"
    assert resolve_canonical(url, ["/view/slug"]) == "http://127.0.0.1:8123/view/slug"
    assert resolve_canonical(url, ["https://www.cancernetwork.com/view/slug"]) == url


# -- bylines -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("By Jane Doe", ["Jane Doe"]),
        ("By Jane Doe, MD, and John Smith, PhD, MPH", ["Jane Doe", "John Smith"]),
        ("By Jane Doe, M.D., Ph.D. & John Smith", ["Jane Doe", "John Smith"]),
        ("BY JANE DOE AND JOHN SMITH", ["JANE DOE", "JOHN SMITH"]),
        ("Jane Doe, RN, BSN, OCN; John Smith, PharmD, BCOP", ["Jane Doe", "John Smith"]),
        ("By Jane Doe | June 2nd 2025", ["Jane Doe"]),
        ("By Jane Doe June 2, 2025", ["Jane Doe"]),
        ("By Jane Doe on Monday, June 2nd, 2025", ["Jane Doe"]),
        ("By Jane Doe · 06/02/2025", ["Jane Doe"]),
        ("By Jane Doe\nJune 2nd 2025", ["Jane Doe"]),
        ("Written by: Dr. Jane Doe", ["Jane Doe"]),
        ("Analysis by Jane Doe, CNN Editor", ["Jane Doe", "CNN Editor"]),
        ("By Van Do, MD and Ann Ma", ["Van Do", "Ann Ma"]),
        ("By John Smith, Jr., and Jane Doe", ["John Smith Jr.", "Jane Doe"]),
        ("By Alexander Anderson", ["Alexander Anderson"]),
        ("By Jane Doe and Jane Doe", ["Jane Doe"]),
        ("https://example.org/authors/jane", []),
        ("June 2, 2025", []),
        ("", []),
        ("By", []),
    ],
)
def test_split_byline(text: str, expected: list[str]) -> None:
    assert split_byline(text) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '<h1>T</h1><span itemprop="author" itemscope><span itemprop="name">Jane Doe, MD</span></span>'
            '<span itemprop="author"><span itemprop="name">John Smith</span></span>',
            ["Jane Doe", "John Smith"],
        ),
        (
            '<h1>T</h1><p>Story by <a rel="author" href="/a/j">Jane Doe</a>'
            ' and <a rel="author" href="/a/s">John Smith</a></p>',
            ["Jane Doe", "John Smith"],
        ),
        (
            '<nav><a rel="author" href="/a/x">Columnist</a></nav>'
            '<h1>T</h1><div class="post-byline">By Jane Doe, PhD</div>',
            ["Jane Doe"],
        ),
        (
            '<div><h1>T</h1><p><span>By</span> <a href="/a/j">Jane Doe</a>, MD</p><p>June 2nd 2025</p></div>',
            ["Jane Doe"],
        ),
        ("<div><h1>T</h1><p>By Jane Doe and John Smith, PhD</p></div>", ["Jane Doe", "John Smith"]),
        (
            "<div><h1>T</h1><p>By the numbers, this was a long paragraph about trial results that goes on and on "
            "and on for well over one hundred and twenty characters in total.</p></div>",
            [],
        ),
        ("<h1>T</h1><p>No byline here.</p>", []),
        ('<div><h1>T</h1><p>Comparisons are limited <a href="/x">by differences in</a> design.</p></div>', []),
        (
            '<div><h1>T</h1><p>Results were driven <a href="/x">By Design Trial</a> data and other sources.</p></div>',
            [],
        ),
    ],
)
def test_find_byline_authors(body: str, expected: list[str]) -> None:
    tree = parse_html(f"<html><body>{body}</body></html>")
    assert find_byline_authors(tree, find_h1(tree)) == expected


# -- visible fallbacks -------------------------------------------------------------------------


def test_find_h1_ignores_logo_and_matches_hints() -> None:
    tree = parse_html(
        '<html><body><h1 class="site-logo"><a href="/">CancerNetwork</a></h1><h1><img src="l.png"></h1>'
        "<aside><h1>Latest News</h1></aside><article><h1>The Real Headline</h1></article></body></html>"
    )
    assert element_text(find_h1(tree, ["The Real Headline | CancerNetwork"])) == "The Real Headline"
    assert element_text(find_h1(tree)) == "The Real Headline"
    assert find_h1(parse_html("<p>no heading</p>")) is None




def test_find_html_breadcrumbs_from_aria_nav_and_microdata() -> None:
    nav = parse_html(
        '<nav aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li><li><a href="/c">Cat</a></li></ol></nav>'
    )
    assert find_html_breadcrumbs(nav) == [{"name": "Home", "url": "/"}, {"name": "Cat", "url": "/c"}]
    micro = parse_html(
        '<ol itemscope itemtype="https://schema.org/BreadcrumbList">'
        '<li itemprop="itemListElement" itemscope><a itemprop="item" href="/">'
        '<span itemprop="name">Home</span></a></li>'
        '<li itemprop="itemListElement" itemscope><span itemprop="name">Here</span></li></ol>'
    )
    assert find_html_breadcrumbs(micro) == [{"name": "Home", "url": "/"}, {"name": "Here", "url": None}]


@pytest.mark.parametrize(
    "html",
    [
        # Drupal 7: links separated by guillemets, the current page as bare text
        '<div class="breadcrumb"><a href="/">Home</a> » <a href="/clinical/lung-cancer">Lung Cancer</a> » Title</div>',
        # Drupal 8+: a nav with a hidden heading and a list
        '<nav class="breadcrumb" role="navigation" aria-labelledby="system-breadcrumb">'
        '<h2 id="system-breadcrumb" class="visually-hidden">Breadcrumb</h2>'
        '<ol><li><a href="/">Home</a></li><li><a href="/clinical/lung-cancer">Lung Cancer</a></li></ol></nav>',
        # WordPress (Yoast): nested spans in a paragraph with the id
        '<p id="breadcrumbs"><span><span><a href="/">Home</a> » <span><a href="/clinical/lung-cancer">Lung Cancer</a>'
        ' » <span class="breadcrumb_last" aria-current="page">Title</span></span></span></span></p>',
        # Bootstrap
        '<ol class="breadcrumb mb-0"><li class="breadcrumb-item"><a href="/">Home</a></li>'
        '<li class="breadcrumb-item"><a href="/clinical/lung-cancer">Lung Cancer</a></li></ol>',
    ],
)
def test_find_html_breadcrumbs_by_class_or_id(html: str) -> None:
    assert find_html_breadcrumbs(parse_html(f"<html><body>{html}</body></html>")) == [
        {"name": "Home", "url": "/"}, {"name": "Lung Cancer", "url": "/clinical/lung-cancer"}]


def test_breadcrumb_words_in_other_class_names_are_not_a_trail() -> None:
    html = '<div class="breadcrumb-wrapper-theme no-breadcrumbs"><a href="/x">Not a crumb</a></div>'
    assert find_html_breadcrumbs(parse_html(f"<html><body>{html}</body></html>")) == []


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<",
        "\x00\x01",
        '<?xml version="1.0" encoding="utf-8"?><html><body>x</body></html>',
        "<html><body>" * 300,
    ],
)
def test_parse_html_never_raises(html: str) -> None:
    tree = parse_html(html)
    assert tree.tag == "html"


@pytest.mark.timeout(10)
def test_image_whose_id_leads_back_to_itself_ends() -> None:
    """An ImageObject with no url whose ``@id`` is its own graph entry: no URL, no endless loop."""
    image = {"@id": "#img", "@type": "ImageObject", "caption": "Figure 1"}
    assert image_url({"@id": "#img"}, {"#img": image}) is None
    with_url = {"@id": "#img", "@type": "ImageObject", "url": "https://x.org/a.jpg"}
    assert image_url([{"@id": "#img"}, with_url], {"#img": with_url}) == "https://x.org/a.jpg"
    graph = json.dumps({"@context": "https://schema.org", "@graph": [
        {"@type": "NewsArticle", "headline": "H", "image": {"@id": "#img"}}, image]})
    assert extract_jsonld(f'<script type="application/ld+json">{graph}</script>').image is None
