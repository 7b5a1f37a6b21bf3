"""Text-level boilerplate cleaning and a per-site repeated-block learner (pure: no Scrapy, no I/O).

Two complementary tools that run on an extracted ``articleBody``:

* :func:`clean_body` removes lines that are boilerplate on *any* site (promo lines such as
  "READ MORE: ...", "Advertisement", "Site Logo", section labels such as "More News" or "Lesen
  Sie auch", share, newsletter and cookie boxes, sign-up form messages, picture credits and
  media labels such as "Photo: ..." or "Video: ...", copyright footers, a post's meta line,
  bare dates/timestamps/URLs, a teaser title shown twice, a leading repeat of the headline) and
  normalises whitespace. Every rule matches a *whole line* with a short, specific pattern, so
  prose that merely mentions "advertisement" or "newsletter" is kept: precision of the rules
  matters as much as their recall.
* :class:`RepeatedBlockLearner` learns the blocks *one site* repeats on many of its pages
  (sidebar items, teaser rails, standard promos) during one crawl and removes them from later
  pages of that site.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import xxhash

from newscrawl.extract.text import comparison_key

logger = logging.getLogger(__name__)

__all__ = ["LEARNER_STATE_FORMAT", "Cleaned", "RepeatedBlockLearner", "clean_body", "clean_body_report",
           "split_paragraphs"]

#: Names the layout of :meth:`RepeatedBlockLearner.export_state`; another layout is refused.
LEARNER_STATE_FORMAT = "newscrawl-boilerplate-1"

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thurs|fri|sat|sun)[a-z]*,?\s+)?"
_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4}T?)?)?"
#: Month names of the meta-line rule: English, German and French.
_MONTH_NAMES = (r"(?:" + _MONTH + r"|januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|"
                r"mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre)")
#: News and picture agencies and stock libraries, as they appear in picture credits.
_AGENCIES = (r"getty(?: images)?|afp|reuters|ap(?: photo)?|associated press|dpa|epa|imago(?: images)?|"
             r"shutterstock|istock(?:photo)?|picture[- ]alliance|keystone|ansa|efe|xinhua|alamy|"
             r"unsplash|pixabay|adobe ?stock|fotolia|bestimage|sipa|abaca|zuma(?: press)?")
#: A picture credit or media label is short: a caption sentence of prose is longer than this.
_SHORT_CREDIT = r"(?=.{1,120}$)"

#: (reason, pattern) pairs; each pattern must match the WHOLE line (after whitespace folding).
_LINE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.IGNORECASE))
    for reason, pattern in (
        ("advertisement", r"(?:advertisement|advertisements|advert|ad|sponsored|"
                          r"(?:story|article) continues below(?: (?:this )?advertisement)?|"
                          r"continue reading (?:the main story|below)|"
                          r"(?:scroll|continue) (?:down )?to continue(?: reading)?)"),
        ("logo", r"(?:[\w&' .-]{0,40}\s)?logo"),
        ("section_label", r"(?:more news|latest news|top news|breaking news|related content|"
                          r"related(?: articles?| stories| posts| news| coverage| reading| links)?|"
                          r"more (?:stories|articles|news|on this story|to explore|from [\w .&'-]{1,40})|"
                          r"recommended(?: for you| stories| articles| reading)?|"
                          r"(?:you )?(?:may|might) also (?:like|be interested in)|"
                          r"(?:most|more) (?:popular|read|viewed|shared)|trending(?: now| stories)?|"
                          r"top stories|read next|up next|editor'?s picks|don'?t miss|"
                          r"in case you missed it|also (?:read|see)|tags?|topics?)(?:[:.]|\.\.\.|…)?"),
        ("promo", r"(?:read more|read also|also read|see also|related|recommended|more|"
                  r"also on [\w.-]+|watch|listen|click here)\s*(?::|\||»|›|>|-|–|—)\s*.{1,200}"),
        ("promo", r"(?:read more|click here to read more|continue reading|read the full "
                  r"(?:story|article)|read full (?:story|article))\W{0,3}"),
        ("share", r"(?:(?:share|tweet|email|e-mail|print|pin|copy(?: the)? link|comments?|"
                  r"facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|flipboard|messenger|"
                  r"telegram)(?:\s*[|/,·•]?\s*)){1,12}"),
        ("share", r"(?:share|like) this (?:article|story|post|page|video)\W{0,3}(?:share it with "
                  r"(?:a|your) friends?\W{0,3})?"),
        ("share", r"share (?:this )?(?:on|via) \w+\W{0,3}|follow us on [\w ,&]{1,60}\W{0,3}"),
        ("newsletter", r".{0,160}\b(?:sign up|subscribe|register)\b.{0,120}\bnewsletters?\b.{0,120}"),
        ("newsletter", r".{0,160}\bnewsletters?\b.{0,120}\b(?:sign up|subscribe)\b.{0,120}"),
        ("newsletter", r".{0,160}\b(?:delivered|straight|direct(?:ly)?) to your inbox\b.{0,80}"),
        ("newsletter", r"[\w'&. -]{0,40}\bnewsletters?|(?:sign up|subscribe)(?: now| today| here)?"
                       r"\W{0,3}"),
        ("cookies", r".{0,200}\b(?:we|this (?:site|website)) uses? cookies\b.{0,300}"),
        ("cookies", r"(?:accept|reject|manage)(?: all)? cookies|cookie (?:settings|policy|preferences)"),
        ("copyright", r"(?:©|\(c\)|copyright\b)(?=.*(?:\b(?:19|20)\d{2}\b|rights reserved)).{0,200}"),
        ("copyright", r".{0,120}\ball rights reserved\b.{0,80}"),
        ("date_line", _WEEKDAY + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}" + _TIME),
        ("date_line", _WEEKDAY + r"\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+\d{4}" + _TIME),
        ("date_line", r"(?:updated|published|posted|last updated|first published)(?: on| at)?:?\s+"
                      r"(?:\d|" + _MONTH + r"|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b)"
                      r"[\w ,:./+()-]{0,45}"),
        ("date_line", r"\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?"),
        ("table_rule", r"[|:\-\s]*-{3,}[|:\-\s]*"),
        ("audio", r"(?:listen to (?:this|the) (?:article|story|episode|podcast)|"
                  r"(?:press play to )?listen(?: now)?|audio version|play audio)"
                  r"(?:\s*[(:|·-]?\s*\d{1,3}(?::\d{2})?\s*(?:min(?:utes?)?|mins)?\)?(?: read)?)?\W{0,3}"),
        ("url_line", r"(?:https?://|www\.)\S+\.(?:jpe?g|png|gif|webp|svg|avif)(?:\?\S*)?"),
        # the same labels on news sites in German, French, Spanish, Italian and Portuguese, and
        # a few more in English
        ("section_label", r"(?:schon gelesen|auch interessant|das könnte (?:sie|dich) (?:auch )?interessieren|"
                          r"lesen sie (?:auch|mehr|hier)|weitere (?:artikel|beiträge|nachrichten|themen)|"
                          r"(?:ähnliche|verwandte|empfohlene) (?:artikel|beiträge|themen)|"
                          r"mehr (?:zum thema|dazu|zu diesem thema)(?: (?:auf|bei) [\w.-]+)?|zum thema|"
                          r"inhaltsverzeichnis|quellen(?:angaben)?|teilen(?: mit)?|artikel teilen|wird geladen|"
                          r"anzeige|werbung|(?:à|a) lire (?:aussi|également)|lire aussi|voir aussi|"
                          r"sur le même sujet|publicité|partager(?: cet article)?|sommaire|"
                          r"lee también|te puede interesar|publicidad|compartir|"
                          r"leggi anche|potrebbe interessarti|pubblicità|condividi|"
                          r"leia também|veja também|publicidade|compartilhe|"
                          r"table of contents|contents|loading|share (?:with|this)|"
                          r"(?:read|see) (?:more|also) (?:on|at) [\w.-]+)\s*(?:[:.?!]|\.\.\.|…)?"),
        # a media label or picture credit: "Photo: Jane Doe/AFP", "Video: Trial results
        # explained", "Podcast: ...", "Quelle: dpa"
        ("credit", _SHORT_CREDIT + r"(?:photos?|pictures?|images?|video|podcast|audio|gallery|"
                   r"slideshow|illustrations?|graphics?|credits?|sources?|fotos?|bild(?:er)?|titelbild|"
                   r"quellen?|bildquelle|cr[ée]dits?(?: photos?)?|fuente|fonte|crediti)"
                   r"\s*(?:credit)?\s*[:|]\s*.{1,100}"),
        # "(Credit: Jane Doe / Grist)", "(Photo: AP)"
        ("credit", r"\((?:photo|foto|image|bild|credit|cr[ée]dit|source|quelle)s?\s*:\s*[^()]{1,80}\)\.?"),
        # a bare picture credit: "Getty Images", "AFP / MARCO BERTORELLO", "© Reuters", "Oli Scarff/Getty"
        ("credit", _SHORT_CREDIT + r"(?:©|\(c\)|copyright|photo:?|foto:?|bild:?)?\s*"
                   r"(?:(?-i:[A-Z])[\w.'’-]*[\s/]+){0,3}(?:" + _AGENCIES + r")"
                   r"(?:\s*[/|]\s*[\w.'’ -]{1,40}|\s+(?:images|photos?))?\.?"),
        # a caption that ends with its credit: "Marco Odermatt in Beijing. © AFP / NAME"
        ("credit", _SHORT_CREDIT + r".{1,160}[.!?)”\"]\s+(?:©|\(c\)|photo:|foto:|bild:|credit:)\s*[^.!?]{1,60}"),
        # a post's meta line: "January 13, 2020 at 08:45 AM | categories: Python | View Comments"
        ("meta_line", r"(?=.{0,60}(?:\b" + _MONTH_NAMES + r"\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b))"
                      r"[^|·•]{1,50}(?:\s+[|·•]\s+[^|·•]{1,50}){1,5}"),
        # status messages of sign-up and comment forms
        ("form_message", r"(?:thanks?(?: you)?|thank you) for (?:signing up|subscribing|registering|your "
                         r"(?:subscription|interest|feedback|comment))[.!]?(?: .{0,80})?|"
                         r"(?:sorry[,!.]? )?(?:there was an|an) error (?:occurred|has occurred|processing your "
                         r"(?:subscription|request|sign-?up))(?:[,.] please try again(?: later)?)?[.!]?|"
                         r"(?:please )?enter a valid e-?mail(?: address)?[.!]?|you(?:'re| are) (?:now )?"
                         r"(?:subscribed|signed up|all set)[.!]?|check your inbox.{0,80}|"
                         r"something went wrong[.!]?(?: please try again(?: later)?[.!]?)?"),
    )
)
_PARA_SPLIT_RE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n")


def _fold(line: str) -> str:
    """Whitespace-folded line (NBSP and friends become plain spaces)."""
    return " ".join(line.split())


_BYLINE_RE = re.compile(
    r"(?i:by|written by|words by|reported by)\s+[A-Z][\w.'’-]*(?:[ ,]+(?:and\s+|&\s+)?[A-Z][\w.'’-]*){0,15}",
)
_TABLE_ROW_RE = re.compile(r"\|(.+)\|")


def _table_row(line: str) -> str:
    """A Markdown-style table row ("| a | b |") as its cells separated by single spaces."""
    match = _TABLE_ROW_RE.fullmatch(line) if line.startswith("|") else None
    if not match:
        return line
    return " ".join(cell.strip() for cell in match.group(1).split("|") if cell.strip())


def _alternation(indices: Iterable[int]) -> re.Pattern[str]:
    """The rules at ``indices`` as one alternation (one regex call per line instead of one per
    rule); the group that matched names the rule, tried in ``_LINE_RULES`` order."""
    return re.compile("|".join(f"(?P<r{i}>{_LINE_RULES[i][1].pattern})" for i in indices), re.IGNORECASE)


#: Rules that open with ``.{0,N}`` (after a length cap) scan the whole line for a word, which
#: makes them the costly part of the alternation; they run only on lines holding one of
#: ``_SCANNING_WORDS``.
_SCANNING = frozenset(i for i, (_, pattern) in enumerate(_LINE_RULES)
                     if pattern.pattern.removeprefix(_SHORT_CREDIT).startswith(".{"))
_SCANNING_WORDS = ("newsletter", "inbox", "cookie", "rights reserved", "©", "(c)", "photo:", "foto:", "bild:",
                   "credit:")
_ANCHORED_RULES = _alternation(i for i in range(len(_LINE_RULES)) if i not in _SCANNING)
_SCANNING_RULES = _alternation(sorted(_SCANNING))

#: Only these rules can match a line longer than ``_SHORT_LINE`` characters (the others are
#: bounded well below it): promos start with their keyword, copyright lines with their sign,
#: newsletter, cookie and rights lines contain theirs; URL lines start with http or www. Prose
#: lines are long, and most of a body: this skips the regular expressions for them.
_SHORT_LINE = 150
_LONG_LINE_STARTS = ("read ", "also ", "see also", "related", "recommended", "more", "watch",
                     "listen", "click here", "©", "(c)", "copyright", "http", "www.")


def _rule(line: str) -> str | None:
    """The reason ``line`` is boilerplate (the first rule that matches it whole), or None."""
    if len(line) > 400:
        return None
    low = line.casefold()
    scan = any(word in low for word in _SCANNING_WORDS)
    if len(line) > _SHORT_LINE and not (scan or low.startswith(_LONG_LINE_STARTS)):
        return None
    # every alternative is a named group, so a match always has a lastgroup
    found = [int(m.lastgroup[1:]) for m in (_ANCHORED_RULES.fullmatch(line),
                                            _SCANNING_RULES.fullmatch(line) if scan else None)
             if m and m.lastgroup]
    return _LINE_RULES[min(found)][0] if found else None


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of ``text`` (separated by a blank line), whitespace-folded, empties dropped."""
    out = []
    for para in _PARA_SPLIT_RE.split(text or ""):
        lines = [_fold(line) for line in para.splitlines()]
        joined = "\n".join(line for line in lines if line)
        if joined:
            out.append(joined)
    return out


@dataclass
class Cleaned:
    """Result of :func:`clean_body_report`: the text and how many lines each rule removed."""

    text: str
    removed: Counter[str] = field(default_factory=Counter)


def _clean_once(text: str, headline_key: str, removed: Counter[str]) -> tuple[str, bool]:
    """One pass of the rules over ``text``; also whether a line was removed or rewritten (only
    then can another pass find more: a doubled line or a headline newly adjacent)."""
    paragraphs: list[list[str]] = []
    removed_before = sum(removed.values())
    rewritten = False
    previous = ""  # the last line kept
    previous_key: str | None = ""  # its comparison_key, computed when first needed
    for para in split_paragraphs(text):
        lines: list[str] = []
        for line in para.split("\n"):
            reason = _rule(line)
            if reason is None:
                row = _table_row(line)
                rewritten = rewritten or row != line
                line = row
            if reason:
                removed[reason] += 1
                continue
            # Display doubling: a teaser title shown twice (image alt, then heading) or a pull
            # quote repeating the paragraph just above it. The text appears once. (Keys differ
            # from the lines by punctuation and spacing only: unequal lengths need no keys.)
            key = None
            if abs(len(line) - len(previous)) <= max(10, len(line) // 5):
                key = comparison_key(line)
                if previous_key is None:
                    previous_key = comparison_key(previous)
                if key and key == previous_key:
                    removed["doubled_line"] += 1
                    continue
            previous, previous_key = line, key
            lines.append(line)
        if lines:
            paragraphs.append(lines)
    for lines in paragraphs[:2]:  # a byline leading the body ("By Jane Doe, MD, and ...")
        if lines and _BYLINE_RE.fullmatch(lines[0]):
            removed["byline"] += 1
            lines.pop(0)
    paragraphs = [lines for lines in paragraphs if lines]
    if headline_key:
        while paragraphs and comparison_key(paragraphs[0][0]) == headline_key:
            removed["headline"] += 1
            paragraphs[0].pop(0)
            if not paragraphs[0]:
                paragraphs.pop(0)
    changed = rewritten or sum(removed.values()) > removed_before
    return "\n\n".join("\n".join(lines) for lines in paragraphs), changed


def clean_body_report(text: str, *, headline: str | None = None) -> Cleaned:
    """:func:`clean_body` plus a count of removed lines per rule (for crawl stats)."""
    removed: Counter[str] = Counter()
    headline_key = comparison_key(headline) if headline else ""
    current = text or ""
    for _ in range(5):  # removing a line can expose a new doubled line: run to a fixpoint
        current, changed = _clean_once(current, headline_key, removed)
        if not changed:  # nothing removed or rewritten: another pass would find nothing more
            break
    return Cleaned(current, removed)


def clean_body(text: str, *, headline: str | None = None) -> str:
    """``text`` without generic boilerplate lines; paragraphs separated by ``"\\n\\n"``.

    Idempotent: ``clean_body(clean_body(t)) == clean_body(t)``.
    """
    return clean_body_report(text, headline=headline).text


# -- Repeated blocks ----------------------------------------------------------------------------

#: A full sentence (eight words or more, ending like one): prose, which articles on one
#: subject legitimately share (ledes, disclosures), never a widget or promo label.
_SENTENCE_RE = re.compile(r"(?:\S+\s+){7,}\S*[.!?][”\"’')]*")
_REFERENCE_RE = re.compile(
    r"^\s*(?:\[?\d{1,3}[.)\]]\s+\S|.*\bdoi\b|.*\b(?:19|20)\d{2};\s*\d+|.*\bet al\b)", re.IGNORECASE)


@dataclass
class _SiteTable:
    # block hash -> [article-key hashes seen with it at a body edge (capped), pages at an edge,
    #                pages in the middle]
    seen: dict[int, list] = field(default_factory=dict)
    learned: set[int] = field(default_factory=set)
    pages: int = 0  # articles observed


class RepeatedBlockLearner:
    """Learns the blocks one site repeats at the edges of many of its pages.

    A line (compared case-, punctuation- and space-insensitively) becomes boilerplate for a
    site once it has been seen in ``min_pages`` distinct articles of that site at a body edge
    (the first ``head`` or last ``tail`` paragraphs once blocks already learned are peeled off
    both ends: where leaked sidebars, promos and "listen to this article" widgets sit) and at
    least ``edge_share`` of the pages carrying it had it there. The edge rule is what keeps real
    content: measured on the twin, legitimately repeated subheadings ("Safety", "Efficacy
    Findings") and stock sentences ("Additional follow-up is planned ...") recur in 20-50% of
    articles but almost never at an edge, while template blocks sit at an edge on every page.
    Counting continues after a block is learned, and a block whose edge share falls below the
    bar is unlearned again.
    A block must also sit on at least ``min_share`` of the site's pages seen so far: template
    furniture is on most pages of a template, while a journal section's "Introduction" heading
    (measured: 1% of the twin's pages, always first) is not.
    Protected and never learned: lines longer than ``max_chars``, full sentences (eight words or
    more ending in a full stop: shared ledes and disclosure statements are content) and
    reference-like lines (numbered citations, DOIs, "et al").
    Removal never empties an article: if learned blocks would remove more than ``max_share``
    of an article's lines, the article is left as it is.

    A block is learned only when its ``min_pages``-th article arrives, and the export streams,
    so the first ``min_pages - 1`` articles that ever carry it are exported with it. The whole
    table (counters included) goes to :meth:`export_state` and back through
    :meth:`import_state`, so a later crawl strips from its first article what earlier crawls
    learned and keeps counting where they stopped (the crawl keeps it in its state).

    Memory is bounded: only 64-bit hashes and counters are stored, at most ``min_pages``
    article hashes per block and at most ``max_blocks`` blocks per site (when full, blocks
    seen on one article only are evicted first).
    """

    def __init__(self, *, min_pages: int = 5, max_chars: int = 120, max_blocks: int = 100_000,
                 max_share: float = 0.5, edge_share: float = 0.9, min_share: float = 0.05,
                 head: int = 1, tail: int = 1) -> None:
        if min_pages < 2:
            raise ValueError("min_pages must be at least 2")
        if not 0 < edge_share <= 1:
            raise ValueError("edge_share must be in (0, 1]")
        self.min_pages = min_pages
        self.max_chars = max_chars
        self.max_blocks = max_blocks
        self.max_share = max_share
        self.edge_share = edge_share
        self.min_share = min_share
        self.head = head
        self.tail = tail
        self._sites: dict[str, _SiteTable] = {}

    @staticmethod
    def _hash(text: str) -> int:
        return xxhash.xxh64_intdigest(text.encode("utf-8"))

    def _learnable(self, para: str) -> bool:
        return (0 < len(para) <= self.max_chars and not _REFERENCE_RE.match(para)
                and not _SENTENCE_RE.fullmatch(para))

    def _evict(self, table: _SiteTable) -> None:
        singles = [h for h, entry in table.seen.items()
                   if entry[1] + entry[2] < 2 and h not in table.learned]
        for h in singles[: max(1, len(table.seen) // 4)]:
            del table.seen[h]
        while len(table.seen) >= self.max_blocks:  # still full: drop the oldest unlearned entries
            victim = next((h for h in table.seen if h not in table.learned), None)
            if victim is None:
                break
            del table.seen[victim]

    def _line_hashes(self, paragraphs: Iterable[str]) -> list[list[int | None]]:
        """Each line's block hash, None for lines that are never learned (nor stripped)."""
        return [[self._hash(comparison_key(line)) if self._learnable(line) else None
                 for line in para.split("\n")] for para in paragraphs]

    def observe(self, site: str, article_key: str, paragraphs: Iterable[str]) -> int:
        """Record the paragraphs of one article, in order; returns how many blocks were learned."""
        return self._observe(site, article_key, self._line_hashes(paragraphs))

    def _observe(self, site: str, article_key: str, hashed: list[list[int | None]]) -> int:
        table = self._sites.setdefault(site, _SiteTable())
        table.pages += 1
        article = self._hash(article_key)
        # Peel blocks already learned off both ends, so a rail of several leaked teasers is
        # learned from the outside in while the edge zone itself stays narrow.
        start, stop = 0, len(hashed)
        while start < stop and all(h in table.learned for h in hashed[start]):
            start += 1
        while stop > start and all(h in table.learned for h in hashed[stop - 1]):
            stop -= 1
        positions: dict[int, bool] = {}  # block hash -> at an edge anywhere in this article
        for index, lines in enumerate(hashed):
            edge = index < start + self.head or index >= stop - self.tail
            for h in lines:
                if h is not None:
                    positions[h] = positions.get(h, False) or edge
        newly = 0
        for h, edge in positions.items():
            entry = table.seen.get(h)
            if entry is None:
                if len(table.seen) >= self.max_blocks:
                    self._evict(table)
                entry = table.seen[h] = [set(), 0, 0]
            if edge:
                if article in entry[0]:
                    continue  # the same article again teaches nothing
                if len(entry[0]) < self.min_pages:
                    entry[0].add(article)
                entry[1] += 1
            else:
                entry[2] += 1
            pages = entry[1] + entry[2]
            mostly_at_edge = entry[1] >= self.edge_share * pages
            if h not in table.learned:
                if (mostly_at_edge and len(entry[0]) >= self.min_pages
                        and entry[1] >= self.min_share * table.pages):
                    table.learned.add(h)
                    newly += 1
            elif not mostly_at_edge and pages >= self.min_pages:
                table.learned.discard(h)  # enough evidence that it is content after all
        return newly

    def is_learned(self, site: str, paragraph: str) -> bool:
        table = self._sites.get(site)
        return table is not None and self._hash(comparison_key(paragraph)) in table.learned

    def strip(self, site: str, paragraphs: list[str]) -> tuple[list[str], int]:
        """Paragraphs without the site's learned blocks, and how many were removed."""
        table = self._sites.get(site)
        if not table or not table.learned:
            return paragraphs, 0
        kept = [p for p in paragraphs if self._hash(comparison_key(p)) not in table.learned]
        removed = len(paragraphs) - len(kept)
        if not kept or removed > self.max_share * len(paragraphs):
            return paragraphs, 0
        return kept, removed

    def process(self, site: str, article_key: str, text: str) -> tuple[str, int, int]:
        """Observe then strip one article body: ``(text, removed, newly_learned)``."""
        paragraphs = split_paragraphs(text)
        hashed = self._line_hashes(paragraphs)
        newly = self._observe(site, article_key, hashed)
        learned = self._sites[site].learned
        if not learned:
            return "\n\n".join(paragraphs), 0, newly
        out: list[str] = []
        removed = 0
        total = sum(len(hashes) for hashes in hashed)
        for para, hashes in zip(paragraphs, hashed, strict=True):
            lines = [ln for ln, h in zip(para.split("\n"), hashes, strict=True) if h is None or h not in learned]
            removed += len(hashes) - len(lines)
            if lines:
                out.append("\n".join(lines))
        if not out or removed > self.max_share * total:
            return "\n\n".join(paragraphs), 0, newly
        return "\n\n".join(out), removed, newly

    def learned_count(self, site: str | None = None) -> int:
        if site is not None:
            table = self._sites.get(site)
            return len(table.learned) if table else 0
        return sum(len(t.learned) for t in self._sites.values())

    def export_state(self) -> dict[str, Any]:
        """JSON-able snapshot of the whole table (hashes and counters), for :meth:`import_state`.

        Bounded like the table: per site at most ``max_blocks`` blocks, each with at most
        ``min_pages`` article hashes.
        """
        sites = {
            site: {
                "pages": table.pages,
                # [block hash, pages at an edge, pages in the middle, learned, article hashes]
                "blocks": [[h, entry[1], entry[2], int(h in table.learned), sorted(entry[0])]
                           for h, entry in table.seen.items()],
            }
            for site, table in self._sites.items()
        }
        return {"format": LEARNER_STATE_FORMAT, "sites": sites}

    def import_state(self, state: Mapping[str, Any]) -> int:
        """Replace the table with a snapshot from :meth:`export_state`; returns the learned
        blocks it holds. Raises ``ValueError`` if the snapshot is not one (the table is then
        left as it was). Over ``max_blocks``, a site keeps its learned blocks and the most seen.
        """
        if not isinstance(state, Mapping) or state.get("format") != LEARNER_STATE_FORMAT:
            raise ValueError(f"not a {LEARNER_STATE_FORMAT} snapshot")
        sites = state.get("sites")
        if not isinstance(sites, Mapping):
            raise ValueError("boilerplate snapshot: 'sites' must be an object")
        tables: dict[str, _SiteTable] = {}
        try:
            for site, data in sites.items():
                table = tables[str(site)] = _SiteTable(pages=_count(data["pages"]))
                rows = [(_hash_value(h), _count(edge), _count(middle), bool(learned),
                         {_hash_value(a) for a in articles})
                        for h, edge, middle, learned, articles in data["blocks"]]
                if len(rows) > self.max_blocks:  # keep the table's order (eviction follows it)
                    kept = set(sorted(range(len(rows)), key=lambda i: (not rows[i][3],
                                                                      -rows[i][1] - rows[i][2]))
                               [: self.max_blocks])
                    rows = [row for i, row in enumerate(rows) if i in kept]
                for h, edge, middle, learned, articles in rows:
                    table.seen[h] = [articles, edge, middle]
                    if learned:
                        table.learned.add(h)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"boilerplate snapshot is malformed: {exc!r}") from exc
        self._sites = tables
        return self.learned_count()


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"bad count {value!r}")
    return value


def _hash_value(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**64:
        raise ValueError(f"bad block hash {value!r}")
    return value
