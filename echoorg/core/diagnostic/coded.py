"""A compact form of a response matrix for large files: one byte per answer.

Each item is a column of uint8 codes: 0 when the respondent did not answer, else the answer
minus the scale's minimum plus 1 (so 1..points). A million respondents of a 52-item
instrument take 52 MB this way instead of 416 MB as float64.

Because the codes are small whole numbers, the heavy sums are done by counting: for each
scale, a respondent's (sum, count) of answered items, or the pattern of their complete
answers, is one small integer, and a histogram of those integers gives every total the
scoring rule and the covariance matrix need, exactly. Results equal those of the float
route in `scoring` and `psychometrics` (tests compare them).

Where echoorg's C accelerator is installed (see fastread.py), the two histograms are
counted by it in one pass over each scale's columns; the counts, and so every figure built
from them, are the same as NumPy's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import fastread
from .instrument import Instrument

# Largest number of distinct answer patterns counted by histogram (beyond it, a matrix).
MAX_PATTERNS = 1 << 22
NATIVE_MAX_ITEMS = 64  # the most items of one scale the C accelerator counts (_fast.c)


@dataclass
class CodedAnswers:
    columns: list[np.ndarray]  # one uint8 array per item, in instrument order
    low: int
    high: int
    _keyed: dict = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    @property
    def points(self) -> int:
        return self.high - self.low + 1

    @classmethod
    def from_float(cls, answers: np.ndarray, low: int, high: int) -> CodedAnswers:
        """From float answers (n, items), NaN = not answered, values within low..high."""
        data = np.asarray(answers, dtype=np.float64)
        if data.ndim != 2:
            raise ValueError(f"answers: expected a 2-dimensional array, got {data.shape}.")
        if high - low + 1 > 254:
            raise ValueError("the response scale has too many points for one byte.")
        missing = np.isnan(data)
        given = data[~missing]
        if ((given < low) | (given > high) | (given != np.round(given))).any():
            raise ValueError(f"answers: a value is not a whole number within {low}..{high}.")
        codes = np.where(missing, 0, data - low + 1).astype(np.uint8)
        return cls([np.ascontiguousarray(codes[:, j]) for j in range(codes.shape[1])], low, high)

    def to_float(self) -> np.ndarray:
        """Back to float64 answers (n, items) with NaN for blanks."""
        out = np.empty((len(self), len(self.columns)))
        for j, column in enumerate(self.columns):
            out[:, j] = column
            out[column == 0, j] = np.nan
        out += self.low - 1
        return out

    def keyed_columns(self, instrument: Instrument, scale_id: str) -> list[np.ndarray]:
        """The scale's item columns after reverse keying (code c becomes points + 1 - c,
        which is min + max - x in answers). Cached: scoring and reliability both read them.
        """
        key = (instrument.key, scale_id)
        if key not in self._keyed:
            keyed = []
            for j, item in enumerate(instrument.items):
                if item.scale != scale_id:
                    continue
                column = self.columns[j]
                if item.reverse:
                    column = np.where(column > 0, np.uint8(self.points + 1) - column, np.uint8(0))
                keyed.append(column)
            self._keyed[key] = keyed
        return self._keyed[key]


def _sum_and_count(
    coded: CodedAnswers, instrument: Instrument, scale_id: str
) -> tuple[np.ndarray, np.ndarray]:
    """Each respondent's sum of keyed codes and number of answered items on a scale."""
    key = ("sums", instrument.key, scale_id)
    if key not in coded._keyed:
        columns = coded.keyed_columns(instrument, scale_id)
        sums = np.zeros(len(coded), dtype=np.int32)
        counts = np.zeros(len(coded), dtype=np.int32)
        for column in columns:
            sums += column
            counts += column > 0
        coded._keyed[key] = (sums, counts)
    return coded._keyed[key]


def coded_unit_totals(
    instrument: Instrument, coded: CodedAnswers, unit_of: np.ndarray, n_units: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per unit, of its own respondents: how many answered anything, and per scale how many
    have a score and the sum of their scores (from `coded_unit_partial_sums`)."""
    own_n, own_scale_n, partial = coded_unit_partial_sums(instrument, coded, unit_of, n_units)
    return own_n, own_scale_n, scale_sums_from_partials(partial, own_scale_n, coded.low)


def coded_unit_partial_sums(
    instrument: Instrument, coded: CodedAnswers, unit_of: np.ndarray, n_units: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per unit, of its own respondents, in whole numbers only: how many answered anything;
    per scale, how many have a score; and per scale and number c of answered items, the
    sum of the keyed codes of the respondents with a score from c items.

    Outputs: own_n int64 (n_units,), own_scale_n int64 (n_units, n_scales), partial int64
    (n_units, n_scales, m + 1) where m is the most items of any scale. Being integers,
    these add up over a unit tree exactly, in any order; `scale_sums_from_partials` then
    turns them into sums of scores in one fixed sequence of operations, so every route
    (and every order of units) gives the same bits.

    Method: a respondent's sum and count of answered codes on a scale make one integer;
    a histogram over (unit, that integer) holds every respondent's contribution.
    """
    n = len(coded)
    answered_any = np.zeros(n, dtype=bool)
    widest = max(len(instrument.items_of(s.id)) for s in instrument.scales)
    own_scale_n = np.zeros((n_units, len(instrument.scales)), dtype=np.int64)
    partial = np.zeros((n_units, len(instrument.scales), widest + 1), dtype=np.int64)
    native = fastread.native
    for s, scale in enumerate(instrument.scales):
        k = len(instrument.items_of(scale.id))
        width = (coded.points * k + 1) * (k + 1)
        if native is not None and n and k <= NATIVE_MAX_ITEMS:
            bins = np.zeros((n_units, width), dtype=np.int64)
            columns, reverse = _scale_columns(coded, instrument, scale.id)
            native.unit_histogram(
                columns,
                reverse,
                coded.points,
                np.ascontiguousarray(unit_of, dtype=np.int64),
                bins,
                answered_any.view(np.uint8),
            )
        else:
            sums, counts = _sum_and_count(coded, instrument, scale.id)
            answered_any |= counts > 0
            bins = np.bincount(
                unit_of * width + sums * (k + 1) + counts, minlength=n_units * width
            ).reshape(n_units, width)
        code = np.arange(width)
        bin_sum, bin_count = code // (k + 1), code % (k + 1)
        enough = (bin_count * 2 >= k) & (bin_count > 0)
        own_scale_n[:, s] = bins[:, enough].sum(axis=1)
        for c in range(1, k + 1):
            if c * 2 >= k:
                chosen = bin_count == c
                partial[:, s, c] = bins[:, chosen] @ bin_sum[chosen]  # integers: exact
    own_n = np.bincount(unit_of[answered_any], minlength=n_units).astype(np.int64)
    return own_n, own_scale_n, partial


def scale_sums_from_partials(partial: np.ndarray, scale_n: np.ndarray, low: int) -> np.ndarray:
    """Sums of scale scores from `coded_unit_partial_sums`' whole numbers.

    A respondent's score is (sum of codes) / c + (low - 1), codes being answer - low + 1;
    so a group's sum is the sum over c of partial[..., c] / c, plus (low - 1) times the
    number of scores. Each division is done once per c, and the terms are added in
    increasing c, whatever the group.
    """
    total = np.zeros(partial.shape[:-1])
    for c in range(1, partial.shape[-1]):
        total += partial[..., c] / c
    return total + (low - 1) * scale_n


def complete_moments(
    instrument: Instrument, coded: CodedAnswers, scale_id: str
) -> tuple[int, np.ndarray, np.ndarray]:
    """For respondents who answered every item of the scale (after reverse keying): their
    number, the item means and the sample covariance matrix (ddof = 1).

    The sums and cross-products are exact integers, from a histogram of answer patterns
    when there are few enough patterns, so the covariance has no rounding but the last
    division.
    """
    k, points = len(instrument.items_of(scale_id)), coded.points
    native = fastread.native
    if native is not None and points**k <= MAX_PATTERNS and len(coded) and k <= NATIVE_MAX_ITEMS:
        counts = np.zeros(points**k, dtype=np.int64)
        columns, reverse = _scale_columns(coded, instrument, scale_id)
        native.pattern_histogram(columns, reverse, points, len(coded), counts)
        return _moments_from_patterns(counts, k, points, coded.low)
    columns = coded.keyed_columns(instrument, scale_id)
    complete = _sum_and_count(coded, instrument, scale_id)[1] == k
    n = int(complete.sum())
    if points**k <= MAX_PATTERNS:
        pattern = np.zeros(len(coded), dtype=np.int32)
        for j, column in enumerate(columns):
            pattern += column * np.int32(points**j)
        pattern -= np.int32(sum(points**j for j in range(k)))  # codes start at 1
        counts = np.bincount(pattern[complete], minlength=points**k).astype(np.int64)
        return _moments_from_patterns(counts, k, points, coded.low)
    values = np.stack([column[complete].astype(np.int64) for column in columns], axis=1)
    return _moments(values, np.ones(n, dtype=np.int64), coded.low)


def _scale_columns(
    coded: CodedAnswers, instrument: Instrument, scale_id: str
) -> tuple[list[np.ndarray], bytes]:
    """A scale's raw code columns and one byte per item: 1 where it is reverse keyed."""
    pairs = [
        (coded.columns[j], item.reverse)
        for j, item in enumerate(instrument.items)
        if item.scale == scale_id
    ]
    return [np.ascontiguousarray(c) for c, _ in pairs], bytes(int(r) for _, r in pairs)


def _moments_from_patterns(
    counts: np.ndarray, k: int, points: int, low: int
) -> tuple[int, np.ndarray, np.ndarray]:
    """Moments from a histogram of complete answer patterns (pattern = sum over items j
    of (keyed code j - 1) * points^j)."""
    seen = np.nonzero(counts)[0]
    values = np.stack([(seen // points**j) % points + 1 for j in range(k)], axis=1)
    return _moments(values, counts[seen], low)


def _moments(
    values: np.ndarray, weights: np.ndarray, low: int
) -> tuple[int, np.ndarray, np.ndarray]:
    """Number, item means and covariance (ddof = 1) of rows of keyed codes, each row
    counted `weights` times; exact integer sums, one division at the end."""
    k = values.shape[1]
    n = int(weights.sum())
    sums = (values * weights[:, None]).sum(axis=0)  # in codes; the shift cancels in cov
    cross = (values * weights[:, None]).T @ values
    means = sums / n + (low - 1) if n else np.full(k, np.nan)
    if n < 2:
        return n, means, np.full((k, k), np.nan)
    cov = (n * cross - np.outer(sums, sums)) / (n * (n - 1))
    return n, means, cov
