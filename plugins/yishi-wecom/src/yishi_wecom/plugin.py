"""The plugin yishi finds through the ``yishi`` entry point.

- ``yishi_events_appended``: a meeting convened, a posting started, an
  objection received, an objection reply gone overdue → a message to the
  community's group robot.
- ``yishi wecom-remind``: run daily (cron): replies falling due, executions
  overdue.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from yishi.hookspecs import hookimpl
from yishi_wecom import config
from yishi_wecom.messages import Message, messages, payload, reminders
from yishi_wecom.send import Sender

SENDER = Sender()


def _robots() -> dict[str, config.Robot]:
    path = config.config_path()
    if not path.is_file():
        return {}  # not configured: nothing to send, nothing to complain about
    return config.load(path)


def deliver(robot: config.Robot, found: list[Message], sender: Sender = SENDER) -> int:
    sent = 0
    for message in found:
        if message.event in robot.events:
            body = payload(message, robot.robot, robot.format, robot.mention_mobiles)
            sender.send(robot.robot, robot.url, body, robot.secret)
            sent += 1
    return sent


@hookimpl
def yishi_events_appended(engine: Any, events: list[Any]) -> None:
    # A broken file raises: the engine records the failure with this plugin's
    # name, and `yishi hooks --retry` sends once it is fixed.
    robot = config.robot_for(_robots(), engine.store)
    if robot is not None:
        deliver(robot, messages(engine, events))


@hookimpl
def yishi_register_commands(cli: click.Group) -> None:
    @cli.command(
        name="wecom-remind",
        help="向工作群推送到期提醒（异议答复将到期、办理逾期），宜每日定时运行。"
        "Send due and overdue reminders to the community's group robot.",
    )
    @click.option("--db", required=True, help="记录文件或存储位置 / the log")
    @click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None)
    def remind(db: str, today: dt.datetime | None) -> None:
        from yishi.log import open_engine

        try:
            robots = config.load(config.config_path())
        except config.ConfigError as exc:
            click.echo(exc.render(), err=True)
            sys.exit(1)
        engine = open_engine(Path(db))
        try:
            robot = config.robot_for(robots, engine.store)
            if robot is None:
                click.echo(f"{config.config_path()} 中没有 {db} 对应的社区", err=True)
                sys.exit(1)
            day = (today or dt.datetime.now()).date()
            sent = deliver(robot, reminders(engine, day, robot.remind_days, robot.execution_days))
        finally:
            engine.store.close()
        click.echo(f"已推送 {sent} 条提醒。")
