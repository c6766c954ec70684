"""England and Wales bank holidays and working days (echoorg.core.concerns.calendar)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from echoorg.core.concerns.calendar import (
    PROCLAMATIONS,
    add_working_days,
    bank_holiday_names,
    bank_holidays,
    easter_sunday,
    is_bank_holiday,
    is_working_day,
    next_working_day_after,
)


def days(year: int, *month_days: tuple[int, int]) -> set[date]:
    return {date(year, m, d) for m, d in month_days}


# Published lists (GOV.UK, "UK bank holidays", England and Wales).
PUBLISHED = {
    2020: days(2020, (1, 1), (4, 10), (4, 13), (5, 8), (5, 25), (8, 31), (12, 25), (12, 28)),
    2021: days(2021, (1, 1), (4, 2), (4, 5), (5, 3), (5, 31), (8, 30), (12, 27), (12, 28)),
    2022: days(
        2022, (1, 3), (4, 15), (4, 18), (5, 2), (6, 2), (6, 3), (8, 29), (9, 19), (12, 26), (12, 27)
    ),
    2023: days(2023, (1, 2), (4, 7), (4, 10), (5, 1), (5, 8), (5, 29), (8, 28), (12, 25), (12, 26)),
    2024: days(2024, (1, 1), (3, 29), (4, 1), (5, 6), (5, 27), (8, 26), (12, 25), (12, 26)),
    2025: days(2025, (1, 1), (4, 18), (4, 21), (5, 5), (5, 26), (8, 25), (12, 25), (12, 26)),
    2026: days(2026, (1, 1), (4, 3), (4, 6), (5, 4), (5, 25), (8, 31), (12, 25), (12, 28)),
    2027: days(2027, (1, 1), (3, 26), (3, 29), (5, 3), (5, 31), (8, 30), (12, 27), (12, 28)),
}


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_bank_holidays_match_the_published_lists(year):
    assert bank_holidays(year) == PUBLISHED[year]


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (
            1981,
            days(
                1981,
                (1, 1),
                (4, 17),
                (4, 20),
                (5, 4),
                (5, 25),
                (7, 29),
                (8, 31),
                (12, 25),
                (12, 28),
            ),
        ),
        (1995, days(1995, (1, 2), (4, 14), (4, 17), (5, 8), (5, 29), (8, 28), (12, 25), (12, 26))),
        (
            1999,
            days(
                1999, (1, 1), (4, 2), (4, 5), (5, 3), (5, 31), (8, 30), (12, 27), (12, 28), (12, 31)
            ),
        ),
        (2000, days(2000, (1, 3), (4, 21), (4, 24), (5, 1), (5, 29), (8, 28), (12, 25), (12, 26))),
        (
            2002,
            days(
                2002, (1, 1), (3, 29), (4, 1), (5, 6), (6, 3), (6, 4), (8, 26), (12, 25), (12, 26)
            ),
        ),
        (
            2011,
            days(
                2011,
                (1, 3),
                (4, 22),
                (4, 25),
                (4, 29),
                (5, 2),
                (5, 30),
                (8, 29),
                (12, 26),
                (12, 27),
            ),
        ),
        (
            2012,
            days(2012, (1, 2), (4, 6), (4, 9), (5, 7), (6, 4), (6, 5), (8, 27), (12, 25), (12, 26)),
        ),
    ],
)
def test_one_off_years(year, expected):
    assert bank_holidays(year) == expected


def test_moved_holidays_are_not_also_kept_on_their_usual_day():
    assert date(1995, 5, 1) not in bank_holidays(1995)
    assert date(2002, 5, 27) not in bank_holidays(2002)
    assert date(2012, 5, 28) not in bank_holidays(2012)
    assert date(2020, 5, 4) not in bank_holidays(2020)
    assert date(2022, 5, 30) not in bank_holidays(2022)


def test_one_offs_have_names():
    names = bank_holiday_names(2022)
    assert names[date(2022, 9, 19)] == "State funeral of Queen Elizabeth II"
    assert names[date(2022, 6, 3)] == "Platinum Jubilee"
    assert bank_holiday_names(2023)[date(2023, 5, 8)] == "Coronation of King Charles III"
    assert bank_holiday_names(2026)[date(2026, 12, 28)] == "Boxing Day (substitute day)"
    assert list(bank_holiday_names(2026)) == sorted(bank_holiday_names(2026))


def test_every_proclamation_applies_and_replaces_a_real_holiday():
    for row in PROCLAMATIONS:
        holidays = bank_holidays(row.day.year)  # raises if `replaces` is wrong
        assert row.day in holidays
        if row.replaces is not None:
            assert row.replaces not in holidays


@pytest.mark.parametrize(
    ("christmas_year", "expected"),
    [
        (2027, {date(2027, 12, 27), date(2027, 12, 28)}),  # Christmas on Saturday
        (2022, {date(2022, 12, 26), date(2022, 12, 27)}),  # Christmas on Sunday
        (2026, {date(2026, 12, 25), date(2026, 12, 28)}),  # Boxing Day on Saturday
        (2025, {date(2025, 12, 25), date(2025, 12, 26)}),  # Thursday and Friday
    ],
)
def test_christmas_substitutes(christmas_year, expected):
    december = {d for d in bank_holidays(christmas_year) if d.month == 12}
    assert december == expected


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2022, date(2022, 1, 3)),  # Saturday -> Monday 3
        (2023, date(2023, 1, 2)),  # Sunday -> Monday 2
        (2026, date(2026, 1, 1)),
    ],
)
def test_new_years_day_substitutes(year, expected):
    assert min(bank_holidays(year)) == expected


@pytest.mark.parametrize(
    ("year", "sunday"),
    [
        (1818, date(1818, 3, 22)),
        (1943, date(1943, 4, 25)),
        (1981, date(1981, 4, 19)),
        (2000, date(2000, 4, 23)),
        (2008, date(2008, 3, 23)),
        (2011, date(2011, 4, 24)),
        (2019, date(2019, 4, 21)),
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
        (2285, date(2285, 3, 22)),
    ],
)
def test_easter_sunday(year, sunday):
    assert easter_sunday(year) == sunday
    assert sunday.weekday() == 6


def test_easter_agrees_with_dateutil_for_many_years():
    easter = pytest.importorskip("dateutil.easter")
    for year in range(1600, 2500):
        assert easter_sunday(year) == easter.easter(year), year


@given(st.integers(min_value=1978, max_value=2400))
def test_every_year_has_the_eight_standing_holidays_on_weekdays(year):
    holidays = bank_holidays(year)
    extra = sum(1 for row in PROCLAMATIONS if row.day.year == year and row.replaces is None)
    assert len(holidays) == 8 + extra
    assert all(d.weekday() < 5 for d in holidays)
    easter = easter_sunday(year)
    assert {easter - timedelta(days=2), easter + timedelta(days=1)} <= holidays


def test_years_before_1978_are_refused():
    with pytest.raises(ValueError, match="from 1978"):
        bank_holidays(1977)


def test_the_returned_set_is_a_copy():
    bank_holidays(2026).clear()
    assert len(bank_holidays(2026)) == 8


def test_working_days():
    assert is_working_day(date(2026, 4, 2))  # Thursday
    assert not is_working_day(date(2026, 4, 3))  # Good Friday
    assert not is_working_day(date(2026, 4, 4))  # Saturday
    assert not is_working_day(date(2026, 4, 5))  # Sunday
    assert not is_working_day(date(2026, 4, 6))  # Easter Monday
    assert is_working_day(date(2026, 4, 7))
    assert is_bank_holiday(date(2026, 12, 28)) and not is_bank_holiday(date(2026, 12, 26))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 4, 2), date(2026, 4, 7)),  # Thu before Easter -> Tue after Easter Monday
        (date(2026, 4, 3), date(2026, 4, 7)),
        (date(2026, 4, 7), date(2026, 4, 8)),
        (date(2026, 12, 24), date(2026, 12, 29)),  # 25 Dec Fri and 28 Dec Mon are holidays
        (date(2026, 12, 31), date(2027, 1, 4)),  # 1 Jan 2027 Fri, then the weekend
        (date(2026, 5, 22), date(2026, 5, 26)),  # Friday before the spring bank holiday
        (date(2022, 9, 16), date(2022, 9, 20)),  # the state funeral Monday
        (date(2026, 3, 4), date(2026, 3, 5)),  # an ordinary Wednesday
        (date(2026, 3, 6), date(2026, 3, 9)),  # an ordinary Friday
    ],
)
def test_next_working_day_after(day, expected):
    assert next_working_day_after(day) == expected


def test_add_working_days():
    assert add_working_days(date(2026, 4, 2), 0) == date(2026, 4, 2)
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert add_working_days(date(2026, 4, 2), 2) == date(2026, 4, 8)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 4, 2), -1)


@given(st.dates(min_value=date(1978, 1, 1), max_value=date(2300, 12, 1)))
def test_next_working_day_is_the_first_working_day_after(day):
    found = next_working_day_after(day)
    assert found > day and is_working_day(found)
    between = day + timedelta(days=1)
    while between < found:
        assert not is_working_day(between)
        between += timedelta(days=1)
    assert (found - day).days <= 5
