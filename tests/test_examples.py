"""The shipped example scenarios: golden JSON, and the answers the law gives."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, scenario_files
from yishi.cli import main
from yishi.report import to_json
from yishi.scenario import load_scenario, run_scenario

GOLDEN = ROOT / "tests" / "golden"


def _run(name: str) -> dict:
    return to_json(run_scenario(load_scenario(ROOT / "examples" / name)))


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: p.stem)
def test_golden_json(path, update_golden):
    """`yishi run --json` is stable; regenerate with YISHI_UPDATE_GOLDEN=1 after a deliberate change."""
    result = CliRunner().invoke(
        main, ["run", str(path.relative_to(ROOT)), "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    golden = GOLDEN / f"{path.stem}.json"
    if update_golden:
        golden.write_text(
            json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    assert golden.exists(), (
        f"no golden file {golden.name}: run with YISHI_UPDATE_GOLDEN=1 and review it"
    )
    assert document == json.loads(golden.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: p.stem)
def test_every_expectation_met(path):
    report = run_scenario(load_scenario(path))
    assert report.unexpected == []
    assert all(r.step.expect == "refused" for r in report.results if r.refusal is not None), [
        (r.step.index, r.refusal.code)
        for r in report.results
        if r.refusal and r.step.expect != "refused"
    ]


def _meeting(doc: dict, meeting: str) -> dict:
    return next(m for m in doc["meetings"] if m["meeting"] == meeting)


def _matter(doc: dict) -> dict:
    return doc["matters"][0]


def test_pass_land_lease_needs_two_thirds_of_all_representatives():
    doc = _run("01_land_lease_passes.toml")
    resolve = _meeting(doc, "m1-resolve")["result"]
    check = resolve["threshold"]["checks"][0]
    # 集体土地出租: ≥ 2/3 of the whole composition (30), not of those present (25).
    assert check["requirement"] == {
        "base": "composition",
        "fraction": "2/3",
        "cmp": ">=",
        # the rule's note travels with the verdict that applied it
        "note": "全体成员或全体代表的三分之二以上，不是到会人员",
    }
    assert (
        "〔规则说明：全体成员或全体代表的三分之二以上，不是到会人员〕" in check["explanation"]["zh"]
    )
    assert (check["count"], check["base_value"], check["minimum"], check["met"]) == (
        22,
        30,
        20,
        True,
    )
    assert _matter(doc)["status"] == "completed"
    assert [d["kind"] for d in doc["disclosures"]] == ["resolution", "result"]
    # The probationary member is refused a vote.
    refused = [s for s in doc["steps"] if s["status"] == "refused"]
    assert [s["refusal"]["code"] for s in refused] == ["not_voting_member"]


def test_review_rejected_at_exactly_half_of_entitled():
    doc = _run("02_review_rejected.toml")
    review = _meeting(doc, "m2-review")
    assert review["outcome"] == "rejected"
    check = review["result"]["threshold"]["checks"][0]
    # 5 of 10 entitled is not "more than half" (超过半数): 6 needed.
    assert (check["count"], check["base_value"], check["minimum"]) == (5, 10, 6)
    matter = _matter(doc)
    assert matter["status"] == "in_progress" and matter["stage"] == "consult"
    codes = [s["refusal"]["code"] for s in doc["steps"] if s["status"] == "refused"]
    assert codes == ["notice_too_short", "meeting_closed"]


def test_failed_quorum_then_reconvene_with_fresh_notice():
    doc = _run("03_quorum_failed_reconvene.toml")
    first = _meeting(doc, "m3-assembly-1")
    assert first["outcome"] == "no_quorum"
    adults, households = first["result"]["quorum"]["checks"]
    assert (adults["count"], adults["base_value"], adults["minimum"]) == (45, 90, 46)
    assert (households["count"], households["base_value"], households["minimum"]) == (25, 45, 30)
    second = _meeting(doc, "m3-assembly-2")
    assert second["outcome"] == "passed"
    assert second["convened_on"] == "2026-05-25" and second["date"] == "2026-06-05"
    codes = [s["refusal"]["code"] for s in doc["steps"] if s["status"] == "refused"]
    assert codes == ["notice_too_short", "not_adult"]


def test_objection_answered_and_objection_escalated():
    doc = _run("04_objection_during_disclosure.toml")
    first, second = doc["disclosures"]
    assert first["closed"] == "suspended" and second["closed"] == "ended"
    answered, escalated = first["objections"]
    assert answered["resolved"] is True and answered["escalated"] is False
    assert escalated["reply"] is None and escalated["escalated"] is True
    assert escalated["reply_due"] == "2026-06-26"
    history = [h["stage"] for h in _matter(doc)["history"]]
    assert history[-3:] == ["objection_review", "publish_resolution", "implement"]
    # the escalation happened the day after the reply limit, not when someone next acted
    assert any(s["do"] == "tick" and s["at"] == "2026-06-27T00:00:00" for s in doc["steps"])


def test_recusal_removes_from_both_bases_and_escalates():
    doc = _run("05_recusal.toml")
    reps = _meeting(doc, "m5-resolve")
    assert reps["outcome"] == "no_quorum"
    check = reps["result"]["quorum"]["checks"][0]
    # 21 present, 4 recused: 17 of 26 against ≥ 2/3 → 18 needed.
    assert (check["count"], check["base_value"], check["minimum"]) == (17, 26, 18)
    assert reps["result"]["recused"] == ["v003", "v007", "v011", "v015"]
    history = _matter(doc)["history"]
    assert history[-2]["stage"] == "resolve" and history[-2]["body"] == "villagers_assembly"
    assembly = _meeting(doc, "m5-assembly")["result"]
    threshold = assembly["threshold"]["checks"][0]
    assert (threshold["count"], threshold["base_value"], threshold["minimum"]) == (40, 62, 32)
