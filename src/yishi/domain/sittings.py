"""A standing council's regular sittings (例会), as its charter fixes them.

A standing 议事会 such as the 古槐议事会 meets on fixed days; between them it
may be called for a matter that cannot wait (a 临时会议). Both are valid
meetings: the rhythm decides nothing about quorum or votes, it only says
which kind of sitting a meeting was, so that the record and the minutes show
whether the council met as its charter says or was called specially.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs


@attrs.frozen
class Sittings:
    days_of_month: tuple[int, ...]  # 每月例会的日子
    note: str  # the charter's words, e.g. 每月十五日在古槐树下例会
    note_en: str = ""

    def regular(self, day: dt.date) -> bool:
        """Whether ``day`` is a regular sitting; a day past the month's end
        (the 31st in April) falls on the month's last day."""
        last = _last_day(day)
        return any(min(d, last) == day.day for d in self.days_of_month)

    def describe(self, lang: str = "zh") -> str:
        return (self.note_en or self.note) if lang == "en" else self.note


def sittings(data: Mapping[str, Any] | None) -> Sittings | None:
    """The loader's reading of a body's ``sittings`` table."""
    if data is None:
        return None
    return Sittings(
        tuple(sorted(set(data["days_of_month"]))), data["note"], data.get("note_en", "")
    )


def sitting_kind(spec: Sittings | None, day: dt.date) -> str | None:
    """ "regular" or "special" for a council with a rhythm; None for any other body."""
    if spec is None:
        return None
    return "regular" if spec.regular(day) else "special"


SITTING_WORDS = {"regular": ("例会", "regular sitting"), "special": ("临时会议", "special sitting")}


def _last_day(day: dt.date) -> int:
    following = day.replace(day=28) + dt.timedelta(days=4)
    return (following - dt.timedelta(days=following.day)).day
