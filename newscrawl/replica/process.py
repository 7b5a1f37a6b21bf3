"""The twin in its own process (``python -m newscrawl.replica``), as tests and benchmarks run it.

:func:`spawn` starts it and returns its base URL once it listens; on a fixed port (a twin
restarted for its next day keeps its URLs) the port may still be held by the twin just stopped,
so the start is tried again with a growing pause. :func:`stop` ends it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

#: the folder holding the ``newscrawl`` package, put first on the twin's PYTHONPATH
_ROOT = Path(__file__).resolve().parents[2]


def _sigint_default() -> None:
    """The twin answers Ctrl-C as from a terminal, also when started from a background job (which
    starts with SIGINT ignored, and Twisted keeps an ignored SIGINT ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def spawn(*args: str, port: int = 0, stderr: int | IO[str] | None = subprocess.DEVNULL,
          env: dict[str, str] | None = None, attempts: int = 20) -> tuple[subprocess.Popen[str], str]:
    """Start the twin on ``port`` (0: any free port) with the CLI's ``args``: (process, base URL)."""
    base_env = os.environ if env is None else env
    child_env = dict(base_env, PYTHONPATH=os.pathsep.join(filter(None, (str(_ROOT), base_env.get("PYTHONPATH")))))
    output = ""
    for attempt in range(attempts if port else 1):
        proc = subprocess.Popen([sys.executable, "-m", "newscrawl.replica", "--port", str(port), *args],
                                stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=_ROOT, env=child_env,
                                preexec_fn=_sigint_default)
        assert proc.stdout is not None
        output = proc.stdout.readline().strip()
        if output.startswith("http://"):
            return proc, output
        stop(proc)
        time.sleep(0.2 * (attempt + 1))
    raise RuntimeError(f"the twin did not start on port {port}: {output!r}")


def stop(proc: subprocess.Popen[str], timeout: float = 10) -> None:
    """SIGTERM, then SIGKILL after ``timeout`` seconds; its stdout pipe closed."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()
