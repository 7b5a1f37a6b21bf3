"""Expected crawler output of the twin: one record per unique article (see docs/replica.md)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import prose
from .model import MEDIA_ROLES, Article, Site
from .render import Links

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
_WS = re.compile(r"[ \t\r\n\u00a0]+")


def norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


def iso_date(d: datetime | date | None) -> str | None:
    if d is None:
        return None
    return d.isoformat()


def article_body(a: Article) -> str:
    """The body the crawler must produce for a: paragraphs joined by a blank line, no boilerplate."""
    return "\n\n".join(norm(p) for p in prose.body_paragraphs(a.blocks))


#: the normalised ``meetings`` name of each conference the twin's prose names (prose.CONFERENCES)
MEETING_NAMES = {
    "ASCO Annual Meeting": "ASCO Annual Meeting",
    "ESMO Congress": "ESMO Congress",
    "San Antonio Breast Cancer Symposium (SABCS)": "SABCS",
    "ASH Annual Meeting": "ASH Annual Meeting",
    "ASCO Genitourinary Cancers Symposium": "ASCO Genitourinary Cancers Symposium",
    "ASCO Gastrointestinal Cancers Symposium": "ASCO Gastrointestinal Cancers Symposium",
    "AACR Annual Meeting": "AACR Annual Meeting",
    "IASLC World Conference on Lung Cancer": "WCLC",
    "SGO Annual Meeting on Women's Cancer": "SGO Annual Meeting",
    "ESMO Breast Cancer Congress": "ESMO Breast Cancer",
}


def oncology_truth(site: Site, i: int, body: str) -> dict:
    """``trialIds`` and ``meetings`` of page i: the trial ids and conferences its facts put in the body.

    A conference cited with a year ("Presented at: ESMO Congress; 2024.") carries that year;
    one named only without a year has year None, and gives way to a mention with a year.
    """
    sources = {j for j in (i, site.source(i)) if j is not None}
    facts = [site.facts_for(j) for j in sorted(sources)]
    trials = sorted({(body.find(f["nct"]), f["nct"]) for f in facts if f["nct"] in body})
    meetings = set()
    for f in facts:
        conf = f["conf"]
        if conf not in body:
            continue
        cited = re.search(re.escape(f"Presented at: {conf}; ") + r"(\d{4})\.", body)
        where = cited.start() if cited else body.find(conf)
        meetings.add((where, MEETING_NAMES[conf], int(cited[1]) if cited else None))
    return {"trialIds": [nct for _, nct in trials],
            "meetings": [{"name": name, "year": year} for _, name, year in sorted(meetings)]}


def url_variants(site: Site, links: Links, i: int, *, of: str | None = None) -> list[dict]:
    """Other URLs of page i that the crawl surfaces link to (link form, AMP, print, redirect chain)."""
    out = []
    form = site.linkform(i)
    if form != "plain":
        out.append({"url": links.view(i, form), "kind": form})
    out.append({"url": links.view(i, "amp"), "kind": "amp"})
    out.append({"url": links.view(i, "print"), "kind": "print"})
    if site.fault(i) == "redirect":
        det = site.fault_detail(i, "redirect")
        for n in range(1, det["hops"] + 1):
            out.append({"url": f"{links.view(i)}?redirect={n}", "kind": "redirect"})
    if of:
        for v in out:
            v["of"] = of
    return out


def is_unique_article(site: Site, i: int) -> bool:
    """True for the first page of each article's group: an original, a sibling, a legacy article
    (not a media page, not a copy, not the seed's second title of the 2007 abstract)."""
    role = site.role(i)
    if role in MEDIA_ROLES or role in ("near", "same"):
        return False
    return not (role == "legacy" and i == 1)


def copies_of(site: Site, i: int) -> list[int]:
    """The copies of page i: its near-copies and same-body copies (the seed's second title)."""
    return [d for d in site.dependents(i) if site.role(d) != "sibling"]


def original_of(site: Site, links: Links, pages: list[int]) -> int:
    """The page of a group the crawler exports: the earliest ``datePublished``, then the shortest
    canonical URL, then the URL (docs/dedup.md; every twin page is its own canonical URL). Only
    the seed's two titles of the 2007 abstract tie on the date: the shorter URL, "The Explanation
    Behind the Observation?", is the original."""
    return min(pages, key=lambda j: (site.ts(j), len(links.view(j)), links.view(j)))


def truth_record(site: Site, links: Links, i: int) -> dict:
    """The record of the group that page i heads (see :func:`is_unique_article`)."""
    copies = copies_of(site, i)
    w = original_of(site, links, [i, *copies])
    a = site.article(w)
    canonical = links.view(w)
    variants = url_variants(site, links, w)
    hard: list[str] = []
    for d in site.dependents(i):
        if site.role(d) == "sibling":
            hard.append(links.view(d))
    for d in (i, *copies):
        if d == w:
            continue
        c = site.article(d)
        kind = "near-copy" if site.role(d) == "near" else "same-body"
        variants.append({"url": links.view(d), "kind": kind, "headline": norm(c.headline),
                         "articleBody": article_body(c), "authors": [{"name": n} for n in c.authors],
                         "datePublished": iso_date(c.published), "dateModified": iso_date(c.modified)})
        variants.extend(url_variants(site, links, d, of=links.view(d)))
    if site.role(i) == "sibling" and a.source is not None:
        hard.append(links.view(a.source))
    rec: dict = {
        "canonicalUrl": canonical,
        "headline": norm(a.headline),
        "description": norm(a.description),
        "authors": [{"name": n} for n in a.authors],
        "datePublished": iso_date(a.published),
        "dateModified": iso_date(a.modified),
        "section": a.section,
        "articleBody": article_body(a),
        **oncology_truth(site, i, article_body(a)),
        "template": "redesign" if site.redesigned and a.template != "media" else a.template,
        "variants": variants,
    }
    if hard:
        rec["hardNegatives"] = hard
    if site.faults:
        fault = site.fault(w)
        if fault:
            rec["fault"] = fault
            rec["faultDetail"] = site.fault_detail(w, fault)
        rec["reachable"] = site.reachable(w)
    return rec


def truth_records(*, articles: int = 2000, day: int = 0, seed: int = 0, base_url: str = DEFAULT_BASE_URL,
                  faults: Iterable[str] | str | bool | None = None,
                  template_change: int | None = None) -> Iterator[dict]:
    """One expected output record per unique article of the twin, oldest first.

    The content is the same whatever the template; a redesigned page's record says so
    (``"template": "redesign"``).
    """
    site = Site(articles, day=day, seed=seed, faults=faults, template_change=template_change)
    links = Links(site, base_url)
    for i in range(site.count):
        if is_unique_article(site, i):
            yield truth_record(site, links, i)


def write_truth(path: str | os.PathLike[str], **kwargs: Any) -> int:
    """Write truth_records(**kwargs) as JSON Lines (atomically); returns the line count."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    n = 0
    with open(tmp, "w", encoding="utf-8") as fh:
        for rec in truth_records(**kwargs):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    os.replace(tmp, path)
    return n
