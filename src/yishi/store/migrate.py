"""Copying a log from one store to another (SQLite ⇄ PostgreSQL) without changing a bit.

The copy goes through the target's ordinary ``append``: every record is
numbered, chained and hashed again by the target, and the copy stops at the
first record whose new hash differs from the one it had. So a finished
migration is itself a proof that both backends mean the same record. Commands
keep their idempotency keys and fingerprints, evidence files are copied by
content, the sealed ballots of secret votes still open go into the target's
ballot box, after-commit failures waiting for a retry come along, and both
sides are verified at the end.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import attrs

from yishi.domain.events import event_from_dict
from yishi.i18n import message
from yishi.store import ballot_box
from yishi.store.base import Head
from yishi.store.verify import VerifyReport, verify_store

CHUNK = 1000  # records without an idempotency key, appended together
EVERY = 4096  # records between two reports of the copy's progress

# Told (phase, records done, records in all): "source" while the source is
# verified, "copy", then "target" while the copy is verified.
Progress = Callable[[str, int, int], None]


class MigrationRefused(Exception):
    """The copy was not made (or not finished); ``code`` names why, in :mod:`yishi.i18n`."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params

    def message(self, lang: str = "zh") -> str:
        return message(self.code, lang, **self.params)


@attrs.frozen
class Migration:
    records: int
    commands: int
    evidence_files: int
    hook_failures: int
    head: Head
    source: VerifyReport
    target: VerifyReport


def migrate(source: Any, target: Any, progress: Progress | None = None) -> Migration:
    """Copy every record of ``source`` into the empty ``target`` and verify both.
    A log of a million records takes minutes: ``progress`` is told how far each
    phase has come."""
    total = source.head().size

    def phase(name: str) -> Callable[[int], None] | None:
        if progress is None:
            return None
        progress(name, 0, total)
        return lambda done: progress(name, done, total)

    before = verify_store(source, progress=phase("source"))
    if not before.ok:
        first = before.first
        raise MigrationRefused(
            "migrate_source_damaged", seq=first.seq if first else 0, count=len(before.damage)
        )
    if target.head().size:
        raise MigrationRefused("migrate_target_not_empty", size=target.head().size)
    fingerprints = {str(key): str(fp) for key, fp, _first, _last in source.raw_commands()}
    sealed = _sealed(source)
    if sealed and not ballot_box.supports(target):
        raise MigrationRefused("migrate_no_ballot_box", ballots=len(sealed))
    files = copied = told = 0
    copying = phase("copy")
    groups = _groups(source.raw_records())
    group = next(groups, None)
    while group is not None:
        following = next(groups, None)
        command = group[0][5]
        batch = []
        for _seq, stream, version, _type, payload, _command, _prev, _hash in group:
            event = event_from_dict(json.loads(payload))
            files += _copy_evidence(event, source, target)
            batch.append((stream, version - 1, event))
        # The sealed ballots of votes still open go into the target's box with the
        # last append, when every register entry is there: not beside any one of them.
        box = {"sealed": sealed} if following is None and sealed else {}
        stored = target.append(
            batch,
            command=command,
            fingerprint=fingerprints.get(command, "") if command else "",
            **box,
        )
        for row, made in zip(group, stored, strict=True):
            if (made.position, made.hash) != (row[0], row[7]):
                raise MigrationRefused("migrate_hash_differs", seq=row[0])
        copied += len(group)
        if copying is not None and (copied - told >= EVERY or following is None):
            copying(copied)
            told = copied
        group = following
    failures = source.hook_failures()
    for f in failures:
        at = dt.datetime.fromisoformat(f.at) if f.at else dt.datetime(1970, 1, 1)
        target.record_hook_failure(f.plugin, f.hook, f.first, f.last, f.error, at)
    after = verify_store(target, progress=phase("target"))
    if not after.ok or after.head != before.head:
        raise MigrationRefused("migrate_target_differs", head=after.head.hash)
    return Migration(
        before.records, len(fingerprints), files, len(failures), after.head, before, after
    )


def _sealed(source: Any) -> list[tuple[str, str, int]]:
    """The ballots in the source's box for secret votes not yet closed (the box is
    kept apart from the log, docs/integrity.md §8), as ``append`` takes them."""
    if not ballot_box.supports(source):
        return []
    open_boxes: set[str] = set()
    for row in source.raw_records():
        if row[3] == "BallotReceived":
            open_boxes.add(json.loads(row[4])["meeting"])
        elif row[3] == "BallotBoxOpened":
            open_boxes.discard(json.loads(row[4])["meeting"])
    sealed = []
    for meeting in sorted(open_boxes):
        ballots = source.sealed_ballots(meeting)
        # Room for the ballots still to come: as many again, and at least the box's minimum.
        sealed += [(meeting, ballot, max(2 * len(ballots), 16)) for ballot in ballots]
    return sealed


def _groups(rows: Iterator[Sequence[Any]]) -> Iterator[list[Sequence[Any]]]:
    """Consecutive records of one command (one append), or up to CHUNK without one."""
    group: list[Sequence[Any]] = []
    for row in rows:
        if group and (row[5] != group[0][5] or (row[5] is None and len(group) >= CHUNK)):
            yield group
            group = []
        group.append(row)
    if group:
        yield group


def _copy_evidence(event: Any, source: Any, target: Any) -> int:
    if not event.evidence:
        return 0
    if source.evidence is None or target.evidence is None:
        raise MigrationRefused("migrate_no_evidence_store")
    for item in event.evidence:
        data = source.evidence.read(item)
        target.evidence.put_bytes(data, item.name, item.media_type, item.note)
    return len(event.evidence)
