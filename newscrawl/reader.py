"""Reading newscrawl's output as a consumer: finished files only, verified, in run order.

A folder of feed files (``output/<spider>/``) holds finished ``*.jsonl`` files, each with a
``*.jsonl.manifest.json`` beside it, and at most a few ``.part`` files of runs in progress or
killed. :func:`read` yields the lines of the finished files only, oldest run first. Each file is
checked against its manifest (line count and sha256) before any of its lines is yielded: a file
that fails is reported (``on_problem``) and skipped whole, never half-read.

A :class:`Cursor` remembers which files were read, so the next read yields only what is new,
including files that appear later with an earlier run time (a killed run's file, finished by
the next run). ``latest=True`` yields one line per ``id``: its highest ``version``. ::

    from newscrawl.reader import Cursor, read

    cursor = Cursor.load("consumer.cursor")            # a new cursor if the file is missing
    for line in read("output/cancernetwork", cursor=cursor):
        handle(line)                                   # a dict, one article
    cursor.save()                                      # only after the lines are handled

The command line is ``newscrawl read`` (``newscrawl/cli.py``). The reader never writes in the
folder it reads and needs no lock: files are renamed into place only when finished.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newscrawl.feeds import MANIFEST_SUFFIX, atomic_write_json

logger = logging.getLogger(__name__)

CURSOR_FORMAT = "newscrawl-cursor/1"


class CursorError(ValueError):
    """A cursor file exists but cannot be read as a newscrawl cursor."""


@dataclass(frozen=True)
class Problem:
    """A finished file that was skipped, and why (``reason`` is one line for a human)."""

    file: Path
    reason: str


@dataclass(frozen=True)
class FinishedFile:
    """A ``*.jsonl`` beside its manifest; ``order`` sorts files by run (start time, then name)."""

    path: Path
    manifest: dict[str, Any]

    @property
    def order(self) -> tuple[str, str]:
        return (str(self.manifest.get("startedAt") or ""), self.path.name)


@dataclass
class Cursor:
    """The files a consumer has read: name -> ``{"lines", "sha256"}`` of what was read.

    A file the cursor knows is not read again; one whose name it knows but whose content grew
    (``-o`` appends to a named file by replacing it with a longer one) yields only the lines
    after those read, when the lines read are still its first lines.
    """

    path: Path | None = None
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Cursor:
        """The cursor in ``path``; a new, empty one if the file does not exist."""
        path = Path(path)
        try:
            text = path.read_text("utf-8")
        except FileNotFoundError:
            return cls(path)
        try:
            data = json.loads(text)
            if data.get("format") != CURSOR_FORMAT or not isinstance(data.get("files"), dict):
                raise ValueError(f"not a {CURSOR_FORMAT} file")
        except (ValueError, AttributeError) as exc:
            raise CursorError(f"cursor file {path} is unreadable: {exc}") from None
        return cls(path, dict(data["files"]))

    def save(self, path: str | os.PathLike[str] | None = None) -> None:
        """Write the cursor atomically (a crash leaves the old or the new one, never half)."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("a cursor without a path needs one to be saved")
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_json(target, {"format": CURSOR_FORMAT, "files": dict(sorted(self.files.items()))})


def finished_files(folder: str | os.PathLike[str]) -> list[FinishedFile]:
    """The finished ``*.jsonl`` files of ``folder`` with their manifests, in run order.

    A ``.jsonl`` without a readable manifest is still listed (with an empty manifest) so that
    :func:`read` reports it instead of passing over it in silence.
    """
    folder = Path(folder)
    out = []
    for path in folder.iterdir():
        if not path.name.endswith(".jsonl") or not path.is_file():
            continue
        try:
            manifest = json.loads(path.with_name(path.name + MANIFEST_SUFFIX).read_text("utf-8"))
        except (OSError, ValueError):
            manifest = {}
        out.append(FinishedFile(path, manifest if isinstance(manifest, dict) else {}))
    return sorted(out, key=lambda f: f.order)


def _check(data: bytes, manifest: dict[str, Any]) -> str | None:
    """Why ``data`` does not match its manifest, or None when it does."""
    if not manifest:
        return "no manifest beside it (not a finished newscrawl file, or the manifest was removed)"
    lines = sum(1 for raw in data.split(b"\n") if raw.strip())  # as the writer counts them
    sha = hashlib.sha256(data).hexdigest()
    if manifest.get("sha256") != sha:
        return f"sha256 {sha[:12]}... differs from the manifest's {str(manifest.get('sha256'))[:12]}..."
    if manifest.get("lines") != lines:
        return f"{lines} lines, the manifest says {manifest.get('lines')}"
    if data and not data.endswith(b"\n"):
        return "the last line is not complete"
    return None


def _lines(file: FinishedFile, skip: int) -> Iterator[dict[str, Any]] | Problem:
    """The parsed lines of a verified file after the first ``skip``, or the problem with it.

    The file is read and verified whole before the first line is handed out.
    """
    try:
        data = file.path.read_bytes()
    except OSError as exc:
        return Problem(file.path, f"cannot read it: {exc}")
    reason = _check(data, file.manifest)
    if reason is not None:
        return Problem(file.path, reason)
    parsed = []
    for n, raw in enumerate([raw for raw in data.split(b"\n") if raw.strip()][skip:], start=skip + 1):
        try:
            obj = json.loads(raw)
        except ValueError:
            obj = None
        if not isinstance(obj, dict):
            return Problem(file.path, f"line {n} is not a JSON object")
        parsed.append(obj)
    return iter(parsed)


def _prefix_sha(path: Path, lines: int) -> str | None:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for _ in range(lines):
            raw = fh.readline()
            if not raw.endswith(b"\n"):
                return None
            digest.update(raw)
    return digest.hexdigest()


def _report(problem: Problem) -> None:
    logger.error("Skipped %s: %s", problem.file, problem.reason)


def read(
    folder: str | os.PathLike[str],
    *,
    cursor: Cursor | None = None,
    latest: bool = False,
    on_problem: Callable[[Problem], None] = _report,
) -> Iterator[dict[str, Any]]:
    """The lines of the finished files of ``folder``, oldest run first, each file verified.

    ``cursor``: skip what it records as read, and record each file once all its lines were
    yielded (the caller saves the cursor). ``latest``: one line per ``id``, the one with the
    highest ``version`` (the later line on a tie), yielded after all files were read, in the
    order those lines appear. A file that fails its check goes to ``on_problem`` (by default a
    log line) and is left out whole; it is not recorded in the cursor, so it is tried again.
    """
    chosen: dict[Any, tuple[int, int, dict[str, Any]]] = {}
    position = 0
    for file in finished_files(folder):
        name = file.path.name
        seen = cursor.files.get(name) if cursor is not None else None
        skip = 0
        if seen is not None:
            if seen.get("sha256") == file.manifest.get("sha256"):
                continue
            read_lines = int(seen.get("lines") or 0)
            if read_lines and _prefix_sha(file.path, read_lines) == seen.get("sha256"):
                skip = read_lines  # the lines read are still its first lines: an append
        result = _lines(file, skip)
        if isinstance(result, Problem):
            on_problem(result)
            continue
        for line in result:
            position += 1
            if not latest:
                yield line
                continue
            raw_version = line.get("version")
            version = raw_version if isinstance(raw_version, int) else 0
            key = line.get("id")
            current = chosen.get(key)
            if current is None or version >= current[0]:
                chosen[key] = (version, position, line)
        if cursor is not None:
            cursor.files[name] = {"lines": file.manifest.get("lines"), "sha256": file.manifest.get("sha256")}
    if latest:
        for _, _, line in sorted(chosen.values(), key=lambda entry: entry[1]):
            yield line
