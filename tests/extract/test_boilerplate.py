"""Unit tests of the generic boilerplate rules and the repeated-block learner."""

from __future__ import annotations

import json
from typing import Any

import pytest
from newscrawl.extract.boilerplate import RepeatedBlockLearner, clean_body, clean_body_report

PROSE = ("The trial enrolled 812 patients across 140 centers, and the primary end point was met "
         "at the first interim analysis.")


@pytest.mark.parametrize("line", [
    "READ MORE: Another Trial Reports Positive Results",
    "Read More: Experts Discuss Immunotherapy",
    "Related Content",
    "Related: SpaceX's Starship in Pictures",
    "Advertisement",
    "ADVERTISEMENT",
    "Story continues below advertisement",
    "Site Logo",
    "More News",
    "Latest News",
    "You may also like...",
    "Share this article",
    "Like this story? Share it with a friend!",
    "Facebook Twitter Email",
    "Sign up for our oncology newsletter to get the latest news delivered to your inbox.",
    "Pick Six Newsletter",
    "We use cookies to improve your experience. By continuing you accept our cookie policy.",
    "© 2025 MJH Life Sciences. All rights reserved.",
    "Copyright 2019 Dow Jones & Company, Inc.",
    "June 2nd 2025",
    "July 1st, 2007",
    "Updated at 1:23 p.m.",
    "2019-11-19T08:57:40+01:00",
    "https://cdn.example.com/image/123-500-250.jpg",
    "|---|---|---|",
])
def test_boilerplate_lines_are_removed(line: str) -> None:
    assert clean_body(f"{PROSE}\n\n{line}\n\n{PROSE} Again.") == f"{PROSE}\n\n{PROSE} Again."


@pytest.mark.parametrize(("reason", "line", "prose"), [
    # media labels and picture credits, and prose that starts or ends like one
    ("credit", "Video: The walking programme explained by the trial nurses",
     "Video: the footage, shot by a bystander and shared widely online, shows the moment the old bridge "
     "gave way under the weight of a lorry."),
    ("credit", "Podcast: Exercise during treatment, with the study authors",
     "The podcast: a weekly show in which two oncologists discuss the trials that changed practice this year, "
     "recorded in front of a live audience."),
    ("credit", "Photo: Jan Novak/Reuters", "According to Reuters, the deal closed."),
    ("credit", "Foto: dpa", "Die dpa meldete am Abend, die Verhandlungen seien gescheitert."),
    ("credit", "© Reuters", "Reuters reported on Monday that the talks had resumed."),
    ("credit", "Getty Images", "Getty Images has sold its archive of historical photographs to a new owner."),
    ("credit", "AFP / MARCO BERTORELLO", "The agency AFP reported that the talks had stalled."),
    ("credit", "(Credit: Regional Weather Service / Handout)",
     "(Source: WHO, 2023) The figures show a fall in new cases for the third year in a row."),
    ("credit", "Sandbags stacked outside the town hall. © AFP / Marta Lindqvist",
     "Sandbags were stacked outside the town hall on Tuesday morning as volunteers, firefighters and soldiers "
     "worked through the night. © AFP / Marta Lindqvist"),
    # sign-up and comment form messages
    ("form_message", "Thanks for signing up!", "Thanks for your patience, the minister told reporters."),
    ("form_message", "Sorry, there was an error processing your subscription.",
     "There was an error in the dosing table of the first edition, the journal said."),
    # a post's meta line
    ("meta_line", "January 13, 2020 at 08:45 AM | categories: Python | View Comments",
     "On January 13, 2020, the court ruled that the merger could proceed."),
    # section labels in other languages
    ("section_label", "Lesen Sie auch:", "Lesen Sie auch den Bericht der Kommission, der im März erschien."),
    ("section_label", "Das könnte Sie auch interessieren", "Das könnte Sie auch interessieren, sagte der Arzt."),
    ("section_label", "À lire aussi", "À lire aussi dans le rapport : les chiffres de 2019."),
    ("section_label", "Leggi anche", "Leggi anche il rapporto completo sul sito del ministero."),
    ("section_label", "Teilen mit:", "Teilen mit anderen Patienten hilft, sagte sie."),
    ("section_label", "Anzeige", "Anzeige erstattet: Die Polizei ermittelt gegen den Fahrer."),
])
def test_new_line_rules_remove_labels_but_keep_prose(reason: str, line: str, prose: str) -> None:
    cleaned = clean_body_report(f"{PROSE}\n\n{line}\n\n{prose}")
    assert cleaned.text == f"{PROSE}\n\n{prose}"
    assert cleaned.removed == {reason: 1}


@pytest.mark.parametrize("line", [
    "The company said an advertisement campaign would begin after approval.",
    "Read more about the trial design in the supplementary appendix, the authors wrote.",
    "Subscribers to the newsletter reported more anxiety, the survey found, than non-subscribers.",
    "Published in the Journal of Clinical Oncology, the study followed patients for 5 years.",
    "Related studies have shown similar benefit in younger patients.",
    "More than 100 protesters were killed, the group said.",
    "Smith J, Lee K, et al. N Engl J Med. 2025;392(4):301-312.",
    "Reference",
    "https://clinicaltrials.gov/study/NCT01234567",
    "June 2nd 2025 was the day the results were released to the public.",
])
def test_real_content_is_kept(line: str) -> None:
    text = f"{PROSE}\n\n{line}"
    assert clean_body(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "| Arm | Median PFS | Hazard ratio |\n|---|---|---|\n| A | 9.1 | 0.71 |",
            "Arm Median PFS Hazard ratio\nA 9.1 0.71",
        ),
        ("By Jane Doe, MD, and John Smith, PhD\n\nBody text.", "Body text."),
        ("Headline\n\nBY ANNA LEE\n\nBody text.", "Headline\n\nBody text."),
        (
            "Body text.\n\nBy contrast, the control arm did worse.",
            "Body text.\n\nBy contrast, the control arm did worse.",
        ),
        ("Listen to this article\n\nBody text.\n\nListen to this story (4 min)", "Body text."),
        ("“It works,” she said.\n\n“It works,” she said.", "“It works,” she said."),  # pull quote
        (
            "“It works,” she said.\n\nMore.\n\n“It works,” she said.",
            "“It works,” she said.\n\nMore.\n\n“It works,” she said.",
        ),
    ],
)
def test_tables_bylines_audio_widgets_and_repeated_quotes(text: str, expected: str) -> None:
    assert clean_body(text) == expected


def test_doubled_teaser_title_and_headline() -> None:
    text = ("Biomarker Predicts Response\n\nHER2 Signature May Matter\nHER2 Signature May Matter\n\n"
            f"{PROSE}")
    cleaned = clean_body_report(text, headline="Biomarker predicts response")
    assert cleaned.text == f"HER2 Signature May Matter\n\n{PROSE}"
    assert cleaned.removed == {"headline": 1, "doubled_line": 1}


def test_headline_only_stripped_at_start() -> None:
    text = f"{PROSE}\n\nBiomarker Predicts Response"
    assert clean_body(text, headline="Biomarker Predicts Response") == text


def test_whitespace_normalised() -> None:
    assert clean_body("  a\u00a0 b  \r\n\r\n\n\n c\t d \n") == "a b\n\nc d"


@pytest.mark.parametrize("text", [
    "Advertisement\n\nA\n\nAdvertisement\n\nA\n\nB",
    "Title\n\nTitle\n\nTitle\nTitle\n\nMore News\n\nTitle",
    f"{PROSE}\n\nREAD MORE: x\n\n\n\n{PROSE}",
    "",
])
def test_idempotent(text: str) -> None:
    once = clean_body(text, headline="Title")
    assert clean_body(once, headline="Title") == once


def _article(i: int, *extra: str) -> str:
    return "\n\n".join([f"Unique opening paragraph number {i} of this article.", *extra,
                        f"Unique closing paragraph number {i}."])


def test_learner_learns_after_k_distinct_articles() -> None:
    learner = RepeatedBlockLearner(min_pages=3)
    promo = "Get the ONCOLOGY app for iOS and Android"
    outs = [learner.process("example.com", f"https://example.com/view/{i}", _article(i) + "\n\n" + promo)
            for i in range(5)]
    assert [removed for _, removed, _ in outs] == [0, 0, 1, 1, 1]
    assert promo in outs[1][0] and promo not in outs[2][0] and promo not in outs[4][0]
    assert learner.learned_count("example.com") == 1
    assert learner.learned_count("other.org") == 0


def test_learner_same_article_twice_does_not_count() -> None:
    learner = RepeatedBlockLearner(min_pages=2)
    for _ in range(5):
        text, removed, _ = learner.process("s", "https://s/view/1", _article(1, "Sidebar item"))
    assert removed == 0 and "Sidebar item" in text


def test_learner_protects_long_paragraphs_and_references() -> None:
    learner = RepeatedBlockLearner(min_pages=2, max_chars=200)
    disclosure = ("Dr Smith reports consulting fees from several companies. " * 5).strip()
    reference = "1. Smith J, et al. N Engl J Med. 2025;392:301-312."
    for i in range(6):
        text, removed, _ = learner.process("s", f"u{i}", _article(i, disclosure, reference))
    assert disclosure in text and reference in text and removed == 0


def test_learner_never_strips_most_of_an_article() -> None:
    learner = RepeatedBlockLearner(min_pages=2, max_share=0.5, edge_share=0.5)
    blocks = [f"Shared block {n}" for n in range(6)]
    for i in range(20):  # learned from the top down, one peeled layer at a time
        learner.process("s", f"u{i}", "\n\n".join(blocks + [f"x{i}"]))
    assert learner.learned_count("s") > (len(blocks) + 1) / 2  # enough to gut the article
    text, removed, _ = learner.process("s", "u99", "\n\n".join(blocks + ["Own paragraph"]))
    assert removed == 0 and "Shared block 0" in text


def test_learner_memory_is_bounded() -> None:
    learner = RepeatedBlockLearner(min_pages=2, max_blocks=50)
    for i in range(200):
        learner.process("s", f"u{i}", f"Paragraph {i}\n\nRecurring promo line")
    assert len(learner._sites["s"].seen) <= 50
    assert learner.learned_count("s") == 1
    assert len(learner.export_state()["sites"]["s"]["blocks"]) <= 50


def _trained(**kw: Any) -> RepeatedBlockLearner:
    learner = RepeatedBlockLearner(min_pages=3, **kw)
    for i in range(6):  # two rail lines learned, a third seen at the end of two pages only
        tail = "Half-learned teaser" if i < 2 else "Most Popular Webinars"
        learner.process("s", f"u{i}", f"Get the ONCOLOGY app\n\n{_article(i)}\n\n{tail}")
    learner.process("other.org", "o1", _article(99, "Other site line"))
    return learner


def test_learner_state_restored_from_json_strips_and_learns_as_the_original() -> None:
    original = _trained()
    snapshot = json.loads(json.dumps(original.export_state()))  # what the crawl state stores
    restored = RepeatedBlockLearner(min_pages=3)
    assert restored.import_state(snapshot) == original.learned_count() == 2
    assert restored.export_state() == original.export_state()
    pages = [f"Get the ONCOLOGY app\n\n{_article(50)}\n\nMost Popular Webinars",
             "Own text\n\nHalf-learned teaser", "Own text\n\nOther site line",
             _article(51) + "\n\nHalf-learned teaser"]
    for n, page in enumerate(pages):
        for site in ("s", "other.org"):
            assert restored.process(site, f"n{n}", page) == original.process(site, f"n{n}", page)
    # the counters came along: the teaser seen on two pages before was learned on its third
    assert restored.is_learned("s", "Half-learned teaser")
    assert restored.export_state() == original.export_state()


def test_learner_state_import_refuses_a_foreign_or_malformed_snapshot() -> None:
    learner = _trained()
    before = learner.export_state()
    bad_blocks = {**before, "sites": {"s": {"pages": 3, "blocks": [[-1, 1, 0, 1, []]]}}}
    for bad in ({}, {"format": "other", "sites": {}}, {**before, "sites": []},
                {**before, "sites": {"s": {"blocks": []}}}, bad_blocks):
        with pytest.raises(ValueError):
            learner.import_state(bad)
    assert learner.export_state() == before  # left as it was


def test_learner_state_import_keeps_learned_blocks_within_max_blocks() -> None:
    snapshot = _trained().export_state()
    small = RepeatedBlockLearner(min_pages=3, max_blocks=2)
    assert small.import_state(snapshot) == 2
    assert len(small._sites["s"].seen) == 2
    assert small.is_learned("s", "Most Popular Webinars") and small.is_learned("s", "Get the ONCOLOGY app")


def test_learner_rejects_bad_min_pages() -> None:
    with pytest.raises(ValueError):
        RepeatedBlockLearner(min_pages=1)


def _edge_article(number: int, middle: str, end: str) -> str:
    own = [f"Own paragraph {number}-{i} about trial {number}." for i in range(6)]
    return "\n\n".join(own[:3] + [middle] + own[3:] + [end])


def test_learner_learns_edge_blocks_but_keeps_repeated_content_in_the_middle() -> None:
    """Repeated subheadings mid-body are content; a widget line at the end is boilerplate."""
    learner = RepeatedBlockLearner(min_pages=3)
    outputs = [learner.process("s", f"a{n}", _edge_article(n, "Safety", "Listen to this article"))[0]
               for n in range(8)]
    assert all("Safety" in text for text in outputs)
    assert all("Listen to this article" in text for text in outputs[:2])
    assert all("Listen to this article" not in text for text in outputs[2:])


def test_learner_unlearns_a_block_that_turns_out_to_sit_mid_body() -> None:
    learner = RepeatedBlockLearner(min_pages=2, edge_share=0.9)
    for n in range(2):
        learner.process("s", f"edge{n}", _edge_article(n, "Mid", "Stock closing sentence."))
    assert learner.is_learned("s", "Stock closing sentence.")
    for n in range(2, 6):
        learner.process("s", f"mid{n}", _edge_article(n, "Stock closing sentence.", "End."))
    assert not learner.is_learned("s", "Stock closing sentence.")


def test_learner_keeps_rare_section_headings_and_shared_sentences() -> None:
    """Content that recurs at edges: a journal's "Introduction" heading on few of the site's
    pages, and a lede/disclosure sentence shared by articles on one subject."""
    learner = RepeatedBlockLearner(min_pages=3, min_share=0.05)
    disclosure = "Disclosures: The authors have no significant financial interest in any product."
    for n in range(200):
        opening = "Introduction" if n % 50 == 0 else f"Lede {n}."
        learner.process("s", f"a{n}", f"{opening}\n\nOwn paragraph {n}.\n\n{disclosure}")
    assert not learner.is_learned("s", "Introduction")
    assert not learner.is_learned("s", disclosure)
