"""CLI of the twin: serve it, or write its truth file.

    python -m newscrawl.replica --port 8000 --articles 2000 [--day N] [--seed S] [--faults [LIST]] [--host H]
    python -m newscrawl.replica --truth FILE.jsonl --articles 2000 [--day N] [--seed S] [--base-url URL]
                                [--faults [LIST]]
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from . import start_replica, write_truth
from .model import FAULT_KINDS, parse_faults


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m newscrawl.replica",
                                description="Offline twin of www.cancernetwork.com (generated, served on loopback).")
    p.add_argument("--port", type=int, default=8000, help="TCP port (0 = any free port); default 8000")
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on; default 127.0.0.1")
    p.add_argument("--articles", type=int, default=2000, help="pages existing on day 0; default 2000")
    p.add_argument("--day", type=int, default=0, help="site day (0 = 2025-06-02); later days add and edit articles")
    p.add_argument("--seed", type=int, default=0, help="content seed; default 0")
    p.add_argument("--faults", nargs="?", const="all", default=None, metavar="LIST",
                   help=f"switch faults on: no value = all, or a comma list of {','.join(FAULT_KINDS)}")
    p.add_argument("--template-change", type=int, default=None, metavar="DAY",
                   help="from site day DAY on, serve article pages in a changed template (a redesign)")
    p.add_argument("--truth", metavar="FILE", help="write the expected output (JSON Lines) to FILE and exit")
    p.add_argument("--base-url", default="http://127.0.0.1:8000", help="base URL used in the truth file")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        faults = parse_faults(args.faults)
        if args.articles < 10:
            raise ValueError("--articles must be at least 10")
        if args.day < 0:
            raise ValueError("--day must be >= 0")
        if args.template_change is not None and args.template_change < 0:
            raise ValueError("--template-change must be >= 0")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.truth:
        n = write_truth(args.truth, articles=args.articles, day=args.day, seed=args.seed,
                        base_url=args.base_url, faults=faults, template_change=args.template_change)
        print(f"wrote {n} truth records to {args.truth}", file=sys.stderr)
        return 0

    from twisted.internet import reactor as installed  # here: only serving needs a reactor

    reactor: Any = installed  # Any: Twisted's zope interfaces do not type-check without their plugin
    try:
        running = start_replica(args.port, articles=args.articles, day=args.day, seed=args.seed,
                                faults=faults, host=args.host, reactor=reactor,
                                template_change=args.template_change)
    except Exception as exc:  # noqa: BLE001 - any failure to listen (port in use...) is reported, exit 1
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    print(running.base_url, flush=True)
    print(f"serving {args.articles} articles, day {args.day}, seed {args.seed}, faults: "
          f"{','.join(sorted(faults)) or 'none'}, template change: {args.template_change} (Ctrl-C to stop)",
          file=sys.stderr, flush=True)
    reactor.run()  # installs SIGINT/SIGTERM handlers that stop the reactor cleanly
    print("stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
