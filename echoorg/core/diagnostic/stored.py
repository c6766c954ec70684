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
    column = {item: c for c, item in enumerate(instrument.item_ids)}
    questions = [d.id for d in instrument.demographics]
    answers = np.zeros((len(rows), len(column)), dtype=np.uint8)
    unit_index = np.empty(len(rows), dtype=np.int32)
    audiences = np.empty(len(rows), dtype=np.uint8)
    background = np.zeros((len(rows), len(questions)), dtype=np.uint8)
    audience_codes: dict[str, int] = {}
    value_codes: list[dict[str, int]] = [{} for _ in questions]
    for r, (unit, audience, given, demographics) in enumerate(rows):
        unit_index[r] = unit
        audiences[r] = audience_codes.setdefault(audience, len(audience_codes))
        line = answers[r]
        for item, value in given.items():
            c = column.get(item)
            if c is not None and isinstance(value, int) and low <= value <= high:
                line[c] = value - low + 1
        if demographics:
            for q, question in enumerate(questions):
                value = demographics.get(question)
                if value:
                    codes = value_codes[q]
                    background[r, q] = codes.setdefault(value, len(codes) + 1)
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


def profile_to_json(profile: Profile | None) -> list | None:
    if profile is None:
        return None
    return [
        profile.pattern,
        profile.description,
        [[c.system, c.mean, c.radius] for c in profile.circles],
    ]


def profile_from_json(value: list | None) -> Profile | None:
    if value is None:
        return None
    pattern, description, circles = value
    return Profile(pattern, description, tuple(Circle(*c) for c in circles))


def cut_rows_to_json(rows: Sequence[CutRow]) -> list:
    return [[row.value, row.n, row.means] for row in rows]


def cut_rows_from_json(rows: Sequence[list]) -> list[CutRow]:
    return [CutRow(value, n, dict(means)) for value, n, means in rows]


def reliability_to_json(figures: Sequence[ScaleReliability]) -> list:
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


def reliability_from_json(value: Sequence[list]) -> list[ScaleReliability]:
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
