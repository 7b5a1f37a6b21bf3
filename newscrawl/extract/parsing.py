"""Parsing helpers shared by the extractors: HTML into lxml trees, tolerant JSON.

There are three HTML parsers because three readers need different trees, and each reader's
results were measured with its own (changing one changes what is extracted):

- :func:`parse_html`: the page object's tree (``lxml.html`` elements, never raises), without
  control characters, comments and processing instructions. Structured data, meta tags, the
  visible-page fallbacks and the generic body path read it.
- :func:`parse_html_for_trafilatura`: the generic body path's tree when the caller has none:
  trafilatura's own loader (broken-markup repair). A tree the caller parsed is used as it is,
  or copied without comments (a comment cuts trafilatura's text short).
- :func:`parse_html_plain`: plain ``lxml.etree`` elements without comments or processing
  instructions (no ``lxml.html`` class lookup: faster to walk). The visible-date finder reads it.

Pure functions, no I/O; each tolerates malformed input.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from copy import deepcopy
from typing import Any

import lxml.html
from lxml import etree
from lxml.etree import ParserError, XPath
from lxml.html import HtmlElement

from newscrawl.extract.text import clean_text, decode_html, strip_control_chars

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------
# HTML

_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# Every parser here sets ``huge_tree``: without it libxml2 drops a text node over 10 MB (a big
# JSON-LD or ``__NEXT_DATA__`` script would read as empty, and the page be skipped as "other").


def parse_html(html: str) -> HtmlElement:
    """Parse HTML text into an lxml tree; never raises (an empty document on hopeless input).

    Control characters are removed first: lxml refuses some pages that hold them, and keeps
    others, whose text trafilatura then discards whole (a page with one ``\\x0b`` in a
    paragraph had no body). Comments and processing instructions are left out: nothing reads
    them, and a tree without them goes to trafilatura as it is (a comment cuts its text short).
    A parser per call: lxml parsers must not be shared between threads (it costs microseconds).
    """
    text = strip_control_chars(html or "")
    if text.lstrip().startswith("<?xml"):
        text = _XML_DECL_RE.sub("", text, count=1)
    if not text.strip():
        return _empty_tree()
    try:
        return lxml.html.document_fromstring(
            text, parser=lxml.html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True))
    except (ParserError, ValueError):
        logger.debug("unparseable HTML, using an empty document", exc_info=True)
        return _empty_tree()


def _empty_tree() -> HtmlElement:
    return lxml.html.document_fromstring("<html><head></head><body></body></html>")


def as_tree(doc: HtmlElement | str) -> HtmlElement:
    """``doc`` itself when already parsed, else :func:`parse_html` of it."""
    return doc if isinstance(doc, HtmlElement) else parse_html(doc)


def parse_html_for_trafilatura(html: str | bytes | HtmlElement) -> HtmlElement | None:
    """Parse a page once (decoded as the page object decodes it, then trafilatura's loader:
    broken-markup repair).

    An already parsed ``lxml.html`` tree is used without reparsing and never modified; if it
    holds comments or processing instructions (lxml's default parser keeps them, trafilatura's
    drops them, and they cut trafilatura's text short), a copy without them is used. Text has
    its control characters removed first, as :func:`parse_html` does.
    """
    # imported on first use, as the body extractor imports trafilatura: a page whose structured
    # body is self-evident never needs it
    from trafilatura.utils import load_html

    if isinstance(html, HtmlElement):
        if next(html.iter(etree.Comment, etree.ProcessingInstruction), None) is None:
            return html
        tree = deepcopy(html)
        etree.strip_tags(tree, etree.Comment, etree.ProcessingInstruction)
        return tree
    if isinstance(html, bytes):
        html = decode_html(html)
    try:
        return load_html(strip_control_chars(html))
    except (TypeError, ValueError):  # pragma: no cover - load_html already swallows most
        return None


def parse_html_plain(html: str | bytes) -> etree._Element | None:
    """Parse with plain ``lxml.etree`` elements (no lxml.html class lookup: faster), comments
    and processing instructions removed; ``None`` for empty or unparseable input."""
    if isinstance(html, str):
        if not html.strip():
            return None
        # lxml refuses str input that carries an XML encoding declaration
        if html.lstrip().startswith("<?xml"):
            html = html.encode("utf-8")
    elif not html.strip():
        return None
    try:
        root = etree.fromstring(html, etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True))
    except (ValueError, etree.ParserError, etree.XMLSyntaxError):
        return None
    if root is None or not isinstance(root.tag, str):
        return None
    return root


# XPath expressions are compiled once: compiling costs more than evaluating on a typical page.
_TEXT_X = XPath(".//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]")


def element_text(el: HtmlElement) -> str:
    """Visible text of an element, whitespace collapsed (script/style content excluded)."""
    return clean_text(" ".join(_TEXT_X(el)))


# --------------------------------------------------------------------------------------------
# Tolerant JSON

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


def iter_dicts(value: Any) -> Iterator[dict[str, Any]]:
    """Every dict nested in ``value``, in document (pre-)order."""
    stack: list[Any] = [value]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            yield cur
            stack.extend(v for v in reversed(list(cur.values())) if isinstance(v, (dict, list)))
        elif isinstance(cur, list):
            stack.extend(v for v in reversed(cur) if isinstance(v, (dict, list)))
