"""Store plugins on the command line and `yishi migrate`."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
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
}
