"""Spider argument validation: good values parse, each bad one is named in the error."""

from __future__ import annotations

from datetime import date

import pytest
from newscrawl.spiders.cancernetwork import (
    LIVE_BASE_URL,
    ArgumentError,
    ReplicaOptions,
    is_loopback,
    parse_arguments,
)


def test_defaults_point_at_the_live_site() -> None:
    args = parse_arguments()
    assert args.base_url == LIVE_BASE_URL
    assert args.replica is None and args.since is None and args.max_articles is None
    assert args.sections == ()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"replica": "true"}, ReplicaOptions(2000, 0, 0)),
        ({"replica": "300", "day": "2", "seed": "7"}, ReplicaOptions(300, 2, 7)),
        ({"replica": "300", "replica_port": "8765"}, ReplicaOptions(300, 0, 0, 8765)),
        ({"replica": "off"}, None),
    ],
)
def test_replica(raw: dict[str, str], expected: ReplicaOptions | None) -> None:
    assert parse_arguments(**raw).replica == expected


def test_other_arguments() -> None:
    args = parse_arguments(
        base_url="http://127.0.0.1:8000/", since="2025-06-01", max_articles="50",
        sections="Breast-Cancer, lung-cancer",
    )
    assert args.base_url == "http://127.0.0.1:8000"
    assert args.since == date(2025, 6, 1)
    assert args.max_articles == 50
    assert args.sections == ("breast-cancer", "lung-cancer")
    assert parse_arguments(_job="x").base_url == LIVE_BASE_URL
    assert parse_arguments(state="Ignore").state == "ignore"


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ({"since": "yesterday"}, "since"),
        ({"since": "2025-13-01"}, "since"),
        ({"max_articles": "ten"}, "max_articles"),
        ({"max_articles": "0"}, "max_articles"),
        ({"base_url": "ftp://example.org"}, "base_url"),
        ({"base_url": "https://www.cancernetwork.com/news"}, "base_url"),
        ({"replica": "-5"}, "replica"),
        ({"replica": "10", "day": "x"}, "day"),
        ({"day": "1"}, "day"),
        ({"replica": "10", "base_url": "https://example.org"}, "base_url"),
        ({"sections": " , "}, "sections"),
        ({"sections": "../etc"}, "sections"),
        ({"maxarticles": "5"}, "maxarticles"),
        ({"state": "forget"}, "state"),
        ({"replica_port": "8000"}, "replica_port"),
        ({"replica": "10", "replica_port": "70000"}, "replica_port"),
    ],
)
def test_bad_arguments_name_the_argument(raw: dict[str, str], named: str) -> None:
    with pytest.raises(ArgumentError, match=named) as info:
        parse_arguments(**raw)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("url", "expected"),
    [("http://127.0.0.1:8000", True), ("http://localhost", True), (LIVE_BASE_URL, False)],
)
def test_is_loopback(url: str, expected: bool) -> None:
    assert is_loopback(url) is expected


def test_scrapy_crawl_with_a_bad_argument_exits_2_with_one_line() -> None:
    """A real `scrapy crawl`: the crawl stops at once, naming the argument, no traceback."""
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "cancernetwork", "-a", "max_articles=lots",
         "-s", "LOG_LEVEL=ERROR"],
        cwd=Path(__file__).parents[1], capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "newscrawl crawl: bad arguments or settings: "
        "bad argument max_articles='lots': expected a whole number"
    ]
