"""``scrapy crawl`` itself ends with newscrawl's exit codes once the project's crawl command is set.

The project wires it with ``COMMANDS_MODULE = "newscrawl.commands"``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from newscrawl.state import RunLock

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> dict[str, str]:
    """The project's own settings and `crawl` command, with state and output in tmp_path."""
    (tmp_path / "nc_settings_test.py").write_text(textwrap.dedent(
        f"""
        from newscrawl.settings import *  # noqa: F403 - a settings module extends the project's
        NEWSCRAWL_STATE_DIR = {str(tmp_path / "state")!r}
        NEWSCRAWL_OUTPUT_DIR = {str(tmp_path / "output")!r}
        RETRY_ENABLED = False
        DOWNLOAD_TIMEOUT = 5
        """
    ))
    return dict(os.environ, PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}",
                SCRAPY_SETTINGS_MODULE="nc_settings_test")


def scrapy_crawl(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scrapy", "crawl", "cancernetwork", *args],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=60)


def test_scrapy_crawl_exit_codes(project: dict[str, str], tmp_path: Path) -> None:
    dead = ("-a", "base_url=http://127.0.0.1:9")
    unreachable = scrapy_crawl(project, tmp_path, *dead)
    assert unreachable.returncode == 3, unreachable.stderr[-2000:]
    assert "site unreachable" in unreachable.stderr

    bad = scrapy_crawl(project, tmp_path, "-a", "max_articles=lots", *dead)
    assert bad.returncode == 2, bad.stderr[-2000:]
    assert "bad arguments or settings" in bad.stderr.splitlines()[-1]

    lock = RunLock(tmp_path / "state" / "cancernetwork.lock")
    lock.acquire("cron-0800")
    try:
        locked = scrapy_crawl(project, tmp_path, *dead)
    finally:
        lock.release()
    assert locked.returncode == 3
    last = locked.stderr.strip().splitlines()[-1]
    assert last.startswith("newscrawl crawl: failed start: state is locked by another run")
    assert "cron-0800" in last


@pytest.mark.parametrize("setting", ["NEWSCRAWL_EXTRACT_WORKERS=-1", "NEWSCRAWL_EXTRACT_WORKERS=many",
                                     "NEWSCRAWL_EXTRACT_TIMEOUT=0", "NEWSCRAWL_EXTRACT_TIMEOUT=soon"])
def test_bad_extraction_settings_exit_2(project: dict[str, str], tmp_path: Path, setting: str) -> None:
    bad = scrapy_crawl(project, tmp_path, "-a", "base_url=http://127.0.0.1:9", "-s", setting)
    assert bad.returncode == 2, bad.stderr[-2000:]
    last = bad.stderr.strip().splitlines()[-1]
    assert "bad arguments or settings" in last and setting.split("=")[0] in last
