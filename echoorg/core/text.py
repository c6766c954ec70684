"""Names people type (units, organisations, people): one normal form and one comparison key.

Pure, no Django. A name is shown as its normal form and compared by its key, so that
"Team A", "team a", "Team\u200bA" with a zero-width space, "Ｔｅａｍ Ａ" in full-width
letters and "Team  A" with two spaces are one name, not five look-alikes.

The normal form (`normalise_name`):
  1. Unicode NFKC (compatibility composition, UAX #15): full-width and styled letters,
     ligatures and compatibility spaces become their plain forms.
  2. Every control (category Cc, including NUL), line or paragraph separator (Zl, Zp)
     and other whitespace becomes a space.
  3. Every invisible character is removed: format characters (Cf: zero-width space,
     joiner and non-joiner U+200B–U+200D, word joiner U+2060, byte-order mark U+FEFF,
     soft hyphen, the bidirectional controls U+202A–U+202E and U+2066–U+2069), lone
     surrogates (Cs), variation selectors and the Hangul fillers that draw nothing.
  4. Runs of spaces collapse to one; spaces at either end go.

The key (`name_key`) is the normal form under Unicode case folding (`str.casefold`, the
Unicode standard's caseless matching, section 3.13), so "STRASSE" and "Straße" match.
"""

from __future__ import annotations

import unicodedata

# Characters that draw nothing but are not in category Cf.
_INVISIBLE = frozenset(
    {
        "\u115f",  # Hangul choseong filler
        "\u1160",  # Hangul jungseong filler
        "\u3164",  # Hangul filler
        "\uffa0",  # half-width Hangul filler
        "\u034f",  # combining grapheme joiner
        "\u180e",  # Mongolian vowel separator (Cf in old Unicode versions)
    }
)
_BLANK_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Zs"})
_REMOVED_CATEGORIES = frozenset({"Cf", "Cs", "Co", "Cn"})


def _is_variation_selector(ch: str) -> bool:
    code = ord(ch)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def normalise_name(text: str) -> str:
    """The normal form of a typed name (see the module docstring); may be empty.

    Idempotent: `normalise_name(normalise_name(s)) == normalise_name(s)` for every `s`.
    """
    while True:
        text = unicodedata.normalize("NFKC", text)
        kept: list[str] = []
        for ch in text:
            category = unicodedata.category(ch)
            if category in _BLANK_CATEGORIES or ch.isspace():
                kept.append(" ")
            elif category in _REMOVED_CATEGORIES or ch in _INVISIBLE or _is_variation_selector(ch):
                continue
            else:
                kept.append(ch)
        result = " ".join("".join(kept).split())
        # Removing a character can leave neighbours that NFKC composes (a combining mark
        # after an invisible character): go round again until nothing changes.
        if result == text:
            return result
        text = result


def name_key(text: str) -> str:
    """The key two names are compared by: the normal form, case-folded."""
    return normalise_name(text).casefold()


__all__ = ["name_key", "normalise_name"]
