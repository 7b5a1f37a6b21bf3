"""The ``crawl`` command: ``newscrawl crawl`` and ``scrapy crawl`` end with the run's exit code.

:class:`CrawlCommand` is Scrapy's ``crawl`` command (the project sets ``COMMANDS_MODULE``, so
``scrapy crawl`` uses it through :mod:`newscrawl.commands.crawl`) with two differences: the exit
status is the run's (:mod:`newscrawl.run.exit_codes`), and an explicit ``-o``/``-O`` replaces the
project's default feed instead of being added to it. :func:`main_crawl` runs the same command
in-process for ``newscrawl crawl``.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from typing import Any

from scrapy.commands import ScrapyHelpFormatter
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import AsyncCrawlerProcess, CrawlerProcess
from scrapy.exceptions import UsageError
from scrapy.settings import Settings
from scrapy.utils.conf import arglist_to_dict
from scrapy.utils.project import get_project_settings
from scrapy.utils.reactor import _asyncio_reactor_path

from newscrawl.config import BadSettingsError, check_scrapy_settings
from newscrawl.run.exit_codes import EXIT_CRASH, EXIT_DEGRADED, EXIT_FAILED_START, EXIT_OK, EXIT_USAGE
from newscrawl.run.judge import COMPLETE_REASONS
from newscrawl.run.manager import RunManager
from newscrawl.state.lock import StateError

logger = logging.getLogger(__name__)


def _exit_for_exception(exc: BaseException) -> tuple[int, str]:
    if isinstance(exc, StateError):
        return EXIT_FAILED_START, f"failed start: {exc}"
    if isinstance(exc, (BadSettingsError, ValueError, UsageError, KeyError)):
        text = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        return EXIT_USAGE, f"bad arguments or settings: {text}"
    return EXIT_CRASH, f"crashed: {type(exc).__name__}: {exc}"


def run_crawl(process: Any, spider: Any, spider_args: dict[str, Any]) -> int:
    """Run one crawl of ``spider`` (a name or class) in ``process`` and return its exit code."""
    try:
        check_scrapy_settings(process.settings)
        crawler = process.create_crawler(spider)
    except (KeyError, BadSettingsError) as exc:
        code, message = _exit_for_exception(exc)
        print(f"newscrawl crawl: {message}", file=sys.stderr)
        return code
    error = crawl_and_wait(process, crawler, spider_args)
    run = _run_manager(crawler)
    if error is not None:
        code, message = _exit_for_exception(error)
        if code == EXIT_CRASH:
            logger.error("Crawl crashed", exc_info=error)
            if run is not None and run.verdict is None:
                run.abandon(error)  # its manifest says "crashed", as the exit code does
        print(f"newscrawl crawl: {message}", file=sys.stderr)
        return code
    if run is not None and run.verdict is None:
        logger.error("The crawl was stopped before its end (forced shutdown): finishing its files now")
        run.abandon()
    if run is None or run.verdict is None:
        # the run manager is not enabled: judge by Scrapy alone
        stats = crawler.stats.get_stats() if crawler.stats else {}
        reason = stats.get("finish_reason")
        return EXIT_OK if reason in COMPLETE_REASONS else EXIT_DEGRADED
    verdict = run.verdict
    if verdict.exit_code != EXIT_OK:
        print(f"newscrawl crawl: {verdict.outcome} (exit {verdict.exit_code}): "
              + "; ".join(verdict.reasons), file=sys.stderr)
    return verdict.exit_code


def crawl_and_wait(process: Any, crawler: Any, spider_args: dict[str, Any]) -> BaseException | None:
    """Run ``crawler`` in ``process`` until the process stops; the exception it failed with, if any."""
    errors: list[BaseException] = []
    result = process.crawl(crawler, **spider_args)
    if hasattr(result, "addErrback"):
        def on_error(failure: Any) -> None:
            errors.append(failure.value)

        result.addErrback(on_error)
    else:
        def on_done(task: Any) -> None:
            if not task.cancelled() and task.exception() is not None:
                errors.append(task.exception())

        result.add_done_callback(on_done)
    try:
        process.start()
    except KeyboardInterrupt:  # Ctrl-C once more while the loop was being torn down
        logger.warning("Interrupted while shutting down")
    finally:
        _ignore_interrupts()
    return errors[0] if errors else None


def _run_manager(crawler: Any) -> RunManager | None:
    """The crawl's run manager, or None (not enabled, or the crawl failed before building it)."""
    try:
        return crawler.get_extension(RunManager)
    except RuntimeError:  # Crawler.extensions is not set yet: the crawl never started
        return None


def _ignore_interrupts() -> None:
    """The run is over and judged: a late Ctrl-C or SIGTERM must not change its exit code."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    except ValueError:  # not the main thread (an embedding application): nothing to protect
        pass


class CrawlCommand(ScrapyCrawlCommand):
    """``scrapy crawl`` with newscrawl's exit codes; ``-o``/``-O`` replace the default feed."""

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if (opts.output or opts.overwrite_output) and "FEEDS" not in _set_options(opts):
            # Scrapy merges -o/-O into FEEDS; the project's default feed must not be written too
            self.settings.set("FEEDS", {}, priority=self.settings.getpriority("FEEDS") or 0)
        super().process_options(args, opts)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        self.exitcode = run_crawl(self.crawler_process, args[0], opts.spargs)


def _set_options(opts: argparse.Namespace) -> dict[str, str]:
    """The ``-s NAME=VALUE`` options (a malformed one is Scrapy's to report)."""
    try:
        return arglist_to_dict(opts.set or [])
    except ValueError:
        return {}


def main_crawl(argv: Sequence[str], settings: Settings | None = None) -> int:
    """``newscrawl crawl SPIDER [scrapy crawl options]`` -> exit code (never raises).

    ``settings`` defaults to the project settings (``scrapy.cfg`` / ``SCRAPY_SETTINGS_MODULE``).
    """
    try:
        return _main_crawl(list(argv), settings)
    except SystemExit as exc:  # argparse --help / errors
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    except Exception as exc:  # the operator gets a code, the log the traceback
        code, message = _exit_for_exception(exc)
        if code == EXIT_CRASH:
            logger.exception("newscrawl crawl crashed")
        print(f"newscrawl crawl: {message}", file=sys.stderr)
        return code


def _main_crawl(argv: list[str], settings: Settings | None = None) -> int:
    if settings is None:
        settings = get_project_settings()
    cmd = CrawlCommand()
    parser = argparse.ArgumentParser(
        prog="newscrawl crawl",
        usage="newscrawl crawl [options] <spider>",
        formatter_class=ScrapyHelpFormatter,
        conflict_handler="resolve",
        description="Run a spider like `scrapy crawl`, ending with an operator exit code.",
    )
    settings.setdict(cmd.default_settings, priority="command")
    cmd.settings = settings
    cmd.add_options(parser)
    opts, args = parser.parse_known_args(args=argv)
    try:
        cmd.process_options(args, opts)
    except UsageError as exc:
        print(f"newscrawl crawl: bad arguments: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if len(args) != 1:
        print("newscrawl crawl: give exactly one spider name (see --help)", file=sys.stderr)
        return EXIT_USAGE
    process = make_process(settings)
    cmd.crawler_process = process
    return run_crawl(process, args[0], opts.spargs)


def make_process(settings: Settings) -> Any:
    """The crawler process Scrapy's own commands would make for ``settings`` (asyncio or not)."""
    if (
        settings["TWISTED_REACTOR"] == _asyncio_reactor_path
        and not settings.getbool("FORCE_CRAWLER_PROCESS")
    ) or not settings.getbool("TWISTED_REACTOR_ENABLED"):
        return AsyncCrawlerProcess(settings)
    return CrawlerProcess(settings)
