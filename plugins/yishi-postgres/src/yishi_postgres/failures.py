"""After-commit hook failures of one community, kept until a retry succeeds.

Not part of the chain: they are about delivery, not about what the community
did (docs/integrity.md). A mixin of :class:`yishi_postgres.store.PostgresStore`.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import psycopg

from yishi.store.base import HookFailure


class HookFailures:
    community: str
    _read_lock: threading.Lock

    @property
    def _reader(self) -> psycopg.Connection[Any]:
        raise NotImplementedError  # the store's reader connection

    def record_hook_failure(
        self, plugin: str, hook: str, first: int, last: int, error: str, at: dt.datetime
    ) -> None:
        with self._read_lock:
            self._reader.execute(
                "INSERT INTO yishi_hook_failures (community, plugin, hook, first, last, error, at)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (self.community, plugin, hook, first, last, error, at.isoformat()),
            )

    def hook_failures(self) -> list[HookFailure]:
        with self._read_lock:
            rows = self._reader.execute(
                "SELECT id, plugin, hook, first, last, error, attempts, at"
                " FROM yishi_hook_failures WHERE community = %s ORDER BY id",
                (self.community,),
            ).fetchall()
        return [HookFailure(*row) for row in rows]

    def hook_retried(self, failure: HookFailure, error: str | None) -> None:
        with self._read_lock:
            if error is None:
                self._reader.execute(
                    "DELETE FROM yishi_hook_failures WHERE id = %s AND community = %s",
                    (failure.id, self.community),
                )
            else:
                self._reader.execute(
                    "UPDATE yishi_hook_failures SET attempts = attempts + 1, error = %s"
                    " WHERE id = %s AND community = %s",
                    (error, failure.id, self.community),
                )
