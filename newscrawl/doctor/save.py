"""``newscrawl doctor --save DIR``: each sampled page as a saved-page fixture case.

The layout is the one ``tests/fixtures/pages/`` uses (see ``tests/extract/test_page_fixtures.py``),
so a case folder dropped there becomes a regression test::

    DIR/<case>/input.html      the body exactly as received (bytes, after HTTP content decoding)
    DIR/<case>/expected.json   {"url", "requestUrl", "status", "fetchedAt", "sampledFrom",
                                "headers": as received, but Set-Cookie,
                                "item": the page object's fields (to_item() but the raw body and
                                        the provenance),
                                "line": the crawl line's datePublished, dateModified, articleBody}

``item`` and ``line`` hold what the extraction produced; a person corrects them where they are
wrong, and the case then fails until the extraction gets them right.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

#: The crawl line's fields that the steps after the page object decide (dates normalised,
#: boilerplate stripped); every other field is checked in ``item``.
LINE_FIELDS = ("datePublished", "dateModified", "articleBody")
#: Page object fields not written to ``item``: the raw body (``line`` has the crawl's), and the
#: provenance, a diagnosis the report prints rather than a value to correct.
NOT_SAVED = frozenset({"articleBody", "provenance"})
#: Not kept: the crawl sends no cookies, and a session cookie has no place in the repository.
DROPPED_HEADERS = frozenset({"set-cookie"})
_UNSAFE = re.compile(r"[^a-z0-9]+")


def case_name(url: str, taken: set[str] | None = None, limit: int = 60) -> str:
    """A folder name from the URL's last path segment (lower case, ``-`` separated), unique
    among ``taken`` by a numeric suffix."""
    segment = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("-", segment.lower()).strip("-")[:limit].strip("-") or "page"
    name, n = base, 2
    while taken and name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


def write_case(
    directory: Path,
    *,
    url: str,
    request_url: str,
    status: int,
    headers: Mapping[str, str],
    fetched: datetime,
    body: bytes,
    raw_item: Mapping[str, Any],
    item: Mapping[str, Any],
    via: str,
) -> str:
    """Write one case folder under ``directory``; return its name."""
    directory.mkdir(parents=True, exist_ok=True)
    name = case_name(url, {p.name for p in directory.iterdir()})
    folder = directory / name
    folder.mkdir()
    (folder / "input.html").write_bytes(body)
    expected: dict[str, Any] = {
        "url": url,
        "requestUrl": request_url,
        "status": status,
        "fetchedAt": fetched.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sampledFrom": via,
        "headers": {k: v for k, v in headers.items() if k.lower() not in DROPPED_HEADERS},
        "item": {k: v for k, v in raw_item.items() if k not in NOT_SAVED},
        "line": {k: item.get(k) for k in LINE_FIELDS},
    }
    (folder / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return name
