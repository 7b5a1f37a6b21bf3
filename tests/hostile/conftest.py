"""Crawls of the hostile site: the real ``newscrawl crawl`` in a subprocess, its files and stats."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import newscrawl

#: the checkout whose code this test process runs (crawls run the same code, from its folder)
ROOT = Path(newscrawl.__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=str(ROOT))


@dataclass
class Run:
    """One finished crawl: exit code, output streams, the finished feed's lines and manifest."""

    returncode: int
    stdout: str
    stderr: str
    work: Path

    @property
    def out(self) -> Path:
        return self.work / "output" / "cancernetwork"

    def files(self) -> list[Path]:
        return sorted(self.out.glob("*.jsonl")) if self.out.exists() else []

    def raw(self) -> bytes:
        (feed,) = self.files()
        return feed.read_bytes()

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.raw().decode("utf-8").split("\n") if line]

    def manifest(self) -> dict[str, Any]:
        (path,) = sorted(self.out.glob("*.manifest.json"))
        return json.loads(path.read_text("utf-8"))

    def stats(self) -> dict[str, Any]:
        return json.loads((self.work / "stats.json").read_text("utf-8"))


def crawl_command(base_url: str, work: Path, *settings: str) -> list[str]:
    command = [sys.executable, "-m", "newscrawl.cli", "crawl", "cancernetwork", "-a", f"base_url={base_url}",
               "-s", f"NEWSCRAWL_OUTPUT_DIR={work / 'output'}", "-s", f"NEWSCRAWL_STATE_DIR={work / 'state'}",
               "-s", f"NEWSCRAWL_STATS_FILE={work / 'stats.json'}", "-s", "RETRY_TIMES=0",
               "-s", "NEWSCRAWL_EXTRACT_WORKERS=1"]
    for setting in settings:
        command += ["-s", setting]
    return command


def start_crawl(base_url: str, work: Path, *settings: str) -> subprocess.Popen[str]:
    """A crawl in the background (for tests that interrupt it)."""
    work.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(crawl_command(base_url, work, *settings), cwd=ROOT, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def staged_rows(work: Path) -> int:
    """Candidates the run keeps in its state until it decides each group's original (0 before the
    first batch is written)."""
    try:
        with closing(sqlite3.connect(f"file:{work / 'state' / 'cancernetwork.sqlite3'}?mode=ro", uri=True,
                                     timeout=1.0)) as db:
            return int(db.execute("SELECT COUNT(*) FROM staged").fetchone()[0])
    except sqlite3.Error:  # no state file or no staging table yet
        return 0


def wait_for_staged(work: Path, proc: subprocess.Popen[str], rows: int, timeout: float = 60) -> None:
    """Wait until the run has staged ``rows`` articles in its state (the crawl is under way)."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if staged_rows(work) >= rows:
            return
        time.sleep(0.02)
    raise AssertionError(f"the crawl did not stage {rows} articles in time")


def crawl(base_url: str, work: Path, *settings: str, wrap: Sequence[str] | None = None,
          timeout: float = 120, env: dict[str, str] | None = None) -> Run:
    """Crawl ``base_url`` into ``work``; ``wrap(argv)`` may run it in a sandbox; ``env`` adds
    environment variables."""
    work.mkdir(parents=True, exist_ok=True)
    command = crawl_command(base_url, work, *settings)
    if wrap is not None:
        command = [*wrap, *command]
    done = subprocess.run(command, cwd=ROOT, env={**ENV, **(env or {})}, capture_output=True, text=True,
                          timeout=timeout)
    return Run(done.returncode, done.stdout, done.stderr, work)
