"""What the fuzz targets are fed: text with hostile characters, HTML pages built from random
trees, JSON-LD and ``__NEXT_DATA__`` of random shape, mutated real pages, date-like strings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

PAGES = sorted((Path(__file__).parents[1] / "fixtures" / "pages").glob("*/input.html"))

#: characters pages carry that consumers must never see, plus plain ones
HOSTILE_CHARS = "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f\x85\x9b\u200b\u200d\u202e\u2066\u2028\u2029\ufeff\t\n\r"
#: text without digits, "<" or "&": any tag in a body then leaked from markup, any date was invented
WORDS = st.sampled_from(["trial", "patients", "oncology", "the", "survival", "Dr", "Smith", "of", "and",
                         "response", "cancer", "median", "therapy", "phase", "said", "results", "new"])
SAFE_TEXT = st.lists(st.one_of(WORDS, st.text(alphabet=HOSTILE_CHARS + "abcxyz .,;:'\"-", max_size=6)),
                     min_size=1, max_size=30).map(" ".join)
DATE_LIKE = st.sampled_from([
    "2025-06-02", "2025-06-02T14:30:00Z", "2025-06-02T14:30:00-04:00", "June 2, 2025", "02/06/2025",
    "Published: June 2nd 2025 10:00 AM EST", "Updated 2025-06-03 08:00", "Tue, 03 Jun 2025 08:00:00 GMT",
])
TAGS = ["p", "div", "span", "section", "article", "main", "h1", "h2", "li", "blockquote", "a", "em", "strong"]


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda tag, inner: f"<{tag}>{inner}</{tag}>", st.sampled_from(TAGS),
                     st.lists(children, max_size=4).map("".join))


MARKUP = st.recursive(SAFE_TEXT, _element, max_leaves=25)

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10**6) | SAFE_TEXT | st.sampled_from(
        ["NewsArticle", "Article", "VideoObject", "Person", "WebPage", "BreadcrumbList", "block", "span"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["@type", "@graph", "headline", "name", "author", "articleBody", "description",
                         "keywords", "articleSection", "mainEntity", "itemListElement", "image", "url",
                         "_type", "children", "text", "body", "title", "props", "pageProps", "inLanguage"]),
        inner, max_size=6),
    max_leaves=30,
)


def jsonld_object(body: str, headline: str) -> dict[str, Any]:
    return {"@context": "https://schema.org", "@type": "NewsArticle", "headline": headline, "articleBody": body}


@st.composite
def pages(draw: st.DrawFn, *, dates: bool = False) -> tuple[str, list[str]]:
    """An HTML page from random parts; with ``dates``, some date strings too (returned)."""
    parts: list[str] = []
    shown: list[str] = []
    if draw(st.booleans()):
        parts.append(f"<h1>{draw(SAFE_TEXT)}</h1>")
    if draw(st.booleans()):
        ld = draw(JSON_VALUES) if draw(st.booleans()) else jsonld_object(draw(MARKUP), draw(SAFE_TEXT))
        if dates and draw(st.booleans()) and isinstance(ld, dict):
            shown.append(draw(DATE_LIKE))
            ld["datePublished"] = shown[-1]
        parts.append(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    if draw(st.booleans()):
        parts.append(f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(draw(JSON_VALUES))}</script>')
    if dates and draw(st.booleans()):
        shown.append(draw(DATE_LIKE))
        parts.append(f'<time datetime="{shown[-1]}">{draw(SAFE_TEXT)}</time>')
    parts.extend(draw(st.lists(MARKUP, max_size=6)))
    head = f"<title>{draw(SAFE_TEXT)}</title>" if draw(st.booleans()) else ""
    return f"<html><head>{head}</head><body>{''.join(parts)}</body></html>", shown


@st.composite
def mutated_pages(draw: st.DrawFn) -> bytes:
    """A real saved page with a few byte-level mutations: cuts, copies, junk and control bytes."""
    data = bytearray(draw(st.sampled_from(PAGES)).read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["cut", "copy", "junk"]))
        if kind == "cut":
            del data[at:at + draw(st.integers(1, 4000))]
        elif kind == "copy":
            start = draw(st.integers(0, len(data)))
            data[at:at] = data[start:start + draw(st.integers(1, 2000))]
        else:
            junk = HOSTILE_CHARS.encode("utf-8")[:draw(st.integers(0, 30))]
            data[at:at] = draw(st.binary(min_size=1, max_size=16)) + junk
    return bytes(data)
