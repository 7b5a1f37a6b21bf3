"""``ArticlePage``: the page object that turns one fetched page into a raw Article item.

web-poet style: one method per output field, ``to_item()`` assembles them. No Scrapy import, no
I/O: it runs the same on a live response and on a saved file. The page is decoded and parsed
once; JSON-LD, ``__NEXT_DATA__`` and meta tags are read once and shared by all fields.

Structured data may describe other articles too (rails of full documents in the Next.js data,
related articles in JSON-LD): only the page's own document is read (:mod:`.structured.own`).
Precedence, field by field: JSON-LD > Next.js data > meta tags > visible page; the headline is
cross-checked between its sources (:mod:`newscrawl.extract.crosscheck`) and the publication date
chosen by a vote of every statement the page makes about it (:mod:`newscrawl.extract.dates.choose`):
the sources that agree with each other win. :meth:`ArticlePage.provenance` says which
source gave each field and which sources agree or disagree. Values are raw (dates are not
normalised, the body may still hold boilerplate); later pipeline stages clean them. No method
raises: a failing field logs a warning and yields its empty value.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

from htmldate import find_date
from lxml.html import HtmlElement

from newscrawl.extract.body import Body, extract_body
from newscrawl.extract.crosscheck import FieldCheck, cross_check
from newscrawl.extract.dates.choose import SOURCES, Choice, Evidence, choose_published, settled, statements
from newscrawl.extract.dates.find import DateFinder, lenient_dates, markup_published, meta_dates, url_date
from newscrawl.extract.dates.parse import DEFAULT_TIMEZONE, infer_dayfirst, parse_date
from newscrawl.extract.parsing import element_text, parse_html
from newscrawl.extract.structured.jsonld import (
    GALLERY_TYPES,
    PODCAST_TYPES,
    VIDEO_TYPES,
    JsonLd,
    extract_jsonld,
    split_keywords,
)
from newscrawl.extract.structured.meta import Meta, extract_meta, is_site_name, resolve_canonical, strip_title_suffix
from newscrawl.extract.structured.names import is_degree, split_byline
from newscrawl.extract.structured.nextjs import NextData, extract_nextjs
from newscrawl.extract.structured.own import PageEvidence, same_title
from newscrawl.extract.structured.visible import (
    find_byline_authors,
    find_h1,
    find_html_breadcrumbs,
)
from newscrawl.extract.text import clean_text, decode_html, dedupe, output_value, strip_markup

logger = logging.getLogger(__name__)

T = TypeVar("T")

PAGE_TYPES = ("article", "video", "podcast", "slideshow", "other")
#: A body at least this long makes a page an article even without article markup.
MIN_ARTICLE_BODY = 500
#: Portable Text this long is an article body, not a teaser card's summary.
MIN_PORTABLE_TEXT_ARTICLE = 200

def _field(default: Callable[[], Any]) -> Callable[[Callable[[ArticlePage], T]], Callable[[ArticlePage], T]]:
    """Make a field method total: on any exception log it and return ``default()``, the field's
    empty value (None, [] or "other")."""

    def decorate(method: Callable[[ArticlePage], T]) -> Callable[[ArticlePage], T]:
        @functools.wraps(method)
        def wrapper(self: ArticlePage) -> T:
            try:
                return method(self)
            except Exception:  # one bad field must not lose the page
                logger.warning("extracting %s failed on %s", method.__name__, self.url, exc_info=True)
                return default()

        return wrapper

    return decorate


def _header(headers: Mapping[str, Any] | None, name: str) -> str | None:
    """Case-insensitive header value; accepts str/bytes values or lists of them (Scrapy Headers)."""
    if not headers:
        return None
    for key, value in headers.items():
        key = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if key.lower() != name:
            continue
        if isinstance(value, (list, tuple)):
            value = value[0] if value else None
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        return value if isinstance(value, str) else None
    return None


class ArticlePage:
    """One fetched page; ``to_item()`` gives the raw Article fields (the README's "Output" field
    table; ``newscrawl/schema/article.schema.json`` is the exported line's schema)."""

    def __init__(
        self,
        url: str,
        body: bytes | str,
        *,
        encoding: str | None = None,
        headers: Mapping[str, str] | None = None,
        timezone: str = DEFAULT_TIMEZONE,
    ) -> None:
        self.url = url
        #: the site's zone (``NEWSCRAWL_TIMEZONE``): the day a UTC timestamp falls on there
        self.timezone = timezone
        self._raw = body if body is not None else b""
        self._encoding = encoding
        self._content_type = _header(headers, "content-type")

    # -- shared, computed once --------------------------------------------------------------

    @cached_property
    def html(self) -> str:
        """The page as text (see :func:`newscrawl.extract.text.decode_html`)."""
        try:
            return decode_html(self._raw, encoding=self._encoding, content_type=self._content_type)
        except Exception:  # a page that cannot be decoded still yields an item
            logger.warning("decoding failed on %s", self.url, exc_info=True)
            return self._raw.decode("utf-8", "replace") if isinstance(self._raw, bytes) else str(self._raw)

    @cached_property
    def tree(self) -> HtmlElement:
        return parse_html(self.html)

    @cached_property
    def jsonld(self) -> JsonLd:
        try:
            return extract_jsonld(self.tree, self.evidence)
        except Exception:  # one failing source must not lose the other fields
            logger.warning("JSON-LD extraction failed on %s", self.url, exc_info=True)
            return JsonLd()

    @cached_property
    def nextjs(self) -> NextData:
        try:
            return extract_nextjs(self.tree, self.evidence)
        except Exception:  # one failing source must not lose the other fields
            logger.warning("__NEXT_DATA__ extraction failed on %s", self.url, exc_info=True)
            return NextData()

    @cached_property
    def meta(self) -> Meta:
        try:
            return extract_meta(self.tree)
        except Exception:  # one failing source must not lose the other fields
            logger.warning("meta extraction failed on %s", self.url, exc_info=True)
            return Meta()

    @cached_property
    def host(self) -> str:
        try:
            return urlsplit(self.url).hostname or ""
        except ValueError:
            return ""

    @cached_property
    def site_names(self) -> list[str]:
        return [n for n in (self.meta.first("og:site_name"), self.meta.first("application-name")) if n]

    @cached_property
    def h1(self) -> HtmlElement | None:
        """The main ``<h1>``, found with the titles of the meta tags (not with the structured
        data's headline: the h1 is one of the witnesses that tell the page's own document)."""
        try:
            return find_h1(self.tree, [self.meta.first("og:title", "twitter:title"), self.meta.title])
        except Exception:  # one failing source must not lose the other fields
            logger.warning("h1 lookup failed on %s", self.url, exc_info=True)
            return None

    @cached_property
    def _h1_text(self) -> str | None:
        return element_text(self.h1) if self.h1 is not None else None

    @cached_property
    def shown_titles(self) -> dict[str, str]:
        """The titles the page shows, by source: ``og_title`` (or twitter:title),
        ``citation_title`` (or dc.title), ``title`` (``<title>`` less the site name), ``h1``."""
        raw = {
            "og_title": self.meta.first("og:title", "twitter:title"),
            "citation_title": self.meta.first("citation_title", "dc.title"),
            "title": self.meta.title,
            "h1": self._h1_text,
        }
        return {src: t for src, t in ((src, self._strip_title(v)) for src, v in raw.items()) if t}

    def _strip_title(self, title: str | None) -> str | None:
        return strip_title_suffix(title, site_names=self.site_names, references=[self._h1_text], host=self.host)

    @cached_property
    def evidence(self) -> PageEvidence:
        """The page's URLs (fetched, canonical) and shown titles: what tells its own document
        from the other articles its structured data describes."""
        return PageEvidence.build([self.url, self.canonical_url()], self.shown_titles.values())

    @cached_property
    def _body_result(self) -> Body | None:
        return self.body()

    def _ld(self, name: str) -> Any:
        """A JSON-LD field of the main object; on a video/podcast/slideshow page whose main
        object lacks it, the media object's value (e.g. a VideoObject's ``uploadDate``)."""
        value = getattr(self.jsonld, name)
        media = self.jsonld.media
        if not value and media is not None and self.page_type() in ("video", "podcast", "slideshow"):
            value = getattr(media, name)
        return value

    def _is_site_name(self, name: str) -> bool:
        return is_site_name(name, site_names=self.site_names, host=self.host)

    def _absolute(self, link: str | None) -> str | None:
        if not link:
            return None
        try:
            return urljoin(self.url, link.strip())
        except ValueError:
            return None

    # -- fields -----------------------------------------------------------------------------

    @_field(lambda: None)
    def canonical_url(self) -> str:
        """``rel=canonical``, else ``og:url``, when on the same registrable domain; else the URL."""
        return resolve_canonical(self.url, [self.meta.canonical, self.meta.first("og:url")])

    @cached_property
    def _headline_check(self) -> FieldCheck:
        """The headline cross-checked between JSON-LD, the Next.js document and the shown titles."""
        shown = self.shown_titles
        candidates = [
            ("jsonld", self._strip_title(self._ld("headline"))),
            ("nextjs", self._strip_title(self.nextjs.headline)),
            *shown.items(),
        ]
        check = cross_check(candidates, same_title)
        best = check.value
        if best and best.endswith(("...", "…")):  # JSON-LD headlines are often cut at 110 characters
            stem = best.rstrip(".… ")
            whole = [v for v in (check.values[s] for s in check.agree[1:]) if v.startswith(stem) and len(v) > len(stem)]
            if whole:
                check = dataclasses.replace(check, value=whole[0])
        return check

    @_field(lambda: None)
    def headline(self) -> str | None:
        return self._headline_check.value

    @_field(lambda: None)
    def description(self) -> str | None:
        return (
            self._ld("description")
            or self.nextjs.description
            or self.meta.first("og:description", "description", "twitter:description", "dc.description")
        )

    @cached_property
    def _authors_found(self) -> tuple[str | None, list[str]]:
        """(source, names): JSON-LD, the Next.js document, meta tags, else the visible byline."""
        for source, read in (("jsonld", lambda: self._ld("authors")), ("nextjs", lambda: self.nextjs.authors),
                             ("meta", self._meta_authors), ("byline", self._byline_authors)):
            names = read()
            if names:
                return source, names
        return None, []

    @_field(list)
    def authors(self) -> list[dict[str, str]]:
        return [{"name": n} for n in self._authors_found[1]]

    def _meta_authors(self) -> list[str]:
        names: list[str] = []
        for value in self.meta.all("article:author", "author", "dc.creator", "parsely-author", "sailthru.author"):
            if "://" not in value and not value.startswith("www."):
                names.extend(split_byline(value))
        for value in self.meta.all("citation_author"):
            names.extend(split_byline(_citation_name(value)))
        return dedupe(n for n in names if not self._is_site_name(n))

    def _byline_authors(self) -> list[str]:
        return [n for n in find_byline_authors(self.tree, self.h1) if not self._is_site_name(n)]

    # -- dates: every statement of the page, then a vote (newscrawl.extract.dates.choose) ----

    @cached_property
    def _dayfirst(self) -> bool:
        return infer_dayfirst(self.in_language(), self.url)

    def _statements(self, source: str, *raws: str | None) -> list[Evidence]:
        return statements(source, raws, zone=self.timezone, dayfirst=self._dayfirst)

    @cached_property
    def _structured_dates(self) -> tuple[list[Evidence], list[tuple[str, str]]]:
        """Publication-date statements that need no walk of the visible page, and the
        (source, raw) modification dates of the same sources, most trusted first."""
        published, generic, modified = meta_dates(self.meta.values)
        found = [
            *self._statements("jsonld" if self.jsonld.has_article else "jsonld-other", self._ld("date_published")),
            *self._statements("nextjs", self.nextjs.date_published),
            *self._statements("meta", *published),
            *self._statements("markup", *markup_published(self.tree)),
            *self._statements("url", url_date(self.url)),
            *self._statements("meta-generic", *generic),
        ]
        changed = [("jsonld", self._ld("date_modified")), ("nextjs", self.nextjs.date_modified),
                   *(("meta", raw) for raw in modified)]
        return found, [(source, raw) for source, raw in changed if raw]

    @cached_property
    def _visible_dates(self) -> tuple[list[Evidence], str | None]:
        """What the visible page shows: its best published and best unlabelled date as
        statements, and its best "updated" date. Walked only when the structured sources do not
        settle the day; with structured dates, only the headline's surroundings are read first."""
        found = self._structured_dates[0]
        if settled(found, self.timezone):
            return [], None
        near = self.h1 if any(e.parsed for e in found) else None
        shown, modified = self._walk_dates(near)
        if not shown and near is not None:
            shown, modified = self._walk_dates(None)
        return shown, modified

    def _walk_dates(self, near: HtmlElement | None) -> tuple[list[Evidence], str | None]:
        finder = DateFinder(self.tree, self.url, near=near)
        finder.collect()
        best = finder.best_by_role()
        shown: list[Evidence] = []
        for role in ("published", "unknown"):
            c = best.get(role)
            if c is not None:
                source = "visible-labelled" if role == "published" else _RANK_SOURCE[c.rank]
                shown.extend(self._statements(source, c.raw))
        modified = best.get("modified")
        return shown, modified.raw if modified is not None else None

    def _fallback_dates(self) -> list[Evidence]:
        """htmldate's day, as a last resort: taken (with the string the page shows) only when
        the page shows that day where a reader takes it for the page's own; else only a vote.
        A date labelled as the publication date in a block the strict finder skips comes too."""
        day = find_date(self.tree, url=self.url, extensive_search=True, original_date=True)
        labelled, shown = lenient_dates(self.tree, self.url, day)
        found = self._statements("visible-lenient-labelled", labelled)
        if shown:
            found += self._statements("htmldate", shown)
        elif day:
            found += statements("htmldate-vote", [day], zone=self.timezone, dayfirst=False)
        return found

    @cached_property
    def date_choice(self) -> Choice:
        """The publication date chosen from every statement of the page (``docs/dates.md``)."""
        found = self._structured_dates[0] + self._visible_dates[0]
        choice = choose_published(found)
        if choice.raw is None:
            try:
                extra = self._fallback_dates()
            except Exception:  # a library failure must not lose the page's other fields
                logger.warning("htmldate failed on %s", self.url, exc_info=True)
                extra = []
            if extra:
                choice = choose_published(found + extra)
        return choice

    @cached_property
    def _published_check(self) -> FieldCheck:
        """The vote in the shape of the headline's cross-check, for :meth:`provenance`."""
        choice = self.date_choice
        values: dict[str, str] = {}
        for e in sorted(choice.found, key=lambda e: e.priority):
            values.setdefault(e.source, e.raw)
        agree = sorted(choice.support, key=lambda source: (source != choice.source, SOURCES[source][1]))
        return FieldCheck(choice.raw, choice.source, tuple(agree), choice.against, values, choice.notes)

    def _published_provenance(self) -> dict[str, Any]:
        """The vote as a cross-check, plus ``offset`` when the page implies the zone of a kept
        local time (the normaliser reads it: :class:`~newscrawl.extract.dates.DateNormalizer`)."""
        found = self._published_check.as_dict()
        if self.date_choice.offset:
            found["offset"] = self.date_choice.offset
        return found

    @_field(lambda: None)
    def date_published_raw(self) -> str | None:
        """The chosen statement's raw string, as the page (or its URL) writes it."""
        return self.date_choice.raw

    @cached_property
    def _modified(self) -> tuple[str | None, str | None]:
        """(source, raw) of the modification date: the own JSON-LD article's or Next.js
        document's, else meta keys that say modified/updated, else the "Updated" date the page
        shows by the headline; the first that reads as a date, else the first."""
        found = self._structured_dates[1] or [("visible", raw) for raw in [self._visible_dates[1]] if raw]
        readable = (f for f in found if parse_date(f[1], default_tz=self.timezone, dayfirst=self._dayfirst))
        return next(readable, found[0] if found else (None, None))

    @_field(lambda: None)
    def date_modified_raw(self) -> str | None:
        return self._modified[1]

    def structured_bodies(self) -> list[Body]:
        """Body candidates from structured data, best-trusted first."""
        out: list[Body] = []
        if self.nextjs.body:
            out.append(Body(self.nextjs.body, "nextjs-portable-text"))
        if self.jsonld.article_body:
            out.append(Body(self.jsonld.article_body, "jsonld"))
        return out

    @_field(lambda: None)
    def body(self) -> Body | None:
        """Structured candidates handed to :func:`newscrawl.extract.body.extract_body`, which
        decides between them and a generic HTML extraction."""
        candidates = self.structured_bodies()
        try:
            body = extract_body(self.tree, self.url, structured=candidates)
            return Body(strip_markup(body.text), body.method) if body is not None else None
        except Exception:  # one failing source must not lose the other fields
            logger.warning("extract_body failed on %s", self.url, exc_info=True)
            return candidates[0] if candidates else None

    @_field(lambda: None)
    def article_body(self) -> str | None:
        return self._body_result.text if self._body_result is not None else None

    @_field(lambda: None)
    def body_method(self) -> str | None:
        return self._body_result.method if self._body_result is not None else None

    @cached_property
    def _breadcrumbs(self) -> list[dict[str, str | None]]:
        crumbs = self.jsonld.breadcrumbs or find_html_breadcrumbs(self.tree)
        return [{"name": c["name"], "url": self._absolute(c.get("url"))} for c in crumbs]

    @_field(list)
    def breadcrumbs(self) -> list[dict[str, str | None]]:
        """JSON-LD BreadcrumbList, else microdata / ``aria-label=breadcrumb`` markup; URLs absolute."""
        return [dict(c) for c in self._breadcrumbs]

    @cached_property
    def _section_found(self) -> tuple[str | None, str | None]:
        """(source, section): articleSection, else ``article:section``, else the last
        breadcrumb before the article."""
        if self.jsonld.section:
            return "jsonld", self.jsonld.section
        meta = self.meta.first("article:section")
        if meta:
            return "meta", meta
        crumbs = self.breadcrumbs()
        if crumbs:
            last = crumbs[-1]
            last_name = last["name"] or ""  # never empty: a crumb without a name is skipped
            headline = (self.headline() or "").casefold()
            here = {self.url.rstrip("/"), self.canonical_url().rstrip("/")}
            if (last["url"] or "").rstrip("/") in here or last_name.casefold() == headline or len(last_name) > 80:
                crumbs = crumbs[:-1]
        if crumbs and not (len(crumbs) == 1 and (crumbs[0]["name"] or "").casefold() in {"home", "homepage", "start"}):
            return "breadcrumbs", crumbs[-1]["name"]
        return None, None

    @_field(lambda: None)
    def section(self) -> str | None:
        """articleSection, else ``article:section``, else the last breadcrumb before the article."""
        return self._section_found[1]

    @_field(list)
    def keywords(self) -> list[str]:
        return (
            self.jsonld.keywords
            or dedupe(clean_text(t) for t in self.meta.all("article:tag") if clean_text(t))
            or split_keywords(self.meta.all("news_keywords", "keywords"))
        )

    @_field(lambda: None)
    def in_language(self) -> str | None:
        lang = (
            self.jsonld.in_language
            or self.meta.lang
            or self.meta.first("og:locale", "content-language", "dc.language", "citation_language")
        )
        return lang.replace("_", "-") if lang else None

    @_field(lambda: None)
    def main_image(self) -> dict[str, str] | None:
        link = self._ld("image") or self.meta.first(
            "og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"
        )
        absolute = self._absolute(link)
        return {"url": absolute} if absolute else None

    @_field(lambda: "other")
    def page_type(self) -> str:
        """article / video / podcast / slideshow / other, from JSON-LD types, ``og:type`` and,
        failing those, whether the page has a substantial body.

        A media type that WebPage.mainEntity names wins; then a JSON-LD article object; then
        ``og:type`` (an article page may embed a VideoObject); then media types anywhere in
        JSON-LD; then Portable Text longer than a teaser summary, or a long body, makes an article.
        """
        media = _media_type(self.jsonld.main_entity_types)
        if media:
            return media
        if self.jsonld.has_article:
            return "article"
        og_type = (self.meta.first("og:type") or "").lower()
        if og_type.startswith("video"):
            return "video"
        if og_type.startswith(("music", "podcast", "audio")):
            return "podcast"
        if og_type in ("article", "newsarticle", "blog", "blogposting"):
            return "article"
        media = _media_type(self.jsonld.types)
        if media:
            return media
        if self.nextjs.body and len(self.nextjs.body) >= MIN_PORTABLE_TEXT_ARTICLE:
            return "article"
        body = self._body_result
        if body is not None and len(body.text) >= MIN_ARTICLE_BODY:
            return "article"
        return "other"

    def provenance(self) -> dict[str, Any]:
        """Where each field came from, for ``newscrawl doctor``, the drift alarms and the crawl's
        check counts (docs/own-article.md describes it in full)::

            {"documents": {"jsonld": "url", "nextjs": "absent"},   # how the own document was found
             "headline": {"source": "jsonld", "agree": ["jsonld", "og_title", "title", "h1"],
                          "disagree": [], "values": {"jsonld": "...", ...}},
             "datePublished": {...same shape, plus "notes": ["utc_shifted"] when the vote met any,
                               and "offset": "-06:00" when the page implies a local time's zone},
             "dateModified": {"source": "jsonld"}, "authors": {"source": "nextjs"},
             "section": {"source": "breadcrumbs"}, "articleBody": {"source": "nextjs-portable-text"}}

        JSON-serialisable; never raises (a failing part is left out with a warning).
        """
        out: dict[str, Any] = {}
        parts: dict[str, Callable[[], Any]] = {
            "documents": lambda: {"jsonld": self.jsonld.own, "nextjs": self.nextjs.own},
            "headline": lambda: self._headline_check.as_dict(),
            "datePublished": self._published_provenance,
            "dateModified": lambda: {"source": self._modified[0]},
            "authors": lambda: {"source": self._authors_found[0]},
            "section": lambda: {"source": self._section_found[0]},
            "articleBody": lambda: {"source": self.body_method()},
        }
        for name, part in parts.items():
            try:
                out[name] = part()
            except Exception:  # a failing part must not lose the others
                logger.warning("provenance of %s failed on %s", name, self.url, exc_info=True)
        return out

    def to_item(self) -> dict[str, Any]:
        """The raw item; keys as in the README's "Output" field table, plus the internal
        ``pageType`` and ``provenance`` (:meth:`provenance`), never exported.

        Every string in it is fit for consumers (:func:`newscrawl.extract.text.output_value`):
        whatever control characters or bidi overrides the page carried, none reaches the output.
        """
        item = {
            "url": self.url,
            "canonicalUrl": self.canonical_url() or self.url,
            "headline": self.headline(),
            "description": self.description(),
            "authors": self.authors(),
            "datePublishedRaw": self.date_published_raw(),
            "dateModifiedRaw": self.date_modified_raw(),
            "articleBody": self.article_body(),
            "bodyMethod": self.body_method(),
            "section": self.section(),
            "breadcrumbs": self.breadcrumbs(),
            "keywords": self.keywords(),
            "inLanguage": self.in_language(),
            "mainImage": self.main_image(),
            "pageType": self.page_type(),
            "provenance": self.provenance(),
        }
        return {name: output_value(value, multiline=name == "articleBody") for name, value in item.items()}


def _media_type(types: Any) -> str | None:
    types = set(types)
    if types & VIDEO_TYPES:
        return "video"
    if types & PODCAST_TYPES:
        return "podcast"
    if types & GALLERY_TYPES:
        return "slideshow"
    return None


_RANK_SOURCE = {0: "visible-labelled", 1: "visible-element", 2: "visible-plain"}


def _citation_name(value: str) -> str:
    """``citation_author`` is often "Family, Given": turn it into "Given Family"."""
    family, sep, given = value.partition(",")
    if sep and given.strip() and "," not in given and not all(
        is_degree(t) for t in given.split()
    ):
        return f"{given.strip()} {family.strip()}"
    return value
