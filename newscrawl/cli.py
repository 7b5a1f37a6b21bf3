"""The ``newscrawl`` command: ``extract`` saved pages or URLs, ``crawl`` with exit codes.

``newscrawl extract`` runs exactly the extraction, date, boilerplate and identity steps a crawl runs
(:func:`newscrawl.processing.process_page`) and prints one JSON line per page, so an operator
can debug a page and benchmarks can measure extraction without a crawl.
``newscrawl crawl`` wraps ``scrapy crawl`` and ends with an exit status an operator can act on.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newscrawl.items import ARTICLE_FIELDS
from newscrawl.run.exit_codes import EXIT_OK, EXIT_USAGE

#: ``newscrawl extract``: a source could not be read or identified (the others were still extracted)
EXIT_UNREADABLE = 1


def _read(source: str, user_agent: str) -> tuple[bytes, dict[str, str], str | None]:
    """Bytes, headers and final URL of a file path or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        request = urllib.request.Request(source, headers={"User-Agent": user_agent})
        with urllib.request.urlopen(request, timeout=30) as response:  # http(s) only: checked above
            return response.read(), dict(response.headers.items()), response.geturl()
    return Path(source).read_bytes(), {}, None


def extract_main(argv: Sequence[str]) -> int:
    """``newscrawl extract FILE_OR_URL [...] [--url URL]``: one JSON line per page."""
    # imported here for start-up cost: `newscrawl crawl` needs neither
    from newscrawl import settings
    from newscrawl.processing import process_page

    parser = argparse.ArgumentParser(
        prog="newscrawl extract",
        description="Run the crawl's extraction, date and boilerplate steps on saved pages or URLs "
        "and print one JSON line per page.",
    )
    parser.add_argument("sources", nargs="+", metavar="FILE_OR_URL")
    parser.add_argument("--url", help="the page's URL (one source only; several sources take "
                        "each page's own canonical link)")
    parser.add_argument("--timezone", default=settings.NEWSCRAWL_TIMEZONE,
                        help="zone for local times without one (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.url and len(args.sources) > 1:
        parser.error("--url takes one source; with several, each page's canonical link is used")
    status = EXIT_OK
    for source in args.sources:
        try:
            body, headers, final_url = _read(source, settings.USER_AGENT)
        except (OSError, ValueError) as exc:
            print(f"newscrawl extract: cannot read {source}: {exc}", file=sys.stderr)
            status = EXIT_UNREADABLE
            continue
        url = args.url or final_url or Path(source).resolve().as_uri()
        try:
            item = process_page(url, body, headers=headers, timezone=args.timezone,
                                url_from_canonical=not args.url and final_url is None)
        except ValueError as exc:  # e.g. --url that is not an absolute http(s) URL
            print(f"newscrawl extract: cannot identify {source}: {exc}", file=sys.stderr)
            status = EXIT_UNREADABLE
            continue
        line: dict[str, Any] = {name: item.get(name) for name in ARTICLE_FIELDS}
        line["pageType"] = item.get("pageType")
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return status


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"extract": extract_main, "crawl": _crawl_main, "doctor": _doctor_main}
    if not argv or argv[0] not in commands:
        print("usage: newscrawl {extract,crawl,doctor} ...\n"
              "  extract FILE_OR_URL [...] [--url URL]   extract saved pages or URLs\n"
              "  crawl SPIDER [scrapy crawl options]     crawl with operator exit codes\n"
              "  doctor [BASE_URL] [--articles N] [--save DIR]   is the site ready for the crawl?",
              file=sys.stderr)
        return EXIT_USAGE
    return commands[argv[0]](argv[1:])


def _crawl_main(argv: Sequence[str]) -> int:
    from newscrawl.run.command import main_crawl  # here for start-up cost: `extract` needs no crawler

    return main_crawl(list(argv))


def _doctor_main(argv: Sequence[str]) -> int:
    from newscrawl.doctor.command import main_doctor  # here for start-up cost, as crawl

    return main_doctor(list(argv))


if __name__ == "__main__":
    sys.exit(main())
