"""The hash chain: how one stored record is encoded and hashed.

The format is documented in docs/integrity.md so that a verifier can be written
without yishi. In short: a record is the JSON object
``{"command", "event", "prev", "seq", "stream", "version"}`` encoded as UTF-8
with sorted keys, no insignificant whitespace and no ASCII escaping, where
``event`` is the event's own canonical object; its hash is
``SHA-256(0x00 || record)`` in lower-case hex. The ``0x00`` prefix is the
RFC 6962 leaf prefix, so a Merkle tree over the same leaves can come later
without re-hashing anything.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64  # the ``prev`` of the first record
LEAF_PREFIX = b"\x00"


# What ``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``
# builds afresh on every call; made once, it encodes the same text for less.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
# ``JSONEncoder.encode`` makes a new C encoder on every call (a few µs, a third of
# encoding an event). This is that same C encoder, made once, with the same
# settings, so its output is the same text; without it, the pure-Python path.
_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
_encode = (
    _make_encoder(
        None,  # no markers: an event's dict is a fresh tree, never circular
        _CANONICAL.default,
        json.encoder.encode_basestring,
        None,  # indent
        ":",
        ",",
        True,  # sort_keys
        False,  # skipkeys
        True,  # allow_nan (no event holds a float; json.dumps' default)
    )
    if _make_encoder is not None
    else None
)


def canonical(value: Any) -> str:
    if _encode is None or isinstance(value, str):  # pragma: no branch
        return _CANONICAL.encode(value)
    return "".join(_encode(value, 0))


_STREAMS: dict[str, str] = {}  # stream name -> its JSON string; a log has few streams


def stream_text(stream: str) -> str:
    """The stream name's JSON string, remembered: a log has few streams."""
    text = _STREAMS.get(stream)
    if text is None:
        text = canonical(stream)
        if len(_STREAMS) < 100_000:
            _STREAMS[stream] = text
    return text


def record_text(
    seq: int, stream: str, version: int, prev: str, command: str | None, payload: str
) -> str:
    """The record's canonical text around an already canonical event ``payload``.

    Built by concatenation, in sorted key order, so appending never re-encodes
    the payload; it equals ``canonical()`` of the whole record."""
    return (
        '{"command":'
        + ("null" if command is None else canonical(command))
        + ',"event":'
        + payload
        + ',"prev":"'
        + prev
        + '","seq":'
        + str(seq)
        + ',"stream":'
        + (stream_text(stream) if type(stream) is str else canonical(stream))
        + ',"version":'
        + str(version)
        + "}"
    )


def record_hash(
    seq: int, stream: str, version: int, prev: str, command: str | None, payload: str
) -> str:
    text = record_text(seq, stream, version, prev, command, payload)
    return hashlib.sha256(LEAF_PREFIX + text.encode("utf-8")).hexdigest()
