"""Does each saved page export its own article? Headline and publication day, page by page.

Runs :func:`newscrawl.processing.process_page` (what ``newscrawl extract`` runs) on every
saved-page fixture folder given (``input.html`` + ``expected.json`` with ``url`` and ``item``;
by default the hand-made CancerNetwork-like set ``tests/fixtures/cancernetwork`` and the
other-article shapes of ``tests/fixtures/own``), and prints per page whether the headline is
exact, whether the publication day is exact, and which other expected fields differ.

    .venv/bin/python benchmarks/own_article_bench.py [FIXTURE_DIR ...]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newscrawl.processing import process_page  # noqa: E402 - after the sys.path set-up above

DEFAULT_DIRS = (ROOT / "tests" / "fixtures" / "cancernetwork", ROOT / "tests" / "fixtures" / "own")


def score_case(case: Path) -> tuple[bool, bool, list[str]]:
    """(headline exact, publication day exact, other expected fields that differ)."""
    expected = json.loads((case / "expected.json").read_text("utf-8"))
    item = process_page(expected["url"], (case / "input.html").read_bytes())
    want = expected["item"]
    headline_ok = item.get("headline") == want["headline"]
    got_day, want_day = (item.get("datePublished") or "")[:10], (want.get("datePublished") or "")[:10]
    day_ok = got_day == want_day
    other = [k for k, v in want.items() if k not in ("headline", "datePublished") and item.get(k) != v]
    return headline_ok, day_ok, other


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path, default=list(DEFAULT_DIRS))
    args = parser.parse_args(argv)
    for folder in args.dirs:
        cases = sorted(p for p in folder.iterdir() if (p / "expected.json").is_file())
        both = 0
        print(f"{folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder}: {len(cases)} pages")
        for case in cases:
            headline_ok, day_ok, other = score_case(case)
            both += headline_ok and day_ok
            marks = f"headline {'ok ' if headline_ok else 'BAD'}  day {'ok ' if day_ok else 'BAD'}"
            print(f"  {marks}  {case.name}" + (f"  (also differs: {', '.join(other)})" if other else ""))
        print(f"  headline and day exact: {both} of {len(cases)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
