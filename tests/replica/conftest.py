"""Fixtures: the twin started as a real subprocess on port 0 (real HTTP over loopback)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

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


def _sigint_default() -> None:
    """The twin answers Ctrl-C as from a terminal, even when the tests run as a background job
    (which starts with SIGINT ignored, and Twisted keeps an ignored SIGINT ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_twin(*args: str) -> Twin:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    err = tempfile.TemporaryFile(mode="w+")  # a file, not a pipe: a chatty server never blocks
    proc = subprocess.Popen([sys.executable, "-m", "newscrawl.replica", "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=err, text=True, cwd=ROOT, env=env,
                            preexec_fn=_sigint_default)
    line = proc.stdout.readline().strip() if proc.stdout else ""
    if not line.startswith("http://"):
        proc.kill()
        proc.wait()
        err.seek(0)
        raise RuntimeError(f"twin did not start: {line!r} {err.read()}")
    twin = Twin(proc, line)
    twin.errfile = err
    return twin


def stop_twin(t: Twin) -> None:
    if t.proc.poll() is None:
        t.proc.terminate()
        try:
            t.proc.wait(10)
        except subprocess.TimeoutExpired:
            t.proc.kill()
            t.proc.wait(5)
    if t.proc.stdout:
        t.proc.stdout.close()
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
