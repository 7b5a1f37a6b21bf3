"""A crawl's JSON Lines scored against the twin's truth: the crawl test's and the benchmarks' measures.

Output lines are matched to truth records by URL path (any member: the canonical URL, a URL
variant, a same-body or near-copy page). A copy or variant of an article already written counts
as written twice; a line matching no record (a video, a slideshow, a listing) is a non-article.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from .render import BOILERPLATE_PHRASES

#: the fields a copy (same body or near-copy) carries of its own in the truth's variants
OWN_FIELDS = ("headline", "articleBody", "authors", "datePublished", "dateModified")
_WORD = re.compile(r"\w+")


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def members(record: dict) -> dict[str, dict]:
    """Every path under which a truth article may appear, with that member's own content.

    A copy (same body or near-copy) carries its own headline, body, authors and dates; a URL
    variant (tracking, slash, case, AMP, print) shows the content of the page it is a variant
    ``of`` (the record itself unless it names a copy).
    """
    own = {path_of(record["canonicalUrl"]): record}
    for variant in record["variants"]:
        if "of" not in variant and any(k in variant for k in OWN_FIELDS):
            own[path_of(variant["url"])] = {**record, **{k: variant[k] for k in OWN_FIELDS if k in variant}}
    found = dict(own)
    for variant in record["variants"]:
        path = path_of(variant["url"])
        if path not in found:
            found[path] = own.get(path_of(variant.get("of", record["canonicalUrl"])), record)
    return found


def token_f1(predicted: str, expected: str) -> float:
    """F1 of the two texts' case-folded word multisets."""
    got = Counter(_WORD.findall(predicted.casefold()))
    want = Counter(_WORD.findall(expected.casefold()))
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def leaked_phrases(body: str) -> list[str]:
    """The twin's boilerplate phrases found in a body."""
    folded = body.casefold()
    return [p for p in BOILERPLATE_PHRASES if p.casefold() in folded]


@dataclass(frozen=True)
class Score:
    lines: int
    unique_articles: int  # truth records with at least one line
    written_twice: int  # lines beyond the first of a record
    non_articles: int  # lines matching no record
    body_f1_mean: float  # over lines matching a record, against that member's body
    boilerplate_leaks: int  # boilerplate phrases found, summed over all lines
    day_right: float  # share of matching lines whose publication day is the member's


def score(lines: Iterable[dict], truth: Iterable[dict]) -> Score:
    """Score output lines (``url``, ``canonicalUrl`` optional, ``articleBody``, ``datePublished``)."""
    index: dict[str, tuple[int, dict]] = {}
    for number, record in enumerate(truth):
        for path, member in members(record).items():
            index[path] = (number, member)
    seen: Counter[int] = Counter()
    count = non_articles = leaks = days = 0
    f1s: list[float] = []
    for line in lines:
        count += 1
        body = line.get("articleBody") or ""
        leaks += len(leaked_phrases(body))
        match = index.get(path_of(line["url"]))
        if match is None and line.get("canonicalUrl"):
            match = index.get(path_of(line["canonicalUrl"]))
        if match is None:
            non_articles += 1
            continue
        number, member = match
        seen[number] += 1
        f1s.append(token_f1(body, member["articleBody"]))
        days += (line.get("datePublished") or "")[:10] == (member["datePublished"] or "")[:10]
    return Score(lines=count, unique_articles=len(seen), written_twice=sum(seen.values()) - len(seen),
                 non_articles=non_articles, body_f1_mean=sum(f1s) / len(f1s) if f1s else 0.0,
                 boilerplate_leaks=leaks, day_right=days / len(f1s) if f1s else 0.0)
