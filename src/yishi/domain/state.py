"""State, and ``evolve``: the fold of one event into state.

``evolve`` updates the state in place and returns it: replaying a long log must
be fast, and ``decide`` never mutates, so a refused command cannot change state.
Replaying every event from an empty ``State()`` gives the same state as
applying them one by one (a property test holds us to that).

This module holds the records and the dispatch; the folds themselves are in
``community_state``, ``matter_state``, ``meeting_state``, ``disclosure_state``,
``execution_state`` and ``referral_state``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from functools import singledispatch
from typing import TYPE_CHECKING, Any

import attrs

from yishi.domain import events as ev
from yishi.domain.accounts import Accounts
from yishi.domain.errors import ReplayError

if TYPE_CHECKING:
    from yishi.domain.referral_state import Referral


@attrs.define
class Person:
    id: str
    name: str
    gender: str = ""
    born: dt.date | None = None
    adult: bool | None = None
    household: str | None = None
    party: str | None = None
    relatives: tuple[str, ...] = ()

    def is_adult(self, on: dt.date) -> bool:
        if self.born is not None:
            try:
                birthday_18 = self.born.replace(year=self.born.year + 18)
            except ValueError:  # born on 29 February
                birthday_18 = dt.date(self.born.year + 18, 3, 1)
            return on >= birthday_18
        return bool(self.adult)


def adult_cutoff(on: dt.date) -> dt.date:
    """The last birth date of someone who is 18 on ``on``: ``born <= adult_cutoff(on)``
    is ``is_adult(on)`` for everyone with a birth date, asked without a date built
    per person. One born on 29 February turns 18 on 1 March (``is_adult``), so the
    cutoff on 28 February excludes them and on 1 March includes them."""
    try:
        return on.replace(year=on.year - 18)
    except ValueError:  # ``on`` is 29 February: the day 18 years before has none
        return dt.date(on.year - 18, 2, 28)


@attrs.define
class Household:
    id: str
    name: str
    representative: str | None = None
    represented_by: str | None = None  # 村民代表 (村组法 Art. 29)
    group: str | None = None  # 村民小组


@attrs.define
class Group:
    id: str
    name: str


@attrs.define
class Member:
    person: str
    roles: tuple[str, ...] = ()
    voting: bool = True


@attrs.define
class Body:
    id: str
    members: dict[str, Member] = attrs.Factory(dict)

    def holders(self, role: str) -> list[str]:
        return [m.person for m in self.members.values() if role in m.roles]


@attrs.define
class Meeting:
    id: str
    matter: str
    stage: str
    body: str
    date: dt.date
    convened_on: dt.date
    method: str
    attendance: list[str] = attrs.Factory(list)
    # The same people as a set, kept by ``evolve``: "is this voter here?" in O(1).
    present: set[str] = attrs.field(factory=set, repr=False)
    proxies: dict[str, str] = attrs.Factory(dict)  # grantor -> holder
    excused: dict[str, str] = attrs.Factory(dict)  # person -> reason (不计入应到会)
    ballots: dict[str, str] = attrs.Factory(dict)  # voter -> choice
    tally: tuple[int, int, int] | None = None  # yes, no, abstain
    consensus: bool | None = None
    objections: tuple[tuple[str, str], ...] = ()  # recorded with the consensus
    candidates: tuple[str, ...] = ()
    election_ballots: dict[str, tuple[str, ...]] = attrs.Factory(dict)
    spoiled: dict[str, str] = attrs.Factory(dict)  # voter -> why the ballot was ruled invalid
    # Secret ballots (domain/secrecy.py): who handed one in, and the sealed
    # choices as a multiset that pairs no one with anything.
    received: dict[str, str | None] = attrs.Factory(dict)  # voter -> proxy holder
    box: Counter[str] = attrs.Factory(Counter)
    box_opened: bool = False
    election_count: tuple[int, int, tuple[tuple[str, int], ...]] | None = None
    closed: bool = False
    outcome: str | None = None
    result: dict[str, Any] | None = None
    notice_completed: bool = False
    urgent_reason: str = ""  # 临时通知 and its special circumstance
    periods: dict[str, Any] = attrs.Factory(dict)  # {"notice": Period.to_json()}
    # The procedure its stage belongs to: a matter handed on keeps its earlier meetings.
    procedure: str = ""


@attrs.define
class Objection:
    id: str
    disclosure: str
    person: str
    text: str
    raised_on: dt.date
    reply_due: dt.date
    reply: str | None = None
    resolved: bool | None = None
    escalated: bool = False
    periods: dict[str, Any] = attrs.Factory(dict)  # {"reply": Period.to_json()}

    @property
    def pending(self) -> bool:
        return self.reply is None and not self.escalated


@attrs.define
class Disclosure:
    id: str
    matter: str
    stage: str
    kind: str
    title: str
    posted_on: dt.date
    until: dt.date
    objections_until: dt.date | None
    reply_days: int | None
    channels: tuple[str, ...]
    content: dict[str, Any]
    objections: list[str] = attrs.Factory(list)
    closed: str | None = None  # ended | suspended
    checkpoint: dict[str, Any] | None = None  # {"size", "head"} when it was made
    periods: dict[str, Any] = attrs.Factory(dict)  # name -> Period.to_json()
    procedure: str = ""  # the procedure its stage belongs to (see Meeting.procedure)

    @property
    def first_day(self) -> dt.date:
        """The first day of the posting period: the day after posting (民法典 Art. 201);
        records made before periods were recorded counted the posting day itself."""
        posting = self.periods.get("posting")
        return dt.date.fromisoformat(posting["first_day"]) if posting else self.posted_on


@attrs.define
class StageRecord:
    stage: str
    entered_on: dt.date
    body: str | None = None
    reason: str = ""
    procedure: str = ""  # the procedure the stage belongs to


@attrs.define
class HandOff:
    """One move of a matter to another procedure, as MatterHandedOff recorded it."""

    on: dt.date
    from_procedure: str
    from_stage: str
    procedure: str
    stage: str
    from_type: str | None
    matter_type: str | None
    reason: str = ""
    reason_en: str = ""


@attrs.define
class Matter:
    id: str
    title: str
    matter_type: str | None
    procedure: str
    ruleset_digest: str
    proposer: str
    proposed_on: dt.date
    description: str = ""
    merged: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    stage: str | None = None
    stage_body: str | None = None  # set when escalated to another body
    notice_days: int | None = None  # fresh notice required when reconvened
    status: str = "in_progress"  # in_progress | completed | abandoned
    closing_reason: str = ""
    history: list[StageRecord] = attrs.Factory(list)
    recused: dict[str, str] = attrs.Factory(dict)  # person -> reason
    meetings: list[str] = attrs.Factory(list)
    disclosures: list[str] = attrs.Factory(list)
    progress: list[tuple[dt.date, str, int | None]] = attrs.Factory(list)
    signed_off_by: list[str] = attrs.Factory(list)
    approved_by: list[str] = attrs.Factory(list)  # outside approvals received
    approved_on: dict[str, dt.date] = attrs.Factory(dict)  # authority -> day it approved
    approvals: list[tuple[str, bool, str]] = attrs.Factory(list)  # (authority, approved, document)
    # Replies with a working-day limit (一事一议's county review), by authority: the
    # day due, whether a tick found it overdue, when it came and whether it was late.
    approval_deadlines: dict[str, dict[str, Any]] = attrs.Factory(dict)
    execution_done: bool = False
    accounts: Accounts = attrs.Factory(Accounts)  # budget and income/expenditure lines
    ratings: dict[str, str] = attrs.Factory(dict)
    elected: dict[str, list[str]] = attrs.Factory(dict)  # election stage -> people elected
    referrals: list[str] = attrs.Factory(list)  # sent to outside bodies (domain/referral.py)
    group: str | None = None  # the 村民小组 it concerns
    # 一事一议 plan: LevyPlanRecorded's fields (year, money, labour_days, …), if recorded.
    levy: dict[str, Any] | None = None
    # 一事一议 canvass: household -> (representative, signer, view), for the current plan.
    canvass: dict[str, tuple[str, str, str]] = attrs.Factory(dict)
    # Earlier steps entered from the paper record (补录), in order: each the
    # StepRecorded's fields as JSON, plus when and by whom it was entered.
    recorded: list[dict[str, Any]] = attrs.Factory(list)
    recorded_in: list[str] = attrs.Factory(list)  # the procedure of each step in ``recorded``
    # Moves to other procedures (domain/handoff.py), oldest first; the record of
    # each earlier procedure stays with the matter.
    handoffs: list[HandOff] = attrs.Factory(list)

    @property
    def procedures(self) -> list[str]:
        """Every procedure the matter has followed, the first one first."""
        found = [h.from_procedure for h in self.handoffs]
        return [*found, self.procedure] if found else [self.procedure]

    def open_meeting(self, state: State) -> Meeting | None:
        for meeting_id in reversed(self.meetings):
            meeting = state.meetings[meeting_id]
            if meeting.stage == self.stage and not meeting.closed and _same(meeting, self):
                return meeting
        return None

    def open_disclosure(self, state: State) -> Disclosure | None:
        for disclosure_id in reversed(self.disclosures):
            disclosure = state.disclosures[disclosure_id]
            if (
                disclosure.stage == self.stage
                and disclosure.closed is None
                and _same(disclosure, self)
            ):
                return disclosure
        return None


def _same(record: Meeting | Disclosure, matter: Matter) -> bool:
    """Whether a meeting or notice belongs to the procedure the matter is in now
    (two procedures may both have a stage called "deliberate")."""
    return not record.procedure or record.procedure == matter.procedure


@attrs.define
class Suggestion:
    id: str
    person: str
    title: str
    procedure: str
    text: str
    submitted_on: dt.date
    status: str = "open"  # open | merged | declined
    matter: str | None = None
    reason: str = ""  # why it was declined


@attrs.define
class State:
    people: dict[str, Person] = attrs.Factory(dict)
    households: dict[str, Household] = attrs.Factory(dict)
    groups: dict[str, Group] = attrs.Factory(dict)  # 村民小组
    bodies: dict[str, Body] = attrs.Factory(dict)
    matters: dict[str, Matter] = attrs.Factory(dict)
    meetings: dict[str, Meeting] = attrs.Factory(dict)
    disclosures: dict[str, Disclosure] = attrs.Factory(dict)
    objections: dict[str, Objection] = attrs.Factory(dict)
    suggestions: dict[str, Suggestion] = attrs.Factory(dict)
    referrals: dict[str, Referral] = attrs.Factory(dict)
    # The community's procedures (the default first) and routes, as last recorded;
    # empty in a log that never recorded them (a one-procedure community).
    procedures: tuple[str, ...] = ()
    routes: dict[str, str] = attrs.Factory(dict)
    # As recorded (CommunityNamed); "" in a log that never named it.
    community_name: str = ""
    township: str = ""
    county: str = ""
    version: int = 0  # number of events folded


def evolve(state: State, event: ev.Event) -> State:
    """Fold one event into ``state`` (in place) and return it."""
    cls = type(event)
    try:
        fold = _FOLDS[cls]
    except KeyError:
        fold = _FOLDS[cls] = _apply.dispatch(cls)
    fold(event, state)
    state.version += 1
    return state


# The fold for each event class, looked up once: singledispatch's own lookup
# costs as much as most folds. Folds are registered below, at import, before
# any event is folded, so the cache never goes stale.
_FOLDS: dict[type, Callable[[Any, State], None]] = {}


def replay(events: list[ev.Event] | tuple[ev.Event, ...]) -> State:
    state = State()
    for event in events:
        evolve(state, event)
    return state


def _once(again: bool, event: ev.Event, key: str = "") -> None:
    """Facts recorded once (domain/uniqueness.py) are refused on replay when
    repeated; ``key`` names the fact when the event records several."""
    if again:
        from yishi.domain.uniqueness import keys_of

        raise ReplayError(f"{event.type} recorded twice: {key or ', '.join(keys_of(event))}")


@singledispatch
def _apply(event: ev.Event, state: State) -> None:
    raise TypeError(f"no fold for event type {type(event).__name__}")


# The folds live in one module per area (and the referral stage kind's record
# with its folds); importing them here registers every fold before any event is
# folded.
from yishi.domain import (  # noqa: E402, F401
    community_state,
    disclosure_state,
    execution_state,
    matter_state,
    meeting_state,
    referral_state,
)
