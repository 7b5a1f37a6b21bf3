"""Broken disks for crawl subprocesses: a read-only folder or a full one, real kernel errors.

The tests run as root, whom file modes do not stop, so a folder is made read-only with a
read-only bind mount, and full with a tiny tmpfs, each in a private mount namespace
(``unshare -m``) that only the crawl subprocess sees. Where that is not allowed the tests skip.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from collections.abc import Sequence
from functools import cache
from pathlib import Path


@cache
def mounts_available() -> bool:
    """True when this process may create a mount namespace and mount in it."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=4k tmpfs /mnt 2>/dev/null || "
         "mount -t tmpfs -o size=4k tmpfs /tmp"],
        capture_output=True,
    )
    return probe.returncode == 0


def namespace(*, read_only: Sequence[Path] = (), full: Sequence[tuple[Path, int]] = ()) -> list[str]:
    """The prefix that runs a command where each ``read_only`` folder is read-only and each
    ``full`` folder is a fresh tmpfs of that many bytes (it starts empty), seen by it alone."""
    steps = [f"mount --bind -o ro {shlex.quote(str(p))} {shlex.quote(str(p))}" for p in read_only]
    steps += [f"mount -t tmpfs -o size={size} tmpfs {shlex.quote(str(p))}" for p, size in full]
    script = " && ".join([*steps, 'exec "$@"'])
    return ["unshare", "-m", "sh", "-c", script, "sh"]
