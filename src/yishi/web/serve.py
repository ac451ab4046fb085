"""The app ``yishi serve`` runs: built from the environment it set, so that uvicorn's
workers (separate processes) each open the log themselves."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from starlette.applications import Starlette

from yishi.log import open_engine
from yishi.progress import reading
from yishi.web.access import AccessStore
from yishi.web.app import create_app
from yishi.web.cli import access_path
from yishi.web.config import Community, WebConfig


def app_from_env() -> Starlette:
    from yishi.cli import loaded_plugins

    path = Path(os.environ["YISHI_WEB_DB"])
    slug = os.environ.get("YISHI_WEB_SLUG", "main")
    # One worker reads the log with a bar on the terminal; several would draw
    # theirs over each other on one line.
    with reading() as bar:
        alone = os.environ.get("YISHI_WEB_WORKERS", "1") == "1"
        engine = open_engine(path, plugins=loaded_plugins(), progress=bar if alone else None)
    community = Community(
        slug=slug,
        engine=engine,
        name=os.environ.get("YISHI_WEB_NAME", ""),
        frame_ancestors=tuple(os.environ.get("YISHI_WEB_FRAMES", "").split()),
    )
    secret = os.environ.get(os.environ.get("YISHI_WEB_SECRET_ENV", "YISHI_PORTAL_SECRET"))
    # shared by workers, so that a sign-in works on each of them
    key = os.environ.get("YISHI_SECRET_KEY") or secrets.token_urlsafe(32)
    config = WebConfig(
        communities={slug: community},
        access=AccessStore(access_path(path)),
        portal_secret=secret or None,
        cors_origins=tuple(os.environ.get("YISHI_WEB_CORS", "").split()),
        secret_key=key,
    )
    return create_app({}, config=config)
