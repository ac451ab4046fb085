"""The bodies of a rule set and how each meets: who belongs (``membership``), its
composition, notice, quorum and threshold, vote methods, proxies and excusal.

A stage or a matter type may override a body's meeting rules; ``meeting_rules``
in ``domain/rules.py`` resolves what applies to one meeting.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

import attrs

from yishi.domain.catalog import VoteMethodSpec
from yishi.domain.counting import Requirement
from yishi.domain.sittings import Sittings


class Membership(str, enum.Enum):
    ROSTER = "roster"  # the members listed for the body in the community
    ELIGIBLE_ADULTS = "eligible_adults"  # every resident aged 18 or over on the meeting day
    HOUSEHOLDS = "households"  # one representative per household


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
class MeetingRules:
    """How one body meets: notice, quorum alternatives, cumulative thresholds."""

    notice_days: int = 0
    quorum: tuple[Requirement, ...] = ()  # any one suffices
    threshold: tuple[Requirement, ...] = ()  # all must be met
    vote_methods: tuple[VoteMethodSpec, ...] = ()
    proxies: ProxyPolicy = ProxyPolicy()
    # Attendance conditions that must hold besides the quorum (一事一议: the
    # representatives present represent 2/3 of households, on top of Art. 30).
    quorum_also: tuple[Requirement, ...] = ()
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
    # 临时通知 "遇有特殊情况": a shorter notice, chosen per meeting with its reason recorded.
    urgent_notice: bool = False
    # Bodies whose members and their close relatives (近亲属) may not sit on this one.
    excludes_relatives_of: tuple[str, ...] = ()
    # Bodies whose members may attend this one's meetings without a vote (列席).
    observers: tuple[str, ...] = ()
    # An election committee: a member who is nominated, or whose close relative is, steps down.
    steps_down_if_relative_nominated: bool = False
    # A standing council's regular sittings under its charter (domain/sittings.py).
    sittings: Sittings | None = None
    # A template expanded into one body per 村民小组 ("village_group"; 村组法 Art. 32).
    per: str | None = None
    group: str | None = None  # set on an expanded body: the 村民小组 it is for
