"""End to end against the twin, every crawl a real subprocess (``newscrawl crawl``).

Day 0 exports every original; a repeated day-0 run exports nothing within the request budget; a
day-1 run exports exactly the new and changed articles (changed ones as version 2); crawls
killed with SIGKILL while staging and while releasing, then re-run, deliver the twin's originals
exactly once in valid JSON Lines files; an original found after its copy is a new version of
the copy's record.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from twinproc import Releasing, Staging, Twin, Workdir, kill_runs

ARTICLES = 200


@pytest.fixture(scope="module")
def twin() -> Iterator[Twin]:
    running = Twin(ARTICLES, seed=3).start(day=0)
    try:
        yield running
    finally:
        running.stop()


def canonicals(work: Workdir) -> Counter[str]:
    """The canonical URL of each article's latest version across every finished file.

    An original found after a killed run had exported a copy is a new version of that record
    (same ``id``): a consumer keeps the latest version of each id.
    """
    latest: dict[str, tuple[int, str]] = {}
    lines: Counter[tuple[str, int]] = Counter()
    for f in work.files():
        for x in work.lines(f):
            lines[(x["id"], x["version"])] += 1
            if x["version"] >= latest.get(x["id"], (0, ""))[0]:
                latest[x["id"]] = (x["version"], x["canonicalUrl"])
    assert [k for k, n in lines.items() if n > 1] == [], "a line (id, version) was delivered twice"
    return Counter(canonical for _, canonical in latest.values())


def assert_matches_truth(got: Counter[str], truth: dict[str, dict]) -> None:
    """Each original of the truth exactly once, and nothing else (no copy in its place)."""
    assert [u for u, n in got.items() if n > 1] == [], "an article was delivered twice"
    missing = set(truth) - set(got)
    assert not missing, f"{len(missing)} articles of the twin's truth missing, e.g. {sorted(missing)[:3]}"
    extra = set(got) - set(truth)
    assert not extra, f"copies exported instead of their originals: {sorted(extra)[:5]}"


#: the repeat-run budget: a run with nothing new makes at most this many requests, whatever the
#: archive's size (docs/operations.md; benchmarks/incremental_bench.py shows it at 3,000 and
#: 100,000 articles). 600 articles of seed 5 keep the test short and give a day 1 with every kind
#: of change: a new article, edits, an edited original that has copies, a silent edit.
REPEAT_BUDGET = 60
BUDGET_ARTICLES, BUDGET_SEED = 600, 5


@pytest.mark.timeout(900)
def test_day0_repeat_and_day1(tmp_path: Path) -> None:
    """Day 0 exports the truth's originals; day 0 again stays within the request budget and
    exports nothing; day 1 exports exactly the truth's new and changed articles, edited originals
    (whose copies day 0 did not export) and silent edits (only the ETag says so) included."""
    twin = Twin(BUDGET_ARTICLES, seed=BUDGET_SEED).start(day=0)
    try:
        work = Workdir(tmp_path / "deploy")
        truth0 = twin.truth(0)
        first = work.crawl(twin, timeout=400)
        assert first.returncode == 0, first.stderr[-3000:]
        lines, manifest = work.newest()
        assert manifest["outcome"] == "ok" and manifest["lines"] == len(lines)
        assert {x["version"] for x in lines} == {1}
        assert_matches_truth(canonicals(work), truth0)
        day0 = work.stats()

        second = work.crawl(twin)
        assert second.returncode == 0, second.stderr[-3000:]
        lines, manifest = work.newest()
        assert lines == [] and manifest["counts"]["exported"] == 0
        repeat = work.stats()
        assert repeat["downloader/request_count"] <= REPEAT_BUDGET, repeat["downloader/request_count"]
        # the only article pages fetched again are the recent ones, re-checked (304s)
        assert repeat.get("newscrawl/incremental/article_downloads", 0) == repeat.get(
            "newscrawl/incremental/recheck_recent", 0)

        twin.start(day=1)
        truth1 = twin.truth(1)
        new = set(truth1) - set(truth0)
        changed = {
            u for u in set(truth1) & set(truth0)
            if (truth1[u]["dateModified"], truth1[u]["articleBody"])
            != (truth0[u]["dateModified"], truth0[u]["articleBody"])
        }
        silent = {u for u in changed if truth1[u]["dateModified"] == truth0[u]["dateModified"]}
        originals_with_copies = {u for u in changed if any(
            v["kind"] in ("near-copy", "same-body") for v in truth1[u]["variants"])}
        assert new and silent and originals_with_copies, "the twin's day 1 must have every kind of change"
        third = work.crawl(twin)
        assert third.returncode == 0, third.stderr[-3000:]
        day1 = work.stats()
        lines, manifest = work.newest()
        versions = {x["canonicalUrl"]: x["version"] for x in lines}
        assert len(versions) == len(lines)
        assert set(versions) == new | changed, (
            f"missing new {sorted(new - set(versions))[:3]}, missing changed "
            f"{sorted(changed - set(versions))[:3]}, unexpected {sorted(set(versions) - new - changed)[:3]}"
        )
        assert all(versions[u] == 1 for u in new) and all(versions[u] == 2 for u in changed)
        assert manifest["counts"]["new"] == len(new) and manifest["counts"]["changed"] == len(changed)
        # that budget plus what is new or changed: the article, and the monthly sitemap or
        # listing page that shows it
        assert day1["downloader/request_count"] <= REPEAT_BUDGET + 3 * len(new | changed)
        print(f"day0 {len(truth0)} articles, {day0['downloader/request_count']} requests; "
              f"repeat {repeat['downloader/request_count']} requests; day1 {len(new)} new, {len(changed)} changed "
              f"({len(silent)} silent), {day1['downloader/request_count']} requests")
    finally:
        twin.stop()


@pytest.mark.timeout(300)
def test_killed_runs_then_rerun_deliver_truth_exactly_once(twin: Twin, tmp_path: Path) -> None:
    twin.start(day=0)
    work = Workdir(tmp_path / "deploy")
    rng = random.Random(1127)
    # killed while staging (the next run takes the staged candidates back) and while releasing
    # them at the end (at most ~40 lines, so the releases never run out before the kill)
    moments = [Staging(100), Releasing(rng.randint(5, 20) * 3000), Staging(100),
               Releasing(rng.randint(5, 20) * 3000)]
    kills = kill_runs(lambda: work.popen(twin, "-s", "NEWSCRAWL_FEED_FSYNC_ITEMS=5"), work.out, moments,
                      state_db=work.path / "state" / "cancernetwork.sqlite3", rng=rng, pause=0.3,
                      check=lambda: [work.lines(f) for f in work.files()])  # finished files stay valid
    assert kills == 4, "the crawls must really be killed mid-run"
    final = work.crawl(twin)
    assert final.returncode == 0, final.stderr[-3000:]
    assert work.parts() == []
    assert_matches_truth(canonicals(work), twin.truth(0))
    recovered = [m for m in work.manifests() if m["recovered"]]
    assert len(recovered) == 2, "every .part of a run killed while releasing is finished by the next run"
    print(f"kills={kills} recovered={len(recovered)} cut={sum(m['cutBytes'] for m in recovered)} "
          f"files={len(work.files())}")
    again = work.crawl(twin)
    assert again.returncode == 0 and work.newest()[0] == []


def test_explicit_feeds_replace_the_default_feed(twin: Twin, tmp_path: Path) -> None:
    """``-O`` (and ``-o``) write only the files asked for, crash-safe, and feed the state."""
    twin.start(day=0)
    work = Workdir(tmp_path / "deploy")
    result = work.crawl(twin, "-a", "max_articles=15", "-O", "mine.jsonl", "-O", "mine.json")
    assert result.returncode == 0, result.stderr[-3000:]
    jsonl = work.path / "mine.jsonl"
    lines = Workdir.lines(jsonl)
    assert len(lines) >= 15
    assert len(json.loads((work.path / "mine.json").read_text())) == len(lines)
    manifest = json.loads((work.path / "mine.jsonl.manifest.json").read_text())
    assert manifest["lines"] == len(lines) and manifest["outcome"] == "ok"
    assert not list(work.path.glob("*.part"))
    assert work.files() == [] and not work.out.exists()  # the default feed was not written
    # the JSON Lines feed fed the state: the same articles are not exported again; a record comes
    # again only as a new version, when this run found the original of a copy the first exported
    again = work.crawl(twin, "-a", "max_articles=15", "-O", "again.jsonl")
    assert again.returncode == 0, again.stderr[-3000:]
    first = {x["id"]: x for x in lines}
    for x in Workdir.lines(work.path / "again.jsonl"):
        if x["id"] in first:
            assert x["version"] == 2 and x["canonicalUrl"] != first[x["id"]]["canonicalUrl"], x["id"]
    appended = work.crawl(twin, "-a", "max_articles=5", "-o", "mine.jsonl")
    assert appended.returncode == 0, appended.stderr[-3000:]
    assert len(Workdir.lines(jsonl)) == len(lines) + 5 and work.files() == []


@pytest.mark.timeout(300)
def test_pages_beyond_max_articles_are_left_to_later_runs(twin: Twin, tmp_path: Path) -> None:
    """Pages a ``max_articles`` run fetched but did not export (in flight when the count was
    reached) are not taken as seen: the next full run exports them, and together the two runs
    deliver the truth's originals."""
    twin.start(day=0)
    truth = twin.truth(0)
    work = Workdir(tmp_path / "deploy")
    first = work.crawl(twin, "-a", "max_articles=15")
    assert first.returncode == 0, first.stderr[-3000:]
    assert work.stats().get("newscrawl/spider/skipped/max_articles"), "no page was left over: the test shows nothing"
    full = work.crawl(twin)
    assert full.returncode == 0, full.stderr[-3000:]
    assert_matches_truth(canonicals(work), truth)


@pytest.mark.timeout(300)
def test_an_original_found_after_its_copy_is_a_new_version_of_the_copys_record(twin: Twin, tmp_path: Path) -> None:
    """Run 1 sees only what is newer than ``since``: for a group whose original is older, it
    exports a copy. Run 2 finds the original: it is exported under the copy's ``id``, as
    version 2 with the original's fields, and the latest versions are the truth's originals."""
    twin.start(day=0)
    truth = twin.truth(0)
    straddling = sorted(
        (v["datePublished"][:10], canonical) for canonical, r in truth.items() for v in r["variants"]
        if v["kind"] in ("near-copy", "same-body") and v["datePublished"][:10] > r["datePublished"][:10]
    )
    since, original = straddling[-1]
    work = Workdir(tmp_path / "deploy")
    first = work.crawl(twin, "-a", f"since={since}")
    assert first.returncode == 0, first.stderr[-3000:]
    copies = {x["id"]: x for x in work.newest()[0]}
    second = work.crawl(twin)
    assert second.returncode == 0, second.stderr[-3000:]
    lines, manifest = work.newest()
    now = {x["canonicalUrl"]: x for x in lines}
    moved = now[original]
    assert moved["id"] in copies and moved["version"] == 2, "the original is a new version of the copy's record"
    assert copies[moved["id"]]["canonicalUrl"] != original
    assert moved["headline"] == truth[original]["headline"]
    assert manifest["counts"]["changed"] >= 1
    assert_matches_truth(canonicals(work), truth)
