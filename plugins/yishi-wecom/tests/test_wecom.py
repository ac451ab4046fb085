"""Payloads, signing, rate limits and error answers, against a local robot."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from yishi.cli import loaded_plugins, main
from yishi.demo import run_demo
from yishi.domain import events as ev
from yishi.log import open_engine
from yishi_wecom import config, plugin
from yishi_wecom.messages import Message, messages, payload, reminders
from yishi_wecom.send import RobotError, Sender

WECOM_PATH = "/cgi-bin/webhook/send?key=test-key"
DING_PATH = "/robot/send?access_token=tok"
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def sender(clock: Clock) -> Sender:
    return Sender(clock=lambda: clock.now, wall_ms=lambda: 1_767_225_600_000, sleep=clock.sleep)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    directory = tmp_path_factory.mktemp("demo")
    run_demo(directory)
    engine = open_engine(directory / "yishi.db")
    yield engine, list(engine.store.read_all())
    engine.store.close()


def test_the_plugin_is_found_through_its_entry_point() -> None:
    plugins = loaded_plugins()  # the CLI scans entry points on first use
    assert plugins is not None
    names = [p.name for p in plugins.plugins()]
    assert "wecom" in names
    assert "wecom-remind" in main.commands


def test_the_demo_gives_a_notice_for_each_kind_of_event(demo: Any) -> None:
    engine, stored = demo
    found = messages(engine, stored)
    kinds = [m.event for m in found]
    convened = sum(isinstance(s.event, ev.MeetingConvened) for s in stored)
    assert kinds.count("meeting_convened") == convened
    assert kinds.count("posting_started") == 2
    assert kinds.count("objection_received") == 1
    text = "\n".join(m.text() for m in found)
    # Names, never identifiers.
    for internal in ("monitoring_committee", "representatives_assembly", "villagers_assembly"):
        assert internal not in text
    objection = next(m for m in found if m.event == "objection_received")
    assert any(line.startswith("答复期限：") for line in objection.lines)


def test_wecom_markdown_and_text_payloads(robot: Any, demo: Any) -> None:
    server, base = robot
    engine, stored = demo
    [first, *_] = messages(engine, stored)
    clock = Clock()
    sender(clock).send("wecom", base + WECOM_PATH, payload(first, "wecom", "markdown"))
    sender(clock).send(
        "wecom", base + WECOM_PATH, payload(first, "wecom", "text", ("13800000000",))
    )
    (path1, body1), (_, body2) = server.requests
    assert path1 == WECOM_PATH
    assert body1 == {"msgtype": "markdown", "markdown": {"content": first.markdown()}}
    assert body1["markdown"]["content"].startswith("### 会议召集\n> 事项：")
    assert body2 == {
        "msgtype": "text",
        "text": {"content": first.text(), "mentioned_mobile_list": ["13800000000"]},
    }


def test_dingtalk_payload_is_signed(robot: Any) -> None:
    server, base = robot
    message = Message("posting_started", "公示开始", ("事项：修路",))
    body = payload(message, "dingtalk", "markdown")
    sender(Clock()).send("dingtalk", base + DING_PATH, body, secret="SECabc")
    [(path, received)] = server.requests
    assert received == {
        "msgtype": "markdown",
        "markdown": {"title": "公示开始", "text": "### 公示开始\n> 事项：修路"},
        "at": {"atMobiles": [], "isAtAll": False},
    }
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    assert query["access_token"] == ["tok"]
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(b"SECabc", f"{timestamp}\nSECabc".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]


def test_a_long_notice_is_cut_to_what_the_robot_accepts() -> None:
    message = Message("posting_started", "公示开始", ("长" * 3000,))
    content = payload(message, "wecom", "markdown")["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096 and content.endswith("…")
    text = payload(message, "wecom", "text")["text"]["content"]
    assert len(text.encode("utf-8")) <= 2048


def test_rate_limited_answers_are_waited_out_and_retried(robot: Any) -> None:
    server, base = robot
    server.answers = [
        (200, {"errcode": 45009, "errmsg": "api freq out of limit"}),
        (429, {}),
    ]
    clock = Clock()
    sender(clock).send("wecom", base + WECOM_PATH, {"msgtype": "text", "text": {"content": "x"}})
    assert len(server.requests) == 3
    assert clock.slept == [3.0, 6.0]


def test_the_sender_keeps_to_twenty_a_minute(robot: Any) -> None:
    server, base = robot
    clock = Clock()
    out = sender(clock)
    for _ in range(21):
        out.send("wecom", base + WECOM_PATH, {"msgtype": "text", "text": {"content": "x"}})
    assert len(server.requests) == 21
    assert clock.slept == [60.0]


def test_an_error_answer_raises_with_the_robots_code(robot: Any) -> None:
    server, base = robot
    server.answers = [(200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    with pytest.raises(RobotError) as refused:
        sender(Clock()).send("wecom", base + WECOM_PATH, {"msgtype": "text"})
    assert refused.value.code == 93000
    assert "企业微信机器人拒收消息：93000" in str(refused.value)
    server.answers = [(200, {"errcode": 45009, "errmsg": "limit"})] * 4
    with pytest.raises(RobotError):
        sender(Clock()).send("wecom", base + WECOM_PATH, {"msgtype": "text"})
    server.answers = [(404, {})]
    with pytest.raises(RobotError, match="HTTP 404"):
        sender(Clock()).send("dingtalk", base + DING_PATH, {"msgtype": "text"})


def write_config(tmp_path: Path, db: Path, extra: str = "") -> Path:
    path = tmp_path / "yishi-wecom.toml"
    path.write_text(
        f'[communities.gaojia]\ndb = "{db}"\nrobot = "wecom"\nurl_env = "GAOJIA_URL"\n{extra}',
        encoding="utf-8",
    )
    return path


def test_the_config_names_file_and_key_of_each_problem(tmp_path: Path) -> None:
    path = write_config(tmp_path, tmp_path / "y.db", 'format = "html"\n')
    with pytest.raises(config.ConfigError) as bad:
        config.load(path, {"GAOJIA_URL": "http://x"})
    assert "communities.gaojia.format" in bad.value.render()
    path = write_config(tmp_path, tmp_path / "y.db")
    with pytest.raises(config.ConfigError) as missing:
        config.load(path, {})
    assert "环境变量 GAOJIA_URL 未设置" in missing.value.render()
    path = write_config(tmp_path, tmp_path / "y.db", 'events = ["meeting_convened", "x"]\n')
    with pytest.raises(config.ConfigError, match="events"):
        config.load(path, {"GAOJIA_URL": "http://x"})
    robots = config.load(write_config(tmp_path, tmp_path / "y.db"), {"GAOJIA_URL": "http://k"})
    assert "http://k" not in repr(robots["gaojia"])  # the key is a secret


def test_an_append_sends_and_a_refusal_is_recorded_for_retry(
    robot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end through `yishi run` with the plugin loaded from its entry point:
    the robot refuses once, the failure waits, a retry delivers."""
    server, base = robot
    db = tmp_path / "yishi.db"
    monkeypatch.setenv("GAOJIA_URL", base + WECOM_PATH)
    monkeypatch.setenv("YISHI_WECOM_CONFIG", str(write_config(tmp_path, db)))
    monkeypatch.setattr(plugin, "SENDER", sender(Clock()))
    server.answers = [(200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    result = CliRunner().invoke(
        main, ["run", str(EXAMPLES / "04_objection_during_disclosure.toml"), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    kinds = [body["markdown"]["content"].split("\n")[0] for _, body in server.requests]
    assert "### 公示开始" in kinds and "### 收到异议" in kinds
    result = CliRunner().invoke(main, ["hooks", "--db", str(db)])
    assert result.exit_code == 1 and "wecom" in result.output and "93000" in result.output
    before = len(server.requests)
    result = CliRunner().invoke(main, ["hooks", "--db", str(db), "--retry"])
    assert result.exit_code == 0, result.output
    assert len(server.requests) == before + 1


def test_reminders_for_replies_due_and_executions_overdue(demo: Any) -> None:
    engine, _ = demo
    [objection] = engine.state.objections.values()
    objection_due = objection.reply_due
    # The demo's objection was answered: nothing due then.
    assert [m for m in reminders(engine, objection_due, 1, 30) if m.event == "reply_due"] == []
    objection.reply = None  # as if unanswered (a copy of state would do as well)
    try:
        due = reminders(engine, objection_due - dt.timedelta(days=1), 1, 30)
        assert [m.event for m in due] == ["reply_due"]
        assert "还剩 1 天" in due[0].text()
        assert reminders(engine, objection_due - dt.timedelta(days=2), 1, 30) == []
    finally:
        objection.reply = "answered"
