"""Contracts for publisher and vote-method plugins: subclass, say how to make yours.

::

    from yishi.testing.plugin_contracts import PublisherContract, VoteMethodContract

    class TestMyBoard(PublisherContract):
        def make_publisher(self, tmp_path):
            return MyBoard(tmp_path / "board")

        def published(self, publisher, tmp_path):
            return [p.read_text() for p in (tmp_path / "board").iterdir()]

    class TestScanCode(VoteMethodContract):
        plugin = yishi_scan_code        # the module or object with the hooks
        method = "scan_code"

yishi's own publisher and vote methods pass the same tests.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, ClassVar

import pytest

from yishi.domain import commands as c
from yishi.publish.notice import Notice

AT = dt.datetime(2026, 3, 2, 9, 0)
CHECKPOINT = {"size": 17, "head": "3f" * 32}


def notice(checkpoint: dict[str, Any] | None = CHECKPOINT) -> Notice:
    return Notice(
        disclosure="d-road",
        matter="road",
        kind="resolution",
        title="关于村道硬化的决议公示",
        posted_on=AT.date(),
        text="经村民代表会议表决通过：硬化三组村道 1.2 公里。公示期七日。",
        checkpoint=checkpoint,
        position=17,
    )


class PublisherContract:
    """Every publisher: it posts the notice, with the checkpoint a paper copy is checked by."""

    def make_publisher(self, tmp_path: Path) -> Any:
        raise NotImplementedError

    def published(self, publisher: Any, tmp_path: Path) -> list[str]:
        """The texts of what was published (files read back, messages received …)."""
        raise NotImplementedError

    def publish(self, publisher: Any, item: Notice) -> None:
        from yishi.plugins.host import PluginHost

        host = PluginHost.load(entry_points=False)
        assert host.add(publisher) == [], host.problems
        name = host.pm.get_name(publisher)
        assert name is not None
        host.call_one(name, "yishi_disclosure_published", engine=None, notice=item)

    def test_it_is_a_plugin_with_the_publication_hook(self, tmp_path: Path) -> None:
        from yishi.plugins.host import PluginHost

        publisher = self.make_publisher(tmp_path)
        host = PluginHost.load(entry_points=False)
        assert host.add(publisher) == []
        [info] = [p for p in host.plugins() if p.name == host.pm.get_name(publisher)]
        assert "yishi_disclosure_published" in info.hooks

    def test_a_notice_is_published_with_its_title_and_checkpoint(self, tmp_path: Path) -> None:
        publisher = self.make_publisher(tmp_path)
        self.publish(publisher, notice())
        texts = self.published(publisher, tmp_path)
        assert any(notice().title in text for text in texts), texts
        # The checkpoint is what lets a printed copy be checked against the log.
        head, size = str(CHECKPOINT["head"]), str(CHECKPOINT["size"])
        assert any(head in text and size in text for text in texts), texts

    def test_a_notice_without_a_checkpoint_is_still_published(self, tmp_path: Path) -> None:
        publisher = self.make_publisher(tmp_path)
        self.publish(publisher, notice(None))
        assert any(notice().title in text for text in self.published(publisher, tmp_path))


RULES = """
schema_version = 1
id = "vote_method_contract"
title = "表决方式测试"
statutory = false
proposers = ["council"]
recorders = ["council"]

[bodies.council]
name = "理事会"
roles = ["director"]
quorum = {{ base = "composition", fraction = "1/2", cmp = ">" }}
threshold = {{ base = "present", fraction = "1/2", cmp = ">" }}
vote_methods = ["{method}"]

[[stages]]
id = "decide"
kind = "meeting"
name = "理事会表决"
bodies = ["council"]
actors = ["council.director"]
notice_days = 0
on_reject = "abandon"
on_no_quorum = "reconvene"
"""
MEMBERS = [f"m{i}" for i in range(7)]  # m0 is the director


class VoteMethodContract:
    """Every vote method: registered, named by a rule set, and a meeting held with it decides."""

    plugin: ClassVar[Any] = None  # the plugin object that registers the method
    method: ClassVar[str] = ""

    def host(self) -> Any:
        from yishi.plugins.host import PluginHost

        host = PluginHost.load([self.plugin] if self.plugin is not None else [], entry_points=False)
        assert host.problems == [], host.problems
        return host

    def engine(self, tmp_path: Path) -> Any:
        from yishi.engine import Engine
        from yishi.rulesets.loader import check_text
        from yishi.store.memory import MemoryStore

        host = self.host()
        ruleset, problems = check_text(
            RULES.format(method=self.method).encode(), "contract.toml", host.catalog
        )
        assert ruleset is not None, problems
        engine = Engine(MemoryStore(), ruleset, plugins=host)
        people = tuple(c.PersonSpec(id=p, name=f"成员{p}", adult=True) for p in MEMBERS)
        members = (
            c.MemberSpec(person="m0", roles=("director",)),
            *(c.MemberSpec(person=p) for p in MEMBERS[1:]),
        )
        engine.execute(
            c.SetUpCommunity(
                actor="admin",
                people=people,
                bodies=(c.BodySpecEntry(id="council", members=members),),
            ),
            AT,
        )
        engine.execute(c.ProposeMatter(actor="m0", matter="road", title="村道硬化"), AT)
        engine.execute(
            c.ConveneMeeting(
                actor="m0", matter="road", meeting="mt", date=AT.date(), method=self.method
            ),
            AT,
        )
        engine.execute(c.CheckIn(actor="m0", meeting="mt", people=tuple(MEMBERS)), AT)
        return engine

    def spec(self) -> Any:
        return self.host().vote_methods[self.method]

    def test_it_is_registered_with_names_people_can_read(self) -> None:
        spec = self.spec()
        # Shown to people in Chinese: a label in Chinese, not the identifier.
        assert any(ord(ch) > 0x2E80 for ch in spec.label_zh), spec.label_zh
        assert spec.label_en.strip()
        assert spec.records

    def test_a_meeting_held_with_it_passes_when_most_agree(self, tmp_path: Path) -> None:
        engine = self.engine(tmp_path)
        self.decide(engine, yes=5, no=2)
        assert engine.state.meetings["mt"].outcome == "passed"

    def test_a_meeting_held_with_it_fails_when_most_disagree(self, tmp_path: Path) -> None:
        if self.spec().records == frozenset({"consensus"}):
            pytest.skip("consensus: agreement reached or not, tested above")
        engine = self.engine(tmp_path)
        self.decide(engine, yes=2, no=5)
        assert engine.state.meetings["mt"].outcome == "rejected"

    def decide(self, engine: Any, yes: int, no: int) -> None:
        records = self.spec().records
        if "ballots" in records:
            for i, voter in enumerate(MEMBERS):
                choice = "yes" if i < yes else "no"
                engine.execute(
                    c.CastVote(actor=voter, meeting="mt", voter=voter, choice=choice), AT
                )
        elif "tally" in records:
            engine.execute(c.EnterHandCount(actor="m0", meeting="mt", yes=yes, no=no), AT)
        else:
            engine.execute(c.RecordConsensus(actor="m0", meeting="mt", reached=yes > no), AT)
        engine.execute(c.CloseMeeting(actor="m0", meeting="mt"), AT)
