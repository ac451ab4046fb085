"""Following a community's log as it grows: by position, woken by NOTIFY.

A reader remembers the last position it handed out and asks for what comes
after it. That is safe only because the store gives out positions in commit
order (see :mod:`yishi_postgres.store`): record *n + 1* cannot be visible
before record *n*. The tail does not take that on trust either: it hands out
only an unbroken run of positions, so a record that shows up past a hole waits
until the hole is filled (a hole that stays is damage, which ``yishi verify``
names).

``LISTEN`` only saves waiting: right after an append's COMMIT, a transaction of
its own sends ``NOTIFY`` (so the records are visible before anyone is woken),
and a tail that missed one (a dropped connection, a crash between the two) still
catches up on its next poll, because what it reads is decided by position, not
by the notification.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import psycopg

from yishi.domain.events import event_from_dict
from yishi.store.base import StoredEvent
from yishi_postgres import schema
from yishi_postgres.reading import COLUMNS, PAGE


class Tail:
    """The events of ``community`` after ``after``, in order, none missed."""

    def __init__(self, conninfo: str, community: str, after: int = 0, page: int = PAGE) -> None:
        self.community = community
        self.position = after
        self.page = page
        self._conn = psycopg.connect(conninfo, autocommit=True)
        # A connection of its own for LISTEN, so that no query on it swallows a
        # notification; listening before the first read means a commit after
        # that read still wakes us.
        self._listen = psycopg.connect(conninfo, autocommit=True)
        self._listen.execute(f"LISTEN {schema.CHANNEL}")

    def poll(self) -> list[StoredEvent]:
        """What was committed after the last event handed out, without waiting."""
        found: list[StoredEvent] = []
        while True:
            rows = self._conn.execute(
                f"SELECT {COLUMNS} FROM yishi_events WHERE community = %s AND seq > %s"
                " ORDER BY seq LIMIT %s",
                (self.community, self.position, self.page),
            ).fetchall()
            for row in rows:
                if row[0] != self.position + 1:  # a hole: wait for it to fill
                    return found
                found.append(_stored(row))
                self.position = row[0]
            if len(rows) < self.page:
                return found

    def wait(self, timeout: float = 1.0) -> list[StoredEvent]:
        """The next events, waiting up to ``timeout`` seconds for a commit."""
        found = self.poll()
        if found:
            return found
        for notify in self._listen.notifies(timeout=timeout):
            if notify.payload == self.community:
                break
        return self.poll()

    def follow(self, timeout: float = 1.0) -> Iterator[StoredEvent]:
        """Every event from the position on, forever (stop by leaving the loop)."""
        while True:
            yield from self.wait(timeout)

    def close(self) -> None:
        self._conn.close()
        self._listen.close()

    def __enter__(self) -> Tail:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _stored(row: Any) -> StoredEvent:
    seq, stream, version, payload, digest, prev, command = row
    return StoredEvent(
        seq, stream, version, event_from_dict(json.loads(payload)), digest, prev, command
    )
