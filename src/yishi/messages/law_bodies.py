"""Statutory steps, 临时通知, approvals and kinship."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "step_missing": (
        "须先完成：{step}",
        "first complete: {step}",
    ),
    "body_reserved_for_matter": (
        "“{matter_type}”只能由{allowed}决定，不能由“{body}”召开（{why}）",
        "'{matter_type}' may be decided only by {allowed}, not by '{body}' ({why})",
    ),
    "statute_reserves_matter": (
        "“{matter_type}”只能由法律指定的会议决定，{body}不得决定此事项",
        "'{matter_type}' is reserved by statute to another assembly; {body} may not decide it",
    ),
    "urgent_notice_not_allowed": (
        "{body}不允许临时通知，须按规定天数提前通知",
        "{body} allows no short notice; give the full notice",
    ),
    "meeting_in_past": ("会议日期 {date} 已过", "the meeting date {date} has passed"),
    "no_approval_needed": (
        "事项{matter}无须外部批准",
        "matter {matter} needs no outside approval",
    ),
    "already_approved": ("已记录{by}的批准", "the approval of {by} is already recorded"),
    "relative_not_eligible": (
        "{person}是{other}（{body}成员）的近亲属，不得加入{target}",
        "{person} is a close relative of {other} (a member of {body}) and may not sit on {target}",
    ),
    "member_not_eligible": (
        "{person}是{body}成员，不得加入{target}",
        "{person} is a member of {body} and may not sit on {target}",
    ),
    "must_step_down": (
        "{person}的近亲属{candidate}被提名为候选人，{person}应当退出{body}",
        "{person} must step down from {body}: a close relative, {candidate}, is nominated",
    ),
    "not_close_relative": (
        "登记簿中{other}不是{person}的近亲属",
        "the register does not list {other} as a close relative of {person}",
    ),
    "recusal_relatives_disabled": (
        "本规则未规定近亲属有利害关系时回避",
        "this rule set does not provide for recusal over a close relative's interest",
    ),
    "relative_interest": (
        "{person}的近亲属{relative}与本事项有利害关系",
        "{person}'s close relative {relative} has an interest in this matter",
    ),
}
