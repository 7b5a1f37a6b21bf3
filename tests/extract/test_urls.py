"""Unit tests of URL canonicalisation and article ids."""

from __future__ import annotations

import hashlib

import pytest
from newscrawl.extract.urls import article_id, canonicalize_url, is_tracking_param, same_site, url_key

MAIN = "https://www.cancernetwork.com/view/frontline-t-dxd-combo-elicits-pfs"


@pytest.mark.parametrize(
    "variant",
    [
        MAIN,
        MAIN + "/",
        MAIN + "//",
        MAIN + "#comments",
        MAIN + "?utm_source=newsletter&utm_medium=email&utm_campaign=june",
        MAIN + "?UTM_Source=x",
        MAIN + "?fbclid=IwAR0abc",
        MAIN + "?gclid=Cj0KCQ",
        MAIN + "?mc_cid=12ab&mc_eid=34cd",
        MAIN + "?_ga=2.1234.5678",
        MAIN + "?cmpid=rss",
        MAIN + "?msclkid=x&_hsenc=y&_hsmi=z",
        MAIN + "?ref=rss",
        MAIN + "?ref=",
        MAIN + "/amp",
        MAIN + "/amp/",
        MAIN + "?amp",
        MAIN + "?amp=1",
        MAIN + "?output=amp",
        MAIN + "?outputType=amp",
        MAIN + "?print=true",
        MAIN + "?print",
        MAIN + "/print",
        MAIN + "/print/?utm_source=x#top",
        MAIN + ".amp",
        "HTTPS://WWW.CANCERNETWORK.COM/view/frontline-t-dxd-combo-elicits-pfs",
        "https://www.cancernetwork.com/view/Frontline-T-DXd-Combo-Elicits-PFS",
        "https://www.cancernetwork.com:443/view/frontline-t-dxd-combo-elicits-pfs",
        "https://www.cancernetwork.com./view/frontline-t-dxd-combo-elicits-pfs",
        "  " + MAIN + "  ",
        "https://www.cancernetwork.com/news/../view/frontline-t-dxd-combo-elicits-pfs",
    ],
)
def test_variants_map_to_main_url(variant: str) -> None:
    assert canonicalize_url(variant) == MAIN


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # real parameters are kept, sorted; tracking ones around them dropped
        ("https://www.cancernetwork.com/news?page=2&utm_source=x", "https://www.cancernetwork.com/news?page=2"),
        ("https://www.cancernetwork.com/clinical/breast?page=3&sort=date",
         "https://www.cancernetwork.com/clinical/breast?page=3&sort=date"),
        ("https://www.cancernetwork.com/clinical/breast?sort=date&page=3",
         "https://www.cancernetwork.com/clinical/breast?page=3&sort=date"),
        ("https://example.org/search?q=HER2+positive", "https://example.org/search?q=HER2+positive"),
        # a ref that is not a plain token is a real argument
        ("https://example.org/x?ref=refs/heads/main", "https://example.org/x?ref=refs%2Fheads%2Fmain"),
        ("https://example.org/x?ref=https://other.org/", "https://example.org/x?ref=https%3A%2F%2Fother.org%2F"),
        # amp=0 / print=false are not variants
        ("https://example.org/x?print=false", "https://example.org/x?print=false"),
        # default ports dropped, others kept
        ("http://example.org:80/a", "http://example.org/a"),
        ("http://127.0.0.1:8000/view/A/", "http://127.0.0.1:8000/view/a"),
        ("http://[::1]:8080/x/", "http://[::1]:8080/x"),
        # root path keeps its slash; empty path becomes "/"
        ("https://example.org", "https://example.org/"),
        ("https://example.org/", "https://example.org/"),
        # a lone /amp or /print segment is a real page, not a variant
        ("https://example.org/amp", "https://example.org/amp"),
        ("https://example.org/print/", "https://example.org/print"),
        # percent-encoding normalised, escapes keep their meaning when lower-casing
        ("https://example.org/A%2fB/caf%c3%a9", "https://example.org/a%2Fb/caf%C3%A9"),
        ("https://example.org/a b", "https://example.org/a%20b"),
        ("https://example.org/%7Euser", "https://example.org/~user"),
        # scheme kept (http and https share a url_key instead)
        ("HTTP://Example.org/x", "http://example.org/x"),
    ],
)
def test_canonical_forms(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


def test_lowercase_path_is_optional() -> None:
    url = "https://en.wikipedia.org/wiki/Apple?Q=Up"
    assert canonicalize_url(url, lowercase_path=True) == "https://en.wikipedia.org/wiki/apple?Q=Up"
    assert canonicalize_url(url, lowercase_path=False) == "https://en.wikipedia.org/wiki/Apple?Q=Up"
    # the query is never lower-cased
    assert canonicalize_url("https://x.org/A?Key=Val").endswith("?Key=Val")


@pytest.mark.parametrize(
    "url",
    [
        MAIN,
        MAIN + "/amp/amp",
        MAIN + "/print/amp/?amp=1&utm_x=y",
        "https://example.org/a/x.amp/amp",
        "https://example.org/a?ref=refs/heads/main&b=%20x+y&a",
        "https://example.org/A%2fB/Caf%C3%A9?z=1&a=%7e",
        "http://[::1]:8080/x/../y/",
        "https://example.org/a//b/",
    ],
)
def test_idempotent(url: str) -> None:
    once = canonicalize_url(url)
    assert canonicalize_url(once) == once
    assert canonicalize_url(once, lowercase_path=False) == once


@pytest.mark.parametrize(
    "bad",
    ["", "   ", "/view/x", "view/x", "mailto:a@b.org", "javascript:void(0)", "ftp://x.org/a", "https://", "http://x.org:99999/"],
)
def test_bad_urls_raise_value_error(bad: str) -> None:
    with pytest.raises(ValueError):
        canonicalize_url(bad)


def test_non_string_raises_type_error() -> None:
    with pytest.raises(TypeError):
        canonicalize_url(None)  # type: ignore[arg-type]  # a wrong type on purpose


@pytest.mark.parametrize(
    ("name", "value", "tracking"),
    [
        ("utm_source", "x", True),
        ("UTM_CONTENT", "", True),
        ("fbclid", "abc", True),
        ("pk_campaign", "x", True),
        ("ref", "homepage", True),
        ("ref", "a/b", False),
        ("page", "2", False),
        ("id", "123", False),
        ("reference", "x", False),
    ],
)
def test_is_tracking_param(name: str, value: str, tracking: bool) -> None:
    assert is_tracking_param(name, value) is tracking


def test_article_id_is_sha1_prefix() -> None:
    assert article_id(MAIN) == hashlib.sha1(MAIN.encode()).hexdigest()[:16]
    assert len(article_id(MAIN)) == 16
    assert article_id(MAIN) != article_id(MAIN + "-2")


def test_url_key_ignores_scheme() -> None:
    assert url_key("http://x.org/a") == url_key("https://x.org/a") == "//x.org/a"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://www.cancernetwork.com/view/a", "http://cancernetwork.com/view/b", True),
        ("https://www.cancernetwork.com:443/view/a", "https://www.cancernetwork.com/x", True),
        ("http://127.0.0.1:8000/a", "http://127.0.0.1:8000/b", True),
        ("http://127.0.0.1:8000/a", "http://127.0.0.1:8001/a", False),
        ("https://www.cancernetwork.com/view/a", "https://www.targetedonc.com/view/a", False),
    ],
)
def test_same_site(a: str, b: str, same: bool) -> None:
    assert same_site(a, b) is same


def test_remembered_canonical_urls_keep_the_path_case_setting_apart() -> None:
    url = "https://Example.com/View/A-B?utm_source=x"
    assert canonicalize_url(url, lowercase_path=False) == "https://example.com/View/A-B"
    assert canonicalize_url(url, lowercase_path=True) == "https://example.com/view/a-b"
    assert canonicalize_url(url, lowercase_path=False) == "https://example.com/View/A-B"
    assert canonicalize_url("https://example.com/View/A-B", lowercase_path=True) == "https://example.com/view/a-b"
