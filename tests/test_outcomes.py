"""The run report tells everyone their outcome: suggestions, evaluations, escalations."""

from __future__ import annotations

from fractions import Fraction

from tests.conftest import ROOT
from yishi.outcomes import percent
from yishi.report import to_json, to_text
from yishi.scenario import load_scenario, run_scenario


def _run(name: str):
    return run_scenario(load_scenario(ROOT / "examples" / name))


def test_every_suggestion_ends_with_an_outcome_in_json_and_text():
    report = _run("09_zhihui_yun.toml")
    doc = to_json(report)
    found = {s["suggestion"]: s for s in doc["suggestions"]}
    assert set(found) == {"s1", "s2", "s3", "s4"}
    merged = found["s1"]
    assert (merged["status"], merged["merged_into"]) == ("merged", "m9")
    assert merged["topic_outcome"]["status"] == "completed"
    assert "程序完成" in merged["topic_outcome"]["closing_reason"]
    # the ids stay in their fields for portals; the words name the topic by its title
    topic = "“小区停车秩序整治与东侧空地改建停车位”"
    assert merged["outcome"]["zh"].startswith(f"并入议题{topic}；议题已完成")
    assert merged["outcome"]["en"].startswith(
        "merged into the topic '小区停车秩序整治与东侧空地改建停车位'; the topic is completed"
    )
    assert "m9" not in merged["outcome"]["zh"] + merged["outcome"]["en"]
    declined = found["s4"]
    assert declined["status"] == "declined" and declined["merged_into"] is None
    assert declined["declined_reason"] == "绿化补植已列入街道年度计划，转街道办理"
    text = to_text(report)
    section = text.split("建议的去向：", 1)[1]
    assert "- “希望多种几棵树”（沈春雷）：退回，理由：绿化补植已列入街道年度计划" in section
    assert section.count(f"并入议题{topic}") == 3
    assert "What became of each suggestion:" in to_text(report, "en")
    # and at the moment it happens, in the timeline
    timeline = text.split("建议的去向：", 1)[0]
    assert (
        "建议“晚上小区内乱停车，消防通道被堵”、“建议把东侧空地改成停车位”、“外来车辆随意进小区”"
        f"并入议题{topic}"
    ) in timeline
    assert "建议“希望多种几棵树”退回，理由：绿化补植已列入街道年度计划" in timeline
    assert f"事项最终状态：\n- {topic}：已完成" in text


def test_evaluations_give_a_structured_verdict():
    doc = to_json(_run("09_zhihui_yun.toml"))
    first, second = doc["evaluations"]
    assert first["by_rating"] == {"满意": 5, "基本满意": 2, "不满意": 3}
    assert (first["ratings"], first["satisfied"], first["outcome"]) == (10, 7, "rejected")
    assert first["rate"] == {"fraction": "7/10", "percent": "70%", "percent_exact": True}
    (requirement,) = first["rule"]["requirements"]
    assert (requirement["base"], requirement["fraction"], requirement["cmp"]) == (
        "votes_cast",
        "4/5",
        ">=",
    )
    assert first["rule"]["key"] == "stages.satisfaction.threshold"
    assert (
        "满意率" in first["rule"]["definition"]["zh"]
        and "五分之四" in first["rule"]["definition"]["zh"]
    )
    assert first["followed"]["action"] == "stage" and first["followed"]["stage"] == "execute"
    assert second["by_rating"] == {"满意": 8, "基本满意": 1, "不满意": 1}
    assert second["rate"]["fraction"] == "9/10" and second["outcome"] == "passed"
    assert second["followed"]["action"] == "closed"


def test_escalations_name_the_objection_that_caused_them():
    report = _run("04_objection_during_disclosure.toml")
    (escalation,) = to_json(report)["escalations"]
    assert escalation["objection"] == "m4-o2"
    assert escalation["text"] == "安排顺序未公开排序依据。"
    assert escalation["led_to"]["stage"] == "objection_review"
    # In words, by its day and what it said (the reason is printed on the public
    # notice): not by its id, nor by the objector's name, which notices leave out.
    named = "2026-06-23 提出的异议（“安排顺序未公开排序依据。”）"
    assert escalation["led_to"]["reason"].startswith(named)
    assert escalation["reason"]["zh"].startswith(named)
    assert escalation["reason"]["en"].startswith("the objection of 2026-06-23 (“安排顺序")
    history = to_json(report)["matters"][0]["history"]
    (entered,) = [h["reason"] for h in history if h["stage"] == "objection_review"]
    assert entered.startswith(named)
    for text in (entered, escalation["reason"]["zh"], escalation["reason"]["en"]):
        assert "m4-o2" not in text and "马晓东" not in text and "v033" not in text


def test_percent_is_exact_or_says_it_is_not():
    assert percent(Fraction(9, 10)) == ("90%", True)
    assert percent(Fraction(2, 3)) == ("66.67%", False)
    assert percent(Fraction(1, 8)) == ("12.5%", True)
    assert percent(Fraction(1, 1)) == ("100%", True)
