"""Oncology fields of an article: the clinical trials and the medical meetings its text names.

- :func:`find_trial_ids`: ClinicalTrials.gov identifiers (``NCT`` + 8 digits), unique, in the
  order the text first names them.
- :func:`find_meetings`: conference mentions ("the 2025 ASCO Annual Meeting", "ESMO Congress
  2024", "presented at SABCS") normalised to ``{"name": ..., "year": ...}``.

Pure: no Scrapy, no I/O. A society's acronym alone ("ASCO guidelines", "ASH recommends") is
not a meeting: it counts only beside a year, a meeting word (Annual Meeting, Congress,
Symposium) or after "at" ("presented at ASH"). Acronyms are matched in capitals only, so
"ash" or "Astro" in prose is never taken for a meeting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: ``NCT`` + 8 digits, not inside a longer token (NCT012345678 is not an identifier).
_NCT_RE = re.compile(r"(?<![A-Za-z0-9])NCT\s?(\d{8})(?![0-9])", re.IGNORECASE)


def find_trial_ids(text: str | None) -> list[str]:
    """ClinicalTrials.gov identifiers in ``text``, upper case, unique, in first-mention order."""
    if not text:
        return []
    seen: dict[str, None] = {}
    for m in _NCT_RE.finditer(text):
        seen.setdefault(f"NCT{m[1]}", None)
    return list(seen)


@dataclass(frozen=True)
class Meeting:
    """One meeting: its normalised name and the ways a text names it."""

    name: str
    #: acronyms, matched in capitals only, that name the meeting when a cue stands beside them
    acronyms: tuple[str, ...]
    #: full names (case-insensitive) that name the meeting on their own
    names: tuple[str, ...] = ()
    #: an acronym that names this meeting on its own, without any cue (SABCS is only a meeting)
    standalone: bool = False


#: Longer, more specific entries first: "ESMO GI" must win over "ESMO", "ASCO GU" over "ASCO".
MEETINGS: tuple[Meeting, ...] = (
    Meeting("ASCO Genitourinary Cancers Symposium", ("ASCO GU", "GU ASCO"),
            ("ASCO Genitourinary Cancers Symposium", "Genitourinary Cancers Symposium"), standalone=True),
    Meeting("ASCO Gastrointestinal Cancers Symposium", ("ASCO GI", "GI ASCO"),
            ("ASCO Gastrointestinal Cancers Symposium", "Gastrointestinal Cancers Symposium"),
            standalone=True),
    Meeting("ASCO Breast Cancer Symposium", ("ASCO Breast",), ("ASCO Breast Cancer Symposium",)),
    Meeting("ASCO Annual Meeting", ("ASCO",),
            ("American Society of Clinical Oncology Annual Meeting",
             "American Society of Clinical Oncology (ASCO) Annual Meeting")),
    Meeting("ESMO GI", ("ESMO GI",),
            ("ESMO Gastrointestinal Cancers Congress", "ESMO World Congress on Gastrointestinal Cancer",
             "World Congress on Gastrointestinal Cancer"), standalone=True),
    Meeting("ESMO Breast Cancer", ("ESMO Breast",), ("ESMO Breast Cancer Congress",), standalone=True),
    Meeting("ESMO Congress", ("ESMO",),
            ("European Society for Medical Oncology Congress",
             "European Society for Medical Oncology (ESMO) Congress")),
    Meeting("ASH Annual Meeting", ("ASH",),
            ("American Society of Hematology Annual Meeting",
             "American Society of Hematology (ASH) Annual Meeting")),
    Meeting("SABCS", ("SABCS",), ("San Antonio Breast Cancer Symposium",), standalone=True),
    Meeting("AACR Annual Meeting", ("AACR",),
            ("American Association for Cancer Research Annual Meeting",
             "American Association for Cancer Research (AACR) Annual Meeting")),
    Meeting("ASTRO Annual Meeting", ("ASTRO",),
            ("American Society for Radiation Oncology Annual Meeting",
             "American Society for Radiation Oncology (ASTRO) Annual Meeting")),
    Meeting("EHA Congress", ("EHA",),
            ("European Hematology Association Congress", "European Hematology Association (EHA) Congress")),
    Meeting("WCLC", ("WCLC",), ("World Conference on Lung Cancer",), standalone=True),
    Meeting("SITC Annual Meeting", ("SITC",),
            ("Society for Immunotherapy of Cancer Annual Meeting",
             "Society for Immunotherapy of Cancer (SITC) Annual Meeting")),
    Meeting("SGO Annual Meeting", ("SGO",),
            ("Society of Gynecologic Oncology Annual Meeting",
             "SGO Annual Meeting on Women's Cancer", "Annual Meeting on Women's Cancer")),
)

_YEAR = r"(?:19[89]\d|20\d\d)"
_MEETING_WORD = r"(?i:Annual\s+Meeting|Annual\s+Conference|Congress|Symposium|Meeting|Conference)"
_ORDINAL = r"(?:\d{1,3}(?:st|nd|rd|th)\s+)"
_AT = r"(?:\b(?i:at|from|during|ahead\s+of|before)\s+(?:the\s+)?)"
#: a citation's year after the meeting: "Presented at: ESMO Congress; 2024."
_CITED_YEAR = rf"(?:\s*[;,]\s*(?P<y4>{_YEAR})(?![\d-]))"
#: named groups that make an acronym a meeting mention
_CUES = ("at", "y1", "y2", "word", "y3")


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class _Compiled:
    """One meeting's patterns, and the words one of which every mention of it contains: the
    first word of each acronym (as written, capitals) and of each full name (lower case, matched
    in the lower-cased text). Testing those words with ``in`` first skips the patterns on the
    many texts that cannot match: the patterns try their optional prefixes at every position of
    the text, which cost about 13 ms an article when all of them ran."""

    meeting: Meeting
    acronym: re.Pattern[str]
    full: re.Pattern[str] | None
    acronym_words: frozenset[str]
    name_words: frozenset[str]


def _build() -> list[_Compiled]:
    compiled = []
    for meeting in MEETINGS:
        acronym = (
            rf"(?P<at>{_AT})?(?:(?P<y1>{_YEAR})\s+)?{_ORDINAL}?"
            rf"(?<![A-Za-z0-9-])(?:{_alternation(meeting.acronyms)})(?![A-Za-z0-9-])"
            rf"(?:\s+(?P<y2>{_YEAR}))?"
            rf"(?:\s+(?P<word>{_MEETING_WORD})(?:\s+(?:and\s+Exposition\s+)?(?:in\s+)?(?P<y3>{_YEAR}))?)?"
            rf"{_CITED_YEAR}?"
        )
        full = None
        if meeting.names:
            full = re.compile(
                rf"(?:(?P<y1>{_YEAR})\s+)?{_ORDINAL}?(?i:{_alternation(meeting.names)})"
                rf"(?:\s*\([A-Z]{{2,6}}\))?(?:\s+(?P<y2>{_YEAR})|{_CITED_YEAR})?"
            )
        compiled.append(_Compiled(meeting, re.compile(acronym), full,
                                  frozenset(a.split()[0] for a in meeting.acronyms),
                                  frozenset(n.split()[0].lower() for n in meeting.names)))
    return compiled


_COMPILED = _build()
#: a paragraph: text without a blank line in it
_PARAGRAPH_RE = re.compile(r"[^\n]+(?:\n[^\n]+)*")


def find_meetings(*texts: str | None) -> list[dict[str, object]]:
    """Meetings named in ``texts`` (e.g. headline, body), as ``{"name", "year"}``, in order.

    ``year`` is an int when a year stands beside the mention, else None. Each (name, year) once;
    a mention without a year is left out when the same meeting is named with one.
    """
    found: list[tuple[int, int, str, int | None]] = []  # (text index, offset, name, year)
    for index, text in enumerate(texts):
        if not text:
            continue
        taken: list[tuple[int, int]] = []
        for paragraph in _PARAGRAPH_RE.finditer(text):  # a mention never spans a blank line
            part, offset = paragraph[0], paragraph.start()
            lowered = part.lower()
            for c in _COMPILED:
                named = any(word in lowered for word in c.name_words)
                if not named and not any(word in part for word in c.acronym_words):
                    continue
                for regex in (c.full if named else None, c.acronym):
                    if regex is None:
                        continue
                    for m in regex.finditer(part):
                        groups = m.groupdict()
                        if regex is c.acronym and not c.meeting.standalone and not any(groups.get(k) for k in _CUES):
                            continue  # the society named, not its meeting
                        start, end = offset + m.start(), offset + m.end()
                        if any(s < end and start < e for s, e in taken):
                            continue  # already part of a more specific meeting's mention
                        taken.append((start, end))
                        years = [g for g in (groups.get(k) for k in ("y1", "y2", "y3", "y4")) if g]
                        found.append((index, start, c.meeting.name, int(years[0]) if years else None))
    found.sort()
    with_year = {name for _, _, name, year in found if year is not None}
    out: dict[tuple[str, int | None], None] = {}
    for _, _, name, year in found:
        if year is None and name in with_year:
            continue
        out.setdefault((name, year), None)
    return [{"name": name, "year": year} for name, year in out]


def oncology_fields(headline: str | None, body: str | None) -> dict[str, Any]:
    """``trialIds`` (from the body) and ``meetings`` (headline, then body) of one article."""
    return {"trialIds": find_trial_ids(body), "meetings": find_meetings(headline, body)}
