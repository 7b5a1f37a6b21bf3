"""Measure near-duplicate similarity on the twin, choose the threshold, and time the index.

Two parts (both print figures; nothing here asserts):

``threshold``  For every near-copy / same-body variant of a twin article (positives)
    the similarity to its original, and for every article the similarity to its
    closest *other* article (negatives: siblings on the same trial share trial
    names, end points and boilerplate descriptions). Measured as exact Jaccard of
    word 5-shingles, its MinHash estimate (what the index uses) and SimHash
    Hamming distance (the alternative). Then a full :class:`DuplicateIndex` run
    over the articles with their variants interleaved gives end-to-end
    precision/recall at the chosen threshold (LSH misses included).

``speed``  Per-item cost of ``DuplicatesPipeline.process_item`` (grouping and staging, on
    items the identity pipeline has prepared) at 2,000 and 100,000 staged articles, of the
    end-of-run release (``close_spider``) per article, and the memory per 100k articles (the
    copy groups and, with the state off as here, the staged items themselves).

Usage::

    .venv/bin/python benchmarks/dedup_threshold.py threshold --articles 3000 --seed 0
    .venv/bin/python benchmarks/dedup_threshold.py speed --sizes 2000 100000
    .venv/bin/python benchmarks/dedup_threshold.py threshold --truth-jsonl truth.jsonl
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import random
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newscrawl.dedup import DEFAULT_NEAR_THRESHOLD, DuplicateIndex
from newscrawl.drops import Staged
from newscrawl.extract.fingerprint import content_fingerprint, near_dup_signature, shingle_hashes
from newscrawl.extract.urls import article_id, canonicalize_url
from newscrawl.pipelines.duplicates import DuplicatesPipeline
from newscrawl.pipelines.identity import IdentityPipeline
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

logger = logging.getLogger(__name__)

BODY_VARIANT_KINDS = ("near-copy", "same-body")


# -- data ---------------------------------------------------------------------------------
def load_records(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Truth records of the twin: from a JSONL file or ``newscrawl.replica.truth_records``."""
    if args.truth_jsonl:
        with open(args.truth_jsonl, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]
    try:
        from newscrawl.replica import truth_records
    except ImportError as exc:
        raise SystemExit(f"the twin's truth_records is not available ({exc}); pass --truth-jsonl") from None
    return list(
        truth_records(articles=args.articles, day=args.day, seed=args.seed, base_url="http://127.0.0.1:8000")
    )


def url_of(record: dict[str, Any]) -> str:
    return record.get("canonicalUrl") or record["url"]


def body_of(record: dict[str, Any]) -> str:
    body = record.get("articleBody") or ""
    return body if isinstance(body, str) else ""


# -- similarity measures -------------------------------------------------------------------
def exact_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if a.size == 0 or b.size == 0:
        return 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter)


_BITS = np.arange(64, dtype=np.uint64)


def simhash(hashes: np.ndarray) -> int:
    """64-bit SimHash over the shingle hashes (each shingle weight 1)."""
    if hashes.size == 0:
        return 0
    bits = ((hashes[:, None] >> _BITS) & np.uint64(1)).sum(axis=0)
    out = 0
    for i, count in enumerate(bits.tolist()):
        if 2 * count > hashes.size:
            out |= 1 << i
    return out


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def describe(values: Iterable[float], *, low: bool) -> str:
    arr = np.asarray(list(values), dtype=float)
    if arr.size == 0:
        return "n=0"
    qs = (0, 1, 5, 50) if low else (100, 99, 95, 50)
    names = ("min", "p1", "p5", "p50") if low else ("max", "p99", "p95", "p50")
    parts = [f"{n}={np.percentile(arr, q):.3f}" for n, q in zip(names, qs, strict=True)]
    return f"n={arr.size} " + " ".join(parts)


# -- threshold ----------------------------------------------------------------------------
def run_threshold(args: argparse.Namespace) -> None:
    t0 = time.perf_counter()
    records = [r for r in load_records(args) if body_of(r)]
    print(f"twin: {len(records)} articles with a body (articles={args.articles} seed={args.seed} day={args.day}), "
          f"loaded in {time.perf_counter() - t0:.1f} s")
    shingles = [shingle_hashes(body_of(r)) for r in records]
    sigs = [near_dup_signature(body_of(r)) for r in records]
    sims = [simhash(s) for s in shingles]

    # positives: each body variant vs its original
    pos: dict[str, list[tuple[float, float, int]]] = {}
    for rec, sh, sig, sim in zip(records, shingles, sigs, sims, strict=True):
        for var in rec.get("variants") or []:
            kind = var.get("kind")
            vbody = var.get("articleBody")
            if kind not in BODY_VARIANT_KINDS or not isinstance(vbody, str):
                continue
            vsh = shingle_hashes(vbody)
            label = kind
            if content_fingerprint(vbody) == content_fingerprint(body_of(rec)):
                label += " (body identical)"
            elif kind == "near-copy":
                label += " (body edited)"
            pos.setdefault(label, []).append(
                (exact_jaccard(sh, vsh), sig.jaccard(near_dup_signature(vbody)), hamming(sim, simhash(vsh)))
            )

    # URL variants: mapped to the article's canonical URL by canonicalize_url alone?
    url_kinds: Counter[tuple[str, bool]] = Counter()
    for rec in records:
        for var in rec.get("variants") or []:
            if var.get("kind") in BODY_VARIANT_KINDS:
                continue
            target = var.get("of") or url_of(rec)
            url_kinds[(var.get("kind", "?"), canonicalize_url(var["url"]) == canonicalize_url(target))] += 1
    print("\n== URL variants -> canonical by canonicalize_url alone (kind: mapped/total)")
    kinds = sorted({k for k, _ in url_kinds})
    mapped = {k: (url_kinds[(k, True)], url_kinds[(k, True)] + url_kinds[(k, False)]) for k in kinds}
    print("  " + ", ".join(f"{k}: {n}/{total}" for k, (n, total) in mapped.items()))

    # hard negatives named by the twin: different articles on the same trial
    by_url = {canonicalize_url(url_of(r)): i for i, r in enumerate(records)}
    hard_exact, hard_est = [], []
    for i, rec in enumerate(records):
        for other in rec.get("hardNegatives") or []:
            j = by_url.get(canonicalize_url(other))
            if j is not None and i < j:
                hard_exact.append(exact_jaccard(shingles[i], shingles[j]))
                hard_est.append(sigs[i].jaccard(sigs[j]))
    print("\n== hard negatives (same-trial siblings named by the twin)")
    print(f"  exact J  {describe(hard_exact, low=False)}")
    print(f"  MinHash  {describe(hard_est, low=False)}")

    # negatives: the closest other article of each article (MinHash estimate over all pairs,
    # then exact Jaccard of the 3 closest by estimate; SimHash: smallest Hamming distance)
    matrix = np.stack([s.values for s in sigs])
    sim_arr = np.array(sims, dtype=np.uint64)
    neg_exact, neg_est, neg_ham = [], [], []
    for i, sig in enumerate(sigs):
        est = (matrix == sig.values).sum(axis=1) / sig.num_perm
        est[i] = -1.0
        top = np.argpartition(est, -3)[-3:]
        neg_est.append(float(est.max()))
        neg_exact.append(max(exact_jaccard(shingles[i], shingles[j]) for j in top.tolist()))
        ham = np.bitwise_count(sim_arr ^ sim_arr[i])
        ham[i] = 65
        neg_ham.append(int(ham.min()))

    print("\n== positives: variant vs its original (higher = more similar; SimHash: Hamming, lower = closer)")
    all_pos = [p for vals in pos.values() for p in vals]
    for label in sorted(pos):
        vals = pos[label]
        print(f"  {label:28s} exact J {describe((v[0] for v in vals), low=True)}")
        print(f"  {'':28s} MinHash {describe((v[1] for v in vals), low=True)}")
        print(f"  {'':28s} SimHash max={max(v[2] for v in vals)} p50={np.median([v[2] for v in vals]):.0f}")
    print("\n== negatives: each article vs its closest other article")
    print(f"  exact J  {describe(neg_exact, low=False)}")
    print(f"  MinHash  {describe(neg_est, low=False)}")
    print(f"  SimHash  min={min(neg_ham)} p1={np.percentile(neg_ham, 1):.0f} p5={np.percentile(neg_ham, 5):.0f} "
          f"p50={np.median(neg_ham):.0f}")

    near_pos = [p for label, vals in pos.items() if "identical" not in label for p in vals]
    if near_pos:
        lo = min(p[1] for p in near_pos)
        hi = max(neg_est)
        print(f"\n  MinHash gap: lowest near-copy {lo:.3f} vs highest negative {hi:.3f}"
              f" -> midpoint {(lo + hi) / 2:.3f}")
        ham_pos = max(p[2] for p in near_pos)
        print(f"  SimHash gap: farthest near-copy {ham_pos} bits vs closest negative {min(neg_ham)} bits")
    threshold = args.threshold
    tp = sum(p[1] >= threshold for p in all_pos)
    fp_pairs = sum(v >= threshold for v in neg_est)
    print(f"\n  pairwise at threshold {threshold}: positives recalled {tp}/{len(all_pos)}, "
          f"articles whose closest other article passes it {fp_pairs}/{len(neg_est)}")

    end_to_end(records, threshold)
    if args.next_day and not args.truth_jsonl:
        across_runs(records, args, threshold)


def across_runs(records: list[dict[str, Any]], args: argparse.Namespace, threshold: float) -> None:
    """Day-0 index exported/imported, then the twin's day-N articles (truth: new / edited /
    unchanged). An earlier run's article must come back as ``update`` whether or not it changed
    (never as a duplicate of itself: unchanged is the state's decision); a new one as ``new``."""
    first = DuplicateIndex(near_threshold=threshold)
    before: dict[str, dict[str, Any]] = {}
    for rec in records:
        canonical = canonicalize_url(url_of(rec))
        before[canonical] = rec
        first.observe(first.entry_for(article_id=article_id(canonical), canonical_url=canonical,
                                      body=body_of(rec), date_modified=rec.get("dateModified")))
    state = json.loads(json.dumps(first.export_state()))
    second = DuplicateIndex(near_threshold=threshold)
    second.import_state(state)
    later = argparse.Namespace(**{**vars(args), "day": args.next_day})
    confusion: Counter[tuple[str, str]] = Counter()
    for rec in load_records(later):
        if not body_of(rec):
            continue
        canonical = canonicalize_url(url_of(rec))
        old = before.get(canonical)
        if old is None:
            expected = "new"
        elif body_of(old) != body_of(rec) or old.get("dateModified") != rec.get("dateModified"):
            expected = "edited"
        else:
            expected = "unchanged"
        verdict = second.observe(second.entry_for(article_id=article_id(canonical), canonical_url=canonical,
                                                  body=body_of(rec), date_modified=rec.get("dateModified")))
        confusion[(expected, verdict.kind)] += 1
    print(f"\n== across runs: day {args.day} state exported/imported, then day {args.next_day} (expected->verdict)")
    print("  " + ", ".join(f"{e}->{k}: {v}" for (e, k), v in sorted(confusion.items())))


def end_to_end(records: list[dict[str, Any]], threshold: float) -> None:
    """Stream articles and their variants (each variant shortly after its original) through the index."""
    rng = random.Random(0)
    stream: list[tuple[str, str, str, str | None]] = []  # (url, body, truth, original url)
    pending: list[tuple[str, str, str, str | None]] = []
    for rec in records:
        url = url_of(rec)
        stream.append((url, body_of(rec), "article", None))
        for var in rec.get("variants") or []:
            vbody = var.get("articleBody")
            if var.get("kind") in BODY_VARIANT_KINDS and isinstance(vbody, str):
                pending.append((var["url"], vbody, var["kind"], url))
        # variants appear a few articles later, as on listings
        while pending and rng.random() < 0.5:
            stream.append(pending.pop(0))
    stream.extend(pending)

    index = DuplicateIndex(near_threshold=threshold)
    outcome: Counter[tuple[str, str]] = Counter()
    wrong_original = 0
    for url, body, truth, original in stream:
        canonical = canonicalize_url(url)
        entry = index.entry_for(article_id=article_id(canonical), canonical_url=canonical, body=body)
        verdict = index.observe(entry)
        outcome[(truth, verdict.kind)] += 1
        if original and verdict.is_duplicate and verdict.original_id != article_id(canonicalize_url(original)):
            wrong_original += 1
    articles = sum(v for (t, _), v in outcome.items() if t == "article")
    dup_total = sum(v for (t, _), v in outcome.items() if t != "article")
    kept_articles = outcome[("article", "new")]
    caught = sum(v for (t, k), v in outcome.items() if t != "article" and k in ("same_body", "near_copy"))
    print(f"\n== end to end (DuplicateIndex, threshold {threshold}, LSH {index.bands} bands)")
    print("  " + ", ".join(f"{t}->{k}: {v}" for (t, k), v in sorted(outcome.items())))
    print(f"  recall (variants dropped) {caught}/{dup_total} = {caught / max(dup_total, 1):.4f}; "
          f"real articles kept {kept_articles}/{articles} = {kept_articles / max(articles, 1):.4f}; "
          f"drops attributed to another original: {wrong_original}")


# -- speed and memory ---------------------------------------------------------------------
def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def paragraph_pool(args: argparse.Namespace) -> list[str]:
    try:
        records = load_records(args)
        pool = [p for r in records for p in body_of(r).split("\n\n") if len(p.split()) >= 8]
        if pool:
            return pool
    except SystemExit as exc:
        print(f"({exc}; using built-in paragraphs)")
    words = ("patients trial survival response therapy cancer months median ratio treatment "
             "arm placebo analysis phase data results adverse events grade dose cohort").split()
    rng = random.Random(1)
    return [" ".join(rng.choice(words) for _ in range(40)) for _ in range(5000)]


def synthetic_bodies(pool: list[str], n: int, seed: int) -> Iterator[str]:
    """Bodies of ~15 paragraphs drawn from the twin's paragraphs, each with a unique sentence."""
    rng = random.Random(seed)
    for i in range(n):
        paras = rng.sample(pool, 15)
        paras.insert(rng.randrange(15), f"Article {seed}-{i} reports case {rng.random():.12f} of note.")
        yield "\n\n".join(paras)


def new_pipeline() -> DuplicatesPipeline:
    return DuplicatesPipeline.from_crawler(get_crawler(Spider, {"LOG_LEVEL": "ERROR"}))


IDENTITY = IdentityPipeline.from_crawler(get_crawler(Spider, {"LOG_LEVEL": "ERROR"}))


def timed_items(pipeline: DuplicatesPipeline, items: Iterable[tuple[str, str]]) -> tuple[float, Counter[str]]:
    """Mean CPU microseconds of ``DuplicatesPipeline.process_item`` (the crawl's real per-item cost).

    CPU time of this process, not wall time: the machine is shared, and CPU time is what
    a crawl pays per item. The identity pipeline prepares the items first, outside the timing.
    """
    outcome: Counter[str] = Counter()
    prepared = [IDENTITY.process_item({"url": url, "canonicalUrl": None, "headline": "H", "articleBody": body})
                for url, body in items]
    t0 = time.process_time()
    for item in prepared:
        try:
            pipeline.process_item(item)
            outcome["passed on"] += 1
        except Staged:
            outcome["staged"] += 1
        except DropItem as exc:
            outcome[str(exc)] += 1
    return (time.process_time() - t0) / max(len(prepared), 1) * 1e6, outcome


def run_speed(args: argparse.Namespace) -> None:
    pool = paragraph_pool(args)
    print(f"paragraph pool: {len(pool)} paragraphs")
    for size in args.sizes:
        gc.collect()
        rss0 = rss_bytes()
        pipeline = new_pipeline()
        t_fill = 0.0
        for start in range(0, size, 10000):  # in chunks: the prepared items are not counted as index memory
            n = min(10000, size - start)
            t, _ = timed_items(
                pipeline,
                ((f"https://www.cancernetwork.com/view/article-{start + i}", b)
                 for i, b in enumerate(synthetic_bodies(pool, n, seed=1 + start))),
            )
            t_fill += t * n / size
        gc.collect()
        rss1 = rss_bytes()
        probe = list(synthetic_bodies(pool, args.probe, seed=0))
        base = "https://www.cancernetwork.com/view/"
        t_new, k_new = timed_items(pipeline, ((f"{base}probe-{i}", b) for i, b in enumerate(probe)))
        t_url, k_url = timed_items(pipeline, ((f"{base}probe-{i}/amp?utm_source=x", b) for i, b in enumerate(probe)))
        t_body, k_body = timed_items(pipeline, ((f"{base}same-{i}", b) for i, b in enumerate(probe)))
        t_copy, k_copy = timed_items(
            pipeline,
            ((f"{base}copy-{i}", b.replace(".", ". Also,", 1) + " One more sentence.") for i, b in enumerate(probe)),
        )
        mb = (rss1 - rss0) / 1e6
        staged = size + 4 * args.probe
        t0 = time.process_time()
        pipeline.close_spider()
        t_release = (time.process_time() - t0) / staged * 1e6
        print(f"\n{size} articles staged: fill {t_fill:.0f} us/item; RSS +{mb:.1f} MB "
              f"= {mb / size * 1e5:.0f} MB per 100k articles")
        print(f"  new article         {t_new:.0f} us/item {dict(k_new)}")
        print(f"  URL variant         {t_url:.0f} us/item {dict(k_url)}")
        print(f"  same body, new URL  {t_body:.0f} us/item {dict(k_body)}")
        print(f"  near-copy           {t_copy:.0f} us/item {dict(k_copy)}")
        print(f"  release at the end  {t_release:.0f} us/item ({staged} staged items)")
        del pipeline
    # memory held by the index (tracemalloc: Python allocations still live after the fill)
    pipeline = new_pipeline()
    gc.collect()
    tracemalloc.start()
    n = args.traced
    for start in range(0, n, 5000):
        timed_items(
            pipeline,
            ((f"https://www.cancernetwork.com/view/a-typical-article-slug-of-sixty-characters-{start + i}", b)
             for i, b in enumerate(synthetic_bodies(pool, min(5000, n - start), seed=7 + start))),
        )
    gc.collect()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    print(f"\ntraced memory of an index of {n} articles: {held / n:.0f} bytes/article "
          f"= {held / n * 1e5 / 1e6:.0f} MB per 100k articles")
    del pipeline
    # where the time goes, for one typical body
    body = next(synthetic_bodies(pool, 1, seed=3))
    for name, fn in (
        ("canonicalize_url", lambda: canonicalize_url("https://www.cancernetwork.com/view/Some-Slug/?utm_source=x")),
        ("content_fingerprint", lambda: content_fingerprint(body)),
        ("near_dup_signature", lambda: near_dup_signature(body)),
    ):
        t0 = time.process_time()
        for _ in range(200):
            fn()
        print(f"  {name:20s} {(time.process_time() - t0) / 200 * 1e6:.0f} us ({len(body.split())} words)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    for name in ("threshold", "speed"):
        p = sub.add_parser(name)
        p.add_argument("--articles", type=int, default=3000)
        p.add_argument("--day", type=int, default=0)
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--truth-jsonl", help="read truth records from this JSONL instead of the twin API")
        if name == "threshold":
            p.add_argument("--threshold", type=float, default=DEFAULT_NEAR_THRESHOLD)
            p.add_argument("--next-day", type=int, default=3, help="also check a later day against this one (0: off)")
        else:
            p.add_argument("--sizes", type=int, nargs="+", default=[2000, 100000])
            p.add_argument("--probe", type=int, default=1000, help="items timed at each size")
            p.add_argument("--traced", type=int, default=20000, help="articles for the tracemalloc measure")
    args = parser.parse_args(argv)
    if args.cmd == "threshold":
        run_threshold(args)
    else:
        run_speed(args)


if __name__ == "__main__":
    main()
