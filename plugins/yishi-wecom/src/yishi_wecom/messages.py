"""What the work group reads: a notice per event, written for staff, in Chinese.

Names, not identifiers: a body is called by its name in the rule set, a
matter by its title, a person by their name. Objection texts stay in the
system (a work group is not the place for a resident's words); the notice
says who objected, to what, and by when the reply is due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs

from yishi.domain import events as ev
from yishi.domain.catalog import BUILTIN_CATALOG

WECOM_LIMITS = {"markdown": 4096, "text": 2048}  # bytes of content the robot accepts
DINGTALK_LIMIT = 20000


@attrs.frozen
class Message:
    event: str  # one of config.EVENTS
    title: str
    lines: tuple[str, ...]

    def text(self) -> str:
        return "\n".join((f"【{self.title}】", *self.lines))

    def markdown(self) -> str:
        return "\n".join((f"### {self.title}", *(f"> {line}" for line in self.lines)))


def day(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def messages(engine: Any, stored: Iterable[Any]) -> list[Message]:
    """The notices for a list of stored events (the ``yishi_events_appended`` argument)."""
    found = []
    for item in stored:
        made = _message(engine, item.event)
        if made is not None:
            found.append(made)
    return found


def _matter(engine: Any, matter: str) -> tuple[str, Any]:
    found = engine.state.matters.get(matter)
    if found is None:
        return "（未知事项）", None
    return found.title, engine.rulesets.get(found.procedure)


def _person(engine: Any, person: str) -> str:
    found = engine.state.people.get(person)
    return found.name if found is not None else "（未登记人员）"


def _message(engine: Any, event: ev.Event) -> Message | None:
    if isinstance(event, ev.MeetingConvened):
        title, ruleset = _matter(engine, event.matter)
        body = ruleset.bodies[event.body].name if ruleset and event.body in ruleset.bodies else ""
        catalog = engine.catalog or BUILTIN_CATALOG  # the hook's read-only engine view
        method = catalog.vote_methods.get(event.method)
        lines = [f"事项：{title}", f"会议：{body or '会议'}，{day(event.date)}"]
        if event.place:
            lines.append(f"地点：{event.place}")
        if method is not None:
            lines.append(f"表决方式：{method.label_zh}")
        return Message("meeting_convened", "会议召集", tuple(lines))
    if isinstance(event, ev.DisclosurePublished):
        title, _ = _matter(engine, event.matter)
        lines = [
            f"事项：{title}",
            f"公示：{event.title}",
            f"公示期：{day(event.posted_on)}至{day(event.until)}",
        ]
        if event.objections_until is not None:
            lines.append(f"异议截止：{day(event.objections_until)}")
        if event.channels:
            lines.append(f"公示渠道：{'、'.join(event.channels)}")
        return Message("posting_started", "公示开始", tuple(lines))
    if isinstance(event, ev.ObjectionRaised):
        title, _ = _matter(engine, event.matter)
        disclosure = engine.state.disclosures.get(event.disclosure)
        lines = [
            f"事项：{title}",
            f"异议人：{_person(engine, event.person)}",
            f"针对：{disclosure.title if disclosure is not None else '公示'}",
            f"答复期限：{day(event.reply_due)}前",
        ]
        return Message("objection_received", "收到异议", tuple(lines))
    if isinstance(event, ev.ObjectionEscalated):
        title, _ = _matter(engine, event.matter)
        return Message("task_overdue", "异议答复逾期", (f"事项：{title}", f"处理：{event.reason}"))
    return None


def reminders(engine: Any, today: dt.date, remind_days: int, execution_days: int) -> list[Message]:
    """What is due or overdue on ``today``: pending objection replies due within
    ``remind_days``, and executions open longer than ``execution_days``."""
    found = []
    for objection in engine.state.objections.values():
        left = (objection.reply_due - today).days
        if objection.pending and 0 <= left <= remind_days:
            disclosure = engine.state.disclosures.get(objection.disclosure)
            title, _ = _matter(engine, disclosure.matter if disclosure is not None else "")
            when = "今天" if left == 0 else f"还剩 {left} 天"
            found.append(
                Message(
                    "reply_due",
                    "异议答复将到期",
                    (
                        f"事项：{title}",
                        f"异议人：{_person(engine, objection.person)}",
                        f"答复期限：{day(objection.reply_due)}（{when}）",
                    ),
                )
            )
    for matter in engine.state.matters.values():
        ruleset = engine.rulesets.get(matter.procedure)
        if matter.status != "in_progress" or ruleset is None or not matter.history:
            continue
        stage = next((s for s in ruleset.stages if s.id == matter.stage), None)
        if stage is None or stage.kind.value != "execution":
            continue
        open_for = (today - matter.history[-1].entered_on).days
        if open_for > execution_days:
            found.append(
                Message(
                    "task_overdue",
                    "办理逾期",
                    (
                        f"事项：{matter.title}",
                        f"{stage.name}自{day(matter.history[-1].entered_on)}起已 {open_for} 天未办结",
                    ),
                )
            )
    return found


def payload(
    message: Message, robot: str, format: str, mobiles: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The JSON body of the robot's ``send`` call."""
    if robot == "wecom":
        if format == "markdown":
            return {"msgtype": "markdown", "markdown": {"content": _fit(message.markdown(), 4096)}}
        text: dict[str, Any] = {"content": _fit(message.text(), 2048)}
        if mobiles:
            text["mentioned_mobile_list"] = list(mobiles)
        return {"msgtype": "text", "text": text}
    at = {"atMobiles": list(mobiles), "isAtAll": False}
    if format == "markdown":
        body = message.markdown() + "".join(f" @{m}" for m in mobiles)
        return {
            "msgtype": "markdown",
            "markdown": {"title": message.title, "text": _fit(body, DINGTALK_LIMIT)},
            "at": at,
        }
    return {"msgtype": "text", "text": {"content": _fit(message.text(), DINGTALK_LIMIT)}, "at": at}


def _fit(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` UTF-8 bytes at a character boundary, marked with …"""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", errors="ignore") + "…"
