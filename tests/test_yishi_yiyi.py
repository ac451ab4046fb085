"""一事一议 筹资筹劳: households counted through their 村民代表, the signed canvass
that gates the vote, proposals by petition, township review, and the rule-set keys
(quorum_also, canvass, petitions) that carry them."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies import household_assignments
from tests.conftest import ROOT
from yishi.domain.counting import Base, Comparator, Requirement, check
from yishi.domain.membership import represented_households
from yishi.domain.state import Household, Person, State
from yishi.report import to_json
from yishi.rulesets.loader import check_text, load
from yishi.scenario import load_scenario, run_scenario

RULESET = ROOT / "rulesets" / "yishi_yiyi.toml"
TWO_THIRDS = Requirement(Base.HOUSEHOLDS_REPRESENTED, Fraction(2, 3), Comparator.GTE)


def _village(assignment: list[int], reps: int) -> State:
    """Households h0… each answered for by representative r<assignment[i]> (-1: none)."""
    state = State()
    for r in range(reps):
        state.people[f"r{r}"] = Person(f"r{r}", f"代表{r}", adult=True)
    for i, rep in enumerate(assignment):
        state.households[f"h{i}"] = Household(
            f"h{i}", f"第{i}户", represented_by=f"r{rep}" if rep >= 0 else None
        )
    return state


# -- the counting base -------------------------------------------------------


@given(households=st.integers(min_value=1, max_value=600))
def test_exactly_two_thirds_of_households_is_quorate_and_one_fewer_is_not(households):
    """以上 includes the number itself: ⌈2n/3⌉ households pass, one fewer fails."""
    needed = math.ceil(Fraction(2 * households, 3))
    at = check(TWO_THIRDS, "quorum", needed, households)
    assert at.met and at.minimum == needed
    assert not check(TWO_THIRDS, "quorum", needed - 1, households).met
    assert Fraction(needed, households) >= Fraction(2, 3) > Fraction(needed - 1, households)


@given(data=st.data(), village=household_assignments())
def test_households_are_counted_once_through_their_own_representative(data, village):
    reps, assignment = village
    present = data.draw(st.sets(st.integers(0, reps - 1)))
    state = _village(assignment, reps)
    here = [f"r{r}" for r in present]
    counted = represented_households(state, here, set(state.households))
    assert len(counted) == sum(1 for rep in assignment if rep in present)
    # Order of arrival and repeated sign-in change nothing.
    assert counted == represented_households(state, list(reversed(here)) + here, state.households)
    # A household with no representative on record is never counted.
    assert all(state.households[h].represented_by is not None for h in counted)


def test_explanation_counts_households_not_people():
    text = check(TWO_THIRDS, "quorum", 39, 60).explain("zh")
    assert "到会代表所代表 39 户" in text and "60 户" in text and "至少 40 户" in text
    assert "未达到" in text
    assert "39 households" in check(TWO_THIRDS, "quorum", 39, 60).explain("en")


# -- the scenarios at the boundary ----------------------------------------------


def _run(name: str) -> dict:
    return to_json(run_scenario(load_scenario(ROOT / "examples" / name)))


def _vote(doc: dict, meeting: str) -> dict:
    return next(m for m in doc["meetings"] if m["meeting"] == meeting)


def test_forty_of_sixty_households_pass_exactly():
    vote = _vote(_run("30_yiyi_household_quorum_exact.toml"), "m30-vote")
    assert vote["outcome"] == "passed"
    also = vote["result"]["quorum"]["also"][0]
    assert (also["count"], also["base_value"], also["minimum"], also["met"]) == (40, 60, 40, True)
    members = vote["result"]["quorum"]["checks"][0]
    assert (members["count"], members["base_value"], members["met"]) == (10, 15, True)


def test_thirty_nine_households_fail_though_two_thirds_of_members_attend():
    vote = _vote(_run("31_yiyi_household_quorum_one_short.toml"), "m31-vote")
    assert vote["outcome"] == "no_quorum"
    quorum = vote["result"]["quorum"]
    assert quorum["checks"][0]["met"]  # Art. 30: 10 of 15 members present
    also = quorum["also"][0]
    assert (also["count"], also["base_value"], also["met"]) == (39, 60, False)


def _refusals(name: str) -> dict[int, object]:
    report = run_scenario(load_scenario(ROOT / "examples" / name))
    return {r.step.index: r.refusal for r in report.results if r.refusal is not None}


def test_petition_canvass_and_township_review_refusals():
    refused = list(_refusals("32_yiyi_petition_canvass_township.toml").values())
    codes = [r.code for r in refused]
    assert codes[0] == "petition_short"
    assert "联名 11 人" in refused[0].message("zh") and "至少 12 人" in refused[0].message("zh")
    canvass = next(r for r in refused if r.code == "canvass_incomplete")
    words = canvass.message("zh")
    assert "60 户中尚有 5 户未签字" in words and "坡底第1户" in words and "坡底第5户" in words
    assert "canvass_wrong_representative" in codes
    assert "step_missing" in codes  # implementation before the township's review


def test_three_representatives_of_twelve_may_propose():
    doc = _run("32_yiyi_petition_canvass_township.toml")
    assert doc["matters"][0]["title"].startswith("修建村西蓄水池")


# -- the rule-set keys ----------------------------------------------------------


def _with(text: str, old: str, new: str) -> bytes:
    assert old in text
    return text.replace(old, new).encode()


def test_shipped_rule_set_loads_with_its_keys():
    rs = load(RULESET)
    assert rs.stage("vote").canvass
    also = rs.bodies["representatives_assembly"].rules.quorum_also
    assert also == (TWO_THIRDS,)
    assert [p.requirement.fraction for p in rs.petitions] == [Fraction(1, 10), Fraction(1, 5)]
    assert rs.matter_types["public_welfare_levy"].approval.before == "implement"


def test_quorum_also_on_people_present_is_refused_with_its_place():
    text = RULESET.read_text(encoding="utf-8")
    bad = _with(
        text,
        'quorum_also = { base = "households_represented"',
        'quorum_also = { base = "present"',
    )
    ruleset, problems = check_text(bad, "yiyi.toml")
    assert ruleset is None
    found = [
        p for p in problems if p.path.startswith("bodies.representatives_assembly.quorum_also")
    ]
    assert found and found[0].line is not None


def test_petition_among_representatives_needs_a_body_with_them():
    text = RULESET.read_text(encoding="utf-8")
    bad = _with(text, 'body = "representatives_assembly"\nfraction = "1/5"', 'fraction = "1/5"')
    ruleset, problems = check_text(bad, "yiyi.toml")
    assert ruleset is None
    assert any(p.path == "petitions[1].body" and p.code == "bad_ref" for p in problems)


@given(num=st.integers(1, 12), den=st.integers(1, 12))
def test_loader_keeps_the_household_fraction_exact(num, den):
    text = RULESET.read_text(encoding="utf-8")
    changed = _with(
        text,
        'base = "households_represented", fraction = "2/3"',
        f'base = "households_represented", fraction = "{num}/{den}"',
    )
    ruleset, problems = check_text(changed, "yiyi.toml")
    if Fraction(num, den) > 1:
        assert ruleset is None
        return
    assert ruleset is not None, problems
    (req,) = ruleset.bodies["representatives_assembly"].rules.quorum_also
    assert req.fraction == Fraction(num, den) and req.base is Base.HOUSEHOLDS_REPRESENTED


def test_community_refuses_an_unknown_representative_of_a_household(tmp_path: Path):
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        'schema_version = 1\ntitle = "t"\nruleset = "yishi_yiyi"\n'
        "[community]\n"
        '[[community.households]]\nid = "h1"\nname = "甲户"\nrepresented_by = "nobody"\n'
        '[[community.people]]\nid = "p1"\nname = "甲"\nhousehold = "h1"\nborn = 1970-01-01\n'
        '[[actions]]\nat = 2026-03-02\nactor = "p1"\ndo = "propose"\n'
        'matter = "m1"\ntitle = "t"\n',
        encoding="utf-8",
    )
    report = run_scenario(load_scenario(scenario))
    setup = report.results[0]
    assert setup.refusal is not None and setup.refusal.code == "unknown_ref"
    assert "represented_by" in setup.refusal.message("zh")


def test_canvass_resets_when_the_plan_goes_back_a_step():
    from yishi.domain import events as ev
    from yishi.domain.state import evolve, replay

    at = dt.datetime(2026, 3, 2, 9)
    state = replay(
        [
            ev.MatterProposed(
                at=at,
                actor="a",
                matter="m",
                title="t",
                matter_type=None,
                procedure="x",
                ruleset_digest="",
            ),
            ev.StageEntered(at=at, actor="a", matter="m", stage="vote"),
            ev.HouseholdCanvassed(
                at=at,
                actor="r",
                matter="m",
                household="h",
                representative="r",
                signer="s",
                view="同意",
            ),
        ]
    )
    evolve(state, ev.StageEntered(at=at, actor="a", matter="m", stage="vote"))
    assert "h" in state.matters["m"].canvass  # reconvened: the signatures stand
    evolve(state, ev.StageEntered(at=at, actor="a", matter="m", stage="party_discuss"))
    assert state.matters["m"].canvass == {}  # sent back: canvass again


# -- the plan and its caps --------------------------------------------------------


def _levy_state() -> State:
    from yishi.domain.state import Body, Member

    state = State()
    state.people["a1"] = Person("a1", "主任", adult=True)
    state.bodies["village_committee"] = Body(
        "village_committee", {"a1": Member("a1", ("director",))}
    )
    return state


@given(cents=st.lists(st.integers(0, 2000), min_size=1, max_size=6))
def test_a_years_plans_never_pass_the_money_cap_together(cents):
    from yishi.domain import commands as cmd
    from yishi.domain import levy
    from yishi.domain.errors import Refusal
    from yishi.domain.state import Matter, evolve

    rs = load(RULESET)
    state = _levy_state()
    now = dt.datetime(2026, 3, 2, 9)
    accepted = Fraction(0)
    for i, c in enumerate(cents):
        matter = Matter(f"m{i}", "t", "public_welfare_levy", rs.id, "", "a1", now.date())
        matter.stage = "party_discuss"
        state.matters[matter.id] = matter
        money = f"{c // 100}.{c % 100:02d}"
        command = cmd.RecordLevyPlan(
            actor="a1", matter=matter.id, year=2026, money=money, labour_days="0"
        )
        own = Fraction(c, 100)
        try:
            events = levy.record(state, command, rs, now)
        except Refusal as refusal:
            assert refusal.code in ("levy_above_cap", "levy_above_cap_alone")
            assert accepted + own > 15
            if refusal.code == "levy_above_cap":
                assert f"合计 {levy.show(accepted + own)} 元" in refusal.message("zh")
            else:
                assert accepted == 0 and f"本方案 {levy.show(own)} 元" in refusal.message("zh")
            continue
        assert accepted + own <= 15  # exactly 15 is allowed: 以下 includes the number
        evolve(state, events[0])
        accepted += own
    assert accepted <= rs.levy.money_cap


@given(whole=st.integers(0, 10**6), part=st.integers(0, 99))
def test_amounts_are_exact_and_shown_as_written(whole, part):
    from yishi.domain.levy import amount, show

    value = amount(f"{whole}.{part:02d}")
    assert value == Fraction(whole * 100 + part, 100)
    assert amount(show(value)) == value


@pytest.mark.parametrize("bad", ["1e3", "12.345", "-5", "15%", "", "1/2"])
def test_amounts_other_than_plain_decimals_are_refused(bad):
    from yishi.domain.levy import amount

    with pytest.raises(ValueError):
        amount(bad)


def test_vote_waits_for_the_plan(tmp_path: Path):
    text = (ROOT / "examples" / "30_yiyi_household_quorum_exact.toml").read_text(encoding="utf-8")
    start = text.index("# 筹资筹劳方案")
    end = text.index("# 村党组织研究讨论")
    scenario = tmp_path / "no_plan.toml"
    body = text[:start] + text[end:]
    body = body.replace('community_file = "yiyi_village.toml"', 'community_file = "village.toml"')
    scenario.write_text(body, encoding="utf-8")
    (tmp_path / "village.toml").write_text(
        (ROOT / "examples" / "yiyi_village.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    report = run_scenario(load_scenario(scenario))
    codes = [r.refusal.code for r in report.results if r.refusal is not None]
    assert codes[0] == "levy_plan_missing"


# -- township review, then county review within 7 working days ---------------------


def _approvals(path: Path) -> list:
    from yishi.domain import events as ev

    report = run_scenario(load_scenario(path))
    return [e for e in report.all_events() if isinstance(e, ev.ApprovalRecorded)]


def test_county_reply_is_due_seven_working_days_after_the_township():
    township, county = _approvals(ROOT / "examples" / "32_yiyi_petition_canvass_township.toml")
    assert township.by.startswith("乡（镇）") and township.due == ""
    # 2026-04-15 (Wed) + 7 working days, skipping the weekend of 18-19 April
    assert county.by.startswith("县级") and county.due == "2026-04-24"


def test_a_late_county_reply_is_recorded_with_its_due_date(tmp_path: Path):
    text = (ROOT / "examples" / "32_yiyi_petition_canvass_township.toml").read_text(
        encoding="utf-8"
    )
    late = text.replace("at = 2026-04-22T09:00:00", "at = 2026-04-27T09:00:00").replace(
        "at = 2026-04-23T09:00:00", "at = 2026-04-28T09:00:00"
    )
    late = late.replace('community_file = "yiyi_village.toml"', 'community_file = "v.toml"')
    (tmp_path / "v.toml").write_text(
        (ROOT / "examples" / "yiyi_village.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "late.toml").write_text(late, encoding="utf-8")
    county = _approvals(tmp_path / "late.toml")[-1]
    assert county.due == "2026-04-24" and county.at.date() > dt.date(2026, 4, 24)
    from yishi.report import to_text

    report = run_scenario(load_scenario(tmp_path / "late.toml"))
    assert "答复期限 2026-04-24，已逾期" in to_text(report)


def test_a_paper_record_short_of_the_households_is_refused():
    """补录: a vote held on paper is checked against the same household condition."""
    from yishi.domain.backfill import _check_against_rules
    from yishi.domain.errors import Refusal
    from yishi.domain.rules import meeting_rules

    rs = load(RULESET)
    rules = meeting_rules(rs, rs.stage("vote"), "representatives_assembly", None)
    counts = {"present": 10, "composition": 15, "yes": 8, "scope_households": 60}
    _check_against_rules(rules, {**counts, "households_represented": 40})
    with pytest.raises(Refusal) as refused:
        _check_against_rules(rules, {**counts, "households_represented": 39})
    assert refused.value.code == "record_households_not_met"
    assert "只有 39 户" in refused.value.message("zh") and "至少 40 户" in refused.value.message(
        "zh"
    )


def test_the_board_tells_the_petition_the_plan_and_the_canvass_without_views():
    """The public timeline of example 32 lacked the 联名 petition, the levy plan and
    the 入户征求意见 altogether. It now gives the petition's count, the plan's
    figures and each day's signatures as one count: no household's view."""
    from yishi.publish.timeline import matter_events, timeline

    report = run_scenario(
        load_scenario(ROOT / "examples" / "32_yiyi_petition_canvass_township.toml")
    )
    state, rs = report.engine.state, report.ruleset
    events = matter_events(report.all_events(), "m32")
    rows = {lang: [r["text"] for r in timeline(events, state, rs, lang)] for lang in ("zh", "en")}
    zh = rows["zh"]
    assert any(t.startswith("提出事项") and "联名 3 人" in t and "达到" in t for t in zh)
    assert any(
        t.startswith("筹资筹劳方案") and "每人筹资 10 元" in t and "免筹资 2 人" in t for t in zh
    )
    canvass = [t for t in zh if t.startswith("入户征求意见")]
    assert canvass == ["入户征求意见：55 户签字", "入户征求意见：5 户签字"]
    assert not any("同意" in t for t in canvass)
    assert "Households canvassed: 55 signed" in rows["en"]
    assert any(t.startswith("Levy plan:") for t in rows["en"])
