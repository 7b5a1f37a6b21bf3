"""A state that cannot be trusted or written is refused, never reset or crashed on (issue 13,
items 6 and 11): a 0-byte state file is corrupt (exit 3), not a new state; an unwritable state
folder is a failed start (exit 3), not a crash (exit 1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from newscrawl.state import StateStore
from newscrawl.state.lock import RunLock, StateError, StateUnwritableError
from newscrawl.state.store import StateCorruptError


def test_empty_state_file_is_corrupt_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "spider.sqlite3"
    path.write_bytes(b"")
    with pytest.raises(StateCorruptError, match="empty"):
        StateStore(path).open()
    assert path.read_bytes() == b""


def test_state_folder_that_cannot_be_created_is_a_state_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the state folder should be")
    with pytest.raises(StateUnwritableError, match="cannot write the state folder"):
        RunLock(blocker / "spider.lock").acquire()
    with pytest.raises(StateError, match="cannot write the state folder"):
        StateStore(blocker / "spider.sqlite3").open()
