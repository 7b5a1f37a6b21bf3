"""The doctor's pure parts: freshness, the sample's spread, the verdict's rules, case names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from newscrawl.doctor.fields import FieldSource, field_report
from newscrawl.doctor.report import Findings, Page, Surface, count_fresh, judge, render
from newscrawl.doctor.save import case_name
from newscrawl.doctor.spider import sample

NOW = datetime(2025, 6, 2, 23, 0, tzinfo=UTC)
FIELDS = ("headline", "datePublished", "dateModified", "authors", "articleBody", "section")


def test_count_fresh_by_the_links_own_date() -> None:
    dates = ["2025-06-02T10:00:00Z", "Mon, 26 May 2025 22:30:00 GMT", "2025-05-26", "2025-05-25", None, "soon"]
    # dated: the four that parse; fresh: at most 7 days before NOW, a bare date if its day is
    assert count_fresh(dates, NOW) == (4, 2)
    assert count_fresh(dates, NOW, days=8) == (4, 4)


def test_sample_takes_one_link_per_surface_in_turn() -> None:
    def surface(name: str, url: str, articles: list[str]) -> Surface:
        return Surface(name, url, status=200, articles=articles)

    surfaces = [
        surface("oldest sitemap", "/sitemaps/2007.xml", ["/view/old1", "/view/old2"]),
        surface("rss", "/rss", ["/view/a", "/view/b", "/view/c"]),
        surface("section listing", "/clinical/lung", ["/view/a", "/view/l1"]),
        surface("news sitemap", "/sitemap-news.xml", ["/view/a", "/view/b"]),
    ]
    assert sample(surfaces, 5) == [
        ("/view/a", "news sitemap"), ("/view/b", "rss"), ("/view/l1", "/clinical/lung"),
        ("/view/old1", "oldest sitemap"), ("/view/c", "rss"),
    ]
    assert len(sample(surfaces, 50)) == 6  # every distinct link once, then no more


def good_surfaces() -> list[Surface]:
    return [Surface("robots.txt", "/robots.txt", status=200),
            Surface("rss", "/rss", status=200, links=50, dated=50, fresh=9)]


def article(path: str, **override: FieldSource | None) -> Page:
    fields = {name: FieldSource(name, "jsonld", {"jsonld": "x", "nextjs": "x"}, ("nextjs",)) for name in FIELDS}
    values: dict[str, str | None] = {name: "x" for name in FIELDS}
    for name, found in override.items():
        if found is None:
            fields[name], values[name] = FieldSource(name, None), None
        else:
            fields[name] = found
    return Page(f"http://site{path}", "rss", status=200, page_type="article", structured=("JSON-LD NewsArticle",),
                fields=fields, values=values)


def verdict_for(pages: list[Page], surfaces: list[Surface] | None = None) -> dict[str, list[str]]:
    findings = Findings("http://site", polite=False, requested=len(pages), pages=pages,
                        surfaces=good_surfaces() if surfaces is None else surfaces)
    verdict = judge(findings)
    render(findings, verdict)  # renders whatever the verdict
    return {f"{r.subject}: {r.why}": list(r.pages) for r in verdict.risks}


def test_all_fields_from_structured_data_is_ready() -> None:
    pages = [article(f"/view/{i}") for i in range(10)]
    findings = Findings("http://site", polite=False, requested=10, surfaces=good_surfaces(), pages=pages)
    verdict = judge(findings)
    assert verdict.exit_code == 0 and verdict.risks == ()
    assert "Verdict: READY (exit 0)" in render(findings, verdict)


def test_a_field_empty_on_more_than_a_fifth_of_pages_is_at_risk() -> None:
    pages = [article(f"/view/{i}", section=None if i < 3 else FieldSource("section", "jsonld")) for i in range(10)]
    assert verdict_for(pages) == {"section: empty on 3/10 article pages": ["/view/0", "/view/1", "/view/2"]}
    pages = [article(f"/view/{i}", section=None if i < 2 else FieldSource("section", "jsonld")) for i in range(10)]
    assert verdict_for(pages) == {}  # 2/10 is not more than 20%


def test_date_modified_may_be_empty_and_authors_often() -> None:
    assert verdict_for([article(f"/view/{i}", dateModified=None) for i in range(5)]) == {}
    pages = [article(f"/view/{i}", authors=None if i < 5 else FieldSource("authors", "nextjs")) for i in range(10)]
    assert verdict_for(pages) == {}
    pages.append(article("/view/10", authors=None))
    assert list(verdict_for(pages)) == ["authors: empty on 6/11 article pages"]


def test_fallback_only_on_more_than_half_of_pages_is_at_risk() -> None:
    visible = FieldSource("datePublished", "visible", {"visible": "June 1st 2025"})
    meta = FieldSource("datePublished", "meta", {"meta": "2025-06-01"})
    pages = [article(f"/view/{i}", datePublished=visible if i < 6 else meta) for i in range(10)]
    risks = verdict_for(pages)
    assert list(risks) == ["datePublished: from the visible page only (no structured source) on 6/10 article "
                           "pages (more than 50%)"]
    assert risks[next(iter(risks))][:2] == ["/view/0", "/view/1"]


def test_body_from_the_generic_extractor_is_at_risk_only_when_almost_always() -> None:
    generic = FieldSource("articleBody", "html-generic-merged")
    seven = [article(f"/view/{i}", articleBody=generic if i < 7 else FieldSource("articleBody", "nextjs-portable-text"))
             for i in range(10)]
    assert verdict_for(seven) == {}
    eight = [article(f"/view/{i}", articleBody=generic if i < 8 else FieldSource("articleBody", "nextjs-portable-text"))
             for i in range(10)]
    assert list(verdict_for(eight)) == ["articleBody: from the visible page only (no structured source) on 8/10 "
                                        "article pages (more than 75%)"]


def test_headline_disagreeing_with_title_is_named() -> None:
    off = FieldSource("headline", "jsonld", {"jsonld": "A", "title": "B"}, (), ("title",))
    pages = [article(f"/view/{i}", headline=off if i % 2 else FieldSource("headline", "jsonld")) for i in range(6)]
    assert verdict_for(pages) == {"headline: disagrees with <title> on 3/6 article pages":
                                  ["/view/1", "/view/3", "/view/5"]}


def test_sources_that_disagree_are_at_risk() -> None:
    split = FieldSource("datePublished", "meta", {"jsonld": "2025-06-11", "meta": "2025-06-03", "time": "2025-06-03"},
                        ("time",), ("jsonld",))
    pages = [article(f"/view/{i}", datePublished=split) for i in range(3)] + [article("/view/ok")]
    assert list(verdict_for(pages)) == ["datePublished: sources disagree on 3/4 article pages"]


def test_the_report_reads_the_page_objects_provenance() -> None:
    provenance = {
        "documents": {"jsonld": "url", "nextjs": "absent"},
        "headline": {"source": "jsonld", "agree": ["jsonld", "og_title", "h1"], "disagree": ["title"],
                     "values": {"jsonld": "A", "og_title": "A", "title": "B", "h1": "A"}},
        "datePublished": {"source": "meta", "agree": ["meta"], "disagree": [], "values": {"meta": "2025-06-03"}},
        "dateModified": {"source": None}, "authors": {"source": "byline"},
        "section": {"source": "breadcrumbs"}, "articleBody": {"source": "html-generic"},
    }
    fields = field_report(provenance)
    assert fields["headline"] == FieldSource("headline", "jsonld", provenance["headline"]["values"],
                                             ("og_title", "h1"), ("title",))
    assert [name for name, found in fields.items() if found.fallback] == ["authors", "articleBody", "section"]
    assert fields["authors"] == FieldSource("authors", "byline") and fields["dateModified"].source is None
    assert field_report({})["headline"] == FieldSource("headline", None)


def test_pages_without_structured_data_and_failed_fetches() -> None:
    bare = [article(f"/view/{i}") for i in range(4)]
    for page in bare[:2]:
        page.structured = ()
    failed = Page("http://site/view/gone", "rss", status=404)
    risks = verdict_for([*bare, failed])
    assert risks == {"structured data: none at all on 2/4 article pages": ["/view/0", "/view/1"]}
    risks = verdict_for([*bare[2:], failed, Page("http://site/view/x", "rss", error="TimeoutError")])
    assert risks == {"pages: 2/4 sampled pages not fetched": ["/view/gone", "/view/x"]}
    assert verdict_for([Page("http://site/view/v", "rss", status=200, page_type="video")]) == {
        "pages: no article page among 1 sampled": []}


@pytest.mark.parametrize(("surface", "why"), [
    (Surface("rss", "/rss", status=200, links=50, dated=50, fresh=0), "rss: no link dated within 7 days"),
    (Surface("rss", "/rss", status=200, links=0), "rss: no article links"),
    (Surface("rss", "/rss", status=503), "rss: status 503"),
    (Surface("rss", "/rss", error="TimeoutError: took too long"), "rss: TimeoutError: took too long"),
    (Surface("robots.txt", "/robots.txt", status=200, note="forbids /view/ to USER_AGENT; 2 Sitemap lines"),
     "robots.txt: forbids /view/ to USER_AGENT; 2 Sitemap lines"),
])
def test_surface_risks(surface: Surface, why: str) -> None:
    assert list(verdict_for([article("/view/1")], [surface])) == [why]


def test_undated_links_and_sample_sources_are_not_judged_on_freshness() -> None:
    undated = Surface("listing", "/news?page=1", status=200, links=20, dated=0)
    old = Surface("oldest sitemap", "/sitemaps/2007.xml", judged=False, status=200, links=20, dated=20, fresh=0)
    assert verdict_for([article("/view/1")], [undated, old]) == {}


def test_no_response_at_all_is_unreachable_and_a_timeout_is_a_risk() -> None:
    findings = Findings("http://127.0.0.1:9", polite=False, requested=10,
                        surfaces=[Surface("rss", "/rss", error="ConnectionRefusedError")])
    verdict = judge(findings)
    assert verdict.exit_code == 3
    assert "SITE UNREACHABLE (exit 3)" in render(findings, verdict)
    findings = Findings("http://site", polite=False, requested=1, surfaces=good_surfaces(),
                        pages=[article("/view/1")], timed_out=True)
    assert [r.subject for r in judge(findings).risks] == ["run"] and judge(findings).exit_code == 4


def test_case_names_are_safe_and_unique() -> None:
    assert case_name("https://x.org/view/Some_Slug--Here/?a=1") == "some-slug-here"
    assert case_name("https://x.org/view/a", {"a", "a-2"}) == "a-3"
    assert case_name("https://x.org/") == "page"


@pytest.mark.parametrize(("source", "fallback"), [("visible-labelled", True), ("visible-plain", True),
                                                  ("htmldate", True), ("meta", False), ("url", False)])
def test_a_date_the_visible_page_gave_is_a_fallback(source: str, fallback: bool) -> None:
    fields = field_report({"datePublished": {"source": source, "agree": [source], "disagree": []}})
    assert fields["datePublished"].fallback is fallback
