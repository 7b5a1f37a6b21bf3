"""extract_body on saved pages (tests/fixtures/body/<case>) and the structured-vs-generic policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from newscrawl.extract.body import Body, extract_body
from newscrawl.extract.boilerplate import clean_body
from newscrawl.extract.parsing import parse_html_for_trafilatura

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
    assert "\n\n\n" not in text and text == clean_body(text)


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
