"""The site is one host and port (issue 13, item 7); pages without a charset in a CJK encoding
are decoded, not turned into mojibake (item 12)."""

from __future__ import annotations

import pytest
from newscrawl.extract.discovery import is_article_url, on_host, page_links, parse_listing
from newscrawl.extract.text import decode_html

SITE = "www.cancernetwork.com"


@pytest.mark.parametrize(
    ("url", "host", "expected"),
    [
        ("https://www.cancernetwork.com/view/x", SITE, True),
        ("https://www.cancernetwork.com:443/view/x", SITE, True),  # the default port is no port
        ("http://www.cancernetwork.com/view/x", SITE, True),
        ("https://WWW.CancerNetwork.com/view/x", SITE, True),
        ("https://www.cancernetwork.com:6379/view/x", SITE, False),
        ("https://www.cancernetwork.com:99999/view/x", SITE, False),  # not a port at all
        ("ftp://www.cancernetwork.com/view/x", SITE, False),
        ("http://127.0.0.1:5000/view/x", "127.0.0.1:5000", True),
        ("http://127.0.0.1:5001/view/x", "127.0.0.1:5000", False),
        ("http://127.0.0.1/view/x", "127.0.0.1:5000", False),
    ],
)
def test_on_host_compares_host_and_port(url: str, host: str, expected: bool) -> None:
    assert on_host(url, host) is expected
    assert is_article_url(url, host) is expected


def test_links_to_another_port_are_not_the_sites() -> None:
    html = ("<html><body><a href='https://www.cancernetwork.com:6379/view/redis'>a</a>"
            "<a href='/view/real-story'>b</a></body></html>")
    url = "https://www.cancernetwork.com/news?page=1"
    assert page_links(html, url, SITE) == ["https://www.cancernetwork.com/view/real-story"]
    assert [link.url for link in parse_listing(html, url, SITE).articles] == [
        "https://www.cancernetwork.com/view/real-story"]


JAPANESE = "新しい臨床試験では、患者の無増悪生存期間が大きく延長したことが報告されました。"
KOREAN = "새로운 임상 시험에서 환자의 생존 기간이 크게 늘었습니다."


def undeclared(text: str) -> str:
    return f"<html><head><title>t</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [(JAPANESE * 5, "shift_jis"), (JAPANESE * 5, "euc_jp"), (KOREAN * 5, "euc_kr"),
     ("English text about a trial. " * 200 + JAPANESE, "shift_jis")],  # a little Japanese in much ASCII
    ids=["shift_jis", "euc_jp", "euc_kr", "shift_jis-mostly-ascii"],
)
def test_cjk_page_without_charset_is_decoded(text: str, encoding: str) -> None:
    decoded = decode_html(undeclared(text).encode(encoding), content_type="text/html")
    assert text in decoded
    assert "\ufffd" not in decoded


def test_western_page_without_charset_stays_windows_1252() -> None:
    text = "Le café est très “bon” — résumé de l’étude: naïveté. " * 40
    assert text in decode_html(undeclared(text).encode("cp1252"), content_type="text/html")
