"""The web shell keeps its place: no procedure rule in it, every label worded, mountable
in a host application, and started by `yishi serve`."""

from __future__ import annotations

import ast
from pathlib import Path

from click.testing import CliRunner
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from tests.web_fixtures import community_engine
from yishi.cli import main
from yishi.web import create_app
from yishi.web.schema import COMMANDS, body_fields
from yishi.web.words import COMMANDS as COMMAND_WORDS
from yishi.web.words import FIELDS

SRC = Path(__file__).resolve().parents[1] / "src" / "yishi"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_nothing_below_the_shells_imports_the_web():
    for path in SRC.rglob("*.py"):
        if "web" in path.relative_to(SRC).parts or path.name == "cli.py":
            continue
        assert not any(m.startswith("yishi.web") for m in _imports(path)), path


def test_the_web_decides_nothing_itself():
    # the engine decides: the web never calls decide() or counts votes
    for path in (SRC / "web").rglob("*.py"):
        imported = _imports(path)
        for banned in (
            "yishi.domain.decide",
            "yishi.domain.counting",
            "yishi.domain.tally",
            "yishi.domain.meeting",
            "yishi.domain.convening",
            "yishi.domain.attendance",
            "yishi.domain.recusal",
        ):
            assert banned not in imported, f"{path.name} imports {banned}"


def test_every_field_and_command_has_words_in_both_languages():
    for name, cls in COMMANDS.items():
        assert name in COMMAND_WORDS and all(COMMAND_WORDS[name])
        for field in body_fields(cls):
            zh, en = FIELDS[field.name]
            assert zh and en and field.name not in zh, field.name


def test_mounted_inside_a_host_application(tmp_path):
    engine = community_engine(tmp_path)
    host = Starlette(routes=[Mount("/yishi", app=create_app(engine))])
    c = TestClient(host)
    r = c.get("/yishi/c/main/")
    assert r.status_code == 200 and 'href="/yishi/c/main/suggest"' in r.text
    assert c.get("/yishi/api/v1/c/main/board").json()["position"] == engine.position
    assert c.get("/yishi/c/main/board/index.html").status_code == 200


def test_yishi_serve_and_access_are_commands(tmp_path):
    runner = CliRunner()
    assert "--port" in runner.invoke(main, ["serve", "--help"]).output
    missing = runner.invoke(main, ["serve", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2 and "找不到记录文件" in missing.output
    db = tmp_path / "yishi.db"
    db.touch()
    assert runner.invoke(main, ["access", "grant", "k01", "staff", "--db", str(db)]).exit_code == 0
    token = runner.invoke(main, ["access", "token", "k01", "--db", str(db)]).output.strip()
    from yishi.web.access import AccessStore

    store = AccessStore(tmp_path / "yishi.db.access.db")
    assert store.actor_for_token(token) == "k01" and store.roles("k01", "main") == {"staff"}
