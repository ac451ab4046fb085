"""Meetings whose notice period has run: recorded by ``tick`` on the meeting day.

Acting at a meeting before its day is refused anyway (``require_held``); the
event puts into the log the fact the law cares about — that the notice was
given so many days ahead and the period completed — so a timeline, a notice
or an auditor can show it without recomputing dates.
"""

from __future__ import annotations

import datetime as dt

from yishi.domain import events as ev
from yishi.domain.state import Matter, State


def meetings_due(state: State, matter: Matter, now: dt.datetime) -> list[ev.Event]:
    due: list[ev.Event] = []
    for meeting_id in matter.meetings:
        meeting = state.meetings[meeting_id]
        if meeting.closed or meeting.notice_completed or now.date() < meeting.date:
            continue
        due.append(
            ev.MeetingNoticeCompleted(
                at=now,
                actor="system",
                matter=matter.id,
                meeting=meeting.id,
                date=meeting.date,
                notice_days=(meeting.date - meeting.convened_on).days,
            )
        )
    return due
