"""Periods counted as the 民法典 counts them (Arts. 200–204, 1259).

- Art. 201: a period counted in days starts on the day *after* the event that
  set it running; the day of posting, of the notice or of the objection is not
  counted.
- Art. 203: if the last day is a 法定休假日, the period ends on the day after
  the rest days end. We read 法定休假日 as every day off under the State
  Council's arrangement: the public holidays of 《全国年节及纪念日放假办法》, the
  days off moved by 调休, and Saturdays and Sundays that are not 调休 working
  days (docs/defaults.md, "期间的计算").
- Art. 1259: "届满" includes the day itself: the last day is inside the period.

A rule set chooses whether its periods count calendar days (the law's "日")
or working days (``[periods] counting``). Pure: the calendar is a value handed
in, built at the edge (``yishi.rulesets.calendar``) from a dated data source.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs

ONE_DAY = dt.timedelta(days=1)

# Public holidays that fall on a fixed solar date under 《全国年节及纪念日放假办法》
# (2024 revision, in force 2025-01-01): 元旦 1 day, 劳动节 2 days, 国庆节 3 days.
# Used only for a year whose arrangement is not loaded, together with weekends,
# and any period that relied on them is marked estimated.
FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})


class Counting(enum.Enum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"


@attrs.frozen
class Calendar:
    """Days off and 调休 working days, for the years whose arrangement is known.

    ``holidays``: public holidays and the days off moved onto weekdays;
    ``workdays``: Saturdays and Sundays that are working days (调休);
    ``years``: the years these sets cover. Outside them a day is a rest day if
    it is a Saturday, a Sunday or a fixed-date public holidays, and a period that
    depends on such a day says it is estimated.
    """

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    years: frozenset[int] = frozenset()
    source: str = ""

    def covers(self, day: dt.date) -> bool:
        return day.year in self.years

    def is_rest_day(self, day: dt.date) -> bool:
        if day.year in self.years:
            return day in self.holidays or (day.weekday() >= 5 and day not in self.workdays)
        return day.weekday() >= 5 or (day.month, day.day) in FIXED_HOLIDAYS


@attrs.frozen
class Period:
    """A period of ``days`` days set running on ``start``.

    ``first_day`` and ``last_day`` are both inside the period (``last_day`` is
    the day it 届满). ``nominal_last_day`` is where the count alone ends, before
    Art. 203 moves the end past rest days. ``estimated``: some day the result
    depends on lies in a year whose holiday arrangement is not loaded.
    With ``days == 0`` the period is empty: ``last_day`` is ``start``.
    """

    start: dt.date
    days: int
    counting: Counting
    first_day: dt.date
    last_day: dt.date
    nominal_last_day: dt.date
    estimated: bool = False

    @property
    def end(self) -> dt.date:
        """The first day after the period (an exclusive bound, as the log stores it)."""
        return self.last_day + ONE_DAY

    @property
    def extended(self) -> bool:
        return self.last_day != self.nominal_last_day

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "days": self.days,
            "counting": self.counting.value,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "nominal_last_day": self.nominal_last_day.isoformat(),
            "estimated": self.estimated,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Period:
        day = dt.date.fromisoformat
        return cls(
            start=day(data["start"]),
            days=int(data["days"]),
            counting=Counting(data["counting"]),
            first_day=day(data["first_day"]),
            last_day=day(data["last_day"]),
            nominal_last_day=day(data["nominal_last_day"]),
            estimated=bool(data.get("estimated", False)),
        )


def count(
    start: dt.date, days: int, counting: Counting, calendar: Calendar, *, extend: bool = True
) -> Period:
    """The period of ``days`` days set running on ``start`` (Arts. 201, 203).

    ``extend=False`` counts without Art. 203's move past rest days: for a notice
    period before a meeting, which nobody must act within; it only says how
    early the notice must go out, and a meeting may well be held on a Sunday.
    """
    if days < 0:
        raise ValueError(f"a period cannot have {days} days")
    if days == 0:
        return Period(start, 0, counting, start + ONE_DAY, start, start)
    estimated = False
    if counting is Counting.CALENDAR_DAYS:
        first = start + ONE_DAY
        nominal = last = start + dt.timedelta(days=days)
        estimated = extend and not calendar.covers(last)
        while extend and calendar.is_rest_day(last):
            last += ONE_DAY
            estimated = estimated or not calendar.covers(last)
        return Period(start, days, counting, first, last, nominal, estimated)
    # Working days: only working days are counted, so the last one counted is
    # never a rest day and Art. 203 has nothing to move.
    day, counted = start, 0
    first = start
    while counted < days:
        day += ONE_DAY
        estimated = estimated or not calendar.covers(day)
        if not calendar.is_rest_day(day):
            counted += 1
            if counted == 1:
                first = day
    return Period(start, days, counting, first, day, day, estimated)


def describe(period: Period, lang: str = "zh") -> str:
    """One sentence a notice can print: the first and last day, and why."""
    en = lang == "en"
    if period.days == 0:
        return "no notice period" if en else "无通知期"
    unit = (
        ("working days" if en else "个工作日")
        if period.counting is Counting.WORKING_DAYS
        else ("days" if en else "日")
    )
    if en:
        text = (
            f"{period.days} {unit} from {period.first_day} to {period.last_day} inclusive "
            f"(the day of {period.start} itself not counted, Civil Code Art. 201)"
        )
        if period.extended:
            text += (
                f"; the count ends on {period.nominal_last_day}, a statutory rest day, "
                f"so the period runs to the next working day (Civil Code Art. 203)"
            )
        if period.estimated:
            text += (
                "; the holiday arrangement for that year is not loaded: "
                "weekends and fixed-date holidays were assumed, check the State Council notice"
            )
        return text
    text = (
        f"{period.days} {unit}：{period.first_day} 至 {period.last_day}（含当日；"
        f"{period.start} 当日不计入，民法典第二百零一条）"
    )
    if period.extended:
        text += (
            f"；第 {period.days} 日 {period.nominal_last_day} 为法定休假日，"
            f"依民法典第二百零三条顺延至休假日结束的次日"
        )
    if period.estimated:
        text += "；该年度放假安排尚未载入，按周末与固定节日推算，请以国务院通知核对"
    return text


def posting_note(period: Period, lang: str = "zh") -> str:
    """What a notice adds under its dates: the posting day is not counted, and
    whether and why the last day moved; the dates themselves are printed above."""
    en = lang == "en"
    if en:
        parts = [f"Posted on {period.start}, which is not counted (Civil Code Art. 201)"]
        if period.counting is Counting.WORKING_DAYS:
            parts.append(f"{period.days} working days are counted")
        if period.extended:
            parts.append(
                f"day {period.days}, {period.nominal_last_day}, is a statutory rest day, "
                f"so the period runs to {period.last_day} (Art. 203)"
            )
        if period.estimated:
            parts.append("that year's holiday arrangement is not loaded: dates estimated")
        return "; ".join(parts) + "."
    parts = [f"{period.start} 张贴，当日不计入（民法典第二百零一条）"]
    if period.counting is Counting.WORKING_DAYS:
        parts.append(f"按 {period.days} 个工作日计算")
    if period.extended:
        parts.append(
            f"第 {period.days} 日 {period.nominal_last_day} 为法定休假日，"
            f"依民法典第二百零三条顺延至 {period.last_day}"
        )
    if period.estimated:
        parts.append("该年度放假安排尚未载入，日期为推算，请以国务院通知核对")
    return "；".join(parts) + "。"
