"""The normal form and comparison key of typed names (echoorg.core.text)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from echoorg.core.text import name_key, normalise_name

INVISIBLE = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u00ad",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u180e",
    "\u3164",
    "\ufe0f",
    "\x00",
    "\x07",
]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  Team   A ", "Team A"),
        ("Team\u200bA", "TeamA"),
        ("Team\x00A", "Team A"),
        ("Team\tA\nB", "Team A B"),
        ("Team\u00a0A", "Team A"),
        ("\uff34\uff45\uff41\uff4d", "Team"),  # full-width letters
        ("\ufb01nance", "finance"),  # the fi ligature
        ("\u202eevil\u202c", "evil"),
        ("Cafe\u0301", "Café"),
        ("\u200b\ufeff \u2060", ""),
    ],
)
def test_it_normalises_names(typed, expected):
    assert normalise_name(typed) == expected


def test_case_variants_and_look_alikes_share_a_key():
    assert (
        len({name_key(n) for n in ["Team A", "team a", "TEAM\u200b A", "Ｔｅａｍ Ａ", " team  a "]})
        == 1
    )
    assert name_key("STRASSE") == name_key("Straße")


def test_different_names_keep_different_keys():
    assert name_key("Team A") != name_key("Team B")


@given(st.text())
def test_the_normal_form_is_stable(text):
    once = normalise_name(text)
    assert normalise_name(once) == once


@given(st.text())
def test_the_normal_form_has_no_invisible_characters_or_stray_spaces(text):
    result = normalise_name(text)
    assert result == result.strip()
    assert "  " not in result
    for ch in result:
        assert unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Zl", "Zp"}
        assert ch == " " or not ch.isspace()
        assert ch not in INVISIBLE


# Letters whose other case folds back to the same letter (not Turkish dotless i, say).
_CASED = st.characters(categories=["Lu", "Ll", "Nd"]).filter(
    lambda c: c.swapcase().casefold() == c.casefold()
)


@given(st.text(_CASED, min_size=1), st.lists(st.sampled_from(INVISIBLE), max_size=5), st.randoms())
def test_invisible_characters_and_case_do_not_change_the_key(word, extra, rnd):
    letters = list(word.swapcase())
    for ch in extra:
        letters.insert(rnd.randint(0, len(letters)), ch)
    disguised = "".join(letters)
    # A control character becomes a space, so it may split the word; format characters
    # vanish. Either way the key is the key of the same visible text.
    assert name_key(disguised) == name_key(normalise_name(disguised))
    if not any(ch in disguised for ch in ("\x00", "\x07")):
        assert name_key(disguised) == name_key(word)


@given(st.text())
def test_the_key_is_the_case_folded_normal_form(text):
    assert name_key(text) == normalise_name(text).casefold()
