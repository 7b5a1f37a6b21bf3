"""An article's identity (pure): canonical URL rules, id, fingerprint; one function for all callers."""

from __future__ import annotations

import pytest
from newscrawl.extract.fingerprint import content_fingerprint
from newscrawl.extract.urls import article_id
from newscrawl.identity import CANONICAL_INVALID, CANONICAL_OFFSITE, CANONICAL_ROOT, identify

SITE = "https://www.cancernetwork.com"
BODY = "One paragraph of an article.\n\nAnother one."


def test_identity_fields() -> None:
    identity = identify(SITE + "/view/Some-Slug/?utm_source=rss#x", "/view/some-slug/amp", BODY)
    assert identity.canonical_url == SITE + "/view/some-slug"
    assert identity.id == article_id(SITE + "/view/some-slug")
    assert identity.fingerprint == content_fingerprint(BODY)
    assert identity.rejected_canonical is None


@pytest.mark.parametrize(
    ("declared", "expected", "rejected"),
    [
        ("https://www.targetedonc.com/view/x", SITE + "/view/page", CANONICAL_OFFSITE),
        (SITE + "/", SITE + "/view/page", CANONICAL_ROOT),
        ("mailto:editor@example.org", SITE + "/view/page", CANONICAL_INVALID),
        ("http://[bad", SITE + "/view/page", CANONICAL_INVALID),
        ("/view/other-slug", SITE + "/view/other-slug", None),
        ("http://cancernetwork.com/view/other-slug/", "http://cancernetwork.com/view/other-slug", None),
        ("", SITE + "/view/page", None),
        (None, SITE + "/view/page", None),
    ],
)
def test_declared_canonical_is_checked(declared: str | None, expected: str, rejected: str | None) -> None:
    identity = identify(SITE + "/view/page", declared, BODY)
    assert (identity.canonical_url, identity.rejected_canonical) == (expected, rejected)


def test_path_case_follows_the_setting() -> None:
    assert identify(SITE + "/view/Case", None, BODY).canonical_url == SITE + "/view/case"
    assert identify(SITE + "/view/Case", None, BODY, lowercase_paths=False).canonical_url == SITE + "/view/Case"


@pytest.mark.parametrize("url", ["not a url", None, "file:///tmp/page.html", "ftp://example.org/x"])
def test_unusable_url_is_an_error(url: object) -> None:
    with pytest.raises(ValueError):
        identify(url, None, BODY)


def test_a_saved_page_is_its_own_file_url_when_asked() -> None:
    identity = identify("file:///tmp/page.html", "/view/x", BODY, local_files=True)
    assert identity.canonical_url == "file:///tmp/page.html"
    assert identity.id == article_id("file:///tmp/page.html")
    # an http(s) URL follows the crawl's rules even then
    assert identify(SITE + "/view/a", "/view/b", BODY, local_files=True).canonical_url == SITE + "/view/b"


def test_missing_or_odd_body_has_the_empty_fingerprint() -> None:
    assert identify(SITE + "/view/a", None, None).fingerprint == content_fingerprint("")
    assert identify(SITE + "/view/a", None, 42).fingerprint == content_fingerprint("")
