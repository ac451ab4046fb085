"""One community, many councils: hand-offs between procedures, routing, sittings.

The shipped 古槐议事会 hands a 村级重大事项 to 四议两公开; examples 14 and 15 play
the two paths. A hand-off keeps the matter's whole history: that is checked
through `yishi run --json`, as a user sees it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from yishi.cli import main
from yishi.domain import commands as c
from yishi.domain import events as ev
from yishi.domain.errors import Refusal
from yishi.domain.sittings import Sittings
from yishi.domain.state import replay
from yishi.engine import Engine
from yishi.log import open_engine
from yishi.publish.document import build_document
from yishi.publish.graph import flow
from yishi.publish.timeline import describe
from yishi.rulesets.loader import check_text, load
from yishi.rulesets.registry import find
from yishi.scenario import load_scenario, run_scenario
from yishi.store.memory import MemoryStore
from yishi.store.sqlite import SQLiteStore

EXAMPLES = ROOT / "examples"
BENCH = EXAMPLES / "14_bench_to_council_to_siyi.toml"
SMALL = EXAMPLES / "15_council_settles_small_matter.toml"


def _json(path: Path, lang: str = "zh") -> dict:
    result = CliRunner().invoke(
        main, ["run", str(path.relative_to(ROOT)), "--json", "--lang", lang], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# -- a hand-off keeps the history (through `yishi run --json`) --------------------


def test_a_hand_off_keeps_the_history():
    doc = _json(BENCH)
    matter = doc["matters"][0]
    # one matter throughout, now in 四议两公开 under the type its catalogue gives it
    assert [m["matter"] for m in doc["matters"]] == ["m14"]
    assert matter["procedure"] == "siyi_liang_gongkai"
    assert matter["matter_type"] == "public_welfare_project"
    moves = [(h["from"]["procedure"], h["to"]["procedure"]) for h in matter["handoffs"]]
    assert moves == [
        ("yuanluo_bandenghui", "guhuai_yishihui"),
        ("guhuai_yishihui", "siyi_liang_gongkai"),
    ]
    assert matter["handoffs"][1]["to"] == {
        "procedure": "siyi_liang_gongkai",
        "stage": "propose",
        "matter_type": "public_welfare_project",
    }
    assert "村组法第二十八条第一款第四项" in matter["handoffs"][1]["reason"]
    assert matter["handoffs"][1]["text"]["zh"] == (
        "由“古槐议事会（模板）”移交“四议两公开（村级）”的“党组织提议”"
    )
    # the history runs through all three procedures, in order
    visited = [(h["procedure"], h["stage"]) for h in matter["history"]]
    assert visited[:4] == [
        ("yuanluo_bandenghui", "bench_meeting"),
        ("guhuai_yishihui", "deliberate"),
        ("siyi_liang_gongkai", "propose"),
        ("siyi_liang_gongkai", "consult"),
    ]
    # the earlier councils' meetings stay, with their procedure, votes and outcome
    meetings = {m["meeting"]: m for m in doc["meetings"]}
    assert meetings["m14-bench"]["procedure"] == "yuanluo_bandenghui"
    assert meetings["m14-bench"]["result"]["counts"]["yes"] == 7
    assert meetings["m14-council"]["procedure"] == "guhuai_yishihui"
    assert meetings["m14-council"]["outcome"] == "passed"
    assert meetings["m14-council"]["sitting"] == "regular"  # the 15th: the charter's day
    assert meetings["m14-resolve"]["outcome"] == "passed"
    # ... and the 四议两公开 resolution notice prints them under their councils' names
    notice = next(d for d in doc["disclosures"] if d["disclosure"] == "m14-resolution")
    text = notice["text"]["zh"]
    assert "〔院落板凳会（村级，示例）〕院落板凳会（院落村民" in text
    assert (
        "〔古槐议事会（模板）〕古槐议事会协商（古槐议事会，举手表决（事后录入），例会）：通过"
        in text
    )
    assert text.index("古槐议事会协商") < text.index("党组织提议")
    assert "[Old Locust Tree council (template)]" in notice["text"]["en"]
    # the community's procedures are listed
    assert [r["id"] for r in doc["rulesets"]] == [
        "yuanluo_bandenghui",
        "guhuai_yishihui",
        "siyi_liang_gongkai",
    ]


def test_after_a_hand_off_the_old_procedure_steps_are_refused():
    doc = _json(BENCH)
    refused = [s for s in doc["steps"] if s["status"] == "refused"]
    assert len(refused) == 1 and refused[0]["do"] == "publish"
    assert refused[0]["refusal"]["code"] == "step_missing"  # "须先完成：古槐议事会协商"


def test_the_disclosure_document_and_board_timeline_carry_the_consultation():
    report = run_scenario(load_scenario(BENCH))
    state = report.engine.state
    events = report.all_events()
    document = build_document(
        state, report.ruleset, "m14-resolution", events, lang="zh", rulesets=report.rulesets
    )
    lines = [row["text"] for row in document["timeline"]]
    moved = [line for line in lines if line.startswith("由“")]
    assert moved[0].startswith(
        "由“院落板凳会（村级，示例）”移交“古槐议事会（模板）”的“古槐议事会协商”"
    )
    assert moved[1].startswith("由“古槐议事会（模板）”移交“四议两公开（村级）”的“党组织提议”")
    # the council's meeting is named in its own words, before the hand-off
    council = lines.index("召集古槐议事会会议，定于 2026-04-15，村口古槐树下")
    assert council < lines.index(moved[1])
    assert "进入步骤：古槐议事会协商（由“院落板凳会（村级，示例）”移交）" in lines
    stages = [d["stage"] for d in document["decisions"]]
    assert stages[:2] == [
        "〔院落板凳会（村级，示例）〕院落板凳会",
        "〔古槐议事会（模板）〕古槐议事会协商",
    ]
    assert document["disclosure"]["stage"] == "决议公开"
    # no internal id of any of the three procedures leaks into the public timeline
    for line in lines:
        for word in ("bench_meeting", "deliberate", "guhuai_yishihui", "yuanluo_bandenghui"):
            assert word not in line


# -- the council settles a small matter itself -------------------------------------


def test_the_council_settles_a_small_matter_with_an_evaluation():
    doc = _json(SMALL)
    matter = doc["matters"][0]
    assert matter["procedure"] == "guhuai_yishihui" and matter["status"] == "completed"
    assert "handoffs" not in matter  # nothing moved
    assert [h["stage"] for h in matter["history"]] == [
        "deliberate",
        "publish_opinion",
        "carry_out",
        "evaluate",
    ]
    (verdict,) = doc["evaluations"]
    assert verdict["outcome"] == "passed"
    assert verdict["rate"]["fraction"] == "15/17"
    # called on the 8th, not the charter's 15th: a special sitting, said so
    (meeting,) = doc["meetings"]
    assert meeting["sitting"] == "special"
    (notice,) = doc["disclosures"]
    assert "协商一致，临时会议）：通过" in notice["text"]["zh"]
    # 15 days (村组法第三十五条), the last one moved past a rest day (民法典第二百零三条)
    assert "公示期：2026-05-10 至 2026-05-25（含）" in notice["text"]["zh"]


def test_the_text_run_marks_the_sitting_and_the_hand_off():
    result = CliRunner().invoke(main, ["run", str(BENCH.relative_to(ROOT))])
    assert result.exit_code == 0, result.output
    assert "例会（每月十五日在古槐树下例会）" in result.output
    assert "⇒ 由“古槐议事会（模板）”移交“四议两公开（村级）”的“党组织提议”" in result.output
    result = CliRunner().invoke(main, ["run", str(SMALL.relative_to(ROOT)), "--lang", "en"])
    assert "special sitting (sits on the 15th of each month" in result.output


# -- routing: the community's catalogue sends a matter type to its procedure -------

AT = dt.datetime(2026, 5, 4, 9)


def _community(rulesets: dict, routes: dict | None = None, default: str | None = None) -> Engine:
    setup = load_scenario(SMALL).setup
    engine = Engine(MemoryStore(), rulesets, default=default, routes=routes)
    engine.execute(setup, AT)
    return engine


def test_a_routed_matter_type_goes_to_its_procedure():
    guhuai, siyi = find("guhuai_yishihui"), find("siyi_liang_gongkai")
    engine = _community({siyi.id: siyi, guhuai.id: guhuai})  # 四议两公开 is the default
    engine.execute(
        c.ProposeMatter(
            actor="v040", matter="a", title="清理柴草", matter_type="village_environment"
        ),
        AT,
    )
    engine.execute(c.ProposeMatter(actor="p01", matter="b", title="无类型事项"), AT)
    assert engine.state.matters["a"].procedure == "guhuai_yishihui"
    assert engine.state.matters["b"].procedure == "siyi_liang_gongkai"


def test_a_community_route_overrides_the_catalogue_and_must_name_a_loaded_procedure():
    siyi = find("siyi_liang_gongkai")
    with pytest.raises(KeyError):
        Engine(MemoryStore(), {siyi.id: siyi}, routes={"village_environment": "guhuai_yishihui"})


def test_one_rule_set_still_refuses_a_type_of_another_procedure():
    guhuai = find("guhuai_yishihui")
    engine = _community({guhuai.id: guhuai})
    with pytest.raises(Refusal) as refused:
        engine.execute(
            c.ProposeMatter(
                actor="v040", matter="x", title="t", matter_type="public_welfare_project"
            ),
            AT,
        )
    assert refused.value.code == "unknown_matter_type"


def test_scenario_routes_are_checked_with_their_location(tmp_path: Path):
    text = SMALL.read_text(encoding="utf-8").replace(
        'use = ["guhuai_yishihui", "siyi_liang_gongkai"]',
        'use = ["guhuai_yishihui", "siyi_liang_gongkai"]\n'
        'routes = { village_environment = "bandenghui", homestead_allocation = "guhuai_yishihui" }',
    )
    (tmp_path / "guhuai_village.toml").write_text(
        (EXAMPLES / "guhuai_village.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    scenario = tmp_path / "s.toml"
    scenario.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(scenario), "--lang", "en"])
    assert result.exit_code != 0
    assert "community.procedures.routes.village_environment" in result.output
    assert "community.procedures.routes.homestead_allocation" in result.output
    # both point at the line of the routes table in the scenario file
    routes_line = (
        text.splitlines().index(next(x for x in text.splitlines() if x.startswith("routes"))) + 1
    )
    assert result.output.count(f"s.toml:{routes_line}:") == 2, result.output


def test_a_scenario_needs_a_ruleset_or_procedures(tmp_path: Path):
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        'schema_version = 1\ntitle = "t"\n[community]\nname = "x"\n[[actions]]\n'
        'at = 2026-05-04\nactor = "a"\ndo = "propose"\nmatter = "m"\ntitle = "t"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["run", str(scenario), "--lang", "en"])
    assert result.exit_code != 0 and "ruleset" in result.output


# -- the engine refuses a hand-off it cannot carry out --------------------------------


def test_a_hand_off_to_a_procedure_not_loaded_is_refused_and_writes_nothing():
    guhuai = find("guhuai_yishihui")
    engine = _community({guhuai.id: guhuai})
    engine.execute(
        c.ProposeMatter(
            actor="v040", matter="m", title="修路", matter_type="public_welfare_consultation"
        ),
        AT,
    )
    engine.execute(
        c.ConveneMeeting(
            actor="p04", matter="m", meeting="k", date=dt.date(2026, 5, 15), method="hand_count"
        ),
        AT,
    )
    day = dt.datetime(2026, 5, 15, 9)
    engine.execute(
        c.CheckIn(actor="p04", meeting="k", people=("p03", "p04", "p05", "p07", "p10", "v001")), day
    )
    engine.execute(c.EnterHandCount(actor="p04", meeting="k", yes=6, no=0, abstain=0), day)
    size = engine.store.head().size
    with pytest.raises(Refusal) as refused:
        engine.execute(c.CloseMeeting(actor="p04", meeting="k"), day)
    assert refused.value.code == "handoff_target_missing"
    assert "procedures.use" in refused.value.message("en")
    assert engine.store.head().size == size


# -- replay equals incremental state across hand-offs --------------------------------


def test_replay_of_a_handed_off_matter_equals_its_state_at_every_step():
    report = run_scenario(load_scenario(BENCH))
    events = report.all_events()
    assert any(isinstance(e, ev.MatterHandedOff) for e in events)
    assert replay(events) == report.engine.state
    # and every prefix: the fold of a hand-off never depends on what comes after
    for n in (i + 1 for i, e in enumerate(events) if isinstance(e, ev.MatterHandedOff)):
        assert replay(events[:n]).matters["m14"].procedure == events[n - 1].procedure


def test_a_stored_log_reopens_with_the_procedures_its_rules_hand_to(tmp_path: Path):
    path = tmp_path / "log.db"
    store = SQLiteStore(path)
    report = run_scenario(load_scenario(BENCH), store=store)
    state = report.engine.state
    store.close()
    engine = open_engine(path, rules=[EXAMPLES / "yuanluo_bandenghui.toml"])
    try:
        assert set(engine.rulesets) == {
            "yuanluo_bandenghui",
            "guhuai_yishihui",
            "siyi_liang_gongkai",
        }
        assert engine.state == state
        assert engine.state.matters["m14"].ruleset_digest == find("siyi_liang_gongkai").digest
    finally:
        engine.store.close()


# -- the routes are in the log --------------------------------------------------------


def test_a_log_replayed_without_the_scenario_routes_a_new_matter_the_same_way(tmp_path: Path):
    path = tmp_path / "log.db"
    store = SQLiteStore(path)
    scenario = load_scenario(BENCH)
    report = run_scenario(scenario, store=store)
    store.close()
    # Only the log, and the local rule set kept beside it as `yishi run --db` keeps it.
    (tmp_path / "yuanluo_bandenghui.toml").write_bytes(
        (EXAMPLES / "yuanluo_bandenghui.toml").read_bytes()
    )
    engine = open_engine(path)
    try:
        assert engine.state.routes == dict(scenario.routes) and scenario.routes
        assert engine.state.procedures == (
            "yuanluo_bandenghui",
            "guhuai_yishihui",
            "siyi_liang_gongkai",
        )
        assert engine.default == report.engine.default == "yuanluo_bandenghui"
        for matter_type, procedure in scenario.routes:
            new = c.ProposeMatter(actor="v040", matter="n", title="t", matter_type=matter_type)
            assert engine.ruleset_for(new).id == report.engine.ruleset_for(new).id == procedure
        untyped = c.ProposeMatter(actor="v011", matter="n", title="t")
        assert engine.ruleset_for(untyped).id == "yuanluo_bandenghui"
        engine.execute(
            c.ProposeMatter(
                actor="v040", matter="n1", title="清理柴草", matter_type="village_environment"
            ),
            dt.datetime(2026, 6, 1, 9),
        )
        assert engine.state.matters["n1"].procedure == "guhuai_yishihui"
    finally:
        engine.store.close()


def _gongyue_community(path: Path, routes: tuple = ()) -> None:
    """A village and community both offering 议定公约 (yishi_yiyue): only a route decides."""
    store = SQLiteStore(path)
    procedures = ("siyi_liang_gongkai", "cungui_minyue", "jumin_gongyue")
    engine = Engine(store, {p: find(p) for p in procedures}, routes=dict(routes))
    setup = load_scenario(SMALL).setup
    if routes:
        setup = attrs.evolve(setup, procedures=procedures, routes=routes)
    engine.execute(setup, AT)
    store.close()


def test_a_recorded_route_decides_where_the_catalogue_alone_would_not(tmp_path: Path):
    routed, plain = tmp_path / "routed.db", tmp_path / "plain.db"
    _gongyue_community(routed, (("yishi_yiyue", "jumin_gongyue"),))
    _gongyue_community(plain)
    new = c.ProposeMatter(actor="p01", matter="g", title="修订公约", matter_type="yishi_yiyue")
    reopened = open_engine(routed)
    try:
        assert reopened.ruleset_for(new).id == "jumin_gongyue"  # the route, read from the log
    finally:
        reopened.store.close()
    # Without the route, both procedures offer the type and the first by id is taken.
    procedures = ("siyi_liang_gongkai", "cungui_minyue", "jumin_gongyue")
    unrouted = Engine(MemoryStore(), {p: find(p) for p in procedures})
    assert unrouted.ruleset_for(new).id == "cungui_minyue"
    # A log that recorded nothing of the kind (as every log before the record existed):
    # it reopens knowing only the procedures its matters name, here none but the default.
    reopened = open_engine(plain)
    try:
        assert reopened.state.routes == {} and reopened.state.procedures == ()
        assert list(reopened.rulesets) == ["siyi_liang_gongkai"]
    finally:
        reopened.store.close()


def test_setting_up_again_records_the_routes_only_when_they_change():
    siyi, guhuai = find("siyi_liang_gongkai"), find("guhuai_yishihui")
    engine = Engine(MemoryStore(), {siyi.id: siyi, guhuai.id: guhuai})
    procedures = (siyi.id, guhuai.id)
    first = c.SetUpCommunity(
        actor="a", procedures=procedures, routes=(("village_environment", guhuai.id),)
    )
    assert [e.type for e in engine.execute(first, AT)] == ["ProceduresRecorded"]
    assert engine.execute(first, AT) == []  # the same again: nothing new to record
    changed = attrs.evolve(first, routes=(("village_environment", siyi.id),))
    assert [e.type for e in engine.execute(changed, AT)] == ["ProceduresRecorded"]
    assert engine.state.routes == {"village_environment": siyi.id}
    # A route must name one of the community's procedures.
    with pytest.raises(Refusal) as refused:
        engine.execute(attrs.evolve(first, routes=(("village_environment", "bandenghui"),)), AT)
    assert refused.value.code == "unknown_ref"
    assert "routes.village_environment" in refused.value.message("en")


def test_a_one_procedure_log_records_no_routes_and_reopens_as_before(tmp_path: Path):
    path = tmp_path / "log.db"
    store = SQLiteStore(path)
    report = run_scenario(load_scenario(EXAMPLES / "01_land_lease_passes.toml"), store=store)
    assert not [e for e in report.all_events() if e.type == "ProceduresRecorded"]
    store.close()
    engine = open_engine(path)
    try:
        assert engine.head_hash == report.engine.head_hash
        assert engine.state.matters == report.engine.state.matters
        assert engine.routes == {} and engine.default == "siyi_liang_gongkai"
    finally:
        engine.store.close()


# -- `yishi check` of hand-offs -----------------------------------------------------

COUNCIL = (ROOT / "rulesets" / "guhuai_yishihui.toml").read_text(encoding="utf-8")
RULE = 'procedure = "siyi_liang_gongkai", stage = "propose", matter_type = "public_welfare_project"'


def _check(text: str, tmp_path: Path) -> list:
    path = tmp_path / "council.toml"
    path.write_text(text, encoding="utf-8")
    _, problems = check_text(text.encode(), str(path))
    return [p for p in problems if p.code != "template_value"]


def test_the_shipped_council_checks_clean(tmp_path: Path):
    assert _check(COUNCIL, tmp_path) == []


@pytest.mark.parametrize(
    ("replacement", "code", "severity", "path_end"),
    [
        # entering 四议两公开 past the Party's proposal skips a statutory meeting
        (RULE.replace('"propose"', '"consult"'), "below_floor", "error", "on_pass.stage"),
        (RULE.replace('"propose"', '"vote"'), "bad_ref", "error", "on_pass.stage"),
        (RULE.replace("public_welfare_project", "no_such_type"), "bad_ref", "error", "matter_type"),
        (RULE.replace("siyi_liang_gongkai", "nowhere"), "bad_ref", "warning", "procedure"),
        (RULE.replace("siyi_liang_gongkai", "guhuai_yishihui"), "bad_value", "error", "procedure"),
        (RULE.replace(', stage = "propose"', ""), "missing", "error", "on_pass.stage"),
    ],
)
def test_check_finds_a_wrong_hand_off(tmp_path, replacement, code, severity, path_end):
    text = COUNCIL.replace(RULE, replacement, 1)
    found = _check(text, tmp_path)
    assert [(p.code, p.severity) for p in found] == [(code, severity)], found
    (problem,) = found
    assert problem.path.startswith("matter_types.public_welfare_consultation.overrides.deliberate")
    assert problem.path.endswith(path_end)
    assert problem.line is not None and "hand_off" in text.splitlines()[problem.line - 1]


def test_a_hand_off_target_beside_the_file_is_found(tmp_path: Path):
    """A community's own copy of 四议两公开 next to its council file is the one checked."""
    local = (ROOT / "rulesets" / "siyi_liang_gongkai.toml").read_text(encoding="utf-8")
    (tmp_path / "siyi_liang_gongkai.toml").write_text(
        local.replace('id = "propose"', 'id = "party_proposes"', 1)
        .replace('absorbs = "propose"', 'absorbs = "party_proposes"')
        .replace('stage = "propose"', 'stage = "party_proposes"'),
        encoding="utf-8",
    )
    found = _check(COUNCIL, tmp_path)
    assert {(p.code, p.found) for p in found} == {("bad_ref", "propose")}


# -- the graph and the sitting rhythm ------------------------------------------------


def test_graph_draws_the_hand_off_to_the_other_procedure():
    council, siyi = find("guhuai_yishihui"), find("siyi_liang_gongkai")
    drawn = flow(council, "zh", {siyi.id: siyi})
    target = next(n for n in drawn.nodes if n.kind == "handoff")
    assert target.title == "移交：四议两公开（村级）" and target.lines == ("进入：党组织提议",)
    edges = [e for e in drawn.edges if e.target == target.id]
    assert {e.kind for e in edges} == {"handoff"} and len(edges) == 2
    assert edges[0].source == "deliberate"
    assert "例会：每月十五日在古槐树下例会（其他日子为临时会议）" in drawn.nodes[1].lines
    result = CliRunner().invoke(main, ["graph", "guhuai_yishihui", "--format", "mermaid"])
    assert "移交：四议两公开（村级）" in result.output


@pytest.mark.parametrize(
    ("days", "day", "regular"),
    [
        ((15,), dt.date(2026, 4, 15), True),
        ((15,), dt.date(2026, 4, 16), False),
        ((31,), dt.date(2026, 2, 28), True),  # past the month's end: its last day
        ((31,), dt.date(2026, 4, 30), True),
        ((31,), dt.date(2026, 5, 30), False),
        ((1, 15), dt.date(2026, 5, 1), True),
    ],
)
def test_a_regular_sitting_is_a_charter_day(days, day, regular):
    assert Sittings(days, "例会").regular(day) is regular


def test_the_shipped_council_has_the_bodies_the_charter_names():
    council = load(ROOT / "rulesets" / "guhuai_yishihui.toml")
    body = council.bodies["guhuai_council"]
    assert set(body.role_names.values()) >= {"两委成员", "党员", "村民代表", "乡贤能人"}
    assert body.sittings is not None and body.sittings.days_of_month == (15,)
    assert not council.statutory
    quote = council.legal_basis[0].quote
    assert "需要提交村民会议或者村民代表会议的，应当召集会议讨论决定" in quote


def test_a_matter_type_changes_only_a_meeting_outcome(tmp_path: Path):
    text = COUNCIL + (
        "\n[matter_types.village_environment.overrides.evaluate]\n"
        'on_pass = { action = "goto", stage = "carry_out" }\n'
    )
    found = _check(text, tmp_path)
    assert [(p.code, p.path) for p in found] == [
        ("inconsistent", "matter_types.village_environment.overrides.evaluate.on_pass")
    ]


def test_yishi_verify_rebuilds_a_handed_off_notice_as_posted(tmp_path: Path):
    """A paper notice of 四议两公开 that carries the councils' decisions checks out
    against the log: `yishi verify` prints it again under the same procedures."""
    from yishi.publish.files import render_markdown
    from yishi.publish.notice import build_notice

    db = tmp_path / "log.db"
    ran = CliRunner().invoke(main, ["run", str(BENCH.relative_to(ROOT)), "--db", str(db)])
    assert ran.exit_code == 0, ran.output
    engine = open_engine(db, rules=[EXAMPLES / "yuanluo_bandenghui.toml"])
    try:
        posted = engine.state.disclosures["m14-resolution"]
        position = next(
            s.position
            for s in engine.store.read_all()
            if getattr(s.event, "disclosure", None) == posted.id
        )
        siyi = engine.rulesets["siyi_liang_gongkai"]
        notice = build_notice(posted, engine.state, siyi, position, engine.rulesets)
    finally:
        engine.store.close()
    assert "〔古槐议事会（模板）〕" in notice.text
    paper = tmp_path / "公示-m14.md"
    text = render_markdown(notice)  # as the files publisher writes it
    paper.write_text(text, encoding="utf-8")
    checked = CliRunner().invoke(
        main, ["verify", "--db", str(db), "--notices", str(paper), "--json"]
    )
    assert checked.exit_code == 0, checked.output
    report = json.loads(checked.output)
    assert report["damage"] == []
    paper.write_text(text.replace("〔古槐议事会（模板）〕", ""), encoding="utf-8")
    changed = CliRunner().invoke(
        main, ["verify", "--db", str(db), "--notices", str(paper), "--json"]
    )
    assert [d["code"] for d in json.loads(changed.output)["damage"]] == ["verify_notice_mismatch"]


def test_a_council_meeting_entered_from_paper_hands_a_major_matter_on():
    guhuai, siyi = find("guhuai_yishihui"), find("siyi_liang_gongkai")
    engine = _community({guhuai.id: guhuai, siyi.id: siyi})
    engine.execute(
        c.ProposeMatter(
            actor="v040", matter="m", title="修路", matter_type="public_welfare_consultation"
        ),
        AT,
    )
    engine.execute(
        c.EnterRecord(
            actor="p03",
            matter="m",
            stage="deliberate",
            held_on=dt.date(2026, 4, 15),
            outcome="passed",
            minutes="古槐议事会四月例会记录第 3 页",
            counts=(("present", 8), ("yes", 7), ("no", 1), ("abstain", 0)),
        ),
        AT,
    )
    matter = engine.state.matters["m"]
    assert (matter.procedure, matter.stage, matter.matter_type) == (
        "siyi_liang_gongkai",
        "propose",
        "public_welfare_project",
    )
    assert matter.recorded[0]["stage"] == "deliberate"
    # the 四议两公开 notice names the council's paper meeting in the council's words
    from yishi.domain.disclosure import disclosure_content
    from yishi.publish.notice import recorded_lines

    content = disclosure_content(engine.state, matter, "")
    assert content["recorded"][0]["procedure"] == "guhuai_yishihui"
    (line,) = recorded_lines(content["recorded"], siyi, "zh", engine.rulesets)[2:]
    assert line.startswith("- 2026-04-15 〔古槐议事会（模板）〕古槐议事会协商（古槐议事会）：通过")


def test_the_scenario_schema_offers_procedures_and_the_rule_set_schema_hand_off():
    scenario = json.loads(CliRunner().invoke(main, ["schema", "--scenario"]).output)
    procedures = scenario["properties"]["community"]["properties"]["procedures"]
    assert procedures["required"] == ["use"] and "routes" in procedures["properties"]
    assert "ruleset" not in scenario.get("required", [])
    rules = CliRunner().invoke(main, ["schema"]).output
    assert '"hand_off"' in rules and '"days_of_month"' in rules


def test_a_meeting_left_open_in_the_earlier_procedure_cannot_go_on():
    """Both councils call their step "deliberate": a meeting convened under the first
    is not the second's, even though the stage ids match."""
    from yishi.domain.decide import decide

    guhuai = find("guhuai_yishihui")
    setup = load_scenario(SMALL).setup
    state = replay([])
    log = decide(state, setup, guhuai, AT)
    state = replay(log)
    moves = [
        ev.MatterProposed(
            at=AT,
            actor="v040",
            matter="m",
            title="t",
            matter_type=None,
            procedure="earlier_council",
            ruleset_digest="",
        ),
        ev.StageEntered(at=AT, actor="v040", matter="m", stage="deliberate"),
        ev.MeetingConvened(
            at=AT,
            actor="p04",
            matter="m",
            meeting="k",
            stage="deliberate",
            body="guhuai_council",
            date=AT.date(),
            method="hand_count",
        ),
        ev.MatterHandedOff(
            at=AT,
            actor="p04",
            matter="m",
            from_procedure="earlier_council",
            from_stage="deliberate",
            procedure="guhuai_yishihui",
            stage="deliberate",
        ),
        ev.StageEntered(at=AT, actor="p04", matter="m", stage="deliberate"),
    ]
    state = replay([*log, *moves])
    with pytest.raises(Refusal) as refused:
        decide(state, c.CheckIn(actor="p04", meeting="k", people=("p03",)), guhuai, AT)
    assert refused.value.code == "meeting_of_earlier_procedure"
    # named by its council and day, not its id "k"
    assert refused.value.message("zh").startswith(f"古槐议事会会议（{AT.date()}）属于事项“t”")
    assert refused.value.message("en").startswith(f"Old Locust Tree council meeting ({AT.date()})")
    assert state.matters["m"].open_meeting(state) is None


def test_the_board_calls_a_meeting_what_naming_calls_it_not_meeting_of_a_meeting():
    """The English board read "Meeting of the Joint meeting of the two committees called
    for …": a body named as a meeting is called by its name, as domain/naming.py does,
    and a committee meets in its meeting, in both languages."""
    siyi = find("siyi_liang_gongkai")

    def called(body: str, lang: str) -> str | None:
        convened = ev.MeetingConvened(
            at=AT,
            actor="p04",
            matter="m",
            meeting="k",
            stage="s",
            body=body,
            date=AT.date(),
            method="show_of_hands",
            place="村委会",
        )
        return describe(convened, replay([]), siyi, lang)

    day = AT.date()
    assert called("two_committees", "en") == (
        f"Joint meeting of the two committees called for {day}, 村委会"
    )
    assert called("two_committees", "zh") == f"召集村“两委”联席会议，定于 {day}，村委会"
    assert called("party_branch_committee", "en") == (
        f"Village Party branch committee meeting called for {day}, 村委会"
    )
    assert called("party_branch_committee", "zh") == f"召集村党支部委员会会议，定于 {day}，村委会"


def test_an_unknown_procedure_in_use_is_named_where_it_is_written(tmp_path: Path):
    text = SMALL.read_text(encoding="utf-8").replace(
        'use = ["guhuai_yishihui", "siyi_liang_gongkai"]',
        'use = ["guhuai_yishihui", "no_such_council"]',
    )
    (tmp_path / "guhuai_village.toml").write_text(
        (EXAMPLES / "guhuai_village.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    scenario = tmp_path / "s.toml"
    scenario.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(scenario)])
    line = text.splitlines().index('use = ["guhuai_yishihui", "no_such_council"]') + 1
    assert result.exit_code == 1
    assert f"s.toml:{line}: 错误: community.procedures.use[1]:" in result.output
    assert "实际为：no_such_council" in result.output


def test_an_open_engine_routes_by_what_the_log_last_recorded():
    siyi, guhuai = find("siyi_liang_gongkai"), find("guhuai_yishihui")
    rulesets = {siyi.id: siyi, guhuai.id: guhuai}
    store = MemoryStore()
    # This engine was built with the routes of its scenario ...
    engine = Engine(store, rulesets, routes={"village_environment": guhuai.id})
    matter = c.ProposeMatter(
        actor="a", matter="x1", title="清理河道", matter_type="village_environment"
    )
    assert engine.ruleset_for(matter).id == guhuai.id
    # ... and another engine on the same log records other ones.
    other = Engine(store, rulesets)
    other.execute(
        c.SetUpCommunity(
            actor="a", procedures=(siyi.id, guhuai.id), routes=(("village_environment", siyi.id),)
        ),
        AT,
    )
    engine.catch_up()
    assert engine.ruleset_for(matter).id == siyi.id
