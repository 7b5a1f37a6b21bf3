"""Where a run keeps the candidates of its copy groups until it decides each group's original.

The duplicates stage does not export an article when it sees it: the original of a group of
copies is known only once the run has seen every page (see :class:`newscrawl.dedup.CopyGroups`).
Until then each candidate (the whole item) is *staged* here under its key (its fetched URL in
canonical form), and at the end of the run the originals are released to the feeds.

With the state on (:class:`StateStaging`) candidates are kept in the state's SQLite file, in
batches of one transaction each. A run killed before or during its release leaves them there,
and the next run releases them with its own (:meth:`Staging.leftovers`). A released original's
row is deleted in the same transaction that records its fsynced line; rows of candidates that
lost to another page are deleted at release. With the state off (:class:`MemoryStaging`) they
live in memory for the run.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from newscrawl.state.session import StateSession


class Staging(Protocol):
    """Candidates by key, until their group is decided."""

    def put(self, key: str, item: dict[str, Any]) -> None: ...

    def get(self, key: str) -> dict[str, Any] | None: ...

    def leftovers(self) -> Iterator[tuple[str, dict[str, Any] | None]]:
        """Candidates an earlier run staged and did not release (it was killed); None for a row
        that cannot be read (it is kept, for a person to look at)."""
        ...

    def released(self, export_id: str, keys: Iterable[str]) -> None:
        """``keys`` leave the staging once the line exported under ``export_id`` is recorded."""
        ...

    def discard(self, keys: Iterable[str]) -> None:
        """``keys`` were decided without an export of theirs (copies of another page)."""
        ...

    def flush(self) -> None: ...


class MemoryStaging:
    """Staging for a run without state: a dict, gone with the run."""

    def __init__(self) -> None:
        self._items: dict[str, dict[str, Any]] = {}

    def put(self, key: str, item: dict[str, Any]) -> None:
        self._items[key] = item

    def get(self, key: str) -> dict[str, Any] | None:
        return self._items.get(key)

    def leftovers(self) -> Iterator[tuple[str, dict[str, Any] | None]]:
        return iter(())

    def released(self, export_id: str, keys: Iterable[str]) -> None:
        self.discard(keys)

    def discard(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._items.pop(key, None)

    def flush(self) -> None:
        return None


class StateStaging:
    """Staging in the state's SQLite file: candidates written ``batch`` at a time (one transaction)."""

    def __init__(self, session: StateSession, *, batch: int = 100) -> None:
        self.session = session
        self.batch = max(1, int(batch))
        self._pending: dict[str, str] = {}
        self._discarded: list[str] = []

    def put(self, key: str, item: dict[str, Any]) -> None:
        self._pending[key] = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
        if len(self._pending) >= self.batch:
            self.flush()

    def get(self, key: str) -> dict[str, Any] | None:
        raw = self._pending.get(key) or self.session.store.staged_item(key)
        return _load(raw) if raw is not None else None

    def leftovers(self) -> Iterator[tuple[str, dict[str, Any] | None]]:
        for key, raw in self.session.store.staged():
            yield key, _load(raw)

    def released(self, export_id: str, keys: Iterable[str]) -> None:
        self.session.unstage_when_committed(export_id, keys)

    def discard(self, keys: Iterable[str]) -> None:
        self._discarded.extend(keys)
        if len(self._discarded) >= self.batch:
            self.flush()

    def flush(self) -> None:
        store = self.session.store
        if self._pending:
            rows = [(key, self.session.run_id, raw) for key, raw in self._pending.items()]
            store.stage(rows)
            self._pending.clear()
        if self._discarded:
            store.unstage(self._discarded)
            self._discarded = []


def _load(raw: str) -> dict[str, Any] | None:
    try:
        item = json.loads(raw)
    except ValueError:
        item = None
    return item if isinstance(item, dict) else None
