"""Issue 13: bad input never breaks the log — typed dates, limits, file reads,
evidence paths, and the CLI's answer to a full disk, a lock and a missing folder."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from yishi.cli import main
from yishi.domain import commands as c
from yishi.domain.errors import Refusal
from yishi.engine import Engine
from yishi.rulesets.problems import RuleSetError
from yishi.rulesets.registry import find
from yishi.scenario import load_scenario, run_scenario
from yishi.store.memory import MemoryStore
from yishi.store.sqlite import SQLiteStore
from yishi.store.verify import verify_sqlite

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

HEADER = """schema_version = 1
title = "t"
ruleset = "siyi_liang_gongkai"
{top}
[community]
name = "c"

[[community.people]]
id = "p1"
name = "甲"
born = {born}

[[community.bodies]]
id = "party_branch_committee"
by_role = {{ secretary = ["p1"] }}
{community}
[[actions]]
at = 2026-03-02T09:00:00
actor = "p1"
do = "propose"
matter = "m1"
title = "事项"
{action}"""


def _write(tmp_path: Path, *, born="1970-01-01", top="", community="", action="") -> Path:
    path = tmp_path / "s.toml"
    text = HEADER.format(born=born, top=top, community=community, action=action)
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list:
    with pytest.raises(RuleSetError) as info:
        load_scenario(path)
    return list(info.value.problems)


def _one(path: Path, key: str):
    found = [p for p in _problems(path) if p.path == key]
    assert found, [(p.path, p.code) for p in _problems(path)]
    assert found[0].file == str(path) and found[0].line is not None
    return found[0]


# -- 1. types -------------------------------------------------------------------


def test_a_datetime_where_a_date_belongs_is_refused_with_its_line(tmp_path):
    path = _write(tmp_path, born="1981-01-01T08:00:00")
    problem = _one(path, "community.people[0].born")
    assert problem.code == "wrong_type" and problem.line == 11
    assert "1981-01-01" in problem.message("en")


@pytest.mark.parametrize(
    ("where", "value", "key"),
    [
        ("born", "1981-01-01T08:00:00+08:00", "community.people[0].born"),
        ("born", "08:00:00", "community.people[0].born"),
        ("born", "1800-01-01", "community.people[0].born"),
        ("top", "until = 9999-12-31", "until"),
        ("top", "until = 2026-03-02T09:00:00Z", "until"),
        (
            "action",
            'note = "x"\n[[actions]]\nat = 9999-12-31\nactor = "p1"\ndo = "tick"\n',
            "actions[1].at",
        ),
    ],
)
def test_dates_out_of_kind_or_range_are_refused(tmp_path, where, value, key):
    kwargs = {"born": value} if where == "born" else {where: value}
    _one(_write(tmp_path, **kwargs), key)


def test_an_event_that_cannot_be_read_back_is_refused_before_it_is_written(tmp_path):
    """The last line of defence behind the loader: the Python API gets a Refusal,
    and the log stays empty (and openable) instead of holding an unreadable record."""
    store = SQLiteStore(tmp_path / "yishi.db")
    engine = Engine(store, find("siyi_liang_gongkai"))
    setup = c.SetUpCommunity(
        actor="system",
        people=(c.PersonSpec(id="a", name="甲", born=dt.datetime(1981, 1, 1, 8)),),  # type: ignore[arg-type]
    )
    with pytest.raises(Refusal) as info:
        engine.execute(setup, dt.datetime(2026, 3, 1))
    assert info.value.code == "unrecordable"
    assert store.head().size == 0
    store.close()
    assert verify_sqlite(tmp_path / "yishi.db").ok


def test_a_crash_in_the_middle_of_a_run_leaves_a_log_verify_accepts(tmp_path, monkeypatch):
    import yishi.engine as engine_module

    scenario = load_scenario(EXAMPLES / "01_land_lease_passes.toml")
    real = engine_module.evolve

    def crash_at_the_first_verdict(state, event):
        # Half-way through the run, after many commands have been committed; the
        # crashing command's own transaction is rolled back (the fold happens
        # before its commit), everything before it stays.
        if type(event).__name__ == "MeetingClosed":
            raise TypeError("a crash half-way through a run")
        return real(state, event)

    monkeypatch.setattr(engine_module, "evolve", crash_at_the_first_verdict)
    db = tmp_path / "yishi.db"
    store = SQLiteStore(db)
    with pytest.raises(TypeError):
        run_scenario(scenario, store=store)
    store.close()
    monkeypatch.setattr(engine_module, "evolve", real)
    report = verify_sqlite(db)
    assert report.ok and report.records >= 40  # the community and the first meeting's records
    reopened = Engine(SQLiteStore(db), find("siyi_liang_gongkai"))  # opens and folds it all
    assert reopened.position == report.records
    reopened.store.close()


# -- 4. limits --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("community", "key"),
    [
        (
            '[[community.generate]]\nprefix = "v"\nhouseholds = 10000000\nadults_per_household = 2\n',
            "community.generate[0].households",
        ),
        (
            '[[community.generate]]\nprefix = "v"\nhouseholds = 2\nadults_per_household = 1000000000000000000\n',
            "community.generate[0].adults_per_household",
        ),
        (
            '[[community.generate]]\nprefix = "v"\nhouseholds = 5000\nadults_per_household = 30\n',
            "community.generate[0]",
        ),
        (
            '[[community.bodies]]\nid = "villagers_assembly"\nmembers = ["v001..v99999999"]\n',
            "community.bodies[1].members[0]",
        ),
    ],
)
def test_counts_and_ranges_have_limits(tmp_path, community, key):
    started = time.monotonic()
    problem = _one(_write(tmp_path, community=community), key)
    assert problem.code == "bad_value"
    assert time.monotonic() - started < 5  # refused, not spun through


def test_a_scenario_spanning_centuries_is_refused(tmp_path):
    _one(_write(tmp_path, top="until = 2150-01-01"), "until")


def test_unknown_scenario_schema_version_is_refused(tmp_path):
    path = _write(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8").replace("schema_version = 1", "schema_version = 2"),
        encoding="utf-8",
    )
    assert _one(path, "schema_version").code == "bad_value"


def test_a_period_of_three_million_days_fails_check_not_publish(tmp_path):
    source = (Path(find("siyi_liang_gongkai").source)).read_text(encoding="utf-8")
    assert "disclosure_days" in source
    bad = tmp_path / "r.toml"
    lines = [
        ("disclosure_days = 3000000" if line.strip().startswith("disclosure_days") else line)
        for line in source.splitlines()
    ]
    bad.write_text("\n".join(lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(bad), "--lang", "en"])
    assert result.exit_code == 1
    assert "disclosure_days" in result.output and "<= 3660" in result.output


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_special_files_are_refused_without_reading_them(tmp_path, special):
    if special == "fifo":
        special = str(tmp_path / "pipe.toml")
        os.mkfifo(special)
    started = time.monotonic()
    result = CliRunner().invoke(main, ["check", special])
    assert result.exit_code == 1 and "不是普通文件" in result.output
    scenario = _write(tmp_path)
    scenario.write_text(
        scenario.read_text(encoding="utf-8").replace('"siyi_liang_gongkai"', f'"{special}"'),
        encoding="utf-8",
    )
    loaded = load_scenario(scenario)
    with pytest.raises(RuleSetError):
        run_scenario(loaded)
    with pytest.raises(RuleSetError):
        load_scenario(special)
    assert time.monotonic() - started < 5


def test_a_large_file_is_refused_by_its_size(tmp_path):
    from yishi.rulesets.reading import read_limited

    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * 2000)
    assert read_limited(big, limit=2000) == b"#" * 2000
    with pytest.raises(RuleSetError) as info:
        read_limited(big, limit=1999)
    assert "1999" in info.value.problems[0].detail


@pytest.mark.parametrize(
    "key, path", [("community_file", "yiyi_village.toml"), ("ruleset", "yishi_yiyi")]
)
def test_a_path_with_a_nul_character_is_refused_with_its_key(tmp_path, key, path):
    """A NUL written as \\u0000 in a path read from a file (found by the mutation
    campaign): a located message, not ValueError from os.open."""
    scenario = tmp_path / "s.toml"
    (tmp_path / "yiyi_village.toml").write_bytes((EXAMPLES / "yiyi_village.toml").read_bytes())
    text = (EXAMPLES / "32_yiyi_petition_canvass_township.toml").read_text(encoding="utf-8")
    scenario.write_text(
        text.replace(f'{key} = "{path}"', f'{key} = "a\\u0000b.toml"'), encoding="utf-8"
    )
    for lang, words in (("zh", "空字符"), ("en", "NUL character")):
        result = CliRunner().invoke(main, ["run", "--lang", lang, str(scenario)])
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert words in result.output and "a\\0b.toml" in result.output
    from yishi.rulesets.reading import read_limited

    with pytest.raises(RuleSetError):
        read_limited(tmp_path / "a\x00b.toml")


# -- 5. files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../outside.jpg", "/etc/hostname", "link.jpg", "sub/../../outside.jpg", "folder"]
)
def test_evidence_paths_stay_in_the_scenario_folder(tmp_path, name):
    inner = tmp_path / "case"
    inner.mkdir()
    (tmp_path / "outside.jpg").write_bytes(b"photo")
    (inner / "link.jpg").symlink_to(tmp_path / "outside.jpg")
    (inner / "folder").mkdir()
    path = _write(inner, action=f'evidence = ["{name}"]\n')
    problem = _one(path, "actions[0].evidence[0]")
    assert problem.code == "unreadable"


def test_an_evidence_link_inside_the_folder_is_fine(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(b"photo")
    (tmp_path / "same.jpg").symlink_to(tmp_path / "photos" / "a.jpg")
    load_scenario(_write(tmp_path, action='evidence = ["same.jpg", "photos/a.jpg"]\n'))


def test_orphan_temporary_files_in_evidence_are_cleaned(tmp_path):
    from yishi.store.evidence import EvidenceStore, describe

    store = EvidenceStore(tmp_path / "evidence")
    bucket = store.path(describe(b"photo", "a.jpg").sha256).parent
    bucket.mkdir(parents=True)
    old, fresh = bucket / ".tmp-old", bucket / ".tmp-fresh"
    old.write_bytes(b"half")
    fresh.write_bytes(b"being written by another process")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    store.put_bytes(b"photo", "a.jpg")
    assert not old.exists() and fresh.exists()


def test_run_into_a_missing_folder_creates_it(tmp_path):
    db = tmp_path / "new" / "deeper" / "yishi.db"
    result = CliRunner().invoke(
        main, ["run", str(EXAMPLES / "01_land_lease_passes.toml"), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    assert verify_sqlite(db).ok


def test_run_into_a_folder_that_cannot_be_made_explains(tmp_path):
    (tmp_path / "file").write_text("x")
    db = tmp_path / "file" / "yishi.db"
    result = CliRunner().invoke(
        main, ["run", str(EXAMPLES / "01_land_lease_passes.toml"), "--db", str(db), "--lang", "en"]
    )
    assert result.exit_code == 2 and "cannot create the folder" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_full_disk_gives_a_message_and_leaves_no_database(tmp_path, monkeypatch):
    """Injected: SQLite's own error for a full disk, half-way through the run."""
    real = SQLiteStore.write
    calls = {"n": 0}

    def write(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 10:
            raise sqlite3.OperationalError("database or disk is full")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SQLiteStore, "write", write)
    db = tmp_path / "out" / "yishi.db"
    result = CliRunner().invoke(
        main, ["run", str(EXAMPLES / "01_land_lease_passes.toml"), "--db", str(db)]
    )
    assert result.exit_code == 3, result.output
    assert "磁盘已满" in result.output and "Traceback" not in result.output
    assert not db.exists() and not (tmp_path / "out").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_a_real_full_disk(tmp_path):
    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(small)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        db = small / "log" / "yishi.db"
        result = CliRunner().invoke(
            main,
            ["run", str(EXAMPLES / "01_land_lease_passes.toml"), "--db", str(db), "--lang", "en"],
        )
        assert result.exit_code == 3, result.output
        assert "the disk is full" in result.output
        assert list(small.iterdir()) == []
    finally:
        subprocess.run(["umount", str(small)], check=False)


def test_a_locked_log_is_reported_as_locked(tmp_path):
    db = tmp_path / "yishi.db"
    CliRunner().invoke(main, ["run", str(EXAMPLES / "01_land_lease_passes.toml"), "--db", str(db)])
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = CliRunner().invoke(main, ["verify", "--db", str(db), "--lang", "en"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 2, result.output
    assert "locked by another program" in result.output
    assert "damaged" not in result.output and "not a yishi log" not in result.output


def test_busy_carries_a_retry_hint():
    refusal = Refusal("busy", attempts=8, retry_after=1)
    assert refusal.retry_after == 1.0 and refusal.as_dict()["retry_after"] == 1.0
    assert Refusal("already_voted", person="x").retry_after is None


def test_unknown_memory_store_stays_usable():
    assert MemoryStore().head().size == 0


def test_a_log_of_an_unknown_layout_is_refused_not_misread(tmp_path):
    from yishi.store.verify import NEWEST_LAYOUT

    db = tmp_path / "yishi.db"
    CliRunner().invoke(main, ["run", str(EXAMPLES / "01_land_lease_passes.toml"), "--db", str(db)])
    con = sqlite3.connect(db)
    con.execute(f"PRAGMA user_version = {NEWEST_LAYOUT + 7}")
    con.commit()
    con.close()
    result = CliRunner().invoke(main, ["verify", "--db", str(db), "--lang", "en"])
    assert result.exit_code == 2 and "newer yishi" in result.output


def _demo(folder: Path) -> object:
    return CliRunner().invoke(main, ["demo", "--dir", str(folder), "--lang", "en"])


def test_demo_never_deletes_a_file_it_did_not_write(tmp_path):
    folder = tmp_path / "demo"
    assert _demo(folder).exit_code == 0
    assert _demo(folder).exit_code == 0  # its own output, unchanged: replaced
    notice = sorted(folder.glob("公示-*.md"))[0]
    notice.write_text(notice.read_text(encoding="utf-8") + "\n手写的补充说明\n", encoding="utf-8")
    again = _demo(folder)
    assert again.exit_code == 1 and notice.name in again.output
    assert notice.read_text(encoding="utf-8").endswith("手写的补充说明\n")  # kept as it is


def test_demo_never_replaces_a_real_log(tmp_path):
    folder = tmp_path / "demo"
    assert _demo(folder).exit_code == 0
    real = tmp_path / "real.db"
    CliRunner().invoke(
        main, ["run", str(EXAMPLES / "01_land_lease_passes.toml"), "--db", str(real)]
    )
    (folder / "yishi.db").unlink()
    (folder / "yishi.db").write_bytes(real.read_bytes())  # a real log put where the demo's was
    head = verify_sqlite(folder / "yishi.db").head
    refused = _demo(folder)
    assert refused.exit_code == 1 and "yishi.db" in refused.output
    assert verify_sqlite(folder / "yishi.db").head == head


def test_demo_keeps_its_own_log_once_records_were_added(tmp_path):
    folder = tmp_path / "demo"
    assert _demo(folder).exit_code == 0
    from yishi.demo.run import log_head

    con = sqlite3.connect(folder / "yishi.db")
    last = con.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    con.close()
    assert log_head(folder / "yishi.db")[1] == last[1]
    # Someone uses the demo's log for real: one more record, correctly chained.
    from yishi.store.chain import canonical, record_hash

    con = sqlite3.connect(folder / "yishi.db")
    payload = canonical(
        {
            "type": "MatterClosed",
            "at": "2027-01-02T09:00:00",
            "actor": "p01",
            "on_behalf_of": None,
            "matter": "x",
            "status": "abandoned",
            "reason": "",
            "reason_en": "",
        }
    )
    digest = record_hash(last[0] + 1, "matter-x", 1, last[1], None, payload)
    con.execute(
        "INSERT INTO events (seq, stream, version, type, payload, command, prev, hash)"
        " VALUES (?, 'matter-x', 1, 'MatterClosed', ?, NULL, ?, ?)",
        (last[0] + 1, payload, last[1], digest),
    )
    con.commit()
    con.close()
    refused = _demo(folder)
    assert refused.exit_code == 1 and "yishi.db" in refused.output
    assert log_head(folder / "yishi.db")[1] == digest


def test_many_ranges_together_have_a_limit(tmp_path):
    ranges = ", ".join(f'"{chr(97 + n)}1..{chr(97 + n)}99999"' for n in range(4))
    community = f'[[community.bodies]]\nid = "villagers_assembly"\nmembers = [{ranges}]\n'
    problems = _problems(_write(tmp_path, community=community))
    assert [p.code for p in problems if p.path.startswith("community.bodies[1].members[")] == [
        "bad_value"
    ]


def test_an_oversized_range_in_a_valid_action_is_never_expanded(tmp_path):
    """Found by the fuzz: the range was reported, then expanded anyway while the
    otherwise valid action was turned into steps (100 million ids: out of memory)."""
    action = '\n[[actions]]\nat = 2026-03-02T10:00:00\nactor = "p1"\ndo = "check_in"\nmeeting = "x"\npeople = ["v001..v99999999"]\n'
    started = time.monotonic()
    problem = _one(_write(tmp_path, action=action), "actions[1].people[0]")
    assert problem.code == "bad_value" and time.monotonic() - started < 5


def test_the_engine_says_busy_with_a_retry_hint_and_writes_nothing(monkeypatch):
    from yishi.store.base import ConcurrencyError

    class AppendOnly:
        """A store with no write transaction (as a plugin backend may be): the
        engine appends optimistically and retries, and can run out of tries."""

        def __init__(self) -> None:
            self.inner = MemoryStore()

        def __getattr__(self, name: str):
            if name in ("begin_write", "write", "commit_write", "rollback_write"):
                raise AttributeError(name)
            return getattr(self.inner, name)

        def append(self, *args, **kwargs):
            raise ConcurrencyError("another writer moved the stream on")

    store = AppendOnly()
    engine = Engine(store, find("siyi_liang_gongkai"))
    with pytest.raises(Refusal) as info:
        engine.execute(
            c.SetUpCommunity(actor="system", people=(c.PersonSpec(id="a", name="甲"),)),
            dt.datetime(2026, 3, 1),
            key="k1",
        )
    assert info.value.code == "busy" and info.value.retry_after == 1.0
    assert "try again" in info.value.message("en")
    assert store.head().size == 0
