"""Time as the engine sees it: the community's local wall time.

Nothing in yishi reads the wall clock except :class:`SystemClock`, which the
command line uses by default (design.md §4). Tests and replays pass a clock
they control. Times are naive datetimes in the community's time zone: the
law counts calendar days where the community lives, and one zone per log
keeps every comparison simple.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

DEFAULT_ZONE = "Asia/Shanghai"
# China has kept UTC+8 without daylight saving since 1991; used when the
# system has no tz database (a bare container) rather than failing.
_FALLBACK = {"Asia/Shanghai": dt.timezone(dt.timedelta(hours=8), "CST")}


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class SystemClock:
    def __init__(self, zone: str = DEFAULT_ZONE) -> None:
        self.zone = zone
        self._tz = _tzinfo(zone)

    def now(self) -> dt.datetime:
        return dt.datetime.now(self._tz).replace(tzinfo=None, microsecond=0)

    @property
    def year(self) -> int:
        """This year in the community's zone (a report's default period)."""
        return self.now().year


class FixedClock:
    """A clock that tells the time it is set to; ``advance`` moves it on."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> dt.datetime:
        self.at += dt.timedelta(**delta)
        return self.at


def _tzinfo(zone: str) -> dt.tzinfo:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(zone)
    except ZoneInfoNotFoundError:
        if zone in _FALLBACK:
            return _FALLBACK[zone]
        raise
