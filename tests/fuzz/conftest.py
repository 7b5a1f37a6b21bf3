"""Fuzzing with hypothesis: a fixed, derandomised example budget, so CI runs the same few
seconds per target every time. ``NEWSCRAWL_FUZZ=deep`` explores far more (and randomly), for a
developer hunting bugs: ``NEWSCRAWL_FUZZ=deep .venv/bin/python -m pytest tests/fuzz``."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# health checks judge the strategies' speed and size, not the code under test: all off
settings.register_profile(
    "ci", max_examples=60, derandomize=True, deadline=None, database=None,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile("deep", max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("NEWSCRAWL_FUZZ", "ci"))
