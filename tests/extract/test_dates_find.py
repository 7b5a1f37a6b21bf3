"""find_dates on saved pages: tests/fixtures/dates/<case>/{input.html, expected.json}.

Each expected.json gives the URL the page was fetched from, the raw strings find_dates must
return (as they appear on the page) and the ISO values they parse to, with the page's
day-first rule, the site zone (``timezone``, default America/New_York) and the crawl time
(``now``, for relative dates).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from newscrawl.extract.dates import find_dates, infer_dayfirst, parse_date

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dates"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.json").is_file())


def load(case: str) -> tuple[str, dict[str, Any]]:
    folder = FIXTURES / case
    html = (folder / "input.html").read_text("utf-8")
    return html, json.loads((folder / "expected.json").read_text("utf-8"))


def test_fixtures_exist() -> None:
    assert len(CASES) >= 12


@pytest.mark.parametrize("case", CASES)
def test_find_dates_raw(case: str) -> None:
    html, expected = load(case)
    assert find_dates(html, expected["url"]) == (
        expected["published_raw"],
        expected["modified_raw"],
    )


@pytest.mark.parametrize("case", CASES)
def test_found_raw_strings_parse_to_expected_values(case: str) -> None:
    html, expected = load(case)
    lang = lxml.html.document_fromstring(html).get("lang")
    now = datetime.fromisoformat(expected["now"]) if "now" in expected else None
    values = []
    for raw in find_dates(html, expected["url"]):
        if raw is None:
            values.append(None)
            continue
        parsed = parse_date(
            raw,
            default_tz=expected.get("timezone", "America/New_York"),
            now=now,
            dayfirst=infer_dayfirst(lang, expected["url"]),
        )
        assert parsed is not None, raw
        values.append(parsed.value)
    assert values == [expected["published"], expected["modified"]]


@pytest.mark.parametrize("case", CASES)
def test_raw_strings_appear_on_the_page_or_url(case: str) -> None:
    html, expected = load(case)
    flat = re.sub(r"\s+", " ", lxml.html.document_fromstring(html).text_content())
    for raw in find_dates(html, expected["url"]):
        if raw is not None:
            assert raw in flat or f'"{raw}"' in html or raw in expected["url"]


def page(body: str, *, lang: str = "en", title: str = "A Headline") -> str:
    return f'<html lang="{lang}"><head><title>{title}</title></head><body>{body}</body></html>'


LONG = "<p>" + "The council met on the matter and voted after a long debate about the plans. " * 6 + "</p>"


@pytest.mark.parametrize(
    ("html", "url", "expected"),
    [
        # several dates right under the headline: the first wins, labels decide roles
        (page("<h1>A Headline</h1><p>June 2, 2025</p><p>Updated June 4, 2025</p>"), None,
         ("June 2, 2025", "June 4, 2025")),
        # a labelled date far below the headline still counts ("Originally published ...")
        (page("<h1>A Headline</h1>" + "<p>" + "word " * 300 + "</p>"
              + "<p>Originally published June 1, 2025</p>"), None, ("June 1, 2025", None)),
        # an unlabelled date far below the headline does not
        (page("<h1>A Headline</h1>" + "<p>" + "word " * 300 + "</p><p>June 1, 2025</p>"),
         None, (None, None)),
        # "published" in prose is not a label
        (page("<h1>A Headline</h1><p>The results were published June 2, 2025 in a journal "
              "after a long review that took the better part of two years and involved many "
              "rounds of comments from reviewers and editors of the journal concerned.</p>"),
         None, (None, None)),
        # a teaser card that is a link to another article
        (page('<h1>A Headline</h1><a href="/view/other"><h3>Other</h3><p>June 1st 2025</p></a>'),
         "https://www.cancernetwork.com/view/a-headline", (None, None)),
        # ... but a byline date linked to the article itself or to a day archive counts
        (page('<h1>A Headline</h1><a href="/view/a-headline">June 1st 2025</a>'),
         "https://www.cancernetwork.com/view/a-headline", ("June 1st 2025", None)),
        (page('<h1>A Headline</h1><a href="/2025/06/01/">June 1st 2025</a>'),
         "https://example.com/a", ("June 1st 2025", None)),
        # a logo <h1> inside a link is not the headline; the masthead date is not the date
        (page('<header><h1><a href="/">Daily Paper</a></h1><span>Wednesday, June 4, 2025</span>'
              '</header><div><h2>A Headline About Something</h2><p>June 2, 2025</p></div>',
              title="A Headline About Something | Daily Paper"), None, ("June 2, 2025", None)),
        # relative dates are returned raw (the pipeline resolves them against the crawl time)
        (page('<h1>A Headline</h1><div class="stamp"><span>Yesterday at 3:15 PM</span></div>'),
         None, ("Yesterday at 3:15 PM", None)),
        # a bare "More" link is a button, not a "More News" heading that hides its block
        (page('<h1>A Headline</h1><div><span>June 2, 2025</span> <a href="/more">More</a></div>'),
         None, ("June 2, 2025", None)),
        # hidden text is not shown; hidden microdata still describes the page; aria-hidden is
        # only hidden from screen readers, so still shown
        (page('<h1>A Headline</h1><div hidden><span>June 1, 2025</span></div>'), None,
         (None, None)),
        (page('<h1>A Headline</h1><p style="display: none">June 1, 2025</p>'), None,
         (None, None)),
        (page('<h1>A Headline</h1><div style="display:none"><div itemprop="datePublished">'
              "2019-11-13T23:06:00+01:00</div></div>"), None, ("2019-11-13T23:06:00+01:00", None)),
        (page('<h1>A Headline</h1><p aria-hidden="true"><time datetime="2019-11-18T18:54:53+0000">'
              "Mon 18 Nov 2019</time></p>"), None, ("2019-11-18T18:54:53+0000", None)),
        # year-first dotted byline dates (common on Japanese/Korean pages)
        (page("<h1>A Headline</h1><p>by Someone / 2016.12.01</p>", lang="ja"), None,
         ("2016.12.01", None)),
        # <time pubdate>
        (page('<h1>A Headline</h1><time pubdate datetime="2025-06-02">June 2</time>'),
         None, ("2025-06-02", None)),
        # a naive datetime attribute loses to text that names its zone
        (page('<h1>A Headline</h1><time datetime="2019-11-13T15:28:18">'
              "Nov 13, 2019, 10:28am EST</time>"), None, ("Nov 13, 2019, 10:28am EST", None)),
        # "Updated X / Original Y" in one element
        (page('<h1>A Headline</h1><time class="timestamp">Updated Nov. 19, 2019 8:21 am ET / '
              "Original Nov. 19, 2019 8:02 am ET</time>"), None,
         ("Nov. 19, 2019 8:02 am ET", "Nov. 19, 2019 8:21 am ET")),
        # URL dates: /2025/06/02/, /20250602/, /2019/11/8/; a year-month URL is not a date
        (page("<h1>A Headline</h1>"), "https://ex.com/2025/06/02/slug", ("2025/06/02", None)),
        (page("<h1>A Headline</h1>"), "https://ex.com/news/20250602/slug", ("20250602", None)),
        (page("<h1>A Headline</h1>"), "https://ex.com/s/2019/11/8/123/slug", ("2019/11/8", None)),
        (page("<h1>A Headline</h1>"), "https://ex.com/2025/06/slug", (None, None)),
        (page("<h1>A Headline</h1>"), "https://ex.com/2025/13/45/slug", (None, None)),
        # a number after year/month that starts the slug is no day: "3 questions to ..."
        (page("<h1>A Headline</h1>"), "https://ex.de/2023/10/3-fragen-an-jo", (None, None)),
        (page("<h1>A Headline</h1>"), "https://ex.com/news/a-2025-06-02-b", ("2025-06-02", None)),
        # a byline date that links to the article's own section, the home page or its author is
        # the article's; a date linking to another article in the same section is not
        (page('<h1>A Headline</h1><p>Veröffentlichung: <a href="https://ex.de/music/">04.02.2022</a></p>', lang="de"),
         "https://ex.de/music/artist/album/", ("04.02.2022", None)),
        (page('<h1>A Headline</h1><a href="/user/jo.html"><div>von <b>Jo</b><br> am 20.09.2020</div></a>', lang="de"),
         "https://ex.de/tipp/1918/tomaten.html", ("20.09.2020", None)),
        (page('<h1>A Headline</h1><p><a href="https://ex.de/music/other/">04.02.2022</a></p>', lang="de"),
         "https://ex.de/music/artist/album/", (None, None)),
        # spaces after the dots (de, cs, pl ...), thin spaces too
        (page('<h1>A Headline</h1><div class="publish-date">Von <span>DTB</span> 4.&thinsp;2.&thinsp;2022.</div>',
              lang="de"), None, ("4. 2. 2022", None)),
        # the <footer> of an <article> is the article's (author, date); the site footer is not
        (page(f"<article><h1>A Headline</h1>{LONG}<footer>Posted 28 January 2022 by Jo</footer></article>"
              "<footer>Site footer, updated 3 March 2024</footer>"), None, ("28 January 2022", None)),
        # Drupal's "node-promoted" is the promoted article itself, not a promo block
        (page('<h1>A Headline</h1><div class="node node-article node-promoted"><div class="submitted">'
              f"Posted on 24 July 2017</div>{LONG}</div>"), None, ("24 July 2017", None)),
        # a new element's text does not glue onto the word before it
        (page('<h1>A Headline</h1><div><span class="author">Jo Reporter</span><span>3.11.2023</span></div>',
              lang="de"), None, ("3.11.2023", None)),
        # an <h3> headline, when <title> confirms it
        (page('<main><h3>Council Approves New Budget</h3><div>28. Jan. 2022</div></main>', lang="de",
              title="Council Approves New Budget | Example"), None, ("28. Jan. 2022", None)),
        # more languages: month names, CJK dates, "Published" labels (a label counts at any distance)
        (page('<article><p class="date">15 августа 2016, 13:43</p><h1>A Headline</h1></article>', lang="ru"),
         None, ("15 августа 2016, 13:43", None)),
        (page('<article><h1>A Headline</h1><div class="info">发布时间：2016年8月15日 13:43</div></article>',
              lang="zh"), None, ("2016年8月15日 13:43", None)),
        (page(f"<article><h1>A Headline</h1>{LONG * 3}<p>Опубликовано: 15.08.2016</p></article>", lang="ru"),
         None, ("15.08.2016", None)),
        # dd.mm.yy only inside a date-ish element: in prose it is a version number
        (page('<article><div class="date">Party, 30.10.23</div><h1>A Headline</h1></article>', lang="de"),
         None, ("30.10.23", None)),
        (page("<article><h1>A Headline</h1><p>Version 1.10.23 is out.</p></article>", lang="de"),
         None, (None, None)),
        # an unlabelled date in a teaser card (a heading of its own that links to another page) is
        # that article's; a subheading of the article's own text links nowhere
        (page('<div class="card"><a href="/view/other"><h2>Other Story</h2></a><time datetime="2025-06-11">'
              '11 June</time></div><div><h1>A Headline</h1><p>Text.</p></div>'), "https://ex.com/view/a",
         (None, None)),
        (page('<div><div><h1>A Headline</h1></div><div><div class="meta"><time datetime="2022-01-25T08:00:00+01:00">'
              "25.01.2022</time></div><div><h3>Atomkraft</h3><p>Text.</p></div></div></div>", lang="de"),
         None, ("2022-01-25T08:00:00+01:00", None)),
    ],
)
def test_find_dates_small_cases(
    html: str, url: str | None, expected: tuple[str | None, str | None]
) -> None:
    assert find_dates(html, url) == expected


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "plain text, no markup, June 2, 2025",
        "<html></html>",
        "<html><body><h1></h1></body></html>",
        '<?xml version="1.0" encoding="utf-8"?><html><body><h1>T</h1></body></html>',
        "<div><p>unclosed <b>tags <i>everywhere <time datetime='junk'>soon",
        "\x00\x01\x02 binary \xff garbage <<<>>>",
        "<html><body>" + "<div>" * 3000 + "<h1>Deep</h1><p>June 2, 2025</p>" + "</div>" * 3000,
        "<html><body><h1>T</h1><time datetime='2025-99-99'>June 99, 2025</time></body></html>",
        "<!-- only a comment -->",
    ],
)
def test_find_dates_never_raises(html: str) -> None:
    published, modified = find_dates(html, "https://example.com/x")
    assert published is None or isinstance(published, str)
    assert modified is None or isinstance(modified, str)


def test_find_dates_accepts_bytes_and_missing_url() -> None:
    html = page("<h1>A Headline</h1><p>June 2nd 2025</p>").encode("utf-8")
    assert find_dates(html, None) == ("June 2nd 2025", None)


@pytest.mark.timeout(60)
def test_visible_date_pattern_does_not_backtrack_on_runs_of_spaces() -> None:
    """A time followed by a long run of spaces (teaser cards' raw text holds such runs): the
    pattern once took about a minute for 400 spaces and grew with the cube of the run."""
    from newscrawl.extract.dates.find import _VISIBLE_DATE_RE

    assert _VISIBLE_DATE_RE.search("12:30" + " " * 3000 + "x") is None
    assert _VISIBLE_DATE_RE.search("12:30" + " " * 3000 + "June 2, 2025") is not None


@pytest.mark.parametrize("case", CASES)
def test_find_dates_reads_an_already_parsed_tree(case: str) -> None:
    """The page object hands over its own tree (``lxml.html``, comments kept): same answer."""
    html, expected = load(case)
    assert find_dates(lxml.html.document_fromstring(html), expected["url"]) == find_dates(html, expected["url"])
