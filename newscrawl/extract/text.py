"""Small text helpers shared by the extraction modules: decoding, entity and whitespace clean-up.

Pure functions, no I/O. They exist so every extractor cleans strings the same way: a headline
read from JSON-LD, OpenGraph or an ``<h1>`` must come out identical when the page says the same.
"""

from __future__ import annotations

import codecs
import html
import logging
import re
import unicodedata
from collections.abc import Iterable

from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding, resolve_encoding

logger = logging.getLogger(__name__)

_WS_RE = re.compile(r"\s+")
_TAG_RE = re.compile(r"<[^>]*>")
_BLOCK_TAG_RE = re.compile(
    r"(?i)<\s*(?:br|p|/p|div|/div|h[1-6]|/h[1-6]|li|/li|blockquote|/blockquote|tr|/tr|ul|/ul|ol|/ol)\b[^>]*>"
)
_CELL_TAG_RE = re.compile(r"(?i)<\s*/t[dh]\s*>")
_PARA_SPLIT_RE = re.compile(r"\s*\n\s*")
#: Characters lxml refuses (XML 1.0 forbids them) and that never carry meaning in HTML.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_KEY_RE = re.compile(r"[\W_]+", re.UNICODE)


def clean_text(value: object) -> str:
    """Unescape HTML entities (once), drop zero-width characters and collapse whitespace.

    Structured data often carries ``&amp;`` or ``&#8217;`` escaped once more than needed; the
    visible page never does, so unescaping makes both sources agree.
    """
    if not isinstance(value, str):
        return ""
    if "&" in value:
        value = html.unescape(value)
    return _WS_RE.sub(" ", value.translate(_ZERO_WIDTH)).strip()


def strip_tags(value: str | None) -> str | None:
    """Plain text of a short string that may hold HTML markup (JSON-LD descriptions often do)."""
    if not value or "<" not in value:
        return value
    return clean_text(_TAG_RE.sub(" ", value)) or None


def strip_control_chars(text: str) -> str:
    """Remove control characters that make lxml or ``json`` reject an otherwise fine document."""
    return _CONTROL_RE.sub("", text)


def html_fragment_to_paragraphs(value: str) -> str:
    """Turn a string that may hold HTML or newline-separated text into ``\\n\\n``-joined paragraphs.

    Used for JSON-LD ``articleBody``, which sites fill with plain text, text with newlines, or
    raw HTML. Paragraph boundaries come from block tags or newlines; everything else is inline.
    """
    if "<" in value and ">" in value:
        value = _BLOCK_TAG_RE.sub("\n", value)
        value = _TAG_RE.sub("", _CELL_TAG_RE.sub(" ", value))
    paras = (clean_text(p) for p in _PARA_SPLIT_RE.split(value.replace("\r", "\n")))
    return "\n\n".join(p for p in paras if p)


def comparison_key(text: str) -> str:
    """Comparison key: case, punctuation and spacing ignored."""
    return _KEY_RE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def dedupe(values: Iterable[str]) -> list[str]:
    """Non-empty values in order, each kept once (compared case-insensitively)."""
    seen: set[str] = set()
    out: list[str] = []
    for v in values:
        key = v.casefold()
        if v and key not in seen:
            seen.add(key)
            out.append(v)
    return out


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: decode bytes that are invalid UTF-8 as windows-1252 instead."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return bad.decode("cp1252", errors="replace"), exc.end


codecs.register_error("newscrawl-cp1252", _cp1252_fallback)

_UTF8_NAMES = {"utf-8", "utf8"}
_WIDE_PREFIXES = ("utf-16", "utf-32", "utf_16", "utf_32")


def _maybe_wide(body: bytes) -> bool:
    """UTF-16/32: a BOM, or NUL bytes (never present in real 8-bit HTML) near the start."""
    head = body[:4]
    return head[:2] in (b"\xff\xfe", b"\xfe\xff") or head == b"\x00\x00\xfe\xff" or b"\x00" in body[:512]


def _declared_encoding(body: bytes, encoding: str | None, content_type: str | None) -> str | None:
    """Explicit ``encoding``, else the Content-Type charset, else ``<meta charset>``; None if unknown."""
    try:
        return (
            (resolve_encoding(encoding) if encoding else None)
            or http_content_type_encoding(content_type)
            or html_body_declared_encoding(body)
        )
    except Exception:  # a bad label must not stop decoding
        logger.debug("could not read declared encoding", exc_info=True)
        return None


def decode_html(body: bytes | str, *, encoding: str | None = None, content_type: str | None = None) -> str:
    """Decode a page body to text; never raises.

    Order: a BOM; bytes that are valid UTF-8 are UTF-8 whatever the page declares (valid
    multi-byte UTF-8 almost never happens by chance in a legacy encoding); otherwise the
    declared encoding (explicit ``encoding``, then the Content-Type charset, then ``<meta>``).
    When the declaration is UTF-8 (or missing) but the bytes are not, each invalid byte run is
    read as windows-1252, which repairs the common "cp1252 page labelled utf-8" and mixed pages
    without replacement characters.
    """
    if isinstance(body, str):
        return body
    if not body:
        return ""
    bom = body[:3] == codecs.BOM_UTF8
    if bom:
        body = body[3:]
    if not _maybe_wide(body):
        # The common case: valid UTF-8 needs no look at declarations.
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            if bom:
                return body.decode("utf-8", errors="newscrawl-cp1252")
    declared = _declared_encoding(body, encoding, content_type)
    if _maybe_wide(body) or (declared and declared.lower().startswith(_WIDE_PREFIXES)):
        try:
            return html_to_unicode(f"text/html; charset={declared}" if declared else None, body)[1]
        except Exception:  # fall through to the single-byte decoders below
            logger.debug("wide decoding failed", exc_info=True)
    if declared and declared.lower().replace("_", "-") not in _UTF8_NAMES:
        try:
            return body.decode(declared, errors="replace")
        except LookupError:
            logger.debug("unknown encoding %r", declared)
    return body.decode("utf-8", errors="newscrawl-cp1252")
