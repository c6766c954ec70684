"""Free-text comments of a survey wave grouped by the theme of the question they answer,
with a count per theme and pages of a fixed length.

Plain Python, no Django. Each comment question of an instrument names a scale (see
`instrument.CommentQuestion`); its answers are grouped under that scale's theme, in the
instrument's scale order. The closing "anything else" question (and any question the
instrument no longer has) is grouped as "Other comments", last.

Which comments may be shown at all (a group of at least 10 people and at least the
wave's minimum group size) is decided before they reach this module; grouping and
paging never add a comment nor show one that was withheld.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .instrument import Instrument

Entry = TypeVar("Entry", bound=tuple[object, ...])

# The theme of the closing question; a key no scale id can take (ids have no hyphen).
OTHER_THEME = "other-comments"
PER_PAGE = 20


@dataclass(frozen=True)
class Theme:
    key: str  # a scale id, or OTHER_THEME
    name: str
    questions: tuple[str, ...]  # the questions whose answers are grouped here


@dataclass(frozen=True)
class ThemeComments:
    theme: Theme
    comments: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.comments)


@dataclass(frozen=True)
class CommentPage:
    """One page of a theme's comments: `number` of `pages` (1-based), items [start, stop)."""

    number: int
    pages: int
    start: int
    stop: int

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


class PageOutOfRange(ValueError):
    """A page number that is not a whole number from 1 to the number of pages."""


def in_random_order(entries: Sequence[Entry], key: bytes) -> list[Entry]:
    """`entries` (tuples whose first two fields are a response's random id and the
    question id) in a random order that is the same on every call with the same `key`:
    sorted by HMAC-SHA-256 of question and response id under `key`.

    A fixed order lets pages of comments neither repeat nor skip one. Each question has
    its own order (the question is in the HMAC), so the place of one person's comment
    under one theme says nothing about the place of their comment under another; and
    without the key the order follows nothing stored with the responses."""

    def position(entry: Entry) -> bytes:
        message = f"{entry[1]}\x00{entry[0]}".encode()
        return hmac.new(key, message, hashlib.sha256).digest()

    return sorted(entries, key=position)


def comment_themes(instrument: Instrument, other_question: str) -> list[Theme]:
    """The themes of an instrument's comments: each scale that a comment question names,
    in the instrument's scale order, then "Other comments" (`other_question` is the
    closing question's wording)."""
    themes = []
    for scale in instrument.scales:
        questions = tuple(q.question for q in instrument.comments if q.scale == scale.id)
        if questions:
            themes.append(Theme(scale.id, scale.name, questions))
    themes.append(Theme(OTHER_THEME, "Other comments", (other_question,)))
    return themes


def group_comments(
    instrument: Instrument, comments: Iterable[tuple[str, str]], other_question: str
) -> list[ThemeComments]:
    """`comments` as (question id, text) pairs, in the order they are to be shown,
    grouped by theme: every theme of `comment_themes`, with its comments in the order
    given (an empty tuple where none). A question id the instrument does not have (the
    closing question's included) counts as "Other comments"."""
    theme_of = {q.id: q.scale for q in instrument.comments}
    themes = comment_themes(instrument, other_question)
    grouped: dict[str, list[str]] = {t.key: [] for t in themes}
    for question, text in comments:
        grouped[theme_of.get(question, OTHER_THEME)].append(text)
    return [ThemeComments(t, tuple(grouped[t.key])) for t in themes]


def comment_page(count: int, number: int, per_page: int = PER_PAGE) -> CommentPage:
    """Page `number` (from 1) of `count` comments, `per_page` to a page. No comments make
    one empty page. Raises PageOutOfRange for a page below 1 or after the last."""
    if per_page < 1:
        raise ValueError("per_page must be 1 or more")
    pages = max(1, -(-count // per_page))
    if not 1 <= number <= pages:
        raise PageOutOfRange(
            f"There is no page {number}: "
            + ("there is 1 page." if pages == 1 else f"the pages are 1 to {pages}.")
        )
    start = (number - 1) * per_page
    return CommentPage(number, pages, start, min(start + per_page, count))
