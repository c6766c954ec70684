"""One-time submission keys and sealed receipts (echoorg.core.submission)."""

from __future__ import annotations

import pytest

from echoorg.core import submission

KEY = b"k" * 32
ID = "0123456789abcdef0123456789abcdef"


def test_an_issued_key_checks_until_it_expires():
    token = submission.issue(KEY, "raise-1", now=1000, lifetime=60, random_id=ID)
    found = submission.check(KEY, token, "raise-1", now=1060)
    assert found is not None and found.id == ID and found.expires == 1060
    assert submission.check(KEY, token, "raise-1", now=1061) is None


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.replace("raise-1", "raise-2"),  # moved to another organisation
        lambda t: t.replace(".1060.", ".9999999999."),  # expiry stretched
        lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),  # signature altered
        lambda t: t + ".extra",
        lambda t: "",
        lambda t: "x" * 5000,
        lambda t: t.replace("sub1", "sub2"),
    ],
)
def test_a_changed_key_is_refused(change):
    token = submission.issue(KEY, "raise-1", now=1000, lifetime=60, random_id=ID)
    assert submission.check(KEY, change(token), "raise-1", now=1000) is None


def test_a_key_for_another_scope_or_from_another_secret_is_refused():
    token = submission.issue(KEY, "raise-1", now=1000, lifetime=60, random_id=ID)
    assert submission.check(KEY, token, "raise-2", now=1000) is None
    assert submission.check(b"other" * 8, token, "raise-1", now=1000) is None


def test_the_digest_is_stable_per_key_and_differs_between_keys():
    one = submission.check(KEY, submission.issue(KEY, "raise-1", 1000, 60, ID), "raise-1", now=1000)
    other = submission.check(
        KEY, submission.issue(KEY, "raise-1", 1000, 60, "f" * 32), "raise-1", now=1000
    )
    assert submission.digest(KEY, one) == submission.digest(KEY, one)
    assert submission.digest(KEY, one) != submission.digest(KEY, other)
    assert len(submission.digest(KEY, one)) == 64 and ID not in submission.digest(KEY, one)


def test_issuing_refuses_a_weak_id_or_an_odd_scope():
    with pytest.raises(ValueError):
        submission.issue(KEY, "raise-1", 1000, 60, "short")
    with pytest.raises(ValueError):
        submission.issue(KEY, "raise.1", 1000, 60, ID)


def test_a_sealed_text_opens_only_with_its_own_key():
    key = submission.new_sealing_key()
    sealed = submission.seal(key, "1234 5678 9012 3456")
    assert "1234" not in sealed
    assert submission.unseal(key, sealed) == "1234 5678 9012 3456"
    assert submission.unseal(submission.new_sealing_key(), sealed) is None
    assert submission.unseal(None, sealed) is None
    assert submission.unseal(key, None) is None
    assert submission.unseal("not a key", sealed) is None
