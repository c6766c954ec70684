"""The quarter of the NHS financial year that contains a day (moved to the core, issue 9)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from echoorg.core.concerns.metrics import current_quarter, quarter_dates


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 4, 1), (2025, 1)),
        (date(2025, 6, 30), (2025, 1)),
        (date(2025, 7, 1), (2025, 2)),
        (date(2025, 12, 31), (2025, 3)),
        (date(2026, 1, 1), (2025, 4)),
        (date(2026, 3, 31), (2025, 4)),
    ],
)
def test_it_names_the_financial_year_by_its_start_and_the_quarter(day, expected):
    assert current_quarter(day) == expected


@given(st.dates(min_value=date(1978, 4, 1), max_value=date(2200, 12, 31)))
def test_the_day_lies_within_its_quarter(day):
    start, end = quarter_dates(*current_quarter(day))
    assert start <= day <= end
