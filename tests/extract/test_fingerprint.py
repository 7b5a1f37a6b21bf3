"""Unit tests of body normalisation, content fingerprints and MinHash signatures."""

from __future__ import annotations

import numpy as np
import pytest
from newscrawl.extract.fingerprint import (
    MinHashSignature,
    body_fingerprints,
    content_fingerprint,
    near_dup_signature,
    normalize_text,
    shingle_hashes,
)

# The seed's abstract (published under two titles on the live site).
ABSTRACT = (
    "The recommended primary treatment approach for women with metastatic breast cancer and an "
    "intact primary tumor is the use of systemic therapy. Local therapy of the primary tumor is "
    "recommended only for palliation of symptoms. However, a series of retrospective studies "
    "examining practice patterns for this problem show that about half the women presenting with "
    "de novo metastatic disease undergo resection of the primary tumor, and suggest that women so "
    "treated survive longer than those who do not undergo resection of the intact primary. In "
    "analyses that adjust for tumor burden (number of metastatic sites), types of metastases "
    "(visceral, nonvisceral), and the use of systemic therapy, the hazard ratio for death is "
    "reduced by 40% to 50% in women receiving surgical treatment of the primary tumor."
    "\n\n"
    "The benefit of surgical treatment appears to be confined to women whose tumors were "
    "resected with free margins. However, these results may simply reflect a selection bias (ie, "
    "younger, healthier women with a smaller tumor burden are more likely to receive surgical "
    "treatment). In addition, the role of other locoregional therapy such as axillary dissection "
    "and radiotherapy is not addressed in these studies. In view of these data, the role of local "
    "therapy in women with stage IV breast cancer needs to be reevaluated, and local therapy plus "
    "systemic therapy should be compared to systemic therapy alone in a randomized trial."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello,   World!", "hello world"),
        ("  Line one.\n\nLine two.\t", "line one line two"),
        ("HER2-positive", "her2 positive"),
        ("\u201cQuoted\u201d \u2014 text\u2026", "quoted text"),
        ('"Quoted" -- text...', "quoted text"),
        ("ﬁne ＦＵＬＬＷＩＤＴＨ", "fine fullwidth"),  # NFKC: ligature, full-width letters
        ("Stra\u00dfe", "strasse"),  # casefold, not just lower
        ("can\u00adcer zero\u200bwidth\ufeff", "cancer zerowidth"),  # invisible format chars vanish
        ("snake_case", "snake case"),
        ("40% to 50%, P < .001", "40 to 50 p 001"),
        ("", ""),
        ("...", ""),
    ],
)
def test_normalize_text(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


def test_normalize_text_is_idempotent() -> None:
    once = normalize_text(ABSTRACT)
    assert normalize_text(once) == once


@pytest.mark.parametrize(
    "variant",
    [
        ABSTRACT.upper(),
        ABSTRACT.replace("\n\n", "\n"),
        ABSTRACT.replace("\n\n", " "),
        "  " + ABSTRACT.replace(" ", "  ") + "\n",
        ABSTRACT.replace("(", "[").replace(")", "]"),
        ABSTRACT.replace("ie, younger", "ie \u2014 younger"),
    ],
)
def test_fingerprint_equal_after_normalisation(variant: str) -> None:
    assert content_fingerprint(variant) == content_fingerprint(ABSTRACT)


@pytest.mark.parametrize(
    "variant",
    [
        ABSTRACT.replace("40% to 50%", "30% to 50%"),
        ABSTRACT.replace("randomized", "randomised"),
        ABSTRACT + " One added sentence.",
        ABSTRACT[:-10],
    ],
)
def test_fingerprint_differs_on_word_change(variant: str) -> None:
    assert content_fingerprint(variant) != content_fingerprint(ABSTRACT)


def test_fingerprint_is_sha1_hex_and_stable() -> None:
    fp = content_fingerprint(ABSTRACT)
    assert len(fp) == 40 and int(fp, 16) >= 0
    # stable across processes and versions: hash of the normalised text only
    assert content_fingerprint("Hello, world!") == "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"


def test_shingles_of_short_and_empty_text() -> None:
    assert shingle_hashes("").size == 0
    assert shingle_hashes("two words").size == 1
    assert shingle_hashes("one two three four five").size == 1
    assert shingle_hashes("one two three four five six").size == 2
    # word order matters inside a shingle
    assert not np.array_equal(shingle_hashes("a b c d e"), shingle_hashes("e d c b a"))
    # repeated shingles count once
    assert shingle_hashes("a b c d e a b c d e a b c d e").size == 5


def _exact_jaccard(a: str, b: str) -> float:
    sa, sb = set(shingle_hashes(a).tolist()), set(shingle_hashes(b).tolist())
    return len(sa & sb) / len(sa | sb)


@pytest.mark.parametrize(
    "other",
    [
        ABSTRACT,
        ABSTRACT.replace("randomized", "randomised"),
        ABSTRACT + " This sentence was added to the abstract by an editor after publication.",
        ABSTRACT[: len(ABSTRACT) // 2],
        "Completely different text about immunotherapy in lung cancer and its adverse events over time.",
    ],
)
def test_minhash_estimates_jaccard(other: str) -> None:
    sig_a, sig_b = near_dup_signature(ABSTRACT), near_dup_signature(other)
    exact = _exact_jaccard(ABSTRACT, other)
    # 120 permutations: standard error <= 0.046; allow ~3.5 standard errors
    assert abs(sig_a.jaccard(sig_b) - exact) <= 0.16
    assert sig_a.jaccard(sig_b) == sig_b.jaccard(sig_a)


def test_signature_is_deterministic_and_round_trips() -> None:
    sig = near_dup_signature(ABSTRACT)
    assert sig == near_dup_signature(ABSTRACT)
    assert sig.num_perm == 120 and sig.values.dtype == np.uint32 and len(sig.to_bytes()) == 480
    back = MinHashSignature.from_bytes(sig.to_bytes(), sig.size)
    assert back == sig and back.jaccard(sig) == 1.0
    with pytest.raises(ValueError):
        MinHashSignature.from_bytes(b"abc", 1)


def test_empty_signature_matches_nothing() -> None:
    empty = near_dup_signature("")
    assert empty.size == 0
    assert empty.jaccard(near_dup_signature("")) == 0.0
    assert empty.jaccard(near_dup_signature(ABSTRACT)) == 0.0
    assert empty.band_keys(24) == []


def test_band_keys() -> None:
    sig = near_dup_signature(ABSTRACT)
    keys = sig.band_keys(24)
    assert len(keys) == 24 and len(set(keys)) == 24
    assert all(0 <= k < 2**63 for k in keys)
    assert keys == near_dup_signature(ABSTRACT.upper()).band_keys(24)
    # a small edit keeps most bands (this is how LSH finds the candidate)
    edited = near_dup_signature(ABSTRACT.replace("randomized", "randomised")).band_keys(24)
    assert len(set(keys) & set(edited)) >= 6
    with pytest.raises(ValueError):
        sig.band_keys(7)


def test_mismatched_signature_lengths_raise() -> None:
    with pytest.raises(ValueError):
        near_dup_signature(ABSTRACT).jaccard(near_dup_signature(ABSTRACT, num_perm=64))


def test_body_fingerprints_agree_with_single_functions() -> None:
    fps = body_fingerprints(ABSTRACT)
    assert fps.fingerprint == content_fingerprint(ABSTRACT)
    assert fps.signature == near_dup_signature(ABSTRACT)
    assert fps.word_count == len(normalize_text(ABSTRACT).split())


def test_jaccard_many_matches_pairwise() -> None:
    sig = near_dup_signature(ABSTRACT)
    others = [
        near_dup_signature(ABSTRACT),
        near_dup_signature(ABSTRACT.replace("randomized", "randomised")),
        near_dup_signature("Completely different text about immunotherapy in lung cancer today."),
        near_dup_signature(""),
    ]
    assert sig.jaccard_many(others).tolist() == [sig.jaccard(o) for o in others]
    assert sig.jaccard_many([]).size == 0
    assert near_dup_signature("").jaccard_many(others).tolist() == [0.0] * 4
