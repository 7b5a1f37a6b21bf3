"""Body normalisation, exact content fingerprints and near-duplicate signatures (pure).

* :func:`normalize_text` folds away differences that do not change what an
  article says (case, Unicode compatibility forms, punctuation, whitespace,
  invisible format characters), so the same body re-published under another
  title or with other quotes/dashes hashes the same.
* :func:`content_fingerprint` is the SHA-1 hex of the normalised text: the
  exact-duplicate key, stable across runs and Python versions.
* :func:`near_dup_signature` is a MinHash of the set of word 5-shingles. The
  fraction of equal slots between two signatures estimates the Jaccard
  similarity of the shingle sets; LSH band keys (:meth:`MinHashSignature.band_keys`)
  find candidates without comparing against every article. Why MinHash over
  word 5-shingles (and not SimHash), and the threshold, were chosen by
  measurement on the twin: see ``docs/dedup.md`` and ``benchmarks/dedup_threshold.py``.

Everything here is deterministic across processes: hashes come from xxhash
and SHA-256-derived constants, never from Python's randomised ``hash()``.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import xxhash

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_NUM_PERM",
    "DEFAULT_SHINGLE_SIZE",
    "BodyFingerprints",
    "body_fingerprints",
    "minhash",
    "MinHashSignature",
    "content_fingerprint",
    "near_dup_signature",
    "normalize_text",
    "shingle_hashes",
    "words",
]

DEFAULT_NUM_PERM = 120
DEFAULT_SHINGLE_SIZE = 5

_NON_WORD_RE = re.compile(r"[^\w\s]+")
_U64 = np.uint64
_MASK64 = (1 << 64) - 1


# Invisible format characters (Unicode category Cf) that break words when
# turned into spaces: soft hyphen, zero-width space/joiners, direction marks, BOM...
_FORMAT_CHARS_RE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


@lru_cache(maxsize=4)
def normalize_text(text: str) -> str:
    """Normalise text for hashing: NFKC, casefold, drop punctuation and invisible chars, collapse whitespace.

    Punctuation becomes a space (so ``HER2-positive`` and ``HER2 positive`` agree,
    and curly vs straight quotes never matter); ``_`` counts as punctuation too.
    Idempotent. ``None`` is treated as empty. The last few results are remembered: a crawl's
    identity and duplicate steps normalise the same body one after the other.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = _FORMAT_CHARS_RE.sub("", text).casefold()
    text = _NON_WORD_RE.sub(" ", text).replace("_", " ")
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """The normalised words of ``text``."""
    return normalize_text(text).split()


def content_fingerprint(text: str) -> str:
    """Hex SHA-1 of the normalised text: equal for bodies equal after :func:`normalize_text`."""
    return _sha1_hex(normalize_text(text))


def _sha1_hex(normalized: str) -> str:
    return hashlib.sha1(normalized.encode("utf-8")).hexdigest()


def _const64(label: str, i: int) -> int:
    return int.from_bytes(hashlib.sha256(f"newscrawl/{label}/{i}".encode()).digest()[:8], "little")


@lru_cache(maxsize=16)
def _perm_params(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """Odd multipliers and offsets of the multiply-add-shift hash family, one pair per permutation."""
    a = np.array([_const64("minhash-a", i) | 1 for i in range(num_perm)], dtype=_U64)
    b = np.array([_const64("minhash-b", i) for i in range(num_perm)], dtype=_U64)
    return a, b


@lru_cache(maxsize=16)
def _shingle_mults(size: int) -> np.ndarray:
    return np.array([_const64("shingle", i) | 1 for i in range(size)], dtype=_U64)


@lru_cache(maxsize=16)
def _band_mults(rows: int) -> np.ndarray:
    return np.array([_const64("band", i) | 1 for i in range(rows)], dtype=_U64)


def _mix64(x: np.ndarray) -> np.ndarray:
    """Murmur3 64-bit finaliser, vectorised (uint64 arithmetic wraps modulo 2**64)."""
    x = x ^ (x >> _U64(33))
    x = x * _U64(0xFF51AFD7ED558CCD)
    x = x ^ (x >> _U64(33))
    x = x * _U64(0xC4CEB9FE1A85EC53)
    return x ^ (x >> _U64(33))


def shingle_hashes(text: str, *, shingle_size: int = DEFAULT_SHINGLE_SIZE) -> np.ndarray:
    """Sorted unique 64-bit hashes of the word ``shingle_size``-grams of the normalised text.

    A text shorter than one shingle yields one shingle of all its words; an
    empty text yields an empty array.
    """
    return _shingle_hashes_of_words(normalize_text(text).split(), shingle_size)


def _shingle_hashes_of_words(toks: list[str], shingle_size: int) -> np.ndarray:
    if not toks:
        return np.empty(0, dtype=_U64)
    intdigest = xxhash.xxh3_64_intdigest
    word_h = np.fromiter((intdigest(t.encode()) for t in toks), dtype=_U64, count=len(toks))
    k = min(shingle_size, len(toks))
    n = len(toks) - k + 1
    mults = _shingle_mults(shingle_size)
    with np.errstate(over="ignore"):
        acc = np.zeros(n, dtype=_U64)
        for j in range(k):
            # position-dependent multipliers: the same words in another order differ
            acc = acc + word_h[j : j + n] * mults[j]
        acc = _mix64(acc + _U64(k))
    # sort + mask: several times faster than np.unique's hash path on small arrays
    acc.sort()
    if acc.size > 1:
        keep = np.empty(acc.size, dtype=bool)
        keep[0] = True
        np.not_equal(acc[1:], acc[:-1], out=keep[1:])
        acc = acc[keep]
    return acc


@dataclass(frozen=True, eq=False, slots=True)
class MinHashSignature:
    """MinHash of a shingle set: value ``i`` = min over shingles of permutation ``i``.

    Kept as little-endian uint32 bytes (compact, and many signatures can be
    compared in one numpy operation after ``b"".join``). ``size`` is the number
    of distinct shingles (0 for an empty text, whose signature matches nothing).
    """

    data: bytes
    size: int

    @property
    def values(self) -> np.ndarray:
        """The values as a read-only uint32 array."""
        return np.frombuffer(self.data, dtype="<u4")

    @property
    def num_perm(self) -> int:
        return len(self.data) // 4

    def jaccard(self, other: MinHashSignature) -> float:
        """Estimated Jaccard similarity of the two shingle sets (0.0 if either is empty)."""
        if self.size == 0 or other.size == 0:
            return 0.0
        if len(other.data) != len(self.data):
            raise ValueError(f"signatures differ in length: {self.num_perm} vs {other.num_perm}")
        return float(np.count_nonzero(self.values == other.values)) / self.num_perm

    def jaccard_many(self, others: list[MinHashSignature]) -> np.ndarray:
        """:meth:`jaccard` against each of ``others`` in one vectorised pass (same lengths required)."""
        if not others:
            return np.empty(0)
        n = self.num_perm
        if any(len(o.data) != len(self.data) for o in others):
            raise ValueError("signatures differ in length")
        matrix = np.frombuffer(b"".join(o.data for o in others), dtype="<u4").reshape(len(others), n)
        sims = np.count_nonzero(matrix == self.values, axis=1) / n
        if self.size == 0:
            return np.zeros(len(others))
        sims[[o.size == 0 for o in others]] = 0.0
        return sims

    def band_keys(self, bands: int) -> list[int]:
        """LSH keys, one per band of ``num_perm // bands`` rows, as non-negative 63-bit ints.

        Two signatures share band ``i``'s key (almost surely) iff they agree on all
        rows of band ``i``. Keys embed the band number, so one flat table serves
        all bands, and fit SQLite's signed INTEGER.
        """
        if bands <= 0 or self.num_perm % bands:
            raise ValueError(f"bands={bands} must divide num_perm={self.num_perm}")
        if self.size == 0:
            return []
        rows = self.num_perm // bands
        table = self.values.astype(_U64).reshape(bands, rows)
        with np.errstate(over="ignore"):
            acc = (table * _band_mults(rows)).sum(axis=1, dtype=_U64)
            acc = _mix64(acc + np.arange(1, bands + 1, dtype=_U64) * _U64(0x9E3779B97F4A7C15))
        return (acc >> _U64(1)).tolist()

    def to_bytes(self) -> bytes:
        """Portable form: little-endian uint32 values (the size travels separately)."""
        return self.data

    @classmethod
    def from_bytes(cls, data: bytes, size: int) -> MinHashSignature:
        if len(data) % 4 or not data:
            raise ValueError(f"signature bytes length {len(data)} is not a positive multiple of 4")
        return cls(bytes(data), int(size))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MinHashSignature):
            return NotImplemented
        return self.size == other.size and self.data == other.data

    def __hash__(self) -> int:
        return hash((self.size, self.data))


def minhash(hashes: np.ndarray, *, num_perm: int = DEFAULT_NUM_PERM) -> MinHashSignature:
    """MinHash of an array of 64-bit shingle hashes (multiply-add-shift permutations)."""
    if hashes.size == 0:
        return MinHashSignature(np.full(num_perm, 0xFFFFFFFF, dtype="<u4").tobytes(), 0)
    a, b = _perm_params(num_perm)
    # Dietzfelbinger's multiply-add-shift: strongly universal for 32-bit keys
    # with 64-bit arithmetic, so feed it the top 32 bits of the shingle hashes.
    keys = hashes >> _U64(32)
    with np.errstate(over="ignore"):
        perm = np.multiply.outer(a, keys)
        perm += b[:, None]
    # the shift is monotonic: take the min first, shift 128 values, not n * 128
    values = (perm.min(axis=1) >> _U64(32)).astype("<u4")
    return MinHashSignature(values.tobytes(), int(hashes.size))


def near_dup_signature(
    text: str,
    *,
    num_perm: int = DEFAULT_NUM_PERM,
    shingle_size: int = DEFAULT_SHINGLE_SIZE,
) -> MinHashSignature:
    """MinHash signature of the word ``shingle_size``-shingles of the normalised text."""
    return minhash(shingle_hashes(text, shingle_size=shingle_size), num_perm=num_perm)


@dataclass(frozen=True, eq=False, slots=True)
class BodyFingerprints:
    """Everything duplicate detection needs from one body, from a single normalisation pass."""

    fingerprint: str  # content_fingerprint(text)
    signature: MinHashSignature  # near_dup_signature(text)
    word_count: int  # words after normalisation


def body_fingerprints(
    text: str,
    *,
    num_perm: int = DEFAULT_NUM_PERM,
    shingle_size: int = DEFAULT_SHINGLE_SIZE,
) -> BodyFingerprints:
    """Exact fingerprint, MinHash signature and word count of ``text``, normalising it once."""
    normalized = normalize_text(text)
    toks = normalized.split()
    return BodyFingerprints(
        fingerprint=_sha1_hex(normalized),
        signature=minhash(_shingle_hashes_of_words(toks, shingle_size), num_perm=num_perm),
        word_count=len(toks),
    )
