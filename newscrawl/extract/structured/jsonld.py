"""JSON-LD: the page's own article object (or the media object of a video/podcast/gallery
page), page types and breadcrumbs, with ``@graph`` members and ``@id`` references followed.

A page may describe other articles too (related ``NewsArticle`` nodes, an ``ItemList`` of
teasers): which object is the page's own is decided by :func:`.own.choose_own`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.etree import XPath
from lxml.html import HtmlElement

from newscrawl.extract.parsing import as_tree, iter_dicts, parse_json_lenient
from newscrawl.extract.structured.names import clean_name, split_byline
from newscrawl.extract.structured.own import Candidate, Found, PageEvidence, choose_own
from newscrawl.extract.text import clean_text, dedupe, html_fragment_to_paragraphs, strip_tags

_LDJSON_X = XPath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]')

ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "reportagenews", "analysisnewsarticle", "backgroundnewsarticle",
        "opinionnewsarticle", "reviewnewsarticle", "askpublicnewsarticle", "satiricalarticle",
        "blogposting", "liveblogposting", "socialmediaposting", "scholarlyarticle",
        "medicalscholarlyarticle", "techarticle", "apireference", "report", "advertisercontentarticle",
    }
)
VIDEO_TYPES = frozenset({"videoobject", "videogallery", "clip", "movie", "broadcastevent"})
PODCAST_TYPES = frozenset(
    {"podcastepisode", "podcastseries", "podcastseason", "audioobject", "radioepisode", "audiobook"}
)
GALLERY_TYPES = frozenset({"imagegallery", "mediagallery"})


def _types(obj: dict[str, Any]) -> set[str]:
    """Lower-cased local names of an object's ``@type`` (string or list, schema.org IRIs ok)."""
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {v.rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() for v in values if isinstance(v, str)}


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
    own: Found = "absent"  # how the page's own article object was found (see .own.choose_own)
    prominent_articles: int = 0  # article objects at the top level or as a main entity

    @property
    def has_article(self) -> bool:
        """The page is an article by its JSON-LD: it has an article object of its own, or
        several prominent ones none of which could be told to be its own."""
        return self.main_type is not None or self.prominent_articles > 1


def jsonld_blocks(doc: HtmlElement | str) -> list[Any]:
    """Parsed values of all ``<script type="application/ld+json">`` blocks (broken ones skipped)."""
    tree = as_tree(doc)
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


def extract_jsonld(doc: HtmlElement | str, evidence: PageEvidence | None = None) -> JsonLd:
    """Find the page's own article object (and breadcrumbs, page types) in its JSON-LD;
    ``evidence`` (the page's URLs and shown titles) tells the own article from others."""
    return jsonld_from_blocks(jsonld_blocks(doc), evidence)


def jsonld_from_blocks(blocks: list[Any], evidence: PageEvidence | None = None) -> JsonLd:
    """:func:`extract_jsonld` over already parsed JSON-LD values."""
    out = JsonLd()
    top = _top_nodes(blocks)
    if not top:
        return out
    index: dict[str, dict[str, Any]] = {}
    all_dicts: list[dict[str, Any]] = []  # every object, in page order
    for node in top:
        for obj in iter_dicts(node):
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

    article, out.own, out.prominent_articles = _pick_article(
        all_dicts, main_entity_ids, {id(n) for n in top}, evidence or PageEvidence()
    )
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


def _pick_article(
    all_dicts: list[dict[str, Any]], main_ids: set[int], top_ids: set[int], evidence: PageEvidence
) -> tuple[dict[str, Any] | None, Found, int]:
    """The page's own article object, how it was found, and how many article objects are
    prominent (top-level or a main entity; those nested in lists of related items are not)."""
    candidates: list[Candidate] = []
    for order, obj in enumerate(all_dicts):
        if not _types(obj) & ARTICLE_TYPES:
            continue
        title = _first_str(obj.get("headline")) or _first_str(obj.get("name"))
        richness = sum(bool(obj.get(k)) for k in ("datePublished", "articleBody", "author"))
        candidates.append(Candidate(
            obj, order, prominent=id(obj) in main_ids or id(obj) in top_ids,
            url=evidence.url_relation(_own_urls(obj)), title=evidence.title_relation(title), richness=richness,
        ))
    # a main entity outranks other top-level nodes when nothing else tells them apart
    main = [c for c in candidates if id(c.obj) in main_ids]
    if len(main) == 1 and main[0].url != "mismatch" and main[0].title != "disagree":
        for c in candidates:
            c.prominent = c is main[0]
    chosen, found = choose_own(candidates)
    prominent = sum(id(c.obj) in main_ids or id(c.obj) in top_ids for c in candidates)
    return (chosen.obj if chosen else None), found, prominent


def _own_urls(obj: dict[str, Any]) -> list[Any]:
    """The URLs an object gives for itself: ``url``, ``@id`` and ``mainEntityOfPage``."""
    values: list[Any] = [obj.get("url"), obj.get("@id")]
    page = obj.get("mainEntityOfPage")
    if isinstance(page, dict):
        values += [page.get("@id"), page.get("url")]
    else:
        values.append(page)
    return [v.split("#", 1)[0] if isinstance(v, str) else v for v in values]


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
    if isinstance(lang, dict):
        out.in_language = _first_str(lang.get("alternateName") or lang.get("name"))
    else:
        out.in_language = _first_str(lang)
    out.image = image_url(obj.get("image"), index) or image_url(obj.get("thumbnailUrl"), index)
    body = obj.get("articleBody") or obj.get("text")
    if isinstance(body, str) and body.strip():
        out.article_body = html_fragment_to_paragraphs(body) or None


def author_names(value: Any, index: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Author names from JSON-LD ``author`` (or a CMS document's author field): Person/Organization
    objects, ``@id`` references, linked entries with their ``fields``, strings (split like a
    byline), or lists of any of those. De-duplicated, order kept."""
    names: list[str] = []
    for cur in _walk(value, index):
        if isinstance(cur, str):
            names.extend(split_byline(cur))
        elif isinstance(cur, dict):
            fields = cur.get("fields")  # a linked CMS entry (Contentful: {"sys": ..., "fields": {...}})
            name = cur.get("name") or (fields.get("name") if isinstance(fields, dict) else None)
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
                pos = float(item["position"])
            except (KeyError, TypeError, ValueError):
                pos = float(order)
            crumbs.append((pos, order, {"name": name, "url": url}))
        crumbs.sort(key=lambda c: (c[0], c[1]))
        if len(crumbs) > len(best):
            best = [c[2] for c in crumbs]
    return best
