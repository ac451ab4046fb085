"""The community's register: its name, people, groups, households, bodies and procedures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from yishi.domain.events.base import Event


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
