"""How a crawl run ends: exit codes, degraded thresholds, the outcome judge, the run manager and
the ``crawl`` command (see ``docs/architecture.md``)."""
