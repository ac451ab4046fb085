"""A 智慧云 community (rule set zhihui_yun) on a real SQLite log, served by the web app."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

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
    tmp: Path, plugins: PluginHost | None = None, start: dt.datetime = START
) -> Engine:
    """The 昌盛路社区 of examples/09_zhihui_yun.toml: its people and bodies, no matters yet."""
    scenario = load_scenario(ROOT / "examples" / "09_zhihui_yun.toml")
    engine = Engine(
        SQLiteStore(tmp / "yishi.db"),
        find("zhihui_yun"),
        plugins=plugins,
        clock=FixedClock(start),
    )
    engine.execute(scenario.setup)
    return engine


def make_app(
    tmp: Path, plugins: PluginHost | None = None, **options: Any
) -> tuple[Any, Engine, AccessStore]:
    engine = community_engine(tmp, plugins)
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


def client(app: Any) -> TestClient:
    return TestClient(app, base_url="http://testserver")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
