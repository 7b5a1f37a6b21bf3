"""The twin's site model: everything about article *i* derived from (seed, i, day).

No per-article state is kept: dates are a monotone function of the index (so any listing or
sitemap page is an index range found by bisection), slugs encode their index reversibly, and
the few derived objects are held in bounded LRU caches.  A ``Site`` is immutable for one
(articles, day, seed, faults) tuple.
"""

from __future__ import annotations

import bisect
import hashlib
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from . import prose
from .prose import Block

ET = ZoneInfo("America/New_York")
SITE_DATE = date(2025, 6, 2)  # day 0
MODERN_START = date(2015, 1, 5)
LEGACY_MONTHS = 6  # legacy journal articles: ONCOLOGY Vol. 21, July-December 2007
BLOCK = 20  # topic permutation block size (topic weights sum to 20)

FAULT_KINDS = ("5xx", "slow", "drop", "truncate", "malformed", "charset", "redirect", "huge", "empty")
# fault bands of h(seed, i, "fault") % 1000 among eligible article pages
_FAULT_BANDS = {"5xx": (0, 15), "slow": (15, 25), "drop": (25, 35), "truncate": (35, 45),
                "malformed": (45, 65), "charset": (65, 85), "redirect": (85, 105), "huge": (105, 110),
                "empty": (110, 120)}

MEDIA_ROLES = ("video", "podcast", "slideshow")
_SLUG_M = 36 ** 6
_SLUG_A = 1_299_709  # odd, not a multiple of 3: invertible modulo 36**6
_SLUG_A_INV = pow(_SLUG_A, -1, _SLUG_M)
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def h64(*parts: object) -> int:
    """Stable 64-bit hash of the parts (not Python's salted hash())."""
    return int.from_bytes(hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest(), "big")


def parse_faults(faults: Iterable[str] | str | bool | None) -> frozenset[str]:
    """Normalise a fault selection: None/False/"" = none, True/"all" = all, else names."""
    if faults is None or faults is False:
        return frozenset()
    if faults is True:
        return frozenset(FAULT_KINDS)
    if isinstance(faults, str):
        faults = [x for x in re.split(r"[,\s]+", faults) if x]
    out: set[str] = set()
    for f in faults:
        if f == "all":
            out.update(FAULT_KINDS)
        elif f in FAULT_KINDS:
            out.add(f)
        else:
            raise ValueError(f"unknown fault {f!r}; choose from {', '.join(FAULT_KINDS)} or 'all'")
    return frozenset(out)


def slugify(text: str, limit: int = 90) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(s) > limit:
        s = s[:limit].rsplit("-", 1)[0]
    return s


def ordinal_date(d: date) -> str:
    """'June 2nd 2025', as on the site's teaser cards."""
    n = d.day
    suf = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{d.strftime('%B')} {n}{suf} {d.year}"


def long_date(d: date) -> str:
    return f"{d.strftime('%B')} {d.day}, {d.year}"


@dataclass
class Article:
    """Everything rendered for /view/<slug> of index i (articles and media pages)."""

    index: int
    slug: str
    role: str  # orig | near | same | sibling | legacy | video | podcast | slideshow
    template: str  # nextjs | meta | legacy | media
    topic: str
    headline: str
    description: str
    authors: list[str]
    blocks: list[Block]
    keywords: list[str]
    published: datetime | date
    modified: datetime | None  # declared dateModified (None = page declares none)
    source: int | None = None  # for near/same/sibling: the article it copies or shares a trial with
    near_kind: str | None = None  # typo | sentence | byline
    media_lines: list[str] = field(default_factory=list)
    edits: list[int] = field(default_factory=list)  # days on which it was edited (<= site day)
    base_blocks: list[Block] = field(default_factory=list)  # body before typo/edits (what copies copy)

    @property
    def section(self) -> str:
        return prose.TOPIC_NAMES[self.topic]

    @property
    def is_article(self) -> bool:
        return self.role not in MEDIA_ROLES


class Site:
    """The whole twin for one (articles, day, seed, faults)."""

    def __init__(self, articles: int = 2000, *, day: int = 0, seed: int = 0,
                 faults: Iterable[str] | str | bool | None = None, template_change: int | None = None) -> None:
        if articles < 10:
            raise ValueError("articles must be at least 10")
        if day < 0:
            raise ValueError("day must be >= 0")
        if template_change is not None and template_change < 0:
            raise ValueError("template_change must be >= 0")
        #: from this day on every article page is served in the "redesign" markup (see render.py)
        self.template_change = template_change
        self.n0 = int(articles)
        self.day = int(day)
        self.seed = int(seed)
        self.faults = parse_faults(faults)
        self.per_day = max(1, self.n0 // 200)
        self.count = self.n0 + self.day * self.per_day
        self.legacy = max(2, self.n0 // 50)
        self.trials_per_topic = max(4, min(150, self.n0 // 150))
        self.now = datetime.combine(SITE_DATE + timedelta(days=self.day), time(23, 0), ET)
        self._end = SITE_DATE.toordinal() + 1
        self._span = self._end - MODERN_START.toordinal()
        self.role = lru_cache(maxsize=16384)(self._role)
        self.topic = lru_cache(maxsize=16384)(self._topic)
        self._block_perm = lru_cache(maxsize=4096)(self._block_perm_impl)
        self.article = lru_cache(maxsize=256)(self._article)
        self.card = lru_cache(maxsize=8192)(self._card)
        self.dependents = lru_cache(maxsize=16384)(self._dependents)
        self.month_ranges = lru_cache(maxsize=1)(self._month_ranges)

    @property
    def redesigned(self) -> bool:
        """Whether today's article pages use the changed template (``template_change``)."""
        return self.template_change is not None and self.day >= self.template_change

    # ---- dates -------------------------------------------------------------------------
    def published(self, i: int) -> datetime | date:
        """Publication date of i: a date for legacy articles, an aware ET datetime otherwise."""
        if i < self.legacy:
            return date(2007, 7 + (i * LEGACY_MONTHS) // self.legacy, 1)
        if i < self.n0:
            m = self.n0 - self.legacy
            x = 1.0 - (i - self.legacy + 0.5) / m
            back = self._span * (0.15 * x + 0.85 * x ** 3)
            t = self._end - back
            dayord = int(t)
            frac = t - dayord
        else:
            d, k = divmod(i - self.n0, self.per_day)
            dayord = SITE_DATE.toordinal() + d + 1
            frac = (k + 0.5) / self.per_day
        minutes = int(frac * 12 * 60)
        local = datetime.combine(date.fromordinal(dayord), time(7, 0)) + timedelta(minutes=minutes)
        return local.replace(tzinfo=ET)

    def ts(self, i: int) -> float:
        p = self.published(i)
        if not isinstance(p, datetime):
            p = datetime.combine(p, time(0, 0), ET)
        return p.timestamp()

    def first_index_at_or_after(self, when: datetime) -> int:
        return bisect.bisect_left(range(self.count), when.timestamp(), key=self.ts)

    def _month_ranges(self) -> list[tuple[str, int, int]]:
        """[(YYYY-MM, start, stop)] for every month holding at least one page."""
        out = []
        i = 0
        while i < self.count:
            p = self.published(i)
            y, m = p.year, p.month
            ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
            stop = self.first_index_at_or_after(datetime(ny, nm, 1, tzinfo=ET))
            out.append((f"{y:04d}-{m:02d}", i, stop))
            i = stop
        return out

    # ---- roles, topics, templates -------------------------------------------------------
    def _role(self, i: int) -> str:
        if i < self.legacy:
            return "legacy"
        r = h64(self.seed, i, "role") % 100
        if r < 4:
            return "video"
        if r < 6:
            return "podcast"
        if r < 7:
            return "slideshow"
        if r < 17:
            kind = "near" if r < 11 else "same" if r < 13 else "sibling"
            return kind if self._find_source(i) is not None else "orig"
        return "orig"

    def _find_source(self, i: int) -> int | None:
        t = self.topic(i)
        for j in range(i - 1, max(self.legacy, i - 40) - 1, -1):
            if self.topic(j) == t and self._base_role(j) == "orig":
                return j
        return None

    def _base_role(self, j: int) -> str:
        r = h64(self.seed, j, "role") % 100
        return "orig" if r >= 17 else "other"

    def original(self, i: int) -> int:
        """The article a copy (``near``, ``same``, ``sibling``) was made from."""
        src = self.source(i)
        if src is None:
            raise ValueError(f"article {i} ({self.role(i)}) is not a copy")
        return src

    def source(self, i: int) -> int | None:
        role = self.role(i)
        if role in ("near", "same", "sibling"):
            return self._find_source(i)
        if role == "legacy" and i == 1:
            return 0
        return None

    def _dependents(self, j: int) -> tuple[int, ...]:
        """Indices (< count) whose source is j: near/same copies and siblings."""
        if j == 0:
            return (1,) if self.count > 1 else ()
        if self.role(j) != "orig":
            return ()
        return tuple(i for i in range(j + 1, min(self.count, j + 41))
                     if self.role(i) in ("near", "same", "sibling") and self._find_source(i) == j)

    def _block_perm_impl(self, b: int) -> tuple[str, ...]:
        slots = [t[0] for t in prose.TOPICS for _ in range(t[2])]
        random.Random(f"{self.seed}:block:{b}").shuffle(slots)
        if b == 0:  # the seed's 2007 breast cancer pair sits at indices 0 and 1
            for pos in (0, 1):
                k = slots.index("breast-cancer", pos)
                slots[pos], slots[k] = slots[k], slots[pos]
        return tuple(slots)

    def _topic(self, i: int) -> str:
        return self._block_perm(i // BLOCK)[i % BLOCK]

    def template(self, i: int) -> str:
        role = self.role(i)
        if role == "legacy":
            return "legacy"
        if role in MEDIA_ROLES:
            return "media"
        return "nextjs" if h64(self.seed, i, "tpl") % 100 < 58 else "meta"

    def linkform(self, i: int) -> str:
        """How listings, sidebars and cards link to i: plain | slash | case | tracking."""
        r = h64(self.seed, i, "link") % 100
        return "slash" if r < 8 else "case" if r < 15 else "tracking" if r < 25 else "plain"

    # ---- slugs ---------------------------------------------------------------------------
    def code(self, i: int) -> str:
        v = (i * _SLUG_A + self.seed * 7919 + 12345) % _SLUG_M
        s = ""
        for _ in range(6):
            v, r = divmod(v, 36)
            s = _B36[r] + s
        return s

    def decode(self, code: str) -> int | None:
        if len(code) != 6:
            return None
        v = 0
        for c in code:
            k = _B36.find(c)
            if k < 0:
                return None
            v = v * 36 + k
        i = ((v - self.seed * 7919 - 12345) * _SLUG_A_INV) % _SLUG_M
        return i if i < self.count else None

    def slug(self, i: int) -> str:
        return f"{slugify(self.card(i)[0])}-{self.code(i)}"

    def angle(self, i: int) -> str:
        """The story angle of a news article; a sibling takes another angle than its source."""
        if self.role(i) == "sibling":
            src = self._find_source(i)
            return prose.ANGLES[(h64(self.seed, src, "angle") + 1 + h64(self.seed, i, "angle") % 5) % len(prose.ANGLES)]
        return prose.ANGLES[h64(self.seed, i, "angle") % len(prose.ANGLES)]

    def _card(self, i: int) -> tuple[str, str]:
        """(headline, description) of page i, without generating its body."""
        role = self.role(i)
        rng = random.Random(f"{self.seed}:{i}:h")
        if role == "legacy":
            if i in (0, 1):
                return prose.SEED_PAIR_TITLES[i], prose.SEED_ABSTRACT[:150].rsplit(" ", 1)[0] + "..."
            return prose.legacy_title(rng, self.facts_for(i))
        if role in MEDIA_ROLES:
            title, desc, _lines = prose.media_page(rng, self.facts_for(i), role)
            return title, desc
        src = self.source(i)
        if role == "near":
            return self.card(src)
        if role == "same":
            headline = prose.alt_headline(rng, self.facts_for(self.original(i)))
            base = self.card(src)
            return ("Closer Look: " + headline if headline == base[0] else headline), base[1]
        facts = self.facts_for(self.original(i)) if role == "sibling" else self.facts_for(i)
        return prose.news_title(rng, facts, self.angle(i))

    def index_of_slug(self, slug: str) -> int | None:
        """O(1) slug -> index; None for unknown slugs (wrong words, unknown code, not yet published)."""
        slug = slug.lower()
        code = slug.rsplit("-", 1)[-1]
        i = self.decode(code)
        if i is None or self.slug(i) != slug:
            return None
        return i

    # ---- edits -----------------------------------------------------------------------------
    def count_on(self, day: int) -> int:
        return self.n0 + day * self.per_day

    def editable(self, i: int) -> bool:
        """Only news articles are edited (not media, legacy journal articles or copies)."""
        role = self.role(i)
        return role not in MEDIA_ROLES and role not in ("legacy", "near", "same")

    def forced_edit(self, d: int) -> int:
        """One article edited on day d whatever the hashes say, so every day has an edit."""
        cache = self.__dict__.setdefault("_forced", {})
        if d not in cache:
            n = self.count_on(d - 1)
            j = h64(self.seed, d, "forced") % n
            cache[d] = next((c for c in ((j + k) % n for k in range(n)) if self.editable(c)), -1)
        return cache[d]

    def edit_days(self, i: int) -> list[int]:
        """Days d in 1..site day on which article i was edited (about 1% of older articles a day,
        20% of the previous day's, plus one forced pick)."""
        if not self.editable(i):
            return []
        out = []
        for d in range(1, self.day + 1):
            before = self.count_on(d - 1)
            if i >= before:
                break
            rate = 20 if i >= before - self.per_day else 1
            if h64(self.seed, i, d, "edit") % 100 < rate or i == self.forced_edit(d):
                out.append(d)
        return out

    def edit_time(self, i: int, d: int) -> datetime:
        minutes = 9 * 60 + h64(self.seed, i, d, "etime") % 600
        midnight = datetime.combine(SITE_DATE + timedelta(days=d), time(0, 0)).replace(tzinfo=ET)
        return midnight + timedelta(minutes=minutes)

    def base_modified(self, i: int, published: datetime, template: str) -> datetime | None:
        r = h64(self.seed, i, "mod") % 100
        if r < 35:
            delta = timedelta(minutes=60 + h64(self.seed, i, "moddelta") % (9 * 24 * 60))
            day0_end = datetime.combine(SITE_DATE, time(22, 0), ET)
            mod = (published + delta)
            if i < self.n0 and mod <= day0_end or i >= self.n0 and mod.date() == published.date():
                return mod.astimezone(ET)
            return None
        if r < 70 and template == "nextjs":
            return published
        return None

    def modified_of(self, i: int) -> datetime | None:
        """Declared dateModified of i (cheap: no content generation)."""
        edits = self.edit_days(i)
        if edits:
            return self.edit_time(i, edits[-1])
        template = self.template(i)
        published = self.published(i)
        if template in ("nextjs", "meta") and isinstance(published, datetime):
            return self.base_modified(i, published, template)
        return None

    def lastmod(self, i: int) -> datetime:
        """Last-Modified of i's pages (dateModified, else datePublished; dates at 09:00 ET)."""
        d = self.modified_of(i) or self.published(i)
        if isinstance(d, datetime):
            return d
        return datetime.combine(d, time(9, 0), ET)

    # ---- faults ---------------------------------------------------------------------------
    def fault(self, i: int) -> str | None:
        """The fault of i's pages when that fault kind is switched on (None otherwise)."""
        if not self.faults or self.role(i) != "orig" or self.dependents(i):
            return None
        r = h64(self.seed, i, "fault") % 1000
        for kind, (lo, hi) in _FAULT_BANDS.items():
            if lo <= r < hi:
                return kind if kind in self.faults else None
        return None

    def fault_detail(self, i: int, kind: str) -> dict:
        """Parameters of a fault: whether it is transient, how many failures, chain length ..."""
        r = h64(self.seed, i, "fdetail")
        if kind == "5xx":
            transient = r % 3 != 0
            return {"transient": transient, "failures": 1 + (r >> 4) % 2 if transient else None,
                    "status": (500, 502, 503, 504)[(r >> 8) % 4]}
        if kind == "drop":
            transient = r % 2 == 0
            return {"transient": transient, "failures": 1 if transient else None}
        if kind == "redirect":
            return {"loop": r % 4 == 0, "hops": 2 + (r >> 4) % 2}
        if kind == "charset":
            return {"mode": "declared-utf-8" if r % 2 else "undeclared"}
        if kind == "slow":
            return {"delay": 2.0 + (r % 20) / 10.0}
        return {}

    def reachable(self, i: int) -> bool:
        kind = self.fault(i)
        if kind is None:
            return True
        det = self.fault_detail(i, kind)
        if kind in ("5xx", "drop"):
            return bool(det["transient"])
        if kind == "redirect":
            return not det["loop"]
        return kind not in ("truncate", "empty")

    # ---- articles -------------------------------------------------------------------------
    def facts_for(self, i: int) -> dict:
        topic = self.topic(i)
        k = h64(self.seed, i, "trial") % self.trials_per_topic
        return prose.trial_facts(self.seed, topic, k)

    def _article(self, i: int) -> Article:
        if not 0 <= i < self.count:
            raise IndexError(i)
        role = self.role(i)
        topic = self.topic(i)
        rng = random.Random(f"{self.seed}:{i}")
        template = self.template(i)
        published = self.published(i)
        src = self.source(i)
        near_kind = None
        media_lines: list[str] = []
        headline, description = self.card(i)
        if role == "legacy":
            if i in (0, 1):
                blocks = [prose.P(prose.SEED_ABSTRACT)]
                keywords = ["Breast Cancer", "ONCOLOGY Journal"]
            else:
                blocks, keywords = prose.legacy_article(rng, self.facts_for(i))
            authors = [prose.person(rng) for _ in range(rng.randint(1, 3))]
        elif role in MEDIA_ROLES:
            _t, _d, media_lines = prose.media_page(random.Random(f"{self.seed}:{i}:h"), self.facts_for(i), role)
            blocks, keywords = [], [prose.TOPIC_NAMES[topic], role]
            authors = []
        elif role in ("near", "same"):
            base = self.article(src)
            blocks = [Block(b.kind, list(b.spans), [list(r) for r in b.rows]) for b in base.base_blocks]
            keywords = list(base.keywords)
            authors = list(base.authors)
            if role == "near":
                near_kind = self._near_kind(i)
                if near_kind == "sentence":
                    last = max(k for k, b in enumerate(blocks) if b.kind == "p")
                    t, href = blocks[last].spans[-1]
                    blocks[last].spans[-1] = (t + " " + rng.choice((
                        "The study was sponsored by the manufacturer of the investigational agent.",
                        "Enrollment in an expansion cohort is ongoing at sites in North America and Europe.",
                        "Full results are expected to be published in a peer-reviewed journal.")), href)
                elif near_kind == "byline":
                    authors = [prose.person(rng)]
                # "typo": the source carries a misspelling (see below) that this copy has fixed
        else:
            facts = self.facts_for(self.original(i)) if role == "sibling" else self.facts_for(i)
            blocks, keywords = prose.news_article(
                rng, facts, self.angle(i), allow_table=True,
                link_href=f"https://clinicaltrials.gov/study/{facts['nct']}" if rng.random() < 0.3 else None)
            keywords.append(self.angle(i))
            n_auth = rng.choice((0, 1, 1, 1, 2, 2, 3))
            authors = [prose.person(rng) for _ in range(n_auth)]
        base_blocks = blocks
        # the source of a typo-fixing near-copy carries the typo
        if role == "orig" and any(self.role(d) == "near" and self._near_kind(d) == "typo"
                                  for d in self.dependents(i)):
            blocks = _with_typo(blocks)
        edits = self.edit_days(i)
        if edits:
            blocks = list(blocks)
            for d in edits:
                ed = SITE_DATE + timedelta(days=d)
                reasons = ("additional follow-up data", "a clarification from the investigators",
                           "the latest regulatory information", "corrected enrollment figures")
                what = reasons[h64(self.seed, i, d, "what") % 4]
                blocks.insert(1, prose.P(f"This story was updated on {long_date(ed)} to reflect {what}."))
        modified = self.modified_of(i)
        return Article(index=i, slug=self.slug(i), role=role, template=template, topic=topic, headline=headline,
                      description=description, authors=authors, blocks=blocks, keywords=keywords,
                      published=published, modified=modified, source=src, near_kind=near_kind,
                      media_lines=media_lines, edits=edits, base_blocks=base_blocks)

    def _near_kind(self, i: int) -> str:
        return ("typo", "sentence", "byline")[h64(self.seed, i, "nearkind") % 3]

    def related(self, i: int, k: int = 3) -> list[int]:
        """Other pages shown as 'Related Content' / 'READ MORE:' on i (earlier, same topic first)."""
        out: list[int] = []
        lo = max(self.legacy, i - 200)
        j = i - 1 - h64(self.seed, i, "rel") % 7
        while j >= lo and len(out) < k:
            if self.topic(j) == self.topic(i) and j != i:
                out.append(j)
            j -= 1
        if len(out) < k:
            for j in range(self.count - 1, self.count - 40, -1):
                if j != i and j not in out and j >= 0:
                    out.append(j)
                if len(out) >= k:
                    break
        return out

    # ---- listings -------------------------------------------------------------------------
    def newest(self, k: int, start: int = 0) -> list[int]:
        top = self.count - 1 - start
        return list(range(top, max(-1, top - k), -1))

    def topic_total(self, topic: str) -> int:
        w = next(t[2] for t in prose.TOPICS if t[0] == topic)
        full, part = divmod(self.count, BLOCK)
        perm = self._block_perm(full)
        return full * w + sum(1 for p in range(part) if perm[p] == topic)

    def topic_items(self, topic: str, start: int, n: int) -> list[int]:
        """Indices of the topic's pages, newest first, ranks [start, start+n)."""
        w = next(t[2] for t in prose.TOPICS if t[0] == topic)
        full, part = divmod(self.count, BLOCK)
        perm = self._block_perm(full)
        partial = [full * BLOCK + p for p in range(part - 1, -1, -1) if perm[p] == topic]
        total = len(partial) + full * w
        out = []
        for r in range(start, min(total, start + n)):
            if r < len(partial):
                out.append(partial[r])
                continue
            q, m = divmod(r - len(partial), w)
            b = full - 1 - q
            bp = self._block_perm(b)
            positions = [p for p in range(BLOCK - 1, -1, -1) if bp[p] == topic]
            out.append(b * BLOCK + positions[m])
        return out

    def trending(self, k: int = 5) -> list[int]:
        """The 'Trending' sidebar box: the newest k articles whose link form is upper case."""
        cached = getattr(self, "_trending", None)
        if cached is None:
            cached = []
            for i in range(self.count - 1, -1, -1):
                if self.linkform(i) == "case" and self.role(i) not in MEDIA_ROLES:
                    cached.append(i)
                    if len(cached) == k:
                        break
            self._trending = cached
        return cached

    def iter_articles(self) -> Iterator[Article]:
        for i in range(self.count):
            yield self.article(i)


def _with_typo(blocks: list[Block]) -> list[Block]:
    """Copy of blocks with one misspelling (the near-copy of such an article fixes it)."""
    out = [Block(b.kind, list(b.spans), b.rows) for b in blocks]
    for b in out:
        if b.kind != "p":
            continue
        for k, (t, href) in enumerate(b.spans):
            for good, bad in ((" patients ", " pateints "), (" the ", " teh "), (" with ", " wiht ")):
                if good in t:
                    b.spans[k] = (t.replace(good, bad, 1), href)
                    return out
    return out
