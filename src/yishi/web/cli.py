"""``yishi serve`` and ``yishi access``: the web application from the command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from yishi.web.access import AccessStore

from yishi.paths import default_db


def access_path(db: Path) -> Path:
    """The access store lives beside the log, never inside it (web/access.py says why)."""
    return db.with_name(db.name + ".access.db")


@click.command(
    help="启动网页服务（公开栏、居民页面、工作台、JSON 接口）。Serve the web application."
)
@click.option(
    "--db", type=click.Path(dir_okay=False, path_type=Path), default=None, help="记录文件"
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--community", "slug", default="main", show_default=True, help="网址中的社区标识 /c/<标识>/"
)
@click.option(
    "--name",
    default="",
    help="社区名称，默认用记录中的名称 / community name (default: the one the log records)",
)
@click.option(
    "--frame-ancestor",
    "frames",
    multiple=True,
    help="允许嵌入公开栏的门户来源，如 https://portal.example.cn",
)
@click.option("--cors-origin", "cors", multiple=True, help="允许调用接口的网页来源")
@click.option(
    "--portal-secret-env",
    default="YISHI_PORTAL_SECRET",
    show_default=True,
    help="门户签名密钥所在的环境变量",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=int,
    help="工作进程数：多个进程分担请求，写入记录时轮流进行",
)
def serve(
    db: Path | None,
    host: str,
    port: int,
    slug: str,
    name: str,
    frames: tuple[str, ...],
    cors: tuple[str, ...],
    portal_secret_env: str,
    workers: int,
) -> None:
    try:
        import uvicorn
    except ImportError:
        click.echo("需要安装网页组件：pip install 'yishi[web]'", err=True)
        sys.exit(2)
    path = db if db is not None else default_db()
    if not path.is_file():
        click.echo(f"找不到记录文件：{path}（先运行 yishi demo 或 yishi run --db）", err=True)
        sys.exit(2)
    os.environ["YISHI_WEB_DB"] = str(path)
    os.environ["YISHI_WEB_SLUG"] = slug
    os.environ["YISHI_WEB_NAME"] = name
    os.environ["YISHI_WEB_FRAMES"] = " ".join(frames)
    os.environ["YISHI_WEB_CORS"] = " ".join(cors)
    os.environ["YISHI_WEB_SECRET_ENV"] = portal_secret_env
    os.environ["YISHI_WEB_WORKERS"] = str(workers)
    # every worker must sign sessions with the same key, or a sign-in works on one only
    import secrets  # here, not at the top: ``yishi --help`` does without hmac and OpenSSL

    os.environ.setdefault("YISHI_SECRET_KEY", secrets.token_urlsafe(32))
    click.echo(f"http://{host}:{port}/c/{slug}/  ({path})")
    uvicorn.run(
        "yishi.web.serve:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )


@click.group(
    help="网页账号、令牌与角色（保存在记录文件旁的 .access.db）。Web accounts, tokens and roles."
)
def access() -> None:
    pass


DB = click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None)
COMMUNITY = click.option("--community", default="main", show_default=True)


def _store(db: Path | None) -> AccessStore:
    from yishi.web.access import AccessStore as Store

    return Store(access_path(db if db is not None else default_db()))


@access.command(help="授予角色 resident / staff / registrar")
@click.argument("actor")
@click.argument("role", type=click.Choice(["resident", "staff", "registrar"]))
@DB
@COMMUNITY
def grant(actor: str, role: str, db: Path | None, community: str) -> None:
    _store(db).grant(actor, community, role)
    click.echo(f"{actor}: {role} @ {community}")


@access.command(help="发放接口令牌（只显示这一次）")
@click.argument("actor")
@click.option("--label", default="")
@DB
def token(actor: str, label: str, db: Path | None) -> None:
    click.echo(_store(db).new_token(actor, label))


@access.command(help="设置工作台登录密码")
@click.argument("actor")
@DB
def password(actor: str, db: Path | None) -> None:
    import getpass

    secret = os.environ.get("YISHI_PASSWORD") or getpass.getpass("密码 / password: ")
    try:
        _store(db).set_password(actor, secret)
    except ValueError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo("ok")
