"""HTML/XML renderers of the twin: article templates, page boilerplate and crawl surfaces.

Plain string building (no template engine) so a page renders in about a millisecond.
All links to other pages are absolute, built from the request's base URL.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from email.utils import format_datetime
from functools import lru_cache
from html import escape

from . import prose
from .model import ET, Article, Site, h64, long_date, ordinal_date
from .prose import Block

PAGE_SIZE = 20
RSS_ITEMS = 50

# Phrases of page boilerplate; article prose never contains any of them (checked by tests).
BOILERPLATE_PHRASES: tuple[str, ...] = (
    "READ MORE:", "Site Logo", "More News", "Latest News", "Related Content", "Advertisement",
    "Subscribe", "Sign up for our newsletter", "Stay up to date", "Enter your email",
    "We use cookies", "Accept All Cookies", "Cookie Settings", "Privacy Policy", "Terms & Conditions",
    "Do Not Sell My Information", "All rights reserved", "MJH Life Sciences", "Share this article",
    "Share on Facebook", "Share on X", "Share on LinkedIn", "Conference Coverage",
    "Clinical Quick Links", "Continuing Medical Education", "Contact Us", "About Us",
    "Printed from CancerNetwork", "Listen to this article", "Trending on CancerNetwork",
    "Sponsored Content", "Back to Top",
)


def e(s: str) -> str:
    return escape(s, quote=True)


def jsonscript(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


class Links:
    """Absolute URLs of one twin, from the base URL the client used."""

    def __init__(self, site: Site, base: str) -> None:
        self.site = site
        self.base = base.rstrip("/")

    def view(self, i: int, form: str = "plain") -> str:
        slug = self.site.slug(i)
        if form == "slash":
            return f"{self.base}/view/{slug}/"
        if form == "case":
            return f"{self.base}/view/{slug.upper()}"
        if form == "tracking":
            return f"{self.base}/view/{slug}?utm_source=rss&utm_medium=rss"
        if form == "amp":
            return f"{self.base}/view/{slug}/amp"
        if form == "print":
            return f"{self.base}/view/{slug}?print=true"
        return f"{self.base}/view/{slug}"

    def listed(self, i: int) -> str:
        """The URL listings, sidebars and cards use for i (its link form)."""
        return self.view(i, self.site.linkform(i))


def cls(site: Site, template: str, name: str) -> str:
    """Template-specific class names: CSS modules, styled-components or Drupal-era classes."""
    hsh = format(h64(site.seed, template, name) & 0xFFFFFFF, "x")
    if template == "nextjs":
        return f"{name[0].upper()}{name[1:]}_{name.lower()}__{hsh[:5]}"
    if template == "meta":
        return f"sc-{hsh[:6]} {hsh[1:7].upper()}"
    if template == "legacy":
        return f"field-{name.lower()} clearfix"
    return f"m-{name.lower()} {hsh[:4]}"


# ---- shared boilerplate ------------------------------------------------------------------
NAV = (("News", "/news"), ("Conference Coverage", "/conferences"), ("Clinical", None),
       ("Media", "/media"), ("Publications", "/journals/oncology"), ("Resources", "/resources"),
       ("Continuing Medical Education", "/cme"))


def header(links: Links, template: str) -> str:
    b = links.base
    topics = "".join(f'<li><a href="{b}/clinical/{k}">{e(n)}</a></li>' for k, n, *_ in prose.TOPICS)
    items = []
    for name, path in NAV:
        if path is None:
            items.append(f'<li class="has-menu"><button type="button">{name}</button><ul class="menu">{topics}</ul></li>')
        else:
            items.append(f'<li><a href="{b}{path}">{e(name)}</a></li>')
    return (
        f'<div class="cookie-consent" role="dialog"><p>We use cookies to improve your experience on our site. '
        f'By continuing to browse you agree to our <a href="{b}/privacy">Privacy Policy</a>.</p>'
        f'<button>Accept All Cookies</button> <button>Cookie Settings</button></div>'
        f'<header class="{cls(links.site, template, "Header")}"><a href="{b}/"><img src="{b}/static/logo.svg" alt="Site Logo" width="180" height="40"></a>'
        f'<nav aria-label="Main"><ul>{"".join(items)}</ul></nav>'
        f'<a href="{b}/search">Search</a></header>'
        f'<div class="ad-leaderboard"><span>Advertisement</span><div id="div-gpt-ad-top" data-slot="top"></div></div>'
    )


def teaser(links: Links, i: int, *, heading: str = "h3", desc: bool = False, template: str = "nextjs",
           time_el: bool = False) -> str:
    """A teaser card: image (alt = title), title in ``heading``, maybe a summary, the ordinal
    date as text or (``time_el``) in a ``<time datetime>``. Cached: the newest pages' cards sit
    on every page."""
    return _teaser(links.site, links.base, i, heading, desc, template, time_el)


@lru_cache(maxsize=4096)
def _teaser(site: Site, base: str, i: int, heading: str, desc: bool, template: str, time_el: bool) -> str:
    links = Links(site, base)
    headline, description = site.card(i)
    url = links.listed(i)
    p = site.published(i)
    d = p.date() if isinstance(p, datetime) else p
    img = (f'<img src="{links.base}/static/img/{site.code(i)}.jpg" alt="{e(headline)}" loading="lazy">'
           if h64(site.seed, i, "img") % 5 else f'<img src="{links.base}/static/logo.svg" alt="Site Logo">')
    dp = f'<p>{e(description)}</p>' if desc and h64(site.seed, i, "tdesc") % 3 else ""
    when = (f'<time datetime="{p.isoformat()}">{ordinal_date(d)}</time>' if time_el
            else f'<span class="date">{ordinal_date(d)}</span>')
    return (f'<div class="{cls(site, template, "Card")}"><a href="{url}">{img}</a>'
            f'<div><a href="{url}"><{heading}>{e(headline)}</{heading}></a>{dp}{when}</div></div>')


def others(site: Site, i: int, k: int) -> list[int]:
    """The k newest pages other than i: the "Latest News" / "More News" rails on i's page."""
    return [j for j in site.newest(k + 1) if j != i][:k]


def rail(links: Links, title: str, items: Sequence[int], template: str, *, heading: str = "h2") -> str:
    """A rail of teaser cards outside the article: each card has its own heading and ``<time>``
    (dates of other articles, mostly later than the page's own)."""
    cards = "".join(teaser(links, j, heading=heading, template=template, time_el=True) for j in items)
    return f'<section class="{cls(links.site, template, "Rail")}"><h2>{title}</h2>{cards}</section>'


class RailDocs(str):
    """Full CMS documents of other pages as JSON text, to go into a page's Next.js data where
    :func:`next_data` finds this object (the same newest pages sit in every page's rails:
    rendered once, not once per page)."""


@lru_cache(maxsize=64)
def _rail_docs(site: Site, base: str, items: tuple[int, ...], bodies: bool) -> RailDocs:
    links = Links(site, base)
    docs = [cms_doc(links, site.article(j), body=list(site.article(j).blocks) if bodies else None) for j in items]
    return RailDocs(jsonscript(docs))


def rail_docs(links: Links, items: Sequence[int], *, bodies: bool = True) -> RailDocs:
    """Full CMS documents (title, slug, dates, authors, summary and, with ``bodies``, Portable
    Text) of other pages, as a Next.js page's data carries them for its rails."""
    return _rail_docs(links.site, links.base, tuple(items), bodies)


def next_data(data: dict) -> str:
    """``data`` as ``__NEXT_DATA__`` JSON; a :class:`RailDocs` value goes in as the JSON it holds."""
    raws: list[RailDocs] = []

    def mark(value: object) -> object:
        if isinstance(value, RailDocs):
            raws.append(value)
            return f"\x00rail{len(raws) - 1}\x00"
        if isinstance(value, dict):
            return {k: mark(v) for k, v in value.items()}
        return value

    text = jsonscript(mark(data))
    for n, raw in enumerate(raws):
        text = text.replace(f'"\\u0000rail{n}\\u0000"', raw, 1)
    return text


def rail_ld(links: Links, name: str, items: Sequence[int]) -> dict:
    """A JSON-LD ItemList of other articles (``NewsArticle`` items with headline, URL, date)."""
    site = links.site
    elements = []
    for n, j in enumerate(items):
        p = site.published(j)
        when = jsonld_date(site, j, p, "rail") if isinstance(p, datetime) else p.isoformat()
        elements.append({"@type": "ListItem", "position": n + 1, "item": {
            "@type": "NewsArticle", "headline": site.card(j)[0], "url": links.view(j), "datePublished": when}})
    return {"@context": "https://schema.org", "@type": "ItemList", "name": name, "itemListElement": elements}


def related_ld(links: Links, j: int, *, body: bool) -> dict:
    """A related article as a top-level JSON-LD ``NewsArticle`` of its own, with its URL, and
    with ``body`` its authors and full ``articleBody``."""
    site = links.site
    p = site.published(j)
    out: dict = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": site.card(j)[0],
                 "url": links.view(j), "mainEntityOfPage": links.view(j),
                 "datePublished": jsonld_date(site, j, p, "rel") if isinstance(p, datetime) else p.isoformat()}
    if body:
        a = site.article(j)
        out["author"] = [{"@type": "Person", "name": n} for n in a.authors]
        out["articleBody"] = flat_body(a)
    return out


def sidebar(links: Links, template: str, *, time_el: bool = False) -> str:
    site = links.site
    cards = "".join(teaser(links, i, heading="h4", template=template, time_el=time_el) for i in site.newest(5))
    trending = "".join(f'<li><a href="{links.listed(i)}">{e(site.card(i)[0])}</a></li>' for i in site.trending())
    return (f'<aside class="{cls(site, template, "Sidebar")}"><h2>Latest News</h2>{cards}'
            f'<a href="{links.base}/news" class="more">More News</a>'
            f'<div class="{cls(site, template, "Trending")}"><h3>Trending on CancerNetwork</h3><ol>{trending}</ol></div>'
            f'<div class="ad-rail"><span>Advertisement</span></div></aside>')


def footer(links: Links, site_year: int = 2025) -> str:
    b = links.base
    return (
        '<section class="newsletter"><h2>Sign up for our newsletter</h2>'
        '<p>Stay up to date on the latest oncology news, conference coverage and expert perspectives.</p>'
        '<form action="/newsletter" method="post"><input type="email" placeholder="Enter your email">'
        '<button type="submit">Subscribe</button></form></section>'
        f'<footer><a href="{b}/"><img src="{b}/static/logo-footer.svg" alt="Site Logo"></a>'
        f'<ul><li><a href="{b}/about">About Us</a></li><li><a href="{b}/contact">Contact Us</a></li>'
        f'<li><a href="{b}/privacy">Privacy Policy</a></li><li><a href="{b}/terms">Terms &amp; Conditions</a></li>'
        f'<li><a href="{b}/do-not-sell">Do Not Sell My Information</a></li></ul>'
        f'<p>&copy; {site_year} MJH Life Sciences&reg; and CancerNetwork. All rights reserved.</p>'
        '<a href="#top">Back to Top</a></footer>'
    )


def share_bar(links: Links, url: str, template: str) -> str:
    return (f'<div class="{cls(links.site, template, "Share")}" aria-label="Share this article">'
            f'<a href="https://www.facebook.com/sharer/sharer.php?u={e(url)}" title="Share on Facebook">Facebook</a>'
            f'<a href="https://twitter.com/intent/tweet?url={e(url)}" title="Share on X">X</a>'
            f'<a href="https://www.linkedin.com/shareArticle?url={e(url)}" title="Share on LinkedIn">LinkedIn</a>'
            f'<a href="mailto:?body={e(url)}">Email</a></div>')


def page(links: Links, template: str, head: str, main: str, *, lang: str = "en", tail: str = "",
         sidebar_times: bool = False) -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">{head}</head>'
            f'<body><div id="__next">{header(links, template)}<main>{main}{sidebar(links, template, time_el=sidebar_times)}</main>'
            f'{footer(links)}</div>{tail}</body></html>')


# ---- body blocks ---------------------------------------------------------------------------
def with_boilerplate(site: Site, a: Article) -> list[Block]:
    """The article's blocks with a READ MORE: promo, an ad slot and a Related Content box inside."""
    blocks = list(a.blocks)
    rel = site.related(a.index)
    n = len(blocks)
    out: list[Block] = []
    promo_at = max(1, n // 3)
    ad_at = max(2, n // 2)
    rel_at = max(3, (2 * n) // 3)
    for k, b in enumerate(blocks):
        if k == promo_at and rel:
            out.append(Block("promo", [("READ MORE: ", None), (site.card(rel[0])[0], str(rel[0]))]))
        if k == ad_at:
            out.append(Block("ad"))
        if k == rel_at and len(rel) > 1:
            out.append(Block("related", [(site.card(j)[0], str(j)) for j in rel[1:]]))
        out.append(b)
    return out


def html_blocks(links: Links, blocks: Sequence[Block], template: str, *, tricky: bool = False) -> str:
    site = links.site
    parts: list[str] = []
    list_kind = None

    def spans(b: Block) -> str:
        s = []
        for t, href in b.spans:
            te = e(t)
            if tricky:
                te = te.replace("–", "&ndash;").replace("’", "&rsquo;").replace(", ", ",&nbsp;", 1)
            if href and href.startswith("*"):
                s.append(f"<{href[1:]}>{te}</{href[1:]}>")
            else:
                s.append(f'<a href="{e(href)}" target="_blank" rel="noopener">{te}</a>' if href else te)
        return "".join(s)

    pending_br = False
    for k, b in enumerate(blocks):
        if b.kind in ("bullet", "number", "ref"):
            tag = "ul" if b.kind == "bullet" else "ol"
            if list_kind != b.kind:
                if list_kind:
                    parts.append("</ul>" if list_kind == "bullet" else "</ol>")
                parts.append(f"<{tag}>" if b.kind != "ref" else f'<ol class="{cls(site, template, "References")}">')
                list_kind = b.kind
            parts.append(f"<li>{spans(b)}</li>")
            continue
        if list_kind:
            parts.append("</ul>" if list_kind == "bullet" else "</ol>")
            list_kind = None
        if b.kind == "p":
            nxt = blocks[k + 1] if k + 1 < len(blocks) else None
            if tricky and not pending_br and nxt is not None and nxt.kind == "p" and k % 3 == 1:
                parts.append(f"<p>{spans(b)}<br><br>")
                pending_br = True
            elif pending_br:
                parts.append(f"{spans(b)}</p>")
                pending_br = False
            elif tricky and k % 4 == 0:
                parts.append(f'<div class="{cls(site, template, "Wrap")}"><div><p>{spans(b)}</p></div></div>')
            else:
                parts.append(f"<p>{spans(b)}</p>")
        elif b.kind in ("h2", "h3"):
            parts.append(f"<{b.kind}>{spans(b)}</{b.kind}>")
        elif b.kind == "quote":
            parts.append(f"<blockquote><p>{spans(b)}</p></blockquote>")
        elif b.kind == "table":
            head = "".join(f"<th>{e(c)}</th>" for c in b.rows[0])
            body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in b.rows[1:])
            parts.append(f'<div class="{cls(site, template, "Table")}"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>')
        elif b.kind == "promo":
            j = _ref(b.spans[1])
            parts.append(f'<p><strong>READ MORE:</strong> <a href="{links.listed(j)}">{e(b.spans[1][0])}</a></p>')
        elif b.kind == "ad":
            parts.append(f'<div class="{cls(site, template, "AdSlot")}"><span>Advertisement</span><div data-ad="inline"></div></div>')
        elif b.kind == "related":
            cards = "".join(f'<li><a href="{links.listed(_ref(span))}">{e(span[0])}</a></li>' for span in b.spans)
            parts.append(f'<div class="{cls(site, template, "Related")}"><h3>Related Content</h3><ul>{cards}</ul></div>')
    if list_kind:
        parts.append("</ul>" if list_kind == "bullet" else "</ol>")
    if pending_br:
        parts.append("</p>")
    return "".join(parts)


def portable_text(links: Links, a: Article, blocks: Sequence[Block]) -> list[dict]:
    site = links.site
    out: list[dict] = []
    for k, b in enumerate(blocks):
        key = format(h64(site.seed, a.index, k, "key") & 0xFFFFFFFFFFFF, "x")
        if b.kind == "table":
            out.append({"_type": "table", "_key": key, "rows": [
                {"_type": "tableRow", "_key": f"{key}r{n}", "cells": list(r)} for n, r in enumerate(b.rows)]})
            continue
        if b.kind == "ad":
            out.append({"_type": "adSlot", "_key": key, "slot": "inline-article", "label": "Advertisement"})
            continue
        if b.kind == "related":
            out.append({"_type": "relatedContent", "_key": key, "title": "Related Content", "items": [
                {"_type": "reference", "title": span[0], "slug": {"current": site.slug(_ref(span))}}
                for span in b.spans]})
            continue
        mark_defs = []
        children = []
        for n, (t, href) in enumerate(b.spans):
            marks: list[str] = []
            if b.kind == "promo" and href:
                href = links.listed(int(href))
            if href and href.startswith("*"):
                marks.append(href[1:])
            elif href:
                mk = f"{key}l{n}"
                mark_defs.append({"_type": "link", "_key": mk, "href": href})
                marks.append(mk)
            if b.kind == "promo" and n == 0:
                marks.append("strong")
            children.append({"_type": "span", "_key": f"{key}s{n}", "text": t, "marks": marks})
        block: dict = {"_type": "block", "_key": key, "style": "normal", "markDefs": mark_defs, "children": children}
        if b.kind in ("h2", "h3"):
            block["style"] = b.kind
        elif b.kind == "quote":
            block["style"] = "blockquote"
        elif b.kind in ("bullet", "number"):
            block["listItem"] = b.kind
            block["level"] = 1
        out.append(block)
    return out


def flat_body(a: Article) -> str:
    return " ".join(prose.body_paragraphs(a.blocks))


# ---- dates as the templates show them ------------------------------------------------------
def _aware(value: datetime | date) -> datetime:
    """The publication time of a page that has one (only legacy journal articles have a bare date)."""
    if not isinstance(value, datetime):
        raise TypeError(f"expected a publication time, got the date {value}")
    return value


def _ref(span: tuple[str, str | None]) -> int:
    """The article index a promo or related-content span carries where a link would be."""
    if span[1] is None:
        raise ValueError(f"span {span[0]!r} carries no article index")
    return int(span[1])


def jsonld_date(site: Site, a: Article | int, dt: datetime, which: str) -> str:
    r = h64(site.seed, a if isinstance(a, int) else a.index, which, "fmt") % 4
    if r == 0:
        return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if r == 1:
        return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return dt.isoformat()


def updated_line(dt: datetime) -> str:
    """'Updated June 3, 2025 2:15 PM EDT'"""
    dt = dt.astimezone(ET)
    hour = dt.hour % 12 or 12
    return f"Updated {long_date(dt.date())} {hour}:{dt.minute:02d} {'AM' if dt.hour < 12 else 'PM'} {dt.tzname()}"


# ---- article templates ---------------------------------------------------------------------
def _head_common(links: Links, a: Article, canonical: str, *, og_type: str = "article", amp: bool = True) -> str:
    img = f"{links.base}/static/img/{a.slug[-6:]}.jpg"
    h = (f'<title>{e(a.headline)} | CancerNetwork</title>'
         f'<meta name="description" content="{e(a.description)}">'
         f'<link rel="canonical" href="{canonical}">')
    if amp:
        h += f'<link rel="amphtml" href="{links.view(a.index, "amp")}">'
    h += (f'<meta property="og:site_name" content="CancerNetwork">'
          f'<meta property="og:type" content="{og_type}"><meta property="og:title" content="{e(a.headline)}">'
          f'<meta property="og:description" content="{e(a.description)}"><meta property="og:url" content="{canonical}">'
          f'<meta property="og:image" content="{img}"><meta name="twitter:card" content="summary_large_image">')
    return h


def cms_doc(links: Links, a: Article, *, body: Sequence[Block] | None, slug: bool = True) -> dict:
    """The Sanity document of a page as the Next.js data carries it (``body``: its blocks, as
    Portable Text; None leaves the body out, as a teaser document)."""
    site = links.site
    p = a.published
    doc: dict = {"_id": f"article-{site.code(a.index)}", "_type": "article", "title": a.headline}
    if slug:
        doc["slug"] = {"current": a.slug}
    doc["summary"] = a.description
    doc["publishedAt"] = (p.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z") if isinstance(p, datetime)
                          else p.isoformat())
    doc["authors"] = [{"_type": "author", "name": n} for n in a.authors]
    doc["section"] = {"title": a.section, "slug": a.topic}
    if a.modified is not None:
        doc["_updatedAt"] = a.modified.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if body is not None:
        doc["body"] = portable_text(links, a, body)
    return doc


def render_nextjs(links: Links, a: Article) -> str:
    site = links.site
    canonical = links.view(a.index)
    blocks = with_boilerplate(site, a)
    r = h64(site.seed, a.index, "ldshape")
    pub = jsonld_date(site, a, _aware(a.published), "pub")
    people = [{"@type": "Person", "name": n} for n in a.authors]
    author_ld: object = people[0] if len(a.authors) == 1 and r % 2 else people
    img = f"{links.base}/static/img/{a.slug[-6:]}.jpg"
    news: dict = {"@type": "NewsArticle", "headline": a.headline, "description": a.description,
                  "datePublished": pub, "articleSection": a.section, "keywords": ", ".join(a.keywords[:-1]),
                  "image": {"@type": "ImageObject", "url": img} if r % 3 else [img],
                  "mainEntityOfPage": canonical, "inLanguage": "en-US",
                  "publisher": {"@type": "Organization", "name": "CancerNetwork",
                                "logo": {"@type": "ImageObject", "url": f"{links.base}/static/logo.svg"}}}
    if a.authors:
        news["author"] = author_ld
    if a.modified is not None:
        news["dateModified"] = jsonld_date(site, a, a.modified, "mod")
    if r % 5 == 0:
        news["articleBody"] = flat_body(a)
    crumbs = [("Home", f"{links.base}/"), ("Clinical", f"{links.base}/clinical/{a.topic}"), (a.section, f"{links.base}/clinical/{a.topic}")]
    if r % 4 < 2:
        ld: dict = {"@context": "https://schema.org", "@graph": [
            {"@type": "WebPage", "@id": canonical, "url": canonical, "name": a.headline},
            {"@type": "BreadcrumbList", "itemListElement": [
                {"@type": "ListItem", "position": n + 1, "name": nm, "item": u} for n, (nm, u) in enumerate(crumbs)]},
            {"@type": "Organization", "name": "CancerNetwork", "url": f"{links.base}/"},
            {**news, "@id": f"{canonical}#article"}]}
    else:
        ld = {"@context": "https://schema.org", **news}
    # other articles in the page's data (see docs/replica.md, "Other articles on a page")
    q = h64(site.seed, a.index, "rails")
    latest, related = others(site, a.index, 4), site.related(a.index)
    extra_ld: list[dict] = []
    if q % 4 in (2, 3) and related:
        extra_ld.append(related_ld(links, related[0], body=q % 8 == 2))
    head = _head_common(links, a, canonical) + f'<meta name="keywords" content="{e(", ".join(a.keywords[:-1]))}">'
    head += "".join(f'<script type="application/ld+json">{jsonscript(b)}</script>' for b in [*extra_ld, ld])
    if q % 4 in (1, 3):
        head += f'<script type="application/ld+json">{jsonscript(rail_ld(links, "Latest News", latest))}</script>'
    doc = cms_doc(links, a, body=None, slug=q % 3 != 1)
    pt = portable_text(links, a, blocks)
    props: dict[str, object] = {"latestNews": rail_docs(links, latest)} if q % 2 == 0 else {}
    if r % 7 < 4:
        doc["body"] = pt
        props["article"] = doc
    else:
        doc["content"] = pt
        props["data"] = {"post": doc}
        props["preview"] = False
    if q % 2:
        props["latestNews"] = rail_docs(links, latest)
    props["relatedContent"] = rail_docs(links, related, bodies=False)
    nd = {"props": {"pageProps": props, "__N_SSP": True}, "page": "/view/[slug]", "query": {"slug": a.slug},
          "buildId": f"b{site.seed}x7Q2", "isFallback": False, "gssp": True, "scriptLoader": []}

    def c(name: str) -> str:
        return cls(site, "nextjs", name)

    d = _aware(a.published).date()
    byline = ""
    if a.authors:
        byline = f'<div class="{c("Byline")}">' + ", ".join(f'<a href="{links.base}/authors/{n.lower().replace(" ", "-")}">{e(n)}</a>' for n in a.authors) + "</div>"
    before = rail(links, "Trending", latest[:3], "nextjs", heading="h1" if q % 6 == 0 else "h2") if q % 3 == 0 else ""
    after = rail(links, "More News", latest, "nextjs") if q % 2 else ""
    main = (f'{before}<article class="{c("ArticleLayout")}"><nav class="{c("Breadcrumbs")}"><a href="{links.base}/">Home</a> / '
            f'<a href="{links.base}/clinical/{a.topic}">{e(a.section)}</a></nav>'
            f'<h1 class="{c("Title")}">{e(a.headline)}</h1><p class="{c("Subtitle")}">{e(a.description)}</p>'
            f'{byline}<div class="{c("Meta")}"><span>{ordinal_date(d)}</span></div>'
            f'{share_bar(links, canonical, "nextjs")}<a href="{links.view(a.index, "print")}" rel="nofollow">Print</a>'
            f'<figure><img src="{links.base}/static/img/{a.slug[-6:]}.jpg" alt="{e(a.headline)}"></figure>'
            f'<div class="{c("ArticleBody")}">{html_blocks(links, blocks, "nextjs")}</div>'
            f'<div class="{c("Tags")}">' + "".join(f'<a href="{links.base}/search?q={e(k)}">{e(k)}</a>' for k in a.keywords[:-1]) + f'</div></article>{after}')
    tail = f'<script id="__NEXT_DATA__" type="application/json">{next_data(nd)}</script>'
    return page(links, "nextjs", head, main, tail=tail, sidebar_times=q % 5 < 2)


def render_meta(links: Links, a: Article) -> str:
    site = links.site
    canonical = links.view(a.index)
    blocks = with_boilerplate(site, a)
    r = h64(site.seed, a.index, "metashape")
    head = _head_common(links, a, canonical)
    pub = _aware(a.published)
    head += f'<meta property="article:published_time" content="{jsonld_date(site, a, pub, "pub")}">'
    if a.modified is not None:
        head += f'<meta property="article:modified_time" content="{jsonld_date(site, a, a.modified, "mod")}">'
    head += f'<meta property="article:section" content="{e(a.section)}">'
    head += "".join(f'<meta property="article:tag" content="{e(k)}">' for k in a.keywords[:-1])
    head += "".join(f'<meta name="author" content="{e(n)}">' for n in a.authors)
    # other articles on the page (see docs/replica.md, "Other articles on a page")
    q = h64(site.seed, a.index, "rails")
    latest, related = others(site, a.index, 4), site.related(a.index)
    if q % 3 == 0:
        org = {"@context": "https://schema.org", "@type": "Organization", "name": "CancerNetwork", "url": f"{links.base}/"}
        head += "".join(f'<script type="application/ld+json">{jsonscript(b)}</script>'
                        for b in (org, rail_ld(links, "More News", latest)))
    elif q % 3 == 1 and related:
        head += f'<script type="application/ld+json">{jsonscript(related_ld(links, related[0], body=q % 4 == 1))}</script>'

    def c(name: str) -> str:
        return cls(site, "meta", name)

    byline = ""
    if a.authors:
        names = [f'<a href="{links.base}/authors/{n.lower().replace(" ", "-")}">{e(n)}</a>' for n in a.authors]
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        byline = f'<p class="{c("Byline")}">By {joined}</p>'
    dates = f'<time datetime="{pub.isoformat()}">{long_date(pub.date())}</time>'
    if a.modified is not None and a.modified != pub and r % 3:
        dates += f' <span class="{c("Updated")}">{updated_line(a.modified)}</span>'
    tricky = r % 6 == 0
    before = rail(links, "Trending", latest[:3], "meta", heading="h1" if q % 6 == 0 else "h2") if q % 3 == 0 else ""
    after = rail(links, "More News", latest, "meta") if q % 2 else ""
    main = (f'{before}<div class="{c("Page")}"><div class="{c("Column")}"><div class="{c("Crumbs")}"><a href="{links.base}/clinical/{a.topic}">{e(a.section)}</a></div>'
            f'<h1 class="{c("Heading")}">{e(a.headline)}</h1>{byline}<div class="{c("Dates")}">{dates}</div>'
            f'{share_bar(links, canonical, "meta")}<a href="{links.view(a.index, "print")}" rel="nofollow">Print</a>'
            f'<div class="{c("Content")}"><div class="{c("Inner")}">{html_blocks(links, blocks, "meta", tricky=tricky)}</div>'
            f'<div class="{c("Promo")}"><p>Listen to this article</p></div></div></div></div>{after}')
    tail = ""
    if r % 2:
        props: dict[str, object] = {"id": site.code(a.index), "title": a.headline, "section": a.section,
                                    "moreNews": rail_docs(links, latest, bodies=q % 2 == 0)}
        nd = {"props": {"pageProps": props}, "page": "/view/[slug]", "query": {"slug": a.slug}, "buildId": f"b{site.seed}x7Q2"}
        tail = f'<script id="__NEXT_DATA__" type="application/json">{next_data(nd)}</script>'
    return page(links, "meta", head, main, tail=tail, sidebar_times=q % 5 < 2)


def render_legacy(links: Links, a: Article) -> str:
    site = links.site
    canonical = links.view(a.index)
    r = h64(site.seed, a.index, "legshape")
    head = (f'<title>{e(a.headline)} | CancerNetwork</title><meta name="description" content="{e(a.description)}">'
            f'<link rel="canonical" href="{canonical}"><link rel="amphtml" href="{links.view(a.index, "amp")}">'
            f'<meta property="og:title" content="{e(a.headline)}"><meta property="og:type" content="website">')
    d = a.published
    shown = ordinal_date(d) if r % 2 else long_date(d)
    creds = ("MD", "MD, PhD", "MD, FACS", "PhD", "MD, MPH")
    authors = ", ".join(f'<span class="author">{e(n)}, {creds[(h64(site.seed, a.index, n) % len(creds))]}</span>'
                        for n in a.authors)
    issue = f"ONCOLOGY Vol. 21 No. {d.month + 1}"
    blocks = list(a.blocks)
    rel = site.related(a.index, 2)
    if rel and len(blocks) > 2:
        blocks.insert(2, Block("promo", [("READ MORE: ", None), (site.card(rel[0])[0], str(rel[0]))]))
    if len(blocks) > 4:
        blocks.insert(4, Block("ad"))
    tricky = r % 3 == 0
    # other articles on the page (see docs/replica.md, "Other articles on a page")
    q = h64(site.seed, a.index, "rails")
    latest = others(site, a.index, 3)
    if q % 2 == 0 and rel:
        head += f'<script type="application/ld+json">{jsonscript(rail_ld(links, "Related Content", rel))}</script>'
    tail = ""
    if q % 3 == 0:
        nd = {"props": {"pageProps": {"latestNews": rail_docs(links, latest)}}, "page": "/view/[slug]",
              "query": {"slug": a.slug}, "buildId": f"b{site.seed}x7Q2"}
        tail = f'<script id="__NEXT_DATA__" type="application/json">{next_data(nd)}</script>'
    after = rail(links, "More News", latest, "legacy") if q % 2 else ""
    logo = f'<img src="{links.base}/static/logo.svg" alt="Site Logo">' if a.index < 2 or r % 4 == 0 else ""
    # the section, as a Drupal site shows it: a breadcrumb trail (Drupal 7 or 8 markup)
    trail = [("Home", f"{links.base}/"), ("ONCOLOGY", f"{links.base}/journals/oncology"),
             (a.section, f"{links.base}/clinical/{a.topic}")]
    if q % 2:
        crumbs = ('<h2 class="element-invisible">You are here</h2><div class="breadcrumb">'
                  + " » ".join(f'<a href="{u}">{e(n)}</a>' for n, u in trail) + "</div>")
    else:
        crumbs = ('<nav class="breadcrumb" role="navigation" aria-labelledby="system-breadcrumb">'
                  '<h2 id="system-breadcrumb" class="visually-hidden">Breadcrumb</h2><ol>'
                  + "".join(f'<li><a href="{u}">{e(n)}</a></li>' for n, u in trail) + "</ol></nav>")
    main = (f'{crumbs}<div id="content" class="column"><div class="node node-journal-article">{logo}'
            f'<div class="field-issue"><a href="{links.base}/journals/oncology/vol-21-no-{d.month + 1}">{issue}</a></div>'
            f'<h1 class="title">{e(a.headline)}</h1><div class="submitted">{shown}</div>'
            f'<div class="field-authors">{authors}</div><a href="{links.view(a.index, "print")}" rel="nofollow">Print</a>'
            f'<div class="field field-name-body"><div class="field-items"><div class="field-item even">'
            f'{html_blocks(links, blocks, "legacy", tricky=tricky)}</div></div></div></div>{after}</div>')
    return page(links, "legacy", head, main, tail=tail, sidebar_times=q % 5 < 2)


def render_media(links: Links, a: Article) -> str:
    site = links.site
    canonical = links.view(a.index)
    kind = a.role
    img = f"{links.base}/static/img/{a.slug[-6:]}.jpg"
    pub = a.published.isoformat()
    ld: dict[str, object]
    if kind == "video":
        ld = {"@context": "https://schema.org", "@type": "VideoObject", "name": a.headline, "description": a.description,
              "uploadDate": pub, "thumbnailUrl": img, "contentUrl": f"{links.base}/static/video/{a.slug[-6:]}.mp4",
              "duration": "PT6M12S"}
        og = "video.other"
        embed = f'<div class="player"><video src="{links.base}/static/video/{a.slug[-6:]}.mp4" controls></video></div>'
    elif kind == "podcast":
        ld = {"@context": "https://schema.org", "@type": "PodcastEpisode", "name": a.headline, "description": a.description,
              "datePublished": pub, "associatedMedia": {"@type": "MediaObject", "contentUrl": f"{links.base}/static/audio/{a.slug[-6:]}.mp3"},
              "partOfSeries": {"@type": "PodcastSeries", "name": "Oncology Peer Review On-The-Go"}}
        og = "website"
        embed = f'<audio src="{links.base}/static/audio/{a.slug[-6:]}.mp3" controls></audio>'
    else:
        ld = {"@context": "https://schema.org", "@type": "ImageGallery", "name": a.headline, "description": a.description,
              "datePublished": pub, "image": [img]}
        og = "website"
        embed = "".join(f'<figure><img src="{img}?s={n}" alt="Slide {n + 1}"><figcaption>{e(t)}</figcaption></figure>'
                        for n, t in enumerate(a.media_lines))
    head = _head_common(links, a, canonical, og_type=og, amp=False)
    head += f'<script type="application/ld+json">{jsonscript(ld)}</script>'
    lines = "" if kind == "slideshow" else "".join(f"<p>{e(t)}</p>" for t in a.media_lines)
    main = (f'<div class="{cls(site, "media", "Media")}"><h1>{e(a.headline)}</h1><span>{ordinal_date(_aware(a.published).date())}</span>'
            f'{embed}<p>{e(a.description)}</p>{lines}{share_bar(links, canonical, "media")}</div>')
    return page(links, "media", head, main)


def render_redesign(links: Links, a: Article) -> str:
    """An article page after a site redesign (``template_change``): the same article in markup
    the crawler was not written for. No Next.js data and no body in structured data (the body is
    only in the HTML), the authors only as visible text, a ``<title>`` that names the section
    instead of the headline; the dates stay in JSON-LD."""
    site = links.site
    canonical = links.view(a.index)
    blocks = with_boilerplate(site, a)
    pub = (jsonld_date(site, a, _aware(a.published), "pub") if isinstance(a.published, datetime)
           else a.published.isoformat())  # a legacy article's date has no time
    news: dict = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.headline,
                  "datePublished": pub, "mainEntityOfPage": canonical}
    if a.modified is not None:
        news["dateModified"] = jsonld_date(site, a, a.modified, "mod")
    head = (f'<title>{e(a.section)} News | CancerNetwork</title><meta name="description" content="{e(a.description)}">'
            f'<link rel="canonical" href="{canonical}">'
            f'<script type="application/ld+json">{jsonscript(news)}</script>')

    def c(name: str) -> str:
        return cls(site, "redesign", name)

    writers = f'<div class="{c("Contributors")}">{" · ".join(e(n) for n in a.authors)}</div>' if a.authors else ""
    main = (f'<section class="{c("Story")}"><h1 class="{c("Headline")}">{e(a.headline)}</h1>'
            f'<p class="{c("Dek")}">{e(a.description)}</p>{writers}'
            f'<div class="{c("Text")}">{html_blocks(links, blocks, "meta")}</div></section>')
    return page(links, "redesign", head, main)


def render_article(links: Links, a: Article) -> str:
    if links.site.redesigned and a.template != "media":
        return render_redesign(links, a)
    return {"nextjs": render_nextjs, "meta": render_meta, "legacy": render_legacy,
            "media": render_media}[a.template](links, a)


def render_amp(links: Links, a: Article) -> str:
    site = links.site
    canonical = links.view(a.index)
    blocks = with_boilerplate(site, a)
    d = a.published if not isinstance(a.published, datetime) else a.published.date()
    ld = ""
    if a.template == "nextjs":
        news = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.headline,
                "datePublished": a.published.isoformat(), "author": [{"@type": "Person", "name": n} for n in a.authors]}
        if a.modified is not None:
            news["dateModified"] = a.modified.isoformat()
        ld = f'<script type="application/ld+json">{jsonscript(news)}</script>'
    by = f'<p class="byline">By {e(", ".join(a.authors))}</p>' if a.authors else ""
    return (f'<!doctype html><html amp lang="en"><head><meta charset="utf-8"><title>{e(a.headline)} | CancerNetwork</title>'
            f'<link rel="canonical" href="{canonical}"><meta name="viewport" content="width=device-width">{ld}'
            f'<script async src="https://cdn.ampproject.org/v0.js"></script></head><body>'
            f'<header><amp-img src="{links.base}/static/logo.svg" alt="Site Logo" width="180" height="40"></amp-img></header>'
            f'<article><h1>{e(a.headline)}</h1>{by}<p class="date">{ordinal_date(d)}</p>'
            f'{html_blocks(links, blocks, "amp")}</article>'
            f'<amp-ad width="300" height="250" type="doubleclick"><span>Advertisement</span></amp-ad>'
            f'<footer><p>&copy; 2025 MJH Life Sciences&reg; and CancerNetwork. All rights reserved.</p></footer></body></html>')


def render_print(links: Links, a: Article) -> str:
    canonical = links.view(a.index)
    d = a.published if not isinstance(a.published, datetime) else a.published.date()
    by = f'<p>By {e(", ".join(a.authors))}</p>' if a.authors else ""
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{e(a.headline)} | CancerNetwork</title>'
            f'<link rel="canonical" href="{canonical}"><meta name="robots" content="noindex"></head><body class="print">'
            f'<img src="{links.base}/static/logo.svg" alt="Site Logo"><h1>{e(a.headline)}</h1>{by}<p>{long_date(d)}</p>'
            f'<div class="print-body">{html_blocks(links, a.blocks, "print")}</div>'
            f'<p class="print-footer">Printed from CancerNetwork: {canonical}</p></body></html>')


# ---- listings and surfaces -----------------------------------------------------------------
def pagination(base_path: str, page_no: int, last: int) -> str:
    parts = ['<nav aria-label="Pagination" class="pager">']
    if page_no > 1:
        parts.append(f'<a href="{base_path}?page=1">First</a> <a rel="prev" href="{base_path}?page={page_no - 1}">Previous</a>')
    for p in range(max(1, page_no - 2), min(last, page_no + 2) + 1):
        parts.append(f'<span class="current">{p}</span>' if p == page_no else f' <a href="{base_path}?page={p}">{p}</a>')
    if page_no < last:
        parts.append(f' <a rel="next" href="{base_path}?page={page_no + 1}">Next</a> <a href="{base_path}?page={last}">Last</a>')
    parts.append("</nav>")
    return "".join(parts)


def render_listing(links: Links, title: str, path: str, items: list[int], page_no: int, last: int) -> str:
    site = links.site
    cards = "".join(teaser(links, i, desc=True, template="nextjs") for i in items)
    head = (f'<title>{e(title)} | CancerNetwork</title><link rel="canonical" href="{links.base}{path}'
            f'{"" if page_no == 1 else f"?page={page_no}"}"><meta property="og:type" content="website">')
    main = (f'<section class="{cls(site, "nextjs", "Listing")}"><h1>{e(title)}</h1><div class="grid">{cards}</div>'
            f'{pagination(links.base + path, page_no, last)}</section>')
    return page(links, "nextjs", head, main)


def render_home(links: Links) -> str:
    site = links.site
    cards = "".join(teaser(links, i, desc=True) for i in site.newest(12))
    topics = "".join(f'<li><a href="{links.base}/clinical/{k}">{e(n)}</a></li>' for k, n, *_ in prose.TOPICS)
    main = (f'<section><h1>CancerNetwork</h1><div class="grid">{cards}</div><a href="{links.base}/news">More News</a>'
            f'<h2>Clinical Quick Links</h2><ul>{topics}</ul><p><a href="{links.base}/rss">RSS</a></p></section>')
    return page(links, "nextjs", f'<title>CancerNetwork | Oncology News</title><link rel="canonical" href="{links.base}/">', main)


def render_not_found(links: Links) -> str:
    return page(links, "nextjs", "<title>Page Not Found | CancerNetwork</title>",
                "<section><h1>404</h1><p>Sorry, the page you are looking for could not be found.</p></section>")


def render_search(links: Links, q: str) -> str:
    site = links.site
    items = site.newest(10)
    cards = "".join(teaser(links, i) for i in items)
    return page(links, "nextjs", "<title>Search | CancerNetwork</title><meta name=\"robots\" content=\"noindex\">",
                f"<section><h1>Search results for {e(q)}</h1>{cards}</section>")


def robots(links: Links) -> str:
    return ("User-agent: *\nDisallow: /search\nDisallow: /api/\nDisallow: /preview/\n\n"
            f"Sitemap: {links.base}/sitemap.xml\nSitemap: {links.base}/sitemap-news.xml\n")


def w3c(dt: datetime) -> str:
    return dt.astimezone(ET).isoformat()


def sitemap_index(links: Links, months: list[tuple[str, int, int, datetime]]) -> str:
    rows = "".join(f"<sitemap><loc>{links.base}/sitemaps/articles-{m}.xml</loc><lastmod>{w3c(lm)}</lastmod></sitemap>"
                   for m, _a, _b, lm in months)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</sitemapindex>\n')


def sitemap_month(links: Links, start: int, stop: int) -> str:
    site = links.site
    rows = "".join(f"<url><loc>{links.view(i)}</loc><lastmod>{w3c(site.lastmod(i))}</lastmod></url>\n"
                   for i in range(start, stop))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</urlset>\n')


def sitemap_news(links: Links, items: list[int]) -> str:
    site = links.site
    rows = []
    for i in items:
        headline = site.card(i)[0]
        rows.append(f"<url><loc>{links.view(i)}</loc><news:news><news:publication><news:name>CancerNetwork</news:name>"
                    f"<news:language>en</news:language></news:publication>"
                    f"<news:publication_date>{jsonld_date(site, i, _aware(site.published(i)), 'news')}</news:publication_date>"
                    f"<news:title>{e(headline)}</news:title></news:news></url>\n")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + "".join(rows) + "</urlset>\n")


def rss(links: Links, items: list[int]) -> str:
    site = links.site
    rows = []
    for i in items:
        a = site.article(i)
        link = links.view(i, "tracking" if site.linkform(i) == "tracking" else "plain")
        pub = _aware(a.published)
        pd = format_datetime(pub.astimezone(UTC), usegmt=True) if h64(site.seed, i, "rssfmt") % 2 else format_datetime(pub)
        creator = f"<dc:creator>{e(', '.join(a.authors))}</dc:creator>" if a.authors else ""
        rows.append(f"<item><title>{e(a.headline)}</title><link>{e(link)}</link><description>{e(a.description)}</description>"
                    f"<pubDate>{pd}</pubDate><guid isPermaLink=\"false\">{site.code(i)}</guid>{creator}"
                    f"<category>{e(a.section)}</category></item>\n")
    now = format_datetime(site.now)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
            f'<title>CancerNetwork</title><link>{links.base}/</link><description>Oncology news from CancerNetwork</description>'
            f'<language>en-us</language><lastBuildDate>{now}</lastBuildDate>'
            f'<atom:link href="{links.base}/rss" rel="self" type="application/rss+xml"/>\n' + "".join(rows) + "</channel></rss>\n")
