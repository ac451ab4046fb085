"""Words on the pages: field labels, command names, page text — Chinese first, English.

A test checks that every field of every command has a label in both languages, so
a form never shows an internal identifier.
"""

from __future__ import annotations

FIELDS: dict[str, tuple[str, str]] = {
    # 补录（EnterRecord）: an earlier step held on paper, entered as a recorded fact
    "stage": ("补录的步骤", "step entered from the paper record"),
    "held_on": ("该步骤实际进行的日期", "date the step was held"),
    "outcome": ("结果（通过、未通过或已完成）", "outcome (passed, rejected or done)"),
    "minutes": (
        "纸质记录所在（会议记录、登记册、公示底稿）",
        "where the paper record is (minutes, register, notice copy)",
    ),
    "counts": ("人数与票数（每行：项目 数目）", "counts (one per line: item number)"),
    "abstain": ("弃权票数", "abstentions"),
    "approval": ("批准情况（谁批准、文号或日期）", "approval (who, reference or date)"),
    "ballots": ("选票（每行：投票人编号 选择）", "ballots (one per line: voter choice)"),
    "bodies": ("组织及成员（JSON）", "bodies and members (JSON)"),
    "body": ("召开组织", "body"),
    "candidates": ("候选人（每行一个编号）", "candidates (one id per line)"),
    "cast": ("收回选票数", "ballots cast"),
    "choice": ("表决意见", "choice"),
    "date": ("会议日期", "meeting date"),
    "description": ("说明", "description"),
    "disclosure": ("公示编号", "notice id"),
    "document": ("文件（委托书、批复文号）", "document (proxy, reference of the reply)"),
    "for_person": ("代谁投票（委托人编号）", "voting for (grantor id)"),
    "grantor": ("委托人编号", "grantor id"),
    "holder": ("受托人编号", "proxy holder id"),
    "households": ("户（JSON）", "households (JSON)"),
    "invalid": ("无效票数", "invalid ballots"),
    "matter": ("事项编号", "matter id"),
    "matter_type": ("事项类型", "matter type"),
    "meeting": ("会议编号", "meeting id"),
    "merge_steps": ("合并步骤（一肩挑）", "merge steps"),
    "method": ("表决方式", "vote method"),
    "no": ("反对票数", "votes against"),
    "objection": ("异议编号", "objection id"),
    "on_behalf_of": ("代谁录入（本人编号，可不填）", "on behalf of (person id, optional)"),
    "people": ("人员（每行一个编号）", "people (one id per line)"),
    "percent": ("完成百分比", "percent done"),
    "lines": ("预算项目（项目与金额）", "budget lines (item and amount)"),
    "source": ("预算依据（哪项决议或方案）", "budget from (which decision or plan)"),
    "item": ("项目", "item"),
    "amount": ("金额（元，至多两位小数）", "amount (yuan, at most two decimals)"),
    "kind": ("收支类别：expenditure 支出、income 收入", "expenditure or income"),
    "person": ("本人编号", "person id"),
    "place": ("地点", "place"),
    "rating": ("评价", "rating"),
    "reached": ("已达成一致", "consensus reached"),
    "reason": ("理由", "reason"),
    "referral": ("转办编号", "referral id"),
    "reply": ("答复", "reply"),
    "resolved": (
        "已解决（异议人接受、转办已办结）",
        "resolved (objection accepted, referral settled)",
    ),
    "suggestion": ("建议编号", "suggestion id"),
    "suggestions": ("合并的建议（每行一个编号）", "suggestions merged (one id per line)"),
    "text": ("内容", "text"),
    "title": ("标题", "title"),
    "to": ("送交的机构", "sent to (body)"),
    "voter": ("投票人编号", "voter id"),
    "votes": ("得票（每行：候选人编号 票数）", "votes (one per line: candidate count)"),
    "yes": ("赞成票数", "votes for"),
    "objections": (
        "保留意见（每行：本人编号 意见）",
        "objections kept (one per line: person text)",
    ),
    "urgent_reason": (
        "临时通知的理由（提前不足规定天数时填写）",
        "reason for short notice (if any)",
    ),
    "relative": ("有利害关系的近亲属编号", "the close relative with the interest (id)"),
    "reviewer": ("审核人编号", "reviewer id"),
    "review": ("审核意见", "review"),
    "approved": ("已批准", "approved"),
    "evidence": ("附件（照片、扫描件）", "attachments (photos, scans)"),
    "cosigners": ("联名人（每行一个编号）", "co-signers (one id per line)"),
    "group": ("所涉及的村民小组编号", "villager group id"),
    "groups": ("村民小组（JSON）", "villager groups (JSON)"),
    "household": ("户编号", "household id"),
    "representative": ("走访的村民代表编号", "representative who asked (id)"),
    "signer": ("签字人编号（不填为户代表）", "who signed (id; default the household head)"),
    "view": ("该户意见", "the household's view"),
    "year": ("年度", "year"),
    "money": ("每人筹资（元）", "money per person (yuan)"),
    "labour_days": ("每个劳力筹劳（标准工日）", "labour per worker (standard workdays)"),
    "budget": ("项目预算（元）", "budget (yuan)"),
    "name": ("村（社区）名称", "community name"),
    "township": ("所在乡（镇）或街道", "township or subdistrict"),
    "county": ("所在县（市、区）", "county (city, district)"),
    "procedures": (
        "本村（社区）使用的议事程序（第一个为默认）",
        "procedures the community uses (the default first)",
    ),
    "routes": ("事项类型的去向（小微权力清单）", "where each type of matter goes (the power list)"),
    "exemptions": ("减免（每行：人员编号 减免类别）", "exemptions (one per line: person category)"),
}

COMMANDS: dict[str, tuple[str, str]] = {
    "answer_objection": ("答复异议", "Answer an objection"),
    "answer_referral": ("录入转办答复", "Record a referral's answer"),
    "cast_election_ballot": ("投选举票", "Cast an election ballot"),
    "cast_vote": ("投票", "Vote"),
    "check_in": ("签到", "Check attendance in"),
    "close_evaluation": ("结束测评", "Close the evaluation"),
    "close_meeting": ("结束会议并计票", "Close the meeting and count"),
    "complete_execution": ("执行完毕", "Complete execution"),
    "convene_meeting": ("召集会议并通知", "Convene a meeting with notice"),
    "declare_interest": ("声明回避", "Declare an interest"),
    "decline_suggestion": ("退回建议", "Decline a suggestion"),
    "enter_ballots": ("录入纸质选票", "Enter paper ballots"),
    "enter_election_count": ("录入选举计票结果", "Enter an election count"),
    "enter_hand_count": ("录入举手表决结果", "Enter a hand count"),
    "enter_record": ("补录纸质记录中的步骤", "Enter a step from the paper record"),
    "excuse_member": ("批准不计入应到会", "Excuse a member"),
    "merge_suggestions": ("合并建议为议题", "Merge suggestions into a matter"),
    "propose_matter": ("提出事项", "Propose a matter"),
    "publish": ("发布公示", "Publish a notice"),
    "raise_objection": ("提出异议", "Object"),
    "rate": ("满意度评价", "Rate"),
    "record_consensus": ("记录协商一致", "Record consensus"),
    "record_approval": ("录入上级批复", "Record an outside approval"),
    "record_canvass": ("录入入户征求意见（农户签字）", "Record a household's signed view"),
    "record_levy_plan": ("录入筹资筹劳方案", "Record the levy plan"),
    "record_progress": ("记录执行进度", "Record progress"),
    "record_budget": ("登记预算", "Record the budget"),
    "record_account_entry": ("登记一笔收支", "Record income or expenditure"),
    "register_proxy": ("登记委托投票", "Register a proxy"),
    "send_referral": ("转交外部机构限期答复", "Refer to an outside body"),
    "set_up_community": ("登记居民与组织", "Register residents and bodies"),
    "sign_off": ("签字确认", "Sign off"),
    "suggest": ("提建议", "Make a suggestion"),
    "tick": ("处理到期事项", "Process what fell due"),
}

PAGE: dict[str, tuple[str, str]] = {
    "home": ("居民议事", "Residents' deliberation"),
    "board": ("公开栏", "Public board"),
    "suggest": ("我要提建议", "Make a suggestion"),
    "mine": ("我的建议", "My suggestions"),
    "follow": ("办理进展", "Progress"),
    "object": ("我有异议", "I object"),
    "rate": ("满意度评价", "Rate the outcome"),
    "signin": ("登录", "Sign in"),
    "signout": ("退出", "Sign out"),
    "console": ("工作台", "Staff console"),
    "account": ("账号（本人编号）", "account (person id)"),
    "password": ("密码", "password"),
    "submit": ("提交", "Submit"),
    "signed_in_as": ("当前用户", "Signed in as"),
    "need_signin": ("请先登录后再操作。", "Please sign in first."),
    "open_notices": ("正在公示", "Notices now posted"),
    "objections_until": ("异议截止", "objections until"),
    "to_rate": ("待评价事项", "Matters to rate"),
    "status_open": ("待审查", "waiting for review"),
    "status_merged": ("已采纳，形成议题", "taken up as a matter"),
    "status_declined": ("未采纳", "declined"),
    "stage": ("当前步骤", "current step"),
    "timeline": ("办理记录", "record"),
    "none": ("暂无", "none"),
    "suggestions_open": ("待审查的建议", "Suggestions to review"),
    "matters": ("事项", "Matters"),
    "meetings_open": ("进行中的会议", "Meetings in progress"),
    "matters_open": ("办理中的事项", "Matters in progress"),
    "matters_closed": ("已结束的事项", "Matters closed"),
    "meeting_on": ("会议日期", "meeting on"),
    "checked_in": ("已签到人数", "checked in"),
    "posted_until": ("公示至", "posted until"),
    "about_matter": ("事项", "Matter"),
    "about_meeting": ("会议", "Meeting"),
    "about_disclosure": ("公示", "Notice"),
    "about_objection": ("异议", "Objection"),
    "about_suggestion": ("建议", "Suggestion"),
    "about_suggestions": ("建议", "Suggestions"),
    "names_offered": ("可填的姓名", "Names you may enter"),
    "stats": ("统计", "Figures"),
    "stats_title": ("议事统计", "Figures per council"),
    "period_from": ("起始日（年-月-日，含当日）", "from (YYYY-MM-DD, included)"),
    "period_to": ("截止日（年-月-日，含当日）", "to (YYYY-MM-DD, included)"),
    "show": ("查看", "Show"),
    "figure": ("项目", "Figure"),
    "total": ("合计", "Total"),
    "council": ("议事规则", "Council"),
    "body_name": ("机构", "Body"),
    "meetings_by_body": ("各机构会议", "Meetings by body"),
    "meetings_held": ("召开会议", "meetings"),
    "passed": ("通过", "passed"),
    "rejected": ("未通过", "not passed"),
    "no_quorum": ("不足法定人数", "no quorum"),
    "nothing_now": ("当前步骤暂无可办操作", "nothing to do at this step now"),
    "actions": ("可办操作", "Actions"),
    "other_action": ("其他操作", "Other actions"),
    "error_summary": ("未能提交，请按提示修改：", "Not submitted; please correct:"),
    "communities": ("社区", "Communities"),
    "completed": ("已办结", "completed"),
    "abandoned": ("已终止", "abandoned"),
    "in_progress": ("办理中", "in progress"),
    "title_hint": ("一句话说明问题或建议", "the problem or idea in one line"),
    "text_hint": ("详细说明（可不填）", "details (optional)"),
    "object_hint": ("请写明对公示内容的具体意见", "what in the notice you object to"),
    "thanks_suggest": (
        "建议已提交，编号 {id}。可随时在“我的建议”查看办理进展。",
        "Suggestion {id} received. Follow it under 'My suggestions'.",
    ),
    "thanks_object": ("异议已提交，编号 {id}。", "Objection {id} received."),
    "thanks_rate": ("评价已提交，谢谢！", "Thank you for rating."),
    "done": ("已记录。", "Recorded."),
    "api_docs": ("接口说明（OpenAPI）", "API (OpenAPI)"),
    "evidence": (
        "附件（签到表、计票单、现场照片）",
        "attachments (sign-in sheet, tally sheet, photos)",
    ),
    "attachment": ("附件", "attachment"),
    "evidence_note": ("附件说明，如：签到表", "what it shows, e.g. sign-in sheet"),
}


def label(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    zh, en = table.get(key, (key, key))
    return en if lang == "en" else zh


def words(lang: str) -> dict[str, str]:
    return {k: label(PAGE, k, lang) for k in PAGE}


# Parameters of web messages that are codes: shown in words, never as the code.
VALUES: dict[str, tuple[str, str]] = {
    "string": ("文字", "text"),
    "integer": ("整数", "a whole number"),
    "true/false": ("是或否", "true or false"),
    "array": ("列表", "a list"),
    "object": ("一组字段（对象）", "an object"),
    "YYYY-MM-DD": ("日期（年-月-日）", "a date (YYYY-MM-DD)"),
    "resident": ("居民", "resident"),
    "staff": ("工作人员", "staff"),
    "registrar": ("户籍登记员", "registrar"),
}


def localized(params: dict[str, object], lang: str) -> dict[str, object]:
    out = dict(params)
    for key in ("expected", "roles"):
        value = out.get(key)
        if isinstance(value, str):
            parts = value.split("、")
            out[key] = "、".join(label(VALUES, p, lang) if p in VALUES else p for p in parts)
    field = out.get("field")
    if isinstance(field, str) and field in FIELDS:
        out["field"] = (
            f"{label(FIELDS, field, lang)}（{field}）"
            if lang != "en"
            else f"{label(FIELDS, field, lang)} ({field})"
        )
    return out
