"""Runs of like events encoded from a template (``yishi.store.runs``) give the very
payloads ``encode_checked`` gives each event alone, and ``make_records`` hashes
each record exactly as ``chain.record_hash`` does (docs/integrity.md §2)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yishi.domain import events as ev
from yishi.domain.uniqueness import keys_of
from yishi.store.base import Head, UnencodableEvent
from yishi.store.chain import GENESIS, record_hash
from yishi.store.records import encode_checked, make_records
from yishi.store.runs import RUN_MIN, _Template, encode_all

AT = dt.datetime(2026, 5, 4, 9, 0)
# Strings that JSON escapes, that look like the template's own markers, and one
# that has no UTF-8 form.
AWKWARD = st.sampled_from(
    ["v1", "张三", 'a"b', "a\\b", "\n", "\x00", "\x00yishi-slot-0\x00", "\x00yishi-slot-1\x00", ""]
)
TEXT = st.text(max_size=6) | AWKWARD


def ballot(voter: str, choice: str, meeting: str = "m1", at: dt.datetime = AT) -> ev.Event:
    return ev.BallotCast(
        at=at, actor="k1", matter="x1", meeting=meeting, voter=voter, choice=choice
    )


def presence(person: str, meeting: str = "m1") -> ev.Event:
    return ev.AttendanceRecorded(at=AT, actor="k1", matter="x1", meeting=meeting, person=person)


def reference(events: list[ev.Event]) -> list[str] | type[UnencodableEvent]:
    try:
        return [encode_checked(event) for event in events]
    except UnencodableEvent:
        return UnencodableEvent


def encoded(events: list[ev.Event]) -> list[str] | type[UnencodableEvent]:
    try:
        return encode_all(events)
    except UnencodableEvent:
        return UnencodableEvent


# Stretches of like events with the odd one in between: another meeting, another
# class, another time, a shared field that holds a marker or a lone surrogate.
EVENTS = st.lists(
    st.one_of(
        st.builds(ballot, TEXT, TEXT),
        st.builds(ballot, TEXT, st.just("yes"), meeting=AWKWARD),
        st.builds(presence, TEXT),
        st.builds(ballot, TEXT, TEXT, at=st.just(AT + dt.timedelta(minutes=1))),
        st.builds(ballot, st.just("v1"), st.just("\ud800")),
    ),
    max_size=3 * RUN_MIN,
)


@settings(max_examples=300, deadline=None)
@given(EVENTS, st.integers(min_value=0, max_value=3 * RUN_MIN), TEXT)
def test_a_run_encodes_as_each_event_alone(events, stretch, voter):
    # A long run of one meeting's ballots inserted among the drawn events.
    events[len(events) // 2 : len(events) // 2] = [
        ballot(f"{voter}{i}", ("yes", "no", "abstain")[i % 3]) for i in range(stretch)
    ]
    assert encoded(events) == reference(events)


def test_ten_thousand_ballots_take_the_template():
    events = [ballot(f"v{i:05d}", ("yes", "no")[i % 2]) for i in range(10_000)]
    template = _Template.make(events, 0)
    assert template is not None and template.names == ("voter", "choice")
    assert encode_all(events) == [encode_checked(event) for event in events]


@pytest.mark.parametrize(
    "second",
    [
        ballot("v2", "yes", at=AT + dt.timedelta(minutes=1)),  # a date varies: read back per event
        presence("v2"),  # another class
        ballot("v1", "yes"),  # nothing varies
    ],
)
def test_no_template_where_it_could_differ(second):
    assert _Template.make([ballot("v1", "yes"), second], 0) is None


def test_a_lone_surrogate_in_a_run_is_refused_as_alone():
    events = [ballot(f"v{i}", "yes") for i in range(RUN_MIN)] + [ballot("\udc00", "yes")]
    with pytest.raises(UnencodableEvent):
        encode_all(events)


@settings(max_examples=50, deadline=None)
@given(EVENTS.filter(lambda events: reference(events) is not UnencodableEvent), st.booleans())
def test_each_record_is_hashed_as_record_hash_says(events, keyed):
    command = "cmd-1" if keyed else None
    batch = [(event.stream, index, event) for index, event in enumerate(events)]
    streams: dict[str, int] = {}
    batch = []
    for event in events:
        version = streams.get(event.stream, 0)
        streams[event.stream] = version + 1
        batch.append((event.stream, version, event))
    records, stored, facts = make_records(batch, Head(0, GENESIS), lambda _stream: 0, command)
    prev = GENESIS
    for record, item in zip(records, stored, strict=True):
        assert record.prev == prev
        assert record.hash == record_hash(
            record.seq, record.stream, record.version, prev, command, record.payload
        )
        assert (item.position, item.hash, item.prev) == (record.seq, record.hash, record.prev)
        prev = record.hash
    # each record's facts recorded once, in order, naming it
    assert facts == [
        (key, r.seq) for r, e in zip(records, events, strict=True) for key in keys_of(e)
    ]
