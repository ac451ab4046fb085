"""A scenario run as a readable timeline: each act on one line, dated, with who
did it and what came of it, then the final status of every matter."""

from __future__ import annotations

from typing import Any

from yishi import outcomes
from yishi.domain import events as ev
from yishi.domain.naming import matter_name, suggestion_title
from yishi.domain.person_names import people_names
from yishi.publish.procedures import Procedures
from yishi.report.event_lines import evidence_lines, lines_for
from yishi.scenario.run import RunReport

_DO = {
    "setup": ("登记村（社区）、户、人员与机构", "community set up"),
    "propose": ("提出事项", "proposes"),
    "convene": ("通知召开会议", "convenes"),
    "check_in": ("签到", "checks in"),
    "declare_interest": ("声明回避", "declares an interest"),
    "excuse": ("经批准不计入应到会", "leaves a member out of those who should attend"),
    "proxy": ("登记书面委托", "registers a proxy"),
    "vote": ("投票", "votes"),
    "votes": ("录入表决票", "enters votes"),
    "paper_ballots": ("录入纸质选票", "enters paper ballots"),
    "hand_count": ("录入计票", "enters a hand count"),
    "consensus": ("记录协商结果", "records consensus"),
    "close_meeting": ("宣布表决结果", "closes the meeting"),
    "ballot": ("投票", "casts a ballot"),
    "election_count": ("录入计票结果", "enters the count"),
    "publish": ("张贴公示", "publishes"),
    "object": ("提出异议", "objects"),
    "answer": ("答复异议", "answers an objection"),
    "progress": ("记录实施进度", "records progress"),
    "sign_off": ("监督验收", "signs off"),
    "budget": ("登记预算", "records the budget"),
    "account_entry": ("登记一笔收支", "records income or expenditure"),
    "approve": ("录入批准文件", "records an outside approval"),
    "canvass": ("入户征求意见（农户签字）", "canvasses a household (signed)"),
    "plan": ("录入筹资筹劳方案", "records the levy plan"),
    "complete": ("实施完成", "completes"),
    "rate": ("评价", "rates"),
    "ratings": ("评价", "rates"),
    "close_evaluation": ("结束评议", "closes the evaluation"),
    "record": ("补录此前步骤（据书面记录）", "enters an earlier step from the paper record"),
    "suggest": ("提交建议", "suggests"),
    "merge": ("合并建议为议题", "merges suggestions"),
    "decline": ("退回建议", "declines a suggestion"),
    "tick": ("到期处理", "deadlines"),
    "refer": ("送交（限期答复）", "refers, answer due"),
    "referral_answer": ("录入答复", "records the answer"),
}


def to_text(report: RunReport, lang: str = "zh") -> str:
    en = lang == "en"
    state = report.engine.state
    rs = report.rules

    def name(pid: str) -> str:
        return state.people[pid].name if pid in state.people else pid

    out = [
        ("Scenario: " if en else "场景：") + report.scenario.title,
        # one line: the first is the default procedure, the others the community's other councils
        ("Rule set: " if en else "规则：")
        + ("; " if en else "；").join(
            f"{r.title_en or r.title} ({r.id})" if en else f"{r.title}（{r.id}）"
            for r in report.rulesets.values()
        ),
        "",
    ]
    under = Procedures(report.rulesets, rs)
    for group in _grouped(report.results):
        r = group[0]
        step = r.step
        label = _DO.get(step.do, (step.do, step.do))[1 if en else 0]
        system = step.command.actor == "system"  # the clock and set-up, not a person
        who = ("system" if en else "系统") if system else name(step.command.actor)
        if step.command.on_behalf_of:
            who += (" for " if en else " 代 ") + name(step.command.on_behalf_of)
        accepted = [x for x in group if x.refusal is None]
        if accepted:
            events = [e for x in accepted for e in x.events]
            detail = _short(events, name, lang) if step.do in _LISTED else ""
            out.append(f"{step.at:%Y-%m-%d %H:%M}  {who} {label}{detail}")
            if any(x.unexpected for x in accepted):
                out.append("    ! " + ("expected a refusal" if en else "与预期不符：预期应被拒绝"))
            for event in events:
                out += lines_for(event, report, lang, under.see(event))
                out += evidence_lines(event, lang)
        for x in group:
            if x.refusal is None:
                continue
            mark = "REFUSED" if en else "被拒绝"
            out.append(
                f"{step.at:%Y-%m-%d %H:%M}  {who} {label}  ✗ {mark}{': ' if en else '：'}{x.refusal.message(lang)}"
            )
            if x.unexpected:
                out.append("    ! " + ("expected ok" if en else "与预期不符：预期成功"))
    out.append("")
    out.append("Final status:" if en else "事项最终状态：")
    status_names = {
        "in_progress": ("进行中", "in progress"),
        "completed": ("已完成", "completed"),
        "abandoned": ("已终止", "abandoned"),
    }
    for m in state.matters.values():
        status = status_names[m.status][1 if en else 0]
        where = ""
        if m.status == "in_progress" and m.stage:
            stage = report.rulesets.get(m.procedure, rs).stage(m.stage)
            where = f"（{stage.name}）" if not en else f" (at {stage.name_en or stage.name})"
        # by its title, told apart by the day it was proposed: --json keeps the id
        title = matter_name(state, m).get(lang)
        out.append(f"- {title}: {status}{where}" if en else f"- {title}：{status}{where}")
    ideas = outcomes.suggestions(state, rs, report.rulesets)
    if ideas:
        out.append("")
        out.append("What became of each suggestion:" if en else "建议的去向：")
        people = people_names(state, state.people)
        for s in ideas:
            words = suggestion_title(state, state.suggestions[s["suggestion"]]).get(lang)
            who = people[s["person"]].get(lang) if s["person"] in people else ""
            out.append(
                f"- {words} ({who}): {s['outcome']['en']}"
                if en
                else f"- {words}（{who}）：{s['outcome']['zh']}"
            )
    unexpected = report.unexpected
    if unexpected:
        out.append("")
        out.append(
            f"{len(unexpected)} step(s) did not go as expected"
            if en
            else f"有 {len(unexpected)} 步与预期不符"
        )
    return "\n".join(out)


_LISTED = frozenset({"vote", "votes", "paper_ballots", "rate", "ratings", "check_in"})


def _grouped(results: list[Any]) -> list[list[Any]]:
    """Ballots and ratings listed in one action are shown as one line."""
    groups: list[list[Any]] = []
    for r in results:
        if (
            groups
            and r.step.index >= 0
            and groups[-1][0].step.index == r.step.index
            and r.step.do in ("votes", "ratings")
        ):
            groups[-1].append(r)
        else:
            groups.append([r])
    return groups


def _short(events: list[ev.Event], name: Any, lang: str) -> str:
    people = [getattr(e, "person", None) or getattr(e, "voter", None) for e in events]
    people = [p for p in people if p]
    choices = [getattr(e, "choice", None) or getattr(e, "rating", None) for e in events]
    if any(choices):
        tally: dict[str, int] = {}
        for choice in choices:
            if choice:
                tally[choice] = tally.get(choice, 0) + 1
        names = {"yes": "赞成", "no": "反对", "abstain": "弃权"}
        parts = [f"{names.get(k, k) if lang != 'en' else k} {v}" for k, v in tally.items()]
        return ("：" if lang != "en" else ": ") + ("，" if lang != "en" else ", ").join(parts)
    if len(people) <= 6:
        if not people:
            return ""
        if lang == "en":
            return ": " + ", ".join(name(p) for p in people)
        return "：" + "、".join(name(p) for p in people)
    return f"：{len(people)} 人" if lang != "en" else f": {len(people)} people"
