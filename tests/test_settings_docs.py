"""The README's settings table and newscrawl/settings.py agree, both ways (names and defaults).

The tables of docs/operations.md are checked one way: every setting they name exists, with the
default they give.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from newscrawl import settings
from newscrawl.config import DEFAULTS, BadSettingsError, setting
from newscrawl.dedup import DEFAULT_NEAR_THRESHOLD
from newscrawl.extract.dates import DEFAULT_FUTURE_TOLERANCE, DEFAULT_TIMEZONE
from newscrawl.extract.urls import DEFAULT_LOWERCASE_PATHS
from scrapy.settings import Settings

ROOT = Path(__file__).parents[1]
ROW = re.compile(r"^\| `(NEWSCRAWL_[A-Z_]+)` \| ([^|]*) \|", re.MULTILINE)


def documented(path: Path, section: str | None = None) -> dict[str, str]:
    text = path.read_text("utf-8")
    if section is not None:
        text = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return {name: cell.strip() for name, cell in ROW.findall(text)}


def same_default(cell: str, value: Any) -> bool:
    cell = cell.strip("`")
    if isinstance(value, bool):
        return cell == str(value)
    if isinstance(value, (int, float)):
        try:
            return float(cell) == float(value)
        except ValueError:
            return False
    return cell == (value or "(empty)")


def test_every_setting_is_in_the_readme_and_every_readme_setting_exists() -> None:
    table = documented(ROOT / "README.md", "Settings")
    assert sorted(table) == sorted(DEFAULTS)


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_readme_default_is_the_settings_default(name: str) -> None:
    cell = documented(ROOT / "README.md", "Settings")[name]
    assert same_default(cell, DEFAULTS[name]), f"README says {cell}, settings.py says {DEFAULTS[name]!r}"


def test_operations_tables_agree() -> None:
    table = documented(ROOT / "docs" / "operations.md")
    assert table, "docs/operations.md lists settings"
    for name, cell in table.items():
        assert name in DEFAULTS, name
        assert same_default(cell, DEFAULTS[name]), f"{name}: docs say {cell}, settings.py {DEFAULTS[name]!r}"


def test_library_defaults_are_the_settings_defaults() -> None:
    """Pure modules keep their own defaults for direct callers; they must match the crawl's."""
    assert settings.NEWSCRAWL_TIMEZONE == DEFAULT_TIMEZONE
    assert settings.NEWSCRAWL_DATES_FUTURE_TOLERANCE == DEFAULT_FUTURE_TOLERANCE
    assert settings.NEWSCRAWL_LOWERCASE_PATHS == DEFAULT_LOWERCASE_PATHS
    assert settings.NEWSCRAWL_DEDUP_NEAR_THRESHOLD == DEFAULT_NEAR_THRESHOLD


@pytest.mark.parametrize(
    ("name", "raw", "kwargs"),
    [("NEWSCRAWL_STATE_IGNORE", "perhaps", {}), ("NEWSCRAWL_FEED_FSYNC_ITEMS", "1.5", {}),
     ("NEWSCRAWL_STATE_FORGET_DAYS", "soon", {}), ("NEWSCRAWL_FEED_FSYNC_ITEMS", 0, {"minimum": 1}),
     ("NEWSCRAWL_DEDUP_NEAR_THRESHOLD", 0, {"above": 0.0}),
     ("NEWSCRAWL_DEGRADED_ERROR_RATIO", 1.5, {"maximum": 1.0})],
)
def test_a_bad_value_names_the_setting(name: str, raw: Any, kwargs: dict[str, Any]) -> None:
    with pytest.raises(BadSettingsError, match=f"bad setting {name}="):
        setting(Settings({name: raw}), name, **kwargs)


def test_typed_values_and_defaults() -> None:
    assert setting(Settings(), "NEWSCRAWL_FEED_FSYNC_ITEMS") == 20
    assert setting(Settings({"NEWSCRAWL_STATE_IGNORE": "true"}), "NEWSCRAWL_STATE_IGNORE") is True
    assert setting(Settings({"NEWSCRAWL_STATE_DIR": ""}), "NEWSCRAWL_STATE_DIR") == ".newscrawl-state"
    assert setting(Settings({"NEWSCRAWL_DEDUP_STORE": ""}), "NEWSCRAWL_DEDUP_STORE", empty_ok=True) == ""
    assert setting(None, "NEWSCRAWL_EXTRACT_TIMEOUT") == 60.0
