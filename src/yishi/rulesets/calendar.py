"""The statutory holiday calendar of the PRC, built from ``chinese_calendar``.

``chinese_calendar`` (PyPI ``chinesecalendar``, MIT, no dependencies) carries
the State Council's yearly 放假安排: every public holiday, every day off moved
by 调休 and every weekend day worked in exchange. Its maintainers release a
new version when the next year's notice is published (each November), so the
years it covers are the years it lists, and ``tests/test_periods.py`` fails
when the current year is missing: that is the signal to upgrade it.

This is the I/O edge for the calendar: the domain receives a plain
:class:`~yishi.domain.periods.Calendar` value (design.md §2).
"""

from __future__ import annotations

import functools

from yishi.domain.periods import Calendar


@functools.lru_cache(maxsize=1)
def china() -> Calendar:
    import chinese_calendar

    holidays = frozenset(chinese_calendar.holidays)
    workdays = frozenset(chinese_calendar.workdays)
    years = frozenset(day.year for day in holidays)
    return Calendar(
        holidays=holidays,
        workdays=workdays,
        years=years,
        source=f"chinesecalendar {chinese_calendar.__version__}（国务院办公厅历年部分节假日安排的通知）",
    )


CALENDARS = {"cn": china}
