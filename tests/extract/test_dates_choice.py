"""The page's publication date chosen from every statement it makes (``dates/choose.py`` and the
page object's evidence): unit tests of the vote, then one small hand-written page per rule, then
the date fixtures at page level (htmldate included)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from newscrawl.extract.dates import DateNormalizer
from newscrawl.extract.dates.choose import Choice, Evidence, choose_published, settled, statements
from newscrawl.extract.dates.find import meta_kind
from newscrawl.extract.page import ArticlePage

NY = "America/New_York"


def ev(source: str, raw: str, *, zone: str = NY) -> Evidence:
    return statements(source, [raw], zone=zone, dayfirst=False)[0]


# -- the vote ----------------------------------------------------------------------------------


def test_nothing_gives_an_empty_choice() -> None:
    assert choose_published([]) == Choice()


def test_only_readable_statements_vote() -> None:
    choice = choose_published([ev("jsonld", "2:33 PM"), ev("visible-labelled", "October 16, 2019")])
    assert (choice.raw, choice.source, choice.day) == ("October 16, 2019", "visible-labelled", date(2019, 10, 16))


def test_unreadable_statements_alone_keep_the_most_trusted_raw() -> None:
    choice = choose_published([ev("meta", "soon"), ev("jsonld", "LD-pub")])
    assert (choice.raw, choice.source, choice.notes) == ("LD-pub", "jsonld", ("unreadable",))


def test_two_agreeing_sources_beat_one_more_trusted() -> None:
    found = [ev("meta", "2020-02-12T08:00:00+01:00"), ev("url", "2020/02/05"),
             ev("visible-labelled", "5 February 2020")]
    choice = choose_published(found)
    assert (choice.raw, choice.day, choice.against) == ("5 February 2020", date(2020, 2, 5), ("meta",))


def test_the_own_json_ld_article_outweighs_one_other_source() -> None:
    choice = choose_published([ev("jsonld", "2020-02-12"), ev("url", "2020/02/05")])
    assert (choice.raw, choice.against) == ("2020-02-12", ("url",))


def test_a_tie_goes_to_the_most_trusted_source() -> None:
    assert choose_published([ev("url", "2020/02/05"), ev("meta", "2020-02-12")]).source == "meta"


def test_each_source_votes_once() -> None:
    found = [ev("meta", "2020-02-12"), ev("meta", "2020-02-12T10:00:00Z"), ev("url", "2020/02/05"),
             ev("visible-element", "Feb 5, 2020")]  # fmt: skip
    assert choose_published(found).day == date(2020, 2, 5)


def test_utc_timestamp_votes_for_the_local_day_the_url_states() -> None:
    choice = choose_published([ev("jsonld", "2020-02-18T02:18:11Z"), ev("url", "2020/02/17")])
    assert (choice.raw, choice.day, choice.notes) == ("2020/02/17", date(2020, 2, 17), ("utc_shifted",))


def test_utc_timestamp_keeps_its_day_without_a_local_statement() -> None:
    choice = choose_published([ev("meta", "2023-11-09T02:11:03+00:00")])
    assert (choice.raw, choice.day, choice.notes) == ("2023-11-09T02:11:03+00:00", date(2023, 11, 9), ())


def test_utc_timestamp_is_not_moved_by_a_bare_structured_day() -> None:
    """``<meta name=datePublished content=2019-10-17>`` may be another event's day (print)."""
    choice = choose_published([ev("jsonld", "2019-10-18T01:00:00Z"), ev("meta", "2019-10-17")])
    assert choice.day == date(2019, 10, 18)


def test_utc_timestamp_is_not_moved_further_than_any_zone() -> None:
    choice = choose_published([ev("jsonld", "2020-02-18T12:00:00Z"), ev("url", "2020/02/16")])
    assert choice.day == date(2020, 2, 18)


def test_a_naive_time_is_local_not_utc() -> None:
    """A timestamp without an offset is the site's local time, never shifted as a UTC one."""
    choice = choose_published([ev("jsonld", "2020-02-18T01:00:00"), ev("url", "2020/02/17")])
    assert choice.day == date(2020, 2, 18)


@pytest.mark.parametrize(
    ("found", "offset"),
    [
        # shown 21:30:59 without a zone, JSON-LD 03:30:59Z the next day: the page says -06:00
        ([("visible-labelled", "June 2, 2025 9:30:59 PM"), ("jsonld", "2025-06-03T03:30:59Z")], "-06:00"),
        ([("visible-labelled", "June 2, 2025 9:30 PM"), ("jsonld", "2025-06-03T03:30:59Z")], "-06:00"),
        ([("visible-labelled", "2. Juni 2025 21:30"), ("meta", "2025-06-02T21:30:00+02:00")], None),  # meta kept
        # no instant to compare with, or one that is not the same minute: the site's zone applies
        ([("visible-labelled", "June 2, 2025 9:30 PM"), ("url", "2025/06/02")], None),
        ([("visible-labelled", "June 2, 2025 9:30 PM"), ("jsonld", "2025-06-03T03:37:00Z")], None),
        ([("visible-labelled", "June 2, 2025 9:30:59 PM"), ("jsonld", "2025-06-03T03:30:12Z")], None),
        ([("visible-labelled", "June 2, 2025")], None),
    ],
)
def test_a_kept_local_time_takes_the_offset_the_page_implies(found: list[tuple[str, str]], offset: str | None) -> None:
    assert choose_published([ev(source, raw) for source, raw in found]).offset == offset


@pytest.mark.parametrize("source", ["meta-generic", "htmldate-vote"])
def test_a_source_that_only_confirms_is_no_date_alone(source: str) -> None:
    assert choose_published([ev(source, "2011-07-25")]).raw is None
    assert choose_published([ev(source, "2011-07-25")]).notes == ("vote_only",)


def test_two_confirming_sources_that_agree_are_a_date() -> None:
    choice = choose_published([ev("meta-generic", "2011-07-25"), ev("htmldate-vote", "2011-07-25")])
    assert (choice.raw, choice.source) == ("2011-07-25", "meta-generic")


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        ([], False),
        ([("jsonld", "2:33 PM")], False),
        ([("jsonld", "2025-06-02T10:00:00-04:00")], True),
        ([("jsonld", "2025-06-02T10:00:00-04:00"), ("url", "2025/06/03")], False),
        ([("meta", "2025-06-02T10:00:00Z")], True),  # 06:00 in New York: the same day
        ([("meta", "2025-06-02T02:00:00Z")], False),  # 22:00 the day before in New York
        ([("visible-labelled", "June 2, 2025")], False),  # not machine-readable
    ],
)
def test_settled_without_the_visible_page(found: list[tuple[str, str]], expected: bool) -> None:
    assert settled([ev(s, r) for s, r in found], NY) is expected


@pytest.mark.parametrize(
    ("key", "kind"),
    [("article:published_time", "published"), ("bt:pubdate", "published"),
     ("five_hundred_pixels:uploaded", "published"), ("og:updated_time", "modified"),
     ("article:modified_time", "modified"), ("date", "generic"),
     ("dc.date", "generic"), ("og:title", ""), ("description", "")],
)  # fmt: skip
def test_meta_kind(key: str, kind: str) -> None:
    assert meta_kind(key) == kind


# -- one page per rule -------------------------------------------------------------------------

URL = "https://news.example.com/politics/council-approves-new-budget"
H1 = "<h1>Council Approves New Budget</h1>"
LONG = "<p>" + "The council met on the matter and voted after a long debate about the plans. " * 6 + "</p>"
FAR = "<p>Termin: 11. Oktober 2018</p>"  # a second, different date far below the headline


def page(head: str = "", body: str = "", *, lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>Council Approves New Budget | Example News</title>{head}</head><body>{body}</body></html>"
    )


def ld(obj: Any) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def dates(html: str, url: str = URL, *, timezone: str = NY) -> tuple[Any, Any]:
    """(datePublishedRaw, datePublished) as the crawl exports them."""
    item = ArticlePage(url, html, timezone=timezone).to_item()
    item["dateDownloaded"] = "2026-01-01T00:00:00Z"
    DateNormalizer(timezone).apply(item)
    return item["datePublishedRaw"], item["datePublished"]


CASES: dict[str, tuple[str, str, tuple[Any, Any]]] = {
    "an unreadable structured value does not hide the visible date": (
        URL, page(body=f'<article><header>{H1}<div class="date-header">Wednesday, October 16, 2019</div>'
                       f'<span itemprop="datePublished">2:33 PM</span></header>{LONG}</article>'),
        ("Wednesday, October 16, 2019", "2019-10-16"),
    ),
    "a UTC timestamp takes the day of the URL": (
        "https://news.example.com/2020/02/17/council-approves-new-budget/",
        page(ld({"@type": "NewsArticle", "headline": "Council Approves New Budget",
                 "datePublished": "2020-02-18T02:18:11Z"}), f"<article>{H1}{LONG}</article>"),
        ("2020/02/17", "2020-02-17"),
    ),
    "a UTC timestamp takes the local time of the same instant": (
        URL, page('<meta property="article:published_time" content="2023-11-09T02:11:03+00:00">',
                  f'<article>{H1}<div class="byline">By Jo Reporter <time datetime="2023-11-08T21:11:03-05:00">'
                  f"November 8, 2023</time></div>{LONG}</article>"),
        ("2023-11-08T21:11:03-05:00", "2023-11-08T21:11:03-05:00"),
    ),
    "a compact ISO timestamp is read": (
        URL, page(ld({"@type": "NewsArticle", "headline": "Council Approves New Budget",
                      "datePublished": "20200516T14:51:53Z"}), f"<article>{H1}{LONG}</article>"),
        ("20200516T14:51:53Z", "2020-05-16T14:51:53+00:00"),
    ),
    "a meta key is read by its words": (
        URL, page('<meta name="bt:pubdate" content="2020-05-16T09:51:53Z">', f"<article>{H1}{LONG}</article>"),
        ("2020-05-16T09:51:53Z", "2020-05-16T09:51:53+00:00"),
    ),
    "a re-publication meta date loses to the URL and the label that agree": (
        "https://news.example.com/2020/02/05/council-approves-new-budget/",
        page('<meta property="article:published_time" content="2020-02-12T08:00:00+01:00">',
             f"<article>{H1}<p>Published: 5 February 2020</p>{LONG}</article>", lang="en-GB"),
        ("5 February 2020", "2020-02-05"),
    ),
    "an RDFa datePublished": (
        URL, page(body=f'<article>{H1}<span property="schema:datePublished" content="2022-01-28T12:45:46+00:00">'
                       f"</span>{LONG}</article>"),
        ("2022-01-28T12:45:46+00:00", "2022-01-28T12:45:46+00:00"),
    ),
    "an embedded video's upload date loses to the meta tag and the byline": (
        URL, page(ld({"@type": "VideoObject", "name": "Clip", "uploadDate": "2019-05-02"})
                  + '<meta property="article:published_time" content="2019-10-14T09:00:00-04:00">'
                  + '<meta property="og:type" content="article">',
                  f'<article>{H1}<p class="byline">By Jo Reporter, October 14, 2019</p>{LONG}</article>'),
        ("2019-10-14T09:00:00-04:00", "2019-10-14T09:00:00-04:00"),
    ),
    "a generic date meta confirmed by htmldate": (
        URL, page('<meta name="date" content="2011-07-25">', f"<article>{H1}{LONG}</article>"),
        ("2011-07-25", "2011-07-25"),
    ),
    "a labelled publication date in a footer block beats the last change": (
        URL, page(body=f"<article>{H1}{LONG}</article>"
                       f'<div class="rez_footer"><p>Letzte Änderung: 31.10.2023 - 14:49:39<br>'
                       f"Erschienen am: 01.11.2023<br>Lesungen: 61</p></div>", lang="de"),
        ("01.11.2023", "2023-11-01"),
    ),
    "the only date far below the headline, found by htmldate and shown on the page": (
        URL, page(body=f"<article>{H1}{LONG * 3}<p>Benni<br>10. September 2017</p></article>", lang="de"),
        ("10. September 2017", "2017-09-10"),
    ),
    "htmldate's day shown in an aside": (
        URL, page(body=f'<article>{H1}<p class="lead">A short lead.</p>{LONG}</article>'
                       f"<aside><dl><dt>Datum</dt><dd>12.01.2017</dd></dl></aside>", lang="de"),
        ("12.01.2017", "2017-01-12"),
    ),
    "htmldate's day is not taken from an update label": (
        URL, page(body=f"<article>{H1}<p>Updated June 3, 2025</p>{LONG}</article>"),
        (None, None),
    ),
    "a two-digit year in prose is no date": (
        URL, page(body=f"<article>{H1}<p>Version 1.10.23 is out.</p>{LONG}</article>", lang="de"),
        (None, None),
    ),
    "the article's own footer holds its date": (
        URL, page(body=f'<article>{H1}{LONG}<footer class="node__meta">Posted 28 January 2022 by Jo</footer>'
                       f"</article><footer>Site footer, updated 3 March 2024</footer>"),
        ("28 January 2022", "2022-01-28"),
    ),
    "a name and a date in two elements": (
        URL, page(body=f'<article>{H1}<div><span class="author">Jo Reporter</span><span>3.11.2023</span>'
                       f"</div>{LONG}{LONG * 2}{FAR}</article>", lang="de"),
        ("3.11.2023", "2023-11-03"),
    ),
    "a Russian month name": (
        URL, page(body=f'<article><p class="date">15 августа 2016, 13:43</p>{H1}{LONG}</article>', lang="ru"),
        ("15 августа 2016, 13:43", "2016-08-15T13:43:00-04:00"),
    ),
    "a CJK date": (
        URL, page(body=f'<article>{H1}<div class="info">发布时间：2016年8月15日 13:43</div>{LONG}</article>',
                  lang="zh"),
        ("2016年8月15日 13:43", "2016-08-15T13:43:00-04:00"),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_rule_on_a_page(case: str) -> None:
    url, html, expected = CASES[case]
    assert dates(html, url) == expected


def test_the_vote_is_recorded_in_the_provenance() -> None:
    url, html, _ = CASES["a UTC timestamp takes the day of the URL"]
    prov = ArticlePage(url, html).provenance()["datePublished"]
    assert prov == {"source": "url", "agree": ["url", "jsonld"], "disagree": [], "notes": ["utc_shifted"],
                    "values": {"jsonld": "2020-02-18T02:18:11Z", "url": "2020/02/17"}}
    url, html, _ = CASES["a re-publication meta date loses to the URL and the label that agree"]
    prov = ArticlePage(url, html).provenance()["datePublished"]
    assert (prov["source"], prov["agree"], prov["disagree"]) == ("visible-labelled", ["visible-labelled", "url"],
                                                                 ["meta"])
    url, html, _ = CASES["htmldate's day shown in an aside"]
    assert ArticlePage(url, html).provenance()["datePublished"]["source"] == "htmldate"


def test_a_local_time_is_exported_with_the_offset_the_page_implies() -> None:
    """Shown without a zone, the time is the site's (New York, -04:00 in June), unless the page
    gives the same instant with an offset; the raw string stays as shown."""
    body = f'<article>{H1}<p class="byline">Published June 2, 2025 9:30:59 PM</p>{LONG}</article>'
    same_instant = ld({"@type": "NewsArticle", "headline": "Council Approves New Budget",
                       "datePublished": "2025-06-03T03:30:59Z"})
    assert dates(page(same_instant, body)) == ("June 2, 2025 9:30:59 PM", "2025-06-02T21:30:59-06:00")
    assert ArticlePage(URL, page(same_instant, body)).provenance()["datePublished"]["offset"] == "-06:00"
    assert dates(page(body=body)) == ("June 2, 2025 9:30:59 PM", "2025-06-02T21:30:59-04:00")


@pytest.mark.parametrize(
    ("raw", "offset", "expected"),
    [
        ("June 2, 2025 9:30 PM", "-06:00", "2025-06-02T21:30:00-06:00"),
        ("June 2, 2025 9:30 PM", "+05:45", "2025-06-02T21:30:00+05:45"),
        ("June 2, 2025 9:30 PM EDT", "-06:00", "2025-06-02T21:30:00-04:00"),  # the raw names its zone
        ("June 2, 2025", "-06:00", "2025-06-02"),  # no time
        ("June 2, 2025 9:30 PM", "6 hours", "2025-06-02T21:30:00-04:00"),  # not an offset: ignored
    ],
)
def test_the_normaliser_reads_the_implied_offset(raw: str, offset: str, expected: str) -> None:
    item = {"datePublishedRaw": raw, "dateDownloaded": "2026-01-01T00:00:00Z",
            "provenance": {"datePublished": {"source": "visible-labelled", "offset": offset}}}
    DateNormalizer(NY).apply(item)
    assert item["datePublished"] == expected


def test_site_zone_decides_whether_a_utc_timestamp_needs_a_look() -> None:
    """02:11 UTC is the day before in New York: the page is read and shows that day; in Berlin
    it is the same day, which the structured date settles."""
    html = page('<meta property="article:published_time" content="2023-11-09T02:11:03+00:00">',
                f"<article>{H1}<p>November 8, 2023</p>{LONG}</article>")
    assert dates(html, timezone=NY)[0] == "November 8, 2023"
    assert dates(html, timezone="Europe/Berlin")[0] == "2023-11-09T02:11:03+00:00"


def test_modified_date_from_structured_sources_or_the_page() -> None:
    html = page('<meta property="article:published_time" content="2025-06-02">'
                '<meta property="og:updated_time" content="soon">'
                '<meta property="article:modified_time" content="2025-06-05T10:00:00-04:00">', f"{H1}{LONG}")
    assert ArticlePage(URL, html).to_item()["dateModifiedRaw"] == "2025-06-05T10:00:00-04:00"
    html = page(body=f"<article>{H1}<p>June 2, 2025</p><p>Updated June 4, 2025</p>{LONG}</article>")
    item = ArticlePage(URL, html).to_item()
    assert (item["datePublishedRaw"], item["dateModifiedRaw"]) == ("June 2, 2025", "June 4, 2025")


# -- the date fixtures at page level -----------------------------------------------------------

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dates"
FIXTURE_CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.json").is_file())


@pytest.mark.parametrize("case", FIXTURE_CASES)
def test_date_fixture_through_the_page_object(case: str) -> None:
    """No sidebar, teaser, copyright or update date, even with htmldate as the last resort."""
    expected = json.loads((FIXTURES / case / "expected.json").read_text("utf-8"))
    html = (FIXTURES / case / "input.html").read_text("utf-8")
    item = ArticlePage(expected["url"], html, timezone=expected.get("timezone", NY)).to_item()
    assert item["datePublishedRaw"] == expected["published_raw"]
    if "now" in expected:
        item["dateDownloaded"] = expected["now"]
    else:
        item["dateDownloaded"] = datetime(2026, 1, 1, tzinfo=UTC).isoformat()
    DateNormalizer(expected.get("timezone", NY)).apply(item)
    assert item["datePublished"] == expected["published"]
