"""Next.js ``__NEXT_DATA__``: the page's own CMS document (its metadata and its Sanity
Portable Text body), found by shape, not by key names.

The data often holds other full documents too ("Latest News", "More News", related content,
with titles, slugs, dates and bodies): every titled object with a date or a body is a
candidate, and :func:`.own.choose_own` picks the page's own (by slug/URL/id, then by title).
A body inside another document is never taken."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lxml.etree import XPath
from lxml.html import HtmlElement

from newscrawl.extract.parsing import as_tree, parse_json_lenient
from newscrawl.extract.structured.jsonld import author_names
from newscrawl.extract.structured.own import Candidate, Found, PageEvidence, Relation, choose_own
from newscrawl.extract.text import clean_text

_NEXT_DATA_X = XPath('//script[@id="__NEXT_DATA__"]')


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
    own: Found = "absent"  # how the page's own document was found (see .own.choose_own)


def next_data_json(doc: HtmlElement | str) -> Any:
    """The parsed ``<script id="__NEXT_DATA__">`` JSON, or None."""
    tree = as_tree(doc)
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
            spans = block["children"]
            text = clean_text("".join(
                span["text"] for span in spans if isinstance(span, dict) and isinstance(span.get("text"), str)
            ))
            if text:
                paras.append(text)
        elif isinstance(block, dict):
            paras.extend(_table_rows(block))
    return "\n\n".join(paras)


def _table_rows(obj: dict[str, Any]) -> list[str]:
    """Rows of a plain-text table object (any key holding ``[{"cells": [str, ...]}, ...]``)."""
    for value in obj.values():
        if (isinstance(value, list) and value
                and all(isinstance(r, dict) and isinstance(r.get("cells"), list) for r in value)):
            rows = (clean_text(" ".join(c for c in r["cells"] if isinstance(c, str))) for r in value)
            return [r for r in rows if r]
    return []


@dataclass
class _Doc:
    """A titled object of the data: a CMS document when it has a date or owns a body."""

    obj: dict[str, Any]
    order: int
    prominent: bool  # not inside a list of several items
    owns_body: bool = False


def _scan(data: Any) -> tuple[list[_Doc], list[tuple[int, list[Any], _Doc | None]]]:
    """Titled objects in document order, and every Portable Text array with its text length and
    the nearest titled object above it (the document it belongs to).

    Hot on big Next.js pages (hundreds of KB of JSON), hence exact ``type()`` checks: JSON
    decoding only ever produces plain dicts and lists.
    """
    docs: list[_Doc] = []
    bodies: list[tuple[int, list[Any], _Doc | None]] = []
    stack: list[tuple[Any, _Doc | None, bool]] = [(data, None, True)]
    pop, push = stack.pop, stack.append
    while stack:
        cur, doc, prominent = pop()
        if type(cur) is dict:
            title = cur.get("title")
            if type(title) is not str:
                title = cur.get("headline")
            if type(title) is str and title.strip():
                doc = _Doc(cur, len(docs), prominent)
                docs.append(doc)
            for v in reversed(cur.values()):
                tv = type(v)
                if tv is dict or tv is list:
                    push((v, doc, prominent))
            continue
        n_blocks = size = 0
        inner = prominent and len(cur) < 2
        for item in reversed(cur):
            ti = type(item)
            if ti is dict:
                kind = item.get("_type")
                if kind == "block" and type(item.get("children")) is list:
                    n_blocks += 1
                    for span in item["children"]:
                        if type(span) is dict and type(span.get("text")) is str:
                            size += len(span["text"])
                elif kind != "span":
                    push((item, doc, inner))
            elif ti is list:
                push((item, doc, inner))
        if n_blocks:
            bodies.append((size, cur, doc))
            if doc is not None:
                doc.owns_body = True
    return docs, bodies


_DOC_TITLE_KEYS = ("title", "headline")
_NEXT_TITLE_KEYS = ("title", "headline", "name")
_NEXT_DESC_KEYS = ("description", "summary", "excerpt", "subtitle", "dek", "teaser")
_NEXT_PUB_KEYS = ("publishedAt", "datePublished", "publishDate", "published", "publishedDate", "date", "_createdAt")
_NEXT_MOD_KEYS = ("_updatedAt", "updatedAt", "dateModified", "modifiedAt", "modified", "lastModified")
_NEXT_AUTHOR_KEYS = ("authors", "author", "byline")
#: Keys under which a CMS document gives its own slug, path or URL (a Sanity slug is {"current": ...}).
_NEXT_URL_KEYS = ("slug", "url", "path", "href", "permalink", "canonical", "canonicalUrl", "uri", "pathname",
                  "urlPath", "fullPath", "fullUrl", "link")
_NEXT_ID_KEYS = ("_id", "id", "uuid")


def extract_nextjs(doc: HtmlElement | str, evidence: PageEvidence | None = None) -> NextData:
    """The page's own document in ``__NEXT_DATA__``: body (from Portable Text) and metadata;
    ``evidence`` (the page's URLs and shown titles) tells it from other documents."""
    return nextjs_from_json(next_data_json(doc), evidence)


def nextjs_from_json(data: Any, evidence: PageEvidence | None = None) -> NextData:
    """:func:`extract_nextjs` over already parsed ``__NEXT_DATA__``."""
    out = NextData(found=data is not None)
    if data is None:
        return out
    evidence = evidence or PageEvidence()
    docs, bodies = _scan(data)
    candidates = []
    for d in docs:
        dated = any(isinstance(d.obj.get(k), str) and d.obj[k].strip() for k in _NEXT_PUB_KEYS)
        if not (dated or d.owns_body):
            continue
        candidates.append(Candidate(
            d.obj, d.order, d.prominent, url=_url_relation(d.obj, evidence),
            title=evidence.title_relation(_first_key(d.obj, _DOC_TITLE_KEYS)),
            richness=dated + d.owns_body + any(k in d.obj for k in _NEXT_AUTHOR_KEYS), extra={"doc": d},
        ))
    chosen, out.own = choose_own(candidates)
    own_doc = chosen.extra["doc"] if chosen is not None else None
    # the largest body of the own document, or one outside every document; never another's
    allowed = [(size, blocks) for size, blocks, owner in bodies if owner is own_doc or owner is None]
    if allowed:
        out.body = portable_text_to_text(max(allowed, key=lambda b: b[0])[1]) or None
    if chosen is None:
        return out
    owner = chosen.obj
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


def _url_relation(obj: dict[str, Any], evidence: PageEvidence) -> Relation:
    """Whether a document's slug, path, URL or id names the page (see PageEvidence)."""
    values: list[Any] = []
    for key in _NEXT_URL_KEYS:
        value = obj.get(key)
        if isinstance(value, dict):
            value = value.get("current") or value.get("url") or value.get("href")
        values.append(value)
    relation = evidence.url_relation(values)
    if relation != "match" and evidence.id_matches(obj.get(k) for k in _NEXT_ID_KEYS):
        return "match"
    return relation


def _first_key(obj: dict[str, Any], keys: Iterable[str]) -> str | None:
    for key in keys:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return clean_text(value)
    return None
