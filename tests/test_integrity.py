"""Tampering with the log outside the application is detected and located
(reliability plan T07), and every notice's checkpoint verifies (T09).

A log of about two thousand records is built by running a village's meetings
through the engine (check-ins, ballots, notices with checkpoints, progress
reports with photos). Each mutation is applied with raw SQL (or to an evidence
file) on a fresh copy of that file, then ``yishi verify`` must exit 1 and name
the mutated record first: the record itself, the first one after a gap, the
lower of two swapped ones, or the checkpoint's record when history before a
checkpoint was rewritten consistently.

Seeded; ``YISHI_LONG=1`` runs ten times as many mutations. The figures
(mutations by class, detected, located) are written where tests/figures.py says.
"""

from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import string
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner

from tests import figures, workloads
from yishi.cli import main
from yishi.domain.events import DisclosurePublished
from yishi.engine import Engine
from yishi.publish.notice import build_notice, checkpoint_line
from yishi.store.chain import canonical, record_hash
from yishi.store.sqlite import SQLiteStore
from yishi.store.verify import Checkpoint, NotALog, verify_sqlite

LONG = os.environ.get("YISHI_LONG") == "1"
SCALE = 10 if LONG else 1
SEED = 20260504
COLUMNS = ("seq", "stream", "version", "type", "payload", "command", "prev", "hash")
CHECKPOINT_ON_NOTICE = re.compile(r"--checkpoint (\d+):([0-9a-f]{64})")

FIGURES: dict[str, dict[str, int]] = {}


@attrs.frozen
class Row:
    seq: int
    stream: str
    version: int
    type: str
    payload: str
    command: str | None
    prev: str
    hash: str


@attrs.frozen
class Log:
    directory: Path
    pristine: bytes
    rows: tuple[Row, ...]
    facts: tuple[tuple[str, int], ...]  # the facts recorded once: (key, seq)
    notices: tuple[str, ...]  # the text of every notice posted, as printed
    evidence: dict[str, int]  # sha256 -> the first record that attaches it

    @property
    def size(self) -> int:
        return len(self.rows)

    @property
    def target(self) -> Path:
        return self.directory / "yishi.db"

    def restore(self) -> Path:
        for suffix in ("-wal", "-shm"):
            Path(f"{self.target}{suffix}").unlink(missing_ok=True)
        self.target.write_bytes(self.pristine)
        return self.target


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Log:
    directory = tmp_path_factory.mktemp("integrity")
    source = directory / "source.db"
    store = SQLiteStore(source, synchronous="NORMAL")  # durability is not the point here
    engine = Engine(store, workloads.ruleset())
    workloads.build_log(engine, members=48, matters=25, seed=SEED, evidence=store.evidence)
    state, ruleset = engine.state, engine.rulesets["wl"]
    notices = []
    for stored in store.read_all():
        if isinstance(stored.event, DisclosurePublished):
            disclosure = state.disclosures[stored.event.disclosure]
            notices.append(build_notice(disclosure, state, ruleset, stored.position).text)
    store.close()
    db = sqlite3.connect(source)
    rows = tuple(Row(*r) for r in db.execute("SELECT * FROM events ORDER BY seq"))
    facts = tuple(db.execute("SELECT key, seq FROM facts ORDER BY seq, key"))
    db.close()
    evidence: dict[str, int] = {}
    for row in rows:
        for item in json.loads(row.payload).get("evidence", ()):
            evidence.setdefault(item["sha256"], row.seq)
    return Log(directory, source.read_bytes(), rows, facts, tuple(notices), evidence)


# -- running the verifier --------------------------------------------------------


@attrs.frozen
class Outcome:
    exit_code: int
    first: int | None  # the first record named, None when intact
    report: dict[str, Any]


def verify_cli(path: Path, *checkpoints: str) -> Outcome:
    args = ["verify", "--db", str(path), "--json"]
    for point in checkpoints:
        args += ["--checkpoint", point]
    result = CliRunner().invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    report = json.loads(result.stdout)
    first = report["first"]["seq"] if report["first"] else None
    return Outcome(result.exit_code, first, report)


@attrs.frozen
class Mutation:
    kind: str
    expected: int  # the record verify must name first
    apply: Callable[[sqlite3.Connection], None]
    checkpoints: tuple[str, ...] = ()
    detail: str = ""
    # No record from 1 up to (not including) this one may be named: it is intact.
    # Needed only where ``expected`` is not a record (a seq moved below 1).
    intact_below: int = 0
    codes: frozenset[str] | None = None  # when given, the only problems verify may report

    def located(self, outcome: Outcome) -> bool:
        damage = outcome.report["damage"]
        return (
            outcome.first == self.expected
            and not any(0 < d["seq"] < self.intact_below for d in damage)
            and (self.codes is None or {d["code"] for d in damage} <= self.codes)
        )


def run(log: Log, mutation: Mutation) -> Outcome | None:
    """Apply ``mutation`` to a fresh copy; None when SQLite's own constraints refused it."""
    target = log.restore()
    db = sqlite3.connect(target)
    db.execute("PRAGMA synchronous = OFF")  # a scratch copy: no need to wait for the disk
    try:
        mutation.apply(db)
        db.commit()
    except sqlite3.IntegrityError:
        return None
    finally:
        db.close()
    return verify_cli(target, *mutation.checkpoints)


def record(kind: str, detected: bool, located: bool) -> None:
    counts = FIGURES.setdefault(kind, {"mutations": 0, "detected": 0, "located": 0})
    counts["mutations"] += 1
    counts["detected"] += detected
    counts["located"] += located


def exercise(log: Log, mutations: Iterator[Mutation], wanted: int) -> list[str]:
    """Run ``wanted`` applicable mutations; returns what was missed or mislocated."""
    problems: list[str] = []
    done = 0
    for mutation in mutations:
        outcome = run(log, mutation)
        if outcome is None:
            continue  # e.g. a flipped seq that collided with another: try the next one
        detected = outcome.exit_code == 1
        located = mutation.located(outcome)
        record(mutation.kind, detected, located)
        if not (detected and located):
            problems.append(
                f"{mutation.kind} {mutation.detail}: exit {outcome.exit_code}, first "
                f"{outcome.first}, expected {mutation.expected}: "
                + str([(d["seq"], d["code"]) for d in outcome.report["damage"][:4]])
            )
        if done % 10 == 0:  # the function agrees with the command
            report = verify_sqlite(log.target, [Checkpoint.parse(p) for p in mutation.checkpoints])
            # The command adds what the replay finds (audit.py) to the chain's findings.
            mine = report.as_dict()
            assert {k: v for k, v in mine.items() if k != "damage"} == {
                k: v for k, v in outcome.report.items() if k in mine and k != "damage"
            }
            assert all(d in outcome.report["damage"] for d in mine["damage"])
        done += 1
        if done == wanted:
            return problems
    raise AssertionError(f"only {done} of {wanted} mutations could be applied")


def update(column: str, value: object, seq: int) -> Callable[[sqlite3.Connection], None]:
    def apply(db: sqlite3.Connection) -> None:
        if isinstance(value, bytes):  # raw bytes stored as TEXT, possibly not UTF-8
            db.execute(f"UPDATE events SET {column} = CAST(? AS TEXT) WHERE seq = ?", (value, seq))
        else:
            db.execute(f"UPDATE events SET {column} = ? WHERE seq = ?", (value, seq))

    return apply


# -- flips: one character or one byte of one column ----------------------------------


def flip_character(text: str, rng: random.Random) -> str:
    i = rng.randrange(len(text))
    pool = "0123456789abcdef" if text[i] in string.hexdigits else 'aeiouxyz0123{}":,村民'
    replacement = rng.choice([ch for ch in pool if ch != text[i]])
    return text[:i] + replacement + text[i + 1 :]


def flip_bit(text: str, rng: random.Random) -> bytes:
    data = bytearray(text.encode("utf-8"))
    data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


def flip_digit(number: int, rng: random.Random) -> int:
    digits = str(number)
    i = rng.randrange(len(digits))
    choices = [d for d in "0123456789" if d != digits[i] and not (i == 0 and d == "0")]
    if not choices:
        return -number
    return int(digits[:i] + rng.choice(choices) + digits[i + 1 :])


def flips(log: Log, column: str, rng: random.Random) -> Iterator[Mutation]:
    checkpointed = {size for size, _ in notice_checkpoints(log)}
    while True:
        row = rng.choice(log.rows)
        old = getattr(row, column)
        expected = row.seq
        intact_below = 0
        if column == "seq":
            new: object = rng.choice([flip_digit(old, rng)] * 4 + [0, -old])
            assert isinstance(new, int)
            if new < 1:
                # The row now sorts first and is named by its new seq; the records
                # before its old place are intact and must not be blamed.
                expected, intact_below = new, row.seq
            elif row.seq in checkpointed:
                expected = row.seq  # a notice's checkpoint names its empty place
            elif row.seq < log.size:
                expected = row.seq + 1  # its place is empty: the first record after the gap
            else:
                expected = new
            detail = f"{old}->{new}"
        elif column == "version":
            new = flip_digit(old, rng)
            detail = f"#{row.seq} {old}->{new}"
        elif old is None:  # command is empty on most records: fill one in
            new = rng.choice(["ballot/mt0/a0001", "retry-1", "x"])
            detail = f"#{row.seq} NULL->{new}"
        elif rng.random() < 0.25:
            new = flip_bit(old, rng)
            detail = f"#{row.seq} byte"
        else:
            new = flip_character(old, rng)
            detail = f"#{row.seq} character"
        yield Mutation(
            f"flip {column}",
            expected,
            update(column, new, row.seq),
            detail=detail,
            intact_below=intact_below,
        )


@pytest.mark.parametrize("column", COLUMNS)
def test_a_flip_in_any_column_of_any_record_is_detected_and_located(log: Log, column: str) -> None:
    rng = random.Random(f"{SEED}-{column}")
    wanted = (10 if column in ("payload", "hash", "prev") else 7) * SCALE
    assert exercise(log, flips(log, column, rng), wanted) == []


# -- rows deleted, swapped, re-parented, forged ------------------------------------


def deletions(log: Log, rng: random.Random) -> Iterator[Mutation]:
    """A record deleted: named at the first record after the gap. Nothing else may be
    blamed; in particular not the notices whose checkpoints lie beyond the gap."""
    # The record's facts recorded once stay behind in their table: named at the gap too.
    gap = frozenset(
        {"verify_missing", "verify_prev_mismatch", "verify_version_gap", "verify_fact_mismatch"}
    )
    sizes = {size for size, _ in notice_checkpoints(log)}

    def delete(seq: int) -> Callable[[sqlite3.Connection], None]:
        return lambda db: db.execute("DELETE FROM events WHERE seq = ?", (seq,))

    yield Mutation("delete row", 2, delete(1), detail="first", codes=gap)
    # the record a notice's checkpoint names: that notice names it
    size = rng.choice(sorted(sizes))
    codes = gap | {"verify_checkpoint_mismatch"}
    yield Mutation("delete row", size, delete(size), detail=f"#{size}, checkpointed", codes=codes)
    while True:
        seq = rng.randrange(2, log.size)  # not the last: a cut tail needs a checkpoint (below)
        if seq not in sizes:
            yield Mutation("delete row", seq + 1, delete(seq), detail=f"#{seq}", codes=gap)


def swaps(log: Log, rng: random.Random) -> Iterator[Mutation]:
    while True:
        i = rng.randrange(1, log.size)
        j = i + 1 if rng.random() < 0.3 else rng.randrange(1, log.size + 1)
        if i == j:
            continue

        def apply(db: sqlite3.Connection, i: int = i, j: int = j) -> None:
            db.execute("UPDATE events SET seq = -1 WHERE seq = ?", (i,))
            db.execute("UPDATE events SET seq = ? WHERE seq = ?", (i, j))
            db.execute("UPDATE events SET seq = ? WHERE seq = -1", (j,))

        yield Mutation("swap seq", min(i, j), apply, detail=f"#{i}<->#{j}")


def notice_checkpoint_flips(log: Log, rng: random.Random) -> Iterator[Mutation]:
    """One character changed inside the checkpoint a notice records: it is that notice
    that was altered, not the earlier record its checkpoint names."""
    notices = [r for r in log.rows if r.type == "DisclosurePublished"]
    while True:
        row = rng.choice(notices)
        start = row.payload.index('"checkpoint":{') + len('"checkpoint":')
        end = row.payload.index("}", start) + 1
        inside = flip_character(row.payload[start:end], rng)
        payload = row.payload[:start] + inside + row.payload[end:]
        yield Mutation(
            "flip notice checkpoint", row.seq, update("payload", payload, row.seq), detail=inside
        )


def reparentings(log: Log, rng: random.Random) -> Iterator[Mutation]:
    """``prev`` pointed elsewhere: at the head (the only stored hash no record names
    yet) or at a made-up parent."""
    head = log.rows[-1].hash
    while True:
        row = rng.choice(log.rows[:-1])
        new = head if rng.random() < 0.5 else rng.randbytes(32).hex()
        yield Mutation("change prev", row.seq, update("prev", new, row.seq), detail=f"#{row.seq}")


def forged_event(log: Log, n: int) -> tuple[str, str, int, str, str]:
    """A plausible extra record: another progress report on the last matter."""
    last = max((r for r in log.rows if r.type == "ProgressRecorded"), key=lambda r: r.seq)
    data = json.loads(last.payload)
    data["text"] = f"伪造的进度 {n}"
    payload = canonical(data)
    version = max(r.version for r in log.rows if r.stream == last.stream) + 1
    return last.stream, payload, version, data["type"], last.payload


def forgeries(log: Log, rng: random.Random) -> Iterator[Mutation]:
    """A row appended at the end whose hash is right for its content but whose parent
    is wrong; or whose parent is right but whose hash is not its own."""
    seq, head = log.size + 1, log.rows[-1].hash
    n = 0
    while True:
        n += 1
        stream, payload, version, type_, _ = forged_event(log, n)
        if rng.random() < 0.7:
            prev = rng.choice([rng.randbytes(32).hex(), flip_character(head, rng)])
            digest = record_hash(seq, stream, version, prev, None, payload)
            kind = "forged row, wrong parent"
        else:
            prev, digest = head, rng.randbytes(32).hex()
            kind = "forged row, wrong hash"

        def apply(
            db: sqlite3.Connection,
            values: tuple[object, ...] = (seq, stream, version, type_, payload, prev, digest),
        ) -> None:
            db.execute(
                "INSERT INTO events (seq, stream, version, type, payload, command, prev, hash)"
                " VALUES (?, ?, ?, ?, ?, NULL, ?, ?)",
                values,
            )

        yield Mutation(kind, seq, apply, detail=f"#{seq}")


def fact_edits(log: Log, rng: random.Random) -> Iterator[Mutation]:
    """A fact recorded once (one ballot per member, one check-in) altered in its own
    table: its key changed, moved to another record, deleted, or one made up. The
    chain still verifies; the record whose facts no longer match is named."""
    assert len(log.facts) > 100
    while True:
        key, seq = rng.choice(log.facts)
        choice = rng.randrange(4)
        if choice == 0:
            new = flip_character(key, rng)
            sql, args, expected = "UPDATE facts SET key = ? WHERE key = ?", (new, key), seq
            detail = f"#{seq} {key}->{new}"
        elif choice == 1:
            other = rng.choice(log.rows).seq
            if other == seq:
                continue
            sql, args = "UPDATE facts SET seq = ? WHERE key = ?", (other, key)
            expected, detail = min(seq, other), f"{key} #{seq}->#{other}"
        elif choice == 2:
            sql, args, expected, detail = "DELETE FROM facts WHERE key = ?", (key,), seq, key
        else:
            row = rng.choice(log.rows)
            made_up = f"ballot/{rng.choice(['mt0', 'mt1', 'x'])}/forged{rng.randrange(1000)}"
            sql, args = "INSERT INTO facts (key, seq) VALUES (?, ?)", (made_up, row.seq)
            expected, detail = row.seq, f"+{made_up} #{row.seq}"

        def apply(db: sqlite3.Connection, sql: str = sql, args: tuple[object, ...] = args) -> None:
            db.execute(sql, args)

        yield Mutation(
            "fact edited", expected, apply, detail=detail, codes=frozenset({"verify_fact_mismatch"})
        )


ROW_CLASSES: dict[str, tuple[Callable[[Log, random.Random], Iterator[Mutation]], int]] = {
    "facts": (fact_edits, 16),
    "delete": (deletions, 12),
    "swap": (swaps, 12),
    "prev": (reparentings, 8),
    "forge": (forgeries, 8),
    "notice checkpoint": (notice_checkpoint_flips, 6),
}


@pytest.mark.parametrize("kind", ROW_CLASSES)
def test_rows_deleted_swapped_reparented_or_forged_are_detected_and_located(
    log: Log, kind: str
) -> None:
    make, count = ROW_CLASSES[kind]
    assert exercise(log, make(log, random.Random(f"{SEED}-{kind}")), count * SCALE) == []


# -- evidence files ------------------------------------------------------------------


def test_an_altered_or_missing_evidence_file_is_detected_at_the_record_that_attaches_it(
    log: Log,
) -> None:
    rng = random.Random(f"{SEED}-evidence")
    assert len(log.evidence) >= 10  # sign-in sheets, notice photos, one shared site photo
    target = log.restore()
    assert verify_cli(target).report["evidence_files"] >= len(log.evidence)
    problems = []
    for n in range(10 * SCALE):
        sha = rng.choice(sorted(log.evidence))
        path = log.directory / "evidence" / sha[:2] / sha
        original = path.read_bytes()
        how = ("flip a byte", "delete", "truncate", "append", "replace by a directory")[n % 5]
        try:
            if how == "flip a byte":
                data = bytearray(original)
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
                path.write_bytes(bytes(data))
            elif how == "truncate":
                path.write_bytes(original[: len(original) // 2])
            elif how == "append":
                path.write_bytes(original + b"\n")
            else:
                path.unlink()
                if how == "replace by a directory":
                    path.mkdir()
            outcome = verify_cli(log.restore())
            code = outcome.report["first"]["code"] if outcome.report["first"] else None
        finally:
            if path.is_dir():
                path.rmdir()
            path.write_bytes(original)
        wanted = (
            "verify_evidence_missing"
            if how in ("delete", "replace by a directory")
            else "verify_evidence_altered"
        )
        detected, located = outcome.exit_code == 1, outcome.first == log.evidence[sha]
        record(f"evidence: {how}", detected, located)
        if not (detected and located and code == wanted):
            problems.append(f"{how} {sha[:8]}: {outcome.exit_code} {outcome.first} {code}")
    assert problems == []
    assert verify_cli(log.restore()).exit_code == 0  # everything put back


# -- checkpoints printed on notices (T09) ------------------------------------------------


def notice_checkpoints(log: Log) -> list[tuple[int, str]]:
    points = []
    for text in log.notices:
        found = CHECKPOINT_ON_NOTICE.findall(text)
        assert len(found) == 1, text
        points.append((int(found[0][0]), found[0][1]))
    return points


def test_every_notice_prints_a_checkpoint_that_verifies_on_the_intact_log(log: Log) -> None:
    points = notice_checkpoints(log)
    assert len(points) >= 20  # one per matter that passed
    by_seq = {row.seq: row.hash for row in log.rows}
    disclosures = [r for r in log.rows if r.type == "DisclosurePublished"]
    assert len(disclosures) == len(points)
    for (size, head), row in zip(points, disclosures, strict=True):
        assert 0 < size < row.seq and by_seq[size] == head
        checkpoint = json.loads(row.payload)["checkpoint"]
        assert checkpoint == {"size": size, "head": head}
        assert checkpoint_line(checkpoint) in log.notices[disclosures.index(row)]
    outcome = verify_cli(log.restore(), *(f"{s}:{h}" for s, h in points))
    assert (outcome.exit_code, outcome.report["checkpoints"]) == (0, 2 * len(points))


def truncations(log: Log, rng: random.Random) -> Iterator[Mutation]:
    """The tail cut off below a notice's checkpoint; the careful variant also removes
    the facts and idempotency records that would give the cut away."""
    points = notice_checkpoints(log)
    while True:
        size, head = rng.choice(points)
        keep = rng.randrange(max(1, size - 60), size)
        careful = rng.random() < 0.5

        def apply(db: sqlite3.Connection, keep: int = keep, careful: bool = careful) -> None:
            db.execute("DELETE FROM events WHERE seq > ?", (keep,))
            if careful:
                db.execute("DELETE FROM facts WHERE seq > ?", (keep,))
                db.execute("DELETE FROM commands WHERE last > ?", (keep,))

        kind = "truncate tail" + (" and commands" if careful else "")
        yield Mutation(kind, keep + 1, apply, (f"{size}:{head}",), detail=f"to {keep} < {size}")


def test_a_tail_cut_below_a_notice_checkpoint_is_detected(log: Log) -> None:
    rng = random.Random(f"{SEED}-truncate")
    assert exercise(log, truncations(log, rng), 8 * SCALE) == []


def test_a_careful_cut_passes_without_a_checkpoint_so_the_notice_is_what_catches_it(
    log: Log,
) -> None:
    size, head = notice_checkpoints(log)[-1]
    target = log.restore()
    db = sqlite3.connect(target)
    db.execute("DELETE FROM events WHERE seq > ?", (size - 5,))
    db.execute("DELETE FROM facts WHERE seq > ?", (size - 5,))
    db.execute("DELETE FROM commands WHERE last > ?", (size - 5,))
    db.commit()
    db.close()
    assert verify_cli(target).exit_code == 0
    outcome = verify_cli(target, f"{size}:{head}")
    assert (outcome.exit_code, outcome.first) == (1, size - 4)
    assert outcome.report["first"]["code"] == "verify_truncated"


def rewrite_history(
    db: sqlite3.Connection, log: Log, seq: int, change: Callable[[dict[str, Any]], None]
) -> None:
    """Change record ``seq`` and re-chain everything after it, as an operator who knows
    the format would: every later hash recomputed, and the checkpoints recorded in
    later notices updated to the new heads. The chain alone then looks intact."""
    new_hash: dict[int, str] = {}
    prev = log.rows[seq - 2].hash if seq > 1 else "0" * 64
    for row in log.rows[seq - 1 :]:
        data = json.loads(row.payload)
        if row.seq == seq:
            change(data)
        point = data.get("checkpoint")
        if point and point["size"] in new_hash:
            point["head"] = new_hash[point["size"]]
        payload = canonical(data)
        digest = record_hash(row.seq, row.stream, row.version, prev, row.command, payload)
        db.execute(
            "UPDATE events SET payload = ?, prev = ?, hash = ? WHERE seq = ?",
            (payload, prev, digest, row.seq),
        )
        new_hash[row.seq] = prev = digest


def test_history_rewritten_before_a_notice_is_caught_by_its_checkpoint(log: Log) -> None:
    rng = random.Random(f"{SEED}-rewrite")
    points = notice_checkpoints(log)
    problems = []
    for _ in range(4 * SCALE):
        size, head = rng.choice(points)
        ballots = [r for r in log.rows if r.type == "BallotCast" and r.seq <= size]
        target_row = rng.choice(ballots)

        def flip_vote(data: dict[str, Any]) -> None:
            data["choice"] = "no" if data["choice"] == "yes" else "yes"

        path = log.restore()
        db = sqlite3.connect(path)
        rewrite_history(db, log, target_row.seq, flip_vote)
        db.commit()
        db.close()
        assert verify_cli(path).exit_code == 0  # the chain alone cannot show it
        outcome = verify_cli(path, f"{size}:{head}")
        detected, located = outcome.exit_code == 1, outcome.first == size
        record("rewrite before checkpoint", detected, located)
        if not (detected and located):
            problems.append(f"#{target_row.seq} under {size}: {outcome.report['damage'][:2]}")
    assert problems == []


# -- no false alarms; not a log ------------------------------------------------------------


def test_untouched_copies_verify_clean(log: Log) -> None:
    points = [f"{s}:{h}" for s, h in notice_checkpoints(log)]
    for n in range(10 * SCALE):
        target = log.restore()
        db = sqlite3.connect(target)  # opened and closed by another program, as a copy would be
        db.execute("SELECT count(*) FROM events").fetchone()
        db.close()
        outcome = verify_cli(target, *points[: n % (len(points) + 1)])
        record("control (unmutated)", outcome.exit_code != 0, outcome.first is None)
        assert (outcome.exit_code, outcome.first) == (0, None)
        assert outcome.report["size"] == log.size and outcome.report["head"] == log.rows[-1].hash
    report = verify_sqlite(log.restore())
    assert report.ok and report.head.size == log.size and report.evidence_files > 0


def other_sqlite(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE votes (member TEXT, choice TEXT)")
    db.commit()
    db.close()


@pytest.mark.parametrize(
    ("make", "zh", "en"),
    [
        pytest.param(lambda p: None, "找不到记录文件", "no log file", id="missing"),
        pytest.param(
            lambda p: p.write_text("签到表\n王建国\n"),
            "不是 yishi 记录文件",
            "not a yishi log",
            id="text",
        ),
        pytest.param(
            lambda p: p.write_bytes(b""), "不是 yishi 记录文件", "not a yishi log", id="empty"
        ),
        pytest.param(other_sqlite, "不是 yishi 记录文件", "not a yishi log", id="other-sqlite"),
    ],
)
def test_a_missing_or_foreign_file_exits_2_with_a_clear_message(
    tmp_path: Path, make: Callable[[Path], object], zh: str, en: str
) -> None:
    path = tmp_path / "yishi.db"
    make(path)
    before = path.read_bytes() if path.exists() else None
    for lang, text in (("zh", zh), ("en", en)):
        result = CliRunner().invoke(main, ["verify", "--db", str(path), "--lang", lang])
        assert result.exit_code == 2, result.output
        assert text in result.stderr and str(path) in result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit)
    with pytest.raises(NotALog):
        verify_sqlite(path)
    # verify writes nothing: no schema in an empty file, no log where there was none
    assert (path.read_bytes() if path.exists() else None) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == (
        ["yishi.db"] if before is not None else []
    )


def test_figures_cover_every_column_and_show_no_miss() -> None:
    """Runs last in this module: every column was flipped, and nothing was missed."""
    flipped = {kind.removeprefix("flip ") for kind in FIGURES if kind.startswith("flip ")}
    flipped.discard("notice checkpoint")
    if not flipped:
        pytest.skip("run with the rest of the module")
    assert flipped == set(COLUMNS)
    for kind, counts in FIGURES.items():
        if kind.startswith("control"):
            continue
        assert counts["detected"] == counts["located"] == counts["mutations"], kind
    figures.save("t07_t09_integrity", FIGURES)


def test_after_a_deletion_the_head_is_still_named_by_the_last_record(log: Log) -> None:
    """A user compares the printed head with a notice's ``size:head``: it must name
    the last record, not the count of records left."""
    path = log.restore()
    middle = log.rows[log.size // 2].seq
    db = sqlite3.connect(path)
    db.execute("DELETE FROM events WHERE seq = ?", (middle,))
    db.commit()
    db.close()
    outcome = verify_cli(path)
    assert outcome.exit_code == 1 and outcome.first == middle + 1
    assert outcome.report["size"] == log.size
    assert outcome.report["records"] == log.size - 1
    assert outcome.report["head"] == log.rows[-1].hash
