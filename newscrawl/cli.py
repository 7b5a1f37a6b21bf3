"""The ``newscrawl`` command: ``extract`` saved pages or URLs, ``crawl`` with exit codes.

``newscrawl extract`` runs exactly the extraction, date, boilerplate and identity steps a crawl runs
(:func:`newscrawl.processing.process_page`) and prints one JSON line per page, so an operator
can debug a page and benchmarks can measure extraction without a crawl.
``newscrawl crawl`` wraps ``scrapy crawl`` and ends with an exit status an operator can act on.
``newscrawl read`` prints the lines of finished output files for a consumer (:mod:`newscrawl.reader`).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import sys
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newscrawl.config import DEFAULTS
from newscrawl.extract.discovery import on_host
from newscrawl.extraction_pool import ExtractionError, ExtractionPool
from newscrawl.items import ARTICLE_FIELDS
from newscrawl.run.exit_codes import EXIT_DEGRADED, EXIT_OK, EXIT_USAGE

#: ``newscrawl extract``: a source could not be read, identified or extracted within the limits
#: (the others were still extracted); 1 stays a crash's, as for the crawl
EXIT_UNREADABLE = EXIT_DEGRADED
#: ``newscrawl read``: a finished file failed its check (reported on stderr, skipped; the rest was read)
EXIT_SKIPPED_FILE = EXIT_DEGRADED
#: ``newscrawl read``: the consumer stopped reading (``| head``), as a process killed by SIGPIPE
EXIT_BROKEN_PIPE = 128 + 13


class Refused(ValueError):
    """A source was refused before extraction: too large, or a redirect off its site."""


class _SameSiteRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to http(s) on the same host and port as the URL asked for."""

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                         headers: Any, newurl: str) -> urllib.request.Request | None:
        if not on_host(newurl, urlsplit(req.full_url).netloc):
            raise Refused(f"redirect to {newurl} leaves {urlsplit(req.full_url).netloc} (refused)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _too_large(size: int | None, max_bytes: int) -> Refused:
    """``size``: the page's size when known (a URL's body is read no further than the cap)."""
    over = f"over the page size cap of {max_bytes} bytes (--max-bytes)"
    return Refused(f"{size} bytes, {over}" if size is not None else over)


def _read(source: str, user_agent: str, max_bytes: int) -> tuple[bytes, dict[str, str], str | None]:
    """Bytes, headers and final URL of a file path or an http(s) URL, at most ``max_bytes``."""
    if source.startswith(("http://", "https://")):
        opener = urllib.request.build_opener(_SameSiteRedirects)
        request = urllib.request.Request(source, headers={"User-Agent": user_agent})
        with opener.open(request, timeout=30) as response:  # http(s) only: checked above
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise _too_large(int(declared), max_bytes)
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise _too_large(None, max_bytes)
            return body, dict(response.headers.items()), response.geturl()
    path = Path(source)
    size = path.stat().st_size
    if size > max_bytes:
        raise _too_large(size, max_bytes)
    return path.read_bytes(), {}, None


def _positive(kind: type) -> Any:
    def convert(text: str) -> Any:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
        return value

    return convert


def extract_main(argv: Sequence[str]) -> int:
    """``newscrawl extract FILE_OR_URL [...] [--url URL]``: one JSON line per page."""
    parser = argparse.ArgumentParser(
        prog="newscrawl extract",
        description="Run the crawl's extraction, date and boilerplate steps on saved pages or URLs "
        "and print one JSON line per page.",
    )
    parser.add_argument("sources", nargs="+", metavar="FILE_OR_URL")
    parser.add_argument("--url", help="the page's URL (one source only; several sources take "
                        "each page's own canonical link)")
    parser.add_argument("--timezone", default=DEFAULTS["NEWSCRAWL_TIMEZONE"],
                        help="zone for local times without one (default: %(default)s)")
    parser.add_argument("--max-bytes", type=_positive(int), default=DEFAULTS["NEWSCRAWL_EXTRACT_MAX_BYTES"],
                        help="refuse a page larger than this (default: %(default)s, NEWSCRAWL_EXTRACT_MAX_BYTES)")
    parser.add_argument("--timeout", type=_positive(float), default=DEFAULTS["NEWSCRAWL_EXTRACT_TIMEOUT"],
                        help="seconds one page may take to extract (default: %(default)s, "
                        "NEWSCRAWL_EXTRACT_TIMEOUT)")
    args = parser.parse_args(argv)
    if args.url and len(args.sources) > 1:
        parser.error("--url takes one source; with several, each page's canonical link is used")
    return asyncio.run(_extract_all(args))


async def _extract_all(args: argparse.Namespace) -> int:
    """Each source read within the size cap and extracted in a worker process within the time cap
    (a page over it has its worker killed; the next page gets a new one)."""
    # imported here for start-up cost: `newscrawl crawl` needs neither
    from newscrawl import settings
    from newscrawl.processing import process_page

    pool = ExtractionPool(1, timeout=args.timeout)
    status = EXIT_OK
    try:
        for source in args.sources:
            try:
                body, headers, final_url = _read(source, settings.USER_AGENT, args.max_bytes)
            except Refused as exc:
                print(f"newscrawl extract: refused {source}: {exc}", file=sys.stderr)
                status = EXIT_UNREADABLE
                continue
            except (OSError, ValueError) as exc:
                print(f"newscrawl extract: cannot read {source}: {exc}", file=sys.stderr)
                status = EXIT_UNREADABLE
                continue
            url = args.url or final_url or Path(source).resolve().as_uri()
            extract = functools.partial(process_page, headers=headers, timezone=args.timezone,
                                        url_from_canonical=not args.url and final_url is None)
            try:
                item = await pool.run(extract, url, body)
            except ExtractionError as exc:  # a bad --url, or over the time cap
                print(f"newscrawl extract: cannot extract {source}: {exc}", file=sys.stderr)
                status = EXIT_UNREADABLE
                continue
            line: dict[str, Any] = {name: item.get(name) for name in ARTICLE_FIELDS}
            line["pageType"] = item.get("pageType")
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
            sys.stdout.flush()
    finally:
        await pool.close()
    return status


def read_main(argv: Sequence[str]) -> int:
    """``newscrawl read [FOLDER] [--cursor FILE] [--latest]``: verified lines as JSON Lines."""
    from newscrawl.reader import Cursor, CursorError, Problem, read  # here for start-up cost

    parser = argparse.ArgumentParser(
        prog="newscrawl read",
        description="Print the lines of the finished feed files of FOLDER (oldest run first), each "
        "file checked against its manifest, as JSON Lines.",
    )
    parser.add_argument("folder", nargs="?", help="a folder of feed files (default: the project's "
                        "default output folder, NEWSCRAWL_OUTPUT_DIR/<spider>)")
    parser.add_argument("--spider", help="with no FOLDER: whose folder (default: the project's only spider)")
    parser.add_argument("--cursor", metavar="FILE", help="remember what was read in FILE and print only "
                        "what is new since (FILE is created if missing, updated after the output is written)")
    parser.add_argument("--latest", action="store_true", help="one line per id: its highest version")
    args = parser.parse_args(argv)
    try:
        folder = Path(args.folder) if args.folder else _default_folder(args.spider)
        if not folder.is_dir():
            raise ValueError(f"no such folder: {folder}")
        cursor = Cursor.load(args.cursor) if args.cursor else None
    except (ValueError, CursorError) as exc:
        print(f"newscrawl read: {exc}", file=sys.stderr)
        return EXIT_USAGE
    problems: list[Problem] = []

    def report(problem: Problem) -> None:
        problems.append(problem)
        print(f"newscrawl read: skipped {problem.file}: {problem.reason}", file=sys.stderr)

    out = sys.stdout
    try:
        for line in read(folder, cursor=cursor, latest=args.latest, on_problem=report):
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        out.flush()
    except BrokenPipeError:  # the consumer stopped reading: the cursor stays where it was
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
        return EXIT_BROKEN_PIPE
    if cursor is not None:
        cursor.save()
    return EXIT_SKIPPED_FILE if problems else EXIT_OK


def _default_folder(spider: str | None) -> Path:
    """``NEWSCRAWL_OUTPUT_DIR/<spider>`` of the project the command runs in (scrapy.cfg)."""
    from scrapy.spiderloader import get_spider_loader
    from scrapy.utils.project import get_project_settings

    from newscrawl.config import get_str

    settings = get_project_settings()
    if spider is None:
        names = get_spider_loader(settings).list()
        if len(names) != 1:
            raise ValueError(f"the project has {len(names)} spiders: name one with --spider or give a FOLDER")
        spider = names[0]
    return Path(get_str(settings, "NEWSCRAWL_OUTPUT_DIR")) / spider


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"extract": extract_main, "crawl": _crawl_main, "doctor": _doctor_main, "read": read_main}
    if not argv or argv[0] not in commands:
        print("usage: newscrawl {extract,crawl,doctor,read} ...\n"
              "  extract FILE_OR_URL [...] [--url URL]   extract saved pages or URLs\n"
              "  crawl SPIDER [scrapy crawl options]     crawl with operator exit codes\n"
              "  doctor [BASE_URL] [--articles N] [--save DIR]   is the site ready for the crawl?\n"
              "  read [FOLDER] [--cursor FILE] [--latest]  verified lines of finished files",
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
