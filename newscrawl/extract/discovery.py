"""Pure parsers for the site's crawl surfaces: robots.txt, sitemaps, RSS and listing pages.

They turn a fetched document into links (with the dates the surface shows for them) and
nothing else, so the spider stays a thin navigator and each surface is testable on saved
bytes. No Scrapy import, no I/O. Every parser tolerates malformed input and returns what it
can: a broken sitemap yields no entries, never an exception.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
from urllib.parse import SplitResult, parse_qs, urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

ARTICLE_PATH_PREFIX = "/view/"

#: the first bytes of a gzip stream (``sitemap.xml.gz`` served as a file, not as an encoding)
GZIP_MAGIC = b"\x1f\x8b"

_XML_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=True)

#: "June 2nd 2025", "June 2, 2025", "Jun. 2 2025" as teaser cards show them.
_CARD_DATE = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+"
    r"(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b"
)
_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"'#]*?/view/[^"'#]*)""", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    """A discovered URL and the date string the surface showed for it, if any."""

    url: str
    date: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap: an index of child sitemaps, or a set of page URLs."""

    is_index: bool
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Listing:
    """A parsed listing page: article links with card dates, next page, other listings."""

    articles: tuple[Link, ...]
    next_page: str | None
    listings: tuple[str, ...]


def robots_sitemaps(text: str, base_url: str) -> list[str]:
    """``Sitemap:`` URLs declared in a robots.txt, absolute."""
    found = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            found.append(urljoin(base_url, value.strip()))
    return found


def _localname(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(elem: etree._Element, *names: str) -> str | None:
    """Text of the first descendant whose local name is one of ``names``."""
    for child in elem.iter():
        if _localname(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


class SitemapTooLarge(ValueError):
    """A gzipped sitemap unpacks to more bytes than its cap."""


def sitemap_xml(body: bytes, max_bytes: int = 0) -> bytes:
    """A sitemap's XML: ``body`` itself, or unpacked when it is gzip (``sitemap.xml.gz``).

    Unpacking stops past ``max_bytes`` (0: no cap) and raises :class:`SitemapTooLarge`, so a
    gzip bomb costs no more than the cap. A corrupt stream gives no bytes (an empty sitemap).
    """
    if not body.startswith(GZIP_MAGIC):
        return body
    unpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip header and trailer
    try:
        xml = unpacker.decompress(body, max_bytes + 1 if max_bytes else 0)
    except zlib.error:
        return b""
    if max_bytes and len(xml) > max_bytes:
        raise SitemapTooLarge(f"unpacks to more than {max_bytes} bytes")
    return xml


def parse_sitemap(body: bytes) -> Sitemap:
    """Parse a sitemap index or urlset, Google News extensions included.

    Each link's ``date`` is the news ``publication_date`` when present, else ``lastmod``.
    """
    try:
        root = etree.fromstring(body, parser=_XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:
        return Sitemap(False, ())
    is_index = _localname(root.tag) == "sitemapindex"
    links = []
    for entry in root:
        if _localname(entry.tag) not in ("sitemap", "url"):
            continue
        loc = _child_text(entry, "loc")
        if not loc:
            continue
        date = _child_text(entry, "publication_date") or _child_text(entry, "lastmod")
        links.append(Link(loc, date, _child_text(entry, "title")))
    return Sitemap(is_index, tuple(links))


def parse_rss(body: bytes) -> list[Link]:
    """Items of an RSS 2.0 (or Atom) feed: link, publication date string, title."""
    try:
        root = etree.fromstring(body, parser=_XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return []
    if root is None:
        return []
    links = []
    for item in root.iter():
        if _localname(item.tag) not in ("item", "entry"):
            continue
        url = _child_text(item, "link")
        if url is None:  # Atom: <link href="...">
            for child in item:
                if _localname(child.tag) == "link" and child.get("href"):
                    url = child.get("href")
                    break
        if url:
            date = _child_text(item, "pubDate", "published", "updated", "date")
            links.append(Link(url.strip(), date, _child_text(item, "title")))
    return links


def card_date(text: str) -> str | None:
    """The first "Month D(th)[,] YYYY" date in a teaser card's text, as written."""
    match = _CARD_DATE.search(text)
    return match.group(0) if match else None


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _host_port(parts: SplitResult) -> tuple[str, int | None] | None:
    """(host name, port) of a split URL, a scheme's default port as None; None if malformed."""
    try:
        port = parts.port
    except ValueError:  # a port that is not a number, or out of range
        return None
    if port == _DEFAULT_PORTS.get(parts.scheme):
        port = None
    return (parts.hostname or "", port)


def on_host(url: str, host: str) -> bool:
    """True when the http(s) ``url`` is on ``host`` (``name`` or ``name:port``): same host name
    and same port. Another port on the same host is another server, never the site."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    site = _host_port(urlsplit(f"{parts.scheme}://{host.lower()}"))
    return site is not None and _host_port(parts) == site


def is_article_url(url: str, host: str) -> bool:
    """True for an http(s) URL on ``host`` (host name and port) whose path is an article path."""
    path = urlsplit(url).path
    return (
        on_host(url, host)
        and path.lower().startswith(ARTICLE_PATH_PREFIX)
        and len(path) > len(ARTICLE_PATH_PREFIX)
    )


def _page_number(url: str) -> int:
    values = parse_qs(urlsplit(url).query).get("page")
    try:
        return int(values[0]) if values else 1
    except ValueError:
        return 1


def _anchors(tree: lxml_html.HtmlElement, base_url: str) -> Iterator[tuple[lxml_html.HtmlElement, str]]:
    for anchor in tree.iter("a"):
        href = anchor.get("href")
        if href and not href.startswith(("#", "javascript:", "mailto:")):
            yield anchor, _join(base_url, href.strip())


@lru_cache(maxsize=4096)
def _join(base_url: str, href: str) -> str:
    """``urljoin``, remembered: climbing a listing's cards resolves the same links again and again."""
    return urljoin(base_url, href)


def _card_of(
    anchor: lxml_html.HtmlElement, target: str, base_url: str, max_up: int = 4
) -> lxml_html.HtmlElement:
    """The largest ancestor (a few levels up) whose article links all point to ``target``.

    Teaser cards repeat the link (image and heading) and carry the date beside it; climbing
    while the subtree links only to this article finds the card without knowing its class.
    """
    card = anchor
    node = anchor.getparent()
    for _ in range(max_up):
        if node is None:
            break
        hrefs = {a.get("href", "").strip() for a in node.iter("a") if "/view/" in a.get("href", "")}
        if any(_join(base_url, h) != target for h in hrefs):
            break
        card = node
        node = node.getparent()
    return card


def parse_listing(html: str, url: str, host: str) -> Listing:
    """Article links (with the date shown on their card), the next page and other listings."""
    try:
        tree = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return Listing((), None, ())
    current_path = urlsplit(url).path
    current_page = _page_number(url)
    articles: dict[str, Link] = {}
    listings: list[str] = []
    next_page = None
    for anchor, target in _anchors(tree, url):
        if not on_host(target, host):
            continue
        parts = urlsplit(target)
        if is_article_url(target, host):
            if target not in articles:
                card = _card_of(anchor, target, url)
                articles[target] = Link(target, card_date(" ".join(card.itertext())))
        elif parts.path == current_path and _page_number(target) == current_page + 1:
            if next_page is None or anchor.get("rel") == "next":
                next_page = target
        elif parts.path.startswith("/clinical/") or parts.path == "/news":
            if target not in listings:
                listings.append(target)
    return Listing(tuple(articles.values()), next_page, tuple(listings))


def page_links(html: str, url: str, host: str) -> list[str]:
    """Article URLs linked from any page on ``host`` (sidebars, related cards).

    A regular expression over the raw markup rather than a parse: article pages are the bulk
    of a crawl and this runs on every one of them. The same rails of links recur on page after
    page: a link that does not depend on the page's own path is resolved once per crawl.
    """
    parts = urlsplit(url)
    root = f"{parts.scheme}://{parts.netloc}/"
    seen: dict[str, None] = {}
    for match in _HREF.finditer(html):
        href = unescape(match.group(1)).strip()
        if href.startswith("/") or href[:8].lower().startswith(("http://", "https://")):
            target = _article_link(root, href, host)
        else:  # relative to the page's own path
            target = urljoin(url, href)
            target = target if is_article_url(target, host) else None
        if target is not None:
            seen.setdefault(target)
    return list(seen)


@lru_cache(maxsize=16384)
def _article_link(root: str, href: str, host: str) -> str | None:
    """The article URL an absolute URL or absolute path resolves to on any page under ``root``
    (``scheme://netloc/``: all such a link depends on), or None if it is none."""
    target = urljoin(root, href)
    return target if is_article_url(target, host) else None
