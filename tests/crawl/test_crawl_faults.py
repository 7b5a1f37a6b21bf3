"""A crawl of the twin with every fault switched on: 5xx, slow answers, dropped connections,
truncated bodies, malformed HTML, wrong charsets, redirect chains and loops, a huge page and an
empty body. The crawl must finish, lose no reachable article, and count every failure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from newscrawl.replica import BOILERPLATE_PHRASES, truth_records

from .conftest import members, path_of, twin_process

ARTICLES = 300
ROOT = Path(__file__).parents[2]


def test_crawl_with_all_faults(tmp_path: Path) -> None:
    with twin_process("--articles", str(ARTICLES), "--faults") as (_, base_url):
        stats_file = tmp_path / "stats.json"
        done = subprocess.run(
            [sys.executable, "-m", "newscrawl.cli", "crawl", "cancernetwork", "-a", f"base_url={base_url}",
             "-s", "LOG_LEVEL=WARNING", "-s", f"NEWSCRAWL_STATS_FILE={stats_file}",
             "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp_path / 'output'}",
             "-s", f"NEWSCRAWL_STATE_DIR={tmp_path / 'state'}"],
            cwd=ROOT, capture_output=True, text=True, timeout=600,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    stats = json.loads(stats_file.read_text("utf-8"))
    (feed,) = (tmp_path / "output" / "cancernetwork").glob("*.jsonl")
    items = [json.loads(line) for line in feed.read_text("utf-8").splitlines()]

    truth = list(truth_records(articles=ARTICLES, base_url=base_url, faults=True))
    group = {path: n for n, record in enumerate(truth) for path in members(record)}
    seen = [group.get(path_of(item["url"])) for item in items]
    assert None not in seen, "an output line matches no truth article"
    assert len(seen) == len(set(seen)), "an article was exported twice"
    reachable = {n for n, record in enumerate(truth) if record.get("reachable", True)}
    missing = reachable - set(seen)
    assert not missing, [truth[n]["canonicalUrl"] for n in sorted(missing)][:10]
    for item in items:
        assert "\ufffd" not in item["articleBody"], item["url"]  # charset faults decoded right
        assert not [p for p in BOILERPLATE_PHRASES if p.casefold() in item["articleBody"].casefold()]
    assert stats.get("newscrawl/spider/extract_error", 0) == 0
    assert stats.get("newscrawl/spider/article_failed", 0) > 0  # unreachable pages are counted
    assert stats.get("retry/count", 0) > 0
