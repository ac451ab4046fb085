"""``yishi stats``: the period and the log it reads."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "stats_bad_date": (
        "{option}：日期应写作 年-月-日（如 2026-01-31），实际为“{value}”",
        "{option}: a date is written YYYY-MM-DD (e.g. 2026-01-31), got “{value}”",
    ),
    "stats_reversed": (
        "统计期间有误：--from {first} 晚于 --to {last}",
        "the period is back to front: --from {first} is after --to {last}",
    ),
    "stats_no_log": (
        "找不到记录文件：{path}（用 --db 指定，或先运行 yishi run --db）",
        "no log file at {path} (give one with --db, or write one with yishi run --db)",
    ),
}
