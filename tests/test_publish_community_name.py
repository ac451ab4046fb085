"""The community's name is in its log (CommunityNamed, from the scenario's
[community] table or the demo), so notices, the board and ``yishi publish``
print it without ``--community``, which still overrides. A log kept before
the record existed verifies with its old head and prints 本社区."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLES
from yishi.cli import main
from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.errors import Refusal
from yishi.log import open_engine
from yishi.store.sqlite import SQLiteStore
from yishi.store.verify import verify_sqlite

OLD = Path(__file__).parent / "data" / "layout0.db"  # written before CommunityNamed (test_layout)
OLD_HEAD = "30e64794436c03ed5a0d6b58cc11f1d6fe976c2ab7d6a42f951584bd265909cb"


@pytest.fixture(scope="module")
def named_log(tmp_path_factory):
    db = tmp_path_factory.mktemp("log") / "yishi.db"
    result = CliRunner().invoke(
        main, ["run", str(EXAMPLES / "04_objection_during_disclosure.toml"), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    return db


def _publish(db: Path, out: Path, *extra: str) -> tuple[str, str]:
    """The board's index page and the first printed notice's page, as written."""
    args = ["publish", "--db", str(db), "--to", str(out), "--no-pdf", *extra]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    index = (out / "index.html").read_text(encoding="utf-8")
    printed = sorted((out / "print").glob("*-A4.html"))[0].read_text(encoding="utf-8")
    return index, printed


def test_a_new_log_records_the_name_and_its_notices_print_it(named_log, tmp_path):
    with SQLiteStore(named_log) as store:
        named = [r.event for r in store.read_all() if isinstance(r.event, ev.CommunityNamed)]
    assert [(e.name, e.township, e.county) for e in named] == [("古槐村", "", "")]
    index, printed = _publish(named_log, tmp_path / "board")
    assert "<h1>古槐村 · 公开栏</h1>" in index and "本社区" not in index
    assert '<span class="community">古槐村</span>' in printed and "本社区" not in printed
    english, _ = _publish(named_log, tmp_path / "en", "--lang", "en")
    assert "古槐村" in english


def test_community_still_overrides_the_recorded_name(named_log, tmp_path):
    index, printed = _publish(named_log, tmp_path / "board", "--community", "古槐村村民委员会")
    assert "<h1>古槐村村民委员会 · 公开栏</h1>" in index
    assert '<span class="community">古槐村村民委员会</span>' in printed


def test_an_old_log_verifies_as_before_and_prints_this_community(tmp_path):
    db = tmp_path / "yishi.db"
    shutil.copyfile(OLD, db)
    report = verify_sqlite(db)
    assert report.ok and report.head.hash == OLD_HEAD
    engine = open_engine(db)
    try:
        assert engine.head_hash == OLD_HEAD and engine.state.community_name == ""
    finally:
        engine.store.close()
    index, printed = _publish(db, tmp_path / "board")
    assert "<h1>本社区 · 公开栏</h1>" in index
    assert '<span class="community">本社区</span>' in printed
    assert verify_sqlite(db).head.hash == OLD_HEAD  # publishing wrote nothing


def test_the_name_is_recorded_once_and_only_when_it_changes(tmp_path):
    from yishi import Engine, FixedClock, SQLiteStore, find

    engine = Engine(
        SQLiteStore(tmp_path / "y.db"),
        find("siyi_liang_gongkai"),
        clock=FixedClock(dt.datetime(2026, 3, 1)),
    )
    engine.execute(cmd.SetUpCommunity(actor="system", name="柳湾村", township="青石镇"))
    engine.execute(cmd.SetUpCommunity(actor="system", name="柳湾村"))  # the same: nothing new
    engine.execute(cmd.SetUpCommunity(actor="system", county="石门县"))  # adds the county
    names = [r.event for r in engine.store.read_all() if isinstance(r.event, ev.CommunityNamed)]
    assert [(e.name, e.township, e.county) for e in names] == [
        ("柳湾村", "青石镇", ""),
        ("柳湾村", "青石镇", "石门县"),
    ]
    state = engine.state
    assert (state.community_name, state.township, state.county) == ("柳湾村", "青石镇", "石门县")
    engine.store.close()


def test_a_township_without_a_community_name_is_refused(tmp_path):
    from yishi import Engine, FixedClock, SQLiteStore, find

    engine = Engine(
        SQLiteStore(tmp_path / "y.db"),
        find("siyi_liang_gongkai"),
        clock=FixedClock(dt.datetime(2026, 3, 1)),
    )
    with pytest.raises(Refusal) as refused:
        engine.execute(cmd.SetUpCommunity(actor="system", township="青石镇"))
    assert refused.value.code == "community_name_missing"
    assert "名称" in refused.value.message("zh") and "name" in refused.value.message("en")
    assert engine.position == 0
    engine.store.close()


def test_the_demo_records_its_village_and_township():
    from yishi.demo.village import generate_village

    setup = generate_village().setup_command()
    assert (setup.name, setup.township) == ("柳湾村", "青石镇")


def test_the_web_pages_show_the_recorded_name_unless_one_is_configured(tmp_path):
    from tests.web_fixtures import client, community_engine
    from yishi.web import create_app
    from yishi.web.access import AccessStore
    from yishi.web.config import Community, WebConfig

    engine = community_engine(tmp_path)  # examples/09: [community] name = "昌盛路社区"
    access = AccessStore(tmp_path / "access.db")

    def home(name: str) -> str:
        config = WebConfig(
            communities={"main": Community(slug="main", engine=engine, name=name)}, access=access
        )
        return client(create_app({}, config=config)).get("/c/main/").text

    assert "<h1>昌盛路社区</h1>" in home("")
    assert "<h1>昌盛路社区居委会</h1>" in home("昌盛路社区居委会")
    engine.store.close()
