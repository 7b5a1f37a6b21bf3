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
from typing import Any

import charset_normalizer
from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding, resolve_encoding

logger = logging.getLogger(__name__)

_WS_RE = re.compile(r"\s+")
#: HTML elements whose tags text from structured data or an extractor may still hold
_ELEMENTS = (
    "a|abbr|address|article|aside|b|bdi|bdo|big|blockquote|br|button|caption|center|cite|code|col|colgroup|"
    "dd|del|details|dfn|div|dl|dt|em|figcaption|figure|font|footer|form|h[1-6]|header|hr|i|iframe|img|input|"
    "ins|kbd|label|li|link|main|mark|meta|nav|noscript|ol|p|picture|pre|q|s|samp|script|section|small|source|"
    "span|strike|strong|style|sub|summary|sup|svg|table|tbody|td|tfoot|th|thead|time|tr|tt|u|ul|var|video|wbr"
)
#: a tag: "<" right before a known element's name, as HTML writes one, or a comment. Comparisons
#: in the text ("p <0.05", "<5 mm", "aged >65", "<grade 3 and >") are no tags and stay.
_TAG_RE = re.compile(rf"(?i)<!--.*?-->|</?(?:{_ELEMENTS})(?=[\s/>])[^<>]*>", re.S)
_BLOCK_TAG_RE = re.compile(r"(?i)</?(?:br|p|div|h[1-6]|li|blockquote|tr|ul|ol)(?=[\s/>])[^<>]*>")
_CELL_TAG_RE = re.compile(r"(?i)</t[dh]\s*>")
_PARA_SPLIT_RE = re.compile(r"\s*\n\s*")
#: C0 controls XML 1.0 forbids (all but tab, newline and carriage return) and its two
#: non-characters: lxml refuses them, and they never carry meaning in HTML
_CONTROL_CHARS = "".join(map(chr, (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))) + "\ufffe\uffff"
_CONTROL_RE = re.compile(f"[{re.escape(_CONTROL_CHARS)}]")
#: invisible characters that only split words: zero-width space and joiners, word joiner,
#: byte-order mark, soft hyphen
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ZERO_WIDTH = dict.fromkeys(map(ord, _INVISIBLE), None)
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


#: ANSI/VT escape sequences (colours, cursor moves, terminal titles), C0 and C1 forms
_ESCAPE_SEQ_RE = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?")
#: characters str.splitlines() breaks at, besides "\n" (and "\r\n")
_LINE_BREAK_CHARS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_BREAKS_RE = re.compile(f"\r\n?|[{_LINE_BREAK_CHARS}]")
_BLANK_LINES_RE = re.compile(r"\n{3,}")
#: what no output string keeps: the controls above and the invisible characters, C1 controls,
#: bidi embeddings, overrides and isolates, invisible operators and interlinear annotation marks
#: (line breaks among the controls become "\n" or spaces instead; tab and newline are the caller's)
_JUNK_RE = re.compile(
    "[" + re.escape("".join(c for c in _CONTROL_CHARS + _INVISIBLE if c not in _LINE_BREAK_CHARS))
    + "\x7f-\x84\x86-\x9f\u202a-\u202e\u2061-\u2064\u2066-\u2069\ufff9-\ufffb]"
)


def output_text(value: str, *, multiline: bool = False) -> str:
    """``value`` fit for consumers: no control characters, escape sequences, bidi overrides or
    zero-width junk, and no line break other than "\n".

    ``multiline`` (the body): every line break (U+2028, U+2029, U+0085, "\r", vertical tab...)
    becomes "\n" (never more than one blank line in a row) and tabs stay. Otherwise line breaks
    and tabs become spaces and spacing is collapsed. Either way a JSON line holding the value
    splits nowhere under ``str.splitlines()``.
    """
    value = _JUNK_RE.sub("", _ESCAPE_SEQ_RE.sub("", value))
    if multiline:
        return _BLANK_LINES_RE.sub("\n\n", _LINE_BREAKS_RE.sub("\n", value))
    return _WS_RE.sub(" ", _LINE_BREAKS_RE.sub(" ", value)).strip()


def output_value(value: Any, *, multiline: bool = False) -> Any:
    """:func:`output_text` applied to every string in ``value`` (nested lists and dicts too)."""
    if isinstance(value, str):
        return output_text(value, multiline=multiline)
    if isinstance(value, list):
        return [output_value(v) for v in value]
    if isinstance(value, dict):
        return {k: output_value(v) for k, v in value.items()}
    return value


def strip_tags(value: str | None) -> str | None:
    """Plain text of a short string that may hold HTML markup (JSON-LD descriptions often do)."""
    if not value or "<" not in value:
        return value
    return clean_text(_TAG_RE.sub(" ", value)) or None


def strip_control_chars(text: str) -> str:
    """Remove control characters that make lxml or ``json`` reject an otherwise fine document."""
    # a substring test per character is several times faster than a regular expression's scan
    # of a whole page, and almost every page holds none of them
    if not any(c in text for c in _CONTROL_CHARS):
        return text
    return _CONTROL_RE.sub("", text)


_PARAGRAPHS_RE = re.compile(r"\n\s*\n")


def strip_markup(body: str) -> str:
    """A body with the HTML tags an extractor let through removed, paragraphs kept.

    The generic extractor's fallbacks can hand back a structured-data body as written, markup
    and all; a body is text, so block tags become paragraph breaks and other tags go.
    """
    if not _TAG_RE.search(body):
        return body
    body = _TAG_RE.sub("", _CELL_TAG_RE.sub(" ", _BLOCK_TAG_RE.sub("\n\n", body)))
    return "\n\n".join(p for p in map(clean_text, _PARAGRAPHS_RE.split(body)) if p)


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


#: CJK multi-byte encodings (canonical codec names) a page without a declaration may be in
_CJK_ENCODINGS = frozenset({
    "cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213", "euc_jp", "euc_jis_2004",
    "euc_jisx0213", "iso2022_jp", "gb2312", "gbk", "gb18030", "hz", "big5", "big5hkscs", "cp950",
    "euc_kr", "cp949", "johab", "iso2022_kr",
})
#: how much of an undeclared page is looked at to tell its encoding
_SNIFF_BYTES = 256 * 1024
#: fewer non-ASCII characters than this are no evidence of a multi-byte encoding
_MIN_SNIFF_CHARS = 8
_HIGH_BYTES = bytes(range(0x80, 0x100))


def _kana(c: str) -> bool:
    return "\u3040" <= c <= "\u30ff"


def _hangul(c: str) -> bool:
    return "\uac00" <= c <= "\ud7a3"


def _sniff_multibyte(body: bytes) -> str | None:
    """The CJK encoding of a page that is not UTF-8 and declares no charset, or None.

    Japanese and Korean first: text that decodes strictly and is mostly kana or hangul (a
    Western page almost never decodes strictly as either). Then a statistical detector, trusted
    only when it names a CJK encoding: on Western pages it cannot tell windows-1252 from its
    neighbours, and the caller's windows-1252 fallback is better there.
    """
    sample = body[:_SNIFF_BYTES]
    for encoding, script in (("cp932", _kana), ("euc_jp", _kana), ("cp949", _hangul)):
        try:  # incremental: the sample may end inside a character
            text = codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        wide = [c for c in text if ord(c) > 0x7F]
        if len(wide) >= _MIN_SNIFF_CHARS and sum(map(script, wide)) >= 0.3 * len(wide):
            return encoding
    if len(sample) - len(sample.translate(None, _HIGH_BYTES)) < _MIN_SNIFF_CHARS:
        return None  # a few stray bytes: no evidence of a multi-byte text
    best = charset_normalizer.from_bytes(sample).best()
    if best is not None and codecs.lookup(best.encoding).name in _CJK_ENCODINGS:
        return best.encoding
    return None


def decode_html(body: bytes | str, *, encoding: str | None = None, content_type: str | None = None) -> str:
    """Decode a page body to text; never raises.

    Order: a BOM; bytes that are valid UTF-8 are UTF-8 whatever the page declares (valid
    multi-byte UTF-8 almost never happens by chance in a legacy encoding); otherwise the
    declared encoding (explicit ``encoding``, then the Content-Type charset, then ``<meta>``).
    When the declaration is UTF-8 (or missing) but the bytes are not, each invalid byte run is
    read as windows-1252, which repairs the common "cp1252 page labelled utf-8" and mixed pages
    without replacement characters; a page that declares nothing and is in a CJK encoding
    (Shift_JIS, EUC-JP, GBK, Big5, EUC-KR) is recognised first (:func:`_sniff_multibyte`).
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
    if not declared:
        sniffed = _sniff_multibyte(body)
        if sniffed:
            return body.decode(sniffed, errors="replace")
    return body.decode("utf-8", errors="newscrawl-cp1252")
