"""The event codec (yishi.domain.events): ``to_dict`` and ``event_from_dict``.

1. Every event type survives JSON: ``event_from_dict(json.loads(json.dumps(e.to_dict())))``
   gives the event back, tuples as tuples at every depth, dates as dates.
2. ``to_dict`` is the canonical encoding the hash chain is computed over, so it
   must keep giving what ``attrs.asdict`` gave when it defined it; that call is
   kept here as the reference, and compared by ``repr`` so that key order and
   list-or-tuple count too.
3. Records from other versions decode: unknown keys are ignored, absent fields
   take their defaults, and a missing required field is refused.

Events are drawn from their own annotations, so an event type added later is
covered here without a change, or fails loudly if it uses a field type this
module cannot draw yet.
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from collections.abc import Mapping
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yishi.domain import codec
from yishi.domain import events as ev
from yishi.domain.codec import OMITTED_WHEN_EMPTY
from yishi.domain.events import EVENT_TYPES, event_from_dict
from yishi.domain.evidence import Evidence

PER_TYPE = settings(max_examples=40, deadline=None)


# -- the reference encoding ----------------------------------------------------


def _reference_serialize(_inst: object, _field: object, value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def reference_to_dict(event: ev.Event) -> dict[str, Any]:
    """``Event.to_dict`` as it was first written."""
    data = {"type": event.type, **attrs.asdict(event, value_serializer=_reference_serialize)}
    for key in OMITTED_WHEN_EMPTY:
        if key in data and not data[key]:
            del data[key]
    return data


# -- strategies ----------------------------------------------------------------

names = st.text(max_size=8)
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)
# fold is not part of the ISO form, nor of the record.
datetimes = st.datetimes(timezones=st.none() | offsets).map(lambda d: d.replace(fold=0))
evidence = st.builds(
    Evidence,
    sha256=st.text("0123456789abcdef", min_size=64, max_size=64),
    name=names,
    media_type=st.sampled_from(("image/jpeg", "application/pdf")),
    size=st.integers(min_value=0, max_value=2**40),
    note=names,
)
# What a mapping field holds once it has been through JSON.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | names,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3),
    max_leaves=8,
)
# Anything the encoding must turn into JSON the way attrs.asdict did: dates,
# tuples, sets, attrs values, tuple keys, at any depth.
python_values = st.recursive(
    json_values | datetimes | st.dates() | evidence,
    lambda inner: (
        st.lists(inner, max_size=3).map(tuple)
        | st.lists(inner, max_size=3)
        | st.frozensets(st.integers(), max_size=3)
        | st.dictionaries(names | st.tuples(names, st.integers()), inner, max_size=3)
    ),
    max_leaves=8,
)


def values(hint: Any, mappings: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Values of an annotated type; ``mappings`` fills Mapping fields."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint in (str, int, bool):
        return {str: names, int: st.integers(), bool: st.booleans()}[hint]
    if hint is dt.datetime:
        return datetimes
    if hint is dt.date:
        return st.dates()
    if hint is Evidence:
        return evidence
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(values(arg, mappings) for arg in args))
    if hint is type(None):
        return st.none()
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return st.lists(values(args[0], mappings), max_size=3).map(tuple)
    if origin is tuple:
        return st.tuples(*(values(arg, mappings) for arg in args))
    if origin is Mapping:
        return st.dictionaries(names, mappings, max_size=4)
    raise NotImplementedError(f"no strategy for fields of type {hint!r}: add one to values()")


def events_of(cls: type[ev.Event], mappings: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Events of ``cls`` with every field drawn, defaults included."""
    hints = typing.get_type_hints(cls)
    fields = {f.name: values(hints[f.name], mappings) for f in attrs.fields(cls)}
    # An empty trust field is left out of the record, so it reads back as its
    # default: draw it empty only as that default.
    for f in attrs.fields(cls):
        if f.name in OMITTED_WHEN_EMPTY and f.default is not attrs.NOTHING:
            empty = f.default.factory() if isinstance(f.default, attrs.Factory) else f.default  # type: ignore[arg-type]
            fields[f.name] = st.one_of(st.just(empty), fields[f.name].filter(bool))
    return st.builds(cls, **fields)


TYPES = sorted(EVENT_TYPES)
BALLOT = ev.BallotCast(
    at=dt.datetime(2026, 3, 2, 8), actor="p1", matter="m1", meeting="x", voter="p1", choice="yes"
)


# -- 1. round trip through JSON ------------------------------------------------


def test_every_event_type_can_be_drawn():
    """The properties below run once per type in EVENT_TYPES, so a new event
    type is covered without a change here, unless one of its fields has a type
    values() cannot draw yet: then this fails and says which."""
    assert {"BallotCast", "AttendanceRecorded", "PersonRegistered"} <= set(TYPES)
    for cls in EVENT_TYPES.values():
        events_of(cls, json_values)
        events_of(cls, python_values)


@pytest.mark.parametrize("name", TYPES)
@PER_TYPE
@given(data=st.data())
def test_every_event_survives_a_json_round_trip(name, data):
    event = data.draw(events_of(EVENT_TYPES[name], json_values))
    text = json.dumps(event.to_dict(), ensure_ascii=False)
    again = event_from_dict(json.loads(text))
    assert again == event
    assert type(again) is type(event)
    # Equality does not see a list where a tuple belongs, or a date for a datetime.
    assert repr(again) == repr(event)


# -- 2. the canonical encoding -------------------------------------------------


@pytest.mark.parametrize("name", TYPES)
@PER_TYPE
@given(data=st.data())
def test_to_dict_is_what_attrs_asdict_gave(name, data):
    event = data.draw(events_of(EVENT_TYPES[name], python_values))
    assert repr(event.to_dict()) == repr(reference_to_dict(event))


@given(value=python_values, field=st.sampled_from(("actor", "on_behalf_of", "evidence")))
def test_to_dict_matches_even_for_values_against_their_annotation(value, field):
    """The encoding is defined by what attrs.asdict did with the value, not by
    what the annotation says the value should be."""
    event = attrs.evolve(BALLOT, **{field: value})
    assert repr(event.to_dict()) == repr(reference_to_dict(event))


def test_trust_fields_are_left_out_when_empty():
    at = dt.datetime(2026, 3, 2, 8)
    data = ev.AttendanceRecorded(at=at, actor="p1", matter="m", meeting="x", person="p2").to_dict()
    assert list(data) == ["type", "at", "actor", "on_behalf_of", "matter", "meeting", "person"]
    notice = ev.DisclosurePublished(
        at=at, actor="p1", matter="m", disclosure="d", stage="s", kind="k", title="t",
        posted_on=at.date(), until=at.date(), objections_until=None, reply_days=None,
        checkpoint={},
    )  # fmt: skip
    assert "checkpoint" not in notice.to_dict()
    again = event_from_dict(notice.to_dict())
    assert isinstance(again, ev.DisclosurePublished) and again.checkpoint is None


# -- 3. records from other versions --------------------------------------------


def test_unknown_keys_are_ignored():
    record = {**BALLOT.to_dict(), "added_later": [1, 2], "evidence": []}
    assert event_from_dict(record) == BALLOT
    nested = {**BALLOT.to_dict(), "evidence": [{"sha256": "ab", "name": "a.jpg", "later": 1}]}
    assert event_from_dict(nested).evidence == (Evidence(sha256="ab", name="a.jpg"),)


def test_absent_fields_take_their_defaults_afresh():
    record = {
        "type": "DisclosurePublished", "at": "2026-03-02T08:00:00", "actor": "p1",
        "matter": "m1", "disclosure": "d1", "stage": "s", "kind": "k", "title": "t",
        "posted_on": "2026-03-02", "until": "2026-03-09", "objections_until": None,
        "reply_days": None,
    }  # fmt: skip
    first, second = event_from_dict(record), event_from_dict(record)
    assert isinstance(first, ev.DisclosurePublished)
    assert isinstance(second, ev.DisclosurePublished)
    assert first.content == {} and first.checkpoint is None and first.evidence == ()
    assert first.content is not second.content


def test_a_missing_required_field_is_refused():
    record = BALLOT.to_dict()
    del record["voter"]
    with pytest.raises(TypeError, match="voter"):
        event_from_dict(record)


def test_an_unknown_type_is_refused():
    with pytest.raises(KeyError):
        event_from_dict({**BALLOT.to_dict(), "type": "NoSuchEvent"})


def test_a_class_whose_init_does_more_than_assign_is_built_through_it():
    """Decoding fills an instance's slots directly only while that is what
    __init__ would do; a validator, for one, must still run."""

    @attrs.frozen(kw_only=True)
    class Checked:
        n: int = attrs.field(validator=attrs.validators.gt(0))
        on: dt.date

    assert codec.decode(Checked, {"n": 1, "on": "2026-03-02"}) == Checked(
        n=1, on=dt.date(2026, 3, 2)
    )
    with pytest.raises(ValueError):
        codec.decode(Checked, {"n": 0, "on": "2026-03-02"})
