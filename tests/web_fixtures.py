"""A 智慧云 community (rule set zhihui_yun) on a real SQLite log, served by the web app."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
from starlette.testclient import TestClient

from yishi import Engine, FixedClock, SQLiteStore, find, load_scenario
from yishi.plugins.host import PluginHost
from yishi.web import create_app
from yishi.web.access import AccessStore
from yishi.web.config import Community, WebConfig

ROOT = Path(__file__).resolve().parents[1]
START = dt.datetime(2026, 9, 1, 8, 0)
SECRET = "portal-shared-secret-for-tests"
PASSWORD = "correct horse battery"


def community_engine(
    tmp: Path,
    plugins: PluginHost | None = None,
    start: dt.datetime = START,
    names: dict[str, str] | None = None,
) -> Engine:
    """The 昌盛路社区 of examples/09_zhihui_yun.toml: its people and bodies, no matters
    yet; ``names`` renames people and households by id (the example's generated
    residents have made-up names that may differ from what a test needs)."""
    scenario = load_scenario(ROOT / "examples" / "09_zhihui_yun.toml")
    setup = scenario.setup
    if names:
        setup = attrs.evolve(
            setup,
            people=tuple(attrs.evolve(p, name=names.get(p.id, p.name)) for p in setup.people),
            households=tuple(
                attrs.evolve(h, name=names.get(h.id, h.name)) for h in setup.households
            ),
        )
    engine = Engine(
        SQLiteStore(tmp / "yishi.db"),
        find("zhihui_yun"),
        plugins=plugins,
        clock=FixedClock(start),
    )
    engine.execute(setup)
    return engine


def make_app(
    tmp: Path,
    plugins: PluginHost | None = None,
    names: dict[str, str] | None = None,
    **options: Any,
) -> tuple[Any, Engine, AccessStore]:
    engine = community_engine(tmp, plugins, names=names)
    access = AccessStore(tmp / "yishi.db.access.db")
    for staff in ("k01", "k02"):
        access.grant(staff, "main", "staff")
        access.set_password(staff, PASSWORD)
    for resident in ("c003", "c011", "c001", "c002", "c004", "c005", "c006", "c007"):
        access.grant(resident, "main", "resident")
        access.set_password(resident, PASSWORD)
    access.grant("reg", "main", "registrar")
    config = WebConfig(
        communities={
            "main": Community(
                slug="main",
                engine=engine,
                name="昌盛路社区",
                frame_ancestors=options.pop("frames", ()),
            )
        },
        access=access,
        portal_secret=SECRET,
        **options,
    )
    return create_app({}, config=config), engine, access


# Residents as a community worker knows them: two of them share a name and are told
# apart by their homes. For the tests of the console's person fields.
NAMES = {
    "c001": "王秀英",
    "c002": "李建国",
    "c003": "王秀英",
    "c004": "张桂兰",
    "c005": "刘德明",
    "c006": "陈玉珍",
    "c030": "赵志强",
    "ch001": "幸福里3栋101",
    "ch002": "幸福里5栋202",
    "ch003": "幸福里6栋301",
    "ch015": "幸福里9栋102",
}


def client(app: Any) -> TestClient:
    return TestClient(app, base_url="http://testserver")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
