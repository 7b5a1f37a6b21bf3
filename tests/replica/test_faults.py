"""Faults: off by default, each kind behaves as documented when switched on."""

from __future__ import annotations

import http.client
import threading
import time
from urllib.parse import urlsplit

import lxml.html
import pytest
from newscrawl.replica import FAULT_KINDS, Site
from newscrawl.replica.render import Links
from newscrawl.replica.truth import article_body


def faulty(kind: str, *, articles: int = 2000, seed: int = 7, **detail: object) -> int:
    site = Site(articles, seed=seed, faults="all")
    for i in range(site.count):
        if site.fault(i) == kind and all(site.fault_detail(i, kind).get(k) == v for k, v in detail.items()):
            return i
    raise AssertionError(f"no {kind} {detail}")


def url_of(twin, i: int, seed: int = 7, articles: int = 2000) -> str:
    return Links(Site(articles, seed=seed), twin.base).view(i)


def raw_get(url: str, timeout: float = 20) -> tuple[int, dict, bytes]:
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        conn.request("GET", u.path + (f"?{u.query}" if u.query else ""))
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def test_faults_are_off_by_default(twin) -> None:
    site = Site(300, seed=7, faults="all")
    bad = [i for i in range(site.count) if site.fault(i)]
    assert bad
    for i in bad:
        r = twin.get(url_of(twin, i, articles=300))
        assert r.status == 200 and len(r.body) > 1000
        assert r.body.decode("utf-8")


def test_5xx_transient_then_served(twin_faults) -> None:
    i = faulty("5xx", transient=True)
    failures = Site(2000, seed=7, faults="all").fault_detail(i, "5xx")["failures"]
    url = url_of(twin_faults, i)
    codes = [twin_faults.get(url).status for _ in range(failures + 1)]
    assert all(c >= 500 for c in codes[:-1]) and codes[-1] == 200


def test_5xx_permanent(twin_faults) -> None:
    url = url_of(twin_faults, faulty("5xx", transient=False))
    assert all(twin_faults.get(url).status >= 500 for _ in range(4))


def test_slow_does_not_block_the_server(twin_faults) -> None:
    i = faulty("slow")
    delay = Site(2000, seed=7, faults="all").fault_detail(i, "slow")["delay"]
    result: dict = {}

    def slow() -> None:
        t = time.monotonic()
        result["status"] = twin_faults.get(url_of(twin_faults, i)).status
        result["took"] = time.monotonic() - t

    th = threading.Thread(target=slow)
    th.start()
    time.sleep(0.2)
    t = time.monotonic()
    assert twin_faults.get("/robots.txt").status == 200
    fast = time.monotonic() - t
    th.join(30)
    assert result["status"] == 200 and result["took"] >= delay - 0.1 and fast < delay / 2


def test_drop_closes_mid_response(twin_faults) -> None:
    url = url_of(twin_faults, faulty("drop", transient=False))
    for _ in range(2):
        with pytest.raises((http.client.IncompleteRead, ConnectionError, http.client.RemoteDisconnected)):
            raw_get(url)


def test_drop_transient_recovers(twin_faults) -> None:
    url = url_of(twin_faults, faulty("drop", transient=True))
    with pytest.raises((http.client.IncompleteRead, ConnectionError, http.client.RemoteDisconnected)):
        raw_get(url)
    assert raw_get(url)[0] == 200


def test_truncate_sends_less_than_content_length(twin_faults) -> None:
    with pytest.raises(http.client.IncompleteRead):
        raw_get(url_of(twin_faults, faulty("truncate")))


def test_malformed_html_still_holds_the_body(twin_faults) -> None:
    i = faulty("malformed")
    r = twin_faults.get(url_of(twin_faults, i))
    assert r.status == 200 and "</body>" not in r.text and "R&D" in r.text
    text = "".join(lxml.html.fromstring(r.body).text_content().split())
    for para in article_body(Site(2000, seed=7).article(i)).split("\n\n"):
        assert "".join(para.split()) in text


@pytest.mark.parametrize("mode", ["declared-utf-8", "undeclared"])
def test_charset_windows_1252(twin_faults, mode: str) -> None:
    i = faulty("charset", mode=mode)
    r = twin_faults.get(url_of(twin_faults, i))
    with pytest.raises(UnicodeDecodeError):
        r.body.decode("utf-8")
    if mode == "undeclared":
        assert "charset" not in r.headers["content-type"] and b"<meta charset" not in r.body
    else:
        assert "utf-8" in r.headers["content-type"]
    text = "".join(lxml.html.fromstring(r.body.decode("windows-1252")).text_content().split())
    for para in article_body(Site(2000, seed=7).article(i)).split("\n\n"):
        assert "".join(para.split()) in text


def test_redirect_chain_ends_at_the_page(twin_faults) -> None:
    i = faulty("redirect", loop=False)
    url = url_of(twin_faults, i)
    for _hop in range(10):
        r = twin_faults.get(url)
        if r.status == 200:
            break
        assert r.status in (301, 302)
        url = r.headers["location"]
    assert r.status == 200 and _hop >= 2
    assert lxml.html.fromstring(r.body).xpath('//link[@rel="canonical"]/@href') == [url_of(twin_faults, i)]


def test_redirect_loop_never_ends(twin_faults) -> None:
    url = url_of(twin_faults, faulty("redirect", loop=True))
    seen = set()
    for _ in range(12):
        r = twin_faults.get(url)
        assert r.status in (301, 302)
        seen.add(url)
        url = r.headers["location"]
    assert url in seen


def test_huge_and_empty(twin_faults) -> None:
    r = twin_faults.get(url_of(twin_faults, faulty("huge")))
    assert r.status == 200 and len(r.body) > 5_000_000
    r = twin_faults.get(url_of(twin_faults, faulty("empty")))
    assert r.status == 200 and r.body == b""


def test_fault_subset_can_be_chosen(tmp_path) -> None:
    site = Site(2000, seed=7, faults="empty,huge")
    kinds = {site.fault(i) for i in range(site.count)} - {None}
    assert kinds == {"empty", "huge"} and set(kinds) <= set(FAULT_KINDS)
