"""The record encoding of docs/integrity.md: built fast by concatenation, equal to
the canonical JSON of the whole record, and pinned by a test vector."""

from __future__ import annotations

import hashlib
import json

from hypothesis import given
from hypothesis import strategies as st

from yishi.store.chain import GENESIS, canonical, record_hash, record_text

TEXT = st.text(max_size=12)
PAYLOAD = st.dictionaries(
    TEXT, st.one_of(TEXT, st.integers(), st.booleans(), st.none(), st.lists(TEXT, max_size=3))
)


@given(
    st.integers(1, 10**9),
    TEXT,
    st.integers(1, 10**6),
    st.one_of(st.none(), TEXT),
    PAYLOAD,
)
def test_concatenated_record_equals_canonical_json_of_the_record(
    seq, stream, version, command, payload
):
    event = canonical(payload)
    whole = {
        "command": command,
        "event": payload,
        "prev": GENESIS,
        "seq": seq,
        "stream": stream,
        "version": version,
    }
    text = record_text(seq, stream, version, GENESIS, command, event)
    assert text == canonical(whole)
    assert json.loads(text) == whole
    expected = hashlib.sha256(b"\x00" + text.encode()).hexdigest()
    assert record_hash(seq, stream, version, GENESIS, command, event) == expected


def test_vector():
    """A change here breaks every existing log: it must never happen silently."""
    payload = canonical(
        {
            "type": "PersonRegistered",
            "at": "2026-03-01T09:00:00",
            "actor": "clerk",
            "on_behalf_of": None,
            "person": "a",
            "name": "村民甲",
        }
    )
    assert payload == (
        '{"actor":"clerk","at":"2026-03-01T09:00:00","name":"村民甲","on_behalf_of":null,'
        '"person":"a","type":"PersonRegistered"}'
    )
    digest = record_hash(1, "community", 1, GENESIS, None, payload)
    assert (
        digest
        == hashlib.sha256(
            b"\x00"
            + (
                '{"command":null,"event":'
                + payload
                + ',"prev":"'
                + "0" * 64
                + '","seq":1,"stream":"community","version":1}'
            ).encode()
        ).hexdigest()
    )
    assert digest == VECTOR


VECTOR = "7931b8586e2f733d93ad674792e4db9c5fddd10942733f497947053d6b5f1d30"
