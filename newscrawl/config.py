"""Typed ``NEWSCRAWL_*`` settings: every component reads its settings through :func:`setting`.

The default of every ``NEWSCRAWL_*`` setting is declared once, in :mod:`newscrawl.settings`; a
crawler whose settings lack one (a test's ``get_crawler()``, a user's own settings module) gets
that default here. The value is converted to the type of its default and checked against the
bounds the caller gives; a bad value raises :class:`BadSettingsError` naming the setting, which
``newscrawl crawl`` and ``scrapy crawl`` turn into exit code 2.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from scrapy.settings import default_settings as scrapy_defaults

from newscrawl import settings as project_settings

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

#: every NEWSCRAWL_ setting and its default, from newscrawl/settings.py
DEFAULTS: dict[str, Any] = {
    name: value for name, value in vars(project_settings).items() if name.startswith("NEWSCRAWL_")
}


class BadSettingsError(ValueError):
    """A NEWSCRAWL_ setting or a spider argument has an invalid value (exit code 2)."""


def _bad(name: str, raw: Any, expected: str) -> BadSettingsError:
    return BadSettingsError(f"bad setting {name}={raw!r}: {expected}")


def _convert(name: str, raw: Any, kind: type) -> Any:
    """``raw`` as a value of ``kind`` (bool, int, float or str), read as Scrapy's getters read it."""
    if kind is bool:
        try:
            return bool(int(raw))
        except (TypeError, ValueError):
            if raw in ("True", "true"):
                return True
            if raw in ("False", "false"):
                return False
        raise _bad(name, raw, "expected True or False")
    if kind in (int, float):
        try:
            return kind(raw)
        except (TypeError, ValueError):
            raise _bad(name, raw, "expected a whole number" if kind is int else "expected a number") from None
    return str(raw)


def setting(
    settings: BaseSettings | None,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    above: float | None = None,
    check: Callable[[Any], Any] | None = None,
    empty_ok: bool = False,
) -> Any:
    """The value of ``name``, typed like its default in :mod:`newscrawl.settings` and validated.

    ``minimum``/``maximum`` are inclusive bounds, ``above`` an exclusive lower bound; ``check``
    may convert the value further and raises ``ValueError`` (its message says what was
    expected) when it is not acceptable. An empty string means the default (``-s NAME=``) unless
    ``empty_ok``. Raises :class:`BadSettingsError` naming the setting.
    """
    default = DEFAULTS[name]  # KeyError: a NEWSCRAWL_ setting without a default in settings.py
    raw = default if settings is None else settings.get(name, default)
    if raw is None or (isinstance(default, str) and not str(raw).strip() and not empty_ok):
        raw = default
    value = _convert(name, raw, type(default))
    if minimum is not None and value < minimum:
        raise _bad(name, raw, f"must be >= {minimum:g}")
    if maximum is not None and value > maximum:
        raise _bad(name, raw, f"must be <= {maximum:g}")
    if above is not None and value <= above:
        raise _bad(name, raw, f"must be > {above:g}")
    if check is not None:
        try:
            value = check(value)
        except ValueError as exc:
            raise _bad(name, raw, str(exc)) from None
    return value


def get_bool(settings: BaseSettings | None, name: str) -> bool:
    return bool(setting(settings, name))


def get_int(settings: BaseSettings | None, name: str, *, minimum: int | None = None) -> int:
    return int(setting(settings, name, minimum=minimum))


def get_float(
    settings: BaseSettings | None,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    above: float | None = None,
) -> float:
    return float(setting(settings, name, minimum=minimum, maximum=maximum, above=above))


def get_ratio(settings: BaseSettings | None, name: str) -> float:
    """A share in [0, 1]."""
    return get_float(settings, name, minimum=0.0, maximum=1.0)


def get_str(settings: BaseSettings | None, name: str, *, empty_ok: bool = False) -> str:
    return str(setting(settings, name, empty_ok=empty_ok))


#: Scrapy settings whose values make no sense below a minimum (inclusive), and whether Scrapy
#: reads them as whole numbers. The others are checked for their type only (a few, such as
#: DEPTH_PRIORITY, may be negative; Scrapy reads some whole-number defaults as floats).
SCRAPY_MINIMUMS: dict[str, tuple[float, bool]] = {
    "CONCURRENT_REQUESTS": (1, True),
    "CONCURRENT_REQUESTS_PER_DOMAIN": (1, True),
    "CONCURRENT_ITEMS": (1, True),
    "DOWNLOAD_MAXSIZE": (0, True),
    "DOWNLOAD_WARNSIZE": (0, True),
    "RETRY_TIMES": (0, True),
    "REDIRECT_MAX_TIMES": (0, True),
    "CLOSESPIDER_ITEMCOUNT": (0, True),
    "CLOSESPIDER_PAGECOUNT": (0, True),
    "CLOSESPIDER_ERRORCOUNT": (0, True),
    "MEMUSAGE_LIMIT_MB": (0, True),
    "DOWNLOAD_DELAY": (0, False),
    "DOWNLOAD_TIMEOUT": (0, False),
    "CLOSESPIDER_TIMEOUT": (0, False),
}


def check_scrapy_settings(settings: BaseSettings) -> None:
    """Check Scrapy's own typed settings (``-s DOWNLOAD_MAXSIZE=abc``) before the crawl starts.

    Scrapy reads them deep inside its components and fails with a bare ``ValueError`` that does
    not say which setting was wrong; this raises :class:`BadSettingsError` naming it instead.
    Each Scrapy setting whose default is a number or a boolean must convert to that type.
    """
    for name, default in vars(scrapy_defaults).items():
        if not name.isupper() or type(default) not in (bool, int, float) or name not in settings:
            continue
        raw = settings.get(name)
        if raw is None:
            continue
        minimum, whole = SCRAPY_MINIMUMS.get(name, (None, False))
        if type(default) is bool:
            _convert(name, raw, bool)
            continue
        value = _convert(name, raw, int if whole else float)
        if minimum is not None and value < minimum:
            raise _bad(name, raw, f"must be >= {minimum:g}")
