"""Twisted Web server of the twin: routing, conditional GET and switchable faults."""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request

from . import prose, render
from .model import Site, h64
from .render import PAGE_SIZE, RSS_ITEMS, Links

logger = logging.getLogger(__name__)

_MONTH_RE = re.compile(r"^/sitemaps/articles-(\d{4}-\d{2}(?:-\d+)?)\.xml$")
SITEMAP_MAX_URLS = 1000  # a busy month is split into articles-YYYY-MM-1.xml, -2.xml, ...
_VIEW_RE = re.compile(r"^/view/([A-Za-z0-9-]+)(/amp)?/?$")
_CLINICAL_RE = re.compile(r"^/clinical/([a-z0-9-]+)/?$")
HUGE_BYTES = 6 * 1024 * 1024


def http_date(dt: datetime) -> str:
    return format_datetime(dt.astimezone(UTC), usegmt=True)


class _ByteLRU:
    """Small cache of rendered surface pages, bounded in total bytes."""

    def __init__(self, budget: int = 16 * 1024 * 1024) -> None:
        self.budget = budget
        self.size = 0
        self.data: OrderedDict[tuple, tuple] = OrderedDict()

    def get(self, key: tuple) -> tuple | None:
        v = self.data.get(key)
        if v is not None:
            self.data.move_to_end(key)
        return v

    def put(self, key: tuple, value: tuple) -> None:
        n = len(value[0])
        if n > self.budget // 4:
            return
        self.data[key] = value
        self.size += n
        while self.size > self.budget:
            _, old = self.data.popitem(last=False)
            self.size -= len(old[0])


class Response:
    """What a route produced: body bytes plus validators."""

    __slots__ = ("status", "body", "ctype", "etag", "lastmod", "headers")

    def __init__(self, body: str | bytes, ctype: str = "text/html; charset=utf-8", *, status: int = 200,
                 etag: str | None = None, lastmod: datetime | None = None) -> None:
        self.status = status
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.ctype = ctype
        self.etag = etag
        self.lastmod = lastmod
        self.headers: dict[str, str] = {}


class ReplicaResource(Resource):
    """Serves every URL of the twin from a ``Site``."""

    isLeaf = True

    def __init__(self, site: Site, *, clock: Any = None) -> None:
        super().__init__()
        self.site = site
        # the reactor (Any: Twisted's zope interfaces do not type-check without their mypy
        # plugin); looked up lazily so importing never installs one
        self.clock = clock
        self.cache = _ByteLRU()
        self.attempts: dict[str, int] = {}  # fault bookkeeping, only for faulty article URLs
        self.requests_served = 0

    # ---- entry point ----------------------------------------------------------------------
    def render_GET(self, request: Request) -> bytes | int:
        self.requests_served += 1
        # the site's clock: the twin lives on its day, whatever this machine's date
        request.setHeader(b"date", http_date(self.site.now).encode())
        host = request.getHeader("host") or f"{request.getHost().host}:{request.getHost().port}"
        links = Links(self.site, f"http://{host}")
        uri = request.uri.decode("latin-1")
        parts = urlsplit(uri)
        query = parse_qs(parts.query)
        try:
            result = self.route(links, parts.path, query, uri)
        except Exception:  # a bug must show as a 500, not a hung request
            logger.exception("replica failed on %s", uri)
            result = Response("<h1>500 Internal Server Error</h1>", status=500)
        if callable(result):
            return result(request)
        return self.send(request, result)

    def send(self, request: Request, resp: Response) -> bytes:
        request.setResponseCode(resp.status)
        request.setHeader(b"content-type", resp.ctype.encode())
        for k, v in resp.headers.items():
            request.setHeader(k.encode(), v.encode())
        if resp.status == 200:
            if resp.etag:
                request.setHeader(b"etag", resp.etag.encode())
            if resp.lastmod:
                request.setHeader(b"last-modified", http_date(resp.lastmod).encode())
            if self.not_modified(request, resp):
                request.setResponseCode(304)
                request.responseHeaders.removeHeader(b"content-type")
                return b""
        request.setHeader(b"content-length", str(len(resp.body)).encode())
        return resp.body

    @staticmethod
    def not_modified(request: Request, resp: Response) -> bool:
        inm = request.getHeader("if-none-match")
        if inm is not None:
            if not resp.etag:
                return False
            tags = [t.strip() for t in inm.split(",")]
            plain = resp.etag.removeprefix("W/")
            return "*" in tags or any(t.removeprefix("W/") == plain for t in tags)
        ims = request.getHeader("if-modified-since")
        if ims and resp.lastmod:
            try:
                since = parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return resp.lastmod.replace(microsecond=0) <= since
        return False

    # ---- routing -------------------------------------------------------------------------------
    def route(self, links: Links, path: str, query: dict, uri: str) -> Response | Callable:
        site = self.site
        if path.startswith("/view/"):
            return self.view(links, path, query, uri)
        if path in ("/", ""):
            return Response(render.render_home(links), etag=self._etag("home"), lastmod=site.lastmod(site.count - 1))
        if path == "/robots.txt":
            return Response(render.robots(links), "text/plain; charset=utf-8", etag=self._etag("robots"))
        if path in ("/rss", "/rss/", "/feed"):
            media = ("video", "podcast", "slideshow")
            return self.cached(links, ("rss",), lambda: Response(
                render.rss(links, [i for i in site.newest(RSS_ITEMS * 2) if site.role(i) not in media][:RSS_ITEMS]),
                "application/rss+xml; charset=utf-8", etag=self._etag("rss"), lastmod=site.lastmod(site.count - 1)))
        if path == "/sitemap.xml":
            return self.cached(links, ("smi",), lambda: Response(
                render.sitemap_index(links, self.months()), "application/xml; charset=utf-8",
                etag=self._etag("smi"), lastmod=max(m[3] for m in self.months())))
        m = _MONTH_RE.match(path)
        if m:
            key = m.group(1)
            found = [(start, stop, lm) for month, start, stop, lm in self.months() if month == key]
            if not found:
                return self.not_found(links)
            start, stop, lm = found[0]
            # its content changes only when one of its articles changes, and then so does lm
            etag = 'W/"%x"' % (h64(site.seed, site.n0, "sm", key, start, stop, lm.isoformat()) & 0xFFFFFFFFFFFF)
            return self.cached(links, ("sm", key), lambda: Response(
                render.sitemap_month(links, start, stop), "application/xml; charset=utf-8", etag=etag, lastmod=lm))
        if path == "/sitemap-news.xml":
            return self.cached(links, ("news",), lambda: Response(
                render.sitemap_news(links, self.news_items()), "application/xml; charset=utf-8",
                etag=self._etag("news"), lastmod=site.lastmod(site.count - 1)))
        if path in ("/news", "/news/"):
            return self.listing(links, "/news", "News", site.count, lambda s, n: site.newest(n, s), query)
        m = _CLINICAL_RE.match(path)
        if m and m.group(1) in prose.TOPIC_NAMES:
            t = m.group(1)
            return self.listing(links, f"/clinical/{t}", prose.TOPIC_NAMES[t], site.topic_total(t),
                                lambda s, n: site.topic_items(t, s, n), query)
        if path in ("/search", "/search/"):
            q = (query.get("q") or [""])[0]
            return Response(render.render_search(links, q))
        return self.not_found(links)

    def not_found(self, links: Links) -> Response:
        return Response(render.render_not_found(links), status=404)

    def _etag(self, *parts: object) -> str:
        s = self.site
        return 'W/"%x"' % (h64(s.seed, s.n0, s.day, *parts) & 0xFFFFFFFFFFFF)

    def cached(self, links: Links, key: tuple, make: Callable[[], Response]) -> Response:
        full = (links.base, *key)
        hit = self.cache.get(full)
        if hit is not None:
            resp = Response(hit[0], hit[1], etag=hit[2], lastmod=hit[3])
            return resp
        resp = make()
        self.cache.put(full, (resp.body, resp.ctype, resp.etag, resp.lastmod))
        return resp

    def months(self) -> list[tuple[str, int, int, datetime]]:
        """[(name, start, stop, lastmod)] of the monthly article sitemaps (busy months split)."""
        cached = getattr(self, "_months", None)
        if cached is None:
            site = self.site
            cached = []
            for m, a, b in site.month_ranges():
                parts = -(-(b - a) // SITEMAP_MAX_URLS)
                for k in range(parts):
                    lo = a + k * SITEMAP_MAX_URLS
                    hi = min(b, lo + SITEMAP_MAX_URLS)
                    name = m if parts == 1 else f"{m}-{k + 1}"
                    cached.append((name, lo, hi, max(site.lastmod(i) for i in range(lo, hi))))
            self._months = cached
        return cached

    def news_items(self) -> list[int]:
        site = self.site
        start = site.first_index_at_or_after(site.now - timedelta(days=7))
        return [i for i in range(site.count - 1, start - 1, -1)
                if site.role(i) not in ("video", "podcast", "slideshow")]

    def listing(self, links: Links, path: str, title: str, total: int, items: Callable[[int, int], list[int]],
                query: dict) -> Response:
        raw = (query.get("page") or ["1"])[0]
        if not raw.isdigit() or int(raw) < 1:
            return self.not_found(links)
        page_no = int(raw)
        last = max(1, -(-total // PAGE_SIZE))
        if page_no > last:
            return self.not_found(links)
        return self.cached(links, ("list", path, page_no), lambda: Response(
            render.render_listing(links, title, path, items((page_no - 1) * PAGE_SIZE, PAGE_SIZE), page_no, last),
            etag=self._etag("list", path, page_no), lastmod=self.site.lastmod(self.site.count - 1)))

    # ---- articles ------------------------------------------------------------------------------
    def view(self, links: Links, path: str, query: dict, uri: str) -> Response | Callable:
        site = self.site
        m = _VIEW_RE.match(path)
        if not m:
            return self.not_found(links)
        i = site.index_of_slug(m.group(1))
        if i is None:
            return self.not_found(links)
        a = site.article(i)
        amp = bool(m.group(2))
        printable = (query.get("print") or [""])[0].lower() in ("true", "1", "yes")
        if amp and not a.is_article:
            return self.not_found(links)
        fault = site.fault(i)
        if fault == "redirect" and not amp and not printable:
            det = site.fault_detail(i, "redirect")
            step = (query.get("redirect") or ["0"])[0]
            step_n = int(step) if step.isdigit() else 0
            if det["loop"] or step_n < det["hops"]:
                nxt = step_n + 1
                target = links.view(i) if det["loop"] and step_n >= det["hops"] else f"{links.view(i)}?redirect={nxt}"
                resp = Response(f'<a href="{target}">Moved</a>', status=301 if step_n == 0 else 302)
                resp.headers["Location"] = target
                return resp
        if amp:
            html = render.render_amp(links, a)
            variant = "amp"
        elif printable:
            html = render.render_print(links, a)
            variant = "print"
        else:
            html = render.render_article(links, a)
            variant = "page"
        # the article's own content, so a change the page does not date (no dateModified, no new
        # sitemap lastmod: an original that gains a typo when a later near-copy fixes it) shows
        body = "\n".join(prose.body_paragraphs(a.blocks))
        etag = f'W/"{site.code(i)}-{h64(site.seed, i, variant, body, a.modified, fault) & 0xFFFFFFFF:x}"'
        resp = Response(html, etag=etag, lastmod=site.lastmod(i))
        if fault:
            return self.apply_fault(links, i, fault, resp, uri)
        return resp

    def apply_fault(self, links: Links, i: int, fault: str, resp: Response, uri: str) -> Response | Callable:
        site = self.site
        det = site.fault_detail(i, fault)
        if fault in ("5xx", "drop"):
            n = self.attempts.get(uri, 0) + 1
            if len(self.attempts) > 200_000:
                self.attempts.clear()
            self.attempts[uri] = n
            failing = not det["transient"] or n <= det["failures"]
            if not failing:
                return resp
            if fault == "5xx":
                r = Response(f"<h1>{det['status']} Server Error</h1>", status=det["status"])
                r.headers["Retry-After"] = "1"
                return r
            return lambda request: self._drop(request, resp)
        if fault == "slow":
            return lambda request: self._slow(request, resp, det["delay"])
        if fault == "truncate":
            return lambda request: self._truncate(request, resp)
        if fault == "malformed":
            resp.body = malform(resp.body.decode("utf-8")).encode("utf-8")
            return resp
        if fault == "charset":
            text = resp.body.decode("utf-8")
            if det["mode"] == "undeclared":
                text = text.replace('<meta charset="utf-8">', "", 1)
                resp.ctype = "text/html"
            resp.body = text.encode("windows-1252", "xmlcharrefreplace")
            return resp
        if fault == "huge":
            resp.body = hugify(resp.body.decode("utf-8")).encode("utf-8")
            return resp
        if fault == "empty":
            resp.body = b""
            return resp
        return resp

    def _slow(self, request: Request, resp: Response, delay: float) -> int:
        if self.clock is None:
            from twisted.internet import reactor  # here: importing this module must not install one

            self.clock = reactor
        call = self.clock.callLater(delay, self._finish_late, request, resp)
        request.notifyFinish().addErrback(lambda _f: call.cancel() if call.active() else None)
        return NOT_DONE_YET

    def _finish_late(self, request: Request, resp: Response) -> None:
        body = self.send(request, resp)
        if body:
            request.write(body)
        request.finish()

    def _drop(self, request: Request, resp: Response) -> int:
        request.setResponseCode(200)
        request.setHeader(b"content-type", resp.ctype.encode())
        request.setHeader(b"content-length", str(len(resp.body)).encode())
        request.write(resp.body[: len(resp.body) // 3])
        request.notifyFinish().addErrback(lambda _f: None)
        transport: Any = request.transport  # a TCP connection (see self.clock on Any)
        transport.abortConnection()
        return NOT_DONE_YET

    def _truncate(self, request: Request, resp: Response) -> int:
        request.setResponseCode(200)
        request.setHeader(b"content-type", resp.ctype.encode())
        request.setHeader(b"content-length", str(len(resp.body) + 4096).encode())
        request.write(resp.body[: (len(resp.body) * 2) // 3])
        request.notifyFinish().addErrback(lambda _f: None)
        transport: Any = request.transport  # a TCP connection (see self.clock on Any)
        transport.loseConnection()
        return NOT_DONE_YET


def malform(html: str) -> str:
    """Broken but recoverable markup: stray and missing end tags, unquoted attributes, a bare '&'."""
    html = html.replace("</body></html>", "", 1)
    html = html.replace("<main>", '<main><div class=wrapper id=x data-a=1><span>R&D updates</div></span></p><b>', 1)
    html = html.replace("</h1>", "</h2>", 1)
    html = html.replace("</li>", "")
    return html


def hugify(html: str) -> str:
    """Pad a page to several MB with boilerplate: a giant inline ads config and hidden teasers."""
    chunk = ('<div class="promo-hidden" hidden><img alt="Site Logo" src="/static/logo.svg"><span>Advertisement</span>'
             '<a href="/news">More News</a></div>\n')
    pad = chunk * (HUGE_BYTES // len(chunk))
    return html.replace("</main>", f"{pad}</main>", 1)
