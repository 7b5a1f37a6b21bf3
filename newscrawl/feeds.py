"""Crash-safe, exactly-once feed files for Scrapy's feed exports.

:class:`DurableFileFeedStorage` replaces Scrapy's local-file storage (register it for the ``""``
and ``"file"`` schemes in ``FEED_STORAGES``). A feed is written to ``<file>.part``; lines are
fsynced in small batches and, for JSON Lines, each fsynced batch is handed to a commit callback
(the state store records those articles in one transaction). At the end of the run the file is
renamed to its final name beside a ``<file>.manifest.json``. Consumers read only finished files.

The state is fed from the file itself (the lines parsed back after fsync), not from an
``item_scraped`` handler, so correctness does not depend on the order in which Scrapy 2.19 calls
``FeedExporter.item_scraped`` and other handlers of that signal (connection order: extensions
in ``EXTENSIONS`` order, then pipelines and middlewares when the engine is built).

A ``.part`` left by a killed run (its writer's ``flock`` is gone) is recovered by the next run
(:func:`recover_leftovers`): complete lines kept, torn or garbled lines cut, its articles
committed to the state, renamed, and the manifest marked ``recovered``. Because the state only
learns of lines that are in the file, and a recovered file is always finished, each article ends
up in exactly one finished file.

The storage tells whoever finishes the run about each file it opens with the :data:`FEED_OPENED`
signal (and about each it cannot open with :data:`FEED_FAILED`); a receiver that calls
:meth:`DurableFile.adopt` finishes the file itself at the end of the run (with the run's outcome
in the manifest), otherwise the storage finishes it when Scrapy stores it. An OS error writing a
file (disk full, read-only) is kept in :attr:`DurableFile.write_error`: the file keeps complete
lines only, and the run fails.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.extensions.feedexport import apply_uri_params
from scrapy.utils.misc import load_object
from w3lib.url import file_uri_to_path

from newscrawl.config import get_float, get_int, get_str
from newscrawl.runinfo import run_info, utc_iso
from newscrawl.state.dedup_store import recovery_commit
from newscrawl.state.extension import state_session
from newscrawl.state.lock import try_lock_file

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from newscrawl.state.session import StateSession

logger = logging.getLogger(__name__)

PART_SUFFIX = ".part"
RUNINFO_SUFFIX = ".part.run.json"
MANIFEST_SUFFIX = ".manifest.json"
MANIFEST_FORMAT = "newscrawl-manifest/1"
JSONL_FORMATS = frozenset({"jsonlines", "jsonl", "jl"})
#: Fields of a line the state needs; the rest of the line is not kept in memory.
LINE_KEYS = ("id", "version", "url", "canonicalUrl", "fingerprint", "datePublished", "dateModified")

CommitCallback = Callable[[list[dict[str, Any]], str], None]

#: Signal sent by :class:`DurableFileFeedStorage` for each file it opens (argument ``file``).
FEED_OPENED = object()
#: Signal sent by :class:`DurableFileFeedStorage` when it cannot open a file (argument ``error``,
#: naming the file and the OS error): nothing that run exports reaches that file.
FEED_FAILED = object()


def fsync_dir(path: Path) -> None:
    """Make a rename/creation in ``path`` durable."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - not all platforms allow opening dirs
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def atomic_write_json(path: Path, data: dict[str, Any]) -> None:
    """Write JSON through a temp file + fsync + rename: readers never see half a file."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8"))
        fh.write(b"\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_path(final: Path) -> Path:
    return final.with_name(final.name + MANIFEST_SUFFIX)


def parse_line(raw: bytes) -> dict[str, Any] | None:
    """The state-relevant fields of one JSON line, or None if it is not a JSON object."""
    try:
        obj = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(obj, dict):
        return None
    return {k: obj.get(k) for k in LINE_KEYS}


def _parse_full(raw: bytes) -> dict[str, Any] | None:
    try:
        obj = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return obj if isinstance(obj, dict) else None


def uri_params(params: dict[str, Any], spider: Spider) -> dict[str, Any]:
    """``FEED_URI_PARAMS`` hook: adds ``%(output_dir)s``, ``%(run_id)s``; colon-free ``%(time)s``.

    ``time`` is the run's start, ``2026-11-27T00-10-00Z`` (sortable, safe on every filesystem).
    """
    out = dict(params)
    crawler = spider.crawler
    out["output_dir"] = get_str(crawler.settings, "NEWSCRAWL_OUTPUT_DIR").rstrip("/")
    run = run_info(crawler)
    out["time"] = run.started_at.replace(":", "-")
    out["run_id"] = run.run_id
    return out


class DurableFile:
    """The file object handed to Scrapy's exporter: ``.part`` file, batched fsync + commit.

    ``write`` goes straight to the OS (a ``kill -9`` loses nothing already written). Every
    ``batch_items`` lines or ``batch_seconds`` the file is fsynced and the complete JSON lines
    written since are passed to ``on_commit`` -- the only way an article reaches the state.
    """

    def __init__(
        self,
        final_path: Path,
        *,
        jsonl: bool,
        on_commit: CommitCallback | None = None,
        batch_items: int = 20,
        batch_seconds: float = 1.0,
        run_info: dict[str, Any] | None = None,
        append_from: Path | None = None,
        on_finished: Callable[[Path], None] | None = None,
        deliver_to: list[str] | None = None,
    ) -> None:
        self.final_path = Path(final_path)
        self.part_path = self.final_path.with_name(self.final_path.name + PART_SUFFIX)
        self.runinfo_path = self.final_path.with_name(self.final_path.name + RUNINFO_SUFFIX)
        self.jsonl = jsonl
        self.on_commit = on_commit
        self.batch_items = max(1, int(batch_items))
        self.batch_seconds = float(batch_seconds)
        self.lines = 0
        self.bytes = 0
        self.bad_lines = 0
        self.committed_lines = 0
        self.commit_failed = False
        self.stored = False
        self.finalized = False
        self.adopted = False
        #: the first OS error met writing this file (disk full, read-only...): lines were lost
        self.write_error: str | None = None
        self.on_finished = on_finished
        #: remote URIs this very file is delivered to once finished (a remote feed URI)
        self.deliver_to = list(deliver_to or ())
        self._buf = b""
        self._uncommitted: list[dict[str, Any]] = []
        self._dirty = False
        self._last_sync = time.monotonic()
        self.final_path.parent.mkdir(parents=True, exist_ok=True)
        # run info first: a .part without it is not ours and is never "recovered"
        atomic_write_json(self.runinfo_path, dict(run_info or {}, file=self.final_path.name))
        fd = os.open(self.part_path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        if not try_lock_file(fd):  # pragma: no cover - O_EXCL makes this unreachable
            os.close(fd)
            raise OSError(f"cannot lock {self.part_path}")
        self._fd: int | None = fd
        if append_from is not None and append_from.exists():
            # -o (append): start from a copy of the finished file, torn tail cut; the final
            # rename then replaces it atomically instead of appending in place.
            data = append_from.read_bytes()
            cut = data.rfind(b"\n") + 1 if jsonl else len(data)
            self._write_all(data[:cut])
            self.bytes = 0
            if jsonl:  # the manifest counts the lines of the whole file, the copied ones too
                self.lines = sum(1 for raw in data[:cut].split(b"\n") if raw.strip())
        fsync_dir(self.final_path.parent)

    # -- file-like API used by exporters ---------------------------------------------------
    def write(self, data: bytes) -> int:
        if self._fd is None:
            raise ValueError("write to a closed DurableFile")
        data = bytes(data)
        size = os.fstat(self._fd).st_size
        try:
            self._write_all(data)
        except OSError as exc:
            self.failed(exc)
            try:  # never leave half a line behind: the file keeps complete lines only
                os.ftruncate(self._fd, size)
            except OSError:
                logger.warning("Could not cut the partly written line of %s", self.part_path)
            raise
        self.bytes += len(data)
        self._dirty = True
        if self.jsonl:
            self._buf += data
            if b"\n" in self._buf:
                *complete, self._buf = self._buf.split(b"\n")
                for raw in complete:
                    if not raw.strip():
                        continue
                    self.lines += 1
                    parsed = parse_line(raw)
                    if parsed is None:
                        self.bad_lines += 1
                        logger.error("Non-JSON line written to %s", self.part_path)
                    elif self.on_commit is not None:
                        self._uncommitted.append(parsed)
        if (
            len(self._uncommitted) >= self.batch_items
            or time.monotonic() - self._last_sync >= self.batch_seconds
        ):
            try:
                self.sync()
            except OSError as exc:  # fsync failed: what the disk holds is unknown
                self.failed(exc)
                raise
        return len(data)

    def failed(self, exc: OSError) -> None:
        """Note an OS error that lost output (the run then fails); the first one is kept."""
        logger.error("Cannot write feed %s: %s", self.part_path, exc)
        if self.write_error is None:
            self.write_error = f"{self.part_path}: {exc.strerror or exc}"

    def _write_all(self, data: bytes) -> None:
        assert self._fd is not None
        view = memoryview(data)
        while view:
            n = os.write(self._fd, view)
            view = view[n:]

    def flush(self) -> None:  # writes are unbuffered; durability comes from sync()
        return None

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    @property
    def closed(self) -> bool:
        return self._fd is None

    def fileno(self) -> int:
        if self._fd is None:
            raise ValueError("closed")
        return self._fd

    def close(self) -> None:
        """Exporters/post-processors may close us: sync, but keep the lock until finalize."""
        self.sync()

    # -- durability ------------------------------------------------------------------------
    def sync(self) -> bool:
        """fsync the ``.part`` and commit the lines written since; False if the commit failed."""
        if self._fd is None:
            return not self._uncommitted
        if self._dirty:
            os.fsync(self._fd)
            self._dirty = False
        self._last_sync = time.monotonic()
        if self._uncommitted and self.on_commit is not None:
            batch = self._uncommitted
            try:
                self.on_commit(batch, self.final_path.name)
            except Exception:  # keep them; retried at next sync
                self.commit_failed = True
                logger.exception("Could not record %d exported lines in the state", len(batch))
                return False
            self.committed_lines += len(batch)
            self._uncommitted = []
            self.commit_failed = False
        return True

    @property
    def has_uncommitted(self) -> bool:
        return bool(self._uncommitted)

    def adopt(self) -> None:
        """The caller finishes this file (:meth:`finalize`) at the end of the run, not the storage."""
        self.adopted = True

    def finalize(self, manifest: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """Sync, write the manifest, rename ``.part`` to the final name, release the lock.

        If the state could not record every line, the ``.part`` is left for the next run's
        recovery (finishing it now would let the next run export those articles again).
        """
        if self.finalized:
            return None
        if not self.sync() or self._uncommitted:
            logger.error(
                "Leaving %s unfinished: the state could not record its lines; "
                "the next run will recover it",
                self.part_path,
            )
            self.release()
            return None
        if self._buf.strip():
            logger.error("Feed %s ends with an incomplete line; cutting it", self.part_path)
            size = os.fstat(self._fd).st_size if self._fd is not None else 0
            if self._fd is not None:
                os.ftruncate(self._fd, size - len(self._buf))
                os.fsync(self._fd)
            self._buf = b""
        data = dict(manifest or {})
        data.update(
            file=self.final_path.name,
            lines=self.lines,
            sha256=sha256_file(self.part_path),
            bytes=self.part_path.stat().st_size,
        )
        data.setdefault("manifestFormat", MANIFEST_FORMAT)
        data.setdefault("recovered", False)
        atomic_write_json(manifest_path(self.final_path), data)
        os.replace(self.part_path, self.final_path)
        fsync_dir(self.final_path.parent)
        self.release()
        try:
            self.runinfo_path.unlink()
        except FileNotFoundError:  # pragma: no cover
            pass
        self.finalized = True
        logger.info("Finished feed %s (%d lines)", self.final_path, self.lines)
        if self.on_finished is not None:
            try:
                self.on_finished(self.part_path)
            except Exception:  # noqa: BLE001 - only a recovery hint
                logger.warning("Could not clear %s from the state", self.part_path)
        return data

    def release(self) -> None:
        """Close the file and drop its lock, leaving the ``.part`` for a later run's recovery."""
        if self._fd is not None:
            os.close(self._fd)  # also drops the flock
            self._fd = None


class DurableFileFeedStorage:
    """Scrapy feed storage for local files: ``.part`` + fsync batches + rename at run end.

    Feed options: ``overwrite`` as in Scrapy (``-O``); without it an existing file is appended
    to (``-o``) through a copy, atomically; ``newscrawl_unique: true`` never reuses an existing
    name (adds ``-1``, ``-2``... -- used by the default time-stamped feed).
    """

    def __init__(
        self,
        uri: str,
        *,
        feed_options: dict[str, Any] | None = None,
        batch_items: int = 20,
        batch_seconds: float = 1.0,
        crawler: Crawler | None = None,
    ) -> None:
        self.path = Path(file_uri_to_path(uri) if uri.startswith("file:") else uri)
        self.feed_options = dict(feed_options or {})
        self.overwrite = bool(self.feed_options.get("overwrite", False))
        self.unique = bool(self.feed_options.get("newscrawl_unique", False))
        fmt = str(self.feed_options.get("format") or self.path.suffix.lstrip("."))
        # post-processed (e.g. gzip) bytes are not lines: finished safely, but not state-tracked
        self.jsonl = fmt in JSONL_FORMATS and not self.feed_options.get("postprocessing")
        self.batch_items = batch_items
        self.batch_seconds = batch_seconds
        self.crawler = crawler
        self.file: DurableFile | None = None
        #: remote URIs the finished file goes to (set by a remote feed's storage)
        self.deliver_to: list[str] = []

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> DurableFileFeedStorage:
        settings = crawler.settings
        return cls(
            uri,
            feed_options=feed_options,
            batch_items=get_int(settings, "NEWSCRAWL_FEED_FSYNC_ITEMS", minimum=1),
            batch_seconds=get_float(settings, "NEWSCRAWL_FEED_FSYNC_SECONDS", minimum=0.0),
            crawler=crawler,
        )

    def _target(self) -> Path:
        path = self.path
        if not self.unique or self.overwrite:
            return path
        n = 0
        while True:
            candidate = path if n == 0 else path.with_name(f"{path.stem}-{n}{path.suffix}")
            part = candidate.with_name(candidate.name + PART_SUFFIX)
            if not candidate.exists() and not part.exists():
                return candidate
            n += 1

    def open(self, spider: Spider) -> DurableFile:
        try:
            return self._open()
        except OSError as exc:
            error = f"cannot open {self.path}: {exc.strerror or exc}"
            logger.error("Feed %s", error)
            if self.crawler is not None:
                self.crawler.signals.send_catch_log(FEED_FAILED, error=error)
            raise

    def _open(self) -> DurableFile:
        crawler = self.crawler
        session = state_session(crawler) if crawler is not None else None
        target = self._target()
        part = target.with_name(target.name + PART_SUFFIX)
        if part.exists():
            # a leftover of a killed run at the very same name: finish it first
            commit = recovery_commit(crawler) if crawler is not None else None
            if recover_part(part, on_commit=commit) is None:
                raise OSError(f"{part} is being written by another live process")
        on_commit = None
        if self.jsonl and session is not None and crawler is not None:
            on_commit = _state_commit(session, crawler.stats)
        self.file = DurableFile(
            target,
            jsonl=self.jsonl,
            on_commit=on_commit,
            batch_items=self.batch_items,
            batch_seconds=self.batch_seconds,
            run_info=run_info(crawler).as_dict() if crawler is not None else {"startedAt": utc_iso()},
            append_from=None if self.overwrite else target,
            on_finished=(lambda path: session.store.part_closed(str(path.resolve())))
            if session is not None else None,
            deliver_to=self.deliver_to,
        )
        if session is not None and crawler is not None:
            session.store.part_opened(str(self.file.part_path.resolve()), run_info(crawler).run_id)
        if crawler is not None:
            crawler.signals.send_catch_log(FEED_OPENED, file=self.file)
        logger.info("Writing feed to %s", self.file.part_path)
        return self.file

    def store(self, file: Any) -> None:
        durable = self.file
        if durable is None:
            return None
        durable.stored = True
        durable.sync()
        if not durable.adopted:  # else whoever adopted it finishes it, with the run's outcome
            durable.finalize({"finishedAt": utc_iso()})
        return None


def _state_commit(session: StateSession, stats: StatsCollector) -> CommitCallback:
    """The commit a JSON Lines feed calls after each fsync: record those lines in the state."""

    def commit(lines: list[dict[str, Any]], file: str) -> None:
        session.commit_lines(lines, file)
        stats.inc_value("newscrawl/feed/fsync_batches")
        stats.inc_value("newscrawl/feed/lines_committed", len(lines))

    return commit


class RecoveryResult:
    """What recovering one ``.part`` did."""

    def __init__(self, final: Path, lines: int, cut_bytes: int, bad_lines: int) -> None:
        self.final = final
        self.lines = lines
        self.cut_bytes = cut_bytes
        self.bad_lines = bad_lines

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return (
            f"RecoveryResult({self.final.name}, lines={self.lines}, cut={self.cut_bytes}, "
            f"bad={self.bad_lines})"
        )


def recover_part(
    part: Path, *, on_commit: CommitCallback | None = None, spider: str | None = None
) -> RecoveryResult | None:
    """Finish a ``.part`` whose writer is gone; None if a live writer still holds it.

    Steps (each crash-safe and idempotent): cut the torn tail and drop unparsable lines,
    fsync, commit the lines to the state, write the manifest (``recovered: true``), rename.
    Parts without run info (not written by newscrawl) or of another spider are left alone.
    """
    part = Path(part)
    final = part.with_name(part.name[: -len(PART_SUFFIX)])
    runinfo_path = final.with_name(final.name + RUNINFO_SUFFIX)
    if not runinfo_path.exists():
        logger.warning("Not recovering %s: no run info beside it (not a newscrawl feed)", part)
        return None
    try:
        run_info = json.loads(runinfo_path.read_text("utf-8"))
    except ValueError:
        run_info = {}
    if spider is not None and run_info.get("spider") not in (None, spider):
        return None
    fd = os.open(part, os.O_RDWR)
    try:
        if not try_lock_file(fd):
            logger.info("Not recovering %s: its writer is still running", part)
            return None
        with open(part, "rb") as fh:
            data = fh.read()
        jsonl = final.suffix.lstrip(".") in JSONL_FORMATS
        keep: list[bytes] = []
        parsed: list[dict[str, Any]] = []
        bad = 0
        if jsonl:
            segments = data.split(b"\n")
            complete, tail = segments[:-1], segments[-1]
            for raw in complete:
                if not raw.strip():
                    continue
                item = _parse_full(raw)  # whole objects: the state may rebuild index entries
                if item is None:
                    bad += 1
                    continue
                keep.append(raw + b"\n")
                parsed.append(item)
            new_data = b"".join(keep)
            cut = len(data) - len(new_data)
            if tail:
                logger.warning("Recovering %s: cutting a torn last line (%d bytes)", part, len(tail))
            if bad:
                logger.warning("Recovering %s: dropping %d unparsable lines", part, bad)
            if new_data != data:
                if data.startswith(new_data):
                    os.ftruncate(fd, len(new_data))
                else:
                    os.lseek(fd, 0, os.SEEK_SET)
                    os.write(fd, new_data)
                    os.ftruncate(fd, len(new_data))
        else:
            new_data, cut = data, 0
            logger.warning(
                "Recovering %s: format is not JSON Lines, it is finished as written and may be "
                "incomplete",
                part,
            )
        os.fsync(fd)
        if parsed and on_commit is not None:
            on_commit(parsed, final.name)
        manifest = {
            "manifestFormat": MANIFEST_FORMAT,
            "runId": run_info.get("runId"),
            "spider": run_info.get("spider"),
            "startedAt": run_info.get("startedAt"),
            "finishedAt": None,
            "recoveredAt": utc_iso(),
            "recovered": True,
            "outcome": "recovered",
            "exitCode": None,
            "schemaVersion": run_info.get("schemaVersion"),
            "file": final.name,
            "lines": len(keep) if jsonl else None,
            "cutBytes": cut,
            "droppedLines": bad,
            "bytes": len(new_data),
            "sha256": hashlib.sha256(new_data).hexdigest(),
        }
        atomic_write_json(manifest_path(final), manifest)
        os.replace(part, final)
        fsync_dir(final.parent)
    finally:
        os.close(fd)
    try:
        runinfo_path.unlink()
    except FileNotFoundError:  # pragma: no cover
        pass
    logger.warning("Recovered unfinished feed of a killed run: %s (%d lines)", final, len(keep))
    return RecoveryResult(final, len(keep) if jsonl else 0, cut, bad)


def find_parts(directory: Path) -> list[Path]:
    """``.part`` files with run info in ``directory`` (sorted: oldest name first)."""
    if not directory.is_dir():
        return []
    return sorted(
        p
        for p in directory.iterdir()
        if p.name.endswith(PART_SUFFIX) and p.with_name(p.name + ".run.json").exists()
    )


def feed_dirs(crawler: Crawler) -> list[Path]:
    """Directories of the configured local feeds, with this spider's URI parameters."""
    spider = getattr(crawler, "spider", None)
    settings = crawler.settings
    dirs: list[Path] = []
    for uri, options in settings.getdict("FEEDS").items():
        uri = str(uri)
        if "://" in uri and not uri.startswith("file://"):
            continue
        params: dict[str, Any] = {"name": getattr(spider, "name", "spider")}
        if spider is not None:
            params.update({k: v for k, v in vars(spider).items() if isinstance(k, str)})
        params.update(time="", batch_time="", batch_id=1)
        hook = (options or {}).get("uri_params") or settings.get("FEED_URI_PARAMS")
        try:
            if hook and spider is not None:
                params = load_object(hook)(params, spider) or params
            path = apply_uri_params(uri, params)
        except Exception:  # an exotic template: nothing to scan
            logger.debug("Cannot resolve feed directory of %s", uri, exc_info=True)
            continue
        if path.startswith("file://"):
            path = file_uri_to_path(path)
        parent = Path(path).parent
        if parent not in dirs:
            dirs.append(parent)
    return dirs


def recover_leftovers(crawler: Crawler) -> list[RecoveryResult]:
    """Finish the ``.part`` feeds of killed runs: those in the state's registry, then those in
    the configured feed folders. Called once, before the crawl opens its own feeds."""
    session = state_session(crawler)
    spider = getattr(crawler, "spider", None)
    commit = recovery_commit(crawler)
    candidates: dict[Path, None] = {}
    if session is not None:  # parts this state's runs opened, wherever they are
        for raw in session.store.open_parts():
            path = Path(raw)
            if path.exists():
                candidates[path] = None
            else:
                session.store.part_closed(raw)  # finished or removed since
    for directory in feed_dirs(crawler):
        for part in find_parts(directory):
            candidates.setdefault(part.resolve(), None)
    results = []
    for part in candidates:
        result = recover_part(part, on_commit=commit, spider=getattr(spider, "name", None))
        if result is None:
            continue
        if session is not None:
            session.store.part_closed(str(part))
        results.append(result)
        crawler.stats.inc_value("newscrawl/feed/recovered_lines", result.lines)
        crawler.stats.inc_value("newscrawl/feed/recovered_cut_bytes", result.cut_bytes)
    crawler.stats.set_value("newscrawl/feed/recovered_files", len(results))
    return results
