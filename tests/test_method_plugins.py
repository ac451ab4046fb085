"""A third-party counting rule works in `yishi check`, in the domain and in `yishi run`.

The plugin below is registered only for these tests (``PluginHost.load(extra=...)``):
a Borda count for elections and a four-level satisfaction scale for meetings.
"""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from collections.abc import Sequence
from fractions import Fraction

from click.testing import CliRunner

import yishi.cli
from rule_texts import committee_and_assembly
from yishi import hookimpl
from yishi.domain.methods import ElectionContext, ElectionCount, ElectionRule, MotionRule
from yishi.plugins import PluginHost, VoteMethodSpec


class Borda(ElectionRule):
    """n-1 points for a first preference, n-2 for a second …; most points win."""

    name = "borda"
    label_zh = "波达计分"
    label_en = "Borda count"
    ranked = True

    def count(self, ballots: Sequence[tuple[str, ...]], ctx: ElectionContext) -> ElectionCount:
        valid, invalid = self.sort_valid(ballots, ctx)
        n = len(ctx.candidates)
        points: Counter[str] = Counter()
        for ballot in valid:
            for place, person in enumerate(ballot):
                points[person] += n - 1 - place
        order = sorted(ctx.candidates, key=lambda p: (-points[p], ctx.candidates.index(p)))
        elected = tuple(order[: ctx.seats])
        line = "，".join(f"{ctx.name(p)} {points[p]} 分" for p in order)
        return ElectionCount(
            elected=elected,
            votes={p: Fraction(points[p]) for p in ctx.candidates},
            valid=len(valid),
            invalid=invalid,
            candidates=tuple({"person": p, "points": points[p]} for p in order),
            explanation={"zh": f"波达计分：{line}", "en": f"Borda: {dict(points)}"},
        )


FOUR_LEVELS = MotionRule(
    "four_levels",
    "四级满意度",
    "four-level satisfaction",
    ("very", "fairly", "barely", "not"),
    {
        "very": ("非常满意", "very satisfied"),
        "fairly": ("比较满意", "fairly satisfied"),
        "barely": ("不太满意", "barely satisfied"),
        "not": ("不满意", "dissatisfied"),
    },
    frozenset({"very", "fairly"}),
    frozenset({"barely", "not"}),
)


class BordaPlugin:
    @hookimpl
    def yishi_register_vote_methods(self, register):
        register(
            VoteMethodSpec(
                "borda", "波达计分", "Borda count", {"ballots"}, elections=True, counting=Borda()
            )
        )
        register(
            VoteMethodSpec(
                "four_levels", "四级满意度", "four levels", {"ballots"}, counting=FOUR_LEVELS
            )
        )


RULES = (
    committee_and_assembly(
        "borda_test",
        "波达计分选举（测试）",
        committee_methods='"four_levels"',
        assembly_methods='"borda"',
    )
    + """
[[stages]]
id = "rate"
kind = "meeting"
name = "满意度表决"
bodies = ["committee"]
actors = ["committee.director"]

[[stages]]
id = "vote"
kind = "election"
name = "选举理事"
bodies = ["assembly"]
actors = ["committee.director"]
seats = 1
fills = "board.member"
on_pass = "complete"
"""
)

SCENARIO = """
schema_version = 1
title = "插件计票"
ruleset = "rules.toml"
until = 2026-05-10

[community]
people = [
  { id = "d1", name = "主任", adult = true },
  { id = "x1", name = "甲", adult = true },
  { id = "x2", name = "乙", adult = true },
  { id = "x3", name = "丙", adult = true },
  { id = "x4", name = "丁", adult = true },
]
bodies = [
  { id = "committee", members = ["d1", "x1"], roles = { d1 = ["director"] } },
  { id = "assembly", members = ["x1", "x2", "x3"] },
]

[[actions]]
at = 2026-05-01T09:00:00
actor = "d1"
do = "propose"
matter = "m1"
title = "选举理事"

[[actions]]
at = 2026-05-01T09:05:00
actor = "d1"
do = "convene"
matter = "m1"
meeting = "r1"
method = "four_levels"

[[actions]]
at = 2026-05-01T09:10:00
actor = "d1"
do = "check_in"
meeting = "r1"
people = ["d1", "x1"]

[[actions]]
at = 2026-05-01T09:20:00
actor = "d1"
do = "vote"
meeting = "r1"
voter = "d1"
choice = "very"

[[actions]]
at = 2026-05-01T09:21:00
actor = "x1"
do = "vote"
meeting = "r1"
voter = "x1"
choice = "fairly"

[[actions]]
at = 2026-05-01T09:30:00
actor = "d1"
do = "close_meeting"
meeting = "r1"

[[actions]]
at = 2026-05-01T10:00:00
actor = "d1"
do = "convene"
matter = "m1"
meeting = "v1"
method = "borda"
candidates = ["x4", "d1"]

[[actions]]
at = 2026-05-01T10:05:00
actor = "d1"
do = "check_in"
meeting = "v1"
people = ["x1", "x2", "x3"]

[[actions]]
at = 2026-05-01T10:10:00
actor = "x1"
do = "ballot"
meeting = "v1"
voter = "x1"
candidates = ["d1", "x4"]

[[actions]]
at = 2026-05-01T10:11:00
actor = "x2"
do = "ballot"
meeting = "v1"
voter = "x2"
candidates = ["x4", "d1"]

[[actions]]
at = 2026-05-01T10:12:00
actor = "x3"
do = "ballot"
meeting = "v1"
voter = "x3"
candidates = ["x4"]

[[actions]]
at = 2026-05-01T10:20:00
actor = "d1"
do = "close_meeting"
meeting = "v1"
"""


def host(*extra: object) -> PluginHost:
    return PluginHost.load(extra=extra, entry_points=False)


def test_check_accepts_the_method_only_with_the_plugin(tmp_path, monkeypatch):
    path = tmp_path / "rules.toml"
    path.write_text(RULES, encoding="utf-8")
    runner = CliRunner()
    monkeypatch.setattr(yishi.cli, "PLUGINS", host())
    refused = runner.invoke(yishi.cli.main, ["check", str(path)])
    assert refused.exit_code == 1 and "borda" in refused.output
    monkeypatch.setattr(yishi.cli, "PLUGINS", host(BordaPlugin()))
    checked = runner.invoke(yishi.cli.main, ["check", str(path)])
    assert checked.exit_code == 0, checked.output


def test_yishi_run_counts_with_the_plugin(tmp_path, monkeypatch):
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(textwrap.dedent(SCENARIO), encoding="utf-8")
    monkeypatch.setattr(yishi.cli, "PLUGINS", host(BordaPlugin()))
    ran = CliRunner().invoke(yishi.cli.main, ["run", str(scenario), "--json"])
    assert ran.exit_code == 0, ran.output
    document = json.loads(ran.output)
    meetings = {m["meeting"]: m for m in document["meetings"]}
    rated = meetings["r1"]
    assert rated["outcome"] == "passed"
    assert rated["result"]["counts"]["yes"] == 2  # 非常满意 + 比较满意 carry the motion
    assert rated["result"]["counts"]["choice_very"] == 1
    elected = meetings["v1"]
    assert elected["outcome"] == "passed"
    # Borda with 2 candidates, 1 point for a first preference: x4 has 2, d1 has 1
    result = elected["result"]["threshold"]
    assert result["elected"] == ["x4"]
    assert result["counting"] == "borda"
    assert "波达计分：丁（x4） 2 分，主任（d1） 1 分" in result["explanation"]["zh"]


def test_an_election_rule_cannot_count_a_motion():
    import pytest

    from yishi.domain.methods import YES_NO

    with pytest.raises(ValueError, match="elections=True"):
        VoteMethodSpec("bad", "坏", "bad", {"ballots"}, counting=Borda())
    with pytest.raises(ValueError, match="tally"):
        VoteMethodSpec("bad", "坏", "bad", {"tally"}, elections=True, counting=Borda())
    assert VoteMethodSpec("ok", "好", "ok", {"ballots"}, counting=YES_NO).for_motions


def test_check_flags_methods_that_cannot_count_the_stage(tmp_path):
    from yishi.rulesets.loader import check_text

    motion = RULES.replace('vote_methods = ["four_levels"]', 'vote_methods = ["approval"]')
    _rs, problems = check_text(motion.replace('"borda"', '"secret"').encode(), "r.toml")
    assert [(p.code, p.path) for p in problems if p.severity == "error"] == [
        ("bad_value", "stages[0].vote_methods")
    ]
    irv = RULES.replace('"four_levels"', '"show_of_hands"').replace('"borda"', '"irv"')
    _rs, problems = check_text(irv.replace("seats = 1", "seats = 2").encode(), "r.toml")
    assert [(p.code, p.path) for p in problems if p.severity == "error"] == [
        ("bad_value", "stages[1].seats")
    ]
