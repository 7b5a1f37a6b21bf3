"""``newscrawl doctor`` as an operator runs it: real subprocesses against real loopback sites.

The twin (ready, exit 0), the twin after a template change (the broken fields at risk, exit 4),
a port where nothing listens (exit 3), a static site whose robots.txt forbids the article pages
and whose surfaces are stale (exit 4), bad usage (exit 2), and the ``--save`` folder run
through the real fixture loader (``tests/extract/test_page_fixtures.py``).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from newscrawl.doctor.command import doctor_settings, main_doctor
from newscrawl.doctor.spider import MAX_SURFACE_REQUESTS, DoctorSpider
from newscrawl.replica.process import spawn, stop
from scrapy.crawler import Crawler

ROOT = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, PYTHONPATH=str(ROOT))
ARTICLES = 8


def doctor(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newscrawl.cli", "doctor", *args], cwd=ROOT, env=env or ENV,
                          capture_output=True, text=True, timeout=120)


@contextmanager
def serve_twin(*args: str) -> Iterator[str]:
    """The twin on a free loopback port (300 articles): its base URL."""
    proc, base = spawn("--articles", "300", *args)
    try:
        yield base
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def twin() -> Iterator[str]:
    with serve_twin() as base:
        yield base


@pytest.fixture(scope="module")
def saved(twin: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    folder = tmp_path_factory.mktemp("saved")
    return doctor(twin, "--articles", str(ARTICLES), "--save", str(folder)), folder


def test_the_twin_is_ready(saved: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    done, _ = saved
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "Verdict: READY (exit 0)" in out
    for surface in ("robots.txt", "sitemap index", "newest sitemap", "news sitemap", "rss", "listing"):
        assert f"\n  {surface} " in out, surface
    assert "2 Sitemap lines" in out
    sources = {line.split("[via ", 1)[1].split("]", 1)[0] for line in out.splitlines() if "[via " in line}
    assert len(sources) >= 6, sources  # spread over surfaces and sections
    assert out.count("      headline  ") >= ARTICLES - 2  # article pages, field by field
    requests = int(out.split(" requests in ", 1)[0].rsplit(" ", 1)[1])
    assert requests <= ARTICLES + MAX_SURFACE_REQUESTS + 1  # + the robots.txt of Scrapy's middleware


def test_a_changed_template_names_the_fields_it_broke() -> None:
    """The twin after a redesign (``--template-change 0``, docs/replica.md): no Next.js data, the
    body only in the HTML, the authors only as loose visible text, no section anywhere, a
    ``<title>`` naming the section; the dates stay in JSON-LD. The verdict names exactly the
    fields the redesign broke, with the pages that show it."""
    with serve_twin("--template-change", "0") as base:
        done = doctor(base, "--articles", str(ARTICLES))
    assert done.returncode == 4, done.stdout + done.stderr
    verdict = done.stdout.split("\nVerdict: ", 1)[1]
    assert verdict.startswith("FIELDS AT RISK (exit 4)")
    findings = [line[4:] for line in verdict.splitlines() if line.startswith("  - ")]
    assert [f.split(":", 1)[0] for f in findings] == ["headline", "authors", "articleBody", "section"], findings
    assert findings[0].startswith("headline: disagrees with <title> on ")
    assert findings[1].startswith("authors: empty on ")
    assert findings[2].startswith("articleBody: from the visible page only")
    assert findings[3].startswith("section: empty on ")
    assert "\n      /view/" in verdict  # each finding with the pages that show it


def test_saved_pages_become_passing_fixture_cases(saved: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    """The folder, as saved, passes the fixture tests; a corrected (here: changed) value fails them."""
    _, folder = saved
    cases = sorted(p for p in folder.iterdir() if p.is_dir())
    assert len(cases) == ARTICLES and (folder / "doctor-report.txt").is_file()
    expected = json.loads((cases[0] / "expected.json").read_text("utf-8"))
    assert {"url", "status", "fetchedAt", "headers", "item", "line"} <= set(expected)
    assert expected["status"] == 200 and "Set-Cookie" not in expected["headers"]

    def fixture_tests() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider",
                               "tests/extract/test_page_fixtures.py"], cwd=ROOT,
                              env=dict(ENV, PAGE_FIXTURES=str(folder)), capture_output=True, text=True, timeout=120)

    done = fixture_tests()
    assert done.returncode == 0, done.stdout[-3000:]
    for case in cases:
        assert f"test_item_keys_and_url[{case.name}] PASSED" in done.stdout
        assert f"test_field[{case.name}-headline] PASSED" in done.stdout
    article = next(c for c in cases if json.loads((c / "expected.json").read_text("utf-8"))["line"]["articleBody"])
    corrected = json.loads((article / "expected.json").read_text("utf-8"))
    corrected["item"]["headline"] += " (corrected)"
    corrected["line"]["articleBody"] = "A corrected body."
    (article / "expected.json").write_text(json.dumps(corrected), "utf-8")
    done = fixture_tests()
    assert done.returncode == 1
    assert f"test_field[{article.name}-headline] FAILED" in done.stdout
    assert f"test_line_field[{article.name}-articleBody] FAILED" in done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_site_exits_3() -> None:
    done = doctor(f"http://127.0.0.1:{free_port()}", "--articles", "2")
    assert done.returncode == 3, done.stdout + done.stderr
    assert "Verdict: SITE UNREACHABLE (exit 3)" in done.stdout


def test_a_site_that_never_answers_is_stopped_at_the_time_limit() -> None:
    """Connections are accepted (the listen backlog) but nothing is ever sent back: the run
    stops at --timeout instead of waiting out each request's timeout and retry."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        done = doctor(f"http://127.0.0.1:{silent.getsockname()[1]}", "--timeout", "2")
    assert done.returncode == 3, done.stdout + done.stderr
    assert "robots.txt     ---  /robots.txt  no answer within the time limit (2s)" in done.stdout
    assert "no response from" in done.stdout and "within the time limit" in done.stdout


def test_forbidding_robots_and_stale_surfaces_are_at_risk(tmp_path: Path) -> None:
    """A static site: robots.txt forbids /view/ (so no page is fetched), the sitemap is years
    old, the news sitemap empty and there is no feed."""
    server = subprocess.Popen([sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1"],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout is not None
        base = f"http://127.0.0.1:{server.stdout.readline().split('port ')[1].split()[0]}"
        (tmp_path / "view").mkdir()
        (tmp_path / "view" / "a").write_text("<html><head><title>A</title></head><body><h1>A</h1></body></html>")
        (tmp_path / "robots.txt").write_text("User-agent: *\nDisallow: /view/\n")
        (tmp_path / "sitemap.xml").write_text(
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{base}/view/a</loc>'
            "<lastmod>2019-01-01</lastmod></url></urlset>")
        (tmp_path / "sitemap-news.xml").write_text('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>')
        (tmp_path / "news").write_text('<html><body><a href="/view/a">A</a> June 1st 2019</body></html>')
        done = doctor(base, "--articles", "3")
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert done.returncode == 4, done.stdout + done.stderr
    verdict = done.stdout.split("Verdict:", 1)[1]
    assert "robots.txt: forbids /view/ to USER_AGENT" in verdict
    assert "rss: status 404" in verdict
    assert "news sitemap: no article links" in verdict
    assert "sitemap: no link dated within 7 days" in verdict
    assert "pages: 1/1 sampled pages not fetched" in verdict
    assert "Forbidden by robots.txt" in done.stdout


@pytest.mark.parametrize(("argv", "message"), [
    (["--articles", "0"], "--articles 0"),
    (["--articles", "51"], "--articles 51"),
    (["ftp://example.org"], "base_url"),
    (["https://example.org/news"], "base_url"),
    (["--timeout", "0"], "--timeout"),
])
def test_bad_usage_exits_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main_doctor(argv) == 2
    assert message in capsys.readouterr().err


def test_bad_usage_exits_2_as_a_command() -> None:
    done = doctor("--no-such-option")
    assert done.returncode == 2 and "--no-such-option" in done.stderr
    done = doctor("http://127.0.0.1:1", "--save", str(ROOT / "pyproject.toml"))
    assert done.returncode == 2 and "not a folder" in done.stderr


@pytest.mark.parametrize(("base_url", "delay", "throttled"), [
    ("https://www.cancernetwork.com", 1.5, True),
    ("http://127.0.0.1:8000", 0, False),
])
def test_politeness_is_the_crawls(base_url: str, delay: float, throttled: bool) -> None:
    crawler = Crawler(DoctorSpider, doctor_settings(60))  # as the crawler process makes it, before it runs
    DoctorSpider.from_crawler(crawler, base_url=base_url, articles=1)
    settings = crawler.settings
    assert settings.getbool("ROBOTSTXT_OBEY") and settings["USER_AGENT"].startswith("newscrawl/")
    assert settings.getfloat("DOWNLOAD_DELAY") == delay and settings.getbool("AUTOTHROTTLE_ENABLED") is throttled
    assert settings.getfloat("DOWNLOAD_DELAY_JITTER") > 0
    assert settings.getint("RETRY_TIMES") == 1 and settings.getfloat("DOWNLOAD_TIMEOUT") == 30
