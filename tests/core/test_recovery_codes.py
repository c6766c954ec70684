from __future__ import annotations

import re

from echoorg.core.recovery_codes import (
    ALPHABET,
    new_recovery_codes,
    normalise_recovery_code,
    recovery_code_digest,
)


def test_codes_are_distinct_grouped_and_free_of_look_alikes():
    codes = new_recovery_codes()
    assert len(codes) == 10 and len(set(codes)) == 10
    for code in codes:
        assert re.fullmatch(r"[a-z0-9]{4}(-[a-z0-9]{4}){3}", code)
    assert not set("01ilo") & set(ALPHABET)


def test_typing_in_capitals_with_spaces_is_the_same_code():
    assert normalise_recovery_code("K7QM 2X9D-hw4t c8ra") == "k7qm2x9dhw4tc8ra"


def test_text_that_cannot_be_a_code_is_refused():
    for typed in (
        "",
        "123456",
        "k7qm-2x9d-hw4t-c8r",
        "k7qm-2x9d-hw4t-c8ro",
        "a" * 500,
        "k7qm-2x9d-hw4t-c8ra\x00",
    ):
        assert normalise_recovery_code(typed) is None
        assert recovery_code_digest(1, typed) is None


def test_the_digest_is_bound_to_the_account():
    assert recovery_code_digest(1, "k7qm-2x9d-hw4t-c8ra") == recovery_code_digest(
        1, "K7QM2X9DHW4TC8RA"
    )
    assert recovery_code_digest(1, "k7qm-2x9d-hw4t-c8ra") != recovery_code_digest(
        2, "k7qm-2x9d-hw4t-c8ra"
    )
