"""Offline twin of www.cancernetwork.com: a generated replica site served on loopback.

Public API::

    start_replica(port=0, *, articles=2000, day=0, seed=0, faults=None, host="127.0.0.1") -> RunningReplica
    truth_records(*, articles=2000, day=0, seed=0, base_url="http://127.0.0.1:8000", faults=None) -> Iterator[dict]
    BOILERPLATE_PHRASES: tuple[str, ...]
    FAULT_KINDS: tuple[str, ...]

``start_replica`` must be called with a running (or about-to-run) Twisted reactor; it listens
immediately.  See docs/replica.md for the site's surfaces, templates, day mechanics and faults.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from .model import FAULT_KINDS, SITE_DATE, Site, parse_faults
from .render import BOILERPLATE_PHRASES
from .truth import DEFAULT_BASE_URL, truth_records, write_truth

__all__ = ["BOILERPLATE_PHRASES", "DEFAULT_BASE_URL", "FAULT_KINDS", "SITE_DATE", "RunningReplica", "Site",
           "make_site_factory", "parse_faults", "start_replica", "truth_records", "write_truth"]

logger = logging.getLogger(__name__)


class RunningReplica:
    """A twin listening on a TCP port of the reactor it was started in."""

    def __init__(self, listening_port: Any, site: Site, resource: Any, host: str) -> None:
        self._listening = listening_port
        self.site = site
        self.resource = resource
        self.host = host
        self.port: int = listening_port.getHost().port
        shown = f"[{host}]" if ":" in host else host
        self.base_url = f"http://{shown}:{self.port}"

    def stop(self) -> Any:
        """Stop listening; returns the Deferred of ``stopListening``."""
        return self._listening.stopListening()

    def __repr__(self) -> str:
        return f"<RunningReplica {self.base_url} articles={self.site.n0} day={self.site.day} seed={self.site.seed}>"


def make_site_factory(site: Site, *, reactor: Any = None) -> Any:
    """A twisted.web Site serving ``site`` (access log off)."""
    # here, not at the top: truth records and the model are used without Twisted's web server
    from twisted.web import server as tw_server

    from .server import ReplicaResource

    resource = ReplicaResource(site, clock=reactor)
    factory = tw_server.Site(resource)
    factory.displayTracebacks = False
    factory.log = lambda request: None  # type: ignore[method-assign]  # access log off, as Twisted documents
    return factory


def start_replica(port: int = 0, *, articles: int = 2000, day: int = 0, seed: int = 0,
                  faults: Iterable[str] | str | None = None, host: str = "127.0.0.1",
                  reactor: Any = None, template_change: int | None = None) -> RunningReplica:
    """Start the twin inside the (running or about-to-run) Twisted reactor and return at once.

    ``template_change``: from this site day on, article pages are served in a changed template
    (docs/replica.md, "Template change").
    """
    if reactor is None:
        from twisted.internet import reactor as default_reactor  # here: importing must not install one

        reactor = default_reactor
    site = Site(articles, day=day, seed=seed, faults=parse_faults(faults), template_change=template_change)
    factory = make_site_factory(site, reactor=reactor)
    listening = reactor.listenTCP(port, factory, interface=host)
    running = RunningReplica(listening, site, factory.resource, host)
    logger.info("replica serving %s (articles=%d day=%d seed=%d faults=%s)", running.base_url, articles, day, seed,
                ",".join(sorted(site.faults)) or "none")
    return running
