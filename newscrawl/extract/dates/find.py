"""Finding the dates a page shows: :func:`find_dates`.

When a page has no structured date, :func:`find_dates` finds the raw publication and update
dates it *shows* (bylines, ``<time>``, "Published"/"Updated" labels, the URL), and never takes
a date from a sidebar, a teaser card, a link to another article or a copyright line. Pure: no
Scrapy, no I/O. See ``docs/dates.md``.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from newscrawl.extract.dates.parse import (
    LONG_ZONES,
    MONTHS,
    SPACE_RE,
    WEEKDAYS,
    ZONES,
    ParsedDate,
    infer_dayfirst,
    parse_date,
)
from newscrawl.extract.parsing import parse_html_plain

if TYPE_CHECKING:
    from lxml.etree import _Element as HtmlElement

logger = logging.getLogger(__name__)


_MONTH_ALT = "|".join(sorted((re.escape(k) for k in MONTHS), key=len, reverse=True))
_WEEKDAY_ALT = "|".join(sorted((re.escape(k) for k in WEEKDAYS), key=len, reverse=True))
_ZONE_ALT = "|".join(
    sorted(
        [re.escape(k) for k in ZONES if k not in ("z", "ut")]
        + [re.escape(k) for k in LONG_ZONES],
        key=len,
        reverse=True,
    )
)
_TIME_PART = (
    r"\d{1,2}(?:[:h]\d{2}(?::\d{2})?\s*(?:[ap]\.?\s?m\b\.?)?|\s*[ap]\.?\s?m\b\.?)"
    r"(?:\s*(?:(?:" + _ZONE_ALT + r")\b|(?:gmt|utc)\s*[+-]\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}))?"
)
_DATE_PART = (
    r"(?:(?:" + _WEEKDAY_ALT + r")\.?,?\s+)?"
    r"(?:(?:" + _MONTH_ALT + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|\d{1,2}(?:st|nd|rd|th|er|\.)?\s+(?:of\s+|de\s+)?(?:" + _MONTH_ALT
    + r")\.?,?\s+(?:de\s+)?\d{4}"
    r"|\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{4}|\d{4}/\d{1,2}/\d{1,2}|\d{4}\.\d{1,2}\.\d{1,2})"
)
#: A date as it appears in visible text, with an optional time before or after it.
_VISIBLE_DATE_RE = re.compile(
    r"(?<![\w/.-])(?:"
    r"(?:" + _TIME_PART + r"\s*(?:,|\||on|-|–|—)?\s*)?" + _DATE_PART
    + r"(?:\s*(?:,|\||at|@|-|–|—|·|•|à|um|a\s+las|alle|om|às)?\s*" + _TIME_PART + r")?"
    r"|(?:\d{1,3}|an?)\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago"
    r"|(?:yesterday|today)(?:\s*,?\s*at\s+\d{1,2}(?::\d{2})?\s*(?:[ap]\.?\s?m\b\.?)?)?"
    r")(?![\w-])",
    re.I,
)
_PUB_LABEL_RE = re.compile(
    r"(?:originally\s+published|first\s+published|original(?:ly)?|published|publication\s+date"
    r"|pub\.?\s+date"
    r"|posted|released|issued|created|veröffentlicht|publié|publicado|pubblicato|gepubliceerd)"
    r"(?:\s+(?:on|at|le|am|el|il|op))?\s*[:\-–—]?\s*$",
    re.I,
)
_MOD_LABEL_RE = re.compile(
    r"(?:last\s+updated|updated|last\s+modified|modified|revised|aktualisiert"
    r"|zuletzt\s+aktualisiert"
    r"|mis\s+à\s+jour|mise\s+à\s+jour|actualizado|aggiornato|bijgewerkt)"
    r"(?:\s+(?:on|at|le|am|el|il|op))?\s*[:\-–—]?\s*$",
    re.I,
)
_LINE_PREFILTER_RE = re.compile(r"\d{4}|\bago\b|yesterday|today", re.I)
_COPYRIGHT_RE = re.compile(r"©|\(c\)\s*\d{4}|copyright", re.I)
_URL_DATE_RE = re.compile(
    r"/((?:19|20)\d{2})(?:[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])"
    r"|/([1-9]|1[0-2])/([1-9]|[12]\d|3[01]))(?=[/_.-]|$)"
)

_BLOCK_TAGS = frozenset(
    """address article aside blockquote body br dd details dialog div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary
    table tbody td tfoot th thead tr ul""".split()
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe",
                        "select", "option", "button", "textarea", "object", "canvas"})  # fmt: skip
_EXCLUDED_TAGS = frozenset({"aside", "nav", "footer", "menu"})
_EXCLUDED_ROLES = frozenset({"navigation", "complementary", "contentinfo", "menu", "menubar"})
_EXCLUDED_TOKEN_RE = re.compile(
    r"(?:^|[^a-z])(?:side[-_]?bar|sidebar|related|teaser|latest|promo|recommend|trending|popular"
    r"|most[-_]?(?:read|viewed|popular)|more[-_]?(?:news|stories|articles)|widget|newsletter"
    r"|comment|advert|ads?(?:[-_]|$)|footer|nav|menu|cookie|carousel|outbrain|taboola"
    r"|read[-_]?(?:more|next)|up[-_]?next|you[-_]?may|also[-_]?like|rail(?:[-_]|$)|breaking"
    r"|ticker|marquee|masthead|top[-_]?bar|toolbar|breadcrumb|pagination|pager)",
)
_DATEISH_TOKEN_RE = re.compile(r"date|time|publish|posted|byline|meta|dateline|timestamp|stamp")
_PUB_HINT_RE = re.compile(r"publish|posted|created|issued|pubdate|first")
_MOD_HINT_RE = re.compile(r"updat|modif|revis|edited|changed")
_SECTION_NOUN = r"(?:news|stories|articles|content|posts|videos|reads|from\s+.{1,40}|on\s+.{1,40})"
_SECTION_HEADING_RE = re.compile(
    r"^(?:the\s+)?(?:(?:more|recent)\s+" + _SECTION_NOUN  # a bare "More" is a button, not a heading
    + r"|(?:latest|related|recommended|trending|popular|suggested)(?:\s+" + _SECTION_NOUN + r")?"
    r"|most\s+(?:read|popular|viewed|shared)|top\s+stories|you\s+(?:may|might)\s+(?:also\s+)?like"
    r"|read\s+(?:more|next)|editor'?s\s+picks|in\s+case\s+you\s+missed\s+it|also\s+read"
    r"|see\s+also|further\s+reading|up\s+next|from\s+our\s+partners|sponsored(?:\s+content)?)"
    r"\s*:?$",
    re.I,
)
#: How far (characters of visible text) a date without a label may sit from the headline.
_PLAIN_WINDOW_BEFORE, _PLAIN_WINDOW_AFTER = 300, 500
#: Lines longer than this are prose, not a byline or dateline.
_MAX_LINE = 200


@dataclass
class _Candidate:
    raw: str
    role: str  # "published" | "modified" | "unknown"
    rank: int  # 0 labelled/itemprop/classed; 1 unlabelled <time> or date-ish element; 2 plain
    offset: int  # position in the flattened visible text
    length: int
    element: Any  # the element holding the text (for the teaser-list test)
    parsed: ParsedDate
    distance: int = 0  # characters of visible text between the date and the headline


def find_dates(html: str | bytes, url: str | None = None) -> tuple[str | None, str | None]:
    """Find the raw (published, modified) date strings a page shows, each ``None`` if absent.

    Looks, in this order of trust, at ``itemprop=datePublished/dateModified``, ``<time>``
    elements and elements whose class/id says date/time/publish/byline, "Published"/"Updated"
    labelled text, the URL (/2025/06/02/), and a plain date next to the headline. Ignores
    ``<aside>``, ``<nav>``, ``<footer>``, sidebar/related/teaser/latest/promo blocks, sections
    under a "Latest News"-style heading, repeated teaser lists, links to other pages and
    copyright lines. A page that shows only "Updated X" yields ``(None, "X")``: an update is
    never passed off as the original publication date. Never raises on bad HTML.
    """
    try:
        root = parse_html_plain(html)
        if root is None:
            return _url_only(url)
        return _DateFinder(root, url).run()
    except Exception:  # robustness: a date finder must never break extraction of a page
        logger.warning("find_dates failed on %s", url, exc_info=True)
        return _url_only(url)


def _url_only(url: str | None) -> tuple[str | None, str | None]:
    raw = _url_date(url)
    return raw, None


def _url_date(url: str | None) -> str | None:
    if not url:
        return None
    path = urlsplit(url).path
    m = _URL_DATE_RE.search(path)
    if not m:
        return None
    raw = m[0][1:]
    if parse_date(raw.replace("_", "-"), default_tz="UTC", fallback=False) is None:
        return None
    return raw


def _attr_text(el: HtmlElement, name: str) -> str:
    value = el.get(name)
    return value.lower() if value else ""


class _DateFinder:
    """One pass over a parsed page collecting date candidates with their context.

    The visible text of the page (minus excluded regions) is flattened into one string with a
    newline at every block boundary, so a "line" is one run of inline text: a byline, a
    dateline, a label and its date. Element-level candidates (``<time>``, ``itemprop``) are
    recorded during the walk at their offset in that string; line-level candidates (labelled
    or plain dates) are found afterwards with one regex pass over the short lines.
    """

    def __init__(self, root: HtmlElement, url: str | None) -> None:
        self.root = root
        self.url = url
        lang = root.get("lang") or root.get("xml:lang")
        self.dayfirst = infer_dayfirst(lang, url)
        own = urlsplit(url) if url else None
        self._self_key = (own.netloc.lower(), own.path.rstrip("/")) if own else ("", "")
        self.h1 = self._find_h1()
        self.h1_path: set[HtmlElement] = set()
        if self.h1 is not None:
            self.h1_path = {self.h1, *self.h1.iterancestors()}
        self.excluded_roots: set[HtmlElement] = set()
        self._mark_section_headings()
        self.chunks: list[str] = []
        self.length = 0
        #: (offset, role hint, inside a date-ish element, owner element) per text chunk
        self.hints: list[tuple[int, str, bool, HtmlElement]] = []
        self.h1_span: tuple[int, int] | None = None
        self.candidates: list[_Candidate] = []

    # -- structure ----------------------------------------------------------------------

    def _find_h1(self) -> HtmlElement | None:
        """The article's headline: an <h1> (or an <h2> that <title> confirms), not a logo."""
        title = ""
        head = self.root.find("head")
        if head is not None:
            for value in head.xpath(
                "meta[@property='og:title' or @name='twitter:title']/@content | title/text()"
            ):
                title += " " + SPACE_RE.sub(" ", str(value)).strip().lower()
        best, best_score = None, 0
        for h in self.root.iter("h1", "h2"):
            text = SPACE_RE.sub(" ", "".join(h.itertext())).strip().lower()
            if len(text) < 3:
                continue
            matches = len(text) >= 8 and (text in title or text[:40] in title)
            if h.tag == "h2" and not matches:
                continue
            score = (4 if matches else 2) + (h.tag == "h1")
            if any(_is_home_link(a) for a in h.iterancestors("a")) or any(
                _is_home_link(a) for a in h.iter("a")
            ):
                continue  # the site logo
            if any(self._excluded_self(a) for a in (h, *h.iterancestors())):
                score -= 2
            if score > best_score:
                best, best_score = h, score
        return best

    def _excluded_self(self, el: HtmlElement) -> bool:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _EXCLUDED_TAGS:
            return True
        if _attr_text(el, "role") in _EXCLUDED_ROLES:
            return True
        if tag in ("html", "body", "main", "article"):
            return False
        names = _attr_text(el, "class") + " " + _attr_text(el, "id")
        return names != " " and bool(_EXCLUDED_TOKEN_RE.search(names))

    def _mark_section_headings(self) -> None:
        """Exclude blocks introduced by a "Latest News" / "Related" style heading."""
        for el in self.root.iter("h2", "h3", "h4", "h5", "h6", "p", "div", "span", "strong", "a"):
            text = el.text
            if not text or len(text) > 60 or len(el) > 1:
                continue
            text = SPACE_RE.sub(" ", text).strip()
            if not text or not _SECTION_HEADING_RE.match(text):
                continue
            container = el.getparent()
            if container is None or container in self.excluded_roots or _is_hidden(container):
                continue  # already excluded, or not shown (the walk skips it anyway)
            while container is not None and container.getparent() is not None:
                if _text_longer_than(container, len(text) + 5):
                    break
                container = container.getparent()
            if container is None or container in self.h1_path or container.tag in ("body", "html"):
                continue
            self.excluded_roots.add(container)

    def _is_other_link(self, el: HtmlElement) -> bool:
        """A link to another page (teaser card, related story), not to this article or a day."""
        href = (el.get("href") or "").strip()
        if not href or href.startswith("#") or href.lower().startswith("javascript:"):
            return False
        if "bookmark" in _attr_text(el, "rel").split():
            return False
        target = urlsplit(urljoin(self.url or "", href))
        if self.url and (target.netloc.lower(), target.path.rstrip("/")) == self._self_key:
            return False
        # date archive pages (/2025/06/02/) are links a byline date commonly carries
        return not _ARCHIVE_PATH_RE.search(target.path)

    def _in_teaser_list(self, el: HtmlElement | None) -> bool:
        """Whether ``el`` sits in a list of 3+ sibling cards that each hold a link and a date."""
        depth = 0
        while el is not None and depth < 6 and el not in self.h1_path:
            parent = el.getparent()
            if parent is None:
                return False
            if el.tag not in ("a",) and el.find(".//a[@href]") is not None or el.tag == "a":
                similar = 0
                for sib in parent:
                    if sib.tag != el.tag:
                        continue
                    if sib.tag != "a" and sib.find(".//a[@href]") is None:
                        continue
                    text = " ".join(sib.itertext())
                    if len(text) < 2000 and _VISIBLE_DATE_RE.search(text):
                        similar += 1
                        if similar >= 3:
                            return True
            el = parent
            depth += 1
        return False

    # -- walk ---------------------------------------------------------------------------

    def run(self) -> tuple[str | None, str | None]:
        self.collect()
        return self._choose()

    def collect(self) -> None:
        body = self.root.find("body")
        self._walk(body if body is not None else self.root)
        self._collect_lines()

    def _walk(self, root: HtmlElement) -> None:
        # Iterative DFS over the non-excluded part of the tree. Entries are
        # (element, role hint, date-ish depth, owner of the tail text, is_tail); an excluded
        # element contributes nothing but a block boundary, and its tail still counts.
        stack: list[tuple[Any, str, int, Any, bool]] = [(root, "", 0, root, False)]
        h1, h1_path, excluded_roots = self.h1, self.h1_path, self.excluded_roots
        while stack:
            el, hint, dateish, owner, is_tail = stack.pop()
            tag = el.tag
            if is_tail:  # after the children of el: its tail belongs to the parent's context
                if el is h1 and self.h1_span is not None:
                    self.h1_span = (self.h1_span[0], self.length)
                if tag in _BLOCK_TAGS:
                    self._newline()
                if el.tail:
                    self._text(el.tail, hint, dateish > 0, owner)
                continue
            if not isinstance(tag, str) or tag in _SKIP_TAGS:  # comment, script, style ...
                if el.tail:
                    self._text(el.tail, hint, dateish > 0, owner)
                continue
            attrib = el.attrib
            if el not in h1_path and (
                el in excluded_roots
                or tag in _EXCLUDED_TAGS
                or (attrib and self._excluded_self(el))
                or (tag == "header" and _is_masthead(el))
                or (tag == "a" and self._is_other_link(el))
            ):
                stack.append((el, hint, dateish, owner, True))
                continue
            if attrib and _is_hidden(el) and el not in h1_path:
                # not shown, so no visible date; hidden microdata still describes the page
                for node in el.iterfind(".//*[@itemprop]"):
                    if isinstance(node.tag, str):
                        self._element_candidate(node, node.tag, "")
                stack.append((el, hint, dateish, owner, True))
                continue
            stack.append((el, hint, dateish, owner, True))
            # class/id hints reach three levels down: <div class="date"><span><b>June 2</b>
            dateish = dateish - 1 if dateish > 0 else 0
            if dateish == 0:
                hint = ""
            if attrib:
                names = (attrib.get("class", "") + " " + attrib.get("id", "")).lower()
                if names != " ":
                    if _PUB_HINT_RE.search(names):  # "entry-date published updated": published
                        hint, dateish = "published", 3
                    elif _MOD_HINT_RE.search(names):
                        hint, dateish = "modified", 3
                    elif _DATEISH_TOKEN_RE.search(names):
                        dateish = 3
                if "itemprop" in attrib or tag == "time":
                    self._element_candidate(el, tag, hint)
            if tag == "time":
                dateish = 3
            if tag in _BLOCK_TAGS:
                self._newline()
            if el is h1:
                self.h1_span = (self.length, self.length)
            if el.text:
                self._text(el.text, hint, dateish > 0, el)
            for child in reversed(el):
                stack.append((child, hint, dateish, el, False))

    def _newline(self) -> None:
        if self.chunks and self.chunks[-1] != "\n":
            self.chunks.append("\n")
            self.length += 1

    def _text(self, text: str, hint: str, dateish: bool, owner: HtmlElement) -> None:
        text = SPACE_RE.sub(" ", text)
        if text == " ":
            if self.chunks and self.chunks[-1] not in (" ", "\n"):
                self.chunks.append(" ")
                self.length += 1
            return
        self.hints.append((self.length, hint, dateish, owner))
        self.chunks.append(text)
        self.length += len(text)

    def _line_prefix(self) -> str:
        parts: list[str] = []
        size = 0
        for chunk in reversed(self.chunks):
            if chunk == "\n" or size > 80:
                break
            parts.append(chunk)
            size += len(chunk)
        return "".join(reversed(parts))

    def _element_candidate(self, el: HtmlElement, tag: str, hint: str) -> None:
        """``<time>`` and ``itemprop=datePublished/dateModified`` elements."""
        itemprop = _attr_text(el, "itemprop")
        role = ""
        if itemprop:
            if "datepublished" in itemprop or "datecreated" in itemprop:
                role = "published"
            elif "datemodified" in itemprop:
                role = "modified"
        if not role and (tag != "time" or not el.get("datetime")):
            return  # a <time> without datetime is read as text by the line scan
        text = SPACE_RE.sub(" ", "".join(el.itertext())).strip()
        if not role:
            if el.get("pubdate") is not None:
                role = "published"
            else:
                role = _label_role_of(self._line_prefix()) or hint
                if not role:
                    m = _VISIBLE_DATE_RE.search(text) if len(text) <= _MAX_LINE else None
                    if m:
                        role = _label_role_of(text[: m.start()])
        rank = 0 if role else 1
        raws = [v.strip() for v in (el.get("datetime"), el.get("content")) if v and v.strip()]
        if text and len(text) <= _MAX_LINE:
            raws.append(text)
        if len(raws) > 1 and _ISO_NAIVE_TIME_RE.fullmatch(raws[0].lower()):
            # datetime="2019-11-13T15:28:18" without offset: the text may name the zone
            m = _VISIBLE_DATE_RE.search(raws[-1])
            if m and _has_explicit_zone(m.group(0), self.dayfirst):
                raws = [m.group(0).strip()]
        for raw in raws:
            parsed = self._try(raw)
            if parsed is None:
                m = _VISIBLE_DATE_RE.search(raw)  # text with a label: "Updated June 3, 2025"
                if m is None:
                    continue
                raw = m.group(0).strip()
                parsed = self._try(raw)
                if parsed is None:
                    continue
            self.candidates.append(
                _Candidate(raw, role or "unknown", rank, self.length, len(text), el, parsed)
            )
            return

    def _try(self, raw: str) -> ParsedDate | None:
        return parse_date(raw, default_tz="UTC", now=_REFERENCE_NOW, dayfirst=self.dayfirst, fallback=False)

    def _collect_lines(self) -> None:
        """Scan the flattened visible text line by line for labelled and plain dates."""
        text = "".join(self.chunks)
        starts = [h[0] for h in self.hints]
        element_spans = [(c.offset, c.offset + max(c.length, 1)) for c in self.candidates]
        pos = 0
        prev_line = ""
        for line in text.split("\n"):
            start = pos
            pos += len(line) + 1
            stripped = line.strip()
            if not stripped:
                continue
            if len(stripped) > _MAX_LINE or _COPYRIGHT_RE.search(stripped):
                prev_line = ""
                continue
            if not _LINE_PREFILTER_RE.search(line):  # no year, no "ago": no date (cheap test)
                prev_line = stripped
                continue
            for m in _VISIBLE_DATE_RE.finditer(line):
                raw = m.group(0).strip(" ,|-–—·•")
                parsed = self._try(raw)
                if parsed is None:
                    continue
                offset = start + m.start()
                before = line[: m.start()]
                role = _label_role_of(before)
                if not role and not before.strip():
                    role = _label_role_of(prev_line)
                # the same text as a <time>/itemprop candidate: only lend it the label
                same = [
                    i for i, (a, b) in enumerate(element_spans)
                    if a - 2 <= offset < b or offset <= a < start + m.end()
                ]  # fmt: skip
                if same:
                    for i in same:
                        c = self.candidates[i]
                        if role and c.role == "unknown":
                            c.role, c.rank = role, 0
                    continue
                idx = bisect_right(starts, offset) - 1
                _, hint, dateish, owner = self.hints[idx] if idx >= 0 else (0, "", False, None)
                if role:
                    rank = 0
                elif dateish:
                    rank, role = (0, hint) if hint else (1, "unknown")
                else:
                    rank, role = 2, "unknown"
                self.candidates.append(
                    _Candidate(raw, role, rank, offset, m.end() - m.start(), owner, parsed)
                )
            prev_line = stripped

    # -- choice -------------------------------------------------------------------------

    def _distance(self, c: _Candidate) -> int:
        if self.h1_span is None:
            return 0
        h_start, h_end = self.h1_span
        if c.offset >= h_end:
            return c.offset - h_end
        return max(h_start - (c.offset + c.length), 0)

    def _acceptable(self, c: _Candidate) -> bool:
        if c.rank == 2:  # a plain date: only right next to the headline
            if self.h1_span is None:
                return False
            limit = _PLAIN_WINDOW_AFTER if c.offset >= self.h1_span[1] else _PLAIN_WINDOW_BEFORE
            if c.distance > limit:
                return False
        elif c.rank == 1 and self.h1_span is not None and c.distance > _UNLABELLED_WINDOW:
            return False
        return not self._in_teaser_list(c.element)

    def _choose(self) -> tuple[str | None, str | None]:
        for c in self.candidates:
            c.distance = self._distance(c)
        ordered = sorted(self.candidates, key=lambda c: (c.rank, c.distance, c.offset))
        best: dict[str, _Candidate] = {}  # role -> best acceptable candidate
        for c in ordered:
            if c.role not in best and self._acceptable(c):
                best[c.role] = c
        pub, mod, unknown = best.get("published"), best.get("modified"), best.get("unknown")
        url_raw = _url_date(self.url)
        if pub is None and unknown is not None:
            if unknown.rank == 2 and url_raw is not None:
                url_day = parse_date(url_raw.replace("_", "-"), default_tz="UTC", fallback=False)
                if url_day is None or url_day.value[:10] == unknown.parsed.value[:10]:
                    pub = unknown
                # else: the URL's date beats an unlabelled date that disagrees with it
            else:
                pub = unknown
        pub_raw = pub.raw if pub is not None else url_raw
        mod_raw = mod.raw if mod is not None else None
        return pub_raw, mod_raw


_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _is_hidden(el: HtmlElement) -> bool:
    """``hidden`` or an inline ``display: none``: the page does not show it."""
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE_RE.search(style))


def _text_longer_than(el: HtmlElement, limit: int) -> bool:
    """Whether the element's text (whitespace ignored) is longer than ``limit``; stops early."""
    size = 0
    for piece in el.itertext():
        size += len(piece.strip())
        if size > limit:
            return True
    return False


def _is_masthead(header: HtmlElement) -> bool:
    """A site ``<header>`` outside ``<article>``/``<main>`` (it often shows today's date)."""
    return not any(a.tag in ("article", "main") for a in header.iterancestors())


def _is_home_link(a: HtmlElement) -> bool:
    href = (a.get("href") or "").strip()
    return bool(href) and urlsplit(href).path in ("", "/") and not href.startswith("#")


_ISO_NAIVE_TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?")


def _has_explicit_zone(raw: str, dayfirst: bool) -> bool:
    a = parse_date(raw, default_tz="UTC", dayfirst=dayfirst, fallback=False)
    b = parse_date(raw, default_tz="Asia/Tokyo", dayfirst=dayfirst, fallback=False)
    return a is not None and a.has_time and a == b


_ARCHIVE_PATH_RE = re.compile(r"/(?:19|20)\d{2}/\d{1,2}(?:/\d{1,2})?/?$")
#: A <time> or date-classed element without a label must sit this close to the headline.
_UNLABELLED_WINDOW = 1500


#: Reference time for validating relative candidates ("2 days ago") before the crawl time is known.
_REFERENCE_NOW = datetime(2100, 1, 1, tzinfo=UTC)


def _label_role_of(text: str) -> str:
    """'published' / 'modified' if ``text`` ends with such a label (right before a date)."""
    if not text:
        return ""
    tail = text[-60:]
    if _MOD_LABEL_RE.search(tail):
        return "modified"
    if _PUB_LABEL_RE.search(tail):
        return "published"
    return ""
