"""Structured data of a page: JSON-LD, Next.js ``__NEXT_DATA__`` (Sanity Portable Text),
OpenGraph / article / Dublin Core / citation meta, and a few generic visible-page signals.

Pure functions over an lxml HTML tree (or an HTML string, parsed on the way in); no Scrapy, no
I/O. Nothing here knows the target site's CSS classes: it reads machine-readable data and
generic HTML semantics (``<h1>``, ``rel=author``, ``itemprop``, ``aria-label``), so it keeps
working when the markup changes. Every function tolerates malformed input and returns empty
values instead of raising.

Author names: trailing academic/professional degrees ("MD", "PhD", "MPH", ...) are stripped,
so "Jane Doe, MD, PhD" becomes "Jane Doe" whatever source it came from.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any
from urllib.parse import urljoin

import lxml.html
from lxml.etree import ParserError, XPath

from newscrawl.extract.text import clean_text, html_fragment_to_paragraphs, strip_control_chars, strip_tags
from newscrawl.extract.urls import registrable_domain, same_site  # noqa: F401 (re-exported)

logger = logging.getLogger(__name__)

HtmlElement = lxml.html.HtmlElement

# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------

_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def parse_html(html: str) -> HtmlElement:
    """Parse HTML text into an lxml tree; never raises (an empty document on hopeless input)."""
    text = html or ""
    if text.lstrip().startswith("<?xml"):
        text = _XML_DECL_RE.sub("", text, count=1)
    if not text.strip():
        return _empty_tree()
    try:
        return lxml.html.document_fromstring(text)
    except (ParserError, ValueError):
        pass
    try:  # control characters are the usual reason lxml refuses a string
        return lxml.html.document_fromstring(strip_control_chars(text))
    except (ParserError, ValueError):
        logger.debug("unparseable HTML, using an empty document", exc_info=True)
        return _empty_tree()


def _empty_tree() -> HtmlElement:
    return lxml.html.document_fromstring("<html><head></head><body></body></html>")


def _as_tree(doc: HtmlElement | str) -> HtmlElement:
    return doc if isinstance(doc, HtmlElement) else parse_html(doc)


# XPath expressions are compiled once: compiling costs more than evaluating on a typical page.
_TEXT_X = XPath(".//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]")
_LDJSON_X = XPath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]')
_NEXT_DATA_X = XPath('//script[@id="__NEXT_DATA__"]')
_IMG_X = XPath(".//img")
_IN_CONTENT_X = XPath("ancestor::article or ancestor::main")
_IN_CHROME_X = XPath("ancestor::nav or ancestor::footer or ancestor::aside")
_ITEMPROP_NAME_X = XPath(".//*[@itemprop='name']")


def element_text(el: HtmlElement) -> str:
    """Visible text of an element, whitespace collapsed (script/style content excluded)."""
    return clean_text(" ".join(_TEXT_X(el)))


# --------------------------------------------------------------------------------------------
# Tolerant JSON
# --------------------------------------------------------------------------------------------

_COMMENT_RE = re.compile(r"<!--|-->|^\s*//\s*<!\[CDATA\[|//\s*\]\]>\s*$|<!\[CDATA\[|\]\]>", re.M)
_TRAILING_COMMA_RE = re.compile(r",(\s*[}\]])")
_DECODER = json.JSONDecoder(strict=False)
#: Restarts allowed on unparseable text: each costs a scan, and a truncated blob never parses.
_MAX_JSON_RETRIES = 4


def parse_json_lenient(text: str) -> list[Any]:
    """Parse every JSON value in ``text``, tolerating common breakage; returns a (maybe empty) list.

    Handles HTML comment / CDATA wrappers, raw control characters inside strings, trailing
    commas, several concatenated values (``{...}{...}`` or ``{...};``) and junk after the data.
    """
    if not text or not text.strip():
        return []
    text = text.strip()
    try:
        return [_DECODER.decode(text)]
    except ValueError:
        pass
    text = strip_control_chars(_COMMENT_RE.sub("", text)).strip()
    fixed = _TRAILING_COMMA_RE.sub(r"\1", text)
    # Whole values first (so a broken outer object is repaired, not skipped for an inner one);
    # only then skip junk and take whatever complete values can be found.
    return _raw_decode_all(text, 1) or _raw_decode_all(fixed, 1) or _raw_decode_all(fixed, _MAX_JSON_RETRIES)


def _raw_decode_all(text: str, max_failures: int) -> list[Any]:
    values: list[Any] = []
    pos, end, failures = 0, len(text), 0
    while pos < end:
        start = min((i for i in (text.find("{", pos), text.find("[", pos)) if i >= 0), default=-1)
        if start < 0:
            break
        try:
            value, pos = _DECODER.raw_decode(text, start)
        except ValueError:
            failures += 1
            if values or failures >= max_failures:
                break
            pos = start + 1
            continue
        values.append(value)
    return values


# --------------------------------------------------------------------------------------------
# JSON-LD
# --------------------------------------------------------------------------------------------

ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "reportagenews", "analysisnewsarticle", "backgroundnewsarticle",
        "opinionnewsarticle", "reviewnewsarticle", "askpublicnewsarticle", "satiricalarticle",
        "blogposting", "liveblogposting", "socialmediaposting", "scholarlyarticle",
        "medicalscholarlyarticle", "techarticle", "apireference", "report", "advertisercontentarticle",
    }
)
VIDEO_TYPES = frozenset({"videoobject", "videogallery", "clip", "movie", "broadcastevent"})
PODCAST_TYPES = frozenset({"podcastepisode", "podcastseries", "podcastseason", "audioobject", "radioepisode", "audiobook"})
GALLERY_TYPES = frozenset({"imagegallery", "mediagallery"})


def _types(obj: dict[str, Any]) -> set[str]:
    """Lower-cased local names of an object's ``@type`` (string or list, schema.org IRIs ok)."""
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {v.rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() for v in values if isinstance(v, str)}


def _iter_dicts(value: Any) -> Iterator[dict[str, Any]]:
    """Every dict nested in ``value``, in document (pre-)order."""
    stack: list[Any] = [value]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            yield cur
            stack.extend(v for v in reversed(list(cur.values())) if isinstance(v, (dict, list)))
        elif isinstance(cur, list):
            stack.extend(v for v in reversed(cur) if isinstance(v, (dict, list)))


@dataclass
class JsonLd:
    """What the JSON-LD of a page says; raw strings, cleaned of entities and extra whitespace."""

    types: list[str] = field(default_factory=list)  # content types of top-level/graph/mainEntity nodes
    main_type: str | None = None  # the type of the main article object, if any
    main_entity_types: set[str] = field(default_factory=set)  # types WebPage.mainEntity points at
    headline: str | None = None
    description: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    keywords: list[str] = field(default_factory=list)
    in_language: str | None = None
    image: str | None = None
    article_body: str | None = None
    breadcrumbs: list[dict[str, str | None]] = field(default_factory=list)
    media: JsonLd | None = None  # the main video/podcast/gallery object's fields, if any

    @property
    def has_article(self) -> bool:
        return self.main_type is not None


def jsonld_blocks(doc: HtmlElement | str) -> list[Any]:
    """Parsed values of all ``<script type="application/ld+json">`` blocks (broken ones skipped)."""
    tree = _as_tree(doc)
    values: list[Any] = []
    for script in _LDJSON_X(tree):
        values.extend(parse_json_lenient(script.text or ""))
    return values


def _top_nodes(blocks: list[Any]) -> list[dict[str, Any]]:
    """Top-level nodes: each block's objects, lists flattened, ``@graph`` members spliced in."""
    nodes: list[dict[str, Any]] = []
    stack = list(reversed(blocks))
    while stack:
        cur = stack.pop()
        if isinstance(cur, list):
            stack.extend(reversed(cur))
        elif isinstance(cur, dict):
            graph = cur.get("@graph")
            if "@type" in cur or not isinstance(graph, list):
                nodes.append(cur)
            if isinstance(graph, (list, dict)):
                stack.extend(reversed(graph) if isinstance(graph, list) else [graph])
    return nodes


_PAGE_TYPES = frozenset({"webpage", "itempage", "collectionpage", "medicalwebpage", "profilepage", "aboutpage"})
_CONTENT_SKIP = frozenset(
    {"website", "organization", "newsmediaorganization", "corporation", "person", "breadcrumblist",
     "searchaction", "imageobject", "listitem", "sitenavigationelement", "wpheader", "wpfooter",
     "wpsidebar", "entrypoint", "postaladdress", "contactpoint", "readaction"}
)


def extract_jsonld(doc: HtmlElement | str) -> JsonLd:
    """Find the main article object (and breadcrumbs, page types) in the page's JSON-LD."""
    return jsonld_from_blocks(jsonld_blocks(doc))


def jsonld_from_blocks(blocks: list[Any]) -> JsonLd:
    """:func:`extract_jsonld` over already parsed JSON-LD values."""
    out = JsonLd()
    top = _top_nodes(blocks)
    if not top:
        return out
    index: dict[str, dict[str, Any]] = {}
    all_dicts: list[dict[str, Any]] = []  # every object, in page order
    for node in top:
        for obj in _iter_dicts(node):
            all_dicts.append(obj)
            ident = obj.get("@id")
            if isinstance(ident, str) and len(obj) > 1 and ident not in index:
                index[ident] = obj

    main_entity_ids: set[int] = set()
    for node in top:
        for key in ("mainEntity", "mainEntityOfPage"):
            ent = _resolve(node.get(key), index)
            if isinstance(ent, dict) and _types(ent):
                main_entity_ids.add(id(ent))
                if _types(node) & _PAGE_TYPES:
                    out.main_entity_types |= _types(ent)

    seen_types: list[str] = []
    for node in top + [obj for obj in all_dicts if id(obj) in main_entity_ids]:
        for t in sorted(_types(node)):
            if t not in _CONTENT_SKIP and t not in seen_types:
                seen_types.append(t)
    out.types = seen_types

    article = _pick_article(all_dicts, main_entity_ids, {id(n) for n in top})
    if article is not None:
        out.main_type = sorted(_types(article) & ARTICLE_TYPES)[0]
        _fill_from_object(out, article, index)
    media_types = VIDEO_TYPES | PODCAST_TYPES | GALLERY_TYPES
    media = next((obj for obj in all_dicts if id(obj) in main_entity_ids and _types(obj) & media_types), None)
    media = media or next((n for n in top if _types(n) & media_types), None)
    if media is not None:
        out.media = JsonLd()
        _fill_from_object(out.media, media, index)
    if article is None:
        # No article object: the page node describes the page. A media object stands in only
        # when it is the page's main entity or there is no page node: an article page with an
        # embedded video must not take the video's title and date.
        page = next((n for n in top if _types(n) & _PAGE_TYPES), None)
        if media is not None and (out.main_entity_types & media_types or page is None):
            _fill_from_object(out, media, index)
        elif page is not None:
            _fill_from_object(out, page, index)
    out.breadcrumbs = _breadcrumbs(all_dicts, index)
    return out


def _pick_article(all_dicts: list[dict[str, Any]], main_ids: set[int], top_ids: set[int]) -> dict[str, Any] | None:
    """The most plausible main article: a main entity or top-level node beats one nested in a
    list of related items; then one with a headline and the longest body; then page order."""
    best, best_key = None, None
    for order, obj in enumerate(all_dicts):
        if not _types(obj) & ARTICLE_TYPES:
            continue
        body = obj.get("articleBody")
        key = (
            id(obj) in main_ids or id(obj) in top_ids,
            bool(obj.get("headline") or obj.get("name")),
            len(body) if isinstance(body, str) else 0,
            -order,
        )
        if best_key is None or key > best_key:
            best, best_key = obj, key
    return best


def _resolve(value: Any, index: dict[str, dict[str, Any]]) -> Any:
    """Follow a bare ``{"@id": ...}`` reference into the graph index."""
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and isinstance(value.get("@id"), str):
        return index.get(value["@id"], value)
    if isinstance(value, str) and value in index:
        return index[value]
    return value


def _walk(value: Any, index: dict[str, dict[str, Any]] | None = None,
          keys: tuple[str, ...] | None = None) -> Iterator[Any]:
    """The values held in ``value``, depth-first and in order: lists are opened, ``@id``
    references followed into ``index``, and each dict replaced by the values of its ``keys``
    (with ``keys`` None, dicts are yielded as they are). Each dict is opened once: an ``@id``
    that leads back to its own object ends there instead of looping."""
    stack = [value]
    opened: set[int] = set()
    while stack:
        cur = stack.pop(0)
        if index:
            cur = _resolve(cur, index)
        if isinstance(cur, list):
            stack[:0] = cur
        elif keys is not None and isinstance(cur, dict):
            if id(cur) not in opened:
                opened.add(id(cur))
                stack[:0] = [cur.get(k) for k in keys]
        else:
            yield cur


def _first_str(value: Any) -> str | None:
    """First non-empty string in a string / list / ``{"@value"|"name": ...}`` value."""
    for cur in _walk(value, keys=("@value", "name", "headline")):
        if isinstance(cur, str):
            text = clean_text(cur)
            if text:
                return text
        elif isinstance(cur, (int, float)) and not isinstance(cur, bool):
            return str(cur)
    return None


def _fill_from_object(out: JsonLd, obj: dict[str, Any], index: dict[str, dict[str, Any]]) -> None:
    out.headline = strip_tags(
        _first_str(obj.get("headline")) or _first_str(obj.get("name")) or _first_str(obj.get("alternativeHeadline"))
    )
    out.description = strip_tags(_first_str(obj.get("description")) or _first_str(obj.get("abstract")))
    out.date_published = (
        _first_str(obj.get("datePublished")) or _first_str(obj.get("uploadDate")) or _first_str(obj.get("dateCreated"))
    )
    out.date_modified = _first_str(obj.get("dateModified"))
    out.authors = author_names(obj.get("author"), index) or author_names(obj.get("creator"), index)
    out.section = _first_str(obj.get("articleSection"))
    out.keywords = split_keywords(obj.get("keywords"))
    lang = _resolve(obj.get("inLanguage"), index)
    out.in_language = _first_str(lang.get("alternateName") or lang.get("name")) if isinstance(lang, dict) else _first_str(lang)
    out.image = image_url(obj.get("image"), index) or image_url(obj.get("thumbnailUrl"), index)
    body = obj.get("articleBody") or obj.get("text")
    if isinstance(body, str) and body.strip():
        out.article_body = html_fragment_to_paragraphs(body) or None


def author_names(value: Any, index: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Author names from JSON-LD ``author``: Person/Organization objects, ``@id`` references,
    strings (split like a byline), or lists of any of those. De-duplicated, order kept."""
    names: list[str] = []
    for cur in _walk(value, index):
        if isinstance(cur, str):
            names.extend(split_byline(cur))
        elif isinstance(cur, dict):
            name = cur.get("name")
            if isinstance(name, list):
                name = next((n for n in name if isinstance(n, str)), None)
            if not isinstance(name, str) or not name.strip():
                given, family = cur.get("givenName"), cur.get("familyName")
                name = " ".join(p for p in (given, family) if isinstance(p, str))
            name = clean_name(name) if isinstance(name, str) else ""
            if name:
                names.append(name)
    return dedupe(names)


def split_keywords(value: Any) -> list[str]:
    """Keywords from a list and/or comma-separated strings; de-duplicated, order kept."""
    out: list[str] = []
    for cur in _walk(value, keys=("name",)):
        if isinstance(cur, str):
            out.extend(k for k in (clean_text(p) for p in cur.split(",")) if k)
    return dedupe(out)


def image_url(value: Any, index: dict[str, dict[str, Any]] | None = None) -> str | None:
    """First image URL from a string, an ImageObject (``url``/``contentUrl``) or a list."""
    for cur in _walk(value, index, keys=("url", "contentUrl", "@id")):
        if isinstance(cur, str):
            text = cur.strip()
            if text and not text.startswith("data:"):
                return text
    return None


def _breadcrumbs(all_dicts: list[dict[str, Any]], index: dict[str, dict[str, Any]]) -> list[dict[str, str | None]]:
    """The longest BreadcrumbList on the page, ordered by ``position``."""
    best: list[dict[str, str | None]] = []
    for obj in all_dicts:
        if "breadcrumblist" not in _types(obj):
            continue
        items = obj.get("itemListElement")
        items = items if isinstance(items, list) else [items]
        crumbs: list[tuple[float, int, dict[str, str | None]]] = []
        for order, item in enumerate(items):
            item = _resolve(item, index)
            if not isinstance(item, dict):
                continue
            target = _resolve(item.get("item"), index)
            name = _first_str(item.get("name"))
            url: str | None = None
            if isinstance(target, dict):
                name = name or _first_str(target.get("name"))
                url = _first_str(target.get("@id")) or _first_str(target.get("url"))
            elif isinstance(target, str):
                url = target.strip() or None
            if not name:
                continue
            try:
                pos = float(item.get("position"))
            except (TypeError, ValueError):
                pos = float(order)
            crumbs.append((pos, order, {"name": name, "url": url}))
        crumbs.sort(key=lambda c: (c[0], c[1]))
        if len(crumbs) > len(best):
            best = [c[2] for c in crumbs]
    return best


# --------------------------------------------------------------------------------------------
# Next.js __NEXT_DATA__ and Sanity Portable Text
# --------------------------------------------------------------------------------------------

@dataclass
class NextData:
    """What the Next.js page data says about the article (fallback fields, raw strings)."""

    found: bool = False
    body: str | None = None  # Portable Text rendered to paragraphs
    headline: str | None = None
    description: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    authors: list[str] = field(default_factory=list)


def next_data_json(doc: HtmlElement | str) -> Any:
    """The parsed ``<script id="__NEXT_DATA__">`` JSON, or None."""
    tree = _as_tree(doc)
    for script in _NEXT_DATA_X(tree):
        values = parse_json_lenient(script.text or "")
        if values:
            return values[0]
    return None


def _is_block(obj: Any) -> bool:
    return isinstance(obj, dict) and obj.get("_type") == "block" and isinstance(obj.get("children"), list)


def portable_text_to_text(blocks: list[Any]) -> str:
    """Render a Portable Text array: one paragraph per block (headings, quotes and list items
    included, marks ignored, no bullets added); plain-text tables one row per paragraph; other
    custom objects (embeds, related content, ad slots) skipped."""
    paras: list[str] = []
    for block in blocks:
        if _is_block(block):
            text = clean_text("".join(
                span["text"] for span in block["children"] if isinstance(span, dict) and isinstance(span.get("text"), str)
            ))
            if text:
                paras.append(text)
        elif isinstance(block, dict):
            paras.extend(_table_rows(block))
    return "\n\n".join(paras)


def _table_rows(obj: dict[str, Any]) -> list[str]:
    """Rows of a plain-text table object (any key holding ``[{"cells": [str, ...]}, ...]``)."""
    for value in obj.values():
        if isinstance(value, list) and value and all(isinstance(r, dict) and isinstance(r.get("cells"), list) for r in value):
            rows = (clean_text(" ".join(c for c in r["cells"] if isinstance(c, str))) for r in value)
            return [r for r in rows if r]
    return []


def find_portable_text(data: Any) -> tuple[list[Any], dict[str, Any] | None] | None:
    """The largest Portable Text array (by text length) anywhere in ``data``, with the dict that
    holds it (usually the article document). Key names are not relied upon.

    Hot on big Next.js pages (hundreds of KB of JSON), hence exact ``type()`` checks: JSON
    decoding only ever produces plain dicts and lists.
    """
    best: tuple[int, list[Any], dict[str, Any] | None] | None = None
    stack: list[tuple[Any, dict[str, Any] | None]] = [(data, None)]
    pop, push = stack.pop, stack.append
    while stack:
        cur, parent = pop()
        if type(cur) is dict:
            for v in cur.values():
                tv = type(v)
                if tv is dict or tv is list:
                    push((v, cur))
            continue
        n_blocks = size = 0
        for item in cur:
            ti = type(item)
            if ti is dict:
                kind = item.get("_type")
                if kind == "block" and type(item.get("children")) is list:
                    n_blocks += 1
                    for span in item["children"]:
                        if type(span) is dict and type(span.get("text")) is str:
                            size += len(span["text"])
                elif kind != "span":
                    push((item, parent))
            elif ti is list:
                push((item, parent))
        if n_blocks and (best is None or size > best[0]):
            best = (size, cur, parent)
    return (best[1], best[2]) if best else None


_NEXT_TITLE_KEYS = ("title", "headline", "name")
_NEXT_DESC_KEYS = ("description", "summary", "excerpt", "subtitle", "dek", "teaser")
_NEXT_PUB_KEYS = ("publishedAt", "datePublished", "publishDate", "published", "publishedDate", "date", "_createdAt")
_NEXT_MOD_KEYS = ("_updatedAt", "updatedAt", "dateModified", "modifiedAt", "modified", "lastModified")
_NEXT_AUTHOR_KEYS = ("authors", "author", "byline")


def extract_nextjs(doc: HtmlElement | str) -> NextData:
    """Body (from Portable Text) and fallback metadata from ``__NEXT_DATA__``."""
    return nextjs_from_json(next_data_json(doc))


def nextjs_from_json(data: Any) -> NextData:
    """:func:`extract_nextjs` over already parsed ``__NEXT_DATA__``."""
    out = NextData(found=data is not None)
    if data is None:
        return out
    found = find_portable_text(data)
    owner: dict[str, Any] | None = None
    if found is not None:
        blocks, owner = found
        out.body = portable_text_to_text(blocks) or None
    if owner is None or not any(isinstance(owner.get(k), str) for k in _NEXT_TITLE_KEYS):
        owner = _find_document(data) or owner
    if owner is None:
        return out
    out.headline = _first_key(owner, _NEXT_TITLE_KEYS)
    out.description = _first_key(owner, _NEXT_DESC_KEYS)
    out.date_published = _first_key(owner, _NEXT_PUB_KEYS)
    out.date_modified = _first_key(owner, _NEXT_MOD_KEYS)
    for key in _NEXT_AUTHOR_KEYS:
        if key in owner:
            out.authors = author_names(owner[key])
            if out.authors:
                break
    return out


def _first_key(obj: dict[str, Any], keys: Iterable[str]) -> str | None:
    for key in keys:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return clean_text(value)
    return None


def _find_document(data: Any) -> dict[str, Any] | None:
    """First dict that looks like a CMS document: a title and a publication-date key."""
    for obj in _iter_dicts(data):
        if _first_key(obj, ("title", "headline")) and _first_key(obj, _NEXT_PUB_KEYS):
            return obj
    return None


# --------------------------------------------------------------------------------------------
# Meta tags, <title>, canonical
# --------------------------------------------------------------------------------------------


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
    tree = _as_tree(doc)
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
        if "canonical" in rel and link.get("href", "").strip():
            meta.canonical = link.get("href").strip()
            break
    return meta


_TITLE_SEPARATORS = (" | ", " - ", " — ", " – ", " :: ", " · ", " • ")
_ALNUM_RE = re.compile(r"[^0-9a-z]+")


def _squash(text: str) -> str:
    return _ALNUM_RE.sub("", text.lower())


def strip_title_suffix(
    title: str | None, *, site_names: Iterable[str | None] = (), references: Iterable[str | None] = (), host: str | None = None
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


# --------------------------------------------------------------------------------------------
# Visible-page fallbacks: <h1>, bylines, <time>, breadcrumbs
# --------------------------------------------------------------------------------------------


def _is_logo(el: HtmlElement, text: str) -> bool:
    marks = " ".join(filter(None, [el.get("class"), el.get("id")])).lower()
    return "logo" in marks or "brand" in marks or (not text and bool(_IMG_X(el)))


def find_h1(tree: HtmlElement, hints: Iterable[str | None] = ()) -> HtmlElement | None:
    """The main ``<h1>``: the one closest to the hints (og:title, <title>), else the first one
    inside ``<article>``/``<main>``, else the first non-logo one."""
    h1s = [(h, t) for h in tree.iter("h1") for t in [element_text(h)] if t and not _is_logo(h, t)]
    if not h1s:
        return None
    hints = [clean_text(h).lower() for h in hints if h]
    if hints:
        best, best_score = None, 0.0
        for h, text in h1s:
            low = text.lower()
            for hint in hints:
                if low == hint or (len(low) >= 10 and low in hint):
                    return h
                matcher = SequenceMatcher(None, low, hint, autojunk=False)
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


_BYLINE_PREFIX_RE = re.compile(r"^\s*(?:[^\W\d_]+\s+){0,2}?by\b[:\s]*", re.I)
_MONTH_OR_DAY = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?"
)
_BYLINE_CUT_RE = re.compile(
    r"\s(?:\||•|·|—|–)\s|\n|\s+(?:on|updated|published|posted)\b"
    rf"|,?\s+(?={_MONTH_OR_DAY},?\s+\d)|,?\s+(?=\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}})|,?\s+(?=\d{{1,2}}\s+{_MONTH_OR_DAY}\s+\d{{4}})",
    re.I,
)
_SPLIT_RE = re.compile(r"\s*(?:,|;|&|\band\b|\bwith\b)\s*", re.I)
#: Degree/credential tokens, compared case-sensitively with dots removed ("Ph.D." -> "PhD"), so a
#: surname such as "Do" or "Ma" is not mistaken for "DO" or "MA".
DEGREES = frozenset(
    s
    for s in (
        "MD", "PhD", "MPH", "RN", "PharmD", "DO", "MS", "MSc", "FACP", "BSN", "MBA", "MA", "BS", "BA", "DNP", "NP",
        "APRN", "PA", "PA-C", "OCN", "AOCN", "AOCNP", "AOCNS", "FASCO", "FRCPC", "FRCP", "MBBS", "MBChB", "DrPH", "JD",
        "CRNP", "BCOP", "BCPS", "RPh", "MHS", "MSN", "ANP", "ANP-BC", "FNP", "FNP-BC", "FAAN", "MSCR", "MMSc", "DSc",
        "ScD", "MSCI", "MSPH", "MHA", "MPA", "LCSW", "CNS", "FACS", "FACR", "FASTRO", "FAAP", "FACC", "FCCP", "FRCS",
        "FRCSC", "DMD", "DDS", "PsyD", "EdD", "MEd", "MSW", "CCRP", "CGC", "MD-PhD", "MScPH", "CNP", "ACNP", "PMP",
        "RD", "RDN", "LD", "LDN", "CDE", "CDCES", "CSSD", "CSO", "MPAS", "PA-C", "DPhil", "BCh", "BM", "MRCP", "FRACP",
        "CPA", "CFA", "Esq",
    )
)
_SUFFIXES = frozenset({"Jr", "Sr", "II", "III", "IV"})
_HONORIFICS = frozenset({"Dr", "Prof", "Professor", "Mr", "Mrs", "Ms", "Mx"})
_NAME_OK_RE = re.compile(r"^[^\W\d_][\w'’.\- ]*$", re.U)


def _norm_token(token: str) -> str:
    return token.replace(".", "").strip()


def is_degree(token: str) -> bool:
    """True for a credential token such as "MD", "Ph.D." or "FACP" (case-sensitive)."""
    return _norm_token(token) in DEGREES


def clean_name(name: str) -> str:
    """A person's name without "By", honorifics ("Dr.") or trailing degrees ("MD, PhD")."""
    name = _BYLINE_PREFIX_RE.sub("", clean_text(name))
    parts = [p.strip() for p in name.split(",")]
    kept = [parts[0]] + [p for p in parts[1:] if p and not all(_norm_token(t) in DEGREES for t in p.split())]
    name = ", ".join(p for p in kept if p)
    words = name.split()
    while len(words) > 1 and _norm_token(words[-1]) in DEGREES:
        words.pop()
    while len(words) > 1 and _norm_token(words[0]) in _HONORIFICS:
        words.pop(0)
    return " ".join(words).strip(" ,;")


def split_byline(text: str) -> list[str]:
    """Names in a byline: "By Jane Doe, MD, and John Smith, PhD, MPH" -> ["Jane Doe", "John Smith"].

    Drops a leading "By", cuts trailing dates/separators ("| June 2nd 2025"), splits on commas,
    "and", "&", ";", drops degree tokens and keeps "Jr."-style suffixes with their name. Pieces
    that do not look like names (URLs, digits, very long text) are dropped.
    """
    if not text:
        return []
    text = _BYLINE_PREFIX_RE.sub("", text.strip())
    text = _BYLINE_CUT_RE.split(text, maxsplit=1)[0]
    text = _BYLINE_PREFIX_RE.sub("", clean_text(text))
    names: list[str] = []
    for piece in _SPLIT_RE.split(text):
        piece = piece.strip(" :")
        tokens = piece.split()
        if not tokens:
            continue
        if piece.endswith(".") and len(tokens[-1]) > 2 and _norm_token(tokens[-1]) not in _SUFFIXES:
            piece = piece[:-1]
        if all(_norm_token(t) in DEGREES for t in tokens):
            continue
        if len(tokens) == 1 and _norm_token(tokens[0]) in _SUFFIXES and names:
            names[-1] = f"{names[-1]} {piece}"
            continue
        name = clean_name(piece)
        if _looks_like_name(name):
            names.append(name)
    return dedupe(names)


def _looks_like_name(name: str) -> bool:
    if not name or len(name) > 60 or "://" in name or "@" in name or "www." in name.lower():
        return False
    words = name.split()
    return 1 <= len(words) <= 6 and bool(_NAME_OK_RE.match(name)) and not any(ch.isdigit() for ch in name)


# Searching the attribute axis (``//@class[...]``) and taking the owners is several times faster
# in libxml2 than testing a predicate on every element (``//*[contains(@class, ...)]``).
_MARKED_AUTHOR_X = XPath("//@itemprop[. = 'author'] | //@rel[contains(concat(' ', normalize-space(.), ' '), ' author ')]")
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


def _header_scope(h1: HtmlElement) -> list[HtmlElement]:
    """The h1's ancestors up to three levels: where bylines and dates of the article sit."""
    scope: list[HtmlElement] = []
    cur = h1.getparent()
    for _ in range(3):
        if cur is None or cur.tag in ("body", "html"):
            break
        scope.append(cur)
        cur = cur.getparent()
    return scope[-1:] if scope else []


_DATE_PUBLISHED_X = XPath("//@itemprop[. = 'datePublished']")
_TIME_PUBDATE_X = XPath("//time[@pubdate and @datetime]")
_FIRST_ARTICLE_X = XPath("(//article)[1]")


def find_time_published(tree: HtmlElement, h1: HtmlElement | None = None) -> str | None:
    """A publication date from markup: ``itemprop=datePublished``, ``<time pubdate>``, or the first
    ``<time datetime>`` in the headline's surroundings or the first ``<article>``."""
    for el in _owners(_DATE_PUBLISHED_X(tree)):
        value = el.get("content") or el.get("datetime") or element_text(el)
        if value:
            return clean_text(value)
    for el in _TIME_PUBDATE_X(tree):
        return clean_text(el.get("datetime")) or None
    scopes = (_header_scope(h1) if h1 is not None else []) + _FIRST_ARTICLE_X(tree)
    for scope in scopes:
        for el in scope.iter("time"):
            value = clean_text(el.get("datetime") or "")
            if value and not _in_chrome(el):
                return value
    return None


_BREADCRUMB_ROOT_X = XPath(
    "//@itemtype[contains(., 'BreadcrumbList')] | //@aria-label[contains(., 'readcrumb') or contains(., 'READCRUMB')]"
)
_CRUMB_ITEM_X = XPath(".//*[@itemprop='itemListElement']")
_LI_X = XPath(".//li")
_A_X = XPath(".//a")
_A_HREF_X = XPath(".//a[@href]")


def find_html_breadcrumbs(tree: HtmlElement) -> list[dict[str, str | None]]:
    """Breadcrumbs from microdata (``itemtype`` BreadcrumbList) or ``nav[aria-label~=breadcrumb]``."""
    for root in _owners(_BREADCRUMB_ROOT_X(tree)):
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


def dedupe(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for v in values:
        key = v.casefold()
        if v and key not in seen:
            seen.add(key)
            out.append(v)
    return out
