"""The codec's fast paths give what the slow ones gave, and refuse what they refused."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from yishi.domain import codec
from yishi.domain import events as ev
from yishi.store.base import UnencodableEvent
from yishi.store.records import encode_checked


@attrs.frozen
class Dated:
    day: dt.date
    at: dt.datetime
    note: str = ""
    evidence: tuple[str, ...] = ()


def _loop(value: object) -> dict[str, object]:
    """The encoder as a plain loop over the fields (what the written-out one replaces)."""
    data = {}
    for field in attrs.fields(type(value)):
        item = getattr(value, field.name)
        data[field.name] = item if type(item) in codec._PLAIN else codec._encode(item)
    for key in codec.OMITTED_WHEN_EMPTY:
        if key in data and not data[key]:
            del data[key]
    return data


def test_the_written_out_encoder_matches_the_loop_for_every_event_type() -> None:
    at = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    checked = 0
    for cls in ev.EVENT_TYPES.values():
        defaults = {
            f.name: (at if f.type in (dt.datetime, "dt.datetime") else f"x-{f.name}")
            for f in attrs.fields(cls)
            if f.default is attrs.NOTHING
        }
        try:
            event = cls(**defaults)
        except (TypeError, ValueError):
            continue  # a required field of another type: covered by the property tests
        assert codec.encode_fields(event) == _loop(event)
        assert event.to_dict() == {"type": cls.__name__, **_loop(event)}
        assert list(event.to_dict()) == ["type", *_loop(event)]  # same key order
        checked += 1
    assert checked >= 20, checked


def test_empty_trust_fields_are_still_left_out() -> None:
    value = Dated(dt.date(2026, 3, 1), dt.datetime(2026, 3, 1, 9))
    assert "evidence" not in codec.encode_fields(value)
    assert codec.encode_fields(attrs.evolve(value, evidence=("a",)))["evidence"] == ["a"]


def test_a_true_date_skips_the_read_back_but_a_datetime_in_a_date_field_does_not() -> None:
    good = Dated(dt.date(2026, 3, 1), dt.datetime(2026, 3, 1, 9))
    codec.check_round_trip(Dated, codec.encode_fields(good), good)
    # a date-time where a date is annotated encodes as a date-time, which a date
    # field cannot read back: still refused, with or without the source at hand
    wrong = Dated(dt.datetime(2026, 3, 1, 9), dt.datetime(2026, 3, 1, 9))  # type: ignore[arg-type]
    for source in (None, wrong):
        with pytest.raises(ValueError, match="day"):
            codec.check_round_trip(Dated, codec.encode_fields(wrong), source)
    # a string where a date-time is annotated is not "exactly a date-time": checked
    odd = Dated(dt.date(2026, 3, 1), "not a time")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at"):
        codec.check_round_trip(Dated, codec.encode_fields(odd), odd)


def test_an_event_whose_time_is_not_a_time_is_still_unrecordable() -> None:
    event = ev.BallotCast(
        at="yesterday",  # type: ignore[arg-type]
        actor="v1",
        matter="m",
        meeting="m-1",
        voter="v1",
        choice="yes",
    )
    with pytest.raises(UnencodableEvent):
        encode_checked(event)
