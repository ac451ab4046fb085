"""The rule-set model: frozen values that the TOML loader builds and decide() reads.

A rule set is the whole procedure of one kind of council: its bodies and how
they meet, its stages in order, what happens on each outcome, and the catalogue
of matter types that must follow it. The engine knows no procedure by name;
everything specific to 四议两公开, a 板凳会 or a 智慧云 consultation is here.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

import attrs

from yishi.domain.catalog import (
    BUILTIN_CATALOG,
    Catalog,
    StageKind,
    StageKindSpec,
    VoteMethodSpec,
)
from yishi.domain.counting import Requirement


class Action(str, enum.Enum):
    NEXT = "next"  # go on to the following stage
    GOTO = "goto"  # go to a named stage
    REVISE_AND_RESTART = "revise_and_restart"  # revise the plan, restart at a named stage
    ABANDON = "abandon"  # the matter ends without implementation
    RECONVENE = "reconvene"  # hold the meeting again, with fresh notice
    ESCALATE = "escalate"  # hold the stage again before a larger body
    COMPLETE = "complete"  # the procedure is finished


class Membership(str, enum.Enum):
    ROSTER = "roster"  # the members listed for the body in the community
    ELIGIBLE_ADULTS = "eligible_adults"  # every resident aged 18 or over on the meeting day
    HOUSEHOLDS = "households"  # one representative per household


def _builtin_kind(kind: StageKind) -> StageKindSpec:
    return BUILTIN_CATALOG.stage_kinds[StageKind(kind).value]


@attrs.frozen
class LegalBasis:
    law: str
    version: str
    articles: tuple[str, ...] = ()
    note: str = ""


@attrs.frozen
class Transition:
    action: Action
    stage: str | None = None  # for goto / revise_and_restart
    body: str | None = None  # for escalate
    notice_days: int | None = None  # for reconvene; None = the body's own notice

    def describe(self, lang: str = "zh", names: Mapping[str, str] | None = None) -> str:
        """The transition in words; ``names`` maps stage and body ids to their names."""
        stage = (names or {}).get(self.stage or "", self.stage)
        body = (names or {}).get(self.body or "", self.body)
        zh = {
            Action.NEXT: "进入下一步",
            Action.GOTO: f"转入“{stage}”",
            Action.REVISE_AND_RESTART: f"修改方案后从“{stage}”重新开始",
            Action.ABANDON: "终止，不得实施",
            Action.RECONVENE: "重新通知后再次召开",
            Action.ESCALATE: f"提交{body}",
            Action.COMPLETE: "程序完成",
        }
        en = {
            Action.NEXT: "go on to the next stage",
            Action.GOTO: f"go to '{stage}'",
            Action.REVISE_AND_RESTART: f"revise and restart at '{stage}'",
            Action.ABANDON: "abandon; not to be implemented",
            Action.RECONVENE: "reconvene with fresh notice",
            Action.ESCALATE: f"escalate to {body}",
            Action.COMPLETE: "procedure complete",
        }
        return (en if lang == "en" else zh)[self.action]


@attrs.frozen
class CompositionRule:
    """A share of the body that members with a role (and gender) must make up."""

    label: str
    role: str
    requirement: Requirement  # base is always composition
    gender: str | None = None


@attrs.frozen
class ProxyPolicy:
    """Written proxies (委托投票, domain.md §7.2); off unless a rule set allows them."""

    allowed: bool = False
    holder: str = "close_relative"  # close_relative | same_household | any_member
    max_per_holder: int = 1
    absent_only: bool = True  # the grantor must not be checked in himself


@attrs.frozen
class RecusalPolicy:
    """How a declared interest (回避) is handled; domain.md §7.4 default, a local rule."""

    enabled: bool = False  # opt-in: the law sets no general recusal rule (domain.md §7.4)
    may_speak: bool = True  # recorded for the minutes; speaking is not modelled
    remove_from_bases: bool = True
    on_quorum_lost: Transition | None = None
    statutory: bool = False


@attrs.frozen
class MeetingRules:
    """How one body meets: notice, quorum alternatives, cumulative thresholds."""

    notice_days: int = 0
    quorum: tuple[Requirement, ...] = ()  # any one suffices
    threshold: tuple[Requirement, ...] = ()  # all must be met
    vote_methods: tuple[VoteMethodSpec, ...] = ()
    proxies: ProxyPolicy = ProxyPolicy()
    # Members may be left out of 应到会 with approval (long absent, incapacitated;
    # domain.md §2.8): off unless the rule set allows it.
    excusal: bool = False


@attrs.frozen
class BodySpec:
    id: str
    name: str
    name_en: str = ""
    membership: Membership = Membership.ROSTER
    statutory_kind: str | None = None
    roles: tuple[str, ...] = ()
    role_names: Mapping[str, str] = attrs.field(factory=dict)  # role id -> 书记, 主任 …
    non_voting_party: tuple[str, ...] = ()  # party statuses that attend without a vote
    composition: tuple[CompositionRule, ...] = ()
    rules: MeetingRules = MeetingRules()


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
    channels: tuple[str, ...] = ()
    objections: ObjectionRules | None = None
    # execution
    supervisor: tuple[str, ...] = ()  # who must sign off completion ("body" or "body.role")
    # evaluation
    scale: tuple[str, ...] = ()
    satisfied: tuple[str, ...] = ()  # which scale values count as satisfied
    raters: tuple[str, ...] = ("residents",)
    # intake
    min_suggestions: int = 1
    # election
    seats: int = 0
    fills: tuple[str, str] | None = None  # (body, role) the elected join
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


@attrs.frozen
class MatterType:
    id: str
    name: str
    procedure: str  # id of the rule set this type must follow
    statute: str | None = None  # a special statute (domain.md §2.4) that sets a floor
    overrides: Mapping[str, StageOverride] = attrs.field(factory=dict)
    note: str = ""
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
        found = {b.id: (b.name_en or b.id) if en else b.name for b in self.bodies.values()}
        found.update({s.id: (s.name_en or s.id) if en else s.name for s in self.stages})
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

    return EffectiveRules(
        body=body,
        notice_days=pick("notice_days"),  # type: ignore[arg-type]
        quorum=pick("quorum"),  # type: ignore[arg-type]
        threshold=pick("threshold"),  # type: ignore[arg-type]
        vote_methods=pick("vote_methods"),  # type: ignore[arg-type]
        proxies=body.rules.proxies,
        excusal=body.rules.excusal,
        sources=sources,
    )


def stage_bodies(ruleset: RuleSet, stage: StageSpec, matter_type: str | None) -> tuple[str, ...]:
    if matter_type is not None and matter_type in ruleset.matter_types:
        override = ruleset.matter_types[matter_type].overrides.get(stage.id)
        if override is not None and override.bodies is not None:
            return override.bodies
    return stage.bodies
