"""Nothing the store accepts fails to read back: ``encode_checked`` (the check every
append makes) against a full decode, on events built with values of every type in
every field — the right ones, and the wrong ones a loader or an API might pass."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yishi.domain.events import EVENT_TYPES, event_from_dict
from yishi.domain.evidence import Evidence
from yishi.store.base import UnencodableEvent
from yishi.store.chain import canonical
from yishi.store.records import encode_checked

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.text(max_size=8),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    st.datetimes(dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31)),
    st.datetimes(timezones=st.just(dt.timezone(dt.timedelta(hours=8)))),
    st.times(),
    st.lists(st.text(max_size=3), max_size=3).map(tuple),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.just((Evidence(sha256="0" * 64, name="a.jpg", media_type="image/jpeg", size=1, note=""),)),
    st.just(("a", 1)),
)


@st.composite
def events(draw: st.DrawFn):
    cls = draw(st.sampled_from(sorted(EVENT_TYPES.values(), key=lambda c: c.__name__)))
    fields = {f.name: draw(VALUES) for f in attrs.fields(cls)}
    return cls(**fields)


@settings(max_examples=600, derandomize=True, deadline=None, database=None)
@given(events())
def test_whatever_the_check_accepts_reads_back_exactly(event):
    try:
        payload = encode_checked(event)
    except UnencodableEvent:
        return
    back = event_from_dict(json.loads(payload))
    assert canonical(back.to_dict()) == payload


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("born", dt.datetime(1981, 1, 1, 8)),
        ("born", "1981-01-01T08:00:00"),
        ("at", dt.date(2026, 3, 1)),
        ("name", "\ud800"),
    ],
)
def test_the_values_that_broke_the_log_are_refused(field, value):
    from yishi.domain.events import PersonRegistered

    fields = {"at": dt.datetime(2026, 3, 1), "actor": "c", "person": "a", "name": "甲"}
    fields[field] = value
    with pytest.raises(UnencodableEvent):
        encode_checked(PersonRegistered(**fields))


@pytest.mark.parametrize("kind", ["ReferralOverdue", "ReferralSent", "ApprovalOverdue"])
def test_a_required_due_day_left_empty_is_refused_not_written_unreadable(kind):
    """The codec leaves an empty ``due`` out; a class that requires it could not read
    the record back, so it is refused before anything is written."""
    cls = EVENT_TYPES[kind]
    fields = {
        f.name: None if f.name == "due" else "x"
        for f in attrs.fields(cls)
        if f.default is attrs.NOTHING
    }
    event = cls(**{**fields, "at": dt.datetime(2026, 5, 1)})
    with pytest.raises(UnencodableEvent, match="due"):
        encode_checked(event)
