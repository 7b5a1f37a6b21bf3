"""The run's own settings: the thresholds that make a finished run degraded (exit code 4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newscrawl.config import get_bool, get_ratio
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
