"""Meetings: convening and notice, attendance, proxies, ballots open and secret,
hand counts, consensus, elections, and the close with its verdict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from yishi.domain.events.base import Event


@attrs.frozen(kw_only=True)
class MeetingConvened(Event):
    matter: str
    meeting: str
    stage: str
    body: str
    date: dt.date
    method: str
    place: str = ""
    candidates: tuple[str, ...] = ()
    urgent_reason: str = ""  # 临时通知: why notice was shorter than the rule's
    # {"notice": Period.to_json()}: the notice period as counted (domain/periods.py).
    periods: Mapping[str, Any] | None = None


@attrs.frozen(kw_only=True)
class MeetingNoticeCompleted(Event):
    """The notice period ran its course: the meeting may now be held (recorded by ``tick``)."""

    matter: str
    meeting: str
    date: dt.date  # the meeting day, on which the period completed
    notice_days: int  # days between the notice and the meeting


@attrs.frozen(kw_only=True)
class AttendanceRecorded(Event):
    matter: str
    meeting: str
    person: str


@attrs.frozen(kw_only=True)
class MemberExcused(Event):
    matter: str
    meeting: str
    person: str
    reason: str
    approval: str


@attrs.frozen(kw_only=True)
class ProxyRegistered(Event):
    matter: str
    meeting: str
    grantor: str
    holder: str
    document: str = ""


@attrs.frozen(kw_only=True)
class BallotCast(Event):
    matter: str
    meeting: str
    voter: str  # the member whose vote this is (the grantor when by proxy)
    choice: str  # yes | no | abstain
    cast_by: str | None = None  # the proxy holder, when by proxy


@attrs.frozen(kw_only=True)
class BallotsEntered(Event):
    """A stack of named paper ballots (纸质选票) entered by the clerk in one go.

    One act of the clerk's, so one record in the log; each ``(voter, choice)``
    pair is that member's ballot, counted exactly as a :class:`BallotCast`.
    Every voter in it is still a fact recorded once: the store keeps a key per
    voter under its UNIQUE constraint (domain/uniqueness.py), so a member who
    voted online cannot be in a stack too, nor in two stacks."""

    matter: str
    meeting: str
    ballots: tuple[tuple[str, str], ...]  # (voter, choice), in the order entered


@attrs.frozen(kw_only=True)
class BallotReceived(Event):
    """A secret ballot was handed in: the register (投票登记), never the choice."""

    matter: str
    meeting: str
    voter: str  # the member whose ballot it is (the grantor when by proxy)
    cast_by: str | None = None  # the proxy holder, when by proxy


@attrs.frozen(kw_only=True)
class SealedBallot(Event):
    """The choice of a secret ballot, alone. Never appended to the log: the
    application puts it in the store's ballot box (yishi.domain.secrecy)."""

    matter: str
    meeting: str
    ballot: str  # a choice ("yes"), or an election ballot as canonical JSON
    # How many ballots the meeting may still receive, for a store that lays out
    # its box in advance (store/ballot_box.py); says nothing about this ballot.
    capacity: int = 0


@attrs.frozen(kw_only=True)
class BallotBoxOpened(Event):
    """The ballot box of a secret vote, opened at close: every ballot, sorted."""

    matter: str
    meeting: str
    ballots: tuple[str, ...]


@attrs.frozen(kw_only=True)
class HandCountEntered(Event):
    matter: str
    meeting: str
    yes: int
    no: int
    abstain: int


@attrs.frozen(kw_only=True)
class ConsensusRecorded(Event):
    matter: str
    meeting: str
    reached: bool
    objections: tuple[tuple[str, str], ...] = ()  # (person, objection), kept in the minutes


@attrs.frozen(kw_only=True)
class ElectionBallotCast(Event):
    matter: str
    meeting: str
    voter: str
    candidates: tuple[str, ...]
    invalid: str = ""  # why a paper ballot was ruled invalid at the count


@attrs.frozen(kw_only=True)
class ElectionCountEntered(Event):
    matter: str
    meeting: str
    cast: int
    invalid: int
    votes: tuple[tuple[str, int], ...]


@attrs.frozen(kw_only=True)
class CandidatesElected(Event):
    matter: str
    meeting: str
    body: str
    role: str
    people: tuple[str, ...]


@attrs.frozen(kw_only=True)
class MeetingClosed(Event):
    matter: str
    meeting: str
    outcome: str  # passed | rejected | no_quorum
    quorum: Mapping[str, Any]
    threshold: Mapping[str, Any] | None
    counts: Mapping[str, int]
    recused: tuple[str, ...] = ()
