"""User-facing messages: Chinese by default, English on request.

Each message has a stable code (tests, portals and plugins match on it) and a
template per language. Kept as a table in code rather than compiled gettext
catalogs so that a missing translation is a failing test, not a silent
fallback (tests/test_i18n.py checks every code has both languages and the
same placeholders).
"""

from __future__ import annotations

from typing import Any

LANGS = ("zh", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    # -- refusals ------------------------------------------------------------
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
        "建议 {suggestion} 已处理，不能再合并或退回",
        "suggestion {suggestion} was already handled",
    ),
    "merge_not_defined": (
        "“{stage}”不能与其他步骤合并",
        "'{stage}' cannot be merged with another stage",
    ),
    "merge_not_allowed": (
        "只有 {roles} 由同一人担任（一肩挑）时才能合并步骤",
        "stages may be merged only when one person holds {roles}",
    ),
    "matter_closed": ("事项“{title}”（{matter}）已结束", "matter '{title}' ({matter}) is closed"),
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
    "meeting_closed": ("会议 {meeting} 已结束", "meeting {meeting} is closed"),
    "meeting_not_yet": (
        "会议 {meeting} 定于 {date} 召开，尚未开始",
        "meeting {meeting} is set for {date}",
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
    "no_ballots": ("没有选票可录入（会议 {meeting}）", "no ballots to enter (meeting {meeting})"),
    "tally_exists": ("会议 {meeting} 已录入计票结果", "meeting {meeting} already has a count"),
    "ballots_exist": (
        "会议 {meeting} 已逐张录入选票，不能再录入合计",
        "meeting {meeting} already has individual ballots",
    ),
    "not_an_election": (
        "会议 {meeting} 不是选举（候选人只用于选举步骤）",
        "meeting {meeting} is not an election",
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
    "no_votes": ("会议 {meeting} 尚未表决，不能结束", "meeting {meeting} has not voted yet"),
    "disclosure_open": ("“{stage}”已有公示在进行", "a disclosure for '{stage}' is still up"),
    "disclosure_closed": ("公示 {disclosure} 已结束", "disclosure {disclosure} has ended"),
    "objections_not_open": ("此公示不受理异议", "this disclosure takes no objections"),
    "objection_window_over": ("异议期已于 {until} 截止", "the objection window closed on {until}"),
    "objection_not_pending": (
        "异议 {objection} 已答复或已上报",
        "objection {objection} was already answered or escalated",
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
    # -- hardening (issue 13): values that cannot be recorded, verify's replay, the CLI's files
    "unrecordable": (
        "此项无法记录（{event}：{detail}），未写入任何内容",
        "this cannot be recorded ({event}: {detail}); nothing was written",
    ),
    "verify_verdict_mismatch": (
        "第 {seq} 条记录的表决结果与按所记选票和规则重算的结果不符（{field}：记录为 {recorded}，重算为 {recomputed}）",
        "record #{seq}: the verdict differs from a recount of the recorded ballots under the recorded rules ({field}: recorded {recorded}, recomputed {recomputed})",
    ),
    "verify_verdict_refused": (
        "第 {seq} 条记录的表决结果无法按所记选票和规则重算：{reason}",
        "record #{seq}: the verdict cannot be recomputed from the recorded ballots and rules: {reason}",
    ),
    "verify_replay_refused": (
        "第 {seq} 条记录无法重放：{reason}",
        "record #{seq} cannot be replayed: {reason}",
    ),
    "verify_double_fact": (
        "第 {seq} 条记录重复记录了只能记录一次的事实（{key}，首次见第 {first} 条）",
        "record #{seq} records again a fact that may be recorded only once ({key}, first at #{first})",
    ),
    "verify_command_mismatch": (
        "操作登记 {key} 与日志不符：{reason}",
        "command {key} does not match the log: {reason}",
    ),
    "verify_notice_mismatch": (
        "公示文件 {file} 与日志中第 {seq} 条记录不符：{reason}",
        "notice file {file} does not match record #{seq} of the log: {reason}",
    ),
    "cli_disk_full": (
        "磁盘已满，无法写入 {path}：{detail}。{cleanup}",
        "the disk is full; cannot write {path}: {detail}. {cleanup}",
    ),
    "cli_locked": (
        "记录文件 {path} 被另一个程序锁定（等待 {seconds} 秒后仍未释放）；请关闭正在使用它的程序后重试。{cleanup}",
        "the log {path} is locked by another program (still locked after {seconds} s); close it and try again. {cleanup}",
    ),
    "cli_io_error": (
        "无法读写 {path}：{detail}。{cleanup}",
        "cannot read or write {path}: {detail}. {cleanup}",
    ),
    "cli_store_refused": (
        "无法打开记录文件 {path}：{detail}",
        "cannot open the log {path}: {detail}",
    ),
    "cli_no_folder": (
        "无法创建文件夹 {path}：{detail}",
        "cannot create the folder {path}: {detail}",
    ),
    "cli_removed": (
        "未完成的记录文件已删除，未留下空文件。",
        "the unfinished log was removed; no empty file is left.",
    ),
    "verify_unknown_layout": (
        "{path} 由更新版本的 yishi 写成（表结构版本 {detail}），此版本无法核验；请升级 yishi",
        "{path} was written by a newer yishi (table layout {detail}); upgrade yishi to verify it",
    ),
    "verify_locked": (
        "记录文件 {path} 被另一个程序锁定，暂时无法核验；请稍后重试（{detail}）",
        "the log {path} is locked by another program and cannot be verified now; try again shortly ({detail})",
    ),
    "verify_notice_unknown": (
        "公示文件 {file} 在日志中找不到对应的公示：{reason}",
        "notice file {file} matches no disclosure in the log: {reason}",
    ),
    # -- yishi verify ---------------------------------------------------------
    "verify_no_file": ("找不到记录文件：{path}", "no log file at {path}"),
    "verify_not_a_log": (
        "{path} 不是 yishi 记录文件（{detail}）",
        "{path} is not a yishi log ({detail})",
    ),
    "verify_sqlite_damaged": (
        "数据库文件本身已损坏：{detail}",
        "the database file itself is damaged: {detail}",
    ),
    "verify_missing": (
        "第 {seq} 条记录之前缺少记录（应为第 {expected} 条）：有记录被删除",
        "records missing before #{seq} (expected #{expected}): a record was deleted",
    ),
    "verify_out_of_order": (
        "第 {seq} 条记录的序号不连续（应为第 {expected} 条）",
        "record #{seq} is out of sequence (expected #{expected})",
    ),
    "verify_prev_mismatch": (
        "第 {seq} 条记录所记的前一条摘要与前一条记录不符：记录被替换、插入或调换",
        "record #{seq} does not name the previous record's hash: replaced, inserted or swapped",
    ),
    "verify_hash_mismatch": (
        "第 {seq} 条记录的内容与其摘要不符：记录被改动",
        "record #{seq} does not match its hash: it was altered",
    ),
    "verify_version_gap": (
        "第 {seq} 条记录在“{stream}”中的版本号不连续",
        "record #{seq} breaks the version sequence of '{stream}'",
    ),
    "verify_unreadable": (
        "第 {seq} 条记录无法读取（内容损坏）",
        "record #{seq} cannot be read (damaged content)",
    ),
    "verify_not_canonical": (
        "第 {seq} 条记录不是规范编码（被改写过）",
        "record #{seq} is not in canonical form (rewritten)",
    ),
    "verify_column_mismatch": (
        "第 {seq} 条记录的 {column} 列与记录内容不符",
        "record #{seq}: column {column} does not match the record",
    ),
    "verify_evidence_missing": (
        "第 {seq} 条记录的附件“{name}”缺失（sha256 {sha}）",
        "record #{seq}: attachment '{name}' is missing (sha256 {sha})",
    ),
    "verify_evidence_altered": (
        "第 {seq} 条记录的附件“{name}”已被改动（sha256 {sha}）",
        "record #{seq}: attachment '{name}' was altered (sha256 {sha})",
    ),
    "verify_truncated": (
        "{source} 所载的存证要求至少 {size} 条记录，日志只有 {found} 条：日志末尾被截去",
        "{source} names record {size} but the log holds only {found}: its tail was cut off",
    ),
    "verify_checkpoint_mismatch": (
        "{source} 所载的存证与第 {seq} 条记录的摘要不符：此前的记录被改写",
        "the checkpoint in {source} does not match record #{seq}: history was rewritten",
    ),
    # -- periods counted as the 民法典 counts them (law-time) -------------------
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
    # -- postgres: store plugins on the command line, `yishi migrate` ---------------
    "store_backend_missing": (
        "没有名为 {backend} 的存储插件：请先安装（如 pip install yishi-postgres），"
        "再用 yishi plugins 查看",
        "no store plugin named {backend}: install it first (e.g. pip install yishi-postgres) "
        "and check with yishi plugins",
    ),
    "migrate_source_damaged": (
        "源记录核验未通过（{count} 处不符，第一处在第 {seq} 条记录），未迁移：请先用 yishi verify 查明",
        "the source log does not verify ({count} problem(s), the first at record #{seq}); "
        "nothing was copied: run yishi verify on it first",
    ),
    "migrate_target_not_empty": (
        "目标处已有 {size} 条记录，未迁移：只能迁入空的存储",
        "the target already holds {size} records; nothing was copied: migrate into an empty store",
    ),
    "migrate_hash_differs": (
        "迁入后第 {seq} 条记录的摘要与原记录不同，迁移已停止：两种存储对记录的理解不一致",
        "record #{seq} hashed differently in the target; the copy stopped: "
        "the two stores disagree on the record",
    ),
    "migrate_target_differs": (
        "迁移后目标处核验未通过或链头不同（{head}）",
        "after the copy the target does not verify or has another head ({head})",
    ),
    "migrate_no_evidence_store": (
        "记录带有附件，但源或目标存储没有存放附件之处",
        "the log has attachments but the source or the target keeps no attachment files",
    ),
    "migrate_done": (
        "已迁移 {records} 条记录（操作 {commands} 项、附件 {files} 个）：{source} → {target}。"
        "两侧核验完好，链头相同：{head}",
        "Copied {records} records ({commands} commands, {files} attachments): "
        "{source} → {target}. Both sides verify, with the same head: {head}",
    ),
    "verify_truncated_commands": (
        "操作登记 {key} 指向第 {last} 条记录，日志中没有：日志末尾被截去",
        "command {key} names record #{last}, which the log lacks: its tail was cut off",
    ),
    # -- web (issue 11): the HTTP API and pages --------------------------------
    "web_expected": ("{field}：应为 {expected}", "{field}: expected {expected}"),
    "web_missing_field": ("{field}：必须填写", "{field}: required"),
    "web_unknown_field": (
        "{field}：没有这一项（可用：{allowed}）",
        "{field}: no such field (known: {allowed})",
    ),
    "web_server_field": (
        "{field}：由服务器按登录身份填写，不能在请求中给出",
        "{field}: set by the server from who is signed in; do not send it",
    ),
    "web_bad_text": (
        "{field}：含有无法保存的字符（空字符或不成对的代理字符）",
        "{field}: holds characters that cannot be stored (NUL or a lone surrogate)",
    ),
    "web_too_long": ("{field}：太长（上限 {limit}）", "{field}: too long (limit {limit})"),
    "web_bad_form": ("表单格式不正确：{detail}", "malformed form: {detail}"),
    "web_bad_json": ("请求不是有效的 JSON", "the request body is not valid JSON"),
    "web_sign_in": ("请先登录或提供访问令牌", "sign in or give an API token"),
    "web_role_required": (
        "您的身份不能进行此操作（需要：{roles}）",
        "your role may not do this (needs: {roles})",
    ),
    "web_not_by_portal": (
        "此操作须本人登录后进行，不能经门户代为提交",
        "this must be done signed in in person, not through a portal",
    ),
    "web_only_yourself": (
        "{field}：只能填写您本人",
        "{field}: may only name yourself",
    ),
    "web_no_behalf": (
        "只有工作人员可以代他人录入，投票不能代录",
        "only staff may enter acts for others, and never a vote",
    ),
    "web_no_policy": (
        "网页端未开放此操作：{command}",
        "the web does not offer this command: {command}",
    ),
    "web_slow_down": (
        "提交太频繁，请 {seconds} 秒后再试",
        "too many submissions; try again in {seconds} s",
    ),
    "web_bad_key": (
        "{field}：应为 1–200 个字符",
        "{field}: 1 to 200 characters",
    ),
    "web_no_evidence_store": (
        "此记录不保存附件",
        "this log keeps no attachments",
    ),
    "web_unknown_community": ("查无此社区：{community}", "no such community: {community}"),
    "web_not_found": ("找不到：{id}", "not found: {id}"),
    "web_bad_page": ("{field}：分页参数无效", "{field}: invalid paging"),
    "web_bad_code": (
        "{field}：核验码应为 8 位字母和数字（如 7K3M-Q9TD）",
        "{field}: a code is 8 letters and digits like 7K3M-Q9TD",
    ),
    "web_csrf": (
        "表单已过期或来自其他网站，请刷新页面后重新提交",
        "the form expired or came from another site; reload and submit again",
    ),
    "web_bad_password": ("账号或密码不正确", "wrong account or password"),
    "web_recorded": ("已记录", "recorded"),
    "web_upload_too_large": (
        "{field}：文件太大（上限 {limit} 字节）",
        "{field}: file too large (limit {limit} bytes)",
    ),
    # -- law-bodies: statutory steps, 临时通知, approvals, kinship -------------
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
        "事项“{matter}”无须外部批准",
        "matter '{matter}' needs no outside approval",
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
    # -- counting rules (vote methods that count; invalid ballots; secret ballot box) --
    "method_for_elections": (
        "“{method}”是选举的计票方式，不能用于事项表决",
        "'{method}' counts elections and cannot be used to vote on a motion",
    ),
    "method_seats": (
        "“{method}”只能选 {most} 名，本次应选 {seats} 名",
        "'{method}' fills at most {most} seat(s); this election has {seats}",
    ),
    "ranked_needs_ballots": (
        "“{method}”须逐张录入排序选票，不能只录入得票合计",
        "'{method}' needs the ranked ballots, not totals per candidate",
    ),
    "ballot_box_mismatch": (
        "投票箱中有 {box} 张选票，投票登记为 {register} 人，二者不符，不能开箱计票",
        "the ballot box holds {box} ballots but {register} voters are registered: not counted",
    ),
    "recusal_after_secret_ballot": (
        "{person} 已投无记名票，选票无法从票箱中取出；回避须在投票前声明",
        "{person} has already cast a secret ballot, which cannot be taken out of the box: "
        "declare an interest before voting",
    ),
    "ballot_too_long": (
        "选票内容过长（{size} 字节，至多 {most} 字节）：请缩短无效原因或减少所列人数",
        "the ballot is too long ({size} bytes, at most {most}): shorten the reason or the list",
    ),
    "sealed_box_unsupported": (
        "当前记录库不支持密封投票箱，无记名投票请录入计票结果",
        "this store cannot keep a sealed ballot box: enter the secret ballot as a count",
    ),
}


def message(code: str, lang: str = "zh", **params: Any) -> str:
    zh, en = MESSAGES.get(code, (code, code))
    template = en if lang == "en" else zh
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return f"{template} {params}"
