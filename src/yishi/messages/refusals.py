"""Refusals: what the domain and the engine say when they will not do something."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "unknown_person": ("查无此人：{person}", "no such person: {person}"),
    "unknown_matter": ("查无此事项：{matter}", "no such matter: {matter}"),
    "unknown_meeting": ("查无此会议：{meeting}", "no such meeting: {meeting}"),
    "unknown_disclosure": ("查无此公示：{disclosure}", "no such disclosure: {disclosure}"),
    "unknown_objection": ("查无此异议：{objection}", "no such objection: {objection}"),
    "unknown_suggestion": ("查无此建议：{suggestion}", "no such suggestion: {suggestion}"),
    "unknown_command": ("不支持的操作：{command}", "unsupported command: {command}"),
    "unknown_ref": ("{field} 引用了不存在的“{value}”", "{field} refers to unknown '{value}'"),
    "unknown_role": (
        "{body}没有“{role}”这一职务（可用：{allowed}）",
        "{body} has no role '{role}' (known: {allowed})",
    ),
    "unknown_matter_type": (
        "事项类型“{matter_type}”不在本规则的事项清单中",
        "matter type '{matter_type}' is not in this rule set's catalogue",
    ),
    "unknown_method": ("不认识的表决方式：{method}", "unknown vote method: {method}"),
    "duplicate_id": ("编号重复：{id}", "duplicate id: {id}"),
    "community_name_missing": (
        "写了所在乡镇或县，却没有写本村（社区）的名称（name）",
        "the township or county is given but not the community's own name (name)",
    ),
    "bad_value": (
        "{field} 的值“{value}”无效（可用：{allowed}）",
        "{field}: invalid value '{value}' (allowed: {allowed})",
    ),
    "ages_unknown": (
        "{count} 人缺少出生日期（born）或是否成年（adult），无法确定{body}的应到人数：{people}",
        "{count} people have neither a birth date (born) nor adult status (adult), so who should attend {body} is unknown: {people}",
    ),
    "derived_body": (
        "{body}的成员由本村（社区）居民自动确定，不能另列名单",
        "the members of {body} follow from the community's residents; do not list them",
    ),
    "not_authorized": (
        "{person} 无权进行此操作，须为：{who}",
        "{person} may not do this; it needs: {who}",
    ),
    "not_a_recorder": (
        "{person} 不能代他人录入（可以代录的：{who}）",
        "{person} may not enter acts on someone else's behalf (recorders: {who})",
    ),
    "title_required": ("事项须有标题", "a matter needs a title"),
    "reason_required": ("须写明理由", "a reason is required"),
    "wrong_procedure": (
        "“{matter_type}”类事项须按“{procedure}”程序办理",
        "matters of type '{matter_type}' must follow procedure '{procedure}'",
    ),
    "intake_only": (
        "本程序的议题由居民建议合并形成（第一步：{stage}），不能直接提出",
        "in this procedure topics are formed by merging residents' suggestions (first stage: {stage})",
    ),
    "no_intake": ("“{procedure}”没有征集建议的环节", "'{procedure}' has no intake stage"),
    "too_few_suggestions": (
        "合并议题至少需要 {required} 条建议，现有 {count} 条",
        "merging needs at least {required} suggestions; {count} given",
    ),
    "suggestion_not_open": (
        "{suggestion}已处理，不能再合并或退回",
        "{suggestion} was already handled",
    ),
    "merge_not_defined": (
        "“{stage}”不能与其他步骤合并",
        "'{stage}' cannot be merged with another stage",
    ),
    "merge_not_allowed": (
        "只有 {roles} 由同一人担任（一肩挑）时才能合并步骤",
        "stages may be merged only when one person holds {roles}",
    ),
    "matter_closed": ("事项{matter}已结束", "matter {matter} is closed"),
    "wrong_stage_kind": (
        "事项当前处于“{stage}”，此操作属于“{expected}”，不适用于当前步骤",
        "the matter is at '{stage}'; this is a {expected} action and does not apply there",
    ),
    "meeting_already_open": (
        "“{stage}”已有一次会议尚未结束",
        "a meeting for '{stage}' is still open",
    ),
    "body_not_allowed": (
        "此步骤不能由“{body}”召开（可选：{allowed}）",
        "this stage cannot be held by '{body}' (allowed: {allowed})",
    ),
    "body_not_constituted": ("{body}尚未登记成员", "{body} has no registered members"),
    "method_not_allowed": (
        "此步骤不允许以“{method}”方式表决（可用：{allowed}）",
        "vote method '{method}' is not allowed here (allowed: {allowed})",
    ),
    "notice_too_short": (
        "{body}须提前 {required} 日通知，此次仅提前 {days} 日",
        "{body} needs {required} days' notice; only {days} given",
    ),
    "composition_invalid": (
        "{body}的组成不符合要求：{problems}",
        "{body} is not validly composed: {problems}",
    ),
    "meeting_closed": ("{meeting}已结束", "{meeting} is closed"),
    # the meeting's name gives its day
    "meeting_not_yet": (
        "{meeting}尚未召开，须到会议当天才能进行",
        "{meeting} has not been held yet: this can be done from that day on",
    ),
    "not_member": ("{person} 不是{body}的成员", "{person} is not a member of {body}"),
    "not_adult": (
        "{person} 生于 {born}，到 {date} 未满十八周岁，不是村民（居民）会议成员",
        "{person}, born {born}, is under 18 on {date} and not a member of the assembly",
    ),
    "not_voting_member": ("{person} 在{body}没有表决权", "{person} has no vote in {body}"),
    "already_checked_in": ("{person} 已签到", "{person} is already checked in"),
    "recusal_disabled": ("本规则未设回避程序", "this rule set has no recusal procedure"),
    "already_recused": ("{person} 已声明回避", "{person} has already declared an interest"),
    "excusal_not_allowed": (
        "{body}的规则不允许经批准不计入应到会人数",
        "{body} allows no member to be left out of those who should attend",
    ),
    "already_excused": (
        "{person} 已经批准不计入应到会人数",
        "{person} is already left out of those who should attend",
    ),
    "excused_present": (
        "{person} 已经批准不计入应到会人数，不能再签到",
        "{person} was left out of those who should attend and cannot check in",
    ),
    "approval_required": (
        "须写明理由和批准情况（谁批准、文号或日期）",
        "a reason and the approval (who, reference or date) are required",
    ),
    "proxy_not_allowed": ("{body}不允许委托投票", "{body} does not allow proxies"),
    "proxy_self": ("不能委托给本人", "a proxy cannot be given to oneself"),
    "proxy_exists": ("{person} 已委托他人", "{person} has already given a proxy"),
    "proxy_chain": (
        "{person} 本人已委托他人，不能再受托（不得转委托）",
        "{person} gave a proxy and cannot hold one",
    ),
    "proxy_grantor_present": (
        "{person} 本人已到会，不能委托",
        "{person} is present and cannot give a proxy",
    ),
    "proxy_holder_ineligible": (
        "{holder} 不符合受托人条件（{kind}）",
        "{holder} may not hold this proxy ({kind})",
    ),
    "proxy_cap": (
        "{holder} 受托已达上限 {cap} 人",
        "{holder} already holds the maximum of {cap} proxies",
    ),
    "proxy_given": (
        "{person} 已委托他人投票，本人不能再投",
        "{person} gave a proxy and cannot vote in person",
    ),
    "no_proxy": (
        "{holder} 没有 {grantor} 的书面委托",
        "{holder} holds no written proxy from {grantor}",
    ),
    "ballots_not_used": (
        "本次会议以“{method}”表决，不逐人投票",
        "this meeting votes by '{method}', not by ballot",
    ),
    "tally_not_used": (
        "本次会议以“{method}”表决，不录入举手计数",
        "this meeting votes by '{method}', not by hand count",
    ),
    "consensus_not_used": (
        "本次会议以“{method}”表决，不是协商一致",
        "this meeting votes by '{method}', not by consensus",
    ),
    "bad_choice": (
        "表决意见“{choice}”无效（可选：{choices}）",
        "invalid choice '{choice}' (one of: {choices})",
    ),
    "not_present": ("{person} 未签到，不能表决", "{person} is not checked in and cannot vote"),
    "recused": (
        "{person} 已声明回避（{reason}），不参加表决",
        "{person} is recused ({reason}) and cannot vote",
    ),
    "already_voted": ("{person} 已经投过票", "{person} has already voted"),
    "ballot_twice": ("{person} 在这批选票中出现两次", "{person} appears twice in this batch"),
    "ballot_refused": (
        "第 {number} 张选票（{voter}）不能录入：{reason}。整批选票均未录入",
        "ballot {number} ({voter}) cannot be entered: {reason}. None of the batch was entered",
    ),
    "no_ballots": ("{meeting}没有选票可录入", "{meeting}: no ballots to enter"),
    "tally_exists": ("{meeting}已录入计票结果", "{meeting} already has a count"),
    "ballots_exist": (
        "{meeting}已逐张录入选票，不能再录入合计",
        "{meeting} already has individual ballots",
    ),
    "not_an_election": (
        "{meeting}不是选举（候选人只用于选举步骤）",
        "{meeting} is not an election",
    ),
    "already_elected": ("{person} 已当选，不能再作候选人", "{person} is already elected"),
    "candidates_required": ("选举须列出候选人", "an election needs candidates"),
    "not_a_candidate": ("{person} 不是本次选举的候选人", "{person} is not a candidate"),
    "duplicate_choice": ("同一人不能重复列出", "the same person is listed twice"),
    "too_many_choices": (
        "选票选了 {count} 人，超过应选名额 {seats} 名，为无效票",
        "{count} chosen for {seats} seat(s): the ballot is invalid",
    ),
    "invalid_exceeds_cast": (
        "无效票 {invalid} 张多于收回选票 {cast} 张",
        "{invalid} invalid ballots but only {cast} cast",
    ),
    "votes_exceed_valid": (
        "{person} 得票 {votes} 多于有效票 {valid} 张",
        "{person} has {votes} votes but only {valid} ballots are valid",
    ),
    "votes_exceed_seats": (
        "得票合计 {total} 超过有效票 {valid} 张 × 应选 {seats} 名",
        "{total} votes in all exceed {valid} valid ballots x {seats} seats",
    ),
    "negative_count": ("票数不能为负", "counts cannot be negative"),
    "tally_exceeds_present": (
        "赞成、反对、弃权合计 {total} 票，超过到会有表决权人数 {present} 人",
        "{total} votes in all, more than the {present} voting members present",
    ),
    "no_votes": ("{meeting}尚未表决，不能结束", "{meeting} has not voted yet"),
    "disclosure_open": ("“{stage}”已有公示在进行", "a disclosure for '{stage}' is still up"),
    "disclosure_closed": ("公示{disclosure}已结束", "the disclosure {disclosure} has ended"),
    "objections_not_open": ("此公示不受理异议", "this disclosure takes no objections"),
    "objection_window_over": ("异议期已于 {until} 截止", "the objection window closed on {until}"),
    "objection_not_pending": (
        "{objection}已答复或已上报",
        "{objection} was already answered or escalated",
    ),
    "bad_percent": ("进度 {percent}% 无效（0–100）", "invalid progress {percent}% (0-100)"),
    "no_supervisor": ("此步骤未设监督人", "this stage has no supervisor"),
    "already_signed": ("{person} 已签署验收意见", "{person} has already signed off"),
    "needs_sign_off": ("须先由 {who} 签署验收意见", "{who} must sign off first"),
    "bad_rating": (
        "评价“{rating}”无效（可用：{scale}）",
        "invalid rating '{rating}' (scale: {scale})",
    ),
    "already_rated": ("{person} 已评价", "{person} has already rated"),
    "no_ratings": ("尚无评价，不能结束评议", "no ratings yet"),
    "idempotency_key_reused": (
        "请求编号 {key} 已用于另一项操作，请换一个编号",
        "idempotency key {key} was already used for a different command",
    ),
    "already_recorded": (
        "此项已有记录（{key}），同一事实只能记录一次",
        "already recorded ({key}): this fact may be recorded only once",
    ),
    "busy": (
        "记录正被频繁写入，重试 {attempts} 次仍未成功，请稍后再试",
        "the log is busy: {attempts} attempts failed, try again shortly",
    ),
}
