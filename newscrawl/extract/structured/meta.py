"""``<meta>`` tags (OpenGraph, ``article:*``, Dublin Core, citation), ``<title>`` and its
site-name suffix, ``<html lang>`` and ``rel=canonical``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml.html import HtmlElement

from newscrawl.extract.parsing import as_tree
from newscrawl.extract.text import clean_text
from newscrawl.extract.urls import registrable_domain, same_site


@dataclass
class Meta:
    """``<meta>`` values (keys lower-cased, from ``property``/``name``/``itemprop``) plus
    ``<title>``, ``<html lang>`` and ``<link rel=canonical>``."""

    values: dict[str, list[str]] = field(default_factory=dict)
    title: str | None = None
    lang: str | None = None
    canonical: str | None = None

    def first(self, *keys: str) -> str | None:
        for key in keys:
            for value in self.values.get(key, ()):
                if value:
                    return value
        return None

    def all(self, *keys: str) -> list[str]:
        return [v for key in keys for v in self.values.get(key, ()) if v]


def extract_meta(doc: HtmlElement | str) -> Meta:
    """Collect all meta tags once; later lookups are dictionary reads."""
    tree = as_tree(doc)
    meta = Meta()
    for el in tree.iter("meta"):
        content = el.get("content")
        if content is None:
            continue
        content = clean_text(content)
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = el.get(attr)
            if key:
                meta.values.setdefault(key.strip().lower(), []).append(content)
    title_el = tree.find(".//title")
    if title_el is not None:
        meta.title = clean_text(title_el.text_content()) or None
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    meta.lang = clean_text(lang) or None
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel:
            href = link.get("href", "").strip()
            if href:
                meta.canonical = href
                break
    return meta


_TITLE_SEPARATORS = (" | ", " - ", " — ", " – ", " :: ", " · ", " • ")
_ALNUM_RE = re.compile(r"[^0-9a-z]+")


def _squash(text: str) -> str:
    return _ALNUM_RE.sub("", text.lower())


def strip_title_suffix(
    title: str | None,
    *,
    site_names: Iterable[str | None] = (),
    references: Iterable[str | None] = (),
    host: str | None = None,
) -> str | None:
    """Remove a site-name suffix (or prefix) such as " | CancerNetwork" from a page title.

    A trailing segment is removed only when it is the site's name: it equals ``og:site_name``
    (or another given name), it spells the host name ("CancerNetwork" ~ www.cancernetwork.com),
    or the title is a reference headline (og:title, h1) plus a separator and more. A headline
    that merely contains " - " is never cut.
    """
    if not title:
        return title
    title = clean_text(title)
    names = {_squash(n) for n in site_names if n and _squash(n)}
    host_key = _squash(_host_core(host)) if host else ""
    for ref in references:
        if not ref:
            continue
        ref = clean_text(ref)
        for sep in _TITLE_SEPARATORS:
            if title.startswith(ref + sep) and len(ref) >= 10:
                return ref
    for sep in _TITLE_SEPARATORS:
        if sep not in title:
            continue
        head, _, tail = title.rpartition(sep)
        if head and _is_site_name(tail, names, host_key):
            return head.strip()
        first, _, rest = title.partition(sep)
        if rest and _is_site_name(first, names, host_key):
            return rest.strip()
    # " | Brand": a pipe is not headline punctuation; a short last segment after it is a brand.
    head, _, tail = title.rpartition(" | ")
    if head and len(head.split()) >= 3 and len(tail.split()) <= 3 and len(tail) <= 30:
        return head.strip()
    return title


def is_site_name(name: str, *, site_names: Iterable[str | None] = (), host: str | None = None) -> bool:
    """True when ``name`` is the site's own name (og:site_name, or spelling the host name)."""
    names = {_squash(n) for n in site_names if n and _squash(n)}
    return _is_site_name(name, names, _squash(_host_core(host)) if host else "")


def _is_site_name(segment: str, names: set[str], host_key: str) -> bool:
    key = _squash(segment)
    if not key or len(segment.split()) > 5:
        return False
    return key in names or (len(key) >= 4 and key == host_key)


def _host_core(host: str) -> str:
    """``www.cancernetwork.com`` -> ``cancernetwork``: the registrable label that names the site."""
    host = (host or "").lower().split(":")[0]
    reg = registrable_domain(host)
    return reg.split(".")[0] if reg else host


def resolve_canonical(url: str, candidates: Iterable[str | None]) -> str:
    """First candidate that, made absolute against ``url``, is on the same site; else ``url``."""
    for cand in candidates:
        if not cand or not cand.strip() or cand.strip().startswith("#"):
            continue
        try:
            absolute = urljoin(url, cand.strip())
        except ValueError:
            continue
        if same_site(absolute, url):
            return absolute
    return url
