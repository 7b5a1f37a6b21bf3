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
