"""For the same events, the PostgreSQL store writes the records SQLite writes, byte for byte."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from yishi.domain import events as ev
from yishi.store.sqlite import SQLiteStore
from yishi.testing.store_contract import appended, ballot, person, progress
from yishi_postgres import PostgresStore

AT = dt.datetime(2026, 3, 1, 9, 0)


def test_the_same_events_give_the_same_records_and_heads(
    pg: str, community: str, tmp_path: Path
) -> None:
    steps: list[tuple[list[ev.Event], str | None]] = [
        ([person("a"), person("b"), person("王二")], "reg-1"),
        ([ballot("a"), ballot("b", choice="no")], None),
        ([progress("开工：“引号”、\\反斜杠\\ 与 emoji 🌾")], "k-2"),
        ([progress(f"第{i}次") for i in range(70)], None),  # long enough for COPY
        (
            [
                ev.ObjectionRaised(
                    at=AT,
                    actor="b",
                    matter="land",
                    disclosure="d1",
                    objection="o1",
                    person="b",
                    text="异议\n两行",
                    reply_due=dt.date(2026, 3, 8),
                )
            ],
            "k3",
        ),
    ]
    sqlite = SQLiteStore(tmp_path / "yishi.db")
    postgres = PostgresStore(pg, community)
    try:
        for events, command in steps:
            appended(sqlite, *events, command=command, fingerprint=command or "")
            appended(postgres, *events, command=command, fingerprint=command or "")
            assert postgres.head() == sqlite.head()
        assert list(postgres.raw_records()) == list(sqlite.raw_records())
        assert sorted(postgres.raw_commands()) == sorted(sqlite.raw_commands())
    finally:
        sqlite.close()
        postgres.close()
