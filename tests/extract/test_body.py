"""extract_body on saved pages (tests/fixtures/body/<case>) and the structured-vs-generic policy.

A fixture's ``expected.json`` may give the exact ``body``, passages the body must (not)
contain, and ``article``: the page's own article paragraphs. Then every line of the body must
be article text (or one of the ``known_leaks``, boilerplate no rule catches yet): a page where
part of the output is not the article fails.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from newscrawl.extract.body import Body, _drop_runs, _teaser_flags, extract_body
from newscrawl.extract.boilerplate import clean_body
from newscrawl.extract.parsing import parse_html, parse_html_for_trafilatura
from newscrawl.processing import process_page

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "body"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "input.html").is_file())
PARA = ("Investigators plan to submit the results to regulatory authorities later this year, and a "
        "confirmatory study in the first-line setting is already enrolling patients.")


def _page(paragraphs: int) -> str:
    body = "".join(f"<p>{PARA} ({n})</p>" for n in range(paragraphs))
    return (f"<html><head><title>T</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>T</h1>{body}</article></body></html>")


@pytest.mark.parametrize("case", CASES)
def test_fixture(case: str) -> None:
    html = (FIXTURES / case / "input.html").read_text(encoding="utf-8")
    expected = json.loads((FIXTURES / case / "expected.json").read_text(encoding="utf-8"))
    body = extract_body(html, f"https://www.example.com/view/{case}")
    assert body is not None
    text = clean_body(body.text)
    if "method" in expected:
        assert body.method == expected["method"]
    if "body" in expected:
        assert text == expected["body"]
    for needle in expected.get("must_contain", []):
        assert needle in text, needle
    for needle in expected.get("must_not_contain", []):
        assert needle.casefold() not in text.casefold(), needle
    for needle, count in expected.get("max_count", {}).items():
        assert text.count(needle) <= count, needle
    if "article" in expected:
        article = _folded(" ".join(expected["article"]))
        allowed = {_folded(leak) for leak in expected.get("known_leaks", [])}
        foreign = [line for line in text.split("\n") if _folded(line) not in article and _folded(line) not in allowed]
        assert not foreign, foreign
    assert "\n\n\n" not in text and text == clean_body(text)


def _folded(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def test_accepts_bytes_and_parsed_tree() -> None:
    html = _page(4)
    from_str = extract_body(html)
    assert from_str is not None and from_str.text.count("\n\n") == 3
    assert extract_body(html.encode("utf-8")) == from_str
    tree = parse_html_for_trafilatura(html)
    assert extract_body(tree) == from_str
    assert extract_body(tree) == from_str  # the caller's tree is not modified


@pytest.mark.parametrize("html", ["", "<html></html>", "\x00\x01garbage", "<p>"])
def test_bad_html_gives_none(html: str) -> None:
    assert extract_body(html) is None


def test_structured_portable_text_trusted_when_full() -> None:
    text = "\n\n".join(f"{PARA} ({n})" for n in range(4))
    body = extract_body(_page(4), structured=[Body(text, "nextjs-portable-text")])
    assert body == Body(text, "nextjs-portable-text")


def test_structured_teaser_falls_back_to_html() -> None:
    teaser = f"{PARA} (0)"
    body = extract_body(_page(6), structured=[Body(teaser, "nextjs-portable-text")])
    assert body is not None and body.method == "html-generic" and body.text.count("\n\n") == 5


def test_truncated_structured_body_is_not_trusted() -> None:
    truncated = "\n\n".join(f"{PARA} ({n})" for n in range(6))[:-40] + "..."
    body = extract_body(_page(6), structured=[Body(truncated, "nextjs-portable-text")])
    assert body is not None and body.method == "html-generic"


def test_jsonld_only_when_html_path_fails() -> None:
    flat = " ".join(f"{PARA} ({n})" for n in range(6))
    assert extract_body(_page(6), structured=[Body(flat, "jsonld")]).method == "html-generic"
    no_text = "<html><body><div id='app'></div></body></html>"
    assert extract_body(no_text, structured=[Body(flat, "jsonld")]) == Body(flat, "jsonld")


def test_portable_text_preferred_over_jsonld() -> None:
    text = "\n\n".join(f"{PARA} ({n})" for n in range(4))
    flat = text.replace("\n\n", " ") + " Extra."
    body = extract_body("", structured=[Body(flat, "jsonld"), Body(text, "nextjs-portable-text")])
    assert body == Body(text, "nextjs-portable-text")


def test_split_article_blocks_are_merged() -> None:
    blocks = "".join(f"<div class='article__body'><p>{PARA} ({n})</p><p>{PARA} ({n}b)</p></div>"
                     f"<div class='ad'>Advertisement</div>" for n in range(5))
    html = f"<html><body><h1>T</h1><article>{blocks}</article></body></html>"
    body = extract_body(html)
    assert body is not None
    assert all(f"({n})" in body.text and f"({n}b)" in body.text for n in range(5))


@pytest.mark.parametrize(("dek_tag", "kept"), [("h2", False), ("p", True)])
def test_standfirst_only_dropped_when_not_a_paragraph(dek_tag: str, kept: bool) -> None:
    dek = "A short summary of the findings that the site also uses as its meta description."
    body = "".join(f"<p>{PARA} ({n})</p>" for n in range(4))
    html = (f"<html><head><meta name='description' content='{dek}'></head><body><article>"
            f"<h1>T</h1><{dek_tag}>{dek}</{dek_tag}>{body}</article></body></html>")
    text = extract_body(html).text
    assert (dek in text) is kept and f"{PARA} (0)" in text


def test_control_character_in_a_paragraph_keeps_the_body() -> None:
    """A page of 200 words with one vertical tab in a paragraph: lxml keeps it, trafilatura then
    discarded the whole document and the article had no body."""
    words = " ".join(f"word{n}" for n in range(40))
    paragraphs = "".join(f"<p>Paragraph {n} of the report: {words}.</p>" for n in range(4))
    html = (f"<html><head><title>T</title></head><body><article><h1>T</h1>{paragraphs}"
            f"<p>The last\x0b paragraph: {words}.</p></article></body></html>")
    for page in (html, html.encode("utf-8")):  # (the page object's tree: test_control_chars.py)
        body = extract_body(page)
        assert body is not None and "The last paragraph: word0" in body.text


RELATED = ["Harbour ferry timetable changes from next month", "New cycle lanes planned along the river"]
LINKS_PAGE = parse_html("<html><body><ul>" + "".join(
    f"<li><a href='/n/{n}'>{t}</a></li>" for n, t in enumerate([*RELATED, "Get it on Amazon for $39"]))
    + "</ul></body></html>")


@pytest.mark.parametrize(("paragraphs", "kept"), [
    # two related headlines in a row, each the whole text of a link: a teaser list
    ([PARA, *RELATED, "Closing words."], [PARA, "Closing words."]),
    (["- " + t for t in RELATED] + [PARA], [PARA]),
    # one link line alone is ordinary text (a deal, a source)
    ([PARA, "Get it on Amazon for $39", PARA], [PARA, "Get it on Amazon for $39", PARA]),
    # two excerpts cut with an ellipsis in a row: teasers; one quote ending in dots stays
    ([PARA, f"{PARA[:80]} …", f"{PARA[10:90]}...", "End."], [PARA, "End."]),
    ([PARA, "She paused and said: we will see what the next scan shows, and then...", PARA],
     [PARA, "She paused and said: we will see what the next scan shows, and then...", PARA]),
    # a heading and a short line that are not links
    (["Safety profile", "No new signals.", PARA], ["Safety profile", "No new signals.", PARA]),
])
def test_teaser_runs_are_dropped(paragraphs: list[str], kept: list[str]) -> None:
    assert _drop_runs(paragraphs, _teaser_flags(LINKS_PAGE, paragraphs)) == kept


DEK = "A twelve-week walking programme cut fatigue scores by a third in a randomised trial of 212 adults."


@pytest.mark.parametrize(("shown", "in_body"), [
    (f"<p class='Subtitle'>{DEK}</p>", False),  # a standfirst styled as a dek: the description
    (f"<div class='article-dek'><p>{DEK}</p></div>", False),
    (f"<h2>{DEK}</h2>", False),
    (f"<p>{DEK}</p>", True),  # the same text printed as a plain paragraph: the lede
])
def test_description_is_body_text_only_when_printed_as_the_lede(shown: str, in_body: bool) -> None:
    body = "".join(f"<p>{PARA} ({n})</p>" for n in range(4))
    html = (f"<html><head><meta name='description' content='{DEK}'></head><body><article>"
            f"<h1>T</h1>{shown}<div class='ArticleBody'>{body}</div></article></body></html>")
    text = extract_body(html).text
    assert (DEK in text) is in_body and f"{PARA} (0)" in text
    if in_body:
        assert text.startswith(DEK)


def test_a_lede_printed_above_the_body_container_is_put_back() -> None:
    """The page prints its description as a plain paragraph in an intro block that main-content
    extraction leaves out: it is the article's lede."""
    body = "".join(f"<p>{PARA} ({n})</p>" for n in range(4))
    html = (f"<html><head><meta name='description' content='{DEK}'></head><body><header><nav><a href='/'>Home"
            f"</a></nav></header><div class='hero'><h1>T</h1><div class='intro'><p>{DEK}</p></div></div>"
            f"<main><article><div class='ArticleBody'>{body}</div></article></main></body></html>")
    assert extract_body(html).text.startswith(f"{DEK}\n\n{PARA} (0)")


def test_cancernetwork_like_page_keeps_its_standfirst_in_the_description() -> None:
    """What ``newscrawl extract`` exports for a CancerNetwork-like page: the ``<p class="Subtitle">``
    standfirst is the ``description`` and not body text; media labels and promos are out."""
    case = "cancernetwork_like"
    raw = (FIXTURES / case / "input.html").read_bytes()
    item = process_page(f"https://www.example.com/view/{case}", raw)
    standfirst = "A twelve-week walking programme cut fatigue scores by a third in a randomised trial of 212 adults."
    assert item["description"] == standfirst
    body = item["articleBody"]
    assert body.startswith("Researchers at a university hospital")
    for leak in (standfirst, "Video:", "Podcast:", "READ MORE", "New cycle lanes"):
        assert leak not in body, leak
