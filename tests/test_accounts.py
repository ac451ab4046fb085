"""Accounts against the budget: the parse of money, the two commands, the fold
(replay = incremental), the summary a notice prints, and the scenario actions."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strategies import account_items, yuan_texts
from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.accounts import MAX_FEN, AmountError, from_events, summarize, to_fen, yuan
from yishi.domain.decide import decide
from yishi.domain.errors import Refusal, ReplayError
from yishi.domain.state import State, evolve, replay
from yishi.rulesets.problems import RuleSetError
from yishi.scenario.format import load_scenario
from yishi.scenario.run import run_scenario

ROOT = Path(__file__).resolve().parents[1]
ELEVATOR = ROOT / "examples" / "07_community_elevator.toml"
CUT = "# 实施阶段记账"


# -- money ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "fen"),
    [("12000", 1200000), ("12000.5", 1200050), ("0.01", 1), (" 7.20 ", 720), (15, 1500)],
)
def test_amounts_parse_to_whole_fen(amount: object, fen: int) -> None:
    assert to_fen(amount) == fen
    assert to_fen(Decimal(yuan(fen))) == fen


@pytest.mark.parametrize(
    "amount", ["1.234", "0", "0.00", "-5", "一万", "", "1e3", "1,000", 12.5, True, None]
)
def test_amounts_that_are_not_money_are_refused(amount: object) -> None:
    with pytest.raises(AmountError):
        to_fen(amount)


def test_the_limit_is_a_sum_not_a_digit_count() -> None:
    assert to_fen(yuan(MAX_FEN)) == MAX_FEN
    with pytest.raises(AmountError):
        to_fen(yuan(MAX_FEN + 1))


def test_a_float_never_reaches_a_command() -> None:
    with pytest.raises(TypeError):
        cmd.BudgetLine(item="水泥", amount=0.1)  # type: ignore[arg-type]
    assert cmd.BudgetLine(item="水泥", amount=Decimal("0.10")).amount == "0.10"


@given(st.integers(-(10**14), 10**14))
def test_yuan_text_round_trips(fen: int) -> None:
    text = yuan(fen)
    assert Decimal(text) * 100 == fen


# -- the matter at its execution stage (example 07 up to its accounts) ----------------


@pytest.fixture(scope="module")
def executing(tmp_path_factory: pytest.TempPathFactory) -> tuple[State, list[ev.Event], object]:
    text = ELEVATOR.read_text(encoding="utf-8")
    folder = tmp_path_factory.mktemp("elevator")
    cut = folder / "elevator.toml"
    cut.write_text(
        text[: text.index(CUT)].replace("until = 2026-11-30", "until = 2026-11-05T07:00:00")
    )
    report = run_scenario(load_scenario(cut))
    events = report.all_events()
    state = replay(events)
    assert state.matters["m7"].stage == "implement"
    return state, events, report.ruleset


AT = dt.datetime(2026, 11, 5, 8, 0)
CLERK = "s02"


def _do(state: State, ruleset: object, command: cmd.Command) -> list[ev.Event]:
    events = decide(state, command, ruleset, AT)  # type: ignore[arg-type]
    for e in events:
        evolve(state, e)
    return events


def _budget(**kw: object) -> cmd.RecordBudget:
    fields: dict[str, object] = {
        "actor": CLERK,
        "matter": "m7",
        "lines": (
            cmd.BudgetLine(item="设备", amount="100"),
            cmd.BudgetLine(item="人工", amount="50.5"),
        ),
        "source": "居民代表会议决议",
    }
    return cmd.RecordBudget(**(fields | kw))  # type: ignore[arg-type]


def _spend(item: str, amount: str, **kw: object) -> cmd.RecordAccountEntry:
    return cmd.RecordAccountEntry(actor=CLERK, matter="m7", item=item, amount=amount, **kw)  # type: ignore[arg-type]


def test_budget_and_spending_fold_into_the_matter(executing) -> None:
    state, _, ruleset = copy.deepcopy(executing)
    _do(state, ruleset, _budget())
    _do(state, ruleset, _spend("设备", "120", document="发票 1"))
    _do(state, ruleset, _spend("人工", "20"))
    _do(state, ruleset, _spend("茶水", "3.5"))
    _do(state, ruleset, _spend("补贴", "500", kind="income"))
    summary = summarize(state.matters["m7"].accounts)
    lines = {line["item"]: line for line in summary["lines"]}
    assert lines["设备"] | {} == lines["设备"] and lines["设备"]["over"] == 2000
    assert lines["人工"]["remaining"] == 3050 and lines["人工"]["over"] == 0
    assert lines["茶水"]["unbudgeted"] and lines["茶水"]["over"] == 350
    assert summary["total"]["budget"] == 15050 and summary["total"]["spent"] == 14350
    assert summary["income"] == 50000
    assert state.matters["m7"].accounts.entries[0].document == "发票 1"


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (_spend("设备", "1"), "no_budget"),
        (_budget(lines=()), "empty_budget"),
        (_budget(source=" "), "budget_source_missing"),
        (_budget(lines=(cmd.BudgetLine(item="设备", amount="1.001"),)), "bad_amount"),
        (_budget(lines=(cmd.BudgetLine(item=" ", amount="1"),)), "empty_account_item"),
        (
            _budget(
                lines=(cmd.BudgetLine(item="a", amount="1"), cmd.BudgetLine(item="a", amount="2"))
            ),
            "budget_item_twice",
        ),
        (_budget(actor="r040"), "not_authorized"),
        (_spend("补贴", "1", kind="refund"), "bad_value"),
    ],
)
def test_bad_accounts_are_refused_in_words(executing, command: cmd.Command, code: str) -> None:
    state, _, ruleset = copy.deepcopy(executing)
    with pytest.raises(Refusal) as refused:
        _do(state, ruleset, command)
    assert refused.value.code == code
    for lang in ("zh", "en"):
        assert "{" not in refused.value.message(lang)


def test_a_second_budget_is_refused_and_a_replayed_one_too(executing) -> None:
    state, events, ruleset = copy.deepcopy(executing)
    first = _do(state, ruleset, _budget())
    with pytest.raises(Refusal) as refused:
        _do(state, ruleset, _budget())
    assert refused.value.code == "budget_recorded" and "150.50" in refused.value.message("zh")
    with pytest.raises(ReplayError):
        replay([*events, *first, *first])


def test_accounts_outside_execution_are_refused(executing) -> None:
    state, _, ruleset = copy.deepcopy(executing)
    state.matters["m7"].stage = "resolve"
    with pytest.raises(Refusal) as refused:
        _do(state, ruleset, _budget())
    assert refused.value.code in ("step_missing", "wrong_stage_kind")


def test_a_stage_that_keeps_accounts_cannot_complete_without_a_budget(executing) -> None:
    import attrs

    state, _, ruleset = copy.deepcopy(executing)
    stages = tuple(
        attrs.evolve(s, accounts=True, supervisor=()) if s.id == "implement" else s
        for s in ruleset.stages
    )
    keeping = attrs.evolve(ruleset, stages=stages)
    with pytest.raises(Refusal) as refused:
        _do(state, keeping, cmd.CompleteExecution(actor=CLERK, matter="m7"))
    assert refused.value.code == "needs_budget"
    _do(state, keeping, _budget())
    done = _do(state, keeping, cmd.CompleteExecution(actor=CLERK, matter="m7"))
    assert isinstance(done[0], ev.ExecutionCompleted)


def test_a_rule_set_says_its_execution_stage_keeps_accounts(tmp_path: Path) -> None:
    from yishi.rulesets.loader import load

    text = (ROOT / "rulesets" / "siyi_liang_gongkai_shequ.toml").read_text(encoding="utf-8")
    assert text.count('kind = "execution"\n') == 1
    for value, expected in (("true", True), ("false", False)):
        path = tmp_path / f"keeps_{value}.toml"
        path.write_text(
            text.replace('kind = "execution"\n', f'kind = "execution"\naccounts = {value}\n'),
            encoding="utf-8",
        )
        (stage,) = [s for s in load(path).stages if s.kind.value == "execution"]
        assert stage.accounts is expected
    path = tmp_path / "keeps_yes.toml"
    path.write_text(
        text.replace('kind = "execution"\n', 'kind = "execution"\naccounts = "yes"\n'),
        encoding="utf-8",
    )
    with pytest.raises(RuleSetError) as error:
        load(path)
    (problem,) = error.value.problems
    assert problem.path.endswith(".accounts") and problem.line


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_replay_equals_incremental_and_refusals_change_nothing(executing, data) -> None:
    """Random budget and entry commands at the execution stage: the state folded one
    event at a time equals a replay, a refused command leaves it as it was, and the
    summary's totals are the sums of the entries."""
    base, events, ruleset = executing
    state = copy.deepcopy(base)
    log = list(events)
    for _ in range(data.draw(st.integers(1, 12), label="commands")):
        if data.draw(st.booleans(), label="budget?"):
            command: cmd.Command = cmd.RecordBudget(
                actor=CLERK,
                matter="m7",
                lines=tuple(
                    data.draw(
                        st.lists(
                            st.builds(cmd.BudgetLine, item=account_items(), amount=yuan_texts()),
                            max_size=4,
                        )
                    )
                ),
                source="决议",
            )
        else:
            command = cmd.RecordAccountEntry(
                actor=data.draw(st.sampled_from([CLERK, CLERK, "r040"])),
                matter="m7",
                kind=data.draw(st.sampled_from(["expenditure", "expenditure", "income", "x"])),
                item=data.draw(account_items()),
                amount=data.draw(yuan_texts()),
            )
        before = copy.deepcopy(state)
        try:
            new = decide(state, command, ruleset, AT)
        except Refusal:
            assert state == before
            continue
        for e in new:
            evolve(state, e)
        log += new
        assert replay(log) == state
    accounts = state.matters["m7"].accounts
    assert from_events(log) == accounts
    summary = summarize(accounts)
    spent = sum(e.fen for e in accounts.entries if e.kind == "expenditure")
    assert summary["total"]["spent"] == sum(line["spent"] for line in summary["lines"]) == spent
    for line in summary["lines"]:
        if line["budget"] is not None:
            assert line["budget"] + line["over"] - line["remaining"] == line["spent"]


# -- scenario actions ----------------------------------------------------------------


def _scenario(tmp_path: Path, action: str) -> Path:
    text = ELEVATOR.read_text(encoding="utf-8")
    path = tmp_path / "s.toml"
    path.write_text(text[: text.index(CUT)] + action, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("action", "key"),
    [
        ('lines = [{ item = "设备", amount = 12.5 }]', "actions[{n}].lines[0].amount"),
        ('lines = [{ item = "设备", amount = "12.345" }]', "actions[{n}].lines[0].amount"),
        ('lines = [{ item = "设备" }]', "actions[{n}].lines[0].amount"),
    ],
)
def test_scenario_amounts_are_checked_at_load_with_their_line(
    tmp_path: Path, action: str, key: str
) -> None:
    block = f'\n[[actions]]\nat = 2026-11-02T09:00:00\nactor = "s02"\ndo = "budget"\nmatter = "m7"\nsource = "决议"\n{action}\n'
    path = _scenario(tmp_path, block)
    with pytest.raises(RuleSetError) as error:
        load_scenario(path)
    (problem,) = error.value.problems
    text = path.read_text(encoding="utf-8")
    assert problem.line == text[: text.index(action)].count("\n") + 1
    assert problem.path.startswith("actions[") and problem.path.endswith(key.split("]", 1)[1])


def test_the_example_publishes_budget_against_spending() -> None:
    from yishi.publish.document import build_document

    report = run_scenario(load_scenario(ELEVATOR))
    state = report.engine.state
    doc = build_document(state, report.ruleset, "m7-d2", report.all_events())
    implementation = doc["implementation"]
    rows = {row["item"]: row for row in implementation["accounts"]}
    assert rows["井道土建"]["over_budget"] and rows["井道土建"]["over"] == "6000.00"
    assert rows["井道土建"]["mark"] == "超支 6,000.00"
    assert not rows["电梯设备"]["over_budget"] and rows["电梯设备"]["remaining"] == "5000.00"
    assert implementation["accounts_total"] | {} == implementation["accounts_total"]
    assert implementation["accounts_total"]["budget"] == "420000.00"
    assert implementation["accounts_total"]["spent"] == "412000.00"
    assert implementation["income_total"] == "420000.00"
    assert len(implementation["account_entries"]) == 6
    # The resolution notice, posted before any account, states none.
    earlier = build_document(state, report.ruleset, "m7-d1", report.all_events())
    assert earlier["implementation"] is None
