"""`yishi demo`: the sample village, the land lease through six steps, the files, the check."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from click.testing import CliRunner

from yishi.cli import main
from yishi.demo import DemoError, generate_village, run_demo
from yishi.demo.run import MARKER
from yishi.demo.story import MATTER
from yishi.domain import events as ev
from yishi.domain.membership import composition_problems
from yishi.domain.rules import meeting_rules
from yishi.rulesets.registry import find
from yishi.store.verify import Checkpoint, verify_sqlite

RULESET = find("siyi_liang_gongkai")
SIX_STEPS = (
    "propose",
    "consult",
    "review",
    "resolve",
    "publish_resolution",
    "implement",
    "publish_result",
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One run through the command line, and the result of the same run in code."""
    directory = tmp_path_factory.mktemp("demo") / "out"
    cli = CliRunner().invoke(main, ["demo", "--dir", str(directory)], catch_exceptions=False)
    return cli, run_demo(directory)


def test_the_command_succeeds_and_prints_village_timeline_files_and_check(demo):
    cli, result = demo
    assert cli.exit_code == 0, cli.output
    assert result.ok
    out = cli.output
    assert "柳湾村" in out and "6 个村民小组" in out
    checks = out.split("组成核对", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    assert len(checks) == 5 and all(line.strip().startswith("✓") for line in checks)
    assert "事项最终状态" in out and "已完成" in out
    assert "公示-2026-01-resolution.md" in out and "公示-2026-01-result.md" in out
    assert f"链头：{result.verify.head.size}:{result.verify.head.hash}" in out
    assert "yishi verify --db" in out  # not the default directory, so the path is given
    assert result.timeline in out


def test_the_log_exists_and_verifies(demo):
    _, result = demo
    assert result.db.is_file()
    report = verify_sqlite(result.db)
    assert report.ok, [d.message() for d in report.damage]
    assert report.head == result.verify.head
    assert report.evidence_files == len(result.evidence) == 4
    assert report.checkpoints == 2  # one on each notice
    checked = CliRunner().invoke(main, ["verify", "--db", str(result.db)])
    assert checked.exit_code == 0, checked.output


def test_the_two_notices_carry_the_decision_and_the_checkpoint(demo):
    _, result = demo
    state = result.report.engine.state
    resolution, outcome = (state.disclosures[d] for d in result.story.disclosures)
    assert (resolution.kind, outcome.kind) == ("resolution", "result")
    for disclosure, path in zip((resolution, outcome), result.notices, strict=True):
        assert path.is_file()
        text = path.read_text(encoding="utf-8")
        assert text.startswith(f"# 公示：{disclosure.title}")
        assert "村民代表会议，举手表决）：通过" in text and "赞成 22 票" in text
        point = disclosure.checkpoint
        assert point is not None
        assert f"生成时日志条数：{point['size']}" in text and point["head"] in text
        assert f"--checkpoint {point['size']}:{point['head']}" in text
        # a paper copy checks against the record
        report = verify_sqlite(result.db, [Checkpoint(point["size"], point["head"])])
        assert report.ok
    assert "年租金每亩 900 元" in result.notices[0].read_text(encoding="utf-8")
    assert "首年租金 50400 元" in result.notices[1].read_text(encoding="utf-8")
    assert not list(result.directory.glob(".*.tmp"))  # written atomically, nothing left over


def test_all_six_steps_and_the_matter_is_completed(demo):
    _, result = demo
    matter = result.report.engine.state.matters[MATTER]
    assert [h.stage for h in matter.history if h.stage in SIX_STEPS] == [
        "propose",
        "consult",
        "review",
        "resolve",
        "resolve",  # reconvened
        "publish_resolution",
        "implement",
        "publish_result",
    ]
    assert matter.status == "completed"
    assert matter.matter_type == "collective_land_lease"
    # by its title, not its id (2026-01)
    assert "- “村西北片集体机动地 56 亩出租给本村绿源中药材种植专业合作社”：已完成" in (
        result.timeline
    )


def test_a_failed_quorum_is_reconvened_with_fresh_notice(demo):
    _, result = demo
    meetings = result.report.engine.state.meetings
    first, second = meetings[f"{MATTER}-resolve-1"], meetings[f"{MATTER}-resolve-2"]
    assert first.outcome == "no_quorum" and second.outcome == "passed"
    assert first.result is not None and not first.result["quorum"]["met"]
    stage = RULESET.stage("resolve")
    rules = meeting_rules(RULESET, stage, "representatives_assembly", "collective_land_lease")
    notice_days = rules.notice_days
    assert notice_days == 3
    assert second.convened_on >= first.date  # called again after the failed meeting
    assert (second.date - second.convened_on).days >= notice_days
    assert "到会 17 人，全体组成人员 29 人，须三分之二以上（含本数）（至少 20 人），未达到" in (
        result.timeline
    )
    assert "不足法定人数，重新通知后再次召开" in result.timeline
    assert "附件：签到表-2026-03-16.csv" in result.timeline


def test_a_representative_declares_an_interest_and_is_recused(demo):
    _, result = demo
    state = result.report.engine.state
    person = result.story.cast.interested
    assert person in result.village.representatives
    assert person in state.matters[MATTER].recused
    second = state.meetings[f"{MATTER}-resolve-2"]
    assert second.result is not None and second.result["recused"] == [person]
    counts = second.result["counts"]
    # removed from both bases: 29 members less one, 26 present less one
    assert (counts["composition"], counts["present"]) == (28, 25)
    refused = [r for r in result.report.results if r.refusal is not None]
    assert [(r.refusal.code, r.step.expect) for r in refused] == [("recused", "refused")]
    name = state.people[person].name
    assert f"回避：{name}（其子" in result.timeline


def test_the_objection_is_answered_within_three_days(demo):
    _, result = demo
    state = result.report.engine.state
    (objection,) = state.objections.values()
    disclosure = state.disclosures[objection.disclosure]
    answered = [
        e
        for e in result.events
        if isinstance(e, ev.ObjectionAnswered) and e.objection == objection.id
    ]
    assert len(answered) == 1
    answered_on = answered[0].at.date()
    assert disclosure.reply_days == 3
    assert objection.reply_due == objection.raised_on + dt.timedelta(days=3)
    assert objection.raised_on <= answered_on <= objection.reply_due
    assert objection.resolved is True and not objection.escalated
    assert disclosure.closed == "ended"  # the notice ran its full period
    assert f"答复期限：{objection.reply_due}（含当日）" in result.timeline


def test_the_village_is_lawfully_composed_and_the_advertised_size(demo):
    _, result = demo
    village, state = result.village, result.report.engine.state
    on = dt.date(2026, 3, 19)
    assert composition_problems(state, RULESET, "representatives_assembly", on) == []
    assert all(check.ok for check in village.composition_checks(RULESET))
    facts = village.facts(on)
    assert 300 <= facts["people"] <= 600
    assert 100 <= facts["households"] <= 140
    assert facts["groups"] == 6
    assert (facts["party_members"], facts["party_probationary"]) == (40, 3)
    assert facts["children"] > 0 and facts["elderly"] > 0
    assert all(2 <= len(h.members) <= 5 for h in village.households.values())
    assert len(state.people) == facts["people"] and len(state.households) == facts["households"]
    assert all(state.people[p].born is not None for p in state.people)  # adulthood is computed
    assembly = state.bodies["representatives_assembly"].members
    assert len(assembly) == facts["assembly"] == 29
    women = [m for m in assembly.values() if "representative" in m.roles]
    assert sum(state.people[m.person].gender == "female" for m in women) * 3 >= len(assembly)
    # every 村民小组 is on record with its leader
    for group in village.groups:
        assert state.bodies[group.id].holders("leader") == [group.leader]


@pytest.mark.parametrize("seed", [1, 7, 2024, 99991])
def test_any_seed_gives_a_lawful_village(seed):
    village = generate_village(seed)
    assert all(check.ok for check in village.composition_checks(RULESET)), [
        check.line() for check in village.composition_checks(RULESET) if not check.ok
    ]
    assert len(village.representatives) * 5 <= len(village.households)
    assert len({p.name for p in village.people.values()}) == len(village.people)


def test_deterministic(tmp_path, demo):
    _, first = demo
    again = run_demo(tmp_path / "again")
    assert again.timeline == first.timeline
    assert again.verify.head == first.verify.head
    assert [e.sha256 for e in again.evidence] == [e.sha256 for e in first.evidence]


def test_running_again_replaces_the_previous_output(tmp_path):
    directory = tmp_path / "d"
    first = run_demo(directory)
    before = sorted(p.relative_to(directory) for p in directory.rglob("*"))
    second = run_demo(directory)
    assert second.ok and second.verify.head == first.verify.head
    assert sorted(p.relative_to(directory) for p in directory.rglob("*")) == before
    assert (directory / MARKER).is_file()


def test_a_directory_with_other_files_is_refused_and_left_alone(tmp_path):
    directory = tmp_path / "mine"
    directory.mkdir()
    (directory / "账本.xlsx").write_bytes(b"precious")
    result = CliRunner().invoke(main, ["demo", "--dir", str(directory)])
    assert result.exit_code == 1
    assert "账本.xlsx" in result.output and "不是演示生成的文件" in result.output
    assert (directory / "账本.xlsx").read_bytes() == b"precious"
    assert sorted(p.name for p in directory.iterdir()) == ["账本.xlsx"]


def test_a_stray_file_after_a_run_is_refused_too(tmp_path):
    directory = tmp_path / "d"
    run_demo(directory)
    (directory / "evidence" / "note.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(DemoError) as refused:
        run_demo(directory)
    assert "evidence/note.txt" in refused.value.message("en")
    assert (directory / "yishi.db").is_file()  # nothing was deleted


def test_the_default_directory_and_plain_yishi_verify(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("YISHI_DB", raising=False)
    runner = CliRunner()
    made = runner.invoke(main, ["demo"])
    assert made.exit_code == 0, made.output
    assert (tmp_path / "yishi-demo" / "yishi.db").is_file()
    assert re.search(r"^  yishi verify {4}#", made.output, re.M)  # no --db needed
    checked = runner.invoke(main, ["verify"])
    assert checked.exit_code == 0, checked.output
    assert "yishi-demo/yishi.db" in checked.output


def test_english(tmp_path):
    result = CliRunner().invoke(main, ["demo", "--dir", str(tmp_path / "en"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Composition checks" in result.output and "Final status:" in result.output
    assert "Verified (as `yishi verify` does): intact" in result.output
