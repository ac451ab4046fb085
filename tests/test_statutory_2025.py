"""The 2025 laws through the engine: each rule reached by a scenario a township
reviewer would recognise, starting from example 01 (古槐村, 村东 30 亩 land lease).

- 村组法 Art. 35: postings of at least 15 days, reviewed by the 村务监督委员会 first;
- 村组法 Art. 25 / 居委会组织法 Art. 26: 10 days' notice, or 临时通知 with its reason;
- 农村集体经济组织法 Arts. 27–28: homestead plans only in the full assembly, 2/3 of all;
- 农村土地承包法 Art. 52: township approval before the contract is carried out;
- 村组法 Arts. 15, 37 and 民法典 Art. 1045: kinship;
- refusals name the missing step before any question of permission.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import attrs
import pytest

from yishi.domain import commands as c
from yishi.domain.counting import Base
from yishi.domain.errors import Refusal
from yishi.domain.rules import StageOverride
from yishi.engine import Engine
from yishi.report import to_json, to_text
from yishi.rulesets.loader import load
from yishi.scenario import load_scenario, run_scenario
from yishi.store.memory import MemoryStore

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = (ROOT / "examples" / "01_land_lease_passes.toml").read_text(encoding="utf-8")
SIYI = load(ROOT / "rulesets" / "siyi_liang_gongkai.toml")
SHEQU = load(ROOT / "rulesets" / "siyi_liang_gongkai_shequ.toml")
HEAD, _, _ = EXAMPLE.partition("# 第五步")
SETUP = load_scenario(ROOT / "examples" / "01_land_lease_passes.toml").setup


def _play(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "guhuai_village.toml").write_text(
        (ROOT / "examples" / "guhuai_village.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return to_json(run_scenario(load_scenario(path)))


def _text(tmp_path: Path, text: str, lang: str = "zh") -> str:
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "guhuai_village.toml").write_text(
        (ROOT / "examples" / "guhuai_village.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return to_text(run_scenario(load_scenario(path)), lang)


def _refusals(doc: dict) -> list[tuple[str, str]]:
    return [
        (s["refusal"]["code"], s["refusal"]["message"]["zh"])
        for s in doc["steps"]
        if s["status"] == "refused"
    ]


PUBLISH = """
[[actions]]
at = 2026-03-17T08:00:00
actor = "p04"
do = "publish"
matter = "m1"
disclosure = "m1-d1"
text = "村东 30 亩集体土地出租给本村中药材合作社。"
"""


# -- 村务公开: 15 days, reviewed first ---------------------------------------------------


def test_posting_without_the_monitoring_committee_review_names_that_step(tmp_path):
    doc = _play(tmp_path, HEAD + PUBLISH)
    assert _refusals(doc)[-1][0] == "step_missing"
    assert _refusals(doc)[-1][1].startswith("须先完成：村务监督委员会审核（监督意见）")
    assert doc["disclosures"] == []


def test_a_reviewer_outside_the_committee_is_refused(tmp_path):
    text = HEAD + PUBLISH.replace('text = "村东', 'reviewer = "p03"\nreview = "同意"\ntext = "村东')
    doc = _play(tmp_path, text)
    assert _refusals(doc)[-1][0] == "not_authorized"
    assert "村务监督委员会" in _refusals(doc)[-1][1]


def test_the_review_is_printed_on_the_notice_and_it_stays_up_15_days(tmp_path):
    text = HEAD + PUBLISH.replace(
        'text = "村东', 'reviewer = "p07"\nreview = "与会议记录一致，同意公示。"\ntext = "村东'
    )
    doc = _play(tmp_path, text)
    (posted,) = doc["disclosures"]
    assert "监督意见（村务监督委员会 刘桂芳）：与会议记录一致，同意公示。" in posted["text"]["zh"]
    assert (
        "Review before posting (Village affairs monitoring committee, 刘桂芳)"
        in posted["text"]["en"]
    )
    span = dt.date.fromisoformat(posted["until"]) - dt.date.fromisoformat(posted["posted_on"])
    assert span.days >= 15
    assert "监督意见（村务监督委员会 刘桂芳）：与会议记录一致，同意公示。" in _text(tmp_path, text)


# -- 集体经济组织法: reserved matters ------------------------------------------------------


def test_a_homestead_plan_cannot_be_decided_by_the_representative_assembly(tmp_path):
    text = HEAD.replace(
        'matter_type = "collective_land_lease"', 'matter_type = "homestead_allocation"'
    )
    doc = _play(tmp_path, text)
    message = dict(_refusals(doc))["body_reserved_for_matter"]
    assert message.startswith("“宅基地使用方案”只能由村民会议决定，不能由“村民代表会议”召开")
    assert "农村集体经济组织法第二十六条第一款第八项" in message
    assert not any(m["meeting"] == "m1-resolve" for m in doc["meetings"])


def test_without_the_override_the_engine_still_reserves_the_homestead_plan():
    mt = SIYI.matter_types["homestead_allocation"]
    rs = attrs.evolve(
        SIYI, matter_types={**SIYI.matter_types, mt.id: attrs.evolve(mt, overrides={})}
    )
    engine = _engine(rs)
    _to_resolve(engine, "homestead_allocation")
    refusal = _refused(engine, _convene("m1-resolve", 20), dt.datetime(2026, 3, 10, 9))
    assert refusal.code == "statute_reserves_matter"
    assert "宅基地使用方案" in refusal.message("zh")


def test_the_engine_holds_the_floor_even_for_a_rule_set_that_skipped_the_check():
    """A rule set built in Python, lowering 集体财产处分 to a simple majority of those
    present, still needs 2/3 of all members in the engine."""
    mt = SIYI.matter_types["collective_asset_disposal"]
    weak = attrs.evolve(
        mt,
        overrides={
            "resolve": StageOverride(threshold=SIYI.bodies["village_committee"].rules.threshold)
        },
    )
    rs = attrs.evolve(SIYI, matter_types={**SIYI.matter_types, mt.id: weak})
    from yishi.domain.rules import meeting_rules

    rules = meeting_rules(rs, rs.stage("resolve"), "representatives_assembly", mt.id)
    bases = {(r.base, r.fraction) for r in rules.threshold}
    assert (Base.REPRESENTATIVES, 2 / 3) in {(b, float(f)) for b, f in bases} or any(
        r.base in (Base.COMPOSITION, Base.REPRESENTATIVES) and r.fraction >= 2 / 3
        for r in rules.threshold
    )
    assert rules.notice_days == 3  # the 成员大会's 10 days bind the full assembly only
    full = meeting_rules(rs, rs.stage("resolve"), "villagers_assembly", mt.id)
    assert full.notice_days >= 10
    assert any(r.base is Base.COMPOSITION and r.fraction >= 2 / 3 for r in full.threshold)
    # and the reason travels with the verdict
    assert any("农村集体经济组织法" in r.note for r in full.threshold)


# -- 农村土地承包法 Art. 52: township approval ----------------------------------------------


APPROVAL_TAIL = """
[[actions]]
at = 2026-03-17T08:00:00
actor = "p04"
do = "publish"
matter = "m1"
disclosure = "m1-d1"
reviewer = "p07"
review = "同意公示"
text = "发包给外村人"

[[actions]]
at = 2026-04-03T09:00:00
actor = "p03"
do = "progress"
matter = "m1"
text = "签订承包合同"
"""


def test_land_for_outsiders_waits_for_the_township(tmp_path):
    head = HEAD.replace(
        'matter_type = "collective_land_lease"', 'matter_type = "land_contract_outsiders"'
    )
    doc = _play(tmp_path, head + APPROVAL_TAIL)
    code, message = _refusals(doc)[-1]
    assert code == "step_missing" and message.startswith("须先完成：乡（镇）人民政府批准")
    approved = APPROVAL_TAIL.replace(
        "[[actions]]\nat = 2026-04-03T09:00:00",
        '[[actions]]\nat = 2026-04-02T09:00:00\nactor = "p03"\ndo = "approve"\nmatter = "m1"\n'
        'approved = true\ndocument = "××镇政府 2026-04-01 批复"\n\n[[actions]]\nat = 2026-04-03T09:00:00',
    )
    doc = _play(tmp_path, head + approved)
    assert _refusals(doc)[-1][0] != "step_missing"
    assert doc["matters"][0]["approved_by"] == ["乡（镇）人民政府"]
    assert "    乡（镇）人民政府：批准（××镇政府 2026-04-01 批复）" in _text(
        tmp_path, head + approved
    )
    refused = approved.replace("approved = true", "approved = false")
    doc = _play(tmp_path, head + refused)
    assert doc["matters"][0]["status"] == "abandoned"


# -- 临时通知 ---------------------------------------------------------------------------


def _engine(rs=SIYI) -> Engine:
    engine = Engine(MemoryStore(), rs)
    engine.execute(SETUP, dt.datetime(2026, 3, 2))
    return engine


def _to_resolve(engine: Engine, matter_type: str | None = None) -> None:
    """Run steps 1–3 of example 01 by replaying its actions up to the resolution."""
    scenario = load_scenario(ROOT / "examples" / "01_land_lease_passes.toml")
    for step in scenario.steps:
        if matter_type and isinstance(step.command, c.ProposeMatter):
            step = attrs.evolve(step, command=attrs.evolve(step.command, matter_type=matter_type))
        if getattr(step.command, "meeting", "") == "m1-resolve" or step.at.date() >= dt.date(
            2026, 3, 10
        ):
            break
        with contextlib.suppress(Refusal):  # the example's deliberate refusals
            engine.execute(step.command, step.at)


def _convene(meeting: str, day: int, *, actor: str = "p03", **kw: object) -> c.ConveneMeeting:
    """The village's representative assembly on m1, called by show of hands on March ``day``."""
    fields: dict[str, object] = {
        "matter": "m1",
        "body": "representatives_assembly",
        "method": "show_of_hands",
    }
    return c.ConveneMeeting(
        actor=actor, meeting=meeting, date=dt.date(2026, 3, day), **(fields | kw)
    )  # type: ignore[arg-type]


def _refused(engine: Engine, command: c.Command, at: dt.datetime) -> Refusal:
    with pytest.raises(Refusal) as found:
        engine.execute(command, at)
    return found.value


def test_short_notice_needs_a_recorded_special_circumstance():
    engine = _engine()
    _to_resolve(engine)
    now = dt.datetime(2026, 3, 10, 9)
    convene = _convene("m1-va", 13, body="villagers_assembly")
    assert _refused(engine, convene, now).code == "notice_too_short"
    representatives = _convene("m1-va", 11, urgent_reason="汛期")
    assert _refused(engine, representatives, now).code == "urgent_notice_not_allowed"
    events = engine.execute(
        attrs.evolve(convene, urgent_reason="汛期临近，须在雨季前定下排涝渠线"), now
    )
    assert events[0].urgent_reason == "汛期临近，须在雨季前定下排涝渠线"
    assert engine.state.meetings["m1-va"].urgent_reason.startswith("汛期")


def test_the_urban_residents_assembly_needs_ten_days():
    rules = SHEQU.bodies["residents_assembly"].rules
    assert rules.notice_days == 10
    assert SHEQU.bodies["residents_assembly"].urgent_notice


# -- kinship ---------------------------------------------------------------------------


def test_a_committee_members_relative_may_not_sit_on_the_monitoring_committee():
    people = list(SETUP.people)
    # 刘桂芳 (p07, chair of the monitoring committee) is recorded as 张志强's (p03, director) spouse
    people = [attrs.evolve(p, relatives=("p03",)) if p.id == "p07" else p for p in people]
    engine = Engine(MemoryStore(), SIYI)
    with pytest.raises(Refusal) as found:
        engine.execute(attrs.evolve(SETUP, people=tuple(people)), dt.datetime(2026, 3, 2))
    assert found.value.code == "relative_not_eligible"
    assert "村务监督委员会" in found.value.message("zh")
    assert "may not sit on Village affairs monitoring committee" in found.value.message("en")


def test_recusal_for_a_close_relatives_interest():
    rs = attrs.evolve(SIYI, recusal=attrs.evolve(SIYI.recusal, relatives=True))
    people = [attrs.evolve(p, relatives=("p05",)) if p.id == "p06" else p for p in SETUP.people]
    engine = Engine(MemoryStore(), rs)
    engine.execute(attrs.evolve(SETUP, people=tuple(people)), dt.datetime(2026, 3, 2))
    engine.execute(c.ProposeMatter(actor="p01", matter="m1", title="x"), dt.datetime(2026, 3, 2, 9))
    declare = c.DeclareInterest(
        actor="p06", matter="m1", person="p06", reason="其父承租", relative="p05"
    )
    engine.execute(declare, dt.datetime(2026, 3, 2, 10))
    assert "近亲属" in engine.state.matters["m1"].recused["p06"]
    with pytest.raises(Refusal) as found:
        engine.execute(
            attrs.evolve(declare, person="p08", actor="p08", relative="p05"),
            dt.datetime(2026, 3, 2, 11),
        )
    assert found.value.code == "not_close_relative"


# -- refusals that explain themselves ---------------------------------------------------


def test_skipping_ahead_names_the_missing_step_before_permission():
    engine = _engine()
    engine.execute(c.ProposeMatter(actor="p01", matter="m1", title="x"), dt.datetime(2026, 3, 2, 9))
    # p10 may not convene anything; the matter has not even been proposed in a meeting
    refusal = _refused(engine, _convene("m1-r", 20, actor="p10"), dt.datetime(2026, 3, 2, 10))
    assert refusal.code == "step_missing"
    assert refusal.message("zh").startswith("须先完成：党组织提议")
    assert refusal.message("en").startswith("first complete: Party branch proposes")


def test_an_election_committee_member_steps_down_when_a_relative_stands():
    """村组法 Art. 15(3): 村民选举委员会成员或者其近亲属被提名为候选人的，应当退出."""
    from yishi.domain.rules import BodySpec

    base = load(ROOT / "rulesets" / "baixing_jianduyuan.toml")
    committee = BodySpec(
        id="election_committee",
        name="居民选举委员会",
        name_en="Residents' election committee",
        steps_down_if_relative_nominated=True,
    )
    rs = attrs.evolve(base, bodies={**base.bodies, committee.id: committee})
    scenario = load_scenario(ROOT / "examples" / "10_election.toml")
    setup = scenario.setup
    people = [attrs.evolve(p, relatives=("r005",)) if p.id == "r050" else p for p in setup.people]
    bodies = (
        *setup.bodies,
        c.BodySpecEntry(id=committee.id, members=(c.MemberSpec(person="r050"),)),
    )
    engine = Engine(MemoryStore(), rs)
    engine.execute(
        attrs.evolve(setup, people=tuple(people), bodies=bodies), dt.datetime(2026, 4, 1)
    )
    engine.execute(
        c.ProposeMatter(actor="c01", matter="m10", title="x"), dt.datetime(2026, 4, 1, 9)
    )
    convene = c.ConveneMeeting(
        actor="c01",
        matter="m10",
        meeting="m10-1",
        date=dt.date(2026, 4, 8),
        method="secret",
        candidates=("r005", "r011"),
    )
    with pytest.raises(Refusal) as found:
        engine.execute(convene, dt.datetime(2026, 4, 1, 10))
    assert found.value.code == "must_step_down"
    assert "应当退出居民选举委员会" in found.value.message("zh")
    assert "must step down from Residents' election committee" in found.value.message("en")
    engine.execute(attrs.evolve(convene, candidates=("r011", "r017")), dt.datetime(2026, 4, 1, 10))


def test_the_monitoring_committee_attends_without_being_counted(tmp_path):
    """村组法 Art. 37: its members may attend the 村民代表会议 (列席); the check-in line
    and the quorum line then differ, and the timeline says why."""
    observer = """
[[actions]]
at = 2026-03-16T09:30:00
actor = "p07"
do = "check_in"
meeting = "m1-resolve"
people = ["p07"]

[[actions]]
at = 2026-03-16T10:00:00"""
    text = HEAD.replace("\n[[actions]]\nat = 2026-03-16T10:00:00", observer, 1)
    assert text != HEAD
    doc = _play(tmp_path, text)
    (resolve,) = [m for m in doc["meetings"] if m["meeting"] == "m1-resolve"]
    counts = resolve["result"]["counts"]
    assert (counts["checked_in"], counts["checked_in_not_members"]) == (26, 1)
    assert resolve["result"]["quorum"]["checks"][0]["count"] == 25
    timeline = _text(tmp_path, text)
    assert "签到 26 人，其中 1 人列席（不是本机构成员）" in timeline
    assert "26 signed in: 1 attending as observers (not members)" in _text(tmp_path, text, "en")


def test_short_notice_is_printed_in_the_minutes_and_on_the_notice(tmp_path):
    """临时通知 (村组法 Art. 25): the villagers' assembly on 6 days' notice, with the
    special circumstance recorded; the timeline and the resolution notice both show it."""
    text = (
        HEAD.replace('body = "representatives_assembly"', 'body = "villagers_assembly"')
        .replace(
            'date = 2026-03-16\nmethod = "show_of_hands"',
            'date = 2026-03-16\nmethod = "show_of_hands"\nurgent_reason = "合作社须在清明前整地育苗，错过农时损失全年收成"',
        )
        .replace(
            'people = ["p03", "p04", "p05", "p08", "p06", "v001..v020"]',
            'people = ["p01..p10", "v001..v060"]',
        )
        .replace("yes = 22\nno = 2\nabstain = 1", "yes = 64\nno = 4\nabstain = 2")
    )
    text += PUBLISH.replace('text = "村东', 'reviewer = "p07"\nreview = "同意"\ntext = "村东')
    doc = _play(tmp_path, text)
    (resolve,) = [m for m in doc["meetings"] if m["meeting"] == "m1-resolve"]
    assert resolve["urgent_notice"].startswith("合作社须在清明前整地育苗")
    assert resolve["outcome"] == "passed"
    timeline = _text(tmp_path, text)
    assert "    临时通知（遇有特殊情况）：合作社须在清明前整地育苗" in timeline
    (posted,) = doc["disclosures"]
    assert "临时通知（遇有特殊情况）：合作社须在清明前整地育苗" in posted["text"]["zh"]
    assert "short notice (special circumstances)" in posted["text"]["en"]
