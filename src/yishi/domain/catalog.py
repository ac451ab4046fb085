"""The catalogue of vote methods and stage kinds that rule sets may name.

A rule set names its vote methods (表决方式) and stage kinds (步骤类型) by
string. The loader resolves each name against a :class:`Catalog` and puts the
resolved values into the rule set, so the domain decides from what a method
*records* (ballots, a tally, a consensus) and never from a fixed list of
names. The built-in catalogue below is the one table of the methods and
seven kinds yishi ships with; the built-in plugins register it through the same
hooks a third-party plugin uses (``yishi.plugins``), and a plugin host can
extend it. This module stays pure: it knows nothing about plugins.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from yishi.domain.methods import (
    APPROVAL,
    AT_MOST_SEATS,
    CONSENSUS,
    IRV,
    SATISFACTION,
    STV,
    YES_NO,
    ConsensusRule,
    ElectionRule,
    MotionRule,
)

#: What a vote method lets a meeting record.
RECORDS = frozenset({"ballots", "tally", "consensus"})
_NAME = re.compile(r"[a-z][a-z0-9_]*")


class StageKind(str, enum.Enum):
    """The seven behaviours the domain implements for a stage."""

    MEETING = "meeting"  # a body meets, checks quorum and votes (议、决)
    DISCLOSURE = "disclosure"  # a notice is posted with an objection window (公开)
    EXECUTION = "execution"  # the decision is carried out, optionally supervised (办)
    EVALUATION = "evaluation"  # residents rate the result (评)
    INTAKE = "intake"  # suggestions are reviewed and merged into one topic (提)
    ELECTION = "election"  # a body elects people to seats by secret ballot (选)
    # sent to an outside body that must answer by a deadline (转办、报审、备案、派单)
    REFERRAL = "referral"


def _name(_instance: Any, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise ValueError(
            f"{attribute.name} must be lowercase ASCII letters, digits and _, got {value!r}"
        )


def _records(_instance: Any, _attribute: attrs.Attribute[frozenset[str]], value: Any) -> None:
    if not value or not value <= RECORDS:
        raise ValueError(f"records must be a non-empty subset of {sorted(RECORDS)}, got {value!r}")
    if "consensus" in value and len(value) > 1:
        raise ValueError("a consensus method records a consensus only, not ballots or a tally")


def _records_set(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):  # frozenset("tally") would be a set of letters
        raise ValueError(f"records must be a collection of names, got the string {value!r}")
    return frozenset(value)


@attrs.frozen
class VoteMethodSpec:
    """A vote method (表决方式) a rule set may allow.

    ``records`` says what a meeting held with it may enter: ``"ballots"`` (votes
    one by one, named or secret), ``"tally"`` (a count entered afterwards) or
    ``"consensus"`` (agreement reached or not). ``elections`` marks a method fit
    for personnel matters (secret ballot, domain.md §7.1).
    """

    name: str = attrs.field(validator=_name)
    label_zh: str = attrs.field(validator=attrs.validators.instance_of(str))
    label_en: str = attrs.field(validator=attrs.validators.instance_of(str))
    records: frozenset[str] = attrs.field(converter=_records_set, validator=_records)
    elections: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    #: How the method counts (:mod:`yishi.domain.methods`): a ``MotionRule`` or
    #: ``ConsensusRule`` for meetings, an ``ElectionRule`` for elections. None:
    #: the default of the stage — 赞成/反对/弃权 in a meeting, "at most ``seats``
    #: names" (差额选举) in an election.
    counting: MotionRule | ConsensusRule | ElectionRule | None = attrs.field(
        default=None, validator=lambda i, a, v: _counting(i, v)
    )
    #: 无记名: ballots entered one by one keep the voter apart from the choice
    #: (the register in the log, the choice in a sealed box; domain/secrecy.py).
    secret: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))

    def label(self, lang: str = "zh") -> str:
        return self.label_en if lang == "en" else self.label_zh

    def motion_rule(self) -> MotionRule:
        """The counting rule of a meeting held with this method."""
        return self.counting if isinstance(self.counting, MotionRule) else YES_NO

    def election_rule(self) -> ElectionRule:
        """The counting rule of an election held with this method."""
        return self.counting if isinstance(self.counting, ElectionRule) else AT_MOST_SEATS

    @property
    def for_motions(self) -> bool:
        return not isinstance(self.counting, ElectionRule)


def _counting(instance: VoteMethodSpec, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, (MotionRule, ConsensusRule, ElectionRule)):
        raise ValueError(
            "counting must be a MotionRule, ConsensusRule or ElectionRule "
            f"(yishi.domain.methods), got {type(value).__name__}"
        )
    if isinstance(value, ConsensusRule) != (instance.records == {"consensus"}):
        raise ValueError("a consensus rule goes with records={'consensus'}, and only there")
    if isinstance(value, ElectionRule):
        if not instance.elections:
            raise ValueError("an election counting rule needs elections=True")
        if "tally" in instance.records and not value.accepts_tally:
            raise ValueError(f"counting {value.name!r} cannot be entered as a tally")


def _behaviour(instance: StageKindSpec, _attribute: attrs.Attribute[str], value: str) -> None:
    known = {k.value for k in StageKind}
    if (value or instance.name) not in known:
        raise ValueError(
            f"stage kind {instance.name!r} has no handling: set runs_as to one of "
            f"{', '.join(sorted(known))}"
        )


@attrs.frozen
class StageKindSpec:
    """A stage kind (步骤类型) a rule set may name in ``stages[].kind``.

    The domain implements seven behaviours (:class:`StageKind`). A kind is either
    one of them or, when registered by a plugin, a named variant that
    ``runs_as`` one of them: a 听证会 (hearing) that runs as a meeting, say. The
    variant brings its own name, labels and documentation; the commands, checks
    and events are those of the behaviour it runs as.
    """

    name: str = attrs.field(validator=_name)
    label_zh: str = attrs.field(validator=attrs.validators.instance_of(str))
    label_en: str = attrs.field(validator=attrs.validators.instance_of(str))
    doc: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    runs_as: str = attrs.field(default="", validator=_behaviour)

    @property
    def behaviour(self) -> StageKind:
        return StageKind(self.runs_as or self.name)

    def label(self, lang: str = "zh") -> str:
        return self.label_en if lang == "en" else self.label_zh


@attrs.frozen
class Catalog:
    """The vote methods and stage kinds that rule sets may name, by name."""

    vote_methods: Mapping[str, VoteMethodSpec]
    stage_kinds: Mapping[str, StageKindSpec]

    @classmethod
    def of(cls, methods: Iterable[VoteMethodSpec], kinds: Iterable[StageKindSpec]) -> Catalog:
        return cls({m.name: m for m in methods}, {k.name: k for k in kinds})

    def vote_method(self, name: str) -> VoteMethodSpec | None:
        return self.vote_methods.get(name)


BUILTIN_VOTE_METHODS: tuple[VoteMethodSpec, ...] = (
    # A show of hands may be counted (计数) or minuted by name.
    VoteMethodSpec("show_of_hands", "举手表决", "show of hands", {"tally", "ballots"}),
    # Paper ballots counted on the spot (唱票、计票) and entered as a count, or one by one.
    VoteMethodSpec(
        "secret", "无记名投票", "secret ballot", {"tally", "ballots"}, elections=True, secret=True
    ),
    VoteMethodSpec("roll_call", "唱名表决", "roll call", {"ballots"}),
    VoteMethodSpec("written", "书面表决", "written vote", {"tally", "ballots"}),
    VoteMethodSpec("online", "线上表决", "online vote", {"ballots"}, elections=True),
    VoteMethodSpec(
        "hand_count", "举手表决（事后录入）", "hand count entered afterwards", {"tally"}
    ),
    VoteMethodSpec("consensus", "协商一致", "consensus", {"consensus"}, counting=CONSENSUS),
    # Ways of counting (计票规则) a rule set chooses by naming the method.
    VoteMethodSpec(
        "at_most_seats",
        "差额选举（所选人数不多于应选名额）",
        "secret ballot, at most as many names as seats",
        {"ballots", "tally"},
        elections=True,
        counting=AT_MOST_SEATS,
        secret=True,
    ),
    VoteMethodSpec(
        "approval",
        "认可投票（可选任意多名）",
        "approval voting",
        {"ballots", "tally"},
        elections=True,
        counting=APPROVAL,
        secret=True,
    ),
    VoteMethodSpec(
        "irv",
        "排序复选（一个名额）",
        "instant-runoff",
        {"ballots"},
        elections=True,
        counting=IRV,
        secret=True,
    ),
    VoteMethodSpec(
        "stv",
        "单记名可转移投票",
        "single transferable vote",
        {"ballots"},
        elections=True,
        counting=STV,
        secret=True,
    ),
    VoteMethodSpec(
        "satisfaction",
        "满意度测评（满意/基本满意/不满意）",
        "satisfaction scale",
        {"ballots"},
        counting=SATISFACTION,
    ),
)

BUILTIN_STAGE_KINDS: tuple[StageKindSpec, ...] = (
    StageKindSpec("meeting", "会议表决", "meeting", "一个机构开会，核对法定人数并表决（议、决）"),
    StageKindSpec("disclosure", "公示", "disclosure", "张贴公示，在异议期内受理异议（公开）"),
    StageKindSpec("execution", "组织实施", "execution", "实施决定，可由监督机构签认（办）"),
    StageKindSpec("evaluation", "评议", "evaluation", "居民对结果评价（评）"),
    StageKindSpec("intake", "征集议题", "intake", "收集建议，审核并合并为一个议题（提）"),
    StageKindSpec("election", "选举", "election", "机构以无记名投票选出人员（选）"),
)

#: Registered by its own built-in plugin (``yishi.plugins.referral``), through the
#: hook a third-party plugin uses; domain/referral.py implements it.
REFERRAL_KIND = StageKindSpec(
    "referral",
    "转办答复",
    "referral",
    "事项送交外部机构（职能部门、乡镇政府、法律顾问、服务队），对方须在期限内答复；"
    "答复及其文书记录在案，逾期公开显示（吹哨报到、合法性审核、备案、派单）",
)

BUILTIN_CATALOG = Catalog.of(BUILTIN_VOTE_METHODS, (*BUILTIN_STAGE_KINDS, REFERRAL_KIND))
