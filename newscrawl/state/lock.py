"""An exclusive, non-blocking run lock: one crawl per state store at a time.

``fcntl.flock`` locks belong to the open file description, so the kernel releases them when the
process dies, even by ``kill -9``: a stale lock file never blocks the next run.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)


class StateError(Exception):
    """Base class of state errors that must stop a run before it starts (exit code 3)."""


class StateLockedError(StateError):
    """Another run holds the lock of the same state store."""


class StateUnwritableError(StateError):
    """The state folder cannot be written (read-only, full, no permission)."""


def unwritable(path: Path, exc: OSError) -> StateUnwritableError:
    """The error for an ``OSError`` met while creating or opening a file of the state."""
    return StateUnwritableError(
        f"cannot write the state folder {path.parent}: {exc.strerror or exc}; "
        "make it writable or point NEWSCRAWL_STATE_DIR elsewhere"
    )


class RunLock:
    """``flock`` on ``path``; the holder's pid and run id are written into the file for humans."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, run_id: str = "") -> None:
        """Take the lock or raise :class:`StateLockedError` at once (never waits)."""
        if self._fd is not None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise unwritable(self.path, exc) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = ""
            try:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
            except OSError:  # pragma: no cover - informational only
                pass
            os.close(fd)
            detail = f" (held by {holder})" if holder else ""
            raise StateLockedError(
                f"state is locked by another run{detail}: {self.path}; "
                "wait for it to finish or stop it first"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid={os.getpid()} run={run_id}\n".encode(), 0)
        self._fd = fd
        logger.debug("Acquired run lock %s", self.path)

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None
        logger.debug("Released run lock %s", self.path)

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def try_lock_file(fd: int) -> bool:
    """Non-blocking exclusive ``flock`` on an open fd: True if we got it (its writer is gone)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
