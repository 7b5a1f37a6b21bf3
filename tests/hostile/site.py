"""A hostile news site on loopback: the test fixture for crawls of a world that fights back.

:class:`HostileSite` serves a small site shaped like the real one (``/robots.txt``,
``/sitemap.xml``, ``/sitemap-news.xml``, ``/rss``, ``/news?page=N``, articles under ``/view/``)
from a thread of the test process, on a free port, plus a second server on another port of the
same host (``other``) that the crawl must never reach. Each *part* adds pages or routes that
are hostile in one way; a test starts the site with the parts it needs::

    with HostileSite(["control-chars", "other-port"]) as site:
        crawl(site.base_url)
        assert not site.other.requests

Parts (``PARTS``):

- ``plain``: a few well-formed articles (every site has them).
- ``control-chars``: an article whose every field carries C0/C1 controls, NUL, ANSI escapes,
  bidi overrides, zero-width junk and U+2028/U+2029/U+0085 (body in JSON-LD and on the page).
- ``control-char-generic``: an article with no structured body and one vertical tab in a
  paragraph: only the generic extractor can read it.
- ``other-port``: an article linking to ``/view/...`` on the other port, and an article URL that
  redirects there; the other port serves a good article at both.
- ``ftp-redirect``: an article URL that redirects to ``ftp://`` on the same host.
- ``huge-jsonld``: an article whose JSON-LD is over libxml2's 10 MB text-node limit.
- ``shift-jis``: a Japanese article in Shift_JIS with no charset anywhere (header or meta).
- ``oversize``: an article page of ``OVERSIZE_BYTES`` (tests lower the page cap below it).
- ``slow``: ``SLOW_ARTICLES`` articles, each answered after ``SLOW_SECONDS``: a crawl that is
  still going when a test interrupts it.
- ``endless-listing``: ``/news?page=N`` exists for every N, each page with one new article and a
  link to page N + 1.
- ``self-extending-sitemap``: the news sitemap is an index of ``/sitemaps/grow-1.xml``; each
  ``grow-N`` is an index of ``grow-(N+1)`` and of a sitemap with one new article.
- ``endless-graph``: ``/view/graph-N`` links ``GRAPH_FAN_OUT`` new articles ``graph-(k)``, without
  end (listed from ``graph-1``).
- ``huge-sitemap``: a sitemap of ``HUGE_SITEMAP_BYTES`` (over Scrapy's ``DOWNLOAD_MAXSIZE``,
  under the protocol's 50 MB) with ``HUGE_SITEMAP_ARTICLES`` articles, named in robots.txt.
- ``advertised-sitemap``: a sitemap that lists ``ADVERTISED_ARTICLES`` articles, named in
  robots.txt (more than a test crawl fetches: a frontier that must not live in memory).
- ``gzip-sitemap``: ``/sitemap-extra.xml.gz``, a gzipped sitemap file (``application/x-gzip``,
  no ``Content-Encoding``) with ``GZIP_SITEMAP_ARTICLES`` articles, named in robots.txt.

A part is a function that takes the site and calls :meth:`HostileSite.add_article`,
:meth:`HostileSite.route` (one path), :meth:`HostileSite.route_prefix` (every path under a
prefix) or adds to ``robots_sitemaps``; register it in ``PARTS``. Every request is logged in
``requests``.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

#: what a route answers: status, headers, body
Answer = tuple[int, dict[str, str], bytes]
Handler = Callable[[str, dict[str, list[str]]], Answer]

OVERSIZE_BYTES = 600_000
GRAPH_FAN_OUT = 8
HUGE_SITEMAP_BYTES = 17_900_000
HUGE_SITEMAP_ARTICLES = 2
GZIP_SITEMAP_ARTICLES = 2
ADVERTISED_ARTICLES = 20_000
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SLOW_ARTICLES = 400
SLOW_SECONDS = 0.3
HUGE_JSONLD_PADDING = 11_000_000
PARAGRAPH = ("Investigators reported that the phase 3 trial met its primary end point, with a "
             "median progression-free survival of 14.2 months versus 9.8 months in the control arm. ")
#: every kind of junk a consumer must never see, with what the output may carry instead
HOSTILE = "\x00\x01\x07\x0b\x1b[31m\x7f\x85\x9b\u202e\u2066\u200b\ufeff\u2028\u2029"


def page(headline: str, body: str, *, date: str = "2025-06-02T09:30:00Z", author: str = "Jane Roe",
         description: str = "", keywords: str = "", section: str = "Oncology", head: str = "",
         jsonld: dict[str, object] | None = None, jsonld_body: bool = False, charset: bool = True) -> str:
    """An article page: JSON-LD NewsArticle (unless ``jsonld`` replaces it; with the body when
    ``jsonld_body``) and visible markup."""
    data = jsonld if jsonld is not None else {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": headline,
        "datePublished": date, "author": {"@type": "Person", "name": author},
        "description": description or None, "keywords": keywords or None, "articleSection": section,
        "articleBody": body if jsonld_body else None,
    }
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    meta = '<meta charset="utf-8">' if charset else ""
    return (f"<!DOCTYPE html><html><head>{meta}<title>{headline}</title>"
            f'<meta name="description" content="{description}">'
            f"<script type=\"application/ld+json\">{json.dumps(data)}</script>{head}</head>"
            f"<body><header><nav><a href=\"/news\">News</a></nav></header><main><article>"
            f"<h1>{headline}</h1><p class=\"byline\">By {author}</p><time datetime=\"{date}\">{date[:10]}</time>"
            f"{paragraphs}</article></main><footer>Footer</footer></body></html>")


@dataclass
class Server:
    """One HTTP server on loopback; ``requests`` logs every path asked for."""

    routes: dict[str, Handler] = field(default_factory=dict)
    prefixes: dict[str, Handler] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    httpd: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self.httpd is not None
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> None:
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                parts = urlsplit(self.path)
                handler = server.routes.get(parts.path) or next(
                    (h for prefix, h in server.prefixes.items() if parts.path.startswith(prefix)), None)
                status, headers, body = (handler(parts.path, parse_qs(parts.query)) if handler
                                         else (404, {"Content-Type": "text/plain"}, b"not found"))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return None

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()


def html_answer(text: str | bytes, content_type: str = "text/html; charset=utf-8") -> Answer:
    body = text.encode("utf-8") if isinstance(text, str) else text
    return 200, {"Content-Type": content_type}, body


class HostileSite:
    """The site (``base_url``) and the other port of its host (``other``); see the module doc."""

    def __init__(self, parts: Iterable[str] = ("plain",)) -> None:
        self.site = Server()
        self.other = Server()
        self.articles: dict[str, Handler] = {}  # path -> handler, listed in sitemap and listing
        self.robots_sitemaps = ["/sitemap.xml"]
        self.parts = list(parts)

    # -- building ------------------------------------------------------------------------------
    def route(self, path: str, handler: Handler) -> None:
        self.site.routes[path] = handler

    def route_prefix(self, prefix: str, handler: Handler) -> None:
        """Answer every path that starts with ``prefix`` (unless a path route answers it)."""
        self.site.prefixes[prefix] = handler

    def add_article(self, slug: str, html: str | bytes | Handler,
                    content_type: str = "text/html; charset=utf-8") -> str:
        """Serve an article at ``/view/<slug>`` (listed by the sitemap and the listing); its path."""
        path = f"/view/{slug}"
        handler = html if callable(html) else (lambda _p, _q, h=html: html_answer(h, content_type))
        self.articles[path] = handler
        self.route(path, handler)
        return path

    @property
    def base_url(self) -> str:
        return self.site.base_url

    @property
    def requests(self) -> list[str]:
        return self.site.requests

    # -- the surfaces every site has -------------------------------------------------------------
    def _surfaces(self) -> None:
        self.route("/robots.txt", lambda _p, _q: (200, {"Content-Type": "text/plain"}, self.robots()))
        self.route("/sitemap.xml", lambda _p, _q: (200, {"Content-Type": "application/xml"}, self.sitemap()))
        self.route("/sitemap-news.xml", lambda _p, _q: (200, {"Content-Type": "application/xml"},
                                                         b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'/>"))
        self.route("/rss", lambda _p, _q: (200, {"Content-Type": "application/rss+xml"},
                                            b"<rss version='2.0'><channel><title>t</title></channel></rss>"))
        self.route("/news", lambda _p, q: html_answer(self.listing(int(q.get("page", ["1"])[0]))))

    def robots(self) -> bytes:
        lines = ["User-agent: *", *(f"Sitemap: {self.base_url}{path}" for path in self.robots_sitemaps)]
        return "\n".join([*lines, ""]).encode()

    def sitemap(self) -> bytes:
        urls = "".join(f"<url><loc>{self.base_url}{path}</loc><lastmod>2025-06-02</lastmod></url>"
                       for path in self.articles)
        return f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>".encode()

    def listing(self, number: int) -> str:
        links = "".join(f"<div class='card'><a href='{p}'>{p}</a> June 2, 2025</div>"
                        for p in self.articles) if number == 1 else ""
        return f"<html><body><h1>News</h1>{links}</body></html>"

    # -- context manager -------------------------------------------------------------------------
    def __enter__(self) -> HostileSite:
        self.site.start()
        self.other.start()
        self._surfaces()
        for name in self.parts:
            PARTS[name](self)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.site.stop()
        self.other.stop()


# -- parts -----------------------------------------------------------------------------------------
def plain(site: HostileSite) -> None:
    for n in range(3):
        body = "\n\n".join(f"Story {n}, paragraph {k}. {PARAGRAPH}" for k in range(5))
        site.add_article(f"plain-story-{n}", page(f"Plain story number {n}", body))


def control_chars(site: HostileSite) -> None:
    junk = HOSTILE
    body = "\n\n".join(f"Paragraph {k} with{junk}junk inside. {PARAGRAPH}" for k in range(5))
    site.add_article("control-chars", page(
        f"Headline{junk}with junk", body, author=f"Ann{junk} Smith", description=f"Summary{junk}text",
        keywords=f"oncology{junk}, trials", section=f"Breast{junk}Cancer", jsonld_body=True,
    ))


def control_char_generic(site: HostileSite) -> None:
    words = " ".join(f"word{n}" for n in range(200))
    body = f"A story of 200 words.\x0b {words}\n\n{PARAGRAPH}"
    site.add_article("control-char-generic", page("One vertical tab in a paragraph", body))


def other_port(site: HostileSite) -> None:
    other = site.other.base_url
    stolen = page("An article on another port", "\n\n".join(PARAGRAPH for _ in range(5)))
    site.other.routes["/view/other-port-article"] = lambda _p, _q: html_answer(stolen)
    site.other.routes["/view/redirected-article"] = lambda _p, _q: html_answer(stolen)
    body = "\n\n".join(f"Paragraph {k}. {PARAGRAPH}" for k in range(5))
    site.add_article("links-to-other-port", page(
        "A story that links to another port", body,
        head=f"<link rel='related' href='{other}/view/other-port-article'>",
    ).replace("</article>", f"<a href='{other}/view/other-port-article'>more</a></article>"))
    site.add_article("redirects-to-other-port", lambda _p, _q: (
        302, {"Location": f"{other}/view/redirected-article"}, b""))


def ftp_redirect(site: HostileSite) -> None:
    site.add_article("redirects-to-ftp", lambda _p, _q: (
        302, {"Location": "ftp://127.0.0.1/view/redirected-article"}, b""))


def huge_jsonld(site: HostileSite) -> None:
    body = "\n\n".join(f"Huge story, paragraph {k}. {PARAGRAPH}" for k in range(5))
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "A story with huge JSON-LD",
            "datePublished": "2025-06-02T09:30:00Z", "articleBody": body,
            "hasPart": {"@type": "WebPageElement", "text": "x" * HUGE_JSONLD_PADDING}}
    # the visible page says nothing: only the JSON-LD makes this an article
    html = page("A story with huge JSON-LD", "Short teaser.", jsonld=data).replace(
        "<h1>A story with huge JSON-LD</h1>", "")
    site.add_article("huge-jsonld", html)


JAPANESE_PARAGRAPH = "新しい臨床試験では、患者の無増悪生存期間が大きく延長したことが報告されました。"


def shift_jis(site: HostileSite) -> None:
    body = "\n\n".join(f"{JAPANESE_PARAGRAPH}第{k}段落。" * 3 for k in range(5))
    html = page("日本語の記事：新しい治療法", body, charset=False)
    site.add_article("shift-jis", html.encode("shift_jis"), content_type="text/html")


def oversize(site: HostileSite) -> None:
    body = "\n\n".join(f"Oversize story, paragraph {k}. {PARAGRAPH}" for k in range(5))
    html = page("An oversize story", body)
    pad = "<!-- " + "p" * (OVERSIZE_BYTES - len(html)) + " -->"
    site.add_article("oversize", html.replace("</body>", pad + "</body>"))


def slow(site: HostileSite) -> None:
    def answer(path: str, _q: dict[str, list[str]]) -> Answer:
        time.sleep(SLOW_SECONDS)
        n = path.rsplit("-", 1)[1]
        return html_answer(page(f"Slow story number {n}", "\n\n".join(
            f"Slow story {n}, paragraph {k}. {PARAGRAPH}" for k in range(5))))

    for n in range(SLOW_ARTICLES):
        site.add_article(f"slow-story-{n}", answer)


def story(title: str) -> str:
    """A small well-formed article page."""
    return page(title, "\n\n".join(f"{title}, paragraph {k}. {PARAGRAPH}" for k in range(4)))


def xml_answer(xml: str | bytes, content_type: str = "application/xml") -> Answer:
    return 200, {"Content-Type": content_type}, xml.encode() if isinstance(xml, str) else xml


def urlset(base_url: str, paths: Iterable[str], padding: str = "") -> str:
    urls = "".join(f"<url><loc>{base_url}{p}</loc><lastmod>2025-06-02</lastmod></url>" for p in paths)
    return f"<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='{SITEMAP_NS}'>{urls}{padding}</urlset>"


def sitemap_index(base_url: str, paths: Iterable[str]) -> str:
    entries = "".join(f"<sitemap><loc>{base_url}{p}</loc></sitemap>" for p in paths)
    return f"<?xml version='1.0' encoding='UTF-8'?><sitemapindex xmlns='{SITEMAP_NS}'>{entries}</sitemapindex>"


def _number(path: str) -> int:
    """``/view/graph-12`` -> 12, ``/sitemaps/grow-3.xml`` -> 3."""
    return int(path.rsplit("-", 1)[1].split(".")[0])


def stories(site: HostileSite, prefix: str) -> None:
    """Answer ``/view/<prefix>-N`` for every N with a story of its own."""
    site.route_prefix(f"/view/{prefix}-", lambda path, _q: html_answer(story(f"Story {path[6:]}")))


def endless_listing(site: HostileSite) -> None:
    def listing(_p: str, query: dict[str, list[str]]) -> Answer:
        n = int(query.get("page", ["1"])[0])
        return html_answer(f"<html><body><h1>News</h1><div class='card'><a href='/view/endless-{n}'>"
                           f"Endless story {n}</a> June 2, 2025</div>"
                           f"<a rel='next' href='/news?page={n + 1}'>Next</a></body></html>")

    site.route("/news", listing)
    stories(site, "endless")


def self_extending_sitemap(site: HostileSite) -> None:
    base = site.base_url
    site.route("/sitemap-news.xml", lambda _p, _q: xml_answer(sitemap_index(base, ["/sitemaps/grow-1.xml"])))
    site.route_prefix("/sitemaps/grow-", lambda path, _q: xml_answer(sitemap_index(
        base, [f"/sitemaps/grow-{_number(path) + 1}.xml", f"/sitemaps/grown-{_number(path)}.xml"])))
    site.route_prefix("/sitemaps/grown-", lambda path, _q: xml_answer(
        urlset(base, [f"/view/grown-{_number(path)}"])))
    stories(site, "grown")


def endless_graph(site: HostileSite) -> None:
    def answer(path: str, _q: dict[str, list[str]]) -> Answer:
        n = _number(path)
        links = "".join(f"<a href='/view/graph-{n * GRAPH_FAN_OUT + k}'>more</a>" for k in range(GRAPH_FAN_OUT))
        return html_answer(story(f"Graph story {n}").replace("</article>", links + "</article>"))

    site.route_prefix("/view/graph-", answer)
    site.articles["/view/graph-1"] = answer  # listed in the sitemap and on the listing


def huge_sitemap(site: HostileSite) -> None:
    paths = [f"/view/huge-sitemap-{n}" for n in range(HUGE_SITEMAP_ARTICLES)]
    head = urlset(site.base_url, paths)
    # padding as a real huge sitemap has it: many entries (these ones for another host's pages)
    entry = "<url><loc>https://elsewhere.example/view/padding</loc><lastmod>2025-06-02</lastmod></url>"
    padding = entry * ((HUGE_SITEMAP_BYTES - len(head)) // len(entry))
    body = urlset(site.base_url, paths, padding).encode()
    site.route("/sitemap-huge.xml", lambda _p, _q: xml_answer(body))
    site.robots_sitemaps.append("/sitemap-huge.xml")
    stories(site, "huge-sitemap")


def advertised_sitemap(site: HostileSite) -> None:
    body = urlset(site.base_url, (f"/view/advertised-{n}" for n in range(ADVERTISED_ARTICLES))).encode()
    site.route("/sitemap-advertised.xml", lambda _p, _q: xml_answer(body))
    site.robots_sitemaps.append("/sitemap-advertised.xml")
    stories(site, "advertised")


def gzip_sitemap(site: HostileSite) -> None:
    paths = [f"/view/gzip-sitemap-{n}" for n in range(GZIP_SITEMAP_ARTICLES)]
    body = gzip.compress(urlset(site.base_url, paths).encode())
    site.route("/sitemap-extra.xml.gz", lambda _p, _q: xml_answer(body, "application/x-gzip"))
    site.robots_sitemaps.append("/sitemap-extra.xml.gz")
    stories(site, "gzip-sitemap")


PARTS: dict[str, Callable[[HostileSite], None]] = {
    "plain": plain,
    "control-chars": control_chars,
    "control-char-generic": control_char_generic,
    "other-port": other_port,
    "ftp-redirect": ftp_redirect,
    "huge-jsonld": huge_jsonld,
    "shift-jis": shift_jis,
    "oversize": oversize,
    "slow": slow,
    "endless-listing": endless_listing,
    "self-extending-sitemap": self_extending_sitemap,
    "endless-graph": endless_graph,
    "huge-sitemap": huge_sitemap,
    "advertised-sitemap": advertised_sitemap,
    "gzip-sitemap": gzip_sitemap,
}
