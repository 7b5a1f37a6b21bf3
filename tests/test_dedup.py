"""Tests of the duplicate index (verdict kinds, updates, persistence round trip) and of copy groups
(the original of a group, whatever the order the pages arrive in).

The texts are synthetic but shaped like the site's news: two different articles on
the same trial share the trial's boilerplate description, its name and end points
(hard negatives); near-copies differ by a typo fix, an added sentence or a byline.
"""

from __future__ import annotations

import gc
import json
import random
import tracemalloc
from collections import Counter

import pytest
from newscrawl.dedup import (
    CopyGroups,
    DedupStore,
    DuplicateIndex,
    Entry,
    MemoryStore,
    Verdict,
    original_rank,
    published_instant,
)
from newscrawl.extract.urls import article_id, canonicalize_url

TRIAL = (
    "DESTINY-Breast09 (NCT04784715) is a global, multicenter, randomized, open-label phase 3 trial "
    "evaluating the efficacy and safety of trastuzumab deruxtecan (T-DXd; Enhertu) with or without "
    "pertuzumab (Perjeta) vs taxane, trastuzumab (Herceptin), and pertuzumab (THP) as first-line "
    "treatment in patients with HER2-positive advanced or metastatic breast cancer. The primary end "
    "point is progression-free survival (PFS) by blinded independent central review (BICR). Key "
    "secondary end points include overall survival (OS), objective response rate (ORR), duration of "
    "response (DOR), and safety."
)

ARTICLE_A = "\n\n".join(
    [
        "Trastuzumab deruxtecan plus pertuzumab produced a statistically significant and clinically "
        "meaningful improvement in progression-free survival compared with THP as frontline therapy for "
        "patients with HER2-positive advanced breast cancer, according to findings from the phase 3 "
        "DESTINY-Breast09 trial presented at the 2025 ASCO Annual Meeting.",
        "At a median follow-up of 29 months, the median PFS by BICR was 40.7 months with T-DXd plus "
        "pertuzumab vs 26.9 months with THP, translating to a 44% reduction in the risk of disease "
        "progression or death. The benefit was consistent across prespecified subgroups, including "
        "patients with hormone receptor-positive and hormone receptor-negative disease.",
        "The confirmed objective response rate was 85.1% in the experimental arm and 78.6% in the control "
        "arm, with complete responses observed in 15.1% and 8.5% of patients, respectively. Overall "
        "survival data were immature at the time of the analysis, although an early trend favored the "
        "combination.",
        "Grade 3 or higher treatment-emergent adverse events occurred in 63.5% of patients who received "
        "T-DXd plus pertuzumab. Interstitial lung disease of any grade was reported in 12.1% of patients, "
        "most of which were low grade, and investigators emphasized the importance of monitoring.",
        TRIAL,
    ]
)

# Another article on the same trial: shares the trial description, names and end points.
ARTICLE_B = "\n\n".join(
    [
        "In an interview with CancerNetwork, a breast medical oncologist discussed how results from the "
        "DESTINY-Breast09 trial may change the first-line treatment paradigm for HER2-positive advanced "
        "breast cancer and which patients may be best suited for the new regimen.",
        "She noted that the improvement in progression-free survival with trastuzumab deruxtecan plus "
        "pertuzumab was striking, but that many clinicians will want to see mature overall survival data "
        "and a better understanding of long-term toxicity before abandoning taxane-based regimens.",
        "Questions remain about sequencing, she said, because many patients who receive T-DXd up front "
        "will later need options after progression, and the activity of tucatinib-based or other "
        "HER2-directed regimens after frontline T-DXd has not been well characterized.",
        "Managing interstitial lung disease will require careful education of patients and community "
        "practices, including baseline imaging, regular symptom checks, and early use of corticosteroids "
        "when pneumonitis is suspected.",
        TRIAL,
    ]
)

ARTICLE_C = "\n\n".join(
    [
        "Adjuvant ribociclib plus a nonsteroidal aromatase inhibitor continued to improve invasive "
        "disease-free survival in patients with hormone receptor-positive, HER2-negative early breast "
        "cancer regardless of age or menopausal status, according to an exploratory analysis of the "
        "NATALEE trial.",
        "Among premenopausal women, the 4-year invasive disease-free survival rate was 89.2% with the "
        "combination vs 84.6% with endocrine therapy alone; among postmenopausal women, the respective "
        "rates were 88.1% and 83.7%. Benefit was also observed in men enrolled in the study.",
        "Rates of dose reductions and discontinuations because of adverse events were similar across age "
        "groups, and the most common grade 3 or higher adverse event was neutropenia, which was "
        "generally manageable with dose modifications.",
    ]
)

BASE = "https://www.cancernetwork.com/view/"


def entry(index: DuplicateIndex, slug: str, body: str, *, fetched: str | None = None,
          modified: str | None = None) -> Entry:
    canonical = canonicalize_url(BASE + slug)
    urls = [canonicalize_url(fetched)] if fetched else []
    return index.entry_for(
        article_id=article_id(canonical), canonical_url=canonical, body=body, urls=urls,
        date_modified=modified,
    )


@pytest.fixture
def index() -> DuplicateIndex:
    idx = DuplicateIndex()
    for slug, body in (("frontline-t-dxd", ARTICLE_A), ("ribociclib-natalee", ARTICLE_C)):
        assert idx.observe(entry(idx, slug, body)).kind == "new"
    return idx


A_ID = article_id(BASE + "frontline-t-dxd")


@pytest.mark.parametrize(
    ("slug", "fetched"),
    [
        ("frontline-t-dxd", None),
        ("frontline-t-dxd", BASE + "frontline-t-dxd/?utm_source=rss"),
        ("other-slug", BASE + "Frontline-T-DXd/amp"),  # fetched URL matches, canonical differs
        ("FRONTLINE-T-DXD/", None),
    ],
)
def test_same_url(index: DuplicateIndex, slug: str, fetched: str | None) -> None:
    verdict = index.check(entry(index, slug, "Totally different body text " * 10, fetched=fetched))
    assert verdict == Verdict("same_url", A_ID)
    assert verdict.is_duplicate and verdict.drop_reason == "duplicate_url"


@pytest.mark.parametrize(
    "body",
    [
        ARTICLE_A,
        ARTICLE_A.upper(),
        ARTICLE_A.replace("\n\n", "\n"),
        ARTICLE_A.replace("(", "").replace(")", ""),
    ],
)
def test_same_body_under_another_url(index: DuplicateIndex, body: str) -> None:
    verdict = index.check(entry(index, "a-different-title", body))
    assert verdict.kind == "same_body" and verdict.original_id == A_ID
    assert verdict.drop_reason == "duplicate_body" and not verdict.previous_run


NEAR_COPIES = {
    "typo_fix": ARTICLE_A.replace("statistically significant", "statisticaly significant"),
    "two_typos": ARTICLE_A.replace("meaningful", "meaningfull").replace("observed", "observd"),
    "added_sentence": ARTICLE_A.replace(
        "presented at the 2025 ASCO Annual Meeting.",
        "presented at the 2025 ASCO Annual Meeting. The data were also published simultaneously in "
        "a peer-reviewed journal.",
    ),
    "byline_in_body": "By Russ Conroy\n\n" + ARTICLE_A,
    "other_byline_and_dateline": "Written by Hannah Clarke, Associate Editor\n\nCHICAGO \u2014 " + ARTICLE_A,
    "dropped_paragraph": ARTICLE_A.rsplit("\n\n", 2)[0] + "\n\n" + TRIAL,
    "edited_number": ARTICLE_A.replace("29 months", "29.2 months").replace("12.1%", "12.0%"),
}


@pytest.mark.parametrize("name", sorted(NEAR_COPIES))
def test_near_copies_are_found(index: DuplicateIndex, name: str) -> None:
    verdict = index.check(entry(index, "copy-" + name, NEAR_COPIES[name]))
    assert verdict.kind == "near_copy", verdict
    assert verdict.original_id == A_ID and verdict.drop_reason == "near_duplicate"
    assert verdict.similarity is not None and verdict.similarity >= index.near_threshold


HARD_NEGATIVES = {
    "same_trial_other_article": ARTICLE_B,
    "other_trial_same_end_points": "\n\n".join(
        [
            "Sacituzumab govitecan plus pembrolizumab produced pathologic complete responses in patients "
            "with early-stage triple-negative breast cancer, according to data from the phase 2 NeoSTAR "
            "trial presented at the 2025 ASCO Annual Meeting.",
            "The primary end point was pathologic complete response; key secondary end points included "
            "event-free survival, overall survival (OS), objective response rate (ORR), and safety. The "
            "benefit was consistent across prespecified subgroups.",
            "Grade 3 or higher treatment-emergent adverse events occurred in 31.0% of patients, and no new "
            "safety signals were identified. Overall survival data were immature at the time of the analysis.",
        ]
    ),
    "trial_description_only_plus_news": "\n\n".join([TRIAL, ARTICLE_B.split("\n\n")[0]]),
    "first_paragraph_shared": ARTICLE_A.split("\n\n")[0] + "\n\n" + ARTICLE_B,
}


@pytest.mark.parametrize("name", sorted(HARD_NEGATIVES))
def test_articles_sharing_phrases_are_kept(index: DuplicateIndex, name: str) -> None:
    verdict = index.check(entry(index, "neg-" + name, HARD_NEGATIVES[name]))
    assert verdict.kind == "new", verdict


def test_first_seen_wins() -> None:
    idx = DuplicateIndex()
    first = idx.observe(entry(idx, "copy", NEAR_COPIES["added_sentence"]))
    second = idx.observe(entry(idx, "original", ARTICLE_A))
    assert first.kind == "new"
    assert second.kind == "near_copy" and second.original_id == article_id(BASE + "copy")
    assert len(idx) == 1


def test_duplicates_are_not_indexed(index: DuplicateIndex) -> None:
    assert index.observe(entry(index, "dup", ARTICLE_A)).kind == "same_body"
    assert len(index) == 2
    # the dropped URL was not remembered: its next visit is judged by body again
    assert index.check(entry(index, "dup", ARTICLE_A)).kind == "same_body"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("Watch the video.", "new"),  # too short for body matching
        ("", "new"),
        ("one two three four five six seven eight nine ten", "same_body"),  # >= min_words_exact
    ],
)
def test_short_bodies(body: str, kind: str) -> None:
    idx = DuplicateIndex()
    idx.observe(entry(idx, "first", body))
    assert idx.check(entry(idx, "second", body)).kind == kind


def test_short_near_copies_are_not_matched() -> None:
    idx = DuplicateIndex(min_words_near=25)
    short = "In this video, the oncologist discusses results from the trial and their implications."
    idx.observe(entry(idx, "v1", short))
    assert idx.check(entry(idx, "v2", short.replace("video", "interview"))).kind == "new"


def test_update_vs_duplicate_across_runs(index: DuplicateIndex) -> None:
    state = json.loads(json.dumps(index.export_state()))
    nxt = DuplicateIndex()
    assert nxt.import_state(state) == 2

    # same article, same content: never a duplicate of itself (unchanged is the state's decision)
    unchanged = nxt.check(entry(nxt, "frontline-t-dxd", ARTICLE_A))
    assert unchanged.kind == "update" and unchanged.original_id == A_ID and unchanged.previous_run
    # another article (another id) reached under one of that article's URLs, unchanged: a duplicate
    variant = nxt.check(entry(nxt, "another-id", ARTICLE_A, fetched=BASE + "frontline-t-dxd"))
    assert variant == Verdict("same_url", A_ID, previous_run=True)
    # same URL, changed body: an update of that id, kept
    changed = nxt.check(entry(nxt, "frontline-t-dxd", NEAR_COPIES["added_sentence"]))
    assert changed.kind == "update" and changed.original_id == A_ID and changed.previous_run
    assert not changed.is_duplicate and changed.drop_reason is None
    assert changed.similarity is not None and changed.similarity > 0.5
    # same URL, same body, new dateModified: an update
    assert nxt.check(entry(nxt, "frontline-t-dxd", ARTICLE_A, modified="2025-06-03")).kind == "update"
    # another URL with the same body / a near-copy: duplicates of the earlier run's article
    same_body = nxt.check(entry(nxt, "new-title", ARTICLE_A))
    assert same_body.kind == "same_body" and same_body.previous_run
    near = nxt.check(entry(nxt, "new-title", NEAR_COPIES["typo_fix"]))
    assert near.kind == "near_copy" and near.previous_run


def test_update_replaces_entry_and_repeat_in_run_is_same_url(index: DuplicateIndex) -> None:
    nxt = DuplicateIndex()
    nxt.import_entries(index.export_entries())
    new_body = ARTICLE_A.replace("44%", "45%") + " Updated with the final analysis."
    first = nxt.observe(entry(nxt, "frontline-t-dxd", new_body, modified="2025-06-05"))
    assert first.kind == "update"
    stored = nxt.store.get(A_ID)
    assert stored is not None and stored.date_modified == "2025-06-05"
    # the same article again in this run: a duplicate URL, not another update
    assert nxt.observe(entry(nxt, "frontline-t-dxd/", new_body)).kind == "same_url"
    # the old body's fingerprint no longer points at the article; the new one does
    assert nxt.check(entry(nxt, "elsewhere", new_body)).kind == "same_body"
    assert nxt.check(entry(nxt, "elsewhere", ARTICLE_A)).kind == "near_copy"
    assert len(nxt) == 2


def test_export_import_round_trip(index: DuplicateIndex) -> None:
    state = index.export_state()
    text = json.dumps(state)
    fresh = DuplicateIndex()
    fresh.import_state(json.loads(text))
    assert sorted(e.to_dict()["id"] for e in fresh.export_entries()) == sorted(
        e.id for e in index.export_entries()
    )
    for original in index.export_entries():
        copy = fresh.store.get(original.id)
        assert copy == original
        assert Entry.from_dict(original.to_dict()) == original
    assert fresh.export_state() == state


@pytest.mark.parametrize(
    "mutate",
    [
        lambda s: s.update(format="something-else"),
        lambda s: s.update(scheme="minhash-xxh3-w3-p64-b16x4/1"),
        lambda s: s.update(entries="nope"),
        lambda s: s["entries"][0].pop("fingerprint"),
        lambda s: s["entries"][0].update(id=""),
        lambda s: s["entries"][0].update(url_keys="//x"),
        lambda s: s["entries"][0].update(signature="zz"),
        lambda s: s["entries"][0].update(word_count=-1),
    ],
)
def test_corrupt_state_raises_clear_error(index: DuplicateIndex, mutate) -> None:
    state = json.loads(json.dumps(index.export_state()))
    mutate(state)
    with pytest.raises(ValueError):
        DuplicateIndex().import_state(state)


class ListStore:
    """A deliberately naive DedupStore (linear scans) to show the protocol is enough."""

    def __init__(self) -> None:
        self.rows: list[tuple[Entry, list[int]]] = []

    def lookup_url(self, key: str) -> str | None:
        return next((e.id for e, _ in self.rows if key in e.url_keys), None)

    def lookup_fingerprint(self, fingerprint: str) -> str | None:
        return next((e.id for e, _ in self.rows if e.fingerprint == fingerprint), None)

    def candidates(self, band_keys):
        wanted = set(band_keys)
        return [e.id for e, keys in self.rows if wanted.intersection(keys)]

    def get(self, article_id: str) -> Entry | None:
        return next((e for e, _ in self.rows if e.id == article_id), None)

    def add(self, entry: Entry, band_keys) -> None:
        self.rows = [(e, k) for e, k in self.rows if e.id != entry.id] + [(entry, list(band_keys))]

    def entries(self):
        return iter([e for e, _ in self.rows])

    def __len__(self) -> int:
        return len(self.rows)


@pytest.mark.parametrize(
    "store_cls", [MemoryStore, ListStore, lambda: MemoryStore(band_flush_at=1)], ids=["memory", "list", "memory-flush"]
)
def test_any_store_gives_the_same_verdicts(store_cls) -> None:
    store = store_cls()
    assert isinstance(store, DedupStore)
    idx = DuplicateIndex(store=store)
    kinds = [
        idx.observe(entry(idx, slug, body)).kind
        for slug, body in [
            ("a", ARTICLE_A),
            ("a/", ARTICLE_C),
            ("a-again", ARTICLE_A),
            ("a-typo", NEAR_COPIES["typo_fix"]),
            ("b", ARTICLE_B),
            ("c", ARTICLE_C),
        ]
    ]
    assert kinds == ["new", "same_url", "same_body", "near_copy", "new", "new"]
    assert len(store) == 3


@pytest.mark.parametrize(
    "kwargs",
    [{"near_threshold": 0}, {"near_threshold": 1.5}, {"bands": 7}, {"num_perm": 0}, {"shingle_size": 0}],
)
def test_bad_parameters_raise(kwargs) -> None:
    with pytest.raises(ValueError):
        DuplicateIndex(**kwargs)


def test_non_store_rejected() -> None:
    with pytest.raises(TypeError):
        DuplicateIndex(store=object())  # type: ignore[arg-type]  # the wrong type is the point


def test_seed_page_same_abstract_two_titles() -> None:
    """The seed scrape: one 2007 abstract under two different titles is one article."""
    from pathlib import Path

    # a copy of ../shared/seed/oncology-news-page.txt, so the test runs wherever the checkout is
    text = (Path(__file__).parent / "fixtures" / "seed" / "oncology-news-page.txt").read_text("utf-8")
    blocks = [b.split("July 1st 2007", 1)[1].strip() for b in text.split("Site Logo")[1:]]
    assert len(blocks) == 2
    idx = DuplicateIndex()
    first = idx.observe(entry(idx, "the-explanation-behind-the-observation", blocks[0]))
    second = idx.observe(entry(idx, "does-resection-of-an-intact-breast-primary", blocks[1]))
    assert (first.kind, second.kind) == ("new", "same_body")


def test_check_url_fast_path(index: DuplicateIndex) -> None:
    canonical = canonicalize_url(BASE + "frontline-t-dxd")
    assert index.check_url(article_id=article_id(canonical), canonical_url=canonical) == Verdict("same_url", A_ID)
    # a new canonical but a fetched URL already kept in this run
    other = canonicalize_url(BASE + "elsewhere")
    fetched = canonicalize_url(BASE + "frontline-t-dxd/amp")
    assert index.check_url(article_id=article_id(other), canonical_url=other, urls=[fetched]).kind == "same_url"
    assert index.check_url(article_id=article_id(other), canonical_url=other) is None
    # an earlier run's article is not settled by URL: check() decides
    nxt = DuplicateIndex()
    nxt.import_entries(index.export_entries())
    assert nxt.check_url(article_id=A_ID, canonical_url=canonical) is None



def test_entry_for_item_reads_the_identity_fields(index: DuplicateIndex) -> None:
    canonical = canonicalize_url(BASE + "frontline-t-dxd")
    item = {"id": A_ID, "canonicalUrl": canonical, "url": BASE + "Frontline-T-DXd/amp?utm_source=x",
            "articleBody": ARTICLE_A, "dateModified": None, "dateModifiedRaw": "June 3"}
    built = index.entry_for_item(item, lowercase_paths=True)
    assert built == index.entry_for(article_id=A_ID, canonical_url=canonical, body=ARTICLE_A,
                                    urls=[canonical], date_modified="June 3")
    with pytest.raises(ValueError, match="identity"):
        index.entry_for_item({"url": BASE + "x", "articleBody": ARTICLE_A}, lowercase_paths=True)


def test_band_table_runs_and_merges_agree_with_naive_store() -> None:
    """Many articles through MemoryStore's sorted runs (tiny flush size) vs a linear-scan store."""
    import random

    rng = random.Random(7)
    paragraphs = [p for text in (ARTICLE_A, ARTICLE_B, ARTICLE_C) for p in text.split("\n\n")]
    bodies = []
    for i in range(120):
        paras = rng.sample(paragraphs, 4) + [f"Story {i} adds its own reporting, item {rng.random():.9f}."]
        bodies.append("\n\n".join(paras))
    # near-copies and exact copies of earlier stories, interleaved
    stream = []
    for i, body in enumerate(bodies):
        stream.append((f"s{i}", body))
        if i % 7 == 3:
            stream.append((f"s{i}-copy", body + " One sentence added by the editors today."))
        if i % 11 == 5:
            stream.append((f"s{i}-same", body.upper()))
    verdicts = {}
    for name, store in (("memory", MemoryStore(band_flush_at=48)), ("list", ListStore())):
        idx = DuplicateIndex(store=store)
        verdicts[name] = [(v.kind, v.original_id) for v in (idx.observe(entry(idx, slug, b)) for slug, b in stream)]
        assert len(store) == sum(1 for k, _ in verdicts[name] if k == "new")
    assert verdicts["memory"] == verdicts["list"]
    kinds = Counter(k for k, _ in verdicts["memory"])
    assert kinds["near_copy"] >= 17 and kinds["same_body"] >= 10


def page(slug: str, body: str, published: str | None, canonical: str | None = None) -> dict[str, object]:
    """An item as the duplicates stage sees it (identity set)."""
    url = canonicalize_url(BASE + slug)
    canonical = canonicalize_url(canonical or url)
    return {"url": url, "canonicalUrl": canonical, "id": article_id(canonical), "articleBody": body,
            "datePublished": published}


def test_original_rank_orders_by_date_then_canonical_then_length() -> None:
    early = original_rank("2025-06-01T09:00:00-04:00", BASE + "a-much-longer-slug")
    assert early < original_rank("2025-06-01T14:00:00+00:00", BASE + "b")  # 10:00 EDT is later
    same_day = original_rank("2025-06-01", BASE + "a")
    assert same_day < early  # a date without a time counts from midnight (New York)
    declares_other = original_rank("2025-06-01", BASE + "a", BASE + "a-amp-copy")
    # a page declaring another canonical comes after every page that is its own, even a longer one
    assert same_day < original_rank("2025-06-01", BASE + "ab") < declares_other
    assert original_rank(None, BASE + "a") > original_rank("2025-06-09", BASE + "zzzzzzzz")
    assert published_instant("June 2nd 2025") is not None and published_instant("soon") is None


def test_a_chain_of_copies_is_one_group_whatever_the_order() -> None:
    """A near-copy of A that also shares B's URL joins both: their groups merge, in any order."""
    pages = [
        page("frontline-t-dxd", ARTICLE_A, "2025-06-01"),
        page("another-title", ARTICLE_A, "2025-06-02"),  # same body, later
        page("frontline-t-dxd-2", ARTICLE_A.replace("striking", "remarkable") + " One more sentence.",
             "2025-06-03", canonical=BASE + "t-dxd-update"),  # near-copy, declares the URL below
        page("t-dxd-update", ARTICLE_C, "2025-06-04"),
        page("ribociclib-natalee", ARTICLE_B, "2025-06-02"),  # another article
    ]
    outcomes = set()
    for order in (pages, pages[::-1], [pages[i] for i in (2, 4, 0, 3, 1)], [pages[i] for i in (3, 2, 1, 4, 0)]):
        groups = CopyGroups(DuplicateIndex())
        for item in order:
            groups.add(item)
        outcomes.add(frozenset(
            (o.original.key, tuple(sorted((m.key, reason) for m, reason in o.copies)))
            for o in groups.outcomes() if o.original is not None
        ))
    assert len(outcomes) == 1
    (decided,) = outcomes
    assert {original for original, _ in decided} == {BASE + "frontline-t-dxd", BASE + "ribociclib-natalee"}


def test_copy_groups_keep_no_python_objects_per_candidate() -> None:
    """A first crawl stages every article of the site: the run's groups and its index of the
    candidates live in a temporary SQLite database, so Python memory does not grow with them (groups
    held in dicts kept about 2.4 kB per candidate)."""
    words = [f"word{n}" for n in range(5000)]
    rng = random.Random(13)
    pages = [page(f"story-{n}", " ".join(rng.choices(words, k=80)), "2025-06-01") for n in range(1400)]
    groups = CopyGroups(DuplicateIndex())
    for item in pages[:400]:
        groups.add(item)
    gc.collect()
    tracemalloc.start()
    try:
        for item in pages[400:]:
            groups.add(item)
        gc.collect()
        grown, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(groups) == 1400 and sum(1 for o in groups.outcomes() if o.original is not None) == 1400
    assert grown < 1000 * 100, f"{grown / 1000:.0f} bytes kept per candidate"
    groups.close()
