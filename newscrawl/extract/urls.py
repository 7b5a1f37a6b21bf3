"""URL canonicalisation and article ids (pure: no Scrapy, no I/O).

One article can be reached under many URLs: tracking parameters (``utm_*``,
``fbclid``...), a trailing slash, upper-case letters, default ports, fragments,
AMP and print variants. :func:`canonicalize_url` maps all of them to one string
so that duplicate detection can key on it and :func:`article_id` is stable
across runs.

Path case: CancerNetwork's slugs (``/view/<slug>``) are lower-case and the site
answers the same article for any case, so lower-casing paths folds ``/view/Foo``
into ``/view/foo``. On other sites paths are case-sensitive (RFC 3986: only the
scheme and host are case-insensitive; ``/wiki/Apple`` and ``/wiki/apple`` may be
different pages), so lower-casing is an argument, ``lowercase_path``, whose
default mirrors the spider setting ``NEWSCRAWL_LOWERCASE_PATHS`` (default True for
this site). Only the path is lower-cased, never the query, and percent-escapes
keep their meaning.
"""

from __future__ import annotations

import hashlib
import logging
import re
from urllib.parse import SplitResult, parse_qsl, urlsplit, urlunsplit

from w3lib.url import canonicalize_url as _w3lib_canonicalize_url

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_LOWERCASE_PATHS",
    "TRACKING_PARAMS",
    "TRACKING_PREFIXES",
    "article_id",
    "canonicalize_url",
    "is_tracking_param",
    "registrable_domain",
    "same_site",
    "url_key",
]

#: Default for ``lowercase_path``; the pipeline passes ``NEWSCRAWL_LOWERCASE_PATHS``.
DEFAULT_LOWERCASE_PATHS = True

#: Query parameter names (compared case-insensitively) that only track clicks.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        # ad / click ids
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
        "twclid", "ttclid", "li_fat_id", "igshid", "srsltid", "rb_clickid",
        # mail / marketing automation
        "mc_cid", "mc_eid", "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp",
        "hsctatracking", "mkt_tok", "_ke", "ck_subscriber_id", "vero_id", "vero_conv",
        "oly_anon_id", "oly_enc_id",
        # analytics / campaign ids
        "_ga", "_gl", "cmpid", "s_cid", "icid", "ncid", "ocid", "spm", "sr_share",
        # social embeds
        "ref_src", "ref_url",
    }
)
#: Parameter name prefixes that only track (``utm_source``, ``pk_campaign``...).
TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "pk_", "mtm_", "hmb_")

# ``ref`` is a referral tag on news sites (``?ref=rss``, ``?ref=homepage``) but a
# real argument elsewhere (a path, a URL, a record reference). Drop it only when
# its value is a short plain token; keep anything with ``/``, ``:``, ``=`` etc.
_REF_TOKEN_RE = re.compile(r"^[A-Za-z0-9_.\-]{0,40}$")

# AMP / print variants expressed in the query string.
_VARIANT_VALUES = frozenset({"amp", "print", "printable"})
_TRUE_VALUES = frozenset({"", "1", "true", "yes", "y", "on"})
# AMP / print variants expressed as the last path segment(s).
_VARIANT_SEGMENTS = frozenset({"amp", "print"})

_DEFAULT_PORTS = {"http": "80", "https": "443"}
_ESCAPE_OR_CHAR_RE = re.compile(r"%[0-9A-Fa-f]{2}|[^%]+|%")


def is_tracking_param(name: str, value: str = "") -> bool:
    """True when query parameter ``name=value`` only tracks and can be dropped."""
    low = name.lower()
    if low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES):
        return True
    if low == "ref":
        return bool(_REF_TOKEN_RE.match(value))
    return False


def _is_variant_param(name: str, value: str) -> bool:
    """True for ``?amp``, ``?amp=1``, ``?output=amp``, ``?print=true``, ``?view=print``..."""
    low = name.lower()
    val = value.strip().lower()
    if low == "amp":
        return val in _TRUE_VALUES or val == "amp"
    if low in {"print", "printable"}:
        return val in _TRUE_VALUES
    if low in {"output", "outputtype", "format", "view", "mode"}:
        return val in _VARIANT_VALUES
    return False


def _keep_query_pair(pair: str) -> bool:
    """Decide on one raw ``name=value`` pair; its original encoding is kept when kept."""
    decoded = parse_qsl(pair, keep_blank_values=True)
    if not decoded:
        return True
    name, value = decoded[0]
    return not is_tracking_param(name, value) and not _is_variant_param(name, value)


def _lower_path(path: str) -> str:
    """Lower-case a path's characters but not its percent-escapes (``%2F`` stays ``%2F``)."""
    return "".join(
        part if part.startswith("%") else part.lower()
        for part in _ESCAPE_OR_CHAR_RE.findall(path)
    )


def _strip_variant_segments(path: str) -> str:
    """Remove trailing slashes and ``/amp``, ``/print``, ``.amp`` endings, keeping >= 1 segment."""
    segments = path.split("/")[1:] if path.startswith("/") else path.split("/")
    while True:
        while segments and segments[-1] == "":
            segments.pop()
        last = segments[-1].lower() if segments else ""
        if len(segments) >= 2 and last in _VARIANT_SEGMENTS:
            segments.pop()
        elif len(last) > 4 and last.endswith(".amp"):
            segments[-1] = segments[-1][: -len(".amp")]
        else:
            break
    return "/" + "/".join(segments)


def canonicalize_url(url: str, *, lowercase_path: bool = DEFAULT_LOWERCASE_PATHS) -> str:
    """Return the canonical form of an absolute http(s) URL.

    Lower-cases scheme and host, drops default ports, fragments, tracking
    parameters and AMP/print markers (``/amp``, ``/print``, ``?amp``,
    ``?output=amp``, ``?print=true``), sorts the remaining parameters,
    normalises percent-encoding and dot-segments (via w3lib), strips a trailing
    slash on paths other than ``/`` and, when ``lowercase_path`` is true,
    lower-cases the path (see the module docstring for why this is optional).
    Idempotent. Raises ``ValueError`` for anything that is not an absolute
    http(s) URL.

    Remembered (up to ``_CANONICAL_CACHE_SIZE`` URLs, then forgotten at once): a crawl asks
    for the same URLs again and again (when discovered, when identified, when deduplicated).
    """
    key = (url, lowercase_path)
    found = _CANONICAL_CACHE.get(key)
    if found is None:
        found = _canonicalize_url(url, lowercase_path)
        if len(_CANONICAL_CACHE) >= _CANONICAL_CACHE_SIZE:
            _CANONICAL_CACHE.clear()
        _CANONICAL_CACHE[key] = _CANONICAL_CACHE[(found, lowercase_path)] = found  # idempotent
    return found


_CANONICAL_CACHE: dict[tuple[str, bool], str] = {}
_CANONICAL_CACHE_SIZE = 65536


def _canonicalize_url(url: str, lowercase_path: bool) -> str:
    if not isinstance(url, str):
        raise TypeError(f"url must be str, not {type(url).__name__}")
    raw = url.strip()
    if not raw:
        raise ValueError("empty URL")
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    if not parts.hostname:
        raise ValueError(f"URL has no host: {url!r}")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"bad port in URL {url!r}: {exc}") from None

    host = parts.hostname.rstrip(".").lower()
    if not host:
        raise ValueError(f"URL has no host: {url!r}")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host
    if port is not None and str(port) != _DEFAULT_PORTS[scheme]:
        netloc = f"{host}:{port}"

    path = parts.path or "/"
    if lowercase_path:
        path = _lower_path(path)
    path = _strip_variant_segments(path)

    query = "&".join(
        pair for pair in parts.query.split("&") if pair and _keep_query_pair(pair)
    )

    rebuilt = urlunsplit((scheme, netloc, path, query, ""))
    canonical = _w3lib_canonicalize_url(rebuilt, keep_fragments=False)
    # w3lib may re-add "/" for an empty path and keeps a trailing slash: strip it
    # again (its dot-segment removal can also expose a new one).
    c_parts = urlsplit(canonical)
    c_path = c_parts.path
    if len(c_path) > 1 and c_path.endswith("/"):
        c_path = c_path.rstrip("/") or "/"
    return urlunsplit((c_parts.scheme, c_parts.netloc, c_path or "/", c_parts.query, ""))


def url_key(canonical_url: str) -> str:
    """Scheme-less lookup key of a canonical URL: ``http://`` and ``https://`` are one page."""
    _, _, rest = canonical_url.partition("://")
    return "//" + rest


_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "gob", "or", "ne", "go"})
_IP_RE = re.compile(r"^[\d.]+$|^\[?[0-9a-f:]+\]?$")


def registrable_domain(host: str | None) -> str:
    """Approximate registrable domain (eTLD+1) without a public-suffix list: the last two labels,
    three for ``example.co.uk``-style names; IPs and single labels are returned whole."""
    host = (host or "").lower().strip().rstrip(".")
    if not host or _IP_RE.match(host):
        return host
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def same_site(url_a: str, url_b: str) -> bool:
    """True when two absolute http(s) URLs share a registrable domain and port.

    ``www.cancernetwork.com`` and ``cancernetwork.com`` are one site; ``targetedonc.com`` (a
    sister site on the same platform) is another, and so is another port of ``127.0.0.1``.
    """
    try:
        a, b = urlsplit(url_a), urlsplit(url_b)
        ports = [_effective_port(a), _effective_port(b)]
    except ValueError:
        return False
    if a.scheme not in ("http", "https") or b.scheme not in ("http", "https"):
        return False
    return (bool(a.hostname) and registrable_domain(a.hostname) == registrable_domain(b.hostname)
            and ports[0] == ports[1])


def _effective_port(parts: SplitResult) -> int | None:
    """The explicit port, None when absent or the scheme's default (scheme-insensitive)."""
    port = parts.port
    return None if port is None or str(port) in _DEFAULT_PORTS.values() else port


def article_id(canonical_url: str) -> str:
    """Stable article id: first 16 hex digits of sha1 of the canonical URL (UTF-8)."""
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:16]
