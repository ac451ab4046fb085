"""The referral stage kind (转办答复, domain/referral.py): send, answer with a
document, overdue by tick, counted per [periods]; fold/replay; `yishi check`."""

from __future__ import annotations

import copy
import datetime as dt

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.strategies import referral_histories
from yishi.cli import main
from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.decide import decide
from yishi.domain.errors import Refusal
from yishi.domain.periods import Counting
from yishi.domain.rules import Action, Transition
from yishi.domain.state import State, evolve, replay
from yishi.rulesets import check_text
from yishi.rulesets import load as load_ruleset
from yishi.scenario import load_scenario, run_scenario

RULESET = load_ruleset(ROOT / "rulesets" / "chuishao_baodao.toml")
START = dt.datetime(2026, 11, 2, 10, 0)


def _base() -> tuple[State, list[ev.Event]]:
    """The 和平里 community with one complaint merged: the matter waits at the whistle."""
    scenario = load_scenario(ROOT / "examples" / "21_chuishao_baodao.toml")
    scenario = attrs.evolve(scenario, steps=tuple(s for s in scenario.steps if s.do != "refer"))
    events = run_scenario(scenario).all_events()
    upto = next(i for i, e in enumerate(events) if isinstance(e, ev.SuggestionDeclined))
    events = events[: upto + 1]
    return replay(events), events


BASE_STATE, BASE_EVENTS = _base()


def _apply(
    state: State, events: list[ev.Event], command: cmd.Command, now: dt.datetime, rs=RULESET
):
    new = decide(state, command, rs, now)
    for event in new:
        evolve(state, event)
    events += new
    return new


def _send(state, events, at, to="街道城管执法队", referral="r1"):
    return _apply(
        state,
        events,
        cmd.SendReferral(actor="j03", matter="m21", referral=referral, to=to, text="请处置"),
        at,
    )


def _answer(state, events, at, resolved=True, document="答复单 1 号"):
    return _apply(
        state,
        events,
        cmd.AnswerReferral(actor="j03", matter="m21", document=document, resolved=resolved),
        at,
    )


def _fresh():
    return copy.deepcopy(BASE_STATE), list(BASE_EVENTS)


def test_the_deadline_counts_working_days_from_the_day_after():
    state, events = _fresh()
    (sent,) = _send(state, events, dt.datetime(2026, 11, 3, 9))
    # Tue 3 Nov + 13 working days: 4–6, 9–13, 16–20 November
    assert sent.due == dt.date(2026, 11, 20)
    assert sent.periods["answer"]["counting"] == "working_days"
    assert sent.periods["answer"]["first_day"] == "2026-11-04"


def test_answer_counting_falls_back_to_the_rule_set():
    stage = attrs.evolve(RULESET.stage("whistle"), answer_counting=None)
    calendar_rs = attrs.evolve(
        RULESET, stages=tuple(stage if s.id == "whistle" else s for s in RULESET.stages)
    )
    state, _ = _fresh()
    (sent,) = decide(
        state,
        cmd.SendReferral(actor="j03", matter="m21", referral="r1", to="城管"),
        calendar_rs,
        dt.datetime(2026, 11, 3, 9),
    )
    assert calendar_rs.counting is Counting.CALENDAR_DAYS
    assert sent.due == dt.date(2026, 11, 16)  # 3 Nov + 13 calendar days


def test_overdue_only_after_the_last_day_and_only_once():
    state, events = _fresh()
    _send(state, events, dt.datetime(2026, 11, 3, 9))
    assert _apply(state, events, cmd.Tick(actor="system"), dt.datetime(2026, 11, 20, 23, 59)) == []
    (overdue,) = _apply(state, events, cmd.Tick(actor="system"), dt.datetime(2026, 11, 21))
    assert isinstance(overdue, ev.ReferralOverdue) and overdue.due == dt.date(2026, 11, 20)
    assert _apply(state, events, cmd.Tick(actor="system"), dt.datetime(2026, 11, 22)) == []
    assert state.referrals["r1"].overdue


def test_an_answer_on_the_last_day_is_in_time_and_the_next_day_late():
    for day, late in ((20, False), (21, True)):
        state, events = _fresh()
        _send(state, events, dt.datetime(2026, 11, 3, 9))
        answered, entered = _answer(state, events, dt.datetime(2026, 11, day, 17))
        assert answered.late is late
        assert entered.stage == "rate"


def test_not_settled_follows_on_reject_and_may_be_sent_again():
    state, events = _fresh()
    _send(state, events, dt.datetime(2026, 11, 3, 9))
    _, entered = _answer(state, events, dt.datetime(2026, 11, 5), resolved=False)
    assert (entered.stage, state.matters["m21"].stage) == ("whistle", "whistle")
    (again,) = _send(state, events, dt.datetime(2026, 11, 6), to="区市场监督管理局", referral="r2")
    assert again.to == "区市场监督管理局"


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (
            cmd.AnswerReferral(actor="j03", matter="m21", document="x", resolved=True),
            "referral_not_sent",
        ),
        (
            cmd.SendReferral(actor="j03", matter="m21", referral="r1", to=" "),
            "referral_needs_recipient",
        ),
        (cmd.SendReferral(actor="h003", matter="m21", referral="r1", to="城管"), "not_authorized"),
        (cmd.Rate(actor="h003", matter="m21", person="h003", rating="满意"), "step_missing"),
    ],
)
def test_refusals_write_nothing(command, code):
    state, _ = _fresh()
    before = copy.deepcopy(state)
    with pytest.raises(Refusal) as refused:
        decide(state, command, RULESET, dt.datetime(2026, 11, 3))
    assert refused.value.code == code
    assert state == before


def test_a_second_send_waits_for_the_answer_and_the_answer_needs_a_document():
    state, events = _fresh()
    _send(state, events, dt.datetime(2026, 11, 3, 9))
    with pytest.raises(Refusal) as waiting:
        _send(state, events, dt.datetime(2026, 11, 4), referral="r2")
    assert waiting.value.code == "referral_waiting"
    assert "2026-11-20" in waiting.value.message("zh")
    with pytest.raises(Refusal) as bare:
        _answer(state, events, dt.datetime(2026, 11, 4), document="  ")
    assert bare.value.code == "referral_needs_document"


@settings(max_examples=60, deadline=None)
@given(referral_histories(), st.booleans())
def test_replay_equals_incremental_state_and_refusals_change_nothing(acts, withdraw_when_overdue):
    rs = RULESET
    if withdraw_when_overdue:  # on_overdue: a tick withdraws the referral and re-enters the stage
        stage = attrs.evolve(
            RULESET.stage("whistle"), on_overdue=Transition(Action.GOTO, stage="whistle")
        )
        rs = attrs.evolve(
            RULESET, stages=tuple(stage if s.id == "whistle" else s for s in RULESET.stages)
        )
    state, events = _fresh()
    now = START
    for n, (days, act) in enumerate(acts):
        now += dt.timedelta(days=days, hours=1)
        command = {
            "send": cmd.SendReferral(actor="j03", matter="m21", referral=f"p{n}", to="城管"),
            "send_other": cmd.SendReferral(
                actor="j03", matter="m21", referral=f"p{n}", to="住建委"
            ),
            "answer_yes": cmd.AnswerReferral(
                actor="j03", matter="m21", document="d", resolved=True
            ),
            "answer_no": cmd.AnswerReferral(
                actor="j03", matter="m21", document="d", resolved=False
            ),
            "tick": cmd.Tick(actor="system"),
            "rate_low": cmd.Rate(actor="h003", matter="m21", person="h003", rating="不满意"),
            "rate_ok": cmd.Rate(actor="h003", matter="m21", person="h003", rating="满意"),
            "close": cmd.CloseEvaluation(actor="j01", matter="m21"),
        }[act]
        before = copy.deepcopy(state)
        try:
            _apply(state, events, command, now, rs)
        except Refusal:
            assert state == before
    assert replay(events) == state
    # at most one referral waits at a time, and every answered one says when
    waiting = [r for r in state.referrals.values() if r.waiting]
    assert len(waiting) <= 1
    assert all(r.due >= r.sent_on for r in state.referrals.values())


def _check(text: str, lang: str = "zh") -> list[str]:
    _, problems = check_text(text.encode(), "bad.toml")
    return [p.message(lang) + f" @{p.path}:{p.line}" for p in problems if p.severity == "error"]


def test_check_requires_the_answer_days_with_its_line():
    source = (ROOT / "rulesets" / "chuishao_baodao.toml").read_text(encoding="utf-8")
    broken = source.replace("answer_days = 13\n", "").replace(
        '  { key = "stages[1].answer_days"', '  # { key = "stages[1].answer_days"'
    )
    (problem,) = _check(broken)
    assert "对方答复期限（至少 1 天）" in problem and "@stages[1].answer_days:" in problem
    line = int(problem.rsplit(":", 1)[1])
    # located at the stage that lacks it
    assert broken.splitlines()[line - 1 : line + 1] == ["[[stages]]", 'id = "whistle"']
    assert "at least 1" in _check(broken, "en")[0]


def test_check_refuses_a_bad_counting_and_a_repeated_recipient():
    source = (ROOT / "rulesets" / "chuishao_baodao.toml").read_text(encoding="utf-8")
    bad = source.replace('answer_counting = "working_days"', 'answer_counting = "hours"')
    assert any("answer_counting" in p for p in _check(bad))
    twice = source.replace(
        "answer_days = 13\n",
        'answer_days = 13\nrecipients = [{ name = "城管" }, { name = "城管" }]\n',
    )
    (problem,) = _check(twice)
    assert "recipients[1].name" in problem


def test_yishi_check_accepts_the_shipped_referral_rule_sets():
    for name in ("chuishao_baodao", "cungui_minyue", "fuwu_paidan", "weixinyuan", "wumin"):
        result = CliRunner().invoke(main, ["check", f"rulesets/{name}.toml"])
        assert result.exit_code == 0, result.output


def test_the_flowchart_draws_both_answers_and_the_deadline():
    from yishi.publish.graph import flow

    drawn = flow(RULESET)
    kinds = {(e.source, e.target, e.kind, e.label.split("：")[0]) for e in drawn.edges}
    assert ("whistle", "rate", "pass", "答复已办结") in kinds
    assert ("whistle", "whistle", "reject", "答复未办结") in kinds
    box = next(n for n in drawn.nodes if n.id == "whistle")
    assert "13 个工作日内答复，逾期公开显示" in box.lines
    english = next(n for n in flow(RULESET, "en").nodes if n.id == "whistle")
    assert "Answer within 13 working days; overdue is shown" in english.lines


def test_on_a_real_sqlite_log_a_refusal_writes_nothing_and_replay_agrees(tmp_path):
    from yishi.engine import Engine
    from yishi.store.sqlite import SQLiteStore

    db = tmp_path / "community.db"
    store = SQLiteStore(db)
    report = run_scenario(load_scenario(ROOT / "examples" / "21_chuishao_baodao.toml"), store=store)
    assert report.unexpected == []
    before = len(list(store.read_all()))
    engine = Engine(store, RULESET)
    with pytest.raises(Refusal):
        engine.execute(
            cmd.AnswerReferral(actor="j03", matter="m21", document="迟到的答复", resolved=True),
            dt.datetime(2026, 12, 20),
        )
    assert len(list(store.read_all())) == before
    store.close()
    reopened = SQLiteStore(db)
    replayed = replay([s.event for s in reopened.read_all()])
    assert replayed.referrals == report.engine.state.referrals
    first = replayed.referrals["m21-r1"]
    assert (first.overdue, first.late, first.resolved) == (True, True, False)
    reopened.close()


def test_on_overdue_withdraws_the_referral_and_moves_on():
    stage = attrs.evolve(
        RULESET.stage("whistle"), on_overdue=Transition(Action.GOTO, stage="whistle")
    )
    moving = attrs.evolve(
        RULESET, stages=tuple(stage if s.id == "whistle" else s for s in RULESET.stages)
    )
    state, _ = _fresh()
    sent = decide(
        state,
        cmd.SendReferral(actor="j03", matter="m21", referral="r1", to="城管"),
        moving,
        dt.datetime(2026, 11, 3, 9),
    )
    for event in sent:
        evolve(state, event)
    assert decide(state, cmd.Tick(actor="system"), moving, dt.datetime(2026, 11, 20, 23)) == []
    overdue, entered = decide(state, cmd.Tick(actor="system"), moving, dt.datetime(2026, 11, 21))
    assert overdue.withdrawn and entered.stage == "whistle"
    assert "城管未在 2026-11-20 前答复" in entered.reason
    for event in (overdue, entered):
        evolve(state, event)
    assert not state.referrals["r1"].waiting
    # nothing waits any more: no answer to record, and it may be sent again at once
    with pytest.raises(Refusal) as nothing:
        decide(
            state,
            cmd.AnswerReferral(actor="j03", matter="m21", document="d", resolved=True),
            moving,
            dt.datetime(2026, 11, 22),
        )
    assert nothing.value.code == "referral_not_sent"
    decide(
        state,
        cmd.SendReferral(actor="j03", matter="m21", referral="r2", to="住建委"),
        moving,
        dt.datetime(2026, 11, 22),
    )


def test_check_follows_on_overdue_to_a_real_stage():
    source = (ROOT / "rulesets" / "fuwu_paidan.toml").read_text(encoding="utf-8")
    bad = source.replace(
        'on_overdue = { action = "goto", stage = "dispatch" }',
        'on_overdue = { action = "goto", stage = "nowhere" }',
    )
    problems = _check(bad)
    assert any("on_overdue" in p and "nowhere" in p for p in problems), problems
