"""Comments grouped by the theme of their question, and their pages."""

from __future__ import annotations

import pytest

from echoorg.core.diagnostic.comments import (
    OTHER_THEME,
    PageOutOfRange,
    comment_page,
    comment_themes,
    group_comments,
)
from echoorg.core.diagnostic.instrument import GENERAL_COMMENT, find_instrument

INSTRUMENT = find_instrument("echo-culture-v1")
CLOSING = "Anything else?"


def test_each_scale_with_a_comment_question_is_a_theme_then_other_comments():
    themes = comment_themes(INSTRUMENT, CLOSING)
    assert [t.key for t in themes] == [
        "threat",
        "drive",
        "soothing",
        "speaking_up",
        "compassionate_leadership",
        OTHER_THEME,
    ]
    assert themes[0].name == "Threat system" and themes[-1].name == "Other comments"
    assert themes[-1].questions == (CLOSING,)


def test_comments_keep_their_order_within_each_theme():
    comments = [
        ("c_support", "s1"),
        (GENERAL_COMMENT, "g1"),
        ("c_pressure", "p1"),
        ("c_support", "s2"),
        ("no_longer_asked", "x1"),
    ]
    grouped = {g.theme.key: g.comments for g in group_comments(INSTRUMENT, comments, CLOSING)}
    assert grouped["soothing"] == ("s1", "s2") and grouped["threat"] == ("p1",)
    assert grouped[OTHER_THEME] == ("g1", "x1") and grouped["drive"] == ()
    # Grouping neither adds nor drops a comment.
    assert sum(len(c) for c in grouped.values()) == len(comments)


def test_an_instrument_without_comment_questions_has_only_other_comments():
    from dataclasses import replace

    plain = replace(INSTRUMENT, comments=())
    grouped = group_comments(plain, [(GENERAL_COMMENT, "a"), (GENERAL_COMMENT, "b")], CLOSING)
    assert [(g.theme.key, g.count) for g in grouped] == [(OTHER_THEME, 2)]


@pytest.mark.parametrize(
    ("count", "number", "window"),
    [
        (45, 1, (1, 3, 0, 20)),
        (45, 3, (3, 3, 40, 45)),
        (40, 2, (2, 2, 20, 40)),
        (0, 1, (1, 1, 0, 0)),
        (1, 1, (1, 1, 0, 1)),
    ],
)
def test_pages_hold_twenty_comments(count, number, window):
    page = comment_page(count, number)
    assert (page.number, page.pages, page.start, page.stop) == window


def test_previous_and_next_pages():
    assert (comment_page(45, 1).previous, comment_page(45, 1).next) == (None, 2)
    assert (comment_page(45, 2).previous, comment_page(45, 2).next) == (1, 3)
    assert (comment_page(45, 3).previous, comment_page(45, 3).next) == (2, None)


@pytest.mark.parametrize(
    ("count", "number", "message"),
    [
        (45, 4, "There is no page 4: the pages are 1 to 3."),
        (45, 0, "There is no page 0: the pages are 1 to 3."),
        (5, 2, "There is no page 2: there is 1 page."),
        (0, -1, "There is no page -1: there is 1 page."),
    ],
)
def test_a_page_out_of_range_is_refused(count, number, message):
    with pytest.raises(PageOutOfRange, match=message):
        comment_page(count, number)


def test_pages_need_room_for_a_comment():
    with pytest.raises(ValueError, match="per_page"):
        comment_page(10, 1, per_page=0)


def test_the_random_order_is_fixed_by_its_key_and_differs_between_questions():
    from echoorg.core.diagnostic.comments import in_random_order

    people = [f"{n:032x}" for n in range(60)]
    threat = [(p, "c_pressure", p) for p in people]
    drive = [(p, "c_goals", p) for p in people]
    key = b"k" * 32
    assert in_random_order(threat, key) == in_random_order(list(reversed(threat)), key)
    assert in_random_order(threat, key) != in_random_order(threat, b"other key")
    assert sorted(in_random_order(threat, key)) == sorted(threat)
    # The same people in two themes come in unrelated orders, so a comment's place in one
    # theme does not point to the same writer's place in another (60! orders).
    order_threat = [e[0] for e in in_random_order(threat, key)]
    order_drive = [e[0] for e in in_random_order(drive, key)]
    assert order_threat != order_drive and order_threat != people
