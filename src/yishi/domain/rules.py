"""The rule-set model: frozen values that the TOML loader builds and decide() reads.

A rule set is the whole procedure of one kind of council: its bodies and how
they meet (``domain/bodies.py``), its stages in order, what happens on each
outcome (``domain/transitions.py``), and the catalogue of matter types that must
follow it. The engine knows no procedure by name; everything specific to
四议两公开, a 板凳会 or a 智慧云 consultation is here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from fractions import Fraction

import attrs

from yishi.domain.bodies import BodySpec, Membership, ProxyPolicy
from yishi.domain.catalog import (
    BUILTIN_CATALOG,
    Catalog,
    StageKind,
    StageKindSpec,
    VoteMethodSpec,
)
from yishi.domain.counting import Requirement
from yishi.domain.periods import Calendar, Counting, Period, count
from yishi.domain.statutory import (
    ASSEMBLY_KINDS,
    BODY_FLOORS,
    MATTER_STATUTES,
    MatterStatute,
    strengthen_quorum,
    strengthen_threshold,
)
from yishi.domain.transitions import Action, Transition


def _builtin_kind(kind: StageKind) -> StageKindSpec:
    return BUILTIN_CATALOG.stage_kinds[StageKind(kind).value]


@attrs.frozen
class LegalBasis:
    law: str
    version: str
    articles: tuple[str, ...] = ()
    note: str = ""
    quote: str = ""  # the words of the articles, as the rule set relies on them


@attrs.frozen
class RecusalPolicy:
    """How a declared interest (回避) is handled; domain.md §7.4 default, a local rule."""

    enabled: bool = False  # opt-in: the law sets no general recusal rule (domain.md §7.4)
    may_speak: bool = True  # recorded for the minutes; speaking is not modelled
    remove_from_bases: bool = True
    on_quorum_lost: Transition | None = None
    statutory: bool = False
    # A member whose close relative (近亲属) has the interest may be recused for it.
    relatives: bool = False


@attrs.frozen
class ObjectionRules:
    window_days: int | None = None  # None = the whole posting period
    reply_days: int = 3
    handler: tuple[str, ...] = ()  # who answers objections ("body" or "body.role")
    on_unresolved: Transition | None = None


@attrs.frozen
class MergeRule:
    """A stage that absorbs an earlier one when one person holds two offices (一肩挑)."""

    absorbs: str
    same_person: tuple[tuple[str, str], ...]  # (body, role) pairs held by one person


@attrs.frozen
class Recipient:
    """An outside body a referral stage may send a matter to (a department, the
    township government, a legal adviser, a service team)."""

    name: str
    name_en: str = ""
    # A body of the community that is this recipient (a service team): its
    # members answer for it, besides the stage's responders.
    body: str = ""

    def label(self, lang: str = "zh") -> str:
        return (self.name_en or self.name) if lang == "en" else self.name


@attrs.frozen
class AnswerWords:
    """How a referral's two answers are worded: 办结 / 未办结 for a department,
    审核通过 / 须修改 for a legality check, 接单 / 不接单 for a service team."""

    settled: str = "已办结"
    not_settled: str = "未办结"
    settled_en: str = "settled"
    not_settled_en: str = "not settled"

    def word(self, resolved: bool, lang: str = "zh") -> str:
        if lang == "en":
            return self.settled_en if resolved else self.not_settled_en
        return self.settled if resolved else self.not_settled


@attrs.frozen
class StageSpec:
    id: str
    kind: StageKind
    name: str
    name_en: str = ""
    bodies: tuple[str, ...] = ()  # meeting: the body (or alternative bodies) that meets
    # Who convenes, enters records, publishes: "body", "body.role" or "residents".
    actors: tuple[str, ...] = ()
    in_sequence: bool = True  # false: entered only by a transition
    # meeting
    notice_days: int | None = None
    quorum: tuple[Requirement, ...] | None = None
    threshold: tuple[Requirement, ...] | None = None
    vote_methods: tuple[VoteMethodSpec, ...] | None = None
    on_pass: Transition = Transition(Action.NEXT)
    on_reject: Transition = Transition(Action.ABANDON)
    on_no_quorum: Transition = Transition(Action.RECONVENE)
    merge: MergeRule | None = None
    # disclosure
    disclosure_days: int = 0
    disclosure_kind: str = ""  # resolution | result | other
    # Whether this posting is one the committee must make under 村组法 Art. 35 /
    # 居委会组织法 Art. 34 (at least 15 days); None: by its kind (rulesets/postings.py).
    statutory_posting: bool | None = None
    channels: tuple[str, ...] = ()
    objections: ObjectionRules | None = None
    # Who reviews the notice before it is posted; their 监督意见 is printed on it.
    reviewers: tuple[str, ...] = ()
    # meeting: every household signs its view before the vote (一事一议 入户征求意见)
    canvass: bool = False
    # execution
    supervisor: tuple[str, ...] = ()  # who must sign off completion ("body" or "body.role")
    # Keeps accounts (domain/accounts.py): completion needs the budget recorded.
    accounts: bool = False
    # evaluation
    scale: tuple[str, ...] = ()
    satisfied: tuple[str, ...] = ()  # which scale values count as satisfied
    raters: tuple[str, ...] = ("residents",)
    # intake
    min_suggestions: int = 1
    # election
    seats: int = 0
    fills: tuple[str, str] | None = None  # (body, role) the elected join
    # 另行选举: votes a candidate needs in a run-off (None: ≥ 1/3 of ballots cast)
    runoff_threshold: Requirement | None = None
    # referral (domain/referral.py): the outside bodies it may go to (empty: any,
    # named when sent), the days they have to answer, counted as the rule set
    # counts unless ``answer_counting`` says otherwise, and who enters the answer
    # (empty: the stage's actors).
    recipients: tuple[Recipient, ...] = ()
    answer_days: int = 0
    answer_counting: Counting | None = None
    responders: tuple[str, ...] = ()
    answer_words: AnswerWords = AnswerWords()
    # None: an overdue referral stays open and is only shown as overdue; else a
    # tick withdraws it and follows this (a service order returned for redispatch).
    on_overdue: Transition | None = None
    # meeting: a share of those present who must be women (domain/attendance_gate.py)
    women_present: Requirement | None = None
    # The kind as the rule set named it: one of the six, or a plugin's variant of one.
    kind_spec: StageKindSpec = attrs.field(
        default=attrs.Factory(lambda self: _builtin_kind(self.kind), takes_self=True)
    )


@attrs.frozen
class StageOverride:
    quorum: tuple[Requirement, ...] | None = None
    threshold: tuple[Requirement, ...] | None = None
    bodies: tuple[str, ...] | None = None
    vote_methods: tuple[VoteMethodSpec, ...] | None = None
    notice_days: int | None = None
    # A matter type's own outcome of the stage: a 村级重大事项 passed by a consultation
    # council is handed to 四议两公开 where another matter would be settled there.
    on_pass: Transition | None = None
    on_reject: Transition | None = None
    answer_days: int | None = None  # a referral stage's time to answer, for this type


@attrs.frozen
class Approval:
    """An outside authority's approval, recorded before a stage may proceed
    (农村土地承包法 Art. 52: 报乡（镇）人民政府批准)."""

    by: str  # 乡（镇）人民政府
    before: str  # the stage id that waits for it
    by_en: str = ""
    note: str = ""
    # The authority replies within this many working days of the approval before it
    # (一事一议: the county reviews the township's approval and answers in 7 working days).
    reply_working_days: int | None = None

    def label(self, lang: str = "zh") -> str:
        return (self.by_en or "outside approval") if lang == "en" else self.by


def approvals_of(matter_type: MatterType | None) -> tuple[Approval, ...]:
    """Every outside approval a matter type needs, in the order they are given."""
    if matter_type is None or matter_type.approval is None:
        return ()
    return (matter_type.approval, *matter_type.further_approvals)


@attrs.frozen
class Exemption:
    """Who is spared money, labour or both (一事一议 减免: 现役军人, 低保户 …)."""

    id: str
    name: str
    money: bool = False
    labour: bool = False
    name_en: str = ""


@attrs.frozen
class Levy:
    """一事一议 caps, set by the province: per person per year, in yuan, and labour
    days per worker per year. Amounts are exact (``Fraction``), never floats."""

    money_cap: Fraction
    labour_cap: Fraction
    exemptions: tuple[Exemption, ...] = ()
    # Who owes labour: ages (inclusive) by gender, as the province sets them.
    labour_ages: Mapping[str, tuple[int, int]] = attrs.field(factory=dict)

    def exemption(self, category: str) -> Exemption | None:
        return next((e for e in self.exemptions if e.id == category), None)


@attrs.frozen
class Petition:
    """A way for people outside the proposer bodies to raise a matter by co-signing
    (一事一议: 十分之一以上村民, or 五分之一以上村民代表)."""

    label: str
    requirement: Requirement  # base eligible_adults, or representatives of ``body``
    body: str | None = None  # whose members with the role "representative" are counted
    label_en: str = ""


@attrs.frozen
class MatterType:
    id: str
    name: str
    procedure: str  # id of the rule set this type must follow
    statute: str | None = None  # a special statute (domain.md §2.4) that sets a floor
    overrides: Mapping[str, StageOverride] = attrs.field(factory=dict)
    note: str = ""
    name_en: str = ""
    approval: Approval | None = None
    # Further approvals after ``approval``, in order (乡镇审核, then 县级复审).
    further_approvals: tuple[Approval, ...] = ()
    # Parts of this type's disclosures never published (a 低保 assessment: the counts).
    withhold: tuple[str, ...] = ()


# The parts of a disclosure a matter type may withhold (rule-set key matter_types.*.withhold).
DISCLOSURE_SECTIONS = ("decisions", "counts", "recusals", "objections", "implementation", "text")


@attrs.frozen
class RuleSet:
    id: str
    title: str
    schema_version: int
    statutory: bool  # false: a local, non-statutory procedure
    legal_basis: tuple[LegalBasis, ...]
    bodies: Mapping[str, BodySpec]
    stages: tuple[StageSpec, ...]
    matter_types: Mapping[str, MatterType]
    proposers: tuple[str, ...]  # body ids, or "residents"
    recusal: RecusalPolicy
    recorders: tuple[str, ...] = ()  # who may enter acts on someone else's behalf
    # Co-signed proposals accepted from people outside ``proposers`` ([[petitions]]).
    petitions: tuple[Petition, ...] = ()
    levy: Levy | None = None  # 一事一议 caps and exemptions ([levy])
    # Field names no published disclosure shows ([privacy] withhold), e.g. "reason".
    privacy_withhold: tuple[str, ...] = ()
    title_en: str = ""
    scope: str = "village"
    law_version: str = "2018"
    timezone: str = "Asia/Shanghai"
    source: str = ""  # file the rule set was read from
    digest: str = ""  # sha256 of the file, recorded with every matter
    # The vote methods and stage kinds the loader resolved names against.
    catalog: Catalog = BUILTIN_CATALOG
    # How every period is counted ([periods] counting), and the holiday
    # calendar the loader attached ([periods] calendar); see domain/periods.py.
    counting: Counting = Counting.CALENDAR_DAYS
    calendar: Calendar = attrs.field(factory=Calendar, eq=False, repr=False)

    def period(self, start: dt.date, days: int, *, extend: bool = True) -> Period:
        """The period of ``days`` days set running on ``start``, counted by this rule set."""
        return count(start, days, self.counting, self.calendar, extend=extend)

    def vote_method(self, name: str) -> VoteMethodSpec | None:
        """The method a meeting names, or None if the catalogue has none by that name."""
        return self.catalog.vote_method(name)

    def records(self, method: str, what: str) -> bool:
        """Whether ``method`` lets a meeting record ``what`` (ballots, tally, consensus)."""
        spec = self.vote_method(method)
        return spec is not None and what in spec.records

    def names(self, lang: str = "zh") -> dict[str, str]:
        """Stage and body ids mapped to their names, for messages."""
        en = lang == "en"
        found = {b.id: (b.name_en or b.name) if en else b.name for b in self.bodies.values()}
        found.update({s.id: (s.name_en or s.name) if en else s.name for s in self.stages})
        return found

    def stage(self, stage_id: str) -> StageSpec:
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    def first_stage(self) -> StageSpec:
        return next(s for s in self.stages if s.in_sequence)

    def next_stage(self, stage_id: str) -> StageSpec | None:
        ordered = [s for s in self.stages if s.in_sequence]
        ids = [s.id for s in ordered]
        if stage_id not in ids:
            return None
        index = ids.index(stage_id)
        return ordered[index + 1] if index + 1 < len(ordered) else None


@attrs.frozen
class EffectiveRules:
    """The rules that apply to one meeting: matter type over stage over body."""

    body: BodySpec
    notice_days: int
    quorum: tuple[Requirement, ...]
    threshold: tuple[Requirement, ...]
    vote_methods: tuple[VoteMethodSpec, ...]
    proxies: ProxyPolicy
    excusal: bool
    sources: Mapping[str, str] = attrs.field(factory=dict)  # setting -> rule-set key path
    quorum_also: tuple[Requirement, ...] = ()


def meeting_rules(
    ruleset: RuleSet, stage: StageSpec, body_id: str, matter_type: str | None
) -> EffectiveRules:
    body = ruleset.bodies[body_id]
    override = StageOverride()
    if matter_type is not None and matter_type in ruleset.matter_types:
        override = ruleset.matter_types[matter_type].overrides.get(stage.id, StageOverride())

    sources: dict[str, str] = {}
    layers = (
        (override, f"matter_types.{matter_type}.overrides.{stage.id}"),
        (stage, f"stages.{stage.id}"),
    )

    def pick(name: str) -> object:
        for layer, where in layers:
            value = getattr(layer, name)
            if value is not None:
                sources[name] = f"{where}.{name}"
                return value
        sources[name] = f"bodies.{body_id}.{name}"
        return getattr(body.rules, name)

    notice_days: int = pick("notice_days")  # type: ignore[assignment]
    quorum: tuple[Requirement, ...] = pick("quorum")  # type: ignore[assignment]
    threshold: tuple[Requirement, ...] = pick("threshold")  # type: ignore[assignment]
    if ruleset.statutory:
        # The engine holds a statutory rule set to the law itself, whether or not
        # it went through `yishi check` (a rule set built in Python does not).
        floors = []
        adults = body.membership is Membership.ELIGIBLE_ADULTS
        floor = BODY_FLOORS.get(body.statutory_kind or "")
        if floor is not None:
            floors.append((floor.notice_days, floor.quorum, floor.threshold, floor.citation))
        statute = matter_statute(ruleset, matter_type)
        if statute is not None and body.statutory_kind in statute.thresholds:
            floors.append(
                (
                    statute.notice_for(body.statutory_kind or ""),
                    statute.quorum.get(body.statutory_kind or "", ()),
                    statute.thresholds[body.statutory_kind or ""],
                    statute.citation,
                )
            )
        for days, floor_quorum, floor_threshold, citation in floors:
            notice_days = max(notice_days, days)
            if floor_quorum:
                quorum = strengthen_quorum(quorum, floor_quorum, citation, adults)
            threshold = strengthen_threshold(threshold, floor_threshold, citation)
    return EffectiveRules(
        body=body,
        notice_days=notice_days,
        quorum=quorum,
        threshold=threshold,
        vote_methods=pick("vote_methods"),  # type: ignore[arg-type]
        proxies=body.rules.proxies,
        excusal=body.rules.excusal,
        sources=sources,
        quorum_also=body.rules.quorum_also,
    )


def matter_statute(ruleset: RuleSet, matter_type: str | None) -> MatterStatute | None:
    """The special statute a matter type follows, if it names one."""
    if matter_type is None or matter_type not in ruleset.matter_types:
        return None
    return MATTER_STATUTES.get(ruleset.matter_types[matter_type].statute or "")


def statute_forbids(ruleset: RuleSet, body_id: str, matter_type: str | None) -> bool:
    """A statutory rule set may not let this body decide a matter its statute reserves
    to other assemblies (农村集体经济组织法 Art. 28: not the 成员代表大会)."""
    statute = matter_statute(ruleset, matter_type)
    kind = ruleset.bodies[body_id].statutory_kind
    return (
        ruleset.statutory
        and statute is not None
        and kind in ASSEMBLY_KINDS
        and kind not in statute.kinds
    )


def stage_outcome(
    ruleset: RuleSet, stage: StageSpec, matter_type: str | None, name: str
) -> Transition:
    """The stage's ``on_pass`` or ``on_reject``, as the matter type overrides it."""
    if matter_type is not None and matter_type in ruleset.matter_types:
        override = ruleset.matter_types[matter_type].overrides.get(stage.id)
        if override is not None and getattr(override, name) is not None:
            found: Transition = getattr(override, name)
            return found
    default: Transition = getattr(stage, name)
    return default


def stage_bodies(ruleset: RuleSet, stage: StageSpec, matter_type: str | None) -> tuple[str, ...]:
    if matter_type is not None and matter_type in ruleset.matter_types:
        override = ruleset.matter_types[matter_type].overrides.get(stage.id)
        if override is not None and override.bodies is not None:
            return override.bodies
    return stage.bodies
