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
from yishi.domain.uniqueness import keys_of
from yishi.i18n import message
from yishi.store.base import Head
from yishi.store.chain import GENESIS, canonical, record_hash
from yishi.store.evidence import EvidenceStore
from yishi.store.layout import LAYOUT
from yishi.store.sqlite import RECORD_COLUMNS, _loads

# The newest table layout (``PRAGMA user_version``) this verifier knows how to
# read; a file of a newer one is refused, not misread as damaged.
NEWEST_LAYOUT = LAYOUT


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
    facts: Iterable[Sequence[Any]] = (),
    relocate: Callable[[], tuple[Iterable[Sequence[Any]], Iterable[Sequence[Any]]]] | None = None,
) -> VerifyReport:
    """Walk the chain once. Memory stays flat when ``lookup`` (the stored hash of a
    record by seq, read again from the file) is given: the checkpoints are
    compared after the walk, so no hash is kept per record. Without it (rows
    from anywhere), the stored hashes are kept for the checkpoints.
    ``progress`` is called with the number of records checked, every 4,096.

    ``facts`` are the stored facts recorded once, ``(seq, key)`` in any order.
    Together they must be exactly the keys the records' events state
    (domain/uniqueness.py): both sides are summed as a multiset as they stream
    past, so memory stays flat and nothing is sorted. Only if the sums differ
    does ``relocate`` give the records again and the facts ordered by seq then
    key, to name each record whose facts were altered, added or removed."""
    damage: list[Damage] = []
    expected_facts = _FactSum()
    hashes: dict[int, str] = {}  # the stored hash of each record, by seq (without lookup)
    versions: dict[str, int] = {}
    wanted = list(checkpoints)
    files = count = 0
    expected, prev = 1, GENESIS
    for row in rows:
        seq, stream, version, type_, payload, command, stored_prev, digest = row
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
        event = _event(seq, type_, payload, damage)
        if event is not None:
            expected_facts.add(seq, keys_of(event))
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
    stored = _FactSum()
    for fact in facts:
        stored.add(fact[0], fact[1:2])
    if stored != expected_facts:
        damage += _locate_facts(relocate, last)
    # The head is named by the last record's seq, as a printed checkpoint names
    # it; after a deletion that is more than the number of records present.
    head = Head(last, str(prev) if count else GENESIS)
    stored_hash = hashes.get if lookup is None else lookup
    for point in wanted:
        damage += _checkpoint(point, stored_hash, last)
    damage += _commands(commands, last)
    damage.sort(key=lambda d: d.seq)
    return VerifyReport(head, tuple(damage), files, len(wanted), count)


def _event(seq: int, type_: str, payload: Any, damage: list[Damage]) -> Event | None:
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
    return event


class _FactSum:
    """A multiset of ``(seq, key)`` pairs, kept as a count and a sum of hashes.

    Python's ``hash`` of a string is keyed afresh in every process, so a forger
    cannot choose an edit that keeps the sum; two sides equal by chance is a
    2**-64 event. Equal sums mean the stored facts are the stated ones."""

    MASK = (1 << 64) - 1

    def __init__(self) -> None:
        self.count = 0
        self.total = 0

    def add(self, seq: Any, keys: Sequence[Any]) -> None:
        for key in keys:
            self.total = (self.total + hash((seq, key))) & self.MASK
            self.count += 1

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _FactSum) and (self.count, self.total) == (
            other.count,
            other.total,
        )

    __hash__ = None  # type: ignore[assignment]


def _locate_facts(
    relocate: Callable[[], tuple[Iterable[Sequence[Any]], Iterable[Sequence[Any]]]] | None,
    last: int,
) -> list[Damage]:
    """The second walk, only when the facts do not add up: name each record
    whose stored facts are not the keys its event states."""
    if relocate is None:
        return [Damage(last + 1, "verify_fact_mismatch", {"key": ""})]
    damage: list[Damage] = []
    rows, ordered = relocate()
    stated = _Facts(ordered, damage)
    for row in rows:
        seq, type_, payload = row[0], row[3], row[4]
        found = stated.take(seq)
        event = _event(seq, type_, payload, [])  # its own damage was reported by the walk
        if event is not None:
            _compare_facts(seq, keys_of(event), found, damage)
    stated.rest(last)
    return damage


class _Facts:
    """The stored facts, ``(seq, key)`` in order, taken record by record."""

    def __init__(self, rows: Iterable[Sequence[Any]], damage: list[Damage]) -> None:
        self._rows = iter(rows)
        self._damage = damage
        self._next = self._pull()

    def _pull(self) -> tuple[int, Any] | None:
        for row in self._rows:
            seq, key = row[0], row[1]
            if isinstance(seq, int):
                return seq, key
            self._damage.append(Damage(0, "verify_fact_mismatch", {"key": str(key)}))
        return None

    def take(self, seq: Any) -> list[Any]:
        """The keys stored for record ``seq``. Any stored for an earlier seq that no
        record claimed belong to a record that is not there: they are reported
        here, at the first record after the gap, where the gap itself is named."""
        found: list[Any] = []
        if not isinstance(seq, int):
            return found
        while self._next is not None and self._next[0] <= seq:
            at, key = self._next
            if at < seq:
                self._damage.append(Damage(seq, "verify_fact_mismatch", {"key": str(key)}))
            else:
                found.append(key)
            self._next = self._pull()
        return found

    def rest(self, after: int) -> None:
        """Facts stored for records after the last one (``after``): a cut tail."""
        while self._next is not None:
            _at, key = self._next
            self._damage.append(Damage(after + 1, "verify_fact_mismatch", {"key": str(key)}))
            self._next = self._pull()


def _compare_facts(seq: int, keys: tuple[str, ...], found: list[Any], damage: list[Damage]) -> None:
    if len(keys) == len(found) and (keys == tuple(found) or sorted(keys) == found):
        return
    wrong = sorted(set(keys).symmetric_difference(map(str, found))) or list(keys)
    damage.append(Damage(seq, "verify_fact_mismatch", {"key": wrong[0] if wrong else ""}))


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
    # Size 0 names the empty log, whose head is the genesis value: it vouches
    # for no record, but a different head there is still a false checkpoint.
    found = GENESIS if point.size == 0 else hashes(point.size)
    if found != point.head:
        return [Damage(point.size, "verify_checkpoint_mismatch", {"source": point.source})]
    return []


def _commands(commands: Iterable[Sequence[Any]], last_seq: int) -> list[Damage]:
    for key, _fingerprint, first, last in commands:
        if not (isinstance(first, int) and isinstance(last, int)) or last > last_seq:
            return [Damage(last_seq + 1, "verify_truncated_commands", {"key": key, "last": last})]
    return []


def verify_store(
    store: Any,
    checkpoints: Iterable[Checkpoint] = (),
    progress: Callable[[int], None] | None = None,
) -> VerifyReport:
    """Verify any store that exposes ``raw_records`` and ``raw_commands`` (both backends do).

    The records, the facts and the commands are separate reads (the records in
    pages), and a second pass reads records and facts again. Against a log that a
    live portal appends to, reads that each see the latest commit would set facts
    of one moment beside records of the next and report a sound log as damaged.
    So a store that offers ``snapshot()``, a context manager yielding an object
    with the same read methods seen as of one moment, is read only through it.
    ``progress`` is told the records checked so far, every 4,096."""
    snapshot = getattr(store, "snapshot", None)
    if snapshot is None:
        # As before. SQLiteStore offers none: ``yishi verify`` reads a SQLite file
        # through verify_sqlite, which already holds one read transaction.
        return _verify_reads(store, getattr(store, "evidence", None), checkpoints, progress)
    with snapshot() as reading:
        # Evidence is kept by content and put before the record naming it: if the
        # snapshot keeps none of its own, the store's may be read at any moment.
        evidence = getattr(reading, "evidence", getattr(store, "evidence", None))
        return _verify_reads(reading, evidence, checkpoints, progress)


def _verify_reads(
    reading: Any,
    evidence: Any,
    checkpoints: Iterable[Checkpoint],
    progress: Callable[[int], None] | None,
) -> VerifyReport:
    raw_facts = getattr(reading, "raw_facts", None)
    if raw_facts is None:  # a store that keeps no facts of its own: nothing to hold them to
        return verify_records(
            reading.raw_records(), reading.raw_commands(), evidence, checkpoints, progress=progress
        )
    return verify_records(
        reading.raw_records(),
        reading.raw_commands(),
        evidence,
        checkpoints,
        progress=progress,
        facts=raw_facts(),
        relocate=lambda: (reading.raw_records(), sorted(raw_facts())),
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
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise NotALog("verify_locked", str(target), str(exc)) from None
            raise NotALog("verify_not_a_log", str(target), str(exc)) from None
        if not {"events", "commands"} <= tables:
            raise NotALog("verify_not_a_log", str(target), "no events or commands table")
        layout = db.execute("PRAGMA user_version").fetchone()[0]
        if layout > NEWEST_LAYOUT:  # written by a newer yishi: its columns may mean other things
            raise NotALog("verify_unknown_layout", str(target), str(layout))
        # One read transaction: the records, the facts and the checkpoints' hashes
        # are all read from one snapshot, so a log that someone appends to while it
        # is verified is checked as it stood, not as records of one moment beside
        # facts of the next.
        db.execute("BEGIN")
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

        # Layouts 0 and 2 kept a record's one fact in its ``once`` column.
        facts = (
            "SELECT seq, key FROM facts"
            if layout >= 3
            else "SELECT seq, once FROM events WHERE once IS NOT NULL"
        )
        records = f"SELECT {RECORD_COLUMNS} FROM events ORDER BY seq"
        report = verify_records(
            _read(db, records, broken),
            _read(db, "SELECT key, fingerprint, first, last FROM commands", broken),
            store,
            checkpoints,
            lookup=lambda seq: _hash_at(db, seq),
            progress=counted,
            facts=_read(db, facts, broken),
            relocate=lambda: (
                _read(db, records, []),  # what cannot be read was noted by the first walk
                _read(db, f"{facts} ORDER BY seq, 2", []),
            ),
        )
    finally:
        if db.in_transaction:
            db.execute("ROLLBACK")
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
