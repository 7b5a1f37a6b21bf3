"""Fixtures: the twin started as a real subprocess on port 0 (real HTTP over loopback)."""

from __future__ import annotations

import subprocess
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from newscrawl.replica.process import spawn, stop

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Fetched:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class Twin:
    """A running twin subprocess and a tiny HTTP client for it."""

    def __init__(self, proc: subprocess.Popen, base: str) -> None:
        self.proc = proc
        self.base = base
        self.errfile: Any = None

    def stderr_text(self) -> str:
        assert self.errfile is not None
        self.errfile.flush()
        self.errfile.seek(0)
        return self.errfile.read()

    def get(self, path_or_url: str, headers: dict[str, str] | None = None, timeout: float = 20) -> Fetched:
        url = path_or_url if path_or_url.startswith("http") else self.base + path_or_url
        req = urllib.request.Request(url, headers=headers or {})
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(req, timeout=timeout) as r:
                return Fetched(r.status, {k.lower(): v for k, v in r.headers.items()}, r.read())
        except urllib.error.HTTPError as exc:
            return Fetched(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]  # urllib's own signature
        return None


def start_twin(*args: str) -> Twin:
    err = tempfile.TemporaryFile(mode="w+")  # a file, not a pipe: a chatty server never blocks
    try:
        proc, base = spawn(*args, stderr=err)
    except RuntimeError as exc:
        err.seek(0)
        raise RuntimeError(f"{exc} {err.read()}") from None
    twin = Twin(proc, base)
    twin.errfile = err
    return twin


def stop_twin(t: Twin) -> None:
    stop(t.proc)
    t.errfile.close()


@pytest.fixture(scope="session")
def twin() -> Iterator[Twin]:
    t = start_twin("--articles", "300", "--seed", "7")
    try:
        yield t
    finally:
        stop_twin(t)


@pytest.fixture(scope="session")
def twin_faults() -> Iterator[Twin]:
    t = start_twin("--articles", "2000", "--seed", "7", "--faults")
    try:
        yield t
    finally:
        stop_twin(t)
