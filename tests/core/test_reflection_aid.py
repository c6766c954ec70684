"""The reflection aid: unanswered questions and word counts, described, never scored."""

from __future__ import annotations

import pytest

from echoorg.core.development.reflection import shipped_guide
from echoorg.core.development.reflection_aid import (
    LIST_IDS,
    MAX_ENTRIES,
    WordList,
    WordListError,
    as_plain,
    clean_entries,
    count_mentions,
    default_word_lists,
    describe_draft,
    parse_word_lists,
    with_entries,
    words_of,
)

LISTS = (
    WordList("at_risk", "The people at risk", ("child*", "at risk", "safety")),
    WordList("reputation", "Reputation", ("reputation*", "press")),
    WordList("blame", "Blame", ("blame*",)),
    WordList("self_protection", "Self-protection", ("my job",)),
)


def test_the_shipped_lists_load_in_order():
    lists = default_word_lists()
    assert [w.id for w in lists] == list(LIST_IDS)
    assert all(w.entries for w in lists)


def test_words_are_lower_case_with_curly_apostrophes_straightened():
    assert words_of("The Child’s SAFETY, well-being and 3 reports") == [
        "the",
        "child's",
        "safety",
        "well-being",
        "and",
        "reports",
    ]


def test_a_star_matches_any_ending_and_phrases_match_in_sequence():
    words = words_of("Children at risk; a child. Risk at the press. My job, my Job!")
    assert count_mentions(words, ["child*", "at risk", "press", "my job", "risk"]) == {
        "child*": 2,
        "at risk": 1,
        "press": 1,
        "my job": 2,
        "risk": 2,
    }


def test_the_description_counts_mentions_and_lists_unanswered_questions():
    guide = shipped_guide()
    answers = {
        "incident_account": "The children were not safe. I worried about the press and my job.",
        "curiosity_most_at_risk": "The child at risk, and her safety.",
        "grid_before": "unsafe_certainty",
    }
    aid = describe_draft(guide, answers, LISTS)
    assert aid.answered == 3
    assert aid.questions == len(guide.prompts)
    assert len(aid.unanswered) == aid.questions - 3
    assert ("The incident", guide.prompt("incident_why").question) in aid.unanswered
    by_list = {m.list.id: m for m in aid.mentions}
    assert by_list["at_risk"].total == 4  # children, child, at risk, safety
    assert dict(by_list["at_risk"].found) == {"child*": 2, "at risk": 1, "safety": 1}
    assert by_list["reputation"].total == 1
    assert by_list["self_protection"].total == 1
    assert (aid.at_risk, aid.threat) == (4, 2)
    assert aid.at_risk_share == 67
    assert aid.description == (
        "In 20 words, the draft mentions the people at risk 4 times, and reputation, blame "
        "or self-protection 2 times."
    )


def test_the_description_never_speaks_of_the_writer():
    guide = shipped_guide()
    for answers in ({}, {"incident_account": "Nothing listed here."}, {"incident_why": "blame"}):
        text = describe_draft(guide, answers, LISTS).description.lower()
        for judgement in ("you ", "your", "score", "good", "poor", "defensive leader"):
            assert judgement not in text


def test_an_empty_draft_has_nothing_to_count():
    aid = describe_draft(shipped_guide(), {}, LISTS)
    assert aid.words == 0 and aid.at_risk_share is None
    assert "no written answers" in aid.description
    plain = as_plain(aid)
    assert plain["answered"] == 0 and [x["id"] for x in plain["lists"]] == list(LIST_IDS)


def test_grid_answers_count_as_answered_but_are_not_searched():
    aid = describe_draft(shipped_guide(), {"grid_after": "safe_uncertainty"}, LISTS)
    assert aid.answered == 1 and aid.words == 0


def test_entries_are_normalised_and_deduplicated():
    assert clean_entries("Blame", ["  Blame* ", "", "scape  goat", "blame*", "Who’s fault"]) == (
        "blame*",
        "scape goat",
        "who's fault",
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("bl*me", "line 2: 'bl*me' is not a word or phrase"),
        ("<script>", "is not a word or phrase"),
        ("123", "is not a word or phrase"),
        ("x" * 61, "longer than 60 characters"),
    ],
)
def test_a_bad_entry_is_refused_naming_its_line(line, message):
    with pytest.raises(WordListError) as caught:
        clean_entries("Blame", ["fault", line])
    assert str(caught.value).startswith("Blame")
    assert message in str(caught.value)


def test_a_list_may_not_grow_without_bound():
    with pytest.raises(WordListError, match=f"the most a list may hold is {MAX_ENTRIES}"):
        clean_entries("Blame", [f"word{'a' * (i % 50)}{chr(97 + i % 26)}" for i in range(400)])


def test_an_organisations_entries_replace_only_their_list():
    lists = with_entries(LISTS, {"blame": ("fault",)})
    assert [w.entries for w in lists][2] == ("fault",)
    assert lists[0] == LISTS[0]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "must be a mapping"),
        ({"at_risk": {"label": "x", "words": []}}, "reputation: is required"),
        ({"gossip": {}}, "unknown list(s) gossip"),
    ],
)
def test_a_broken_word_lists_document_is_refused(document, message):
    with pytest.raises(WordListError) as caught:
        parse_word_lists(document)
    assert message in str(caught.value)


def test_a_list_never_mentioned_is_described_as_not_at_all():
    aid = describe_draft(shipped_guide(), {"incident_why": "The child cried."}, LISTS)
    assert aid.description == (
        "In 3 words, the draft mentions the people at risk once, and reputation, blame or "
        "self-protection not at all."
    )
