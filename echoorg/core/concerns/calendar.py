"""England and Wales bank holidays and working days, for the safeguarding clock.

Sources:
- GOV.UK, "UK bank holidays", https://www.gov.uk/bank-holidays (the published list for
  England and Wales, including substitute days).
- Banking and Financial Dealings Act 1971, s. 1 and Schedule 1 para. 1 (England and
  Wales): Easter Monday, the last Monday in May, the last Monday in August, 26 December
  (when not a Sunday) and 27 December when 25 or 26 December is a Sunday. Under s. 1(3)
  further days are appointed each year by royal proclamation: New Year's Day (from 1974),
  the early May bank holiday (first Monday in May, from 1978) and the substitute days.
  Christmas Day and Good Friday are common-law holidays.
- One-off changes are made by royal proclamation under s. 1(3) of the 1971 Act; each is
  one row of `PROCLAMATIONS` below.

The rules are valid from 1978, the first year with the early May bank holiday.
Pure functions; no Django.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

FIRST_YEAR = 1978
"""The first year the rules here describe (the early May bank holiday began in 1978)."""

MONDAY, FRIDAY, SATURDAY, SUNDAY = 0, 4, 5, 6


@dataclass(frozen=True)
class Proclamation:
    """A one-off change to the England and Wales bank holidays, made by royal proclamation
    under the Banking and Financial Dealings Act 1971 s. 1(3) (listed on GOV.UK).

    `day` becomes a bank holiday; when `replaces` is given, that usual holiday (which must
    be the date the standing rules give) is not a bank holiday that year (a moved holiday).
    """

    day: dt.date
    name: str
    replaces: dt.date | None = None


# One row per proclamation. A future proclamation is one more line here.
PROCLAMATIONS: tuple[Proclamation, ...] = (
    Proclamation(dt.date(1981, 7, 29), "Royal wedding (Prince of Wales and Lady Diana Spencer)"),
    Proclamation(
        dt.date(1995, 5, 8),
        "Early May bank holiday (VE Day 50th anniversary)",
        replaces=dt.date(1995, 5, 1),
    ),
    Proclamation(dt.date(1999, 12, 31), "Millennium"),
    Proclamation(dt.date(2002, 6, 3), "Golden Jubilee"),
    Proclamation(
        dt.date(2002, 6, 4),
        "Spring bank holiday (moved for the Golden Jubilee)",
        replaces=dt.date(2002, 5, 27),
    ),
    Proclamation(dt.date(2011, 4, 29), "Royal wedding (Prince William and Catherine Middleton)"),
    Proclamation(
        dt.date(2012, 6, 4),
        "Spring bank holiday (moved for the Diamond Jubilee)",
        replaces=dt.date(2012, 5, 28),
    ),
    Proclamation(dt.date(2012, 6, 5), "Diamond Jubilee"),
    Proclamation(
        dt.date(2020, 5, 8),
        "Early May bank holiday (VE Day 75th anniversary)",
        replaces=dt.date(2020, 5, 4),
    ),
    Proclamation(
        dt.date(2022, 6, 2),
        "Spring bank holiday (moved for the Platinum Jubilee)",
        replaces=dt.date(2022, 5, 30),
    ),
    Proclamation(dt.date(2022, 6, 3), "Platinum Jubilee"),
    Proclamation(dt.date(2022, 9, 19), "State funeral of Queen Elizabeth II"),
    Proclamation(dt.date(2023, 5, 8), "Coronation of King Charles III"),
)


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday in the Gregorian calendar.

    Input: a year (1583 or later). Output: the date of Easter Sunday.
    Source: the anonymous Gregorian algorithm (Meeus/Jones/Butcher), as given in
    J. Meeus, *Astronomical Algorithms* (1991), ch. 8.
    """
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _first_monday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(MONDAY - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    after = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = after - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - MONDAY) % 7)


def _standing_rules(year: int) -> dict[dt.date, str]:
    """The holidays the standing rules give, before any one-off proclamation."""
    days: dict[dt.date, str] = {}

    new_year = dt.date(year, 1, 1)
    if new_year.weekday() == SATURDAY:
        days[new_year + dt.timedelta(days=2)] = "New Year's Day (substitute day)"
    elif new_year.weekday() == SUNDAY:
        days[new_year + dt.timedelta(days=1)] = "New Year's Day (substitute day)"
    else:
        days[new_year] = "New Year's Day"

    easter = easter_sunday(year)
    days[easter - dt.timedelta(days=2)] = "Good Friday"
    days[easter + dt.timedelta(days=1)] = "Easter Monday"
    days[_first_monday(year, 5)] = "Early May bank holiday"
    days[_last_monday(year, 5)] = "Spring bank holiday"
    days[_last_monday(year, 8)] = "Summer bank holiday"

    christmas = dt.date(year, 12, 25)
    weekday = christmas.weekday()
    if weekday == SATURDAY:  # Christmas Sat, Boxing Day Sun -> Mon 27 and Tue 28
        days[dt.date(year, 12, 27)] = "Christmas Day (substitute day)"
        days[dt.date(year, 12, 28)] = "Boxing Day (substitute day)"
    elif weekday == SUNDAY:  # Boxing Day Mon 26, Christmas substitute Tue 27
        days[dt.date(year, 12, 26)] = "Boxing Day"
        days[dt.date(year, 12, 27)] = "Christmas Day (substitute day)"
    elif weekday == FRIDAY:  # Boxing Day Sat -> Mon 28
        days[christmas] = "Christmas Day"
        days[dt.date(year, 12, 28)] = "Boxing Day (substitute day)"
    else:
        days[christmas] = "Christmas Day"
        days[dt.date(year, 12, 26)] = "Boxing Day"
    return days


@lru_cache(maxsize=256)
def _holidays(year: int) -> tuple[tuple[dt.date, str], ...]:
    if year < FIRST_YEAR:
        raise ValueError(f"Bank holidays are only known here from {FIRST_YEAR}, not {year}.")
    days = _standing_rules(year)
    for row in PROCLAMATIONS:
        if row.day.year != year:
            continue
        if row.replaces is not None:
            if row.replaces not in days:
                raise AssertionError(
                    f"Proclamation for {row.day} replaces {row.replaces}, "
                    "which the standing rules do not give."
                )
            del days[row.replaces]
        days[row.day] = row.name
    return tuple(sorted(days.items()))


def bank_holiday_names(year: int) -> dict[dt.date, str]:
    """The England and Wales bank holidays of `year` with their names, in date order.

    Input: a year, 1978 or later (ValueError before). Output: {date: name}.
    Sources: see the module docstring (GOV.UK; Banking and Financial Dealings Act 1971;
    royal proclamations in `PROCLAMATIONS`).
    """
    return dict(_holidays(year))


def bank_holidays(year: int) -> set[dt.date]:
    """The England and Wales bank holidays of `year` (substitute days included).

    Input: a year, 1978 or later (ValueError before). Output: a new set of dates.
    Sources: see the module docstring.
    """
    return set(_holiday_set(year))


@lru_cache(maxsize=256)
def _holiday_set(year: int) -> frozenset[dt.date]:
    return frozenset(day for day, _ in _holidays(year))


def is_bank_holiday(day: dt.date) -> bool:
    """Whether `day` is an England and Wales bank holiday (sources: module docstring)."""
    return day in _holiday_set(day.year)


def is_working_day(day: dt.date) -> bool:
    """Whether `day` is a working day in England and Wales: Monday to Friday and not a
    bank holiday. Input: a date (1978 or later). Output: bool."""
    return day.weekday() < SATURDAY and not is_bank_holiday(day)


def next_working_day_after(day: dt.date) -> dt.date:
    """The first England and Wales working day strictly after `day`.

    Input: a date (1978 or later). Output: a date. Example: Thursday 2 April 2026 ->
    Tuesday 7 April 2026 (Good Friday, the weekend and Easter Monday are not working days).
    ValueError (never OverflowError) when none is left before the calendar ends in 9999.
    """
    try:
        candidate = day + dt.timedelta(days=1)
        while not is_working_day(candidate):
            candidate += dt.timedelta(days=1)
    except OverflowError:  # the calendar ends on 31 December 9999
        raise ValueError(
            f"There is no working day after {day.isoformat()} in the calendar "
            f"(it ends on {dt.date.max.isoformat()})."
        ) from None
    return candidate


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th England and Wales working day after `day`; for n = 1 this is
    `next_working_day_after(day)`, and n = 0 gives `day` itself.
    Input: a date and n >= 0. Output: a date."""
    if n < 0:
        raise ValueError(f"n must not be negative, not {n}.")
    for _ in range(n):
        day = next_working_day_after(day)
    return day
