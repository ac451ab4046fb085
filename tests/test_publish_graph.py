"""The procedure flowchart: its graph from the rule set, and golden drawings."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from yishi.publish.graph import DONE, STOP, flow, to_dot, to_mermaid
from yishi.publish.svg import to_svg, wrap
from yishi.rulesets.registry import find, shipped

GOLDEN = Path(__file__).parent / "golden" / "publish" / "graph"


@pytest.mark.parametrize("ruleset", sorted(shipped()))
def test_every_stage_is_drawn_and_every_path_ends_somewhere(ruleset):
    rs = find(ruleset)
    drawn = flow(rs)
    ids = {n.id for n in drawn.nodes}
    assert {s.id for s in rs.stages} <= ids and DONE in ids
    assert all(e.source in ids and e.target in ids for e in drawn.edges)
    for stage in rs.stages:
        assert any(e.source == stage.id for e in drawn.edges), stage.id
    svg = ET.fromstring(to_svg(drawn, current=rs.stages[0].id))
    assert svg.tag.endswith("svg")


def test_the_paths_of_the_village_procedure():
    drawn = flow(find("siyi_liang_gongkai"))
    kinds = {(e.source, e.target, e.kind) for e in drawn.edges}
    assert ("propose", STOP, "reject") in kinds
    assert ("consult", "propose", "reject") in kinds  # revise and restart
    assert ("resolve", "resolve", "no_quorum") in kinds  # reconvene
    assert ("publish_resolution", "objection_review", "objection") in kinds
    assert ("publish_result", DONE, "pass") in kinds


def test_reviews_and_outside_approvals_are_written_on_their_steps():
    drawn = {n.id: n for n in flow(find("siyi_liang_gongkai")).nodes}
    assert "张贴前由村务监督委员会审核（监督意见）" in drawn["publish_resolution"].lines
    assert any("须先报乡（镇）人民政府批准" in line for line in drawn["implement"].lines)


def test_the_current_step_is_highlighted():
    svg = to_svg(flow(find("siyi_liang_gongkai")), current="resolve", here="当前步骤")
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    group = root.find(".//s:g[@id='step-resolve']", ns)
    assert group is not None and "current" in group.find("s:rect", ns).get("class")
    assert "▶ 当前步骤" in "".join(group.itertext())


def test_long_lines_wrap_to_the_box():
    lines = wrap("到会：应到会有表决权人员三分之二以上（含本数）", 13, 120)
    assert len(lines) > 1 and "".join(lines) == "到会：应到会有表决权人员三分之二以上（含本数）"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["svg", "mermaid", "dot"])
def test_golden_drawings(lang, fmt, update_golden):
    drawn = flow(find("siyi_liang_gongkai"), lang)
    text = {"svg": to_svg, "mermaid": to_mermaid, "dot": to_dot}[fmt](drawn)
    golden = GOLDEN / f"siyi_liang_gongkai.{lang}.{fmt}"
    if update_golden or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
