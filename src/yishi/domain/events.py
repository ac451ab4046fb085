"""Events: the facts in the log. State is a fold over them.

Events are frozen attrs values with plain data (str, int, bool, dates, tuples
and mappings of those), so that they serialise to one canonical JSON form.
Past tense names; every event says who entered it and on whose behalf.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import attrs

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
        cls = type(self)
        names, omitted = _ENCODERS.get(cls) or _encoder_for(cls)
        data: dict[str, Any] = {"type": self.type}
        for name in names:
            value = getattr(self, name)
            data[name] = value if type(value) in _PLAIN else _encode(value)
        # Trust fields added after the first records: leave them out when unset
        # so that a record's encoding (and hash) does not depend on their arrival.
        for key in omitted:
            if not data[key]:
                del data[key]
        return data


OMITTED_WHEN_EMPTY = ("evidence", "checkpoint")

# -- the codec ---------------------------------------------------------------
#
# Replaying a log decodes every event, so the work that depends only on the
# class (field names, which fields need converting and how) is done once per
# class and cached here.

_Convert = Callable[[Any], Any]
_ENCODERS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}
_DECODERS: dict[type, tuple[tuple[str, ...], tuple[tuple[str, _Convert], ...]]] = {}
# Values the encoding keeps as they are.
_PLAIN = frozenset({str, int, bool, float, type(None)})


def _encoder_for(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    names = tuple(field.name for field in attrs.fields(cls))
    plan = (names, tuple(key for key in OMITTED_WHEN_EMPTY if key in names))
    _ENCODERS[cls] = plan
    return plan


# The encoding was first defined as ``attrs.asdict(event, value_serializer=...)``
# turning dates to ISO strings and tuples to lists. Hashes of stored records
# depend on it, so _encode and _encode_item reproduce that call exactly, even
# for values that do not match their annotation (tests/test_event_codec.py
# keeps the original as the reference).


def _encode(value: Any) -> Any:
    """An attribute's value (attrs.asdict's top level)."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, tuple):
        return [_encode_item(item, False) for item in value]
    if attrs.has(type(value)):
        return _encode_attrs(value)
    if isinstance(value, (list, set, frozenset)):
        return [_encode_item(item, False) for item in value]
    if isinstance(value, dict):
        return {_encode_item(k, True): _encode_item(v, False) for k, v in value.items()}
    return value


def _encode_item(value: Any, is_key: bool) -> Any:
    """A value inside a collection (attrs' ``_asdict_anything``)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if getattr(kind, "__attrs_attrs__", None) is not None:
        return _encode_attrs(value)
    if issubclass(kind, (tuple, list, set, frozenset)):
        items = [_encode_item(item, False) for item in value]
        return tuple(items) if is_key else items
    if issubclass(kind, dict):
        return {_encode_item(k, True): _encode_item(v, False) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _encode_attrs(inst: Any) -> dict[str, Any]:
    return {f.name: _encode(getattr(inst, f.name)) for f in attrs.fields(type(inst))}


def event_from_dict(data: Mapping[str, Any]) -> Event:
    cls = EVENT_TYPES[data["type"]]
    fields = dict(data)
    del fields["type"]
    return typing.cast(Event, _decode(cls, data, fields))


def _decode(cls: type, data: Mapping[str, Any], fields: dict[str, Any]) -> Any:
    """An instance of ``cls`` from ``data``; ``fields`` is a copy of it, less the
    event's ``type``, that is used up."""
    names, converters = _DECODERS.get(cls) or _decoder_for(cls)
    for name, convert in converters:
        value = fields.get(name)
        if value is not None:
            fields[name] = convert(value)
    try:
        return cls(**fields)
    except TypeError:
        if fields.keys() <= set(names):
            raise
    # A key the class does not have (written by another version) is ignored,
    # as absent fields take their defaults. Filtering every record up front
    # instead of only these would cost a fifth of a replay.
    return cls(**{name: fields[name] for name in names if name in fields})


def _decoder_for(cls: type) -> tuple[tuple[str, ...], tuple[tuple[str, _Convert], ...]]:
    hints = typing.get_type_hints(cls)
    names = tuple(field.name for field in attrs.fields(cls))
    converters = tuple(
        (name, convert) for name in names if (convert := _converter(hints[name])) is not None
    )
    _DECODERS[cls] = plan = (names, converters)
    return plan


def _converter(hint: Any) -> _Convert | None:
    """How a JSON value becomes a value of type ``hint``; None if it is one already.

    Dates and datetimes come from ISO strings, tuples from lists (at any depth),
    attrs values (Evidence) from objects; mappings and scalars are used as given.
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        others = [arg for arg in args if arg is not type(None)]
        inner = _converter(others[0]) if len(others) == 1 else None
        return None if inner is None else _or_none(inner)
    if hint is dt.datetime:
        return dt.datetime.fromisoformat
    if hint is dt.date:
        return dt.date.fromisoformat
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _converter(args[0])
            return tuple if item is None else lambda value: tuple(map(item, value))
        items = tuple(_converter(arg) for arg in args)
        if not any(items):
            return tuple
        return lambda value: tuple(c(v) if c else v for c, v in zip(items, value, strict=True))
    if isinstance(hint, type) and attrs.has(hint):
        return lambda value: _decode(hint, value, dict(value))
    return None


def _or_none(convert: _Convert) -> _Convert:
    return lambda value: None if value is None else convert(value)


# -- community -------------------------------------------------------------


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
class HouseholdRegistered(Event):
    household: str
    name: str
    representative: str | None = None


@attrs.frozen(kw_only=True)
class BodyConstituted(Event):
    body: str
    # (person, roles, voting) triples
    members: tuple[tuple[str, tuple[str, ...], bool], ...]


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


@attrs.frozen(kw_only=True)
class ElectionBallotCast(Event):
    matter: str
    meeting: str
    voter: str
    candidates: tuple[str, ...]


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


@attrs.frozen(kw_only=True)
class ObjectionRaised(Event):
    matter: str
    disclosure: str
    objection: str
    person: str
    text: str
    reply_due: dt.date


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
class ExecutionSignedOff(Event):
    matter: str
    supervisor: str
    text: str = ""


@attrs.frozen(kw_only=True)
class ExecutionCompleted(Event):
    matter: str
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
