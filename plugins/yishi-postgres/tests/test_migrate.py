"""`yishi migrate`: the demo's log to PostgreSQL and back, verified on both sides;
the PostgreSQL store found only through the entry point."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from yishi.cli import loaded_plugins, main
from yishi.demo import run_demo
from yishi.store.sqlite import SQLiteStore


def url(pg: str, community: str) -> str:
    params = psycopg.conninfo.conninfo_to_dict(pg)
    return (
        f"postgresql://{params.get('host', 'localhost')}/{params['dbname']}?community={community}"
    )


@pytest.fixture(scope="module")
def demo_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("demo")
    run_demo(directory)
    return directory / "yishi.db"


def yishi(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def head(path: Path) -> str:
    with SQLiteStore(path) as store:
        h = store.head()
    return f"{h.size}:{h.hash}"


def test_the_plugin_is_found_through_its_entry_point() -> None:
    plugins = loaded_plugins()  # the CLI scans entry points on first use
    assert plugins is not None
    assert "postgres" in plugins.store_backends
    assert plugins.store_backends.owner("postgres") == "postgres"
    _, out = yishi("plugins")
    assert "postgres\t0.2.0\tyishi_register_store_backends" in out


def test_the_demo_log_goes_to_postgresql_and_back_unchanged(
    pg: str, community: str, demo_log: Path, tmp_path: Path
) -> None:
    target = url(pg, community)
    code, out = yishi("migrate", str(demo_log), target)
    assert code == 0, out
    assert head(demo_log) in out
    code, out = yishi("verify", "--db", target)
    assert code == 0, out
    assert f"链头：{head(demo_log)}" in out
    assert "附件 4 个" in out

    back = tmp_path / "back.db"
    code, out = yishi("migrate", target, str(back), "--lang", "en")
    assert code == 0, out
    assert "Both sides verify" in out
    code, out = yishi("verify", "--db", str(back))
    assert code == 0, out
    assert head(back) == head(demo_log)
    rows = "SELECT seq, stream, version, type, payload, command, prev, hash FROM events"
    facts = "SELECT seq, key FROM facts ORDER BY seq, key"
    with sqlite3.connect(demo_log) as a, sqlite3.connect(back) as b:
        assert a.execute(rows).fetchall() == b.execute(rows).fetchall()
        commands = "SELECT * FROM commands ORDER BY key"
        assert a.execute(commands).fetchall() == b.execute(commands).fetchall()
        stated = a.execute(facts).fetchall()
        assert stated and stated == b.execute(facts).fetchall()
    with psycopg.connect(pg) as db:
        kept = db.execute(
            'SELECT seq, key FROM yishi_facts WHERE community = %s ORDER BY seq, key COLLATE "C"',
            (community,),
        ).fetchall()
    assert kept == stated
    evidence = sorted(p.name for p in (demo_log.parent / "evidence").rglob("*") if p.is_file())
    assert evidence and evidence == sorted(
        p.name for p in (tmp_path / "evidence").rglob("*") if p.is_file()
    )


def test_a_target_that_holds_records_is_refused(pg: str, community: str, demo_log: Path) -> None:
    target = url(pg, community)
    assert yishi("migrate", str(demo_log), target)[0] == 0
    code, out = yishi("migrate", str(demo_log), target)
    assert code == 1
    assert "目标处已有" in out


def test_a_damaged_source_is_refused_and_nothing_is_copied(
    pg: str, community: str, demo_log: Path, tmp_path: Path
) -> None:
    damaged = tmp_path / "yishi.db"
    damaged.write_bytes(demo_log.read_bytes())
    with sqlite3.connect(damaged) as db:
        db.execute("UPDATE events SET payload = replace(payload, '同意', '反对') WHERE seq = 700")
    code, out = yishi("migrate", str(damaged), url(pg, community))
    assert code == 1
    assert "源记录核验未通过" in out
    code, out = yishi("verify", "--db", url(pg, community))
    assert code == 2  # nothing was ever recorded there


def test_verifying_or_migrating_a_community_never_written_names_it_and_creates_nothing(
    pg: str, community: str, tmp_path: Path
) -> None:
    code, out = yishi("verify", "--db", url(pg, community))
    assert code == 2 and "找不到记录" in out
    code, out = yishi("migrate", url(pg, community), str(tmp_path / "x.db"))
    assert code == 2
    assert not (tmp_path / "x.db").exists()
    with psycopg.connect(pg) as db:
        row = db.execute("SELECT 1 FROM yishi_communities WHERE community = %s", (community,))
        assert row.fetchone() is None
