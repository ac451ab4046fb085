"""docs/integrity.md is enough to write a verifier: one written here from the page
alone — hashlib, sqlite3 and a hand-written JSON encoder following §2's table, no
yishi code — must agree with ``yishi verify`` on intact and altered logs, and on
strings with every kind of character the escaping rules name."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

import workloads as w
from yishi.domain import commands as c
from yishi.engine import Engine
from yishi.store.sqlite import SQLiteStore
from yishi.store.verify import verify_sqlite

# -- the independent verifier: written from docs/integrity.md only ---------------

SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def enc(value) -> str:  # §2: canonical JSON
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        out = []
        for ch in value:
            if ch in SHORT:
                out.append(SHORT[ch])
            elif ord(ch) < 0x20:
                out.append(f"\\u{ord(ch):04x}")
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'
    if isinstance(value, list):
        return "[" + ",".join(enc(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(enc(k) + ":" + enc(value[k]) for k in sorted(value)) + "}"
    raise TypeError(value)


ONCE = {  # §4: the uniqueness keys
    "BallotCast": ("ballot", "meeting", "voter"),
    "ElectionBallotCast": ("ballot", "meeting", "voter"),
    "BallotReceived": ("ballot", "meeting", "voter"),
    "AttendanceRecorded": ("attendance", "meeting", "person"),
    "ProxyRegistered": ("proxy", "meeting", "grantor"),
}


def keys(event: dict) -> list[str]:  # §4: a stack of paper ballots states one per voter
    if event["type"] == "BallotsEntered":
        return [f"ballot/{event['meeting']}/{voter}" for voter, _choice in event["ballots"]]
    rule = ONCE.get(event["type"])
    return [f"{rule[0]}/{event[rule[1]]}/{event[rule[2]]}"] if rule else []


def independent_verify(path: Path) -> tuple[bool, int, str]:
    """(intact, size, head) by §1–§4 and §6 of docs/integrity.md."""
    db = sqlite3.connect(path)
    rows = db.execute(
        "SELECT seq, stream, version, type, payload, command, prev, hash FROM events ORDER BY seq"
    ).fetchall()
    stored_facts: dict[int, list[str]] = {}  # §3: the facts table, by the record that states it
    for key, seq in db.execute("SELECT key, seq FROM facts"):
        stored_facts.setdefault(seq, []).append(key)
    db.close()
    ok, prev, hashes, versions, seen = True, "0" * 64, {0: "0" * 64}, {}, set()
    checkpoints = []
    for expected, (
        seq,
        stream,
        version,
        type_,
        payload,
        command,
        stored_prev,
        digest,
    ) in enumerate(rows, 1):
        event = json.loads(payload)
        text = (
            '{"command":'
            + enc(command)
            + ',"event":'
            + payload
            + ',"prev":'
            + enc(stored_prev)
            + ',"seq":'
            + str(seq)
            + ',"stream":'
            + enc(stream)
            + ',"version":'
            + str(version)
            + "}"
        )
        record = {
            "command": command,
            "event": event,
            "prev": stored_prev,
            "seq": seq,
            "stream": stream,
            "version": version,
        }
        ok &= text == enc(record)  # the payload is canonical itself
        ok &= hashlib.sha256(b"\x00" + text.encode("utf-8")).hexdigest() == digest
        ok &= seq == expected and stored_prev == prev and type_ == event["type"]
        ok &= version == versions.get(stream, 0) + 1
        versions[stream] = version
        stated = keys(event)
        ok &= sorted(stored_facts.pop(seq, [])) == sorted(stated)
        ok &= not seen.intersection(stated) and len(set(stated)) == len(stated)
        seen.update(stated)
        if event["type"] == "DisclosurePublished" and event.get("checkpoint"):
            checkpoints.append(event["checkpoint"])
        hashes[seq] = prev = digest
    for point in checkpoints:  # §6, size 0 included
        ok &= hashes.get(point["size"]) == point["head"]
    ok &= not stored_facts  # no fact names a record that is not there
    size = len(rows)
    return bool(ok), size, hashes[size]


# -- the comparison --------------------------------------------------------------

ODD = '引号"反斜杠\\斜杠/换行\n制表\t退格\b换页\f回车\r NUL\x00 US\x1f DEL\x7f 行分隔\u2028 段分隔\u2029 😀 é'


@pytest.fixture
def log(tmp_path: Path) -> Path:
    db = tmp_path / "yishi.db"
    engine = Engine(SQLiteStore(db), w.ruleset())
    w.build_log(engine, members=8, matters=2, seed=5, evidence=None)
    engine.execute(
        c.ProposeMatter(actor=w.DIRECTOR, matter="odd", title=ODD, description=ODD),
        w.DAY + dt.timedelta(days=40),
        key=ODD,
    )
    stack_day = w.DAY + dt.timedelta(days=41)
    w.open_meeting(engine, "stack", "stack-m", stack_day, [w.member(i) for i in range(8)])
    ballots = tuple((w.member(i), ("yes", "no", "abstain")[i % 3]) for i in range(6))
    engine.execute(
        c.EnterBallots(actor=w.DIRECTOR, meeting="stack-m", ballots=ballots),
        stack_day + dt.timedelta(hours=1),
    )
    engine.store.close()
    return db


def test_the_documented_encoding_gives_the_stored_hashes(log):
    with sqlite3.connect(log) as con:  # the log holds a stack, whose facts are several
        (stack,) = con.execute("SELECT seq FROM events WHERE type = 'BallotsEntered'").fetchall()
        assert con.execute("SELECT count(*) FROM facts WHERE seq = ?", stack).fetchone() == (6,)
    ok, size, head = independent_verify(log)
    report = verify_sqlite(log)
    assert ok and report.ok
    assert (size, head) == (report.head.size, report.head.hash)


def test_the_documented_test_vector():
    record = {
        "command": None,
        "event": {
            "actor": "clerk",
            "at": "2026-03-01T09:00:00",
            "name": "村民甲",
            "on_behalf_of": None,
            "person": "a",
            "type": "PersonRegistered",
        },
        "prev": "0" * 64,
        "seq": 1,
        "stream": "community",
        "version": 1,
    }
    digest = hashlib.sha256(b"\x00" + enc(record).encode("utf-8")).hexdigest()
    assert digest == "7931b8586e2f733d93ad674792e4db9c5fddd10942733f497947053d6b5f1d30"


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE events SET payload = replace(payload, '\"choice\":\"', '\"choice\":\"n') WHERE seq = (SELECT min(seq) FROM events WHERE type = 'BallotCast')",
        "DELETE FROM facts WHERE seq = (SELECT min(seq) FROM facts)",
        "DELETE FROM facts WHERE key = (SELECT max(key) FROM facts WHERE key LIKE 'ballot/stack-m/%')",
        "UPDATE facts SET seq = seq + 1 WHERE seq = (SELECT max(seq) FROM facts)",
        "DELETE FROM events WHERE seq = 5",
        "UPDATE events SET version = version + 1000 WHERE seq = 3",
        "UPDATE events SET command = 'x' WHERE seq = 2",
    ],
)
def test_both_verifiers_find_the_same_damage(log, edit):
    con = sqlite3.connect(log)
    con.execute(edit)
    con.commit()
    con.close()
    ok, _, _ = independent_verify(log)
    assert not ok and not verify_sqlite(log).ok
