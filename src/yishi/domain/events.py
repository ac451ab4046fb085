"""Events: the facts in the log. State is a fold over them.

Events are frozen attrs values with plain data (str, int, bool, dates, tuples
and mappings of those), so that they serialise to one canonical JSON form.
Past tense names; every event says who entered it and on whose behalf.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from yishi.domain.codec import decode, encode_tagged
from yishi.domain.evidence import Evidence

EVENT_TYPES: dict[str, type[Event]] = {}


@attrs.frozen(kw_only=True)
class Event:
    """Base of every event. ``actor`` entered it; ``on_behalf_of`` is set when
    someone else acted (a 网格员 entering a paper hand count, staff entering an
    elderly resident's objection)."""

    at: dt.datetime
    actor: str
    on_behalf_of: str | None = None
    # Files that back this act; their digests are part of the record, so the
    # hash chain covers them. Omitted from the encoding when empty.
    evidence: tuple[Evidence, ...] = ()

    stream_prefix: ClassVar[str] = "matter"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        EVENT_TYPES[cls.__name__] = cls

    @property
    def type(self) -> str:
        return type(self).__name__

    @property
    def stream(self) -> str:
        matter = getattr(self, "matter", None)
        return f"matter-{matter}" if matter else "community"

    def to_dict(self) -> dict[str, Any]:
        """The canonical encoding, which the hash chain is computed over: its
        output for an existing event must never change."""
        return encode_tagged(self)  # {"type": self.type, **encode_fields(self)}


def event_from_dict(data: Mapping[str, Any]) -> Event:
    event: Event = decode(EVENT_TYPES[data["type"]], data)
    return event


# -- community -------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CommunityNamed(Event):
    """The community's own name (and its 乡镇、县), for notices and the board. A
    record of its own, so that logs kept before it existed read and hash as they
    did; a log without one falls back to 本社区."""

    name: str
    township: str = ""  # 乡（镇）or 街道
    county: str = ""  # 县（市、区）


@attrs.frozen(kw_only=True)
class PersonRegistered(Event):
    person: str
    name: str
    gender: str = ""
    born: dt.date | None = None
    adult: bool | None = None
    household: str | None = None
    party: str | None = None  # "full" or "probationary"
    relatives: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class GroupRegistered(Event):
    # Not named "group": that name is left out of the encoding when empty (codec).
    village_group: str
    name: str


@attrs.frozen(kw_only=True)
class HouseholdRegistered(Event):
    household: str
    name: str
    representative: str | None = None
    represented_by: str | None = None  # the 村民代表 who answers for it (村组法 Art. 29)
    group: str | None = None  # its 村民小组


@attrs.frozen(kw_only=True)
class BodyConstituted(Event):
    body: str
    # (person, roles, voting) triples
    members: tuple[tuple[str, tuple[str, ...], bool], ...]


@attrs.frozen(kw_only=True)
class ProceduresRecorded(Event):
    """The procedures (rule sets) the community runs, the default first, and its
    routing of matter types to them (小微权力清单, ``[community.procedures]``), so
    that a replay of the log alone raises each new matter where the community
    sends it. Recorded at set-up, and again whenever they change."""

    procedures: tuple[str, ...]
    routes: Mapping[str, str] = attrs.field(factory=dict)  # matter type -> procedure


# -- matters ---------------------------------------------------------------


@attrs.frozen(kw_only=True)
class MatterProposed(Event):
    matter: str
    title: str
    matter_type: str | None
    procedure: str
    ruleset_digest: str
    description: str = ""
    merged: tuple[str, ...] = ()  # stages absorbed (一肩挑)
    suggestions: tuple[str, ...] = ()
    # A proposal made by petition: who co-signed, and the verdict that let it in.
    cosigners: tuple[str, ...] = ()
    petition: Mapping[str, Any] | None = None
    group: str | None = None  # the 村民小组 it concerns


@attrs.frozen(kw_only=True)
class StageEntered(Event):
    matter: str
    stage: str
    body: str | None = None  # set when a stage is held before a particular body
    reason: str = ""
    reason_en: str = ""
    notice_days: int | None = (
        None  # a reconvened meeting's fresh notice, where the rule set sets one
    )


@attrs.frozen(kw_only=True)
class MatterClosed(Event):
    matter: str
    status: str  # completed | abandoned
    reason: str = ""
    reason_en: str = ""


@attrs.frozen(kw_only=True)
class MatterHandedOff(Event):
    """The matter moves, with its whole record, from one procedure to another
    (a 板凳会 to the 议事会, the 议事会 to 四议两公开), by a rule of the first."""

    matter: str
    from_procedure: str
    from_stage: str
    procedure: str  # the procedure it moves to (named like MatterProposed's, see log.py)
    stage: str  # its entry stage there
    ruleset_digest: str = ""  # the target rule set's digest, filled in by the engine
    matter_type: str | None = None  # the type it takes there; None: unchanged
    reason: str = ""  # the outcome that moved it, and the rule's words
    reason_en: str = ""
    note: str = ""  # the rule's own words (its ``note``), for a short line
    note_en: str = ""


@attrs.frozen(kw_only=True)
class InterestDeclared(Event):
    matter: str
    person: str
    reason: str
    meeting: str | None = None


# -- meetings --------------------------------------------------------------


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


# -- disclosures -----------------------------------------------------------


@attrs.frozen(kw_only=True)
class DisclosurePublished(Event):
    matter: str
    disclosure: str
    stage: str
    kind: str
    title: str
    posted_on: dt.date
    until: dt.date
    objections_until: dt.date | None
    reply_days: int | None
    channels: tuple[str, ...] = ()
    content: Mapping[str, Any] = attrs.field(factory=dict)
    # The log's size and head hash when the notice was made, stamped by the
    # engine, so a printed notice can later be checked against the record.
    checkpoint: Mapping[str, Any] | None = None
    # {"posting": ..., "objections": ...}: each a Period.to_json(); ``until``
    # and ``objections_until`` are their ``end``. Absent in older records,
    # which counted the posting day as the first day.
    periods: Mapping[str, Any] | None = None


@attrs.frozen(kw_only=True)
class ObjectionRaised(Event):
    matter: str
    disclosure: str
    objection: str
    person: str
    text: str
    reply_due: dt.date
    periods: Mapping[str, Any] | None = None  # {"reply": Period.to_json()}


@attrs.frozen(kw_only=True)
class ObjectionAnswered(Event):
    matter: str
    objection: str
    reply: str
    resolved: bool


@attrs.frozen(kw_only=True)
class ObjectionEscalated(Event):
    matter: str
    objection: str
    reason: str
    reason_en: str


@attrs.frozen(kw_only=True)
class DisclosureClosed(Event):
    matter: str
    disclosure: str
    outcome: str  # ended | suspended


# -- execution and evaluation ----------------------------------------------


@attrs.frozen(kw_only=True)
class ProgressRecorded(Event):
    matter: str
    text: str
    percent: int | None = None


@attrs.frozen(kw_only=True)
class ApprovalRecorded(Event):
    matter: str
    by: str  # the authority, as the rule set names it
    approved: bool
    document: str
    text: str = ""
    due: str = ""  # ISO date the reply was due by (reply_working_days), if it had a limit


@attrs.frozen(kw_only=True)
class ApprovalOverdue(Event):
    """A tick found an approval with a working-day limit (一事一议's county review)
    still unanswered after its last day. Recorded once; the reply, when it comes,
    is recorded as late."""

    matter: str
    by: str  # the authority, as the rule set names it
    due: dt.date


@attrs.frozen(kw_only=True)
class ExecutionSignedOff(Event):
    matter: str
    supervisor: str
    text: str = ""


@attrs.frozen(kw_only=True)
class ExecutionCompleted(Event):
    matter: str
    text: str = ""


@attrs.frozen(kw_only=True)
class BudgetRecorded(Event):
    """The budget a matter is carried out against, as its decision or plan set it
    (domain/accounts.py): lines of (item, amount in 分)."""

    matter: str
    lines: tuple[tuple[str, int], ...]
    source: str  # the decision or plan it comes from


@attrs.frozen(kw_only=True)
class AccountEntryRecorded(Event):
    """One income or expenditure line during execution, in whole 分."""

    matter: str
    kind: str  # expenditure | income
    item: str
    amount_fen: int
    document: str = ""  # voucher or invoice reference (凭证号)
    text: str = ""


@attrs.frozen(kw_only=True)
class RatingSubmitted(Event):
    matter: str
    person: str
    rating: str


@attrs.frozen(kw_only=True)
class EvaluationClosed(Event):
    matter: str
    outcome: str  # passed | rejected
    threshold: Mapping[str, Any]
    counts: Mapping[str, int]


# -- backfill --------------------------------------------------------------


@attrs.frozen(kw_only=True)
class StepRecorded(Event):
    """A step held outside the system, entered from its paper record: the log
    says it was entered, not held (no attendance, ballots or notice of its own)."""

    matter: str
    stage: str
    kind: str  # the stage kind, as the rule set had it when entered
    held_on: dt.date
    outcome: str
    minutes: str
    body: str | None = None
    counts: Mapping[str, int] = attrs.field(factory=dict)


# -- intake ----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class SuggestionSubmitted(Event):
    suggestion: str
    person: str
    title: str
    procedure: str
    text: str = ""


@attrs.frozen(kw_only=True)
class SuggestionDeclined(Event):
    suggestion: str
    reason: str


# -- referral (转办答复): domain/referral.py ----------------------------------


@attrs.frozen(kw_only=True)
class ReferralSent(Event):
    """The matter was sent to an outside body that must answer by ``due``."""

    matter: str
    referral: str
    stage: str
    to: str  # the recipient's name, as the rule set lists it (or as entered)
    text: str
    due: dt.date
    periods: Mapping[str, Any] | None = None  # {"answer": Period.to_json()}


@attrs.frozen(kw_only=True)
class ReferralOverdue(Event):
    """A tick found the answer missing after its last day."""

    matter: str
    referral: str
    due: dt.date
    # The stage's on_overdue took the matter elsewhere: the referral is closed unanswered.
    withdrawn: bool = False


@attrs.frozen(kw_only=True)
class ReferralAnswered(Event):
    matter: str
    referral: str
    document: str  # the answer's reference: 文号, receipt, 回执
    text: str
    resolved: bool  # 办结 / 审核通过 / 准予备案 / 接单; false: 未办结 / 须修改 / 不接单
    late: bool = False


@attrs.frozen(kw_only=True)
class HouseholdCanvassed(Event):
    matter: str
    household: str
    representative: str
    signer: str
    view: str
    document: str = ""


@attrs.frozen(kw_only=True)
class LevyPlanRecorded(Event):
    matter: str
    year: int
    money: str
    labour_days: str
    budget: str = ""
    exemptions: tuple[tuple[str, str], ...] = ()
    text: str = ""
