"""The actions a scenario step may take: each names a command and its fields.

Kept apart from the file format so that adding an action (a new command)
touches one table, and ``docs/scenarios.md`` can be checked against it.
"""

from __future__ import annotations

from yishi.domain import commands as cmd
from yishi.rulesets.fields import Field, arr, b, i, s, table
from yishi.scenario.money import MONEY

ANY_DATE = Field("string", "日期或日期时间，如 2026-03-02 或 2026-03-02T09:00:00")
PEOPLE = arr(s(), '人员 id 列表；可写区间 "v001..v040"')

# action name -> (command class, fields); "people"-like lists accept ranges.
ACTIONS: dict[str, tuple[type[cmd.Command], dict[str, Field]]] = {
    "propose": (
        cmd.ProposeMatter,
        {
            "matter": s(required=True),
            "title": s(required=True),
            "matter_type": s(),
            "description": s(),
            "merge_steps": b(),
            "cosigners": arr(s(), '联名人 id 列表（联名提议时）；可写区间 "v001..v010"'),
            "group": s("事项涉及的村民小组 id（由该小组的村民小组会议决定）"),
        },
    ),
    "convene": (
        cmd.ConveneMeeting,
        {
            "matter": s(required=True),
            "meeting": s(required=True),
            "body": s(),
            "date": ANY_DATE,
            "method": s(required=True),
            "place": s(),
            "candidates": arr(s(), "选举步骤的候选人"),
            "urgent_reason": s("临时通知：写明特殊情况（通知期短于规定时）"),
        },
    ),
    "ballot": (
        cmd.CastElectionBallot,
        {
            "meeting": s(required=True),
            "voter": s(required=True),
            "candidates": arr(s(), "所选候选人（排序投票时按志愿顺序）", required=True),
            "invalid": s("计票时认定为无效票的原因，如“无法辨认”；无效票仍计入参加投票人数"),
        },
    ),
    "election_count": (
        cmd.EnterElectionCount,
        {
            "meeting": s(required=True),
            "cast": i(required=True),
            "invalid": i(required=True),
            "votes": Field("map", "候选人 → 得票数", values=i(), required=True),
        },
    ),
    "check_in": (
        cmd.CheckIn,
        {"meeting": s(required=True), "people": arr(s(), PEOPLE.doc, required=True)},
    ),
    "excuse": (
        cmd.ExcuseMember,
        {
            "meeting": s(required=True),
            "person": s(required=True),
            "reason": s(required=True),
            "approval": s("批准情况：谁批准、文号或日期", required=True),
        },
    ),
    "declare_interest": (
        cmd.DeclareInterest,
        {
            "matter": s(required=True),
            "person": s(required=True),
            "reason": s(required=True),
            "meeting": s(),
            "relative": s("有利害关系的近亲属 id（不是本人的利害关系时）"),
        },
    ),
    "proxy": (
        cmd.RegisterProxy,
        {
            "meeting": s(required=True),
            "grantor": s(required=True),
            "holder": s(required=True),
            "document": s(),
        },
    ),
    "vote": (
        cmd.CastVote,
        {
            "meeting": s(required=True),
            "voter": s(required=True),
            # yes / no / abstain, or a choice of the method's own scale (checked when cast)
            "choice": s("表决意见：yes、no、abstain，或表决方式自己的选项", required=True),
            "for": s(),
        },
    ),
    "canvass": (
        cmd.RecordCanvass,
        {
            "matter": s(required=True),
            "representative": s("走访的村民代表 id", required=True),
            "households": arr(s(), '所走访的户 id 列表；可写区间 "ah001..ah005"', required=True),
            "view": s("各户意见：同意、不同意或具体意见", required=True),
            "signer": s("签字人 id（只走访一户时可写；默认由户代表签字）"),
            "document": s("签字的征求意见表"),
        },
    ),
    "plan": (
        cmd.RecordLevyPlan,
        {
            "matter": s(required=True),
            "year": i("年度", required=True, minimum=1900, maximum=2200),
            "money": s('每人筹资（元），小数字符串，如 "15" 或 "12.5"', required=True),
            "labour_days": s('每个劳力筹劳（标准工日），如 "2"', required=True),
            "budget": s('项目预算（元），如 "360000"'),
            "exemptions": Field("map", "人员 id → 减免类别 id（规则 levy.exemptions）", values=s()),
            "text": s("方案说明"),
        },
    ),
    "votes": (
        cmd.CastVote,
        {"meeting": s(required=True), "yes": PEOPLE, "no": PEOPLE, "abstain": PEOPLE},
    ),
    "paper_ballots": (
        cmd.EnterBallots,
        {"meeting": s(required=True), "yes": PEOPLE, "no": PEOPLE, "abstain": PEOPLE},
    ),
    "hand_count": (
        cmd.EnterHandCount,
        {
            "meeting": s(required=True),
            "yes": i(required=True),
            "no": i(required=True),
            "abstain": i(),
        },
    ),
    "consensus": (
        cmd.RecordConsensus,
        {
            "meeting": s(required=True),
            "reached": b(required=True),
            "objections": Field(
                "map", "记录在案的异议（保留意见）：人员 id → 异议内容", values=s()
            ),
        },
    ),
    "close_meeting": (cmd.CloseMeeting, {"meeting": s(required=True)}),
    "record": (
        cmd.EnterRecord,
        {
            "matter": s(required=True),
            "stage": s("补录的步骤 id（事项当前所处的步骤）", required=True),
            "held_on": Field("string", "该步骤实际进行的日期（书面记录上的日期）", required=True),
            "outcome": s(
                "结果：passed / rejected（会议、评价），done（公示、实施）",
                required=True,
                enum=("passed", "rejected", "done"),
            ),
            "minutes": s("书面记录所在：会议记录、签到表、公示底稿的名称与页码", required=True),
            "body": s("开会的机构 id（步骤允许多个机构时必填）"),
            "counts": Field(
                "map",
                "书面记录上的人数：present（到会）、yes、no、abstain，可加 entitled、composition",
                values=i(minimum=0),
            ),
        },
    ),
    "approve": (
        cmd.RecordApproval,
        {
            "matter": s(required=True),
            "approved": b("是否批准", required=True),
            "document": s("批复文号或说明", required=True),
            "text": s(),
        },
    ),
    "publish": (
        cmd.Publish,
        {
            "matter": s(required=True),
            "disclosure": s(required=True),
            "title": s(),
            "text": s(),
            "reviewer": s("公示前审核的监督委员会成员 id"),
            "review": s("监督意见"),
        },
    ),
    "object": (
        cmd.RaiseObjection,
        {
            "disclosure": s(required=True),
            "objection": s(required=True),
            "person": s(required=True),
            "text": s(required=True),
        },
    ),
    "answer": (
        cmd.AnswerObjection,
        {"objection": s(required=True), "reply": s(required=True), "resolved": b(required=True)},
    ),
    "progress": (
        cmd.RecordProgress,
        {"matter": s(required=True), "text": s(required=True), "percent": i()},
    ),
    "budget": (
        cmd.RecordBudget,
        {
            "matter": s(required=True),
            "lines": arr(
                table(item=s("预算项目", required=True), amount=MONEY),
                '预算项目与金额，如 [{ item = "水泥砂石", amount = "8000" }]',
                required=True,
            ),
            "source": s("预算出自哪项决议或方案，如“村民代表会议 2026-04-02 决议”", required=True),
        },
    ),
    "account_entry": (
        cmd.RecordAccountEntry,
        {
            "matter": s(required=True),
            "kind": s("expenditure（支出，默认）或 income（收入）", enum=("expenditure", "income")),
            "item": s("项目：支出写预算项目名称，其他名称记为预算外", required=True),
            "amount": MONEY,
            "document": s("凭证号或发票号"),
            "text": s(),
        },
    ),
    "sign_off": (cmd.SignOff, {"matter": s(required=True), "text": s()}),
    "complete": (cmd.CompleteExecution, {"matter": s(required=True), "text": s()}),
    "rate": (
        cmd.Rate,
        {"matter": s(required=True), "person": s(required=True), "rating": s(required=True)},
    ),
    "ratings": (
        cmd.Rate,
        {
            "matter": s(required=True),
            "by_rating": Field(
                "map", "评价 → 人员列表", values=PEOPLE, required=True, free_keys=True
            ),
        },
    ),
    "close_evaluation": (cmd.CloseEvaluation, {"matter": s(required=True)}),
    "suggest": (
        cmd.Suggest,
        {
            "suggestion": s(required=True),
            "person": s(required=True),
            "title": s(required=True),
            "text": s(),
        },
    ),
    "merge": (
        cmd.MergeSuggestions,
        {
            "matter": s(required=True),
            "suggestions": arr(s(), required=True),
            "title": s(required=True),
            "matter_type": s(),
            "description": s(),
        },
    ),
    "decline": (
        cmd.DeclineSuggestion,
        {"suggestion": s(required=True), "reason": s(required=True)},
    ),
    "refer": (
        cmd.SendReferral,
        {
            "matter": s(required=True),
            "referral": s("转办编号", required=True),
            "to": s("送交的机构名称（规则集 recipients 中的一个）", required=True),
            "text": s("送交的内容或要求"),
        },
    ),
    "referral_answer": (
        cmd.AnswerReferral,
        {
            "matter": s(required=True),
            "document": s("答复文书：文号、回执或答复单", required=True),
            "resolved": b("是否办结（审核通过、准予备案、接单）", required=True),
            "text": s("答复内容"),
        },
    ),
    "tick": (cmd.Tick, {}),
}
