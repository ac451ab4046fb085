"""`yishi verify`: the chain, the recount and the checks of published notices."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
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
    "verify_fact_mismatch": (
        "第 {seq} 条记录的唯一性登记（{key}）与记录内容不符：登记表被改动过",
        "record #{seq}: its entry among the facts recorded once ({key}) does not match the record:"
        " the facts table was altered",
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
}
