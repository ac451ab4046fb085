"""Which group robot hears about which community: a TOML file, secrets from the environment.

::

    # yishi-wecom.toml
    [communities.gaojia]                 # the community id (PostgreSQL), or any name
    db = "gaojia/yishi.db"               # for a SQLite log: the file it is kept in
    robot = "wecom"                      # wecom (企业微信) or dingtalk (钉钉)
    url_env = "GAOJIA_WECOM_URL"         # the variable holding the webhook URL
    format = "markdown"                  # markdown or text
    events = ["meeting_convened", "posting_started", "objection_received",
              "reply_due", "task_overdue"]
    remind_days = 1                      # reply_due: remind this many days ahead
    execution_days = 30                  # task_overdue: an execution open this long
    mention_mobiles = []                 # @ these phone numbers (text messages)

    [communities.shenjia]
    robot = "dingtalk"
    url_env = "SHENJIA_DINGTALK_URL"
    secret_env = "SHENJIA_DINGTALK_SECRET"   # 加签 secret (SEC…), if the robot uses it

The webhook URL carries the robot's key, so it is a secret: it never goes in
the file, only the name of the variable that holds it. The file is found at
``$YISHI_WECOM_CONFIG``, else ``yishi-wecom.toml`` in the working directory.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

EVENTS = (
    "meeting_convened",
    "posting_started",
    "objection_received",
    "reply_due",
    "task_overdue",
)
ROBOTS = ("wecom", "dingtalk")
FORMATS = ("markdown", "text")
DEFAULT_FILE = "yishi-wecom.toml"


class ConfigError(Exception):
    """A problem in the file, naming the file and the key, in Chinese and English."""

    def __init__(self, path: Path, key: str, zh: str, en: str) -> None:
        super().__init__(f"{path}: {key}: {en}")
        self.path, self.key, self.zh, self.en = path, key, zh, en

    def render(self, lang: str = "zh") -> str:
        return f"{self.path}：{self.key}：{self.zh}" if lang != "en" else str(self)


@attrs.frozen
class Robot:
    community: str
    robot: str
    url: str = attrs.field(repr=False)  # holds the key: never printed
    secret: str = attrs.field(default="", repr=False)
    format: str = "markdown"
    events: frozenset[str] = frozenset(EVENTS)
    remind_days: int = 1
    execution_days: int = 30
    mention_mobiles: tuple[str, ...] = ()
    db: Path | None = None


def config_path() -> Path:
    return Path(os.environ.get("YISHI_WECOM_CONFIG", DEFAULT_FILE))


def load(path: Path, environ: Mapping[str, str] | None = None) -> dict[str, Robot]:
    """The robots of the file by community; every problem raises :class:`ConfigError`."""
    env = os.environ if environ is None else environ
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(path, "-", f"无法读取：{exc}", f"cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "-", f"不是有效的 TOML：{exc}", f"not valid TOML: {exc}") from None
    communities = data.get("communities")
    if not isinstance(communities, dict) or not communities:
        raise ConfigError(
            path, "communities", "至少要有一个 [communities.<社区>] 表", "needs [communities.<id>]"
        )
    return {name: _robot(path, name, table, env) for name, table in communities.items()}


def _robot(path: Path, name: str, table: Any, env: Mapping[str, str]) -> Robot:
    where = f"communities.{name}"
    if not isinstance(table, dict):
        raise ConfigError(path, where, "应为表", "must be a table")
    known = {
        "db", "robot", "url_env", "secret_env", "format", "events",
        "remind_days", "execution_days", "mention_mobiles",
    }  # fmt: skip
    for key in table:
        if key not in known:
            raise ConfigError(
                path,
                f"{where}.{key}",
                "未知的键",
                f"unknown key (known: {', '.join(sorted(known))})",
            )

    def choice(key: str, options: tuple[str, ...], default: str | None = None) -> str:
        value = table.get(key, default)
        if value not in options:
            raise ConfigError(
                path,
                f"{where}.{key}",
                f"应为 {' 或 '.join(options)}，实际为 {value!r}",
                f"must be one of {', '.join(options)}, not {value!r}",
            )
        return str(value)

    def secret(key: str, required: bool) -> str:
        variable = table.get(key)
        if variable is None and not required:
            return ""
        if not isinstance(variable, str) or not variable:
            raise ConfigError(
                path, f"{where}.{key}", "应为环境变量名", "must name an environment variable"
            )
        value = env.get(variable, "")
        if not value:
            raise ConfigError(
                path,
                f"{where}.{key}",
                f"环境变量 {variable} 未设置",
                f"the environment variable {variable} is not set",
            )
        return value

    def days(key: str, default: int) -> int:
        value = table.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(
                path,
                f"{where}.{key}",
                f"应为非负整数，实际为 {value!r}",
                "must be a whole number ≥ 0",
            )
        return value

    robot = choice("robot", ROBOTS)
    events = table.get("events", list(EVENTS))
    if not isinstance(events, list) or any(e not in EVENTS for e in events):
        raise ConfigError(
            path,
            f"{where}.events",
            f"应为以下事件的列表：{'、'.join(EVENTS)}",
            f"must be a list of: {', '.join(EVENTS)}",
        )
    mobiles = table.get("mention_mobiles", [])
    if not isinstance(mobiles, list) or not all(isinstance(m, str) for m in mobiles):
        raise ConfigError(
            path, f"{where}.mention_mobiles", "应为手机号字符串的列表", "must be a list of strings"
        )
    db = table.get("db")
    if db is not None and not isinstance(db, str):
        raise ConfigError(path, f"{where}.db", "应为文件路径", "must be a file path")
    return Robot(
        community=name,
        robot=robot,
        url=secret("url_env", True),
        secret=secret("secret_env", False),
        format=choice("format", FORMATS, "markdown"),
        events=frozenset(events),
        remind_days=days("remind_days", 1),
        execution_days=days("execution_days", 30),
        mention_mobiles=tuple(mobiles),
        db=(path.parent / db).resolve() if db else None,
    )


def robot_for(robots: Mapping[str, Robot], store: Any) -> Robot | None:
    """The robot of the community whose log ``store`` is: by PostgreSQL community
    id, else by the SQLite file named in ``db``."""
    community = getattr(store, "community", None)
    if community is not None and community in robots:
        return robots[community]
    path = getattr(store, "path", None)
    if path is not None:
        for robot in robots.values():
            if robot.db is not None and robot.db == Path(path).resolve():
                return robot
    return None
