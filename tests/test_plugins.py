"""Plugins: loading, registries, contained failures, and each hook doing its job.

Every hook has a ``test_hook_<name>`` here (tests/test_hookspecs.py checks it).
Plugins are small classes registered through ``PluginHost.load(extra=...)``;
each test builds its own host, so nothing leaks from one test to the next.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import ClassVar

import attrs
import click
import pytest
from click.testing import CliRunner

import yishi.cli
from yishi import hookimpl
from yishi.domain import commands as c
from yishi.domain import events as ev
from yishi.domain.catalog import BUILTIN_CATALOG, BUILTIN_VOTE_METHODS, StageKind
from yishi.domain.decide import decide
from yishi.domain.errors import Refusal
from yishi.domain.state import State, evolve
from yishi.engine import Engine
from yishi.plugins import (
    BUILTIN_PLUGINS,
    PluginHost,
    PublisherSpec,
    StageKindSpec,
    StoreBackend,
    VoteMethodSpec,
)
from yishi.publish.notice import METHOD_NAMES, Notice
from yishi.rulesets.loader import check_text
from yishi.rulesets.spec import json_schema
from yishi.store.memory import MemoryStore

ROOT = Path(__file__).resolve().parents[1]
DAY = dt.datetime(2026, 5, 4, 9, 0)
SCAN_CODE = VoteMethodSpec("scan_code", "扫码投票", "vote by QR code", {"ballots"})


def load(*extra: object) -> PluginHost:
    """A host with the built-ins and ``extra``; never what is installed on this machine."""
    return PluginHost.load(extra=extra, entry_points=False)


class ScanCode:
    """A third-party plugin contributing one vote method."""

    @hookimpl
    def yishi_register_vote_methods(self, register):
        register(SCAN_CODE)


class Hearing:
    """A third-party stage kind: a 听证会 that runs as a meeting."""

    @hookimpl
    def yishi_register_stage_kinds(self, register):
        register(
            StageKindSpec("hearing", "听证会", "hearing", "公开听取意见后表决", runs_as="meeting")
        )


RULES = """
schema_version = 1
id = "scan"
title = "扫码议事"
statutory = false
proposers = ["committee"]

[bodies.committee]
name = "议事会"
roles = ["director"]
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["METHOD"]

[[stages]]
id = "decide"
kind = "KIND"
name = "表决"
bodies = ["committee"]
actors = ["committee.director"]
on_pass = "complete"
"""
MEMBERS = ("d1", "m1", "m2", "m3")


def rules(method: str = "scan_code", kind: str = "meeting") -> bytes:
    return RULES.replace("METHOD", method).replace("KIND", kind).encode()


def community() -> c.SetUpCommunity:
    return c.SetUpCommunity(
        actor="admin",
        people=tuple(c.PersonSpec(id=p, name=p, adult=True) for p in MEMBERS),
        bodies=(
            c.BodySpecEntry(
                id="committee",
                members=tuple(
                    c.MemberSpec(person=p, roles=("director",) if p == "d1" else ())
                    for p in MEMBERS
                ),
            ),
        ),
    )


def meeting_commands(method: str) -> list[c.Command]:
    return [
        community(),
        c.ProposeMatter(actor="d1", matter="x1", title="安装路灯"),
        c.ConveneMeeting(actor="d1", matter="x1", meeting="mt", date=DAY.date(), method=method),
        c.CheckIn(actor="d1", meeting="mt", people=MEMBERS),
        *(
            c.CastVote(actor=p, meeting="mt", voter=p, choice="no" if p == "m3" else "yes")
            for p in MEMBERS
        ),
        c.CloseMeeting(actor="d1", meeting="mt"),
    ]


# -- loading ---------------------------------------------------------------------


def test_builtin_plugins_load_in_order_through_the_public_hooks():
    host = load()
    assert host.problems == []
    assert [p.name for p in host.plugins()] == list(BUILTIN_PLUGINS)
    assert {p.version for p in host.plugins()} == {"builtin"}
    assert list(host.vote_methods) == [m.name for m in BUILTIN_VOTE_METHODS]
    assert list(host.stage_kinds) == [k.value for k in StageKind]
    assert list(host.store_backends) == ["memory", "sqlite"]
    assert list(host.publishers) == [
        "files",
        "markdown",
        "json",
        "board",
        "print",
        "atom",
        "webhook",
    ]
    assert host.catalog == BUILTIN_CATALOG
    assert host.vote_methods.owner("secret") == "yishi.plugins.vote_methods"


def test_one_table_of_vote_method_labels():
    """The notice labels come from the catalogue the built-in plugin registers."""
    assert {n: (zh, en) for n, (zh, en) in METHOD_NAMES.items()} == {
        m.name: (m.label_zh, m.label_en) for m in load().vote_methods.values()
    }
    assert METHOD_NAMES["hand_count"][0] == "举手表决（事后录入）"


def test_each_host_has_a_fresh_manager():
    with_plugin, without = load(ScanCode()), load()
    assert with_plugin.pm is not without.pm
    assert "scan_code" in with_plugin.vote_methods
    assert "scan_code" not in without.vote_methods
    assert "ScanCode" not in [p.name for p in without.plugins()]
    assert load().problems == []


def test_duplicate_names_are_an_error_naming_both_plugins():
    class Secret:
        @hookimpl
        def yishi_register_vote_methods(self, register):
            register(SCAN_CODE)  # would be fine on its own
            register(VoteMethodSpec("secret", "秘密", "secret", {"ballots"}))

    class Again:
        @hookimpl
        def yishi_register_vote_methods(self, register):
            register(SCAN_CODE)

    host = load(Secret(), ScanCode(), Again())
    problems = {p.plugin: p.message for p in host.problems}
    assert set(problems) == {"Secret", "Again"}
    assert "'yishi.plugins.vote_methods'" in problems["Secret"]
    assert "'Secret'" in problems["Secret"]
    assert "'ScanCode'" in problems["Again"] and "'Again'" in problems["Again"]
    # The plugin is skipped as a whole: nothing it registered stays.
    assert host.vote_methods.owner("scan_code") == "ScanCode"
    assert host.vote_methods["secret"].label_zh == "无记名投票"
    assert [p.name for p in host.plugins()] == [*BUILTIN_PLUGINS, "ScanCode"]


@pytest.mark.parametrize(
    "value",
    [
        "scan_code",
        {"name": "scan_code"},
        StoreBackend("scan_code", lambda location: None),
    ],
)
def test_registering_the_wrong_type_is_a_load_problem(value):
    class Wrong:
        @hookimpl
        def yishi_register_vote_methods(self, register):
            register(value)

    host = load(Wrong(), ScanCode())
    [problem] = host.problems
    assert (problem.plugin, problem.step) == ("Wrong", "register")
    assert "expected a VoteMethodSpec" in problem.message
    assert "Wrong" not in [p.name for p in host.plugins()]
    assert "scan_code" in host.vote_methods


def test_a_plugin_that_raises_while_registering_is_skipped():
    class Broken:
        @hookimpl
        def yishi_register_store_backends(self, register):
            raise RuntimeError("no driver")

        @hookimpl
        def yishi_events_appended(self, events):
            raise AssertionError("a skipped plugin is never called")

    host = load(Broken(), ScanCode())
    [problem] = host.problems
    assert problem.plugin == "Broken" and "RuntimeError: no driver" in problem.message
    assert "插件“Broken”已跳过" in problem.render()
    assert host.after_commit("yishi_events_appended", engine=None, events=[]) == []


def test_bad_hook_names_signatures_and_wrappers_are_reported_and_skipped():
    class Typo:
        @hookimpl
        def yishi_events_apended(self, events):  # misspelt
            pass

    class ExtraArgument:
        @hookimpl
        def yishi_events_appended(self, events, connection):  # not an argument of the hook
            pass

    class Wrapper:
        @hookimpl(wrapper=True)
        def yishi_events_appended(self, events):
            return (yield)

    class Healthy:
        def __init__(self) -> None:
            self.seen: list[int] = []

        @hookimpl
        def yishi_events_appended(self, events):
            self.seen.append(len(events))

    healthy = Healthy()
    host = load(Typo(), ExtraArgument(), Wrapper(), healthy)
    problems = {p.plugin: p.message for p in host.problems}
    assert set(problems) == {"Typo", "ExtraArgument", "Wrapper"}
    assert "unknown hook(s): yishi_events_apended" in problems["Typo"]
    assert "connection" in problems["ExtraArgument"]
    assert "wrapper" in problems["Wrapper"]
    assert [p.name for p in host.plugins()] == [*BUILTIN_PLUGINS, "Healthy"]
    assert host.after_commit("yishi_events_appended", engine=None, events=[1, 2]) == []
    assert healthy.seen == [2]


def test_a_stage_kind_without_handling_is_a_load_problem():
    class Orphan:
        @hookimpl
        def yishi_register_stage_kinds(self, register):
            register(StageKindSpec("lottery", "抽签", "lottery"))

    host = load(Orphan())
    [problem] = host.problems
    assert problem.plugin == "Orphan" and "runs_as" in problem.message
    assert "lottery" not in host.stage_kinds


def _dist(site: Path, project: str, module: str, source: str, entry_points: str) -> None:
    """A tiny installed distribution: a module and a dist-info with entry points."""
    (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = site / f"{project}-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project}\nVersion: 1.2.3\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[yishi]\n" + textwrap.dedent(entry_points), encoding="utf-8"
    )


GOOD_PLUGIN = """
    from yishi import hookimpl
    from yishi.plugins import VoteMethodSpec

    @hookimpl
    def yishi_register_vote_methods(register):
        register(VoteMethodSpec("scan_code", "扫码投票", "vote by QR code", {"ballots"}))

    @hookimpl
    def yishi_register_commands(cli):
        @cli.command(name="hello-plugin")
        def hello():
            print("你好")
"""
BAD_PLUGIN = """
    raise ImportError("this plugin needs a library that is not installed")
"""
BAD_COMMANDS = """
    from yishi import hookimpl

    @hookimpl
    def yishi_register_commands(cli):
        raise RuntimeError("broken command")
"""


def test_entry_point_plugins_load_and_a_failing_one_is_skipped(tmp_path, monkeypatch):
    # "a-broken" sorts before "yishi-scan": a failure must not stop the loading.
    _dist(tmp_path, "a_broken", "a_broken_plugin", BAD_PLUGIN, "broken = a_broken_plugin\n")
    _dist(tmp_path, "yishi_scan", "yishi_scan_plugin", GOOD_PLUGIN, "scan = yishi_scan_plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    host = PluginHost.load()
    [problem] = host.problems
    assert (problem.plugin, problem.step) == ("broken", "import")
    assert "not installed" in problem.message and "a_broken" in problem.message
    [scan] = [p for p in host.plugins() if p.name == "scan"]
    assert (scan.version, scan.distribution) == ("1.2.3", "yishi_scan")
    assert scan.hooks == ("yishi_register_commands", "yishi_register_vote_methods")
    assert host.vote_methods.owner("scan_code") == "scan"
    assert "scan" not in [p.name for p in PluginHost.load(entry_points=False).plugins()]


def test_the_command_line_survives_broken_plugins(tmp_path):
    _dist(tmp_path, "a_broken", "a_broken_plugin", BAD_PLUGIN, "broken = a_broken_plugin\n")
    _dist(tmp_path, "b_cmds", "b_cmds_plugin", BAD_COMMANDS, "cmds = b_cmds_plugin\n")
    _dist(tmp_path, "yishi_scan", "yishi_scan_plugin", GOOD_PLUGIN, "scan = yishi_scan_plugin\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT / "src")])}
    env.pop("YISHI_DISABLE_PLUGIN_AUTOLOAD", None)

    def yishi(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "yishi", *args], env=env, capture_output=True, text=True
        )

    shown = yishi("--help")
    assert shown.returncode == 0, shown.stderr
    assert "hello-plugin" in shown.stdout and "plugins" in shown.stdout
    assert yishi("hello-plugin").stdout == "你好\n"
    listed = yishi("plugins")
    assert listed.returncode == 1  # problems are listed and make the exit status non-zero
    assert "scan\t1.2.3\tyishi_register_commands, yishi_register_vote_methods" in listed.stdout
    assert "插件“broken”已跳过（导入失败）" in listed.stderr
    assert "插件“cmds”已跳过（命令未加入）：RuntimeError: broken command" in listed.stderr
    safe = yishi("plugins", "--json")
    assert "scan" in safe.stdout
    env["YISHI_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    assert "hello-plugin" not in yishi("--help").stdout
    assert yishi("plugins").returncode == 0


# -- registration hooks ----------------------------------------------------------


def test_hook_yishi_register_vote_methods():
    """A plugin's vote method passes `yishi check` and is decided by what it records."""
    refused, problems = check_text(rules(), "scan.toml")
    assert refused is None
    assert [(p.code, p.path, p.found) for p in problems] == [
        ("bad_value", "bodies.committee.vote_methods[0]", '"scan_code"')
    ]
    host = load(ScanCode())
    ruleset, problems = check_text(rules(), "scan.toml", host.catalog)
    assert ruleset is not None, problems
    assert ruleset.bodies["committee"].rules.vote_methods == (SCAN_CODE,)

    # The domain, given the resolved rule set: ballots are entered one by one.
    state, events = play(ruleset, meeting_commands("scan_code"))
    [closed] = [e for e in events if isinstance(e, ev.MeetingClosed)]
    assert (closed.outcome, closed.counts["yes"], closed.counts["no"]) == ("passed", 3, 1)
    assert state.meetings["mt"].method == "scan_code"
    # It records ballots only: a tally or a consensus is refused.
    opened, _ = play(ruleset, meeting_commands("scan_code")[:4])
    for command, code in (
        (c.EnterHandCount(actor="d1", meeting="mt", yes=1, no=0), "tally_not_used"),
        (c.RecordConsensus(actor="d1", meeting="mt", reached=True), "consensus_not_used"),
    ):
        with pytest.raises(Refusal) as info:
            decide(opened, command, ruleset, DAY)
        assert info.value.code == code
    proposed, _ = play(ruleset, meeting_commands("scan_code")[:2])
    for method, code in (("carrier_pigeon", "unknown_method"), ("secret", "method_not_allowed")):
        convene = c.ConveneMeeting(
            actor="d1", matter="x1", meeting="mt", date=DAY.date(), method=method
        )
        with pytest.raises(Refusal) as info:
            decide(proposed, convene, ruleset, DAY)
        assert info.value.code == code


def play(ruleset, commands) -> tuple[State, list[ev.Event]]:
    state, events = State(), []
    for command in commands:
        for event in decide(state, command, ruleset, DAY):
            evolve(state, event)
            events.append(event)
    return state, events


def test_a_plugin_vote_method_through_the_engine():
    host = load(ScanCode())
    ruleset, _ = check_text(rules(), "scan.toml", host.catalog)
    assert ruleset is not None
    engine = Engine(host.open_store("memory"), ruleset, plugins=host)
    for command in meeting_commands("scan_code"):
        engine.execute(command, DAY)
    [closed] = [s.event for s in engine.store.read_all() if isinstance(s.event, ev.MeetingClosed)]
    assert closed.outcome == "passed"


def test_election_stages_accept_only_methods_marked_for_elections():
    class Elect:
        @hookimpl
        def yishi_register_vote_methods(self, register):
            register(VoteMethodSpec("kiosk", "自助机投票", "kiosk", {"ballots"}, elections=True))

    host = load(ScanCode(), Elect())
    text = (
        RULES.replace('vote_methods = ["METHOD"]', 'vote_methods = ["METHOD"]\n')
        .replace('kind = "KIND"', 'kind = "election"\nseats = 1')
        .replace('on_pass = "complete"', "")
    )
    for method, ok in (("kiosk", True), ("scan_code", False)):
        _, problems = check_text(text.replace("METHOD", method).encode(), "e.toml", host.catalog)
        found = [p for p in problems if p.path.endswith("vote_methods")]
        assert bool(found) is not ok, (method, found)


def test_hook_yishi_register_stage_kinds():
    host = load(Hearing())
    refused, problems = check_text(rules("show_of_hands", "hearing"), "h.toml")
    assert refused is None and problems[0].path == "stages[0].kind"
    ruleset, problems = check_text(rules("show_of_hands", "hearing"), "h.toml", host.catalog)
    assert ruleset is not None, problems
    stage = ruleset.stage("decide")
    assert stage.kind is StageKind.MEETING  # the behaviour the domain runs
    assert (stage.kind_spec.name, stage.kind_spec.label_zh) == ("hearing", "听证会")
    assert ruleset.stage("decide").kind_spec.behaviour is StageKind.MEETING
    state, _ = play(ruleset, meeting_commands("show_of_hands")[:3])
    assert state.meetings["mt"].stage == "decide"


def test_built_in_stage_kinds_keep_their_spec():
    ruleset, _ = check_text(rules("show_of_hands"), "m.toml")
    assert ruleset is not None
    assert ruleset.stage("decide").kind_spec == BUILTIN_CATALOG.stage_kinds["meeting"]


def test_hook_yishi_register_store_backends(tmp_path):
    opened: list[str] = []

    class Backend:
        @hookimpl
        def yishi_register_store_backends(self, register):
            register(StoreBackend("recording", lambda where: opened.append(where) or where))

    host = load(Backend())
    assert isinstance(host.open_store("memory"), MemoryStore)
    assert host.open_store("recording", "dsn://x") == "dsn://x" and opened == ["dsn://x"]
    with pytest.raises(LookupError, match="registered: memory, sqlite, recording"):
        host.open_store("postgres", "")
    sqlite = host.open_store("sqlite", str(tmp_path / "log.db"))
    assert type(sqlite).__name__ == "SQLiteStore"
    sqlite.close()


def test_hook_yishi_register_publishers(tmp_path):
    class Board:
        @hookimpl
        def yishi_register_publishers(self, register):
            register(PublisherSpec("wall", lambda where: ("wall", where), "村务公开栏"))

    host = load(Board())
    assert host.make_publisher("wall", "east gate") == ("wall", "east gate")
    assert host.publishers["files"].doc and host.publishers.owner("files") == (
        "yishi.plugins.publishers"
    )
    with pytest.raises(LookupError):
        host.make_publisher("wechat")


def test_a_publisher_made_by_a_factory_is_added_to_the_host_and_posts(tmp_path):
    host = load()
    publisher = host.make_publisher("files", str(tmp_path / "board"))
    assert type(publisher).__name__ == "FilePublisher"
    assert host.add(publisher) == []
    assert host.add(publisher)[0].step == "register"  # the same object twice
    assert "FilePublisher" in [p.name for p in host.plugins()]
    ruleset, _ = check_text(DISCLOSURE_RULES.encode(), "pub.toml", host.catalog)
    engine = Engine(MemoryStore(), ruleset, plugins=host)
    for command in (
        community(),
        c.ProposeMatter(actor="d1", matter="x1", title="修路"),
        c.Publish(actor="d1", matter="x1", disclosure="n1", text="修路方案"),
    ):
        engine.execute(command, DAY)
    [written] = (tmp_path / "board").iterdir()
    assert "修路方案" in written.read_text(encoding="utf-8")
    assert engine.store.hook_failures() == []


def test_hook_yishi_register_commands():
    @click.group()
    def cli() -> None:
        pass

    @cli.command(name="check")
    def builtin_check() -> None:
        click.echo("built-in")

    class Greeter:
        @hookimpl
        def yishi_register_commands(self, cli):
            @cli.command(name="greet")
            def greet() -> None:
                click.echo("你好")

    class Hijacker:
        @hookimpl
        def yishi_register_commands(self, cli):
            cli.add_command(click.Command("check", callback=lambda: click.echo("hijacked")))

    class Crashing:
        @hookimpl
        def yishi_register_commands(self, cli):
            cli.add_command(click.Command("half", callback=lambda: None))
            raise RuntimeError("boom")

    host = load(Greeter(), Hijacker(), Crashing())
    problems = host.register_commands(cli)
    assert [(p.plugin, p.step) for p in problems] == [
        ("Hijacker", "commands"),
        ("Crashing", "commands"),
    ]
    assert "check" in problems[0].message
    # the built-in plugin adds publish and graph through the same hook
    assert sorted(cli.commands) == ["check", "graph", "greet", "publish"]
    runner = CliRunner()
    assert runner.invoke(cli, ["greet"]).output == "你好\n"
    assert runner.invoke(cli, ["check"]).output == "built-in\n"
    assert host.problems == problems


def test_yishi_check_uses_the_plugins_of_the_command_line(tmp_path, monkeypatch):
    path = tmp_path / "scan.toml"
    path.write_bytes(rules())
    runner = CliRunner()
    monkeypatch.setattr(yishi.cli, "PLUGINS", load())
    assert runner.invoke(yishi.cli.main, ["check", str(path)]).exit_code == 1
    monkeypatch.setattr(yishi.cli, "PLUGINS", load(ScanCode()))
    checked = runner.invoke(yishi.cli.main, ["check", str(path)])
    assert checked.exit_code == 0, checked.output


def test_yishi_plugins_lists_plugins_in_chinese_and_json(monkeypatch):
    monkeypatch.setattr(yishi.cli, "PLUGINS", load(ScanCode()))
    runner = CliRunner()
    text = runner.invoke(yishi.cli.main, ["plugins"])
    assert text.exit_code == 0
    assert "yishi.plugins.vote_methods\t内置\tyishi_register_vote_methods" in text.output
    assert "ScanCode\t—\tyishi_register_vote_methods" in text.output
    document = __import__("json").loads(runner.invoke(yishi.cli.main, ["plugins", "--json"]).output)
    assert [p["name"] for p in document["plugins"]] == [*BUILTIN_PLUGINS, "ScanCode"]
    assert document["problems"] == []


def test_the_schema_lists_the_built_in_names():
    schema = json_schema()
    stage = schema["properties"]["stages"]["items"]["properties"]
    assert stage["kind"]["enum"] == [k.value for k in StageKind]
    assert stage["vote_methods"]["items"]["enum"] == [m.name for m in BUILTIN_VOTE_METHODS]


# -- after-commit hooks ----------------------------------------------------------


@attrs.frozen
class Record:
    position: int


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    @hookimpl
    def yishi_events_appended(self, events):
        self.calls.append(("events", [s.position for s in events]))
        events.clear()  # mutating its own copy must not affect other plugins

    @hookimpl
    def yishi_disclosure_published(self, engine, notice):
        self.calls.append(("notice", notice))


class Failing:
    def __init__(self) -> None:
        self.broken = True
        self.calls = 0

    @hookimpl
    def yishi_events_appended(self, engine, events):
        self.calls += 1
        if self.broken:
            raise ConnectionError("SMS gateway down")

    @hookimpl
    def yishi_disclosure_published(self, notice):
        if self.broken:
            raise ValueError("no printer")


def test_after_commit_failures_are_contained_and_name_the_plugin():
    for order in ("failing first", "failing last"):
        recorder, failing = Recorder(), Failing()
        plugins = (failing, recorder) if order == "failing first" else (recorder, failing)
        host = load(*plugins)
        records = [Record(1), Record(2)]
        failures = host.after_commit("yishi_events_appended", engine=None, events=records)
        assert [(f.plugin, f.hook, f.error_type, f.message) for f in failures] == [
            ("Failing", "yishi_events_appended", "ConnectionError", "SMS gateway down")
        ], order
        assert "SMS gateway down" in failures[0].traceback
        assert failing.calls == 1 and len(recorder.calls) == 1, order


def test_every_plugin_gets_its_own_list_of_events():
    class Counter:
        seen: ClassVar[list[int]] = []

        @hookimpl
        def yishi_events_appended(self, events):
            self.seen.append(len(events))
            events.clear()

    class Counter2(Counter):
        @hookimpl
        def yishi_events_appended(self, events):
            self.seen.append(len(events))
            events.clear()

    host = load(Counter(), Counter2())
    events = [object(), object()]
    assert host.after_commit("yishi_events_appended", engine=None, events=events) == []
    assert Counter.seen == [2, 2] and len(events) == 2


def test_call_one_retries_a_single_plugin():
    failing, recorder = Failing(), Recorder()
    host = load(failing, recorder)
    with pytest.raises(ConnectionError):
        host.call_one("Failing", "yishi_events_appended", engine=None, events=[])
    failing.broken = False
    host.call_one("Failing", "yishi_events_appended", engine=None, events=[])
    assert failing.calls == 2 and recorder.calls == []
    with pytest.raises(LookupError):
        host.call_one("Nobody", "yishi_events_appended", engine=None, events=[])
    with pytest.raises(ValueError):
        host.after_commit("yishi_register_vote_methods", register=print)


DISCLOSURE_RULES = """
schema_version = 1
id = "pub"
title = "公示"
statutory = false
proposers = ["committee"]

[bodies.committee]
name = "村委会"
roles = ["director"]
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]

[[stages]]
id = "post"
kind = "disclosure"
name = "公示"
actors = ["committee"]
disclosure_kind = "resolution"
disclosure_days = 7
channels = ["村务公开栏"]
"""


def _publishing_engine(*plugins: object) -> Engine:
    host = load(*plugins)
    ruleset, problems = check_text(DISCLOSURE_RULES.encode(), "pub.toml", host.catalog)
    assert ruleset is not None, problems
    engine = Engine(MemoryStore(), ruleset, plugins=host)
    engine.execute(community(), DAY)
    engine.execute(c.ProposeMatter(actor="d1", matter="x1", title="修路"), DAY)
    return engine


def test_hook_yishi_events_appended():
    """After an append: the healthy plugin sees the records, the failure is recorded."""
    recorder, failing = Recorder(), Failing()
    engine = _publishing_engine(failing, recorder)
    appended = [p for kind, p in recorder.calls if kind == "events"]
    assert len(appended) == 2  # one call per append: the set-up, the proposal
    # Every record was appended (nothing rolled back) and shown to the healthy plugin.
    assert [p for batch in appended for p in batch] == list(range(1, len(engine.store) + 1))
    failures = engine.store.hook_failures()
    assert [(f.plugin, f.hook, f.first, f.last) for f in failures] == [
        ("Failing", "yishi_events_appended", batch[0], batch[-1]) for batch in appended
    ]
    assert "SMS gateway down" in failures[0].error
    failing.broken = False
    assert engine.retry_hooks() == []
    assert failing.calls == 4


def test_hook_yishi_disclosure_published():
    recorder, failing = Recorder(), Failing()
    engine = _publishing_engine(recorder, failing)
    engine.execute(c.Publish(actor="d1", matter="x1", disclosure="n1", text="修路方案"), DAY)
    [notice] = [n for kind, n in recorder.calls if kind == "notice"]
    assert isinstance(notice, Notice)
    assert (notice.disclosure, notice.matter, notice.kind) == ("n1", "x1", "resolution")
    assert "修路方案" in notice.text and notice.position == len(engine.store)
    published = [f for f in engine.store.hook_failures() if f.hook == "yishi_disclosure_published"]
    assert [(f.plugin, f.error) for f in published] == [("Failing", "ValueError: no printer")]
    assert engine.state.disclosures["n1"].posted_on == DAY.date()
