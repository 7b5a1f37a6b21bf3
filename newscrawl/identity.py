"""An article's identity: ``canonicalUrl``, ``id`` and ``fingerprint``, computed here only (pure).

The crawl (:class:`newscrawl.pipelines.identity.IdentityPipeline`), ``newscrawl extract``
(:func:`newscrawl.processing.process_page`) and the rebuilding of duplicate-index entries for a
killed run's recovered lines all call :func:`identify`, so one page gets one id everywhere.

The canonical URL is the page's declared ``rel=canonical`` (resolved against the fetched URL and
normalised by :func:`~newscrawl.extract.urls.canonicalize_url`) when it is usable, else the
fetched URL, normalised. A declared canonical is ignored when it does not parse, points to
another site, or points at the home page from an article (a CMS pointing every page there would
otherwise make every article a copy of the first). ``id`` is a hash of the canonical URL;
``fingerprint`` a hash of the normalised body.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from newscrawl.extract.fingerprint import content_fingerprint
from newscrawl.extract.urls import DEFAULT_LOWERCASE_PATHS, article_id, canonicalize_url, same_site

#: why a declared canonical URL was not used (stats keys ``newscrawl/duplicates/<reason>``)
CANONICAL_INVALID = "canonical_invalid"
CANONICAL_OFFSITE = "canonical_offsite"
CANONICAL_ROOT = "canonical_root"


@dataclass(frozen=True)
class Identity:
    """Who an article is: the exported ``canonicalUrl``, ``id``, ``fingerprint``, plus the fetched
    URL in canonical form (a second key duplicate detection knows the article by)."""

    canonical_url: str
    id: str
    fingerprint: str
    fetched_url: str
    #: why the page's declared canonical URL was not used, if it declared one that was not
    rejected_canonical: str | None = None


def canonical_url(
    fetched: str, declared: object, *, lowercase_paths: bool = DEFAULT_LOWERCASE_PATHS
) -> tuple[str, str | None]:
    """The canonical URL of a page fetched at ``fetched`` (already canonical) declaring ``declared``.

    Returns the URL and, when a declared canonical was ignored, why (``CANONICAL_*``).
    """
    if not declared or not isinstance(declared, str):
        return fetched, None
    try:
        canonical = canonicalize_url(urljoin(fetched, declared.strip()), lowercase_path=lowercase_paths)
    except ValueError:
        return fetched, CANONICAL_INVALID
    if not same_site(canonical, fetched):
        return fetched, CANONICAL_OFFSITE
    if urlsplit(canonical).path == "/" and urlsplit(fetched).path != "/":
        return fetched, CANONICAL_ROOT
    return canonical, None


def identify(
    url: object,
    declared_canonical: object,
    body: object,
    *,
    lowercase_paths: bool = DEFAULT_LOWERCASE_PATHS,
    local_files: bool = False,
) -> Identity:
    """The identity of the page fetched at ``url`` declaring ``declared_canonical``.

    Raises ``ValueError`` when ``url`` is not an absolute http(s) URL; with ``local_files`` a
    ``file:`` URL (a saved page without an absolute canonical link) is its own canonical URL.
    """
    if not isinstance(url, str):
        raise ValueError(f"not a URL: {url!r}")
    fingerprint = content_fingerprint(body if isinstance(body, str) else "")
    if local_files and urlsplit(url).scheme == "file":
        return Identity(url, article_id(url), fingerprint, url)
    fetched = canonicalize_url(url, lowercase_path=lowercase_paths)
    canonical, rejected = canonical_url(fetched, declared_canonical, lowercase_paths=lowercase_paths)
    return Identity(canonical, article_id(canonical), fingerprint, fetched, rejected)
