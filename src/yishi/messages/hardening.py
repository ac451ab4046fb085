"""Values that cannot be recorded, verify's replay, and the command line's files."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
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
}
