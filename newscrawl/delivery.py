"""Safe delivery of finished feed files to remote targets (S3, GCS, FTP, another folder).

A target receives a file only once the local file and its manifest are final: the data file
first, then its manifest, so that at the target a file is complete once its manifest is there
(and its ``sha256`` matches). Uploads to ``s3`` and ``gs`` go through Scrapy's own feed
storages (``FEED_STORAGES_BASE``, so their settings such as ``AWS_ENDPOINT_URL`` apply; an object
appears whole or not at all). ``ftp``/``ftps`` uploads go to a temporary name (``.part``) and are
renamed once complete, so a cut upload never sits under the final name (Scrapy's
``FEED_STORAGE_FTP_ACTIVE`` applies); a ``file://`` target gets a temporary name, fsync and
rename. A failed upload is tried again ``NEWSCRAWL_DELIVERY_RETRIES``
times, ``NEWSCRAWL_DELIVERY_RETRY_DELAY`` seconds apart (doubling).

Delivery is recorded apart from export, in the state (``deliveries``: file, target, pending or
delivered, attempts, last error). It is planned when the feed file is opened, so a run killed
at any moment leaves it pending, and the next run delivers it (after finishing the file, if the
run left a ``.part``). Without a state only the run's own files are delivered.

An operator asks for delivery in two ways:

- ``NEWSCRAWL_DELIVER_TO``: target folders (URIs, space- or comma-separated); every finished
  feed file of the run goes into each as ``<folder>/<file name>``, beside its manifest;
- a feed URI with a remote scheme (``-o s3://bucket/news/%(time)s.jsonl``, a ``FEEDS`` entry):
  :class:`RemoteFeedStorage` writes the crash-safe local file under
  ``<NEWSCRAWL_OUTPUT_DIR>/deliver/<scheme>/<host>/<path>`` and delivers it to that very URI.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
import shutil
import ssl
import time
from collections.abc import Callable
from ftplib import FTP, FTP_TLS, error_perm
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from scrapy.utils.ftp import ftp_makedirs_cwd
from scrapy.utils.misc import build_from_crawler, load_object
from w3lib.url import file_uri_to_path

from newscrawl.config import get_float, get_int, setting
from newscrawl.feeds import MANIFEST_SUFFIX, PART_SUFFIX, DurableFile, DurableFileFeedStorage, fsync_dir

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from newscrawl.state.session import StateSession

logger = logging.getLogger(__name__)

#: schemes uploaded through Scrapy's storages; ``file`` is copied here
REMOTE_SCHEMES = frozenset({"s3", "gs", "ftp", "ftps"})

Upload = Callable[[Path, str], None]


def parse_targets(raw: Any) -> list[str]:
    """``NEWSCRAWL_DELIVER_TO`` as folder URIs; a plain path becomes a ``file://`` URI."""
    items = raw if isinstance(raw, (list, tuple)) else re.split(r"[\s,]+", str(raw or ""))
    targets = []
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        scheme = urlsplit(item).scheme
        if scheme in REMOTE_SCHEMES or scheme == "file":
            targets.append(item.rstrip("/") + "/")
        elif "://" in item:
            raise ValueError(f"cannot deliver to {item!r}: use s3://, gs://, ftp://, ftps:// or a folder")
        else:
            targets.append(Path(item).resolve().as_uri() + "/")
    return targets


def redact(uri: str) -> str:
    """``uri`` without its password (for logs, reasons and the state)."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", uri)


def copy_atomically(source: Path, dest: Path) -> None:
    """Copy to ``dest`` through a temporary name, fsynced: a reader never sees half a file."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    with open(source, "rb") as src, open(tmp, "wb") as out:
        shutil.copyfileobj(src, out, 1 << 20)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, dest)
    fsync_dir(dest.parent)


def ftp_upload(local: Path, dest: str, *, timeout: float, active: bool = False) -> None:
    """Upload to an ``ftp://`` or ``ftps://`` URI under a temporary name, then rename it: a
    reader of the server never sees a partial file under the final name."""
    parts = urlsplit(dest)
    ftp = FTP_TLS(context=ssl.create_default_context(), timeout=timeout) if parts.scheme == "ftps" \
        else FTP(timeout=timeout)
    with ftp, open(local, "rb") as fh:
        ftp.connect(parts.hostname or "", parts.port or 21)
        ftp.login(unquote(parts.username or "anonymous"), unquote(parts.password or ""))
        if isinstance(ftp, FTP_TLS):
            ftp.prot_p()
        if active:
            ftp.set_pasv(False)
        folder, name = posixpath.split(unquote(parts.path))
        ftp_makedirs_cwd(ftp, folder)
        ftp.storbinary(f"STOR {name}{PART_SUFFIX}", fh)
        try:
            ftp.rename(name + PART_SUFFIX, name)
        except error_perm:  # a server that will not rename onto an existing file: replace it
            ftp.delete(name)
            ftp.rename(name + PART_SUFFIX, name)


def scrapy_upload(crawler: Crawler, timeout: float) -> Upload:
    """Upload one local file to a URI (blocking): a folder, FTP (:func:`ftp_upload`), or Scrapy's
    storage for the scheme (S3, GCS)."""
    storages = crawler.settings.getdict("FEED_STORAGES_BASE")
    active = crawler.settings.getbool("FEED_STORAGE_FTP_ACTIVE")

    def upload(local: Path, dest: str) -> None:
        scheme = urlsplit(dest).scheme
        if scheme == "file":
            copy_atomically(local, Path(file_uri_to_path(dest)))
            return
        if scheme in ("ftp", "ftps"):
            ftp_upload(local, dest, timeout=timeout, active=active)
            return
        storage = build_from_crawler(load_object(storages[scheme]), crawler, dest, feed_options={"overwrite": True})
        with open(local, "rb") as fh:
            storage._store_in_thread(fh)  # the blocking upload Scrapy runs in a thread

    return upload


#: a pending delivery whose local file was removed: given up (state ``lost``), reported once
_GONE = "the local file is gone; the delivery is given up"
#: a pending delivery whose file is still a ``.part`` (the next run finishes it, then delivers)
_NOT_FINISHED = "the file is not finished yet (a later run finishes and delivers it)"


class Delivery:
    """Plans deliveries when feed files open and delivers what is pending at the end of a run."""

    def __init__(self, targets: list[str], upload: Upload, *, retries: int, delay: float) -> None:
        self.targets = targets
        self.upload = upload
        self.retries = retries
        self.delay = delay
        self.planned: list[tuple[str, str]] = []  # this run's, for a run without a state

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Delivery:
        settings = crawler.settings
        targets = setting(settings, "NEWSCRAWL_DELIVER_TO", empty_ok=True, check=parse_targets)
        return cls(
            targets,
            scrapy_upload(crawler, get_float(settings, "NEWSCRAWL_DELIVERY_TIMEOUT", above=0.0)),
            retries=get_int(settings, "NEWSCRAWL_DELIVERY_RETRIES", minimum=0),
            delay=get_float(settings, "NEWSCRAWL_DELIVERY_RETRY_DELAY", minimum=0.0),
        )

    def plan(self, file: DurableFile, session: StateSession | None) -> None:
        """Record where ``file`` goes, before anything is written to it."""
        path = str(file.final_path.resolve())
        for dest in [t + file.final_path.name for t in self.targets] + file.deliver_to:
            self.planned.append((path, dest))
            if session is not None:
                session.store.delivery_planned(path, dest)

    def deliver(self, session: StateSession | None) -> list[str]:
        """Deliver every pending file (this run's and earlier runs'); the reasons of failures."""
        pending = session.store.pending_deliveries() if session is not None else list(self.planned)
        failures = []
        for path, dest in pending:
            error = self._deliver_one(Path(path), dest)
            if session is not None and error != _NOT_FINISHED:
                session.store.delivery_attempted(path, dest, error, lost=error == _GONE)
            if error is not None:
                failures.append(f"{Path(path).name} not delivered to {redact(dest)}: {error}")
        return failures

    def _deliver_one(self, local: Path, dest: str) -> str | None:
        manifest = local.with_name(local.name + MANIFEST_SUFFIX)
        if not local.is_file() or not manifest.is_file():
            if local.with_name(local.name + PART_SUFFIX).exists():
                return _NOT_FINISHED
            return _GONE
        error = None
        for attempt in range(self.retries + 1):
            try:
                self.upload(local, dest)
                self.upload(manifest, dest + MANIFEST_SUFFIX)  # last: it says the file is complete
            except Exception as exc:  # noqa: BLE001 - any storage error is retried, then reported
                error = f"{type(exc).__name__}: {redact(str(exc))}"[:300]
                logger.warning("Delivery of %s to %s failed (attempt %d): %s", local.name, redact(dest),
                               attempt + 1, error)
                if attempt < self.retries:
                    time.sleep(self.delay * 2**attempt)
                continue
            logger.info("Delivered %s to %s", local.name, redact(dest))
            return None
        return error



class RemoteFeedStorage(DurableFileFeedStorage):
    """Feed storage for remote feed URIs (``s3``, ``gs``, ``ftp``, ``ftps``): Scrapy would upload
    at close and a killed run would lose the file; this writes the crash-safe local file under
    ``<NEWSCRAWL_OUTPUT_DIR>/deliver/<scheme>/<host>/<path>`` and the run delivers it to the URI
    once finished (:class:`Delivery`)."""

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> RemoteFeedStorage:
        parts = urlsplit(uri)
        base = Path(str(setting(crawler.settings, "NEWSCRAWL_OUTPUT_DIR")))
        local = base / "deliver" / parts.scheme / (parts.hostname or "_") / parts.path.lstrip("/")
        storage = super().from_crawler(crawler, str(local), feed_options=feed_options)
        assert isinstance(storage, RemoteFeedStorage)
        storage.deliver_to = [uri]
        return storage
