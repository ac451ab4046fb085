"""Periods counted as the 民法典 counts them, and steps entered afterwards from the paper record."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "notice_working_days": (
        "{body}须提前 {required} 个工作日通知（{first_day} 至 {last_day}），会议不得早于 {last_day}",
        "{body} needs {required} working days' notice ({first_day} to {last_day}); "
        "the meeting cannot be held before {last_day}",
    ),
    # -- backfill: earlier steps entered from the paper record (law-time) ------
    "record_out_of_order": (
        "补录须按程序顺序逐步进行：事项当前处于“{stage}”，不能补录“{recorded}”",
        "records are entered step by step in the procedure's order: the matter is at '{stage}', "
        "not '{recorded}'",
    ),
    "record_kind_not_supported": (
        "“{stage}”不能补录：建议征集与选举须按实际逐条录入（建议、选票或计票结果）",
        "'{stage}' cannot be entered as a record: enter suggestions, ballots or the count as they happened",
    ),
    "record_step_under_way": (
        "“{stage}”已在本系统中进行（有未结束的会议或公示），不能再补录",
        "'{stage}' is already under way here (a meeting or notice is open); it cannot be entered as a record",
    ),
    "record_in_future": (
        "补录的日期 {held_on} 晚于录入当天 {today}",
        "the recorded date {held_on} is later than the day of entry {today}",
    ),
    "record_before_previous": (
        "补录的日期 {held_on} 早于上一步的 {previous}",
        "the recorded date {held_on} is earlier than the previous step's {previous}",
    ),
    "record_needs_minutes": (
        "补录须写明书面记录所在（会议记录、签到表、公示底稿等）",
        "a record must say where the paper record is (minutes, sign-in sheet, notice copy)",
    ),
    "record_needs_counts": (
        "补录“{stage}”须在 counts 中写明人数：{missing}",
        "entering '{stage}' needs its numbers in counts: {missing}",
    ),
    "record_quorum_not_met": (
        "书面记录写“通过”，但到会 {count} 人不足法定人数（基数 {base_value}，须至少 {minimum} 人）",
        "the record says passed, but {count} present is not a quorum ({minimum} of {base_value} needed)",
    ),
    "record_threshold_not_met": (
        "书面记录写“通过”，但赞成 {count} 票未达到表决要求（基数 {base_value}，须至少 {minimum} 票）",
        "the record says passed, but {count} in favour does not meet the threshold "
        "({minimum} of {base_value} needed)",
    ),
    "record_votes_exceed_present": (
        "补录的赞成、反对、弃权合计 {votes} 票，多于到会的 {present} 人",
        "the recorded votes ({votes}) exceed those present ({present})",
    ),
    "record_present_exceeds_members": (
        "补录的到会人数 {present} 多于应到会的 {members} 人",
        "the recorded attendance ({present}) exceeds the members entitled to attend ({members})",
    ),
}
