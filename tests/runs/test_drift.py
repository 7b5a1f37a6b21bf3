"""Drift alarms end to end: the twin switched to a changed template in the middle of the history.

Every crawl is a real subprocess (``newscrawl crawl``) against the twin in its own process; the
state keeps each run's extraction health, and the run after the redesign ends degraded.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from twinproc import Twin, Workdir

ARTICLES = 150
SETTINGS = ("-s", "NEWSCRAWL_DRIFT_MIN_ARTICLES=50")


def test_a_template_change_mid_history_ends_the_run_degraded(tmp_path: Path) -> None:
    twin = Twin(ARTICLES, seed=3, options=("--template-change", "1")).start(day=0)
    work = Workdir(tmp_path / "deploy")
    try:
        first = work.crawl(twin, *SETTINGS)
        assert first.returncode == 0, first.stderr[-2000:]
        _, manifest = work.newest()
        shares = manifest["health"]["shares"]
        assert manifest["health"]["articles"] > 100
        assert 0.2 < shares["genericBody"] < 0.6 and shares["headlineTitleMismatch"] == 0.0
        again = work.crawl(twin, "-a", "state=ignore", *SETTINGS)  # the same site: no drift
        assert again.returncode == 0, again.stderr[-2000:]
        base = statistics.median(m["health"]["shares"]["genericBody"] for m in work.manifests())
        twin.start(day=1)  # the site is redesigned
        changed = work.crawl(twin, "-a", "state=ignore", *SETTINGS)
        assert changed.returncode == 4, changed.stderr[-2000:]
        _, manifest = work.newest()
        assert manifest["outcome"] == "degraded" and manifest["exitCode"] == 4
        generic = [r for r in manifest["reasons"] if "share genericBody " in r]
        assert generic and "1.00" in generic[0] and f"{base:.2f}" in generic[0], manifest["reasons"]
        assert any("share headlineTitleMismatch 1.00" in r for r in manifest["reasons"]), manifest["reasons"]
        assert "extraction drift" in changed.stderr
        # a deployment whose first run already sees the redesign is held against the floors
        fresh = Workdir(tmp_path / "fresh").crawl(twin, *SETTINGS)
        assert fresh.returncode == 4 and "first-run floor" in fresh.stderr, fresh.stderr[-2000:]
    finally:
        twin.stop()
    assert all("health" in m for m in work.manifests())  # every run's manifest carries its health
