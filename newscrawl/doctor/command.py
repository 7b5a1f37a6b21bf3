"""``newscrawl doctor [BASE_URL] [--articles N] [--save DIR] [--timeout S]``: is the site ready?

Runs :class:`~newscrawl.doctor.spider.DoctorSpider` in a Scrapy crawler built from the project's
settings (politeness, user agent, timeouts, retries) with everything that writes or remembers
switched off (pipelines, feeds, state, incremental middlewares, run manager), prints the report
and returns its exit code: 0 ready, 4 fields at risk, 3 site unreachable, 2 bad usage,
1 crash. Bounds: see :data:`MAX_ARTICLES`, :data:`DEFAULT_TIMEOUT` and docs/doctor.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy.settings import Settings
from scrapy.utils.project import ENVVAR, get_project_settings

from newscrawl.doctor.report import judge, render
from newscrawl.doctor.spider import DoctorSpider
from newscrawl.run.command import crawl_and_wait, make_process
from newscrawl.run.exit_codes import EXIT_CRASH, EXIT_USAGE
from newscrawl.spiders.cancernetwork import LIVE_BASE_URL, ArgumentError, parse_arguments

logger = logging.getLogger(__name__)

DEFAULT_ARTICLES = 10
#: At most this many sampled pages: a check, not a crawl.
MAX_ARTICLES = 50
#: Seconds the whole run may take: then it stops, abandoning requests in flight, and reports
#: what it has. Each request also has the crawl's DOWNLOAD_TIMEOUT, capped at this.
DEFAULT_TIMEOUT = 180.0
#: Retries per failed request (the crawl's RETRY_TIMES is 3): a dead site answers in seconds.
RETRY_TIMES = 1
REPORT_FILE = "doctor-report.txt"


def doctor_settings(timeout: float) -> Settings:
    """The project's settings (newscrawl's own outside a project folder, never Scrapy's bare
    defaults, which would not obey robots.txt) with everything that writes or remembers off."""
    settings = get_project_settings()
    if not os.environ.get(ENVVAR):  # no scrapy.cfg found from here
        settings.setmodule("newscrawl.settings", priority="project")
    settings.setdict({
        "ITEM_PIPELINES": {},
        "FEEDS": {},
        "EXTENSIONS": {},  # no state, no run manager, no stats file
        "SPIDER_MIDDLEWARES": {},  # no incremental skipping
        "DOWNLOADER_MIDDLEWARES": {},  # no conditional requests: every page in full
        # a few requests whose meta carries the report's live objects: Scrapy's in-memory
        # scheduler, not the crawl's disk frontier (which would hand back pickled copies)
        "SCHEDULER": "scrapy.core.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy.dupefilters.RFPDupeFilter",
        "NEWSCRAWL_STATE_ENABLED": False,
        "RETRY_TIMES": RETRY_TIMES,
        "DOWNLOAD_TIMEOUT": min(settings.getfloat("DOWNLOAD_TIMEOUT"), timeout),
        "LOG_LEVEL": "WARNING",
    }, priority="cmdline")
    return settings


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parsed and checked arguments; raises :class:`ArgumentError` naming the bad one."""
    parser = argparse.ArgumentParser(
        prog="newscrawl doctor",
        description="Check the site's crawl surfaces, sample article pages through the crawl's "
        "extraction and say whether the site is ready (exit 0) or which fields are at risk (exit 4).",
    )
    parser.add_argument("base_url", nargs="?", default=LIVE_BASE_URL, metavar="BASE_URL",
                        help="site root (default: %(default)s)")
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES, metavar="N",
                        help=f"article pages to sample, 1 to {MAX_ARTICLES} (default: %(default)s)")
    parser.add_argument("--save", metavar="DIR",
                        help="keep each sampled page as a fixture case (input.html, expected.json) in DIR")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help="stop after this many seconds (default: %(default)s)")
    args = parser.parse_args(argv)
    args.base_url = parse_arguments(base_url=args.base_url).base_url  # the crawl's own check
    if not 1 <= args.articles <= MAX_ARTICLES:
        raise ArgumentError(f"bad argument --articles {args.articles}: expected 1 to {MAX_ARTICLES}")
    if not args.timeout > 0:
        raise ArgumentError(f"bad argument --timeout {args.timeout}: expected seconds > 0")
    if args.save and Path(args.save).exists() and not Path(args.save).is_dir():
        raise ArgumentError(f"bad argument --save {args.save}: exists and is not a folder")
    return args


def main_doctor(argv: Sequence[str]) -> int:
    """``newscrawl doctor ...`` -> exit code (never raises)."""
    try:
        args = parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    except ArgumentError as exc:
        print(f"newscrawl doctor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return _run(args)
    except Exception as exc:  # the operator gets a code, the log the traceback
        logger.exception("newscrawl doctor crashed")
        print(f"newscrawl doctor: crashed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_CRASH


def _run(args: argparse.Namespace) -> int:
    process: Any = make_process(doctor_settings(args.timeout))
    crawler = process.create_crawler(DoctorSpider)
    # the crawler process has installed its reactor; importing it earlier would install another
    from twisted.internet import reactor as installed

    reactor: Any = installed  # Any: Twisted's zope interfaces do not type-check without their plugin

    started = time.monotonic()
    out_of_time: list[bool] = []

    def stop() -> None:  # requests still in flight are abandoned: the bound is hard
        out_of_time.append(True)
        reactor.crash()

    deadline = reactor.callLater(args.timeout, stop)
    error = crawl_and_wait(process, crawler, {"base_url": args.base_url, "articles": args.articles,
                                              "save_dir": args.save})
    if deadline.active():
        deadline.cancel()
    else:  # crashed: no shutdown triggers ran, so the resolver's threads would keep the process alive
        reactor.getThreadPool().stop()
    if error is not None:
        raise error
    findings = crawler.spider.findings
    findings.seconds = time.monotonic() - started
    findings.local_clock = datetime.now(UTC)
    findings.timed_out = bool(out_of_time)
    if findings.timed_out:
        findings.stop_unanswered(f"no answer within the time limit ({args.timeout:g}s)")
    verdict = judge(findings)
    text = render(findings, verdict)
    sys.stdout.write(text)
    if args.save:
        Path(args.save).mkdir(parents=True, exist_ok=True)
        (Path(args.save) / REPORT_FILE).write_text(text, "utf-8")
    return verdict.exit_code
