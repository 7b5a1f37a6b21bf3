"""The run's own settings: the thresholds that make a finished run degraded (exit code 4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newscrawl.config import get_bool, get_int, get_ratio
from newscrawl.run.health import GENERIC_BODY, HEADLINE_MISMATCH, NO_AUTHOR, DriftConfig
from newscrawl.run.judge import Thresholds

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def read_thresholds(settings: BaseSettings) -> Thresholds:
    """``NEWSCRAWL_DEGRADED_*``, typed and checked (``BadSettingsError`` names a bad one)."""
    return Thresholds(
        error_ratio=get_ratio(settings, "NEWSCRAWL_DEGRADED_ERROR_RATIO"),
        no_body_ratio=get_ratio(settings, "NEWSCRAWL_DEGRADED_NO_BODY_RATIO"),
        no_date_ratio=get_ratio(settings, "NEWSCRAWL_DEGRADED_NO_DATE_RATIO"),
        schema_ratio=get_ratio(settings, "NEWSCRAWL_DEGRADED_SCHEMA_RATIO"),
        zero_articles=get_bool(settings, "NEWSCRAWL_DEGRADED_ZERO_ARTICLES"),
    )


def read_drift(settings: BaseSettings) -> DriftConfig:
    """``NEWSCRAWL_DRIFT_*``, typed and checked."""
    return DriftConfig(
        enabled=get_bool(settings, "NEWSCRAWL_DRIFT_ENABLED"),
        runs=get_int(settings, "NEWSCRAWL_DRIFT_RUNS", minimum=1),
        max_change=get_ratio(settings, "NEWSCRAWL_DRIFT_MAX_CHANGE"),
        min_articles=get_int(settings, "NEWSCRAWL_DRIFT_MIN_ARTICLES", minimum=1),
        floors={
            GENERIC_BODY: get_ratio(settings, "NEWSCRAWL_DRIFT_FLOOR_GENERIC_BODY"),
            NO_AUTHOR: get_ratio(settings, "NEWSCRAWL_DRIFT_FLOOR_NO_AUTHOR"),
            HEADLINE_MISMATCH: get_ratio(settings, "NEWSCRAWL_DRIFT_FLOOR_HEADLINE_MISMATCH"),
        },
    )
