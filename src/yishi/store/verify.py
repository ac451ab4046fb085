"""Recomputing the chain and naming the first record that does not match.

Works on rows exactly as stored, never trusting them: a damaged row must be
reported, not crash the verifier. Each record is checked against its own
stored neighbours, so one altered record is reported once, where it is,
instead of making every later record look wrong.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from yishi.domain.events import DisclosurePublished, Event, event_from_dict
from yishi.domain.uniqueness import unique_key
from yishi.i18n import message
from yishi.store.base import Head
from yishi.store.chain import GENESIS, canonical, record_hash
from yishi.store.evidence import EvidenceStore
from yishi.store.sqlite import RECORD_COLUMNS, _loads


@attrs.frozen
class Damage:
    seq: int  # the first record that does not match (0: the log as a whole)
    code: str
    params: Mapping[str, Any] = attrs.field(factory=dict)

    @property
    def whole_file(self) -> bool:
        return self.code == "verify_sqlite_damaged"

    def message(self, lang: str = "zh") -> str:
        return message(self.code, lang, seq=self.seq, **self.params)

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "code": self.code,
            "message": {"zh": self.message("zh"), "en": self.message("en")},
        }


@attrs.frozen
class VerifyReport:
    head: Head
    damage: tuple[Damage, ...]
    evidence_files: int = 0
    checkpoints: int = 0
    records: int = -1  # how many records are present (the head's size, unless some were deleted)

    def __attrs_post_init__(self) -> None:
        if self.records < 0:
            object.__setattr__(self, "records", self.head.size)

    @property
    def ok(self) -> bool:
        return not self.damage

    @property
    def first(self) -> Damage | None:
        # The first record that does not match; damage to the file as a whole
        # is named only when no record can be blamed.
        records = [d for d in self.damage if not d.whole_file]
        return min(records or self.damage, key=lambda d: d.seq) if self.damage else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "size": self.head.size,
            "records": self.records,
            "head": self.head.hash,
            "evidence_files": self.evidence_files,
            "checkpoints": self.checkpoints,
            "first": self.first.as_dict() if self.first else None,
            "damage": [d.as_dict() for d in self.damage],
        }


@attrs.frozen
class Checkpoint:
    """A (size, head) pair from a printed notice or a disclosure record."""

    size: int
    head: str
    source: str = ""  # where it was read: "record 17", "command line"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        size, _, head = text.strip().partition(":")
        if not size.isdigit() or len(head) != 64:
            raise ValueError(text)
        return cls(int(size), head.lower(), "command line")


def verify_records(
    rows: Iterable[Sequence[Any]],
    commands: Iterable[Sequence[Any]] = (),
    evidence: EvidenceStore | None = None,
    checkpoints: Iterable[Checkpoint] = (),
    lookup: Callable[[int], Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> VerifyReport:
    """Walk the chain once. Memory stays flat when ``lookup`` (the stored hash of a
    record by seq, read again from the file) is given: the checkpoints are
    compared after the walk, so no hash is kept per record. Without it (rows
    from anywhere), the stored hashes are kept for the checkpoints.
    ``progress`` is called with the number of records checked, every 4,096."""
    damage: list[Damage] = []
    hashes: dict[int, str] = {}  # the stored hash of each record, by seq (without lookup)
    versions: dict[str, int] = {}
    wanted = list(checkpoints)
    files = count = 0
    expected, prev = 1, GENESIS
    for row in rows:
        seq, stream, version, type_, payload, command, once, stored_prev, digest = row
        if not isinstance(seq, int) or seq < expected:
            # Rows come in seq order, so this one's seq was changed to one before
            # the first. Report it where it stands and check the next record
            # against the one before it, so that an intact record is not blamed.
            where = seq if isinstance(seq, int) else expected
            damage.append(Damage(where, "verify_out_of_order", {"expected": expected}))
            continue
        if seq > expected:
            damage.append(Damage(seq, "verify_missing", {"expected": expected}))
        if stored_prev != prev:
            damage.append(Damage(seq, "verify_prev_mismatch"))
        try:
            ok = digest == record_hash(seq, stream, version, stored_prev, command, payload)
        except (TypeError, ValueError):  # a column's type was changed
            ok = False
        if not ok:
            damage.append(Damage(seq, "verify_hash_mismatch"))
        if version != versions.get(stream, 0) + 1:
            damage.append(Damage(seq, "verify_version_gap", {"stream": stream}))
        versions[stream] = version if isinstance(version, int) else versions.get(stream, 0) + 1
        event = _event(seq, type_, payload, once, damage)
        if event is not None:
            files += _evidence(seq, event, evidence, damage)
            # Only a record that matches its hash vouches for a checkpoint: an altered
            # one is reported where it is, not at the record its checkpoint names.
            if ok and isinstance(event, DisclosurePublished) and event.checkpoint:
                size, head_hash = event.checkpoint.get("size"), event.checkpoint.get("head")
                if isinstance(size, int) and isinstance(head_hash, str):
                    wanted.append(Checkpoint(size, head_hash, f"#{seq}"))
        if lookup is None:
            hashes[seq] = str(digest)
        count += 1
        expected, prev = seq + 1, digest
        if progress is not None and not count & 0xFFF:
            progress(count)
    last = expected - 1  # the seq of the last record
    # The head is named by the last record's seq, as a printed checkpoint names
    # it; after a deletion that is more than the number of records present.
    head = Head(last, str(prev) if count else GENESIS)
    stored_hash = hashes.get if lookup is None else lookup
    for point in wanted:
        damage += _checkpoint(point, stored_hash, last)
    damage += _commands(commands, last)
    damage.sort(key=lambda d: d.seq)
    return VerifyReport(head, tuple(damage), files, len(wanted), count)


def _event(seq: int, type_: str, payload: Any, once: Any, damage: list[Damage]) -> Event | None:
    try:
        data = _loads(payload)  # json.loads, without its wrappers
        event = event_from_dict(data)
    except Exception:  # any damage to the text; reported, never raised
        damage.append(Damage(seq, "verify_unreadable"))
        return None
    if canonical(data) != payload:
        damage.append(Damage(seq, "verify_not_canonical"))
    if data.get("type") != type_:
        damage.append(Damage(seq, "verify_column_mismatch", {"column": "type"}))
    if unique_key(event) != once:
        damage.append(Damage(seq, "verify_column_mismatch", {"column": "once"}))
    return event


def _evidence(seq: int, event: Event, store: EvidenceStore | None, damage: list[Damage]) -> int:
    for item in event.evidence:
        try:
            problem = "missing" if store is None else store.problem(item)
        except OSError:  # replaced by a directory, unreadable: not the file recorded
            problem = "missing"
        if problem is not None:
            damage.append(
                Damage(seq, f"verify_evidence_{problem}", {"name": item.name, "sha": item.sha256})
            )
    return len(event.evidence)


def _checkpoint(point: Checkpoint, hashes: Callable[[int], Any], last: int) -> list[Damage]:
    if point.size > last:
        return [
            Damage(
                last + 1,
                "verify_truncated",
                {"size": point.size, "found": last, "source": point.source},
            )
        ]
    if point.size > 0 and hashes(point.size) != point.head:
        return [Damage(point.size, "verify_checkpoint_mismatch", {"source": point.source})]
    return []


def _commands(commands: Iterable[Sequence[Any]], last_seq: int) -> list[Damage]:
    for key, _fingerprint, first, last in commands:
        if not (isinstance(first, int) and isinstance(last, int)) or last > last_seq:
            return [Damage(last_seq + 1, "verify_truncated_commands", {"key": key, "last": last})]
    return []


def verify_store(store: Any, checkpoints: Iterable[Checkpoint] = ()) -> VerifyReport:
    """Verify any store that exposes ``raw_records`` and ``raw_commands`` (both backends do)."""
    return verify_records(
        store.raw_records(), store.raw_commands(), getattr(store, "evidence", None), checkpoints
    )


class NotALog(Exception):
    """The file is missing, unreadable, or not a yishi log; ``code`` says which."""

    def __init__(self, code: str, path: str, detail: str = "") -> None:
        super().__init__(f"{code}: {path} {detail}")
        self.code = code
        self.path = path
        self.detail = detail

    def message(self, lang: str = "zh") -> str:
        return message(self.code, lang, path=self.path, detail=self.detail)


def verify_sqlite(
    path: str | Path,
    checkpoints: Iterable[Checkpoint] = (),
    evidence: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> VerifyReport:
    """Verify a SQLite log without writing to it (``query_only``); never creates one.

    A file that is not SQLite, or has no yishi tables, raises :class:`NotALog`;
    any damage found after that, down to unreadable pages, is reported."""
    target = Path(path)
    if not target.is_file():
        raise NotALog("verify_no_file", str(target))
    try:
        # Not mode=ro: a read-only connection cannot tidy up the WAL files on
        # close and would leave them beside the log. query_only forbids writes.
        db = sqlite3.connect(target, isolation_level=None)
        db.execute("PRAGMA query_only = ON")
    except sqlite3.Error as exc:
        raise NotALog("verify_not_a_log", str(target), str(exc)) from None
    db.text_factory = _text
    try:
        try:
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # not SQLite, or a garbled schema
            raise NotALog("verify_not_a_log", str(target), str(exc)) from None
        if not {"events", "commands"} <= tables:
            raise NotALog("verify_not_a_log", str(target), "no events or commands table")
        broken: list[str] = []
        # integrity_check, not quick_check: it also finds the UNIQUE indexes out of
        # step with the table, and those hold one-ballot-per-member and no-fork.
        integrity = [row[0] for row in _read(db, "PRAGMA integrity_check", broken)]
        if integrity != ["ok"]:
            broken += integrity
        store = EvidenceStore(evidence if evidence is not None else target.parent / "evidence")
        counted = None
        if progress is not None:
            total = _count(db)
            progress(0, total)

            def counted(done: int) -> None:
                progress(done, total)

        report = verify_records(
            _read(db, f"SELECT {RECORD_COLUMNS} FROM events ORDER BY seq", broken),
            _read(db, "SELECT key, fingerprint, first, last FROM commands", broken),
            store,
            checkpoints,
            lookup=lambda seq: _hash_at(db, seq),
            progress=counted,
        )
    finally:
        db.close()
    if broken:
        detail = "; ".join(str(b) for b in broken)
        report = attrs.evolve(
            report, damage=(Damage(0, "verify_sqlite_damaged", {"detail": detail}), *report.damage)
        )
    return report


def _hash_at(db: sqlite3.Connection, seq: int) -> Any:
    """The stored hash of record ``seq`` (for a checkpoint), or None."""
    try:
        row = db.execute("SELECT hash FROM events WHERE seq = ?", (seq,)).fetchone()
    except (sqlite3.DatabaseError, UnicodeDecodeError):
        return None  # the damaged page is reported by the walk itself
    return row[0] if row else None


def _count(db: sqlite3.Connection) -> int:
    try:
        return int(db.execute("SELECT max(seq) FROM events").fetchone()[0] or 0)
    except (sqlite3.DatabaseError, UnicodeDecodeError, TypeError):
        return 0


def _text(raw: bytes) -> str | bytes:
    """Text columns as stored; bytes that are not UTF-8 stay bytes, so that they
    are reported like any other wrong type instead of stopping the check."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def _read(db: sqlite3.Connection, sql: str, broken: list[str]) -> Iterator[Sequence[Any]]:
    """The rows of ``sql``; a damaged page ends the reading and is noted in ``broken``."""
    try:
        yield from db.execute(sql)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        broken.append(str(exc))
