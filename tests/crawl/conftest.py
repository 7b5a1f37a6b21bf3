"""Crawl helpers: a real ``scrapy crawl`` subprocess of the twin, its JSON Lines and stats."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

OWN_FIELDS = ("headline", "articleBody", "authors", "datePublished", "dateModified")


def run_crawl(tmp_path: Path, *spider_args: str, settings: tuple[str, ...] = ()) -> tuple[list[dict], dict]:
    feed, stats_file = tmp_path / "out.jsonl", tmp_path / "stats.json"
    command = [sys.executable, "-m", "scrapy", "crawl", "cancernetwork", "-O", str(feed),
               "-s", "LOG_LEVEL=WARNING", "-s", f"NEWSCRAWL_STATS_FILE={stats_file}",
               "-s", f"NEWSCRAWL_STATE_DIR={tmp_path / 'state'}",
               "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp_path / 'output'}"]
    for arg in spider_args:
        command += ["-a", arg]
    for setting in settings:
        command += ["-s", setting]
    done = subprocess.run(command, cwd=Path(__file__).parents[2], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = feed.read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines], json.loads(stats_file.read_text("utf-8"))


@contextmanager
def twin_process(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """The twin in its own process on a free port (``python -m newscrawl.replica``): (process, base URL)."""
    twin = subprocess.Popen([sys.executable, "-m", "newscrawl.replica", "--port", "0", *args],
                            cwd=Path(__file__).parents[2], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        assert twin.stdout is not None
        yield twin, twin.stdout.readline().strip()
    finally:
        twin.terminate()
        twin.wait(timeout=10)


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
