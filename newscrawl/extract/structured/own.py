"""Which of several structured documents is the page's own article.

A page's structured data often describes more than its own article: Next.js data carries
"Latest News" and "Related" rails of full CMS documents (titles, slugs, dates, even bodies),
and JSON-LD may hold related ``NewsArticle`` objects, an ``ItemList`` of teasers or an embedded
``VideoObject``. The readers (:mod:`.jsonld`, :mod:`.nextjs`) describe each article-like object
as a :class:`Candidate`; :func:`choose_own` picks the page's own one, or none:

1. a candidate whose URL, path, slug or id names the page (its fetched or canonical URL; a
   URL on another host or under another prefix with the same last path segment counts: a
   syndicated or regional copy of the article);
2. else one whose title is a title the page shows (``og:title``, ``<title>`` less the site
   name, the main ``<h1>``), unless its URL names another page: titles repeat across
   articles (recurring columns, several stories on one trial), URLs do not;
3. else the only *prominent* candidate (a top-level JSON-LD node or main entity, a Next.js
   document outside any list of several) whose URL does not name another page, unless its
   title disagrees with every title the page shows;
4. else none: with several candidates and no evidence, no value beats another article's.

Pure: no Scrapy, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from newscrawl.extract.text import clean_text, comparison_key

Relation = Literal["match", "mismatch", "unknown"]
TitleRelation = Literal["agree", "disagree", "unknown"]

#: How the own document was found (:func:`choose_own`): by its URL, by its title, as the only
#: prominent candidate; or not: "others" (every candidate is another article: listed in a rail,
#: or naming another URL), "ambiguous" (prominent candidates none of which could be told the
#: page's own), "absent" (no candidate at all).
Found = Literal["url", "title", "only", "others", "ambiguous", "absent"]

_ELLIPSES = ("...", "…")
#: A title cut short, or found inside a longer one, must keep at least this many letters and
#: digits to count as the same title.
_MIN_TITLE_KEY = 20
#: A last path segment this long names an article on any host or under any prefix.
_MIN_SLUG = 12
#: Ids shorter than this (years, small integers) are too likely to appear in a URL by chance.
_MIN_ID_LENGTH = 5
#: A trailing id or extension on a page's last path segment ("slug-123456", "slug.html").
_TRAILING_ID_RE = re.compile(r"[-_.](?:\d{4,}|(?=[0-9a-f]*\d)[0-9a-f]{6,})$|\.s?html?$|\.php$")


@lru_cache(maxsize=4096)
def title_key(text: str | None) -> str:
    """Letters and digits only, case folded: "Dato-DXd’s Gains" and "dato dxd's gains" agree.
    Cached: a page compares the same few titles many times."""
    return comparison_key(clean_text(text)).replace(" ", "") if text else ""


@lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    return clean_text(text).casefold()


def same_title(a: str | None, b: str | None) -> bool:
    """Whether two titles name the same article: equal letters and digits; or one cut with an
    ellipsis is the start of the other; or one (of at least 20 letters and digits) begins or
    ends the other at a word boundary: "Headline | Site", "Section: Headline", an ``<h1>``
    holding a kicker and the headline."""
    if not a or not b:
        return False
    ka, kb = title_key(a), title_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    for cut, full in ((a, kb), (b, ka)):
        stripped = cut.rstrip()
        if stripped.endswith(_ELLIPSES):
            stem = title_key(stripped.rstrip(".… "))
            if len(stem) >= _MIN_TITLE_KEY and full.startswith(stem):
                return True
    short, long_ = sorted((_folded(a), _folded(b)), key=len)
    if len(title_key(short)) < _MIN_TITLE_KEY:
        return False
    if long_.startswith(short):
        return not long_[len(short)].isalnum()
    if long_.endswith(short):
        return not long_[-len(short) - 1].isalnum()
    return False


def _path_key(url: str) -> str:
    """A URL's path, lower-cased, without a trailing slash; "" for the site root."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    return path.lower().rstrip("/")


@dataclass(frozen=True)
class PageEvidence:
    """What identifies the page: the paths of its fetched and canonical URLs and the titles it
    shows. Built by the page object and handed to the readers of structured data."""

    base_url: str = ""
    paths: frozenset[str] = frozenset()
    titles: tuple[str, ...] = ()

    @classmethod
    def build(cls, urls: Iterable[str | None], titles: Iterable[str | None] = ()) -> PageEvidence:
        """``urls``: the fetched URL first, then the canonical URL(s); ``titles``: the page's
        shown titles (og:title, ``<title>`` less the site name, the main h1)."""
        given = [u for u in urls if u]
        paths = frozenset(p for p in (_path_key(u) for u in given) if p)
        shown = tuple(dict.fromkeys(t for t in (clean_text(t) for t in titles if t) if title_key(t)))
        return cls(given[0] if given else "", paths, shown)

    @property
    def slugs(self) -> frozenset[str]:
        """Last path segments, as they are and without a trailing id or ``.html``."""
        out: set[str] = set()
        for path in self.paths:
            last = path.rsplit("/", 1)[-1]
            if last:
                out.add(last)
                out.add(_TRAILING_ID_RE.sub("", last))
        return frozenset(s for s in out if s)

    def url_relation(self, values: Iterable[Any]) -> Relation:
        """Whether URLs, paths or slugs an object gives for itself name this page: "match" if
        any does, "mismatch" if some are given and none does, "unknown" if none is given."""
        if not self.paths:
            return "unknown"
        seen = False
        for value in values:
            if not isinstance(value, str) or not value.strip() or value.strip().startswith("#"):
                continue
            value = value.strip()
            if value.startswith(("http:", "https:", "/")):
                path = _path_key(urljoin(self.base_url, value) if self.base_url else value)
                if not path:  # the site's root names no article
                    continue
                seen = True
                last = path.rsplit("/", 1)[-1]
                if path in self.paths or (len(last) >= _MIN_SLUG and last in self.slugs):
                    return "match"
                continue
            seen = True
            if "/" in value:  # a path relative to the site: "news/2025/slug"
                tail = "/" + value.lower().strip("/")
                if any(p.endswith(tail) for p in self.paths):
                    return "match"
            elif value.lower() in self.slugs:
                return "match"
        return "mismatch" if seen else "unknown"

    def id_matches(self, values: Iterable[Any]) -> bool:
        """Whether an id an object gives (``_id``, ``id``) is a segment of the page's path or the
        trailing ``-<id>`` of its last segment. Never a mismatch: most ids are not in URLs."""
        for value in values:
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                continue
            ident = str(value).strip().lower()
            if len(ident) < _MIN_ID_LENGTH:
                continue
            for path in self.paths:
                segments = path.split("/")
                if ident in segments or segments[-1].endswith("-" + ident):
                    return True
        return False

    def title_relation(self, title: str | None) -> TitleRelation:
        if not title or not self.titles:
            return "unknown"
        return "agree" if any(same_title(title, shown) for shown in self.titles) else "disagree"


@dataclass
class Candidate:
    """One article-like object of a page's structured data."""

    obj: dict[str, Any]
    order: int
    #: A top-level JSON-LD node or main entity; a Next.js document not inside a list of several.
    prominent: bool
    url: Relation = "unknown"
    title: TitleRelation = "unknown"
    #: How many of date, body and authors the object carries: a fuller document wins a tie.
    richness: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def choose_own(candidates: Sequence[Candidate]) -> tuple[Candidate | None, Found]:
    """The page's own candidate and how it was found (see the module docstring)."""
    if not candidates:
        return None, "absent"
    matched = [c for c in candidates if c.url == "match"]
    if matched:
        return _best(matched, lambda c: (c.prominent, c.title == "agree")), "url"
    agreeing = [c for c in candidates if c.title == "agree" and c.url != "mismatch"]
    if agreeing:
        return _best(agreeing, lambda c: (c.prominent,)), "title"
    prominent = [c for c in candidates if c.prominent and c.url != "mismatch"]
    if len(prominent) == 1 and prominent[0].title != "disagree":
        return prominent[0], "only"
    return None, "ambiguous" if prominent else "others"


def _best(cands: list[Candidate], key: Any) -> Candidate:
    return max(cands, key=lambda c: (*key(c), c.richness, -c.order))
