"""Helpers for run tests: the twin as a subprocess, crawls as subprocesses, crawls killed mid-run
(while staging candidates, or while releasing them to the feed at the end)."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newscrawl.feeds import manifest_path
from newscrawl.replica.process import spawn, stop

ROOT = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, PYTHONPATH=str(ROOT), SCRAPY_SETTINGS_MODULE="newscrawl.settings")


def wait_for_part(out: Path, proc: subprocess.Popen[str], min_bytes: int, *,
                  earlier: frozenset[Path] = frozenset(), timeout: float = 60.0) -> None:
    """Wait until this run's own ``.part`` file in ``out`` holds ``min_bytes`` (or the run ends).

    ``earlier``: ``.part`` files of killed runs, left for this run to recover and rename; they
    are not this run's, so their size says nothing about how far it got.
    """
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        parts = [p for p in sorted(out.glob("*.part")) if p not in earlier] if out.exists() else []
        try:
            if parts and parts[-1].stat().st_size >= min_bytes:
                return
        except FileNotFoundError:  # finished (renamed) between listing and stat
            pass
        time.sleep(0.01)


def staged_runs(state_db: Path) -> set[str]:
    """Run ids of the candidates staged in a state file (none when it has no staging yet)."""
    try:
        with closing(sqlite3.connect(f"file:{state_db}?mode=ro", uri=True, timeout=1.0)) as db:
            return {row[0] for row in db.execute("SELECT DISTINCT run_id FROM staged")}
    except sqlite3.Error:
        return set()


def wait_for_staged(state_db: Path, proc: subprocess.Popen[str], rows: int, *,
                    earlier: frozenset[str] = frozenset(), timeout: float = 60.0) -> None:
    """Wait until this run has staged ``rows`` candidates in the state (or the run ends).

    ``earlier``: run ids of candidates killed runs left, which this run takes back and releases.
    """
    deadline = time.monotonic() + timeout
    query = "SELECT COUNT(*) FROM staged" + (f" WHERE run_id NOT IN ({','.join('?' * len(earlier))})"
                                            if earlier else "")
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            with closing(sqlite3.connect(f"file:{state_db}?mode=ro", uri=True, timeout=1.0)) as db:
                if db.execute(query, sorted(earlier)).fetchone()[0] >= rows:
                    return
        except sqlite3.Error:  # no state or no staging table yet
            pass
        time.sleep(0.01)


@dataclass(frozen=True)
class Staging:
    """Kill the run once it has staged this many candidates (the crawl is under way)."""

    rows: int


@dataclass(frozen=True)
class Releasing:
    """Kill the run once its own ``.part`` holds this many bytes (the end-of-run release is writing)."""

    bytes: int


def kill_runs(start: Callable[[], subprocess.Popen[str]], out: Path, moments: Iterable[Staging | Releasing | int],
              *, state_db: Path | None = None, rng: random.Random | None = None, pause: float = 0.0,
              timeout: float = 60.0, check: Callable[[], object] = lambda: None) -> int:
    """Start a run per moment, SIGKILL it at that moment (after a random pause of up to ``pause``
    s), then ``check()`` the files it left. A plain int is a :class:`Releasing` moment;
    :class:`Staging` moments need the run's ``state_db``.

    Each run first recovers the ``.part`` files earlier killed runs left and takes back the
    candidates they staged. Returns how many runs were really killed (a run may finish before
    its kill).
    """
    kills = 0
    for moment in moments:
        earlier = frozenset(out.glob("*.part")) if out.exists() else frozenset()
        staged_before = frozenset(staged_runs(state_db)) if state_db is not None else frozenset()
        proc = start()
        if isinstance(moment, Staging):
            assert state_db is not None, "a Staging moment needs the state file"
            wait_for_staged(state_db, proc, moment.rows, earlier=staged_before, timeout=timeout)
        else:
            size = moment.bytes if isinstance(moment, Releasing) else moment
            wait_for_part(out, proc, size, earlier=earlier, timeout=timeout)
        if rng is not None and pause:
            time.sleep(rng.uniform(0, pause))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.communicate()
        check()
    return kills


class Twin:
    """``python -m newscrawl.replica`` on a port that stays the same across days."""

    def __init__(self, articles: int, seed: int = 0, options: tuple[str, ...] = ()) -> None:
        self.articles, self.seed, self.options = articles, seed, options
        self.port = 0
        self.day = 0
        self.proc: subprocess.Popen[str] | None = None
        self.base_url = ""

    def start(self, day: int = 0) -> Twin:
        self.stop()
        self.proc, self.base_url = spawn("--articles", str(self.articles), "--day", str(day), "--seed",
                                         str(self.seed), *self.options, port=self.port)
        self.day, self.port = day, int(self.base_url.rsplit(":", 1)[1])
        return self

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None

    def truth(self, day: int) -> dict[str, dict[str, Any]]:
        from newscrawl.replica import truth_records

        return {
            r["canonicalUrl"]: r
            for r in truth_records(articles=self.articles, day=day, seed=self.seed,
                                   base_url=self.base_url)
        }


class Workdir:
    """State + output of one simulated deployment; runs crawls as real processes."""

    def __init__(self, path: Path, spider: str = "cancernetwork") -> None:
        self.path, self.spider = path, spider
        path.mkdir(parents=True, exist_ok=True)

    def args(self, twin: Twin, *extra: str) -> list[str]:
        return [
            sys.executable, "-m", "newscrawl.cli", "crawl", self.spider, "-a", f"base_url={twin.base_url}",
            "-s", f"NEWSCRAWL_STATE_DIR={self.path / 'state'}",
            "-s", f"NEWSCRAWL_OUTPUT_DIR={self.path / 'output'}",
            "-s", f"NEWSCRAWL_STATS_FILE={self.path / 'stats.json'}",
            "-s", "LOG_LEVEL=INFO", *extra,
        ]

    def crawl(self, twin: Twin, *extra: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.args(twin, *extra), capture_output=True, text=True, env=ENV,
                              cwd=self.path, timeout=timeout)

    def popen(self, twin: Twin, *extra: str) -> subprocess.Popen[str]:
        return subprocess.Popen(self.args(twin, *extra), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, text=True, env=ENV, cwd=self.path)

    @property
    def out(self) -> Path:
        return self.path / "output" / self.spider

    def files(self) -> list[Path]:
        return sorted(self.out.glob("*.jsonl")) if self.out.exists() else []

    def parts(self) -> list[Path]:
        return sorted(self.out.glob("*.jsonl.part")) if self.out.exists() else []

    @staticmethod
    def lines(path: Path) -> list[dict[str, Any]]:
        raw = path.read_bytes()
        if raw and not raw.endswith(b"\n"):
            raise AssertionError(f"torn last line in finished file {path}")
        return [json.loads(x) for x in raw.splitlines()]

    def newest(self) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        path = max(self.files(), key=lambda p: p.stat().st_mtime_ns)
        return self.lines(path), json.loads(manifest_path(path).read_text())

    def manifests(self) -> list[dict[str, Any]]:
        return [json.loads(manifest_path(f).read_text()) for f in self.files()]

    def stats(self) -> dict[str, Any]:
        return json.loads((self.path / "stats.json").read_text())
