"""The Python API inside a Twisted reactor, and the command line (real subprocesses)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from newscrawl.replica import truth_records

from .conftest import ROOT, start_twin, stop_twin

ENV = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))

API_SCRIPT = textwrap.dedent("""
    import json, sys, threading, urllib.request, urllib.error
    import newscrawl.replica, newscrawl.replica.server
    assert "twisted.internet.reactor" not in sys.modules, "importing the twin must not install a reactor"
    from twisted.internet import asyncioreactor
    asyncioreactor.install()  # Scrapy's default reactor
    from twisted.internet import reactor
    from twisted.internet.threads import blockingCallFromThread
    from newscrawl.replica import start_replica

    out = {}
    def client(r):
        try:
            out.update(base_url=r.base_url, port=r.port, faults=sorted(r.site.faults))
            out["robots"] = urllib.request.urlopen(r.base_url + "/robots.txt", timeout=10).read().decode()
            out["news"] = urllib.request.urlopen(r.base_url + "/news?page=1", timeout=10).status
            try:
                urllib.request.urlopen(r.base_url + "/view/x-zzzzzz", timeout=10)
            except urllib.error.HTTPError as exc:
                out["missing"] = exc.code
            blockingCallFromThread(reactor, r.stop)
            try:
                urllib.request.urlopen(r.base_url + "/robots.txt", timeout=3)
                out["after_stop"] = "served"
            except (urllib.error.URLError, OSError):
                out["after_stop"] = "refused"
        finally:
            reactor.callFromThread(reactor.stop)
    def go():
        r = start_replica(0, articles=120, day=1, seed=2, faults=["empty"])
        threading.Thread(target=client, args=(r,)).start()
    reactor.callWhenRunning(go)
    reactor.run()
    print(json.dumps(out))
""")


def test_start_replica_in_a_reactor() -> None:
    p = subprocess.run([sys.executable, "-c", API_SCRIPT], capture_output=True, text=True, timeout=60, env=ENV,
                       cwd=ROOT)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout.strip().splitlines()[-1])
    assert out["base_url"] == f"http://127.0.0.1:{out['port']}" and out["port"] > 0
    assert out["faults"] == ["empty"]
    assert f"Sitemap: {out['base_url']}/sitemap.xml" in out["robots"]
    assert out["news"] == 200 and out["missing"] == 404 and out["after_stop"] == "refused"


def test_truth_cli_writes_jsonl(tmp_path) -> None:
    dest = tmp_path / "truth.jsonl"
    p = subprocess.run([sys.executable, "-m", "newscrawl.replica", "--truth", str(dest), "--articles", "150",
                        "--day", "1", "--seed", "4", "--base-url", "http://example.test:9"],
                       capture_output=True, text=True, timeout=60, env=ENV, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    lines = dest.read_text(encoding="utf-8").splitlines()
    recs = [json.loads(line) for line in lines]
    assert recs == list(truth_records(articles=150, day=1, seed=4, base_url="http://example.test:9"))
    assert all(r["canonicalUrl"].startswith("http://example.test:9/view/") for r in recs)
    assert sorted(os.listdir(tmp_path)) == ["truth.jsonl"]


def test_truth_cli_with_faults_marks_articles(tmp_path) -> None:
    dest = tmp_path / "t.jsonl"
    p = subprocess.run([sys.executable, "-m", "newscrawl.replica", "--truth", str(dest), "--articles", "800",
                        "--faults", "5xx,empty"], capture_output=True, text=True, timeout=60, env=ENV, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    recs = [json.loads(x) for x in dest.read_text().splitlines()]
    assert {r.get("fault") for r in recs} == {None, "5xx", "empty"}
    assert all(r["reachable"] is False for r in recs if r.get("fault") == "empty")


def test_bad_arguments_fail_clearly() -> None:
    for args in (["--faults", "bogus"], ["--articles", "3"], ["--day", "-1"]):
        p = subprocess.run([sys.executable, "-m", "newscrawl.replica", "--port", "0", *args],
                           capture_output=True, text=True, timeout=30, env=ENV, cwd=ROOT)
        assert p.returncode == 2 and "error" in p.stderr, args
        assert p.stdout == ""


def test_sigterm_and_sigint_stop_cleanly() -> None:
    for sig in (signal.SIGTERM, signal.SIGINT):
        t = start_twin("--articles", "50")
        assert t.get("/robots.txt").status == 200
        t.proc.send_signal(sig)
        try:
            try:
                code = t.proc.wait(20)
            except subprocess.TimeoutExpired:
                pytest.fail(f"the twin did not stop within 20 s of {sig.name}: {t.stderr_text()[-2000:]}")
            assert code == 0
            assert "stopped" in t.stderr_text()
        finally:
            stop_twin(t)
