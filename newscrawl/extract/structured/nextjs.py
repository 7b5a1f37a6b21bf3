"""Next.js ``__NEXT_DATA__``: the Sanity Portable Text body and fallback metadata of the
CMS document that holds it (found by shape, not by key names)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lxml.etree import XPath
from lxml.html import HtmlElement

from newscrawl.extract.parsing import as_tree, iter_dicts, parse_json_lenient
from newscrawl.extract.structured.jsonld import author_names
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
    for obj in iter_dicts(data):
        if _first_key(obj, ("title", "headline")) and _first_key(obj, _NEXT_PUB_KEYS):
            return obj
    return None
