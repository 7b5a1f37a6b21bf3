"""Generic article-body extraction from HTML (pure: no Scrapy, no I/O).

:func:`extract_body` picks the body of one article page from

* structured candidates handed in by the page object (Sanity Portable Text from
  ``__NEXT_DATA__`` -> ``nextjs-portable-text``, JSON-LD ``articleBody`` -> ``jsonld``), when
  they are trustworthy (see :func:`_trust`), else
* the generic HTML path: trafilatura's main-content extraction on a tree parsed once
  (``html-generic``), widened to all same-styled sibling containers when the page splits its
  article into several blocks and trafilatura only took the first one (``html-generic-merged``).

The generic text then loses a leading repeat of the headline and goes through the generic line
rules of :func:`newscrawl.extract.boilerplate.clean_body`. :attr:`Body.method` records which
path produced the text, so crawl stats show when a site's markup changed and the crawl fell back.
Why these choices: measured on 123 real news pages, see ``docs/extraction.md`` and
``benchmarks/aeb_bench.py``.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from newscrawl.extract.boilerplate import clean_body, split_paragraphs
from newscrawl.extract.parsing import parse_html_for_trafilatura
from newscrawl.extract.text import comparison_key

logger = logging.getLogger(__name__)

__all__ = ["Body", "extract_body"]


@dataclass(frozen=True)
class Body:
    """An article body: ``text`` has paragraphs separated by a blank line."""

    text: str
    method: str


#: A structured body shorter than this (characters) is a teaser, not an article.
MIN_STRUCTURED_CHARS = 200
#: Portable Text at least this long is taken without comparing it with the generic result.
SELF_EVIDENT_CHARS = 1000
#: A structured body shorter than this share of the generic HTML text is a summary/truncated.
MIN_STRUCTURED_SHARE = 0.6
#: JSON-LD ``articleBody`` is used only when the HTML path yields less than this share of it:
#: on real pages it is often flat (no paragraphs), truncated, or includes captions/promos.
JSONLD_OVER_HTML_SHARE = 0.5
#: Same-styled article blocks are merged when they hold this many times trafilatura's text.
MERGE_RATIO = 1.3

_TRUNCATED_RE = re.compile(r"(?:\.\.\.|…|\[\.\.\.\]|read more\W*)\s*$", re.IGNORECASE)
_DESCRIPTION_XPATH = etree.XPath(
    "//meta[@name='description' or @property='og:description' or @name='twitter:description']/@content")
_HEADLINE_XPATH = etree.XPath(
    "//meta[@property='og:title' or @name='twitter:title']/@content | //h1 | //title")


def _headlines(tree: HtmlElement) -> set[str]:
    keys = set()
    for node in _HEADLINE_XPATH(tree):
        text = node if isinstance(node, str) else node.text_content()
        key = comparison_key(text)
        if key:
            keys.add(key)
            # "<title>Headline | Site</title>": also the part before the site suffix
            for sep in (" | ", " - ", " – ", " — "):
                if sep in text:
                    keys.add(comparison_key(text.rsplit(sep, 1)[0]))
    return keys


def _is_standfirst(tree: HtmlElement, paragraph: str) -> bool:
    """A leading paragraph that is the page's meta description shown as a dek (not a ``<p>``).

    Many sites reuse their first body paragraph as meta description: that one is a ``<p>`` and
    stays. A standfirst is the ``description`` field, not body text.
    """
    key = comparison_key(paragraph)
    if not key or key not in {comparison_key(d) for d in _DESCRIPTION_XPATH(tree)}:
        return False
    return not any(comparison_key(p.text_content()) == key for p in tree.iter("p"))


def _same_style_blocks(tree: HtmlElement) -> tuple[list[HtmlElement], int]:
    """The containers holding the most paragraph text, with all containers styled like it.

    Sites that cut an article into several ``<div class="body">`` blocks (between ads) lose
    all but the first block in trafilatura; this finds the whole set (readability's idea of
    merging siblings, by tag + class).
    """
    score: dict[HtmlElement, int] = defaultdict(int)
    for p in tree.iter("p"):
        parent = p.getparent()
        if parent is not None:
            n = len(p.text_content().strip())
            if n >= 25:
                score[parent] += n
    if not score:
        return [], 0
    best = max(score, key=score.__getitem__)
    cls = best.get("class")
    if not cls:
        return [best], score[best]
    group = [el for el in score if el.tag == best.tag and el.get("class") == cls]
    return group, sum(score[el] for el in group)


def _wrap(blocks: list[HtmlElement]) -> HtmlElement:
    """A new document whose one ``<article>`` holds copies of the blocks' children."""
    root = lxml.html.Element("html")
    article = etree.SubElement(etree.SubElement(root, "body"), "article")
    for block in blocks:
        for child in block:
            article.append(deepcopy(child))
    return root


def _lost_structure(block: HtmlElement, text: str) -> bool:
    """Whether headings or list items of ``block`` are missing from the extracted ``text``."""
    text_key = comparison_key(text)
    items = [comparison_key(el.text_content()) for el in block.iter("h2", "h3", "h4", "li")]
    missing = [k for k in items if k and k not in text_key]
    return len(missing) >= 2 and len(missing) >= 0.5 * len(items)


def _trafilatura(tree: HtmlElement, url: str | None) -> str:
    import trafilatura

    try:
        return trafilatura.extract(tree, url=url, fast=True, include_comments=False,
                                   include_tables=True) or ""
    except Exception:  # one bad page must never crash the crawl
        logger.debug("trafilatura failed on %s", url, exc_info=True)
        return ""


def _generic(tree: HtmlElement, url: str | None) -> Body | None:
    text = _trafilatura(tree, url)
    method = "html-generic"
    group, own = _same_style_blocks(tree)
    if text and len(group) > 1 and own > MERGE_RATIO * len(text):
        # only when trafilatura's text came from these blocks (not, e.g., comments styled alike)
        group_key = comparison_key(" ".join(el.text_content() for el in group))
        lines = [comparison_key(line) for line in text.split("\n") if len(line) > 40]
        if lines and sum(1 for line in lines if line and line in group_key) >= 0.6 * len(lines):
            merged = _trafilatura(_wrap(group), url)
            if len(merged) > len(text):
                text, method = merged, "html-generic-merged"
    elif text and len(group) == 1 and _lost_structure(group[0], text):
        # trafilatura sometimes falls back to bare <p> recovery and drops the container's
        # headings, lists and references: extract the top container on its own
        alone = _trafilatura(_wrap(group), url)
        if len(alone) > len(text):
            text = alone  # still the generic path: same method name
    if not text:
        return None
    paragraphs = [" ".join(line.split()) for line in text.split("\n")]
    paragraphs = [p for p in paragraphs if p and p != url]
    headlines = _headlines(tree)
    while paragraphs and comparison_key(paragraphs[0]) in headlines:
        paragraphs.pop(0)
    if len(paragraphs) > 1 and _is_standfirst(tree, paragraphs[0]):
        paragraphs.pop(0)
    text = clean_body("\n\n".join(paragraphs))
    return Body(text, method) if text else None


def _normalise(candidate: Body) -> Body:
    """A structured candidate with whitespace folded and paragraphs separated by a blank line."""
    text = candidate.text.replace("\r\n", "\n")
    if "\n\n" not in text and "\n" in text:
        text = text.replace("\n", "\n\n")
    return Body("\n\n".join(split_paragraphs(text)), candidate.method)


def _trust(candidate: Body, generic: Body | None) -> bool:
    """Whether a structured body is plausibly the full article (not a teaser or summary)."""
    text = candidate.text
    if len(text) < MIN_STRUCTURED_CHARS or _TRUNCATED_RE.search(text):
        return False
    if generic is None:
        return True
    if candidate.method == "jsonld":
        return len(generic.text) < JSONLD_OVER_HTML_SHARE * len(text)
    return len(text) >= MIN_STRUCTURED_SHARE * len(generic.text)


def extract_body(html: str | bytes | HtmlElement, url: str | None = None, *,
                 structured: Sequence[Body] = ()) -> Body | None:
    """The article body of ``html``: a trusted structured candidate, else the generic extraction.

    ``html`` may also be an ``lxml.html`` tree the caller already parsed (saves a parse; the
    tree is not modified). Never raises on bad HTML; returns None when no body can be found.
    """
    candidates = [_normalise(c) for c in structured if c is not None and c.text and c.text.strip()]
    for candidate in candidates:
        # A long, complete Portable Text body is the CMS's own article: trusted without running
        # the generic extractor, which costs ten times the rest of a page's extraction.
        if (candidate.method == "nextjs-portable-text" and len(candidate.text) >= SELF_EVIDENT_CHARS
                and not _TRUNCATED_RE.search(candidate.text)):
            return candidate
    tree = parse_html_for_trafilatura(html) if isinstance(html, HtmlElement) or html else None
    generic = _generic(tree, url) if tree is not None else None
    trusted = [c for c in candidates if _trust(c, generic)]
    if trusted:
        # Portable Text (paragraph structure) before JSON-LD; then the longest
        trusted.sort(key=lambda c: (c.method == "jsonld", -len(c.text)))
        return trusted[0]
    return generic
