"""The reflection aid: a plain description of a draft reflection, never a score of its author.

Two things are described, both shown with how they were worked out:

* which questions of the guide are still unanswered;
* how often the text mentions the people at risk, compared with reputation, blame and
  self-protection, by counting the words of four lists (shipped defaults in
  `data/reflection_words.yaml`; an organisation may edit them).

Counting words is crude on purpose: anyone can check it by hand. It cannot tell "I did
not blame her" from "I blamed her"; the page says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .reflection import Guide

WORDS_FILE = Path(__file__).parent / "data" / "reflection_words.yaml"

# The four lists, in the order the page shows them. The first is what the text attends to
# when it attends to the people at risk; the other three are the pull of the threat system
# (ECHO: fear for reputation, blaming, self-protection).
LIST_IDS = ("at_risk", "reputation", "blame", "self_protection")
AT_RISK = "at_risk"
MAX_ENTRIES = 200
MAX_ENTRY = 60

_ENTRY = re.compile(r"^[^\W\d_]+(?:[ '\-][^\W\d_]+)*\*?$")
_WORD = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*")


class WordListError(ValueError):
    """A word list that cannot be used; the message names the list and the line."""


@dataclass(frozen=True)
class WordList:
    """One list: its id, the label shown, and its entries (lower case; a trailing * matches
    any ending of the last word)."""

    id: str
    label: str
    entries: tuple[str, ...]


def _normal(text: str) -> str:
    """Lower case, compatibility forms folded, curly apostrophes straight."""
    return unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")


def words_of(text: str) -> list[str]:
    """The words of `text` in order, normalised (lower case; letters, inner apostrophes
    and hyphens)."""
    return _WORD.findall(_normal(text))


def clean_entries(label: str, lines: Sequence[str]) -> tuple[str, ...]:
    """Check and normalise the entries of one list.

    Input: the list's label (for messages) and its lines. Output: the entries, lower
    case, spaces collapsed, duplicates and blank lines dropped, in the order given.
    Raises WordListError naming the list and line for an entry that is not letters
    (with single spaces, hyphens or apostrophes between words and an optional trailing
    *), longer than MAX_ENTRY characters, or beyond MAX_ENTRIES entries.
    """
    kept: list[str] = []
    for number, line in enumerate(lines, start=1):
        entry = " ".join(_normal(line).split())
        if not entry:
            continue
        if len(entry) > MAX_ENTRY:
            raise WordListError(
                f"{label}, line {number}: the entry is longer than {MAX_ENTRY} characters."
            )
        if not _ENTRY.match(entry):
            raise WordListError(
                f"{label}, line {number}: '{entry}' is not a word or phrase; use letters, "
                "spaces, hyphens and apostrophes, with * only at the end."
            )
        if entry not in kept:
            kept.append(entry)
    if len(kept) > MAX_ENTRIES:
        raise WordListError(
            f"{label}: {len(kept)} entries; the most a list may hold is {MAX_ENTRIES}."
        )
    return tuple(kept)


def parse_word_lists(document: object) -> tuple[WordList, ...]:
    """Check a word-lists document (parsed YAML: list id -> {label, words}) and build the
    four lists in LIST_IDS order. Raises WordListError for a missing or unknown list, a
    missing label, or a bad entry (see clean_entries)."""
    if not isinstance(document, dict):
        raise WordListError("document: must be a mapping of the four lists.")
    unknown = sorted(set(document) - set(LIST_IDS))
    if unknown:
        raise WordListError(f"document: unknown list(s) {', '.join(map(str, unknown))}.")
    lists = []
    for list_id in LIST_IDS:
        raw = document.get(list_id)
        if not isinstance(raw, dict):
            raise WordListError(f"{list_id}: is required, with a label and words.")
        label = raw.get("label")
        if not isinstance(label, str) or not label.strip():
            raise WordListError(f"{list_id}.label: is required.")
        words = raw.get("words", [])
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise WordListError(f"{list_id}.words: must be a list of words.")
        lists.append(WordList(list_id, label.strip(), clean_entries(label.strip(), words)))
    return tuple(lists)


@cache
def default_word_lists() -> tuple[WordList, ...]:
    """The shipped lists (parsed once per process)."""
    return parse_word_lists(yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")))


def with_entries(
    defaults: Sequence[WordList], entries: Mapping[str, Sequence[str]]
) -> tuple[WordList, ...]:
    """The default lists with an organisation's own entries in place of theirs (a list
    the organisation has not changed keeps its default entries). `entries` holds lists
    already checked by clean_entries."""
    return tuple(
        WordList(w.id, w.label, tuple(entries[w.id])) if w.id in entries else w for w in defaults
    )


def _matches(entry: str, words: Sequence[str], at: int) -> bool:
    parts = entry.split(" ")
    if at + len(parts) > len(words):
        return False
    for i, part in enumerate(parts):
        word = words[at + i]
        if i == len(parts) - 1 and part.endswith("*"):
            if not word.startswith(part[:-1]):
                return False
        elif word != part:
            return False
    return True


def count_mentions(words: Sequence[str], entries: Sequence[str]) -> dict[str, int]:
    """How often each entry occurs in `words` (an entry may be a phrase; a trailing *
    matches any ending). Output: entry -> count, for entries found at least once."""
    found: dict[str, int] = {}
    for entry in entries:
        # A phrase matches words in sequence; hyphenated words count as one word, so
        # "well-being" is not "well being".
        norm = " ".join(words_of(entry.rstrip("*"))) + ("*" if entry.endswith("*") else "")
        n = sum(1 for at in range(len(words)) if _matches(norm, words, at))
        if n:
            found[entry] = n
    return found


@dataclass(frozen=True)
class ListMentions:
    """What the text holds of one list: the total count and each entry found."""

    list: WordList
    total: int
    found: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class ReflectionAid:
    """The aid for one draft: unanswered questions, word counts, and one sentence."""

    answered: int
    questions: int
    unanswered: tuple[tuple[str, str], ...]  # (step title, question)
    words: int
    mentions: tuple[ListMentions, ...]
    at_risk: int
    threat: int
    description: str

    @property
    def at_risk_share(self) -> int | None:
        """Percentage of all counted mentions that are of the people at risk; None when the
        text mentions nothing from any list."""
        total = self.at_risk + self.threat
        return None if total == 0 else round(100 * self.at_risk / total)


def _times(n: int) -> str:
    return {0: "not at all", 1: "once"}.get(n, f"{n} times")


def describe_draft(
    guide: Guide, answers: Mapping[str, str], word_lists: Sequence[WordList]
) -> ReflectionAid:
    """Describe a draft: which questions are unanswered and what its words attend to.

    Inputs: the guide, the draft's answers (prompt id -> text or grid position; blank or
    missing means unanswered) and the word lists (LIST_IDS order, at_risk first).
    Output: a ReflectionAid. Only the text answers are searched for words; grid answers
    count as answered. The description says what the text mentions; it never rates the
    writer. The method is a transparent word count (no model, no weighting).
    """
    unanswered: list[tuple[str, str]] = []
    answered = 0
    text_parts: list[str] = []
    for step in guide.steps:
        for prompt in step.prompts:
            value = answers.get(prompt.id, "")
            if isinstance(value, str) and value.strip():
                answered += 1
                if prompt.kind == "text":
                    text_parts.append(value)
            else:
                unanswered.append((step.title, prompt.question))
    words = words_of("\n".join(text_parts))
    mentions = []
    for word_list in word_lists:
        found = count_mentions(words, word_list.entries)
        mentions.append(
            ListMentions(
                word_list,
                sum(found.values()),
                tuple(sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))),
            )
        )
    at_risk = sum(m.total for m in mentions if m.list.id == AT_RISK)
    threat = sum(m.total for m in mentions if m.list.id != AT_RISK)
    labels = [m.list.label.lower() for m in mentions if m.list.id != AT_RISK]
    others = " or ".join([", ".join(labels[:-1]), labels[-1]] if len(labels) > 1 else labels)
    if not words:
        description = "The draft has no written answers yet, so there are no words to count."
    elif at_risk == 0 and threat == 0:
        description = (
            f"The draft's {len(words):,} words mention none of the listed words for the "
            f"people at risk or for {others}."
        )
    else:
        description = (
            f"In {len(words):,} words, the draft mentions the people at risk "
            f"{_times(at_risk)}, and {others} {_times(threat)}."
        )
    return ReflectionAid(
        answered=answered,
        questions=len(guide.prompts),
        unanswered=tuple(unanswered),
        words=len(words),
        mentions=tuple(mentions),
        at_risk=at_risk,
        threat=threat,
        description=description,
    )


def as_plain(aid: ReflectionAid) -> dict[str, Any]:
    """The aid as plain data (for the API and the page's live update)."""
    return {
        "answered": aid.answered,
        "questions": aid.questions,
        "unanswered": [{"step": s, "question": q} for s, q in aid.unanswered],
        "words": aid.words,
        "at_risk": aid.at_risk,
        "reputation_blame_self_protection": aid.threat,
        "at_risk_share": aid.at_risk_share,
        "lists": [
            {"id": m.list.id, "label": m.list.label, "total": m.total, "found": dict(m.found)}
            for m in aid.mentions
        ],
        "description": aid.description,
    }
