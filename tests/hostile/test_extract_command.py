"""``newscrawl extract`` is bounded (issue 13, items 4 and 10): a page over the size cap is
refused before it is read whole, a page over the time cap has its worker killed, and a URL is
never followed off its site (another host or port, or another scheme such as ``ftp://``)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from newscrawl.config import DEFAULTS

from .conftest import ENV, ROOT
from .site import OVERSIZE_BYTES, HostileSite

PAGE = ROOT / "tests" / "fixtures" / "pages" / "opengraph_meta_only" / "input.html"


def extract(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newscrawl.cli", "extract", *args], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def site() -> Iterator[HostileSite]:
    with HostileSite(["plain", "other-port", "ftp-redirect", "oversize"]) as running:
        yield running


def test_a_file_over_the_default_size_cap_is_refused_and_the_rest_extracted(tmp_path: Path) -> None:
    big = tmp_path / "big.html"
    with big.open("wb") as fh:
        fh.write(PAGE.read_bytes())
        fh.truncate(DEFAULTS["NEWSCRAWL_EXTRACT_MAX_BYTES"] + 1)  # sparse: no 16 MB write
    done = extract(str(big), str(PAGE))
    assert done.returncode == 4
    assert f"refused {big}" in done.stderr and "size cap" in done.stderr
    (line,) = done.stdout.splitlines()
    assert json.loads(line)["headline"]


def test_a_url_over_the_size_cap_is_refused(site: HostileSite) -> None:
    done = extract(f"{site.base_url}/view/oversize", "--max-bytes", str(OVERSIZE_BYTES - 1000))
    assert done.returncode == 4 and "size cap" in done.stderr and done.stdout == ""
    under = extract(f"{site.base_url}/view/oversize", "--max-bytes", str(OVERSIZE_BYTES + 1000))
    assert under.returncode == 0, under.stderr
    assert json.loads(under.stdout)["headline"] == "An oversize story"


def test_a_page_over_the_time_cap_fails_alone(tmp_path: Path) -> None:
    done = extract(str(PAGE), "--timeout", "0.001")
    assert done.returncode == 4
    assert "cannot extract" in done.stderr and "timed out" in done.stderr


@pytest.mark.parametrize("slug", ["redirects-to-other-port", "redirects-to-ftp"])
def test_redirects_off_the_site_are_refused(site: HostileSite, slug: str) -> None:
    done = extract(f"{site.base_url}/view/{slug}")
    assert done.returncode == 4, done.stdout
    assert "refused" in done.stderr and "redirect to" in done.stderr
    assert done.stdout == ""
    assert site.other.requests == []
