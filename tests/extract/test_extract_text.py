"""Unit tests of the shared text helpers: decoding of page bytes and string clean-up."""

from __future__ import annotations

import pytest
from newscrawl.extract.text import clean_text, decode_html, html_fragment_to_paragraphs, strip_tags

TEXT = "Clinicians’ “real-world” café — naïve"


@pytest.mark.parametrize(
    ("body", "kwargs", "expected"),
    [
        pytest.param(TEXT.encode("utf-8"), {}, TEXT, id="utf8-undeclared"),
        pytest.param(TEXT.encode("utf-8"), {"content_type": "text/html; charset=utf-8"}, TEXT, id="utf8-declared"),
        pytest.param(b"\xef\xbb\xbf" + TEXT.encode("utf-8"), {}, TEXT, id="utf8-bom"),
        pytest.param(
            b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
            {"content_type": "text/html; charset=iso-8859-1"},
            TEXT,
            id="utf8-bom-beats-header",
        ),
        pytest.param(
            TEXT.encode("cp1252"), {"content_type": "text/html; charset=windows-1252"}, TEXT, id="cp1252-declared"
        ),
        pytest.param(
            TEXT.encode("cp1252"), {"content_type": "text/html; charset=utf-8"}, TEXT, id="cp1252-labelled-utf8-header"
        ),
        pytest.param(
            b'<meta charset="utf-8">' + TEXT.encode("cp1252"),
            {},
            '<meta charset="utf-8">' + TEXT,
            id="cp1252-labelled-utf8-meta",
        ),
        pytest.param(TEXT.encode("cp1252"), {}, TEXT, id="cp1252-undeclared"),
        pytest.param(
            TEXT.encode("utf-8"), {"content_type": "text/html; charset=iso-8859-1"}, TEXT, id="utf8-labelled-latin1"
        ),
        pytest.param(TEXT.encode("utf-8"), {"encoding": "cp1252"}, TEXT, id="utf8-explicit-wrong-encoding"),
        pytest.param("é".encode() + "“x”".encode("cp1252"), {}, "é“x”", id="mixed-utf8-and-cp1252"),
        pytest.param(TEXT.encode("utf-16"), {}, TEXT, id="utf16-bom"),
        pytest.param(
            TEXT.encode("utf-16-le"), {"content_type": "text/html; charset=utf-16le"}, TEXT, id="utf16le-declared"
        ),
        pytest.param(
            "Ελληνικά".encode("iso-8859-7"),
            {"content_type": "text/html; charset=iso-8859-7"},
            "Ελληνικά",
            id="greek-declared",
        ),
        pytest.param(b"", {}, "", id="empty"),
        pytest.param(TEXT, {}, TEXT, id="already-text"),
        pytest.param(b"abc", {"content_type": "text/html; charset=no-such-charset"}, "abc", id="unknown-charset"),
        pytest.param(b"\x81\x8d\x8f", {"encoding": "bogus"}, None, id="undecodable-bytes"),
    ],
)
def test_decode_html(body: bytes | str, kwargs: dict[str, str], expected: str | None) -> None:
    text = decode_html(body, **kwargs)
    assert isinstance(text, str)
    if expected is not None:
        assert text == expected
        assert "\ufffd" not in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  a \n\t b  ", "a b"),
        ("Caf&eacute; &amp;amp; more", "Café &amp; more"),
        ("zero\u200bwidth\u00ad", "zerowidth"),
        ("non\u00a0breaking", "non breaking"),
        (None, ""),
        (5, ""),
    ],
)
def test_clean_text(value: object, expected: str) -> None:
    assert clean_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("One.\nTwo.", "One.\n\nTwo."),
        ("One.\r\n\r\n\r\nTwo.", "One.\n\nTwo."),
        ("<p>One <b>bold</b>.</p><p>Two.</p>", "One bold.\n\nTwo."),
        ("<table><tr><td>Arm</td><td>PFS</td></tr><tr><td>A</td><td>40.7</td></tr></table>", "Arm PFS\n\nA 40.7"),
        ("Line<br/>break", "Line\n\nbreak"),
        # comparisons are text, not tags, beside real markup or alone
        ("<p>HR <0.5 in patients >65 years.</p><p>Next</p>", "HR <0.5 in patients >65 years.\n\nNext"),
        ("Median OS was 12 months (p <0.05); in patients aged >65 years, 9.",
         "Median OS was 12 months (p <0.05); in patients aged >65 years, 9."),
        ("Toxicity <grade 3 and >2 cycles<!-- note --> in <i>most</i> arms",
         "Toxicity <grade 3 and >2 cycles in most arms"),
        ("   ", ""),
    ],
)
def test_html_fragment_to_paragraphs(value: str, expected: str) -> None:
    assert html_fragment_to_paragraphs(value) == expected


def test_strip_tags() -> None:
    assert strip_tags("<p>Hi <a href='x'>there</a></p>") == "Hi there"
    assert strip_tags("no tags") == "no tags"
    assert strip_tags(None) is None
    assert strip_tags("<br>") is None
    assert strip_tags("Response <b>rate</b> was <5% in patients >70") == "Response rate was <5% in patients >70"
