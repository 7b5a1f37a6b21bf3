"""Finding the dates a page shows: :func:`find_dates` and the finder behind it.

:func:`find_dates` finds the raw publication and update dates a page *shows* (bylines,
``<time>``, "Published"/"Updated" labels, the URL), and never takes a date from a sidebar, a
teaser card, a link to another article or a copyright line. The page object reads the same
finder's candidates (:class:`DateFinder`) as evidence for its vote (:mod:`.choose`), and
:func:`lenient_dates` to confirm a day another method found. Pure: no Scrapy, no I/O. See
``docs/dates.md``.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

from lxml.etree import XPath

from newscrawl.extract.dates.parse import (
    CJK_DATE,
    LONG_ZONES,
    MONTHS,
    SPACE_RE,
    WEEKDAYS,
    ZONES,
    ParsedDate,
    has_explicit_zone,
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
    r"\d{1,2}(?:[:h]\d{2}(?::\d{2})?(?:\s*[ap]\.?\s?m\b\.?)?|\s*[ap]\.?\s?m\b\.?)"
    r"(?:\s*(?:(?:" + _ZONE_ALT + r")\b|(?:gmt|utc)\s*[+-]\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}))?"
)
_DATE_PART = (
    r"(?:(?:" + _WEEKDAY_ALT + r")\.?,?\s+)?"
    r"(?:(?:" + _MONTH_ALT + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|\d{1,2}(?:st|nd|rd|th|er|\.)?\s+(?:of\s+|de\s+)?(?:" + _MONTH_ALT
    + r")\.?,?\s+(?:de\s+)?\d{4}"
    r"|\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{4}|\d{1,2}\.\s\d{1,2}\.\s?\d{4}|\d{4}/\d{1,2}/\d{1,2}|\d{4}\.\d{1,2}\.\d{1,2})"
)
#: A date as it appears in visible text, with an optional time before or after it. Each run of
#: spaces has one way to match (``(?:\s*sep)?\s*``, never ``\s*sep?\s*``): nested ways made a
#: run of a few hundred spaces after a time cost seconds to minutes of backtracking.
_VISIBLE_DATE_RE = re.compile(
    r"(?<![\w/.-])(?:"
    r"(?:" + _TIME_PART + r"(?:\s*(?:,|\||on|-|–|—))?\s*)?" + _DATE_PART
    + r"(?:(?:\s*(?:,|\||at|@|-|–|—|·|•|à|um|a\s+las|alle|om|às))?\s*" + _TIME_PART + r")?"
    r"|(?:\d{1,3}|an?)\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago"
    r"|(?:yesterday|today)(?:\s*(?:,\s*)?at\s+\d{1,2}(?::\d{2})?(?:\s*[ap]\.?\s?m\b\.?)?)?"
    r")(?![\w-])",
    re.I,
)
# labels in more languages (de, fr, es, it, pt, nl, ru, uk, pl, cs, tr, sv/da/no, fi)
_MORE_PUB_LABELS = (
    r"|veröffentlichung|erschienen|erstellt|date\s+de\s+publication|fecha\s+de\s+publicaci[oó]n"
    r"|data\s+di\s+pubblicazione|data\s+de\s+publica[cç][aã]o|publicatiedatum|опубликовано"
    r"|дата\s+публикации|опубліковано|opublikowano|data\s+publikacji|publikováno|yay[ıi]nlanma\s+tarihi"
    r"|yay[ıi]nland[ıi]|publicerad|publiceret|publisert|julkaistu"
)
_MORE_MOD_LABELS = (
    r"|geändert|letzte\s+änderung|zuletzt\s+geändert|обновлено|оновлено|zaktualizowano|aktualizováno"
    r"|güncellendi|güncelleme|uppdaterad"
    r"|opdateret|oppdatert|päivitetty|actualizaci[oó]n"
)
_PUB_LABEL_RE = re.compile(
    r"(?:originally\s+published|first\s+published|original(?:ly)?|published|publication\s+date"
    r"|pub\.?\s+date"
    r"|posted|released|issued|created|veröffentlicht|publié|publicado|pubblicato|gepubliceerd"
    + _MORE_PUB_LABELS + r")"
    r"(?:\s+(?:on|at|le|am|el|il|op|em|den|в|w|dne|on))?\s*[:\-–—]?\s*$",
    re.I,
)
_MOD_LABEL_RE = re.compile(
    r"(?:last\s+updated|updated|last\s+modified|modified|revised|aktualisiert"
    r"|zuletzt\s+aktualisiert"
    r"|mis\s+à\s+jour|mise\s+à\s+jour|actualizado|aggiornato|bijgewerkt"
    + _MORE_MOD_LABELS + r")"
    r"(?:\s+(?:on|at|le|am|el|il|op|em|den|в|w|dne))?\s*[:\-–—]?\s*$",
    re.I,
)
_LINE_PREFILTER_RE = re.compile(r"\d{4}|\bago\b|yesterday|today|\d\.\d{1,2}\.\d\d", re.I)
#: Forms only read inside a date-ish element (class/id says date, <time>): a two-digit year
#: (30.10.23) would be a version number in prose; CJK dates have no word boundary before them.
_SHORT_YEAR_RE = re.compile(r"(?<![\w/.-])\d{1,2}\.\d{1,2}\.\d{2}(?![\w-]|\.\d)")
_CJK_DATE_RE = re.compile(CJK_DATE + r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?")
_COPYRIGHT_RE = re.compile(r"©|\(c\)\s*\d{4}|copyright", re.I)
#: /2025/06/02/ (month and day 1-2 digits) followed by a slash, an extension or the end; a dashed
#: date not inside a longer number: -2025-06-02-; a compact date between separators: /20250602/.
#: A day glued to more words is no date: /2023/10/3-fragen-an-... is the third of a list.
_URL_DATE_RES = (
    re.compile(r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?=/|\.[a-z]{2,5}$|$)", re.I),
    re.compile(r"(?<!\d)((?:19|20)\d{2})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?!\d)"),
    re.compile(r"(?<=[/_-])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=[/_.-]|$)"),
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
    r"(?:^|[^a-z])(?:side[-_]?bar|sidebar|related|teaser|latest|"
    + r"promo(?!ted)"  # Drupal's "node-promoted" is the promoted article itself, not a promo
    + r"|recommend|trending|popular"
    r"|most[-_]?(?:read|viewed|popular)|more[-_]?(?:news|stories|articles)|widget|newsletter"
    r"|comment|advert|ads?(?:[-_]|$)|footer|nav|menu|cookie|carousel|outbrain|taboola"
    r"|read[-_]?(?:more|next)|up[-_]?next|you[-_]?may|also[-_]?like|rail(?:[-_]|$)|breaking"
    r"|ticker|marquee|masthead|top[-_]?bar|toolbar|breadcrumb|pagination|pager)",
)
#: What stays out even in lenient mode: other people's or other articles' dates.
_OTHERS_TOKEN_RE = re.compile(
    r"(?:^|[^a-z])(?:related|latest|recommend|trending|popular|most[-_]?(?:read|viewed|popular)"
    r"|more[-_]?(?:news|stories|articles)|comment|outbrain|taboola|read[-_]?(?:more|next)|up[-_]?next"
    r"|you[-_]?may|also[-_]?like|breaking|ticker)"
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


def find_dates(html: str | bytes | HtmlElement, url: str | None = None) -> tuple[str | None, str | None]:
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
        root = parse_html_plain(html) if isinstance(html, (str, bytes)) else html
        if root is None:
            return _url_only(url)
        return DateFinder(root, url).run()
    except Exception:  # robustness: a date finder must never break extraction of a page
        logger.warning("find_dates failed on %s", url, exc_info=True)
        return _url_only(url)


def _url_only(url: str | None) -> tuple[str | None, str | None]:
    return url_date(url), None


def url_date(url: str | None) -> str | None:
    """The date written in a URL's path, as written there (``2025/06/02``, ``20250602``), or None."""
    if not url:
        return None
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return None
    for pattern in _URL_DATE_RES:
        m = pattern.search(path)
        if m and parse_date(f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", default_tz="UTC", fallback=False):
            return m[0].lstrip("/")
    return None


def _attr_text(el: HtmlElement, name: str) -> str:
    value = el.get(name)
    return value.lower() if value else ""


class DateFinder:
    """One pass over a parsed page collecting date candidates with their context.

    The visible text of the page (minus excluded regions) is flattened into one string with a
    newline at every block boundary, so a "line" is one run of inline text: a byline, a
    dateline, a label and its date. Element-level candidates (``<time>``, ``itemprop``) are
    recorded during the walk at their offset in that string; line-level candidates (labelled
    or plain dates) are found afterwards with one regex pass over the short lines.
    """

    def __init__(
        self, root: HtmlElement, url: str | None, *, near: HtmlElement | None = None, lenient: bool = False
    ) -> None:
        """``near``: a headline already found; only its surroundings (:func:`headline_scope`)
        are read, a cheap cross-check for pages whose structured data gives a date.
        ``lenient``: the page's layout regions (``<aside>``, ``<footer>``, sidebar/teaser class
        names) are read too and a dateline opening a paragraph counts; what marks another
        article's date or no publication date stays out (links to other pages, "Related"/"Latest"
        sections, teaser lists, copyright lines, "Updated" labels). Only to confirm a day another
        method found (:func:`lenient_dates`)."""
        self.lenient = lenient
        self.root = root
        self.url = url
        lang = root.get("lang") or root.get("xml:lang")
        self.dayfirst = infer_dayfirst(lang, url)
        own = urlsplit(url) if url else None
        self._self_key = (own.netloc.lower(), own.path.rstrip("/")) if own else ("", "")
        self._link_cache: dict[str, bool] = {}
        self._cards_cache: dict[tuple[HtmlElement, object], bool] = {}
        self.h1 = near if near is not None else self._find_h1()
        self.h1_path: set[HtmlElement] = set()
        if self.h1 is not None:
            self.h1_path = {self.h1, *self.h1.iterancestors()}
        body = root.find("body")
        self.scope = headline_scope(near) if near is not None else (body if body is not None else root)
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
        """The article's headline: an <h1> (or an <h2>/<h3> that <title> confirms), not a logo;
        one inside a link (a teaser card's, even one repeating the page's title) loses to an
        equal one outside."""
        title = ""
        head = self.root.find("head")
        if head is not None:
            for value in head.xpath(
                "meta[@property='og:title' or @name='twitter:title']/@content | title/text()"
            ):
                title += " " + SPACE_RE.sub(" ", str(value)).strip().lower()
        best, best_score = None, (0, False)
        for h in self.root.iter("h1", "h2", "h3"):
            text = SPACE_RE.sub(" ", "".join(h.itertext())).strip().lower()
            if len(text) < 3:
                continue
            matches = len(text) >= 8 and (text in title or text[:40] in title)
            if h.tag in ("h2", "h3") and not matches:
                continue
            links = [*h.iterancestors("a"), *h.iter("a")]
            if any(_is_home_link(a) for a in links):
                continue  # the site logo
            score = (4 if matches else 2) + (h.tag == "h1")
            if any(self._excluded_self(a) for a in (h, *h.iterancestors())):
                score -= 2
            if (score, not links) > best_score:
                best, best_score = h, (score, not links)
        return best

    def _excluded_self(self, el: HtmlElement) -> bool:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _EXCLUDED_TAGS:
            return not _is_article_footer(el)
        if _attr_text(el, "role") in _EXCLUDED_ROLES:
            return True
        if tag in ("html", "body", "main", "article"):
            return False
        names = _attr_text(el, "class") + " " + _attr_text(el, "id")
        return names != " " and bool(_EXCLUDED_TOKEN_RE.search(names))

    def _others(self, el: HtmlElement) -> bool:
        """Lenient mode: a block of comments or of other articles (by its class/id)."""
        if el.tag in ("html", "body", "main", "article"):
            return False
        names = _attr_text(el, "class") + " " + _attr_text(el, "id")
        return names != " " and bool(_OTHERS_TOKEN_RE.search(names))

    def _mark_section_headings(self) -> None:
        """Exclude blocks introduced by a "Latest News" / "Related" style heading."""
        for el in self.scope.iter("h2", "h3", "h4", "h5", "h6", "p", "div", "span", "strong", "a"):
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
        cached = self._link_cache.get(href)  # menus repeat the same links
        if cached is None:
            cached = self._link_cache[href] = self._other_target(href)
        return cached

    def _other_target(self, href: str) -> bool:
        if href.startswith("/") and not href.startswith("//"):  # no urljoin for /path (cheaper)
            netloc, path = self._self_key[0], href.split("?", 1)[0].split("#", 1)[0]
        else:
            target = urlsplit(href if href.startswith(("http://", "https://")) else urljoin(self.url or "", href))
            netloc, path = target.netloc.lower(), target.path
        path = path.rstrip("/")
        if self.url and netloc == self._self_key[0]:
            # the article itself; its own section or the home page (/music/ above
            # /music/artist/album/); an author's page: a byline date often links to them
            if path == self._self_key[1] or self._self_key[1].startswith(path + "/"):
                return False
            if _AUTHOR_PATH_RE.search(path):
                return False
        # date archive pages (/2025/06/02/) are links a byline date commonly carries
        return not _ARCHIVE_PATH_RE.search(path)

    def _in_teaser_list(self, el: HtmlElement | None) -> bool:
        """Whether ``el`` sits in a list of 3+ sibling cards that each hold a link and a date."""
        depth = 0
        while el is not None and depth < 6 and el not in self.h1_path:
            parent = el.getparent()
            if parent is None:
                return False
            if (el.tag == "a" or el.find(".//a[@href]") is not None) and self._dated_cards(parent, el.tag):
                return True
            el = parent
            depth += 1
        return False

    # -- walk ---------------------------------------------------------------------------

    def run(self) -> tuple[str | None, str | None]:
        self.collect()
        return self._choose()

    def collect(self) -> None:
        self._walk(self.scope)
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
                or (not self.lenient and tag in _EXCLUDED_TAGS and not _is_article_footer(el))
                or (attrib and (self._others(el) if self.lenient else self._excluded_self(el)))
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
                # "Jane Doe</span><span>3.11.2023": a new element's text does not glue onto the
                # word before it (the page shows them apart)
                if self.chunks and el.text[:1].isalnum() and self.chunks[-1][-1:].isalnum():
                    self.chunks.append(" ")
                    self.length += 1
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
            if m and has_explicit_zone(m.group(0), dayfirst=self.dayfirst):
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
            if _COPYRIGHT_RE.search(stripped):
                prev_line = ""
                continue
            if len(stripped) > _MAX_LINE:
                # lenient: a dateline ("27.1.2022 - Bei der ...") opens a long paragraph
                if not self.lenient:
                    prev_line = ""
                    continue
                line = line[: len(line) - len(line.lstrip())] + stripped[:40]
                if not _VISIBLE_DATE_RE.match(stripped[:40]):
                    prev_line = ""
                    continue
            if not _LINE_PREFILTER_RE.search(line):  # no year, no "ago": no date (cheap test)
                prev_line = stripped
                continue
            for m in self._line_matches(line, starts, start):
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

    def _line_matches(self, line: str, starts: list[int], start: int) -> list[re.Match[str]]:
        """The visible-date regex, plus CJK dates and the forms read only in date-ish elements."""
        found = list(_VISIBLE_DATE_RE.finditer(line))
        found += _CJK_DATE_RE.finditer(line)
        for m in _SHORT_YEAR_RE.finditer(line):
            idx = bisect_right(starts, start + m.start()) - 1
            if idx >= 0 and self.hints[idx][2] and not any(f.start() <= m.start() < f.end() for f in found):
                found.append(m)
        return sorted(found, key=lambda m: m.start()) if len(found) > 1 else found

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
        if c.rank > 0 and self._in_headed_card(c.element):
            return False
        return not self._in_teaser_list(c.element)

    def _dated_cards(self, parent: HtmlElement, tag: object) -> bool:
        """Whether ``parent`` holds 3+ ``tag`` children that each hold a link and a date; once
        per (parent, tag): the candidates of a long table or list share their ancestors."""
        key = (parent, tag)
        found = self._cards_cache.get(key)
        if found is None:
            similar = 0
            for sib in parent:
                if sib.tag != tag or (tag != "a" and sib.find(".//a[@href]") is None):
                    continue
                text = " ".join(sib.itertext())
                # whitespace-collapsed: runs of spaces made the date regex backtrack for seconds
                # of CPU on some real pages; the cheap prefilter first
                if len(text) < 2000 and _LINE_PREFILTER_RE.search(text) and _VISIBLE_DATE_RE.search(
                    SPACE_RE.sub(" ", text)
                ):
                    similar += 1
                    if similar >= 3:
                        break
            found = self._cards_cache[key] = similar >= 3
        return found

    def _in_headed_card(self, el: HtmlElement | None) -> bool:
        """Whether ``el`` sits in a teaser card: its nearest ancestor that holds a heading does
        not hold the headline, and that heading links to another page. An unlabelled date there
        is that article's; a subheading of the article's own text links nowhere."""
        if el is None or self.h1 is None:
            return False
        for anc in (el, *el.iterancestors()):
            if anc in self.h1_path or anc.tag in ("body", "html"):
                return False
            heading = _HEADING_X(anc)
            if heading:
                links = [a for a in (*heading[0].iterancestors("a"), *heading[0].iter("a")) if a.get("href")]
                return any(self._is_other_link(a) for a in links)
        return False

    def ordered(self) -> list[_Candidate]:
        """Every candidate, most trusted first (rank, then distance to the headline)."""
        for c in self.candidates:
            c.distance = self._distance(c)
        return sorted(self.candidates, key=lambda c: (c.rank, c.distance, c.offset))

    def best_by_role(self) -> dict[str, _Candidate]:
        """The best acceptable candidate of each role (published / modified / unknown)."""
        best: dict[str, _Candidate] = {}
        for c in self.ordered():
            if c.role not in best and self._acceptable(c):
                best[c.role] = c
        return best

    def _choose(self) -> tuple[str | None, str | None]:
        best = self.best_by_role()
        pub, mod, unknown = best.get("published"), best.get("modified"), best.get("unknown")
        url_raw = url_date(self.url)
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


#: The headline's surroundings: up to this many levels above it, while this much text.
_SCOPE_LEVELS, _SCOPE_TEXT = 4, 3000


def headline_scope(h1: HtmlElement) -> HtmlElement:
    """The largest ancestor of the headline (at most four levels up, below ``<body>``)
    holding at most 3,000 characters of text: where its byline and dateline are."""
    parent = h1.getparent()
    cur = parent if parent is not None else h1
    for _ in range(_SCOPE_LEVELS - 1):
        up = cur.getparent()
        if up is None or up.tag in ("body", "html") or _text_longer_than(up, _SCOPE_TEXT):
            break
        cur = up
    return cur


def _is_article_footer(el: HtmlElement) -> bool:
    """A ``<footer>`` inside ``<article>`` is the article's own footer (HTML: "information
    about its section such as who wrote it ... copyright data"), not the site footer."""
    return el.tag == "footer" and any(a.tag == "article" for a in el.iterancestors())


def _is_masthead(header: HtmlElement) -> bool:
    """A site ``<header>`` outside ``<article>``/``<main>`` (it often shows today's date)."""
    return not any(a.tag in ("article", "main") for a in header.iterancestors())


def _is_home_link(a: HtmlElement) -> bool:
    href = (a.get("href") or "").strip()
    return bool(href) and urlsplit(href).path in ("", "/") and not href.startswith("#")


_ISO_NAIVE_TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?")


_HEADING_X = XPath("descendant::*[self::h1 or self::h2 or self::h3 or self::h4][1]")
_ARCHIVE_PATH_RE = re.compile(r"/(?:19|20)\d{2}/\d{1,2}(?:/\d{1,2})?/?$")
#: An author's or user's page (/author/jane-doe, /user/jdoe.html): a byline links there.
_AUTHOR_PATH_RE = re.compile(r"/(?:authors?|autor(?:en)?|auteur|users?|profiles?|profil)/[^/]+$", re.I)
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


def lenient_dates(root: HtmlElement, url: str | None, day: str | None) -> tuple[str | None, str | None]:
    """With the lenient finder (any distance from the headline): a date labelled as the
    publication date ("Erschienen am: 01.11.2023" in a block the strict finder skips), and the raw
    string of a date the page shows for ``day`` (YYYY-MM-DD) where a reader would take it for the
    page's own; each None when absent."""
    finder = DateFinder(root, url, lenient=True)
    finder.collect()
    labelled = shown = None
    for c in finder.ordered():
        if c.role == "modified" or finder._in_teaser_list(c.element):
            continue
        if labelled is None and c.role == "published" and c.rank == 0:
            labelled = c.raw
        if shown is None and day is not None and c.parsed.value[:10] == day:
            shown = c.raw
        if labelled is not None and (shown is not None or day is None):
            break
    return labelled, shown


# -- statements outside the visible text: meta keys, microdata, RDFa ----------------------------

_KEY_SPLIT_RE = re.compile(r"[:._\-\s]+")
_PUB_WORDS = frozenset(
    "published publish pub pubdate publishdate publishtime publishedtime publication issued created "
    "datepublished datecreated dateissued release released releasedate posted firstpublished "
    "uploaded uploaddate".split()
)
_MOD_WORDS = frozenset(
    "modified updated update modify lastmod lastmodified datemodified revised revision edited "
    "expires expiry expiration end".split()
)
#: Date keys that do not say which date they hold (TYPO3 writes the last change in "date").
_GENERIC_DATE_KEYS = frozenset({"date", "dc.date", "dcterms.date", "dc:date", "dcterms:date", "dc.date.available"})
#: Well-known keys, read first and in this order.
_KNOWN_PUB_KEYS = (
    "article:published_time", "og:article:published_time", "citation_publication_date", "citation_date",
    "citation_online_date", "dc.date.issued", "dcterms.issued", "dcterms.created", "dc.date.created",
    "datepublished", "pubdate", "publishdate", "publish-date", "publish_date", "parsely-pub-date", "sailthru.date",
)  # fmt: skip
_KNOWN_MOD_KEYS = (
    "article:modified_time", "og:article:modified_time", "og:updated_time", "datemodified", "dcterms.modified",
    "dc.date.modified", "last-modified",
)  # fmt: skip


def meta_kind(key: str) -> str:
    """What a (lower-cased) meta key's words say its date is: "published", "modified",
    "generic" (a date of unstated meaning) or "" (not a date key)."""
    if key in _GENERIC_DATE_KEYS:
        return "generic"
    words = set(_KEY_SPLIT_RE.split(key))
    if words & _MOD_WORDS:
        return "modified"
    if words & _PUB_WORDS:
        return "published"
    return ""


def meta_dates(values: dict[str, list[str]]) -> tuple[list[str], list[str], list[str]]:
    """Raw values of the meta keys that say published, of the generic date keys and of the keys
    that say modified (well-known keys first), from ``{key: [content, ...]}``."""
    published = [v for k in _KNOWN_PUB_KEYS for v in values.get(k, ()) if v]
    modified = [v for k in _KNOWN_MOD_KEYS for v in values.get(k, ()) if v]
    generic: list[str] = []
    for key, vals in values.items():
        if key in _KNOWN_PUB_KEYS or key in _KNOWN_MOD_KEYS:
            continue
        kind = meta_kind(key)
        target = published if kind == "published" else generic if kind == "generic" else None
        if kind == "modified":
            target = modified
        if target is not None:
            target.extend(v for v in vals if v)
    return published, generic, modified


_DATE_ATTRS_X = XPath("//@itemprop | //@property | //time/@pubdate")
_IN_OTHER_X = XPath(
    "ancestor::*[self::nav or self::aside or self::footer[not(ancestor::article)]"
    " or contains(@class, 'comment') or contains(@class, 'related') or contains(@class, 'teaser')]"
)


def markup_published(tree: HtmlElement) -> list[str]:
    """``itemprop=datePublished``/``dateCreated``, ``<time pubdate>`` and RDFa
    ``property=datePublished`` outside navigation, sidebars, comments and related-article
    blocks. ``<meta itemprop>`` is left to the meta tags (one statement, one vote)."""
    found: list[str] = []
    for attr in _DATE_ATTRS_X(tree):
        el = attr.getparent()
        if el is None:
            continue
        if attr.attrname != "pubdate":
            value = attr.lower()
            if "datepublished" not in value and "datecreated" not in value:
                continue
            if el.tag == "meta" or (attr.attrname == "property" and el.get("content") is None):
                continue
        if _IN_OTHER_X(el):
            continue
        text = el.get("content") or el.get("datetime") or SPACE_RE.sub(" ", "".join(el.itertext())).strip()
        if text:
            found.append(text)
    return found
