"""Article-body extraction from HTML (pure: no Scrapy, no I/O).

:func:`extract_body` picks the body of one article page from

* structured candidates handed in by the page object (Sanity Portable Text from
  ``__NEXT_DATA__`` -> ``nextjs-portable-text``, JSON-LD ``articleBody`` -> ``jsonld``), when
  they are trustworthy (see :func:`_trust`), else
* the generic HTML path (:func:`_generic`) on the page tree parsed once:

  1. trafilatura's fast extraction (``html-generic``);
  2. a short result made of short lines is a fragment of the page (a sign-up form, a teaser, a
     caption): trafilatura's full cascade runs once more and wins when it finds clearly more
     text (``html-generic-full``, :func:`_needs_rescue`);
  3. an article cut into same-styled blocks between ads, of which trafilatura kept only the
     first, is merged (``html-generic-merged``, :func:`_continuation_blocks`), but never with
     teaser cards, comments or other posts that share the article's class; a lone top
     container whose headings and list items trafilatura lost is extracted again on its own
     (:func:`_restructured_text`, still ``html-generic``);
  4. steps on the lines that need the page: a leading repeat of the headline, a standfirst
     styled as a dek (:func:`_is_standfirst`: it is the ``description``), runs of teaser lines
     (:func:`_teaser_flags`), and a lede the page prints above the body container put back in
     front (:func:`_missing_lede`).

The text is *not* yet cleaned of generic boilerplate lines: that is
:func:`newscrawl.extract.boilerplate.clean_body`, run once on every body, structured or not,
by the boilerplate pipeline (or :func:`newscrawl.processing.process_page`). :attr:`Body.method`
records which path produced the text, so crawl stats show when a site's markup changed and the
crawl fell back. Why these choices: measured on real pages, see ``docs/extraction.md`` and
``benchmarks/realpages_bench.py``.
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

from newscrawl.extract.boilerplate import split_paragraphs
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
#: A fast result shorter than this (characters) may be a fragment of the page ...
RESCUE_CHARS = 1000
#: ... unless it holds a line this long (a short article is still prose).
RESCUE_PROSE_CHARS = 500
#: The full cascade replaces a fragment only when it finds this many times the text.
RESCUE_GAIN = 1.5
#: Same-styled article blocks are merged when they hold this many times trafilatura's text.
MERGE_RATIO = 1.3
#: A merged block's link text over all its text, at most (teaser lists are mostly links).
MERGE_LINK_DENSITY = 0.3
#: Text of the merged blocks' common region outside them, as a share of their text, at most.
MERGE_REGION_OTHER = 0.25
#: A teaser run is at least this many consecutive teaser lines.
TEASER_RUN = 2
#: The top container is extracted again on its own when the headings and list items missing
#: from trafilatura's text hold at least this share of that text.
LOST_STRUCTURE_SHARE = 0.2

_TRUNCATED_RE = re.compile(r"(?:\.\.\.|…|\[\.\.\.\]|read more\W*)\s*$", re.IGNORECASE)
_DESCRIPTION_XPATH = etree.XPath(
    "//meta[@name='description' or @property='og:description' or @name='twitter:description']/@content")
_HEADLINE_XPATH = etree.XPath(
    "//meta[@property='og:title' or @name='twitter:title']/@content | //h1 | //title")


def _trafilatura(tree: HtmlElement, url: str | None, *, fast: bool = True) -> str:
    # imported on first use: a page whose structured body is self-evident never needs it
    import trafilatura

    try:
        return trafilatura.extract(tree, url=url, fast=fast, include_comments=False,
                                   include_tables=True) or ""
    except Exception:  # one bad page must never crash the crawl
        logger.debug("trafilatura failed on %s", url, exc_info=True)
        return ""


# -- rescue of a fragment ------------------------------------------------------------------------


def _needs_rescue(text: str) -> bool:
    """A fast result that is short and has no line of prose is probably a fragment of the page
    (a sign-up form, a teaser, a caption) rather than a short article."""
    return len(text) < RESCUE_CHARS and all(len(line) < RESCUE_PROSE_CHARS for line in text.split("\n"))


# -- an article cut into blocks -------------------------------------------------------------------


def _same_style_blocks(tree: HtmlElement) -> tuple[list[HtmlElement], int]:
    """The container holding the most paragraph text, with all containers styled like it (same
    tag and class), in document order, and their paragraph text's length."""
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


def _link_density(el: HtmlElement) -> float:
    total = len(el.text_content().strip())
    if not total:
        return 1.0
    return sum(len(a.text_content().strip()) for a in el.iter("a")) / total


def _has_linked_heading(el: HtmlElement) -> bool:
    """Whether ``el`` or one of the three siblings before it holds a heading that links to
    another page: a teaser's or another post's title (a link to a part of this page, ``#...``,
    as a live blog's update headings have, is not)."""
    probe: HtmlElement | None = el
    for _ in range(4):
        if probe is None:
            return False
        for heading in probe.iter("h1", "h2", "h3"):
            parent = heading.getparent()
            links = [*heading.iterfind(".//a[@href]"), *([parent] if parent is not None and parent.tag == "a" else [])]
            if any(not a.get("href", "").startswith("#") for a in links):
                return True
        probe = probe.getprevious()
    return False


def _common_ancestor(els: list[HtmlElement]) -> HtmlElement | None:
    chains = [list(reversed([el, *el.iterancestors()])) for el in els]
    common = None
    for level in zip(*chains, strict=False):
        if any(x is not level[0] for x in level):
            break
        common = level[0]
    return common


def _continuation_blocks(group: list[HtmlElement]) -> list[HtmlElement]:
    """The same-styled blocks (``group``, of :func:`_same_style_blocks`) that continue the main
    one, in document order.

    A block is kept when it is in the same ``<article>`` as the main block (if that is in one),
    shares an ancestor with it within three levels, is not a link list and is not introduced by
    a linked heading; and the kept blocks must be the bulk of the region holding them: an
    article cut by ads, not a page whose teasers, comments or other posts share the article's
    class (merging those made whole pages of other text the body).
    """
    if len(group) < 2:
        return group
    main = max(group, key=lambda el: len(el.text_content()))
    article = next(main.iterancestors("article"), None)
    near = {id(a) for a in list(main.iterancestors())[:3]}
    kept = [main]
    for el in group:
        if el is main:
            continue
        if article is not None and next(el.iterancestors("article"), None) is not article:
            continue
        if near.isdisjoint(id(a) for a in list(el.iterancestors())[:3]):
            continue
        if _link_density(el) > MERGE_LINK_DENSITY or _has_linked_heading(el):
            continue
        kept.append(el)
    if len(kept) < 2:
        return [main]
    region = _common_ancestor(kept)
    kept_chars = sum(len(el.text_content()) for el in kept)
    if region is None or len(region.text_content()) - kept_chars > MERGE_REGION_OTHER * kept_chars:
        return [main]
    kept.sort(key=group.index)  # document order
    return kept


def _wrap(blocks: list[HtmlElement]) -> HtmlElement:
    """A new document whose one ``<article>`` holds copies of the blocks' children."""
    root = lxml.html.Element("html")
    article = etree.SubElement(etree.SubElement(root, "body"), "article")
    for block in blocks:
        for child in block:
            article.append(deepcopy(child))
    return root


def _merged_text(group: list[HtmlElement], own: int, url: str | None, text: str) -> str | None:
    """The article's text from all its continuation blocks (among the same-styled ``group``
    holding ``own`` characters of paragraphs), when trafilatura kept only the first and its
    text came from these blocks; else None."""
    if own <= MERGE_RATIO * len(text):
        return None
    group = _continuation_blocks(group)
    if len(group) < 2:
        return None
    group_key = comparison_key(" ".join(el.text_content() for el in group))
    lines = [comparison_key(line) for line in text.split("\n") if len(line) > 40]
    if not lines or sum(1 for line in lines if line and line in group_key) < 0.6 * len(lines):
        return None
    merged = _trafilatura(_wrap(group), url)
    return merged if len(merged) > len(text) else None


def _restructured_text(group: list[HtmlElement], url: str | None, text: str) -> str | None:
    """The top container extracted on its own, when trafilatura found no container it knows,
    fell back to recovering bare paragraphs and so lost the container's headings and list
    items (a journal article's section headings and references); else None.

    Only when what is missing is a sizeable part of the text: short lists (a row of links, tags)
    go missing on many pages and a second extraction gives the same text there.
    """
    if len(group) != 1:
        return None
    text_key = comparison_key(text)
    items = [comparison_key(el.text_content()) for el in group[0].iter("h2", "h3", "h4", "li")]
    missing = [k for k in items if k and k not in text_key]
    if (len(missing) < 2 or len(missing) < 0.5 * len(items)
            or sum(map(len, missing)) < LOST_STRUCTURE_SHARE * len(text)):
        return None
    alone = _trafilatura(_wrap(group), url)
    return alone if len(alone) > len(text) else None


# -- steps on the lines that need the page ----------------------------------------------------------


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


_DEK_RE = re.compile(r"sub-?title|sub-?head|subline|\bdek\b|deck|standfirst|strap|surtitre|chapo|"
                     r"chapeau|kicker|tagline", re.IGNORECASE)
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_DEK_TAGS = frozenset({"p", "div", "span", "h2", "h3", "h4", "h5", "h6", "section", "strong", "em"})
_TEXT_CONTAINING = etree.XPath("//body//text()[contains(., $needle)]")


def _dek_styled(el: HtmlElement) -> bool:
    """Shown as a dek: a subheading, or an element (or one of its two parents) whose class or id
    names one (subtitle, standfirst, strap, kicker ...)."""
    return any(pr.tag in _HEADINGS or _DEK_RE.search(f"{pr.get('class', '')} {pr.get('id', '')}")
               for pr in [el, *list(el.iterancestors())[:2]])


def _descriptions(tree: HtmlElement) -> list[str]:
    return [" ".join(d.split()) for d in _DESCRIPTION_XPATH(tree)]


def _showing(tree: HtmlElement, text: str) -> list[HtmlElement]:
    """The elements whose whole text is ``text`` (case, punctuation and spacing ignored), found
    from the text nodes holding its first words (one XPath pass, no walk over every element)."""
    key = comparison_key(text)
    longest = 2 * len(text) + 40  # an element with more text than this cannot show just ``text``
    found: dict[int, HtmlElement] = {}
    for node in _TEXT_CONTAINING(tree, needle=text[:30]):
        parent = node.getparent()
        for el in [parent, *list(parent.iterancestors())[:2]]:
            if el.tag not in _DEK_TAGS or id(el) in found:
                continue
            content = el.text_content()
            if len(content) <= longest and comparison_key(content) == key:
                found[id(el)] = el
    return list(found.values())


def _is_standfirst(tree: HtmlElement, paragraph: str, descriptions: list[str]) -> bool:
    """Whether a leading ``paragraph`` is the page's description shown as a standfirst (dek).

    It must equal the meta description, and the page must show it as a dek (a subheading,
    ``<p class="Subtitle">``): that is the ``description`` field, not body text. The same text
    printed as a plain paragraph is the article's lede and stays: many sites reuse their first
    paragraph as the description.
    """
    key = comparison_key(paragraph)
    if not key or not any(abs(len(d) - len(paragraph)) <= 10 and comparison_key(d) == key for d in descriptions):
        return False
    dek = False
    for el in _showing(tree, paragraph):
        if _dek_styled(el):
            dek = True
        elif el.tag == "p":
            return False  # a plain paragraph somewhere: the lede
    return dek


def _missing_lede(tree: HtmlElement, paragraphs: list[str], descriptions: list[str]) -> str | None:
    """The description when the page prints it as the article's lede (a plain ``<p>`` or
    ``<div>``, not dek-styled) and the body lacks it; else None.

    Many sites print the lede in an intro block above the body container, where main-content
    extraction misses it.
    """
    body = None
    for desc in descriptions:
        if len(desc) < 40:
            continue
        if body is None:
            body = " ".join(paragraphs).casefold()
        if desc[:30].casefold() in body:
            return None
        if any(el.tag in ("p", "div") and not _dek_styled(el) for el in _showing(tree, desc)):
            return desc
    return None


_BULLET_RE = re.compile(r"^[-•*·]\s+")
_ELLIPSIS_RE = re.compile(r"(?:\.\.\.|…|\[\s*(?:\.\.\.|…)\s*\])\W{0,2}$")


def _anchor_texts(tree: HtmlElement) -> set[str]:
    """The page's link texts of two words or more, whitespace-folded and case-folded."""
    out = set()
    for a in tree.iter("a"):
        text = " ".join(a.text_content().split())
        if " " in text:
            out.add(text.casefold())
    return out


def _teaser_flags(tree: HtmlElement, paragraphs: list[str]) -> list[bool]:
    """Per paragraph, whether it is a teaser line: the whole text of one link (a teaser's or a
    related article's title), or an excerpt cut with an ellipsis."""
    flags = [len(p) > 40 and bool(_ELLIPSIS_RE.search(p)) for p in paragraphs]
    short = [len(p) <= 200 for p in paragraphs]
    if _longest_run([f or s for f, s in zip(flags, short, strict=True)]) >= TEASER_RUN:
        # (the page's links are read only when a run of teaser lines is possible at all)
        anchors = _anchor_texts(tree)
        for i, p in enumerate(paragraphs):
            if short[i] and _BULLET_RE.sub("", p).casefold() in anchors:
                flags[i] = True
    return flags


def _longest_run(flags: list[bool]) -> int:
    longest = run = 0
    for flag in flags:
        run = run + 1 if flag else 0
        longest = max(longest, run)
    return longest


def _drop_runs(paragraphs: list[str], flags: list[bool]) -> list[str]:
    """``paragraphs`` without the runs of at least ``TEASER_RUN`` consecutive flagged ones: a
    list of teasers. A lone link line ("Get it on Amazon") or a lone quote ending in "..." is
    ordinary text."""
    out: list[str] = []
    i = 0
    while i < len(paragraphs):
        j = i
        while j < len(paragraphs) and flags[j]:
            j += 1
        if j - i >= TEASER_RUN:
            i = j
        elif j > i:
            out.extend(paragraphs[i:j])
            i = j
        else:
            out.append(paragraphs[i])
            i += 1
    return out


def _generic(tree: HtmlElement, url: str | None) -> Body | None:
    """The generic body of a parsed page (before the generic line rules), or None."""
    text = _trafilatura(tree, url)
    method = "html-generic"
    if _needs_rescue(text):
        full = _trafilatura(tree, url, fast=False)
        if len(full) > RESCUE_GAIN * len(text):
            text, method = full, "html-generic-full"
    if method == "html-generic" and text:
        group, own = _same_style_blocks(tree)
        merged = _merged_text(group, own, url, text)
        if merged:
            text, method = merged, "html-generic-merged"
        else:
            text = _restructured_text(group, url, text) or text  # still the generic path
    if not text:
        return None
    paragraphs = [" ".join(line.split()) for line in text.split("\n")]
    paragraphs = [p for p in paragraphs if p and p != url]
    headlines = _headlines(tree)
    while paragraphs and comparison_key(paragraphs[0]) in headlines:
        paragraphs.pop(0)
    descriptions = _descriptions(tree)
    if len(paragraphs) > 1 and _is_standfirst(tree, paragraphs[0], descriptions):
        paragraphs.pop(0)
    paragraphs = _drop_runs(paragraphs, _teaser_flags(tree, paragraphs))
    lede = _missing_lede(tree, paragraphs, descriptions)
    if lede:
        paragraphs.insert(0, lede)
    return Body("\n\n".join(paragraphs), method) if paragraphs else None


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
