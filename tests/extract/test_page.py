"""Unit tests of ``ArticlePage``: field precedence, page types, decoding, robustness."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from newscrawl.extract.page import PAGE_TYPES, ArticlePage

URL = "https://www.cancernetwork.com/view/some-story"
KEYS = {
    "url", "canonicalUrl", "headline", "description", "authors", "datePublishedRaw", "dateModifiedRaw",
    "articleBody", "bodyMethod", "section", "breadcrumbs", "keywords", "inLanguage", "mainImage", "pageType",
    "provenance",
}


def page_html(*, ld: Any = None, next_data: Any = None, head: str = "", body: str = "", lang: str = "en") -> str:
    parts = [f'<html lang="{lang}"><head>', head]
    if ld is not None:
        parts.append(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    parts.append("</head><body>")
    parts.append(body)
    if next_data is not None:
        parts.append(f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(next_data)}</script>')
    parts.append("</body></html>")
    return "".join(parts)


LAYERS: dict[str, dict[str, Any]] = {
    "jsonld": {
        "ld": {
            "@type": "NewsArticle",
            "url": URL,
            "headline": "LD headline",
            "description": "LD desc",
            "datePublished": "2025-06-01T10:00:00-04:00",
            "dateModified": "2025-06-11T10:00:00-04:00",
            "author": {"@type": "Person", "name": "Ld Author"},
        }
    },
    "nextjs": {
        "next_data": {
            "props": {
                "pageProps": {
                    "article": {
                        "slug": {"current": "some-story"},
                        "title": "Next headline",
                        "description": "Next desc",
                        "publishedAt": "2025-06-02T14:00:00Z",
                        "_updatedAt": "2025-06-12T14:00:00Z",
                        "authors": [{"name": "Next Author"}],
                    }
                }
            }
        }
    },
    "meta": {
        "head": '<meta property="og:title" content="Meta headline"><meta property="og:description" content="Meta desc">'
        '<meta property="article:published_time" content="2025-06-03">'
        '<meta property="article:modified_time" content="2025-06-13">'
        '<meta name="author" content="Meta Author">'
    },
    "visible": {
        "body": '<div><h1>Visible headline</h1><p>By Visible Author</p><time datetime="2025-06-04">x</time></div>'
    },
}
EXPECTED = {
    "jsonld": ("LD headline", "LD desc", "2025-06-01T10:00:00-04:00", "2025-06-11T10:00:00-04:00", "Ld Author"),
    "nextjs": ("Next headline", "Next desc", "2025-06-02T14:00:00Z", "2025-06-12T14:00:00Z", "Next Author"),
    "meta": ("Meta headline", "Meta desc", "2025-06-03", "2025-06-13", "Meta Author"),
    "visible": ("Visible headline", None, "2025-06-04", None, "Visible Author"),
}


@pytest.mark.parametrize("top", list(LAYERS))
def test_precedence_jsonld_then_nextjs_then_meta_then_visible(top: str) -> None:
    # every source gives another value: no two agree, so the most trusted one wins
    names = list(LAYERS)
    kwargs: dict[str, Any] = {}
    for name in names[names.index(top):]:
        for key, value in LAYERS[name].items():
            kwargs[key] = kwargs.get(key, "") + value if isinstance(value, str) else value
    item = ArticlePage(URL, page_html(**kwargs)).to_item()
    headline, desc, pub, mod, author = EXPECTED[top]
    assert item["headline"] == headline
    assert item["description"] == desc
    assert item["datePublishedRaw"] == pub
    assert item["dateModifiedRaw"] == mod
    assert item["authors"] == [{"name": author}]


def test_fields_fall_through_per_field_not_per_source() -> None:
    html = page_html(
        ld={"@type": "NewsArticle", "headline": "LD headline"},
        head='<meta property="article:published_time" content="2025-06-02">'
        '<meta property="og:description" content="Meta desc"><meta name="author" content="Jane Doe, MD">',
    )
    item = ArticlePage(URL, html).to_item()
    assert (item["headline"], item["datePublishedRaw"], item["description"]) == (
        "LD headline",
        "2025-06-02",
        "Meta desc",
    )
    assert item["authors"] == [{"name": "Jane Doe"}]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<link rel="canonical" href="/view/canon"><meta property="og:url" content="https://www.cancernetwork.com/view/og">',
         "https://www.cancernetwork.com/view/canon"),
        ('<link rel="canonical" href="https://other.example/x"><meta property="og:url" content="https://www.cancernetwork.com/view/og">',
         "https://www.cancernetwork.com/view/og"),
        ('<meta property="og:url" content="https://other.example/x">', URL),
        ("", URL),
    ],
)
def test_canonical_url(head: str, expected: str) -> None:
    assert ArticlePage(URL, page_html(head=head)).to_item()["canonicalUrl"] == expected


@pytest.mark.parametrize(
    ("ld", "head", "expected"),
    [
        (
            {"@type": "NewsArticle", "articleSection": "Lung Cancer"},
            '<meta property="article:section" content="Meta">',
            "Lung Cancer",
        ),
        (None, '<meta property="article:section" content="Breast Cancer">', "Breast Cancer"),
        (
            {
                "@type": "BreadcrumbList",
                "itemListElement": [
                    {"position": 1, "name": "Home", "item": "/"},
                    {"position": 2, "name": "Hematology", "item": "/clinical/hematology"},
                    {"position": 3, "name": "The Headline", "item": URL},
                ],
            },
            '<meta property="og:title" content="The Headline">',
            "Hematology",
        ),
        (
            {
                "@type": "BreadcrumbList",
                "itemListElement": [
                    {"position": 1, "name": "Home", "item": "/"},
                    {"position": 2, "name": "Hematology", "item": "/clinical/hematology"},
                ],
            },
            "",
            "Hematology",
        ),
        ({"@type": "BreadcrumbList", "itemListElement": [{"position": 1, "name": "Home", "item": "/"}]}, "", None),
        (None, "", None),
    ],
)
def test_section(ld: Any, head: str, expected: str | None) -> None:
    assert ArticlePage(URL, page_html(ld=ld, head=head)).to_item()["section"] == expected


def test_breadcrumb_urls_are_absolute() -> None:
    ld = {"@type": "BreadcrumbList", "itemListElement": [{"position": 1, "name": "Home", "item": "/"}]}
    assert ArticlePage(URL, page_html(ld=ld)).to_item()["breadcrumbs"] == [{"name": "Home", "url": "https://www.cancernetwork.com/"}]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"ld": {"@type": "NewsArticle", "inLanguage": "en-US"}, "lang": "fr"}, "en-US"),
        ({"lang": "en"}, "en"),
        ({"lang": "", "head": '<meta property="og:locale" content="en_US">'}, "en-US"),
        ({"lang": ""}, None),
    ],
)
def test_in_language(kwargs: dict[str, Any], expected: str | None) -> None:
    assert ArticlePage(URL, page_html(**kwargs)).to_item()["inLanguage"] == expected


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"ld": {"@type": "NewsArticle", "keywords": "a, b"}, "head": '<meta property="article:tag" content="t">'},
            ["a", "b"],
        ),
        (
            {
                "head": '<meta property="article:tag" content="t1"><meta property="article:tag" content="t2">'
                        '<meta name="keywords" content="k">'
            },
            ["t1", "t2"],
        ),
        ({"head": '<meta name="keywords" content="k1, k2">'}, ["k1", "k2"]),
        ({}, []),
    ],
)
def test_keywords(kwargs: dict[str, Any], expected: list[str]) -> None:
    assert ArticlePage(URL, page_html(**kwargs)).to_item()["keywords"] == expected


def test_main_image_jsonld_then_og_absolutised() -> None:
    both = page_html(
        ld={"@type": "NewsArticle", "image": "/ld.jpg"}, head='<meta property="og:image" content="/og.jpg">'
    )
    assert ArticlePage(URL, both).to_item()["mainImage"] == {"url": "https://www.cancernetwork.com/ld.jpg"}
    og = page_html(head='<meta property="og:image" content="/og.jpg">')
    assert ArticlePage(URL, og).to_item()["mainImage"] == {"url": "https://www.cancernetwork.com/og.jpg"}
    assert ArticlePage(URL, page_html()).to_item()["mainImage"] is None


def test_meta_authors_ignore_urls_and_site_name_and_reorder_citation_names() -> None:
    head = ('<meta property="og:site_name" content="CancerNetwork"><meta property="article:author" content="https://x.org/a/jane">'
            '<meta name="author" content="CancerNetwork"><meta name="citation_author" content="Doe, Jane">'
            '<meta name="citation_author" content="Smith, John A">')
    assert ArticlePage(URL, page_html(head=head)).to_item()["authors"] == [
        {"name": "Jane Doe"},
        {"name": "John A Smith"},
    ]


def test_headline_prefers_full_title_over_truncated_jsonld() -> None:
    html = page_html(ld={"@type": "NewsArticle", "headline": "A Very Long Headline That Got Cut…"},
                     head='<meta property="og:title" content="A Very Long Headline That Got Cut Off By The CMS">')
    assert ArticlePage(URL, html).to_item()["headline"] == "A Very Long Headline That Got Cut Off By The CMS"


def test_headline_title_suffix_stripped_by_host_and_h1() -> None:
    html = page_html(head="<title>Some Story - Part 2 | CancerNetwork</title>")
    assert ArticlePage(URL, html).to_item()["headline"] == "Some Story - Part 2"
    loop = "http://127.0.0.1:8123/view/some-story"
    html = page_html(head="<title>Some Story Title | CancerNetwork</title>", body="<h1>Some Story Title</h1>")
    assert ArticlePage(loop, html).to_item()["headline"] == "Some Story Title"


def test_placeholder_dates_skipped() -> None:
    html = page_html(ld={"@type": "NewsArticle", "datePublished": "0001-01-01T00:00:00Z"},
                     head='<meta property="article:published_time" content="2025-06-02T10:00:00Z">')
    assert ArticlePage(URL, html).to_item()["datePublishedRaw"] == "2025-06-02T10:00:00Z"


def test_visible_dates_only_when_no_structured_date() -> None:
    body = "<div><h1>Story headline here</h1><p>June 2nd 2025</p><p>Updated June 5th 2025</p></div>"
    structured = page_html(head='<meta property="article:published_time" content="2025-06-01">', body=body)
    item = ArticlePage(URL, structured).to_item()
    assert (item["datePublishedRaw"], item["dateModifiedRaw"]) == ("2025-06-01", None)
    pytest.importorskip("newscrawl.extract.dates")
    item = ArticlePage(URL, page_html(body=body)).to_item()
    assert item["datePublishedRaw"] is not None and "June 2nd 2025" in item["datePublishedRaw"]


def test_structured_bodies_portable_text_first() -> None:
    ld = {"@type": "NewsArticle", "articleBody": "Flat body."}
    nd = {
        "props": {
            "pageProps": {"a": {"body": [{"_type": "block", "children": [{"_type": "span", "text": "PT body."}]}]}}
        }
    }
    page = ArticlePage(URL, page_html(ld=ld, next_data=nd))
    assert [(b.method, b.text) for b in page.structured_bodies()] == [
        ("nextjs-portable-text", "PT body."),
        ("jsonld", "Flat body."),
    ]


def test_portable_text_body_wins_when_complete() -> None:
    paras = [
        f"Paragraph {i} of the article with enough words to look like real prose in a news story." for i in range(8)
    ]
    nd = {"props": {"pageProps": {"a": {"title": "T", "body": [
        {"_type": "block", "children": [{"_type": "span", "text": p}]} for p in paras]}}}}
    body = "<h1>T</h1><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>" + "".join(f"<p>{p}</p>" for p in paras)
    item = ArticlePage(URL, page_html(next_data=nd, body=body)).to_item()
    assert item["bodyMethod"] == "nextjs-portable-text"
    assert item["articleBody"] == "\n\n".join(paras)


VIDEO_LD = {"@type": "VideoObject", "name": "Clip", "uploadDate": "2025-06-01", "thumbnailUrl": "https://x.org/t.jpg"}


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"ld": {"@type": "NewsArticle", "headline": "H"}}, "article"),
        ({"ld": {"@type": "WebPage", "mainEntity": VIDEO_LD}}, "video"),
        (
            {"ld": {"@type": "WebPage", "mainEntity": VIDEO_LD}, "head": '<meta property="og:type" content="article">'},
            "video",
        ),
        (
            {
                "ld": [{"@type": "WebPage", "name": "P"}, VIDEO_LD],
                "head": '<meta property="og:type" content="article">',
            },
            "article",
        ),
        ({"ld": [{"@type": "WebPage", "name": "P"}, VIDEO_LD]}, "video"),
        ({"ld": [{"@type": "NewsArticle", "headline": "H"}, VIDEO_LD]}, "article"),
        ({"head": '<meta property="og:type" content="video.other">'}, "video"),
        ({"head": '<meta property="og:type" content="video.episode">', "ld": {"@type": "WebPage"}}, "video"),
        ({"ld": {"@type": "PodcastEpisode", "name": "E"}}, "podcast"),
        ({"ld": {"@type": "AudioObject", "name": "E"}}, "podcast"),
        ({"ld": {"@type": "ImageGallery", "name": "G"}}, "slideshow"),
        (
            {
                "ld": {"@type": "WebPage", "mainEntity": {"@type": "ImageGallery"}},
                "head": '<meta property="og:type" content="article">',
            },
            "slideshow",
        ),
        ({"head": '<meta property="og:type" content="article">'}, "article"),
        (
            {"next_data": {"props": {"a": [{"_type": "block", "children": [{"_type": "span", "text": "x" * 250}]}]}}},
            "article",
        ),
        (
            {
                "next_data": {
                    "props": {"teaser": [{"_type": "block", "children": [{"_type": "span", "text": "Short summary."}]}]}
                }
            },
            "other",
        ),
        ({"head": '<meta property="og:type" content="website">', "body": "<p>Home</p>"}, "other"),
        ({}, "other"),
    ],
)
def test_page_type(kwargs: dict[str, Any], expected: str) -> None:
    page = ArticlePage(URL, page_html(**kwargs))
    assert page.page_type() == expected
    assert page.to_item()["pageType"] == expected


def test_video_page_takes_missing_fields_from_video_object() -> None:
    html = page_html(
        ld=[{"@type": "WebPage", "name": "Video page"}, VIDEO_LD],
        head='<meta property="og:type" content="video.other">',
    )
    item = ArticlePage(URL, html).to_item()
    assert (item["headline"], item["datePublishedRaw"], item["mainImage"]) == ("Video page", "2025-06-01", {"url": "https://x.org/t.jpg"})


def test_article_page_does_not_take_embedded_video_fields() -> None:
    html = page_html(
        ld=[{"@type": "WebPage", "name": "Article page"}, VIDEO_LD], head='<meta property="og:type" content="article">'
    )
    item = ArticlePage(URL, html).to_item()
    assert (item["headline"], item["datePublishedRaw"], item["mainImage"]) == ("Article page", None, None)


@pytest.mark.parametrize(
    ("body", "kwargs"),
    [
        (
            "Caf\u00e9 \u201cquoted\u201d".encode("cp1252"),
            {"headers": {b"Content-Type": [b"text/html; charset=windows-1252"]}},
        ),
        ("Caf\u00e9 \u201cquoted\u201d".encode("cp1252"), {"headers": {"content-type": "text/html; charset=UTF-8"}}),
        ("Caf\u00e9 \u201cquoted\u201d".encode("cp1252"), {"encoding": "utf-8"}),
        ("Caf\u00e9 \u201cquoted\u201d".encode(), {"encoding": "latin-1"}),
        ("Caf\u00e9 \u201cquoted\u201d", {}),
    ],
)
def test_decoding_inputs(body: bytes | str, kwargs: dict[str, Any]) -> None:
    prefix = b"<html><head><title>" if isinstance(body, bytes) else "<html><head><title>"
    suffix = b"</title></head></html>" if isinstance(body, bytes) else "</title></head></html>"
    assert ArticlePage(URL, prefix + body + suffix, **kwargs).to_item()["headline"] == "Caf\u00e9 \u201cquoted\u201d"


def _garbage() -> list[Any]:
    rng = random.Random(1234)
    return [
        b"",
        "",
        None,
        b"\x00" * 100,
        bytes(rng.randrange(256) for _ in range(5000)),
        "<html><head><title>Only title",
        "<div>" * 2000 + "deep" + "</span>" * 10,
        '<script type="application/ld+json">' + "[" * 5000 + "</script>",
        '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"@id": "a"}, "@id": "a"}</script>',
        '<script type="application/ld+json">{"@graph": {"@type": "NewsArticle", "headline": ["x", {"@value": 3}],'
        ' "image": {"url": 5}}}</script>',
        '<script id="__NEXT_DATA__">' + '{"a":' * 3000 + "1" + "}" * 3000 + "</script>",
        '<script id="__NEXT_DATA__">{"body": [{"_type": "block", "children": "nope"}, '
        '{"_type": "block", "children": [null, 1]}]}</script>',
        '<html><head><link rel="canonical" href="http://[::1"><meta property="og:image" content="http://[bad"></head></html>',
        "<?xml version='1.0' encoding='utf-8'?><html><body><h1>X</h1></body></html>",
        "<h1></h1><h1><img></h1>" * 50,
    ]


@pytest.mark.parametrize("body", _garbage())
def test_never_raises_on_bad_input(body: Any) -> None:
    page = ArticlePage(URL, body)
    item = page.to_item()
    assert set(item) == KEYS
    assert item["url"] == URL
    assert item["pageType"] in PAGE_TYPES
    assert (
        isinstance(item["authors"], list)
        and isinstance(item["keywords"], list)
        and isinstance(item["breadcrumbs"], list)
    )


def test_failing_field_logs_and_returns_default(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("injected failure")

    monkeypatch.setattr("newscrawl.extract.page.find_html_breadcrumbs", boom)
    item = ArticlePage(URL, page_html(head="<title>Still Here</title>")).to_item()
    assert item["breadcrumbs"] == []
    assert item["headline"] == "Still Here"
    assert any("breadcrumbs" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)


def test_tree_is_parsed_once() -> None:
    page = ArticlePage(URL, page_html(ld={"@type": "NewsArticle", "headline": "H"}))
    tree = page.tree
    page.to_item()
    assert page.tree is tree
