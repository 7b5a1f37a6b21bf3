"""Visible-page fallbacks, read when structured data lacks a field: the main ``<h1>``,
byline authors, a ``<time>`` publication date and HTML breadcrumbs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import Any

from lxml.etree import XPath
from lxml.html import HtmlElement

from newscrawl.extract.parsing import element_text
from newscrawl.extract.structured.names import split_byline
from newscrawl.extract.text import clean_text, dedupe

_IMG_X = XPath(".//img")
_IN_CONTENT_X = XPath("ancestor::article or ancestor::main")
_IN_LINK_X = XPath("boolean(ancestor::a)")
_IN_CHROME_X = XPath("ancestor::nav or ancestor::footer or ancestor::aside")
_ITEMPROP_NAME_X = XPath(".//*[@itemprop='name']")


def _is_logo(el: HtmlElement, text: str) -> bool:
    marks = " ".join(filter(None, [el.get("class"), el.get("id")])).lower()
    return "logo" in marks or "brand" in marks or (not text and bool(_IMG_X(el)))


def find_h1(tree: HtmlElement, hints: Iterable[str | None] = ()) -> HtmlElement | None:
    """The main ``<h1>``: the one closest to the hints (og:title, <title>), else the first one
    inside ``<article>``/``<main>``, else the first non-logo one."""
    h1s = [(h, t) for h in tree.iter("h1") for t in [element_text(h)] if t and not _is_logo(h, t)]
    if not h1s:
        return None
    keys = [clean_text(h).lower() for h in hints if h]
    if keys:
        best, best_score = None, 0.0
        exact = [h for h, text in h1s for key in keys
                 if text.lower() == key or (len(text) >= 10 and text.lower() in key)]
        if exact:  # a teaser card's h1 may repeat the title: it sits inside a link, the headline not
            return next((h for h in exact if not _IN_LINK_X(h)), exact[0])
        for h, text in h1s:
            low = text.lower()
            for key in keys:
                matcher = SequenceMatcher(None, low, key, autojunk=False)
                if matcher.real_quick_ratio() > best_score and matcher.quick_ratio() > best_score:
                    score = matcher.ratio()
                    if score > best_score:
                        best, best_score = h, score
        if best is not None and best_score >= 0.5:
            return best
    for h, _ in h1s:
        if _IN_CONTENT_X(h):
            return h
    return h1s[0][0]


# Searching the attribute axis (``//@class[...]``) and taking the owners is several times faster
# in libxml2 than testing a predicate on every element (``//*[contains(@class, ...)]``).
_MARKED_AUTHOR_X = XPath(
    "//@itemprop[. = 'author'] | //@rel[contains(concat(' ', normalize-space(.), ' '), ' author ')]"
)
_NESTED_AUTHOR_X = XPath("ancestor::*[@itemprop='author' or @rel='author']")
#: Class/id spelled byline or author in the usual casings (``translate()`` on every element is slow).
_BYLINE_CLASS_X = XPath(
    "//@class[contains(., 'yline') or contains(., 'yLine') or contains(., 'YLINE') or contains(., 'uthor')"
    " or contains(., 'UTHOR')] | //@id[contains(., 'yline') or contains(., 'yLine')]"
)
#: A byline line: "By Jane Doe" / "BY JANE DOE" (case-sensitive: "by differences in" is prose).
_BY_TEXT_RE = re.compile(r"^\s*(?:By|BY)\b:?\s+[A-Z]")
_INLINE_TAGS = frozenset({"a", "span", "em", "strong", "b", "i", "u", "small", "cite"})
_BY_NODE_X = XPath(
    ".//text()[not(ancestor::script) and not(ancestor::style)]"
    "[starts-with(normalize-space(.), 'By') or starts-with(normalize-space(.), 'BY')]"
)


def find_byline_authors(tree: HtmlElement, h1: HtmlElement | None = None) -> list[str]:
    """Author names from generic byline markup, first signal that yields names wins:
    every ``itemprop=author`` / ``rel=author`` element; else the first element whose class/id
    says byline/author; else a short "By ..." line near the headline. Site chrome (nav, footer,
    aside) is ignored."""
    names: list[str] = []
    for el in _owners(_MARKED_AUTHOR_X(tree)):
        if _in_chrome(el) or _NESTED_AUTHOR_X(el):
            continue
        name_el = _ITEMPROP_NAME_X(el)
        source = name_el[0] if name_el else el
        names.extend(split_byline(source.get("content") or element_text(source)))
    if names:
        return dedupe(names)
    for el in _owners(_BYLINE_CLASS_X(tree)):
        if el.tag in ("body", "html", "article", "main") or _in_chrome(el):
            continue
        text = element_text(el)
        if text and len(text) <= 200:
            found = split_byline(text)
            if found:
                return found
    for root in _header_scope(h1) if h1 is not None else [tree]:
        for node in _BY_NODE_X(root):
            el = node.getparent()
            if el is None:
                continue
            if node.is_tail:
                el = el.getparent()
            text = element_text(el)
            if len(text) <= 3 and el.getparent() is not None:  # "<span>By</span> <a>Jane</a>"
                el = el.getparent()
                text = element_text(el)
            parent = el.getparent()
            if el.tag in _INLINE_TAGS and parent is not None and not _BY_TEXT_RE.match(element_text(parent)):
                continue  # a link or emphasis inside prose, not a byline of its own
            if len(text) < 120 and _BY_TEXT_RE.match(text) and not _in_chrome(el):
                found = split_byline(text)
                if found:
                    return found
    return []


def _in_chrome(el: HtmlElement) -> bool:
    """Inside site navigation/footer/aside, where "author" links are lists of columnists."""
    return bool(_IN_CHROME_X(el))


def _ancestors(h1: HtmlElement, levels: int = 3) -> list[HtmlElement]:
    """The h1's ancestors, nearest first, up to ``levels`` (never ``body``/``html``)."""
    scope: list[HtmlElement] = []
    cur = h1.getparent()
    for _ in range(levels):
        if cur is None or cur.tag in ("body", "html"):
            break
        scope.append(cur)
        cur = cur.getparent()
    return scope


def _header_scope(h1: HtmlElement) -> list[HtmlElement]:
    """The h1's ancestor three levels up: where bylines and dates of the article sit."""
    return _ancestors(h1)[-1:]


_BREADCRUMB_ROOT_X = XPath(
    "//@itemtype[contains(., 'BreadcrumbList')] | //@aria-label[contains(., 'readcrumb') or contains(., 'READCRUMB')]"
)
#: A breadcrumb trail named by its class or id alone: Drupal's ``div.breadcrumb`` /
#: ``nav.breadcrumb``, WordPress's ``#breadcrumbs``, Bootstrap's ``ol.breadcrumb``.
_BREADCRUMB_CLASS_X = XPath(
    "//@class[contains(concat(' ', normalize-space(.), ' '), ' breadcrumb ')"
    " or contains(concat(' ', normalize-space(.), ' '), ' breadcrumbs ')"
    " or contains(concat(' ', normalize-space(.), ' '), ' Breadcrumb ')"
    " or contains(concat(' ', normalize-space(.), ' '), ' Breadcrumbs ')]"
    " | //@id[. = 'breadcrumb' or . = 'breadcrumbs' or . = 'Breadcrumb' or . = 'Breadcrumbs']"
)
_CRUMB_ITEM_X = XPath(".//*[@itemprop='itemListElement']")
_LI_X = XPath(".//li")
_A_X = XPath(".//a")
_A_HREF_X = XPath(".//a[@href]")


def find_html_breadcrumbs(tree: HtmlElement) -> list[dict[str, str | None]]:
    """Breadcrumbs from microdata (``itemtype`` BreadcrumbList) or ``nav[aria-label~=breadcrumb]``,
    else from an element whose class or id is ``breadcrumb(s)``: its list items, or its links."""
    for root in _owners(_BREADCRUMB_ROOT_X(tree)) + _owners(_BREADCRUMB_CLASS_X(tree)):
        if root.tag in ("body", "html"):
            continue
        crumbs: list[dict[str, str | None]] = []
        items = _CRUMB_ITEM_X(root) or _LI_X(root) or _A_X(root)
        for item in items:
            link = item if item.tag == "a" else next(iter(_A_HREF_X(item)), None)
            name_el = _ITEMPROP_NAME_X(item)
            name = (name_el[0].get("content") or element_text(name_el[0])) if name_el else element_text(item)
            if name:
                crumbs.append({"name": name, "url": link.get("href") if link is not None else None})
        if crumbs:
            return crumbs
    return []


def _owners(attributes: list[Any]) -> list[HtmlElement]:
    """The elements owning attribute values returned by an XPath, in document order, once each."""
    seen: set[int] = set()
    out: list[HtmlElement] = []
    for attr in attributes:
        el = attr.getparent()
        if el is not None and id(el) not in seen:
            seen.add(id(el))
            out.append(el)
    return out
