"""The consumer's reader (``newscrawl.reader``, ``newscrawl read``) on real feed files.

Files are written by the production code (``DurableFile``: .part, fsync, manifest, rename;
``recover_part`` for a killed writer's file) and, for concurrent runs, by real crawls of the twin
in a subprocess while the reader reads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from newscrawl.feeds import DurableFile, recover_part
from newscrawl.reader import Cursor, CursorError, Problem, read

ROOT = Path(__file__).resolve().parents[1]


def line(ident: str, version: int = 1, **extra: Any) -> dict[str, Any]:
    return {"id": ident, "version": version, "headline": f"Article {ident} v{version}", **extra}


def finished(folder: Path, name: str, lines: list[dict[str, Any]], started: str) -> Path:
    file = DurableFile(folder / name, jsonl=True, run_info={"startedAt": started})
    for obj in lines:
        file.write((json.dumps(obj) + "\n").encode())
    file.finalize({"startedAt": started})
    return folder / name


def killed(folder: Path, name: str, lines: list[dict[str, Any]], started: str, torn: bytes = b"") -> Path:
    """A writer that died: the .part with its run info, its lock gone."""
    file = DurableFile(folder / name, jsonl=True, run_info={"startedAt": started})
    for obj in lines:
        file.write((json.dumps(obj) + "\n").encode())
    if torn:
        file.write(torn)
    file.release()
    return folder / (name + ".part")


def ids(lines: list[dict[str, Any]]) -> list[str]:
    return [f"{x['id']}/{x['version']}" for x in lines]


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newscrawl.cli", "read", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_finished_files_in_run_order_parts_left_alone(tmp_path: Path) -> None:
    # the second run's file has the earlier name but the later start: run order wins
    finished(tmp_path, "b.jsonl", [line("a1"), line("a2")], "2026-01-01T00:00:00Z")
    finished(tmp_path, "a.jsonl", [line("a3")], "2026-01-02T00:00:00Z")
    killed(tmp_path, "c.jsonl", [line("a4")], "2026-01-03T00:00:00Z")  # a run in progress or killed
    problems: list[Problem] = []
    assert ids(list(read(tmp_path, on_problem=problems.append))) == ["a1/1", "a2/1", "a3/1"]
    assert problems == []


def test_a_recovered_file_is_read_whole_and_once_with_a_cursor(tmp_path: Path) -> None:
    finished(tmp_path, "1.jsonl", [line("a1")], "2026-01-01T00:00:00Z")
    part = killed(tmp_path, "2.jsonl", [line("a2"), line("a3")], "2026-01-02T00:00:00Z", torn=b'{"id": "a4", "ver')
    cursor = Cursor(tmp_path / "cursor.json")
    assert ids(list(read(tmp_path, cursor=cursor))) == ["a1/1"]
    cursor.save()
    finished(tmp_path, "3.jsonl", [line("a5")], "2026-01-03T00:00:00Z")
    assert recover_part(part) is not None  # the next run finishes the killed run's file
    manifest = json.loads((tmp_path / "2.jsonl.manifest.json").read_text())
    assert manifest["recovered"] is True
    cursor = Cursor.load(tmp_path / "cursor.json")
    # only what is new, the recovered file too although its run started before the last one read
    assert ids(list(read(tmp_path, cursor=cursor))) == ["a2/1", "a3/1", "a5/1"]
    cursor.save()
    assert list(read(tmp_path, cursor=Cursor.load(tmp_path / "cursor.json"))) == []


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (lambda p: p.write_bytes(p.read_bytes().replace(b"Article", b"Artikel", 1)), "sha256"),
        (lambda p: p.write_bytes(p.read_bytes() + b'{"id": "x", "version": 1}\n'), "sha256"),
        (lambda p: p.with_name(p.name + ".manifest.json").unlink(), "no manifest"),
    ],
)
def test_a_tampered_file_is_reported_and_skipped_whole(tmp_path: Path, tamper: Any, reason: str) -> None:
    finished(tmp_path, "1.jsonl", [line("a1")], "2026-01-01T00:00:00Z")
    bad = finished(tmp_path, "2.jsonl", [line("a2"), line("a3")], "2026-01-02T00:00:00Z")
    finished(tmp_path, "3.jsonl", [line("a4")], "2026-01-03T00:00:00Z")
    tamper(bad)
    problems: list[Problem] = []
    cursor = Cursor(tmp_path / "cursor.json")
    assert ids(list(read(tmp_path, cursor=cursor, on_problem=problems.append))) == ["a1/1", "a4/1"]
    assert [p.file.name for p in problems] == ["2.jsonl"] and reason in problems[0].reason
    assert "2.jsonl" not in cursor.files  # tried again next time, reported again

    done = cli(str(tmp_path))
    assert done.returncode == 4
    assert ids([json.loads(x) for x in done.stdout.splitlines()]) == ["a1/1", "a4/1"]
    assert "2.jsonl" in done.stderr and reason in done.stderr


def test_latest_keeps_the_highest_version_of_each_id(tmp_path: Path) -> None:
    finished(tmp_path, "1.jsonl", [line("a1"), line("a2")], "2026-01-01T00:00:00Z")
    finished(tmp_path, "2.jsonl", [line("a1", 2), line("a3")], "2026-01-02T00:00:00Z")
    finished(tmp_path, "3.jsonl", [line("a2", 1, note="re-exported"), line("a1", 3)], "2026-01-03T00:00:00Z")
    latest = list(read(tmp_path, latest=True))
    assert ids(latest) == ["a3/1", "a2/1", "a1/3"]  # in the order the chosen lines appear
    assert latest[1]["note"] == "re-exported"  # a tie goes to the later line
    done = cli(str(tmp_path), "--latest")
    assert done.returncode == 0 and ids([json.loads(x) for x in done.stdout.splitlines()]) == ids(latest)


def test_an_appended_file_yields_only_its_new_lines(tmp_path: Path) -> None:
    # -o out.jsonl appends by replacing the finished file with a longer one of the same name
    finished(tmp_path, "out.jsonl", [line("a1")], "2026-01-01T00:00:00Z")
    cursor = Cursor(tmp_path / "c.json")
    assert ids(list(read(tmp_path, cursor=cursor))) == ["a1/1"]
    file = DurableFile(tmp_path / "out.jsonl", jsonl=True, append_from=tmp_path / "out.jsonl")
    file.write((json.dumps(line("a2")) + "\n").encode())
    file.finalize({"startedAt": "2026-01-02T00:00:00Z"})
    assert ids(list(read(tmp_path, cursor=cursor))) == ["a2/1"]


def test_cli_cursor_and_usage_errors(tmp_path: Path) -> None:
    finished(tmp_path, "1.jsonl", [line("a1")], "2026-01-01T00:00:00Z")
    cursor = tmp_path / "consumer.cursor"
    first = cli(str(tmp_path), "--cursor", str(cursor))
    assert first.returncode == 0 and ids([json.loads(x) for x in first.stdout.splitlines()]) == ["a1/1"]
    again = cli(str(tmp_path), "--cursor", str(cursor))
    assert again.returncode == 0 and again.stdout == ""
    cursor.write_text("not json")
    broken = cli(str(tmp_path), "--cursor", str(cursor))
    assert broken.returncode == 2 and "cursor" in broken.stderr and broken.stdout == ""
    with pytest.raises(CursorError):
        Cursor.load(cursor)
    missing = cli(str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "nowhere" in missing.stderr


def test_a_consumer_that_stops_reading_leaves_the_cursor_and_gets_sigpipes_code(tmp_path: Path) -> None:
    finished(tmp_path, "1.jsonl", [line(f"a{n}", body="x" * 200) for n in range(2000)], "2026-01-01T00:00:00Z")
    cursor = tmp_path / "consumer.cursor"
    proc = subprocess.Popen([sys.executable, "-m", "newscrawl.cli", "read", str(tmp_path), "--cursor", str(cursor)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and json.loads(proc.stdout.readline())["id"] == "a0"
    proc.stdout.close()  # as `| head -1` does
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 141, stderr
    assert not cursor.exists()  # read again in full next time


def test_cli_reads_the_projects_default_folder(tmp_path: Path) -> None:
    # a project folder: scrapy.cfg naming the settings, output/<spider>/ beside it
    (tmp_path / "scrapy.cfg").write_text("[settings]\ndefault = newscrawl.settings\n")
    finished(tmp_path / "output" / "cancernetwork", "1.jsonl", [line("a1")], "2026-01-01T00:00:00Z")
    done = cli(cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert ids([json.loads(x) for x in done.stdout.splitlines()]) == ["a1/1"]


def test_reading_while_a_crawl_writes(tmp_path: Path) -> None:
    """Runs of the twin write into the folder while a consumer reads it with a cursor."""
    out = tmp_path / "output"
    folder = out / "cancernetwork"
    cursor = Cursor(tmp_path / "cursor.json")
    got: list[dict[str, Any]] = []
    reads_during_a_run = 0
    for day in (0, 1):
        crawl = subprocess.Popen(
            [sys.executable, "-m", "newscrawl.cli", "crawl", "cancernetwork", "-a", "replica=120", "-a", f"day={day}",
             "-s", f"NEWSCRAWL_OUTPUT_DIR={out}", "-s", f"NEWSCRAWL_STATE_DIR={tmp_path / 'state'}",
             "-s", "LOG_LEVEL=WARNING", "-s", "NEWSCRAWL_FEED_FSYNC_ITEMS=1"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 300
        # lines reach the .part only in the release at the end of a run, which is short: look
        # often, and read whenever a .part holds lines
        while crawl.poll() is None and time.monotonic() < deadline:
            parts = list(folder.glob("*.part")) if folder.is_dir() else []
            try:
                writing = bool(parts) and os.path.getsize(parts[0]) > 0
            except FileNotFoundError:  # finished between the listing and the look
                writing = False
            if writing:
                got.extend(read(folder, cursor=cursor))
                reads_during_a_run += 1
            time.sleep(0.005)
        assert crawl.wait(timeout=60) == 0, crawl.stderr.read() if crawl.stderr else ""
    got.extend(read(folder, cursor=cursor))
    assert reads_during_a_run > 0  # the reader did read while a .part was being written
    expected = []
    for path in sorted(folder.glob("*.jsonl")):
        expected.extend(json.loads(x) for x in path.read_text("utf-8").splitlines())
    assert len(expected) > 150
    assert got == expected  # every line of every finished file once, in run order
