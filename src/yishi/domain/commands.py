"""Commands: what someone asks the engine to do. ``decide`` turns one into events or refuses it."""

from __future__ import annotations

import datetime as dt

import attrs

from yishi.domain.accounts import amount_text
from yishi.domain.evidence import Evidence


@attrs.frozen(kw_only=True)
class Command:
    actor: str  # who enters the command
    on_behalf_of: str | None = None  # whose act it records, when someone else enters it
    evidence: tuple[Evidence, ...] = ()  # attached to the first event the command causes


@attrs.frozen(kw_only=True)
class PersonSpec:
    id: str
    name: str
    gender: str = ""
    born: dt.date | None = None
    adult: bool | None = None
    household: str | None = None
    party: str | None = None
    relatives: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class HouseholdSpec:
    id: str
    name: str
    representative: str | None = None  # 户代表: who attends an assembly for the household
    # 村民代表 (村组法 Art. 29: one per 5–15 households) who answers for this household.
    represented_by: str | None = None
    group: str | None = None  # the 村民小组 the household belongs to


@attrs.frozen(kw_only=True)
class GroupSpec:
    """A 村民小组 (村组法 Art. 32): its households name it in ``group``."""

    id: str
    name: str


@attrs.frozen(kw_only=True)
class MemberSpec:
    person: str
    roles: tuple[str, ...] = ()
    voting: bool = True


@attrs.frozen(kw_only=True)
class BodySpecEntry:
    id: str
    members: tuple[MemberSpec, ...]


@attrs.frozen(kw_only=True)
class SetUpCommunity(Command):
    # The community's name and where it is, as notices print them; empty: unchanged.
    name: str = ""
    township: str = ""
    county: str = ""
    people: tuple[PersonSpec, ...] = ()
    households: tuple[HouseholdSpec, ...] = ()
    bodies: tuple[BodySpecEntry, ...] = ()
    groups: tuple[GroupSpec, ...] = ()
    # The community's procedures (rule-set ids, the default first) and its routing
    # of matter types to them; recorded in the log when given and changed.
    procedures: tuple[str, ...] = ()
    routes: tuple[tuple[str, str], ...] = ()


@attrs.frozen(kw_only=True)
class ProposeMatter(Command):
    matter: str
    title: str
    matter_type: str | None = None
    description: str = ""
    merge_steps: bool = False
    # Co-signers of a proposal made by petition ([[petitions]]); the proposer counts too.
    cosigners: tuple[str, ...] = ()
    group: str | None = None  # the 村民小组 the matter concerns; its meeting decides


@attrs.frozen(kw_only=True)
class ConveneMeeting(Command):
    matter: str
    meeting: str
    body: str | None = None  # needed only when the stage allows several bodies
    date: dt.date
    method: str
    place: str = ""
    candidates: tuple[str, ...] = ()  # election stages only
    # 临时通知 "遇有特殊情况": the special circumstance, when notice is shorter than the rule's.
    urgent_reason: str = ""


@attrs.frozen(kw_only=True)
class CheckIn(Command):
    meeting: str
    people: tuple[str, ...]


@attrs.frozen(kw_only=True)
class RegisterProxy(Command):
    meeting: str
    grantor: str
    holder: str
    document: str = ""


@attrs.frozen(kw_only=True)
class ExcuseMember(Command):
    """Leave a member out of those who should attend (不计入应到会), with the approval recorded."""

    meeting: str
    person: str
    reason: str
    approval: str  # who approved, and the document: "镇党委 2026-03-01 批复"


@attrs.frozen(kw_only=True)
class DeclareInterest(Command):
    matter: str
    person: str
    reason: str
    meeting: str | None = None
    relative: str | None = None  # the close relative whose interest it is, if not the person's own


@attrs.frozen(kw_only=True)
class CastVote(Command):
    meeting: str
    voter: str
    choice: str
    for_person: str | None = None  # vote cast for a proxy grantor


@attrs.frozen(kw_only=True)
class EnterHandCount(Command):
    meeting: str
    yes: int
    no: int
    abstain: int = 0


@attrs.frozen(kw_only=True)
class EnterBallots(Command):
    """Paper ballots collected at a meeting, entered in one go: (voter, choice) pairs.

    All or nothing: one ballot refused refuses the batch, and nothing is written."""

    meeting: str
    ballots: tuple[tuple[str, str], ...]


@attrs.frozen(kw_only=True)
class RecordConsensus(Command):
    meeting: str
    reached: bool
    # Objections (保留意见) recorded with the consensus: (person, what they object to).
    objections: tuple[tuple[str, str], ...] = ()


@attrs.frozen(kw_only=True)
class CastElectionBallot(Command):
    meeting: str
    voter: str
    candidates: tuple[str, ...]  # empty: a blank ballot; in order of preference if ranked
    # A paper ballot ruled invalid at the count (e.g. "无法辨认"): still a ballot cast.
    invalid: str = ""


@attrs.frozen(kw_only=True)
class EnterElectionCount(Command):
    """Paper ballots counted in public (公开计票) and entered afterwards."""

    meeting: str
    cast: int
    invalid: int
    votes: tuple[tuple[str, int], ...]


@attrs.frozen(kw_only=True)
class CloseMeeting(Command):
    meeting: str


@attrs.frozen(kw_only=True)
class Publish(Command):
    matter: str
    disclosure: str
    title: str = ""
    text: str = ""
    # The monitoring committee's review before posting (监督意见), where the stage asks for one.
    reviewer: str | None = None
    review: str = ""


@attrs.frozen(kw_only=True)
class RaiseObjection(Command):
    disclosure: str
    objection: str
    person: str
    text: str


@attrs.frozen(kw_only=True)
class AnswerObjection(Command):
    objection: str
    reply: str
    resolved: bool


@attrs.frozen(kw_only=True)
class RecordProgress(Command):
    matter: str
    text: str
    percent: int | None = None


@attrs.frozen(kw_only=True)
class RecordApproval(Command):
    """An outside authority's reply (报乡（镇）人民政府批准), entered by the stage's actors."""

    matter: str
    approved: bool
    document: str  # the reply's reference: "××镇政府 2026-05-03 批复（×政复〔2026〕12 号）"
    text: str = ""


@attrs.frozen(kw_only=True)
class BudgetLine:
    item: str
    amount: str = attrs.field(converter=amount_text)  # 元, exact: "12000" or "12000.50"


@attrs.frozen(kw_only=True)
class RecordBudget(Command):
    """The budget from the decision or plan, recorded once when the matter is carried out."""

    matter: str
    lines: tuple[BudgetLine, ...]
    source: str  # which decision or plan: "村民代表会议 2026-04-02 决议"


@attrs.frozen(kw_only=True)
class RecordAccountEntry(Command):
    """One income or expenditure line during execution (domain/accounts.py)."""

    matter: str
    item: str  # an expenditure names its budget line; another item is 预算外
    amount: str = attrs.field(converter=amount_text)  # 元, exact: never a float
    kind: str = "expenditure"  # or "income"
    document: str = ""  # voucher or invoice reference (凭证号)
    text: str = ""


@attrs.frozen(kw_only=True)
class SignOff(Command):
    matter: str
    text: str = ""


@attrs.frozen(kw_only=True)
class CompleteExecution(Command):
    matter: str
    text: str = ""


@attrs.frozen(kw_only=True)
class Rate(Command):
    matter: str
    person: str
    rating: str


@attrs.frozen(kw_only=True)
class CloseEvaluation(Command):
    matter: str


@attrs.frozen(kw_only=True)
class Suggest(Command):
    suggestion: str
    person: str
    title: str
    text: str = ""


@attrs.frozen(kw_only=True)
class MergeSuggestions(Command):
    matter: str
    suggestions: tuple[str, ...]
    title: str
    matter_type: str | None = None
    description: str = ""


@attrs.frozen(kw_only=True)
class DeclineSuggestion(Command):
    suggestion: str
    reason: str


@attrs.frozen(kw_only=True)
class Tick(Command):
    """Process what fell due by ``now``: disclosure periods, unanswered objections."""


@attrs.frozen(kw_only=True)
class EnterRecord(Command):
    """An earlier step held on paper, entered as a recorded fact (补录): the
    matter starts in the log where its paper record starts (domain/backfill.py)."""

    matter: str
    stage: str
    held_on: dt.date
    outcome: str  # passed | rejected (meetings, elections, evaluations); done (others)
    minutes: str  # where the paper record is: minutes, register, notice copy
    body: str | None = None
    counts: tuple[tuple[str, int], ...] = ()


@attrs.frozen(kw_only=True)
class SendReferral(Command):
    """Send the matter to an outside body (吹哨、报审、备案、派单); domain/referral.py."""

    matter: str
    referral: str
    to: str
    text: str = ""


@attrs.frozen(kw_only=True)
class AnswerReferral(Command):
    """Record the outside body's answer with its document."""

    matter: str
    document: str
    resolved: bool
    text: str = ""


@attrs.frozen(kw_only=True)
class RecordCanvass(Command):
    """A 村民代表 has asked one household he answers for, and a member of the
    household signed its view (一事一议: 入户征求意见，逐户签字)."""

    matter: str
    household: str
    representative: str
    view: str  # what the household said: 同意 / 不同意 / its words
    signer: str | None = None  # who signed for the household; None: its 户代表
    document: str = ""  # the signed sheet: "征求意见表第 3 页"


@attrs.frozen(kw_only=True)
class RecordLevyPlan(Command):
    """一事一议's plan for one project: what each person pays and each worker gives
    in a year, and who is exempt. Amounts are decimal strings ("12.50"), never floats."""

    matter: str
    year: int
    money: str  # yuan per person
    labour_days: str  # standard workdays per worker
    budget: str = ""  # yuan, for the record
    exemptions: tuple[tuple[str, str], ...] = ()  # (person, exemption id)
    text: str = ""
