"""A closed wave's answers and figures in the form they are stored in: packed arrays and
plain JSON values, written once when the wave closes and read by every results page.

Answers are one byte each (uint8, 0 where not answered, else the answer minus the scale's
minimum plus 1, as in `coded`), respondents in rows and items in the instrument's order;
units, audiences and background answers are small integer codes. Figures (per unit, per
background split, reliability) are lists and dicts of numbers and strings that `json`
writes and reads back exactly (floats keep every bit through `repr`). Pure computation;
no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .cuts import CutRow
from .instrument import Instrument
from .profile import Circle, Profile
from .psychometrics import ItemStatistic, ScaleReliability

MISSING = 0


@dataclass
class PackedAnswers:
    """A wave's responses as arrays, rows in one (random) order."""

    answers: np.ndarray  # uint8, rows × items, 0 = not answered
    unit_index: np.ndarray  # int32, each row's unit position
    audiences: np.ndarray  # uint8, each row's position in audience_codes
    audience_codes: list[str]
    background: np.ndarray  # uint8, rows × background questions, 0 = not answered
    background_values: list[list[str]]  # per question, the answers coded 1, 2, ...

    def __len__(self) -> int:
        return int(self.answers.shape[0])

    def as_float(self, low: int) -> np.ndarray:
        """The answers as the scoring functions take them: float, NaN where not answered."""
        matrix = self.answers.astype(np.float64)
        matrix[self.answers == MISSING] = np.nan
        matrix += low - 1
        return matrix

    def audience_of(self) -> list[str]:
        return [self.audience_codes[a] for a in self.audiences.tolist()]

    def background_of(self, question: int) -> list[str | None]:
        """Each row's answer to one background question (None when not given)."""
        values = [None, *self.background_values[question]]
        return [values[c] for c in self.background[:, question].tolist()]


def pack_answers(
    instrument: Instrument,
    rows: Sequence[tuple[int, str, Mapping[str, int], Mapping[str, str]]],
) -> PackedAnswers:
    """Pack (unit position, audience, answers by item id, background answers by question
    id) rows, in the order given. Items outside the instrument, and answers outside its
    response scale, are left out (as the scoring does not count them)."""
    low, high = instrument.response_scale.min, instrument.response_scale.max
    questions = [d.id for d in instrument.demographics]
    n = len(rows)
    given = [row[2] for row in rows]
    answers = np.zeros((n, len(instrument.item_ids)), dtype=np.uint8)
    # Column by column (a comprehension over the rows per item, in C-speed loops): about
    # twenty times faster than walking each row's dict in Python.
    for c, item in enumerate(instrument.item_ids):
        try:
            values = np.fromiter((g.get(item, 0) for g in given), dtype=np.int64, count=n)
        except (TypeError, ValueError):  # something other than whole numbers: one by one
            values = np.array(
                [v if isinstance(v := g.get(item, 0), int) else 0 for g in given], dtype=np.int64
            )
        valid = (values >= low) & (values <= high)
        answers[valid, c] = values[valid] - low + 1
    unit_index = np.fromiter((row[0] for row in rows), dtype=np.int32, count=n)
    audience_codes: dict[str, int] = {}
    audiences = np.fromiter(
        (audience_codes.setdefault(row[1], len(audience_codes)) for row in rows),
        dtype=np.int64,
        count=n,
    ).astype(np.uint8)
    background = np.zeros((n, len(questions)), dtype=np.uint8)
    value_codes: list[dict[str, int]] = [{} for _ in questions]
    for q, question in enumerate(questions):
        codes = value_codes[q]
        background[:, q] = np.fromiter(
            (
                codes.setdefault(value, len(codes) + 1)
                if (value := (row[3] or {}).get(question))
                else 0
                for row in rows
            ),
            dtype=np.int64,
            count=n,
        )
    if len(audience_codes) > 255 or any(len(codes) > 255 for codes in value_codes):
        raise ValueError("More than 255 distinct audiences or background answers to pack.")
    return PackedAnswers(
        answers,
        unit_index,
        audiences,
        list(audience_codes),
        background,
        [list(codes) for codes in value_codes],
    )


def reorder(packed: PackedAnswers, order: Sequence[int]) -> PackedAnswers:
    """The same rows in the order given (a permutation of their positions)."""
    index = np.asarray(order, dtype=np.int64)
    return PackedAnswers(
        packed.answers[index],
        packed.unit_index[index],
        packed.audiences[index],
        packed.audience_codes,
        packed.background[index],
        packed.background_values,
    )


def to_bytes(array: np.ndarray, dtype: str) -> bytes:
    return np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()


def from_bytes(data: bytes, dtype: str, columns: int | None = None) -> np.ndarray:
    array = np.frombuffer(bytes(data), dtype=np.dtype(dtype).newbyteorder("<"))
    if columns is not None:
        array = array.reshape(-1, columns) if columns else np.zeros((0, 0), dtype=array.dtype)
    return array


# --- figures as JSON values ------------------------------------------------------------------


def _number(value: float | None) -> float | None:
    """NaN is not JSON: stored as None (every reader treats both as 'no figure')."""
    return None if value is None or value != value else float(value)


def profile_to_json(profile: Profile | None) -> list[Any] | None:
    if profile is None:
        return None
    return [
        profile.pattern,
        profile.description,
        [[c.system, c.mean, c.radius] for c in profile.circles],
    ]


def profile_from_json(value: list[Any] | None) -> Profile | None:
    if value is None:
        return None
    pattern, description, (first, second, third) = value
    return Profile(pattern, description, (Circle(*first), Circle(*second), Circle(*third)))


def cut_rows_to_json(rows: Sequence[CutRow]) -> list[list[Any]]:
    """[answer, n, means, why n is withheld, why each withheld mean is]"""
    return [[row.value, row.n, row.means, row.why, row.means_why] for row in rows]


def cut_rows_from_json(rows: Sequence[list[Any]]) -> list[CutRow]:
    """Rows of either form: with reasons, or [answer, n, means] as stored before them."""
    return [
        CutRow(
            row[0],
            row[1],
            dict(row[2]),
            row[3] if len(row) > 3 else "",
            dict(row[4]) if len(row) > 4 else {},
        )
        for row in rows
    ]


def reliability_to_json(figures: Sequence[ScaleReliability]) -> list[list[Any]]:
    return [
        [
            r.scale,
            r.n_items,
            r.n_complete,
            _number(r.alpha),
            _number(r.omega),
            [
                [
                    i.item,
                    _number(i.mean),
                    _number(i.sd),
                    _number(i.item_rest_r),
                    _number(i.alpha_if_deleted),
                ]
                for i in r.items
            ],
        ]
        for r in figures
    ]


def _nan(value: float | None) -> float:
    return float("nan") if value is None else value


def reliability_from_json(value: Sequence[list[Any]]) -> list[ScaleReliability]:
    return [
        ScaleReliability(
            scale,
            n_items,
            n_complete,
            _nan(alpha),
            _nan(omega),
            [ItemStatistic(item, *(_nan(x) for x in numbers)) for item, *numbers in items],
        )
        for scale, n_items, n_complete, alpha, omega, items in value
    ]
