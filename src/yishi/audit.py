"""What ``yishi verify`` checks beyond the hash chain, by replaying the log.

The chain (store/verify.py) shows that no record changed since it was written.
It cannot show that what was written was right: a plugin that rewrote ballots
in memory before the count, or a table rebuilt without its UNIQUE constraints
with a second ballot slipped in, leaves a perfectly chained log. This replay
checks the meaning (reliability plan T05, T09):

* every fact that may be recorded once (a ballot, a check-in, a proxy: the keys
  of ``domain/uniqueness.py``) is recorded once;
* every event folds into the state built from the records before it (the fold
  refuses a second ballot for the same member, among others);
* every verdict (``MeetingClosed``, ``CandidatesElected``) is recomputed from
  the ballots and counts recorded before it, under the rule set recorded for
  its matter (found by digest), and must equal what was recorded;
* every idempotency entry (the ``commands`` table) matches the records it names,
  and every record that names a command is covered by its entry;
* every published notice file given is checked against the disclosure it names
  by its checkpoint: the checkpoint, and the notice's text and figures as the
  log renders them.

A verdict whose rule set cannot be found (a local rule file that was not given)
is listed as *unchecked*, never silently passed. The engine layer: it needs the
domain's decisions, the rule sets and the publishers' renderers together.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from yishi import notice_check
from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.decide import decide
from yishi.domain.errors import Refusal
from yishi.domain.rules import RuleSet
from yishi.domain.state import State, evolve
from yishi.domain.uniqueness import keys_of
from yishi.publish.files import render_markdown
from yishi.publish.notice import build_notice
from yishi.store.chain import canonical
from yishi.store.verify import Damage

# The fields of a verdict that a recount must reproduce exactly.
VERDICT_FIELDS = {
    ev.MeetingClosed: ("outcome", "quorum", "threshold", "counts", "recused"),
    ev.CandidatesElected: ("body", "role", "people"),
}
_CHECKPOINT = re.compile(r"\b(\d+):([0-9a-f]{64})\b")


@attrs.frozen
class AuditReport:
    damage: tuple[Damage, ...]
    verdicts: int = 0  # verdicts recomputed and compared
    unchecked: tuple[tuple[int, str], ...] = ()  # (seq, rule-set id) of verdicts not recomputed
    notices: int = 0  # notice files compared

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdicts_recomputed": self.verdicts,
            "verdicts_unchecked": [{"seq": s, "ruleset": r} for s, r in self.unchecked],
            "notices_checked": self.notices,
        }


@attrs.define
class _Replay:
    rulesets: Mapping[str, RuleSet]  # by digest
    state: State = attrs.Factory(State)
    damage: list[Damage] = attrs.Factory(list)
    seen: dict[str, int] = attrs.Factory(dict)  # uniqueness key -> first seq
    expected: dict[str, list[ev.Event]] = attrs.Factory(dict)  # meeting -> recomputed events
    verdicts: int = 0
    unchecked: list[tuple[int, str]] = attrs.Factory(list)
    notices: dict[tuple[int, str], tuple[int, Any]] = attrs.Factory(dict)  # checkpoint -> notice
    keep_notices: bool = False  # only when notice files are to be compared
    # For JSON, HTML and PDF notices (notice_check.py): checkpoint -> (seq, disclosure),
    # and the events, from which each notice's document is rebuilt.
    points: dict[tuple[int, str], tuple[int, str]] = attrs.Factory(dict)
    events: list[ev.Event] = attrs.Factory(list)


def audit(
    rows: Iterable[Sequence[Any]],
    commands: Iterable[Sequence[Any]],
    rulesets: Mapping[str, RuleSet],
    notice_files: Iterable[Path] = (),
) -> AuditReport:
    """Replay ``rows`` (``seq, command, payload`` as stored) and check their meaning.

    ``rulesets`` maps a rule set's digest to the rule set; ``commands`` are the
    rows of the idempotency table (``key, fingerprint, first, last``)."""
    notice_files = list(notice_files)
    replay = _Replay(rulesets, keep_notices=bool(notice_files))
    by_command: dict[str, list[int]] = {}  # key -> [first seq, last seq, how many]
    for seq, command, payload in rows:
        try:
            event = ev.event_from_dict(json.loads(payload))
        except Exception:  # unreadable: the chain check reports it
            continue
        if isinstance(command, str):
            span = by_command.get(command)
            if span is None:
                by_command[command] = [seq, seq, 1]
            else:
                span[1], span[2] = seq, span[2] + 1
        _step(replay, seq, event)
    damage = replay.damage + _commands(commands, by_command)
    checked = 0
    for path in notice_files:
        if path.suffix.lower() in (".json", ".html", ".htm", ".pdf"):
            damage += notice_check.check(
                path, replay.points, replay.state, replay.rulesets, replay.events
            )
        else:
            damage += _notice(path, replay.notices)
        checked += 1
    damage.sort(key=lambda d: d.seq)
    return AuditReport(tuple(damage), replay.verdicts, tuple(replay.unchecked), checked)


def _step(replay: _Replay, seq: int, event: ev.Event) -> None:
    keys = keys_of(event)
    mine: set[str] = set()  # a stack that names one voter twice repeats itself
    for key in keys:
        first = replay.seen.get(key, seq if key in mine else None)
        if first is not None:
            replay.damage.append(Damage(seq, "verify_double_fact", {"key": key, "first": first}))
            return  # not counted, as the database would have refused it
        mine.add(key)
    for key in keys:
        replay.seen[key] = seq
    if isinstance(event, ev.MeetingClosed):
        _recount(replay, seq, event)
    if type(event) in VERDICT_FIELDS:
        _compare(replay, seq, event)
    try:
        evolve(replay.state, event)
    except Exception as exc:  # the fold refuses it (a double ballot, an unknown meeting)
        reason = f"{type(exc).__name__}: {exc}"
        replay.damage.append(Damage(seq, "verify_replay_refused", {"reason": reason}))
        return
    if replay.keep_notices:
        replay.events.append(event)
        if isinstance(event, ev.DisclosurePublished) and event.checkpoint:
            _keep_notice(replay, seq, event)


def _ruleset(replay: _Replay, matter_id: str) -> tuple[RuleSet | None, str]:
    matter = replay.state.matters.get(matter_id)
    if matter is None:
        return None, "?"
    return replay.rulesets.get(matter.ruleset_digest), matter.procedure


def _recount(replay: _Replay, seq: int, event: ev.MeetingClosed) -> None:
    """Decide the meeting's close again on the state before it, and keep what it gives."""
    ruleset, procedure = _ruleset(replay, event.matter)
    if ruleset is None:
        replay.unchecked.append((seq, procedure))
        replay.expected.pop(event.meeting, None)
        return
    command = cmd.CloseMeeting(
        actor=event.actor, on_behalf_of=event.on_behalf_of, meeting=event.meeting
    )
    try:
        made = decide(replay.state, command, ruleset, event.at)
    except Refusal as refusal:
        replay.damage.append(
            Damage(seq, "verify_verdict_refused", {"reason": refusal.message("en")})
        )
        replay.expected.pop(event.meeting, None)
        return
    except Exception as exc:  # a state the rules cannot count at all
        reason = f"{type(exc).__name__}: {exc}"
        replay.damage.append(Damage(seq, "verify_verdict_refused", {"reason": reason}))
        replay.expected.pop(event.meeting, None)
        return
    replay.expected[event.meeting] = [e for e in made if type(e) in VERDICT_FIELDS]


def _compare(replay: _Replay, seq: int, event: ev.Event) -> None:
    meeting = getattr(event, "meeting", "")
    pending = replay.expected.get(meeting)
    if pending is None:
        if isinstance(event, ev.CandidatesElected):
            ruleset, _procedure = _ruleset(replay, event.matter)
            if ruleset is not None:
                replay.damage.append(
                    Damage(
                        seq,
                        "verify_verdict_mismatch",
                        {"field": "people", "recorded": list(event.people), "recomputed": "—"},
                    )
                )
        return
    same = [e for e in pending if type(e) is type(event)]
    if not same:
        replay.damage.append(
            Damage(
                seq,
                "verify_verdict_mismatch",
                {"field": event.type, "recorded": "✓", "recomputed": "—"},
            )
        )
        return
    recomputed = same[0]
    pending.remove(recomputed)
    replay.verdicts += 1
    mine, theirs = event.to_dict(), recomputed.to_dict()
    for field in VERDICT_FIELDS[type(event)]:
        if canonical(mine.get(field)) != canonical(theirs.get(field)):
            replay.damage.append(
                Damage(
                    seq,
                    "verify_verdict_mismatch",
                    {
                        "field": field,
                        "recorded": _short(mine.get(field)),
                        "recomputed": _short(theirs.get(field)),
                    },
                )
            )
            break


def _short(value: Any) -> str:
    text = canonical(value)
    return text if len(text) <= 120 else text[:117] + "..."


# -- the idempotency table -----------------------------------------------------


def _commands(rows: Iterable[Sequence[Any]], by_command: Mapping[str, list[int]]) -> list[Damage]:
    """Each entry must name exactly the records that carry its key, and each key one entry.

    ``by_command``: for each key carried by records, [first seq, last seq, how many]."""
    damage: list[Damage] = []
    entries: set[str] = set()
    for key, fingerprint, first, last in rows:
        entries.add(str(key))
        seqs = by_command.get(key)
        # Named at the last record involved: an edit of a record itself is found by
        # the chain at that record, and must stay the first problem named.
        ends = [x for x in (last, seqs[1] if seqs else None) if isinstance(x, int)]
        where = max(ends) if ends else 0
        if not (isinstance(fingerprint, str) and re.fullmatch(r"[0-9a-f]{64}", fingerprint)):
            damage.append(
                Damage(where, "verify_command_mismatch", {"key": key, "reason": "fingerprint"})
            )
        if not seqs:
            damage.append(
                Damage(
                    where,
                    "verify_command_mismatch",
                    {"key": key, "reason": "no record carries this key"},
                )
            )
        elif (first, last) != (seqs[0], seqs[1]) or seqs[2] != seqs[1] - seqs[0] + 1:
            reason = f"names records {first}–{last}, the log has {seqs[0]}–{seqs[1]}"
            damage.append(Damage(where, "verify_command_mismatch", {"key": key, "reason": reason}))
    for key, seqs in by_command.items():
        if key not in entries:
            damage.append(
                Damage(
                    seqs[0],
                    "verify_command_mismatch",
                    {"key": key, "reason": "its entry was deleted from the commands table"},
                )
            )
    return damage


# -- published notice files (T09) ------------------------------------------------


def _keep_notice(replay: _Replay, seq: int, event: ev.DisclosurePublished) -> None:
    assert event.checkpoint is not None
    disclosure = replay.state.disclosures.get(event.disclosure)
    matter = replay.state.matters.get(event.matter)
    ruleset = replay.rulesets.get(matter.ruleset_digest) if matter is not None else None
    if disclosure is None or ruleset is None:
        return
    try:
        # a matter handed on prints earlier councils' decisions under their names
        by_id = {rs.id: rs for rs in replay.rulesets.values()}
        notice = build_notice(disclosure, replay.state, ruleset, seq, by_id)
    except Exception:  # a notice the renderer cannot make: compared as missing
        return
    point = (event.checkpoint.get("size"), event.checkpoint.get("head"))
    replay.notices[point] = (seq, notice)  # type: ignore[index]
    replay.points[point] = (seq, event.disclosure)  # type: ignore[index]


def _notice(path: Path, notices: Mapping[tuple[int, str], tuple[int, Any]]) -> list[Damage]:
    """A notice file against the disclosure its checkpoint names, line by line."""
    try:
        text = path.read_bytes()[: 4 * 1024 * 1024].decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Damage(0, "verify_notice_unknown", {"file": str(path), "reason": str(exc)})]
    points = {(int(s), h) for s, h in _CHECKPOINT.findall(text)}
    found = [notices[p] for p in points if p in notices]
    if not found:
        reason = "no checkpoint in it names a disclosure of this log" if points else "no checkpoint"
        return [Damage(0, "verify_notice_unknown", {"file": str(path), "reason": reason})]
    seq, notice = found[0]
    db = re.search(r"yishi verify --db (\S+) --checkpoint", text)
    best: tuple[int, str, str] | None = None
    for lang in ("zh", "en"):
        expected = render_markdown(notice, lang, db=db.group(1) if db else "")
        line, mine, theirs = _first_difference(text, expected)
        if line == 0:
            return []
        if best is None or line > best[0]:
            best = (line, mine, theirs)
    assert best is not None
    line, mine, theirs = best
    reason = f"line {line}: the file says {mine!r}, the log gives {theirs!r}"
    return [Damage(seq, "verify_notice_mismatch", {"file": str(path), "reason": reason})]


def _first_difference(text: str, expected: str) -> tuple[int, str, str]:
    """(line number, that line in each) of the first difference; (0, "", "") if none."""
    mine, theirs = text.rstrip("\n").splitlines(), expected.rstrip("\n").splitlines()
    for number, (a, b) in enumerate(zip(mine, theirs, strict=False), start=1):
        if a != b:
            return number, a, b
    if len(mine) != len(theirs):
        number = min(len(mine), len(theirs)) + 1
        return number, *((x[number - 1] if number <= len(x) else "") for x in (mine, theirs))  # type: ignore[return-value]
    return 0, "", ""


def rulesets_by_digest(rulesets: Iterable[RuleSet]) -> dict[str, RuleSet]:
    return {r.digest: r for r in rulesets if r.digest}


def audit_sqlite(
    path: str | Path, rulesets: Mapping[str, RuleSet], notice_files: Iterable[Path] = ()
) -> AuditReport:
    """:func:`audit` over a SQLite log, read without writing (as ``verify_sqlite`` reads it).

    Rows that cannot be read are skipped here: the chain check reports them."""
    import sqlite3

    from yishi.store.sqlite import RECORD_COLUMNS

    db = sqlite3.connect(Path(path), isolation_level=None)
    try:
        db.execute("PRAGMA query_only = ON")
        db.text_factory = lambda raw: raw.decode("utf-8", "replace")
        names = [c.strip() for c in RECORD_COLUMNS.split(",")]
        wanted = ", ".join(names[names.index(c)] for c in ("seq", "command", "payload"))
        rows = _rows(db, f"SELECT {wanted} FROM events ORDER BY seq")
        commands = list(_rows(db, "SELECT key, fingerprint, first, last FROM commands"))
        return audit(rows, commands, rulesets, notice_files)
    finally:
        db.close()


def _rows(db: Any, sql: str) -> Iterable[Sequence[Any]]:
    import sqlite3

    try:
        yield from db.execute(sql)
    except sqlite3.DatabaseError:  # damaged pages: the chain check reports them
        return


def notice_paths(given: Iterable[Path]) -> list[Path]:
    """The notice files named: files as given; folders by their ``*.md`` files, and
    the JSON, HTML and PDF notices anywhere below them (a published board)."""
    found: list[Path] = []
    for path in given:
        if path.is_dir():
            found += sorted(p for p in path.glob("*.md") if p.is_file())
            found += sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not p.is_symlink() and notice_check.is_notice_file(p)
            )
        else:
            found.append(path)
    return found
