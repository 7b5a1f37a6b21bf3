"""Person names from bylines and author fields, whatever source they come from.

Trailing academic/professional degrees ("MD", "PhD", "MPH", ...) and honorifics are stripped,
so "Dr. Jane Doe, MD, PhD" becomes "Jane Doe" in JSON-LD, Next.js data, meta tags and bylines.
"""

from __future__ import annotations

import re

from newscrawl.extract.text import clean_text, dedupe

_BYLINE_PREFIX_RE = re.compile(r"^\s*(?:[^\W\d_]+\s+){0,2}?by\b[:\s]*", re.I)
_MONTH_OR_DAY = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?"
)
_BYLINE_CUT_RE = re.compile(
    r"\s(?:\||•|·|—|–)\s|\n|\s+(?:on|updated|published|posted)\b"
    rf"|,?\s+(?={_MONTH_OR_DAY},?\s+\d)|,?\s+(?=\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}})|,?\s+(?=\d{{1,2}}\s+{_MONTH_OR_DAY}\s+\d{{4}})",
    re.I,
)
_SPLIT_RE = re.compile(r"\s*(?:,|;|&|\band\b|\bwith\b)\s*", re.I)
#: Degree/credential tokens, compared case-sensitively with dots removed ("Ph.D." -> "PhD"), so a
#: surname such as "Do" or "Ma" is not mistaken for "DO" or "MA".
DEGREES = frozenset(
    s
    for s in (
        "MD", "PhD", "MPH", "RN", "PharmD", "DO", "MS", "MSc", "FACP", "BSN", "MBA", "MA", "BS", "BA", "DNP", "NP",
        "APRN", "PA", "PA-C", "OCN", "AOCN", "AOCNP", "AOCNS", "FASCO", "FRCPC", "FRCP", "MBBS", "MBChB", "DrPH", "JD",
        "CRNP", "BCOP", "BCPS", "RPh", "MHS", "MSN", "ANP", "ANP-BC", "FNP", "FNP-BC", "FAAN", "MSCR", "MMSc", "DSc",
        "ScD", "MSCI", "MSPH", "MHA", "MPA", "LCSW", "CNS", "FACS", "FACR", "FASTRO", "FAAP", "FACC", "FCCP", "FRCS",
        "FRCSC", "DMD", "DDS", "PsyD", "EdD", "MEd", "MSW", "CCRP", "CGC", "MD-PhD", "MScPH", "CNP", "ACNP", "PMP",
        "RD", "RDN", "LD", "LDN", "CDE", "CDCES", "CSSD", "CSO", "MPAS", "PA-C", "DPhil", "BCh", "BM", "MRCP", "FRACP",
        "CPA", "CFA", "Esq",
    )
)
_SUFFIXES = frozenset({"Jr", "Sr", "II", "III", "IV"})
_HONORIFICS = frozenset({"Dr", "Prof", "Professor", "Mr", "Mrs", "Ms", "Mx"})
_NAME_OK_RE = re.compile(r"^[^\W\d_][\w'’.\- ]*$", re.U)


def _norm_token(token: str) -> str:
    return token.replace(".", "").strip()


def is_degree(token: str) -> bool:
    """True for a credential token such as "MD", "Ph.D." or "FACP" (case-sensitive)."""
    return _norm_token(token) in DEGREES


def clean_name(name: str) -> str:
    """A person's name without "By", honorifics ("Dr.") or trailing degrees ("MD, PhD")."""
    name = _BYLINE_PREFIX_RE.sub("", clean_text(name))
    parts = [p.strip() for p in name.split(",")]
    kept = [parts[0]] + [p for p in parts[1:] if p and not all(_norm_token(t) in DEGREES for t in p.split())]
    name = ", ".join(p for p in kept if p)
    words = name.split()
    while len(words) > 1 and _norm_token(words[-1]) in DEGREES:
        words.pop()
    while len(words) > 1 and _norm_token(words[0]) in _HONORIFICS:
        words.pop(0)
    return " ".join(words).strip(" ,;")


def split_byline(text: str) -> list[str]:
    """Names in a byline: "By Jane Doe, MD, and John Smith, PhD, MPH" -> ["Jane Doe", "John Smith"].

    Drops a leading "By", cuts trailing dates/separators ("| June 2nd 2025"), splits on commas,
    "and", "&", ";", drops degree tokens and keeps "Jr."-style suffixes with their name. Pieces
    that do not look like names (URLs, digits, very long text) are dropped.
    """
    if not text:
        return []
    text = _BYLINE_PREFIX_RE.sub("", text.strip())
    text = _BYLINE_CUT_RE.split(text, maxsplit=1)[0]
    text = _BYLINE_PREFIX_RE.sub("", clean_text(text))
    names: list[str] = []
    for piece in _SPLIT_RE.split(text):
        piece = piece.strip(" :")
        tokens = piece.split()
        if not tokens:
            continue
        if piece.endswith(".") and len(tokens[-1]) > 2 and _norm_token(tokens[-1]) not in _SUFFIXES:
            piece = piece[:-1]
        if all(_norm_token(t) in DEGREES for t in tokens):
            continue
        if len(tokens) == 1 and _norm_token(tokens[0]) in _SUFFIXES and names:
            names[-1] = f"{names[-1]} {piece}"
            continue
        name = clean_name(piece)
        if _looks_like_name(name):
            names.append(name)
    return dedupe(names)


def _looks_like_name(name: str) -> bool:
    if not name or len(name) > 60 or "://" in name or "@" in name or "www." in name.lower():
        return False
    words = name.split()
    return 1 <= len(words) <= 6 and bool(_NAME_OK_RE.match(name)) and not any(ch.isdigit() for ch in name)
