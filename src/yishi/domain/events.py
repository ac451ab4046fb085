"""Events: the facts in the log. State is a fold over them.

Events are frozen attrs values with plain data (str, int, bool, dates, tuples
and mappings of those), so that they serialise to one canonical JSON form.
Past tense names; every event says who entered it and on whose behalf.
"""

from __future__ import annotations

import datetime as dt
import inspect
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

# -- the codec: replaying a log decodes every event, so what depends only on
# the class (field names, which need converting and how) is worked out once per
# class and cached here.

_Convert = Callable[[Any], Any]
_ENCODERS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}  # names, omitted
_DECODERS: dict[type, _Decoder] = {}
_PLAIN = frozenset({str, int, bool, float, type(None)})  # encoded as they are


def _encoder_for(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    names = tuple(field.name for field in attrs.fields(cls))
    _ENCODERS[cls] = plan = (names, tuple(k for k in OMITTED_WHEN_EMPTY if k in names))
    return plan


def _encode(value: Any, nested: bool = False) -> Any:
    """A value as ``attrs.asdict(event, value_serializer=...)`` encoded it when
    that call defined the encoding, whatever the annotation says: dates as ISO
    strings, a field's tuple as a list (collections inside it keep their type),
    attrs values and dicts as dicts. Stored hashes depend on it;
    tests/test_event_codec.py keeps that call as the reference."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    if getattr(kind, "__attrs_attrs__", None) is not None:
        return {f.name: _encode(getattr(value, f.name)) for f in attrs.fields(kind)}
    if isinstance(value, (tuple, list, set, frozenset)):
        items = [_encode(item, True) for item in value]
        return items if kind is list or (isinstance(value, tuple) and not nested) else kind(items)
    if isinstance(value, dict):
        return {_encode(k, True): _encode(v, True) for k, v in value.items()}
    return value


def event_from_dict(data: Mapping[str, Any]) -> Event:
    event: Event = _decode(EVENT_TYPES[data["type"]], data)
    return event


class _Decoder(typing.NamedTuple):
    converters: tuple[tuple[str, _Convert], ...]  # only the fields that need one
    defaults: dict[str, Any]  # plain defaults, merged under the data
    factories: tuple[tuple[str, Callable[[], Any]], ...]  # defaults made afresh
    setters: tuple[tuple[str, Callable[[Any, Any], None]], ...] | None  # None: use __init__


def _decode(cls: type, data: Mapping[str, Any]) -> Any:
    """An instance of ``cls`` from the JSON form of its fields. Keys the class
    does not have (a record written by another version) are ignored, and
    absent fields take their defaults."""
    converters, defaults, factories, setters = _DECODERS.get(cls) or _decoder_for(cls)
    fields = {**defaults, **data}
    for name, convert in converters:
        value = data.get(name)
        if value is not None:
            fields[name] = convert(value)
    for name, factory in factories:
        if name not in fields:
            fields[name] = factory()
    if setters is None:
        names = (field.name for field in attrs.fields(cls))
        return cls(**{name: fields[name] for name in names if name in fields})
    # The generated __init__ only assigns, one call per field; filling the
    # slots directly halves the cost of a decode (see _fill_directly).
    instance: Any = object.__new__(cls)
    try:
        for name, set_slot in setters:
            set_slot(instance, fields[name])
    except KeyError as missing:
        raise TypeError(f"{cls.__name__} is missing the field {missing}") from None
    return instance


def _decoder_for(cls: type) -> _Decoder:
    hints = typing.get_type_hints(cls)
    fields = attrs.fields(cls)
    converters = tuple(
        (f.name, convert) for f in fields if (convert := _converter(hints[f.name])) is not None
    )
    defaults, factories = {}, []
    for f in fields:
        if isinstance(f.default, attrs.Factory):  # type: ignore[arg-type]
            factories.append((f.name, f.default.factory))
        elif f.default is not attrs.NOTHING:
            defaults[f.name] = f.default
    setters = (
        tuple((f.name, getattr(cls, f.name).__set__) for f in fields)
        if _fill_directly(cls)
        else None
    )
    _DECODERS[cls] = plan = _Decoder(converters, defaults, tuple(factories), setters)
    return plan


def _fill_directly(cls: type) -> bool:
    """Whether an instance may be made by filling its slots, which is the same
    as calling __init__ only while __init__ does nothing but assign: attrs'
    own, no validators, converters, hooks, aliases or cached hash."""
    init = getattr(getattr(cls, "__init__", None), "__code__", None)
    if init is None or not init.co_filename.startswith("<attrs generated"):
        return False
    hooks = ("__attrs_pre_init__", "__attrs_post_init__", "_attrs_cached_hash")
    if any(hasattr(cls, hook) for hook in hooks):
        return False
    return all(
        f.init
        and f.validator is None
        and f.converter is None
        and f.alias == f.name
        and isinstance(inspect.getattr_static(cls, f.name, None), types.MemberDescriptorType)
        for f in attrs.fields(cls)
    )


def _converter(hint: Any) -> _Convert | None:
    """How a JSON value becomes a value of type ``hint``; None if it is one already.

    Dates and datetimes come from ISO strings, tuples from lists (at any depth),
    attrs values (Evidence) from objects; mappings and scalars are used as given.
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        others = [arg for arg in args if arg is not type(None)]
        inner = _converter(others[0]) if len(others) == 1 else None
        return None if inner is None else lambda value: None if value is None else inner(value)
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
        return lambda value: _decode(hint, value)
    return None


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
