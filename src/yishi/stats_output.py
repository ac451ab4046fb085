"""The ``yishi-stats/1`` document as a table for people or CSV for spreadsheets.

Both are read from the document :func:`yishi.stats.compute` returns, so the
three formats cannot disagree. Names, never ids, in the table; the CSV keeps
the council and body ids beside their names so that a spreadsheet can join
on them, and its columns are fixed (one row per figure, docs/stats.md).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from typing import Any

# (group, figure, rate key or "", Chinese label, English label), in table order.
ROWS: tuple[tuple[str, str, str, str, str], ...] = (
    ("matters", "raised", "", "提出事项", "matters raised"),
    ("matters", "decided", "", "作出决定", "decided"),
    ("matters", "adopted", "", "其中决定实施", "of which adopted"),
    ("matters", "done", "", "办结", "done"),
    ("matters", "done_on_time", "on_time_rate", "其中按时办结", "of which on time"),
    ("matters", "abandoned", "", "终止", "abandoned"),
    ("matters", "open_at_end", "", "期末在办", "open at the end"),
    ("deadlines", "due", "", "到期的答复期限", "answer deadlines due"),
    ("deadlines", "met", "met_rate", "其中按期答复", "of which met"),
    ("suggestions", "received", "", "收到建议", "suggestions received"),
    ("suggestions", "answered", "answered_rate", "其中已答复", "of which answered"),
    ("suggestions", "merged", "", "并入议题", "merged into a topic"),
    ("suggestions", "declined", "", "退回并说明理由", "declined with a reason"),
    ("satisfaction", "evaluations", "", "满意度评议（轮）", "satisfaction evaluations"),
    ("satisfaction", "passed", "", "其中达到要求", "of which met the rule"),
    ("satisfaction", "ratings", "", "参加评价人次", "ratings given"),
    ("satisfaction", "satisfied", "rate", "满意人次（满意率）", "satisfied (rate)"),
)

_MEETINGS = (
    ("held", "召开会议", "meetings"),
    ("passed", "通过", "passed"),
    ("rejected", "未通过", "not passed"),
    ("no_quorum", "不足法定人数", "no quorum"),
)

DEFINITIONS = (
    "口径：按每件事发生之日计入期间（补录步骤按实际召开之日）；期末之后的记录不计。"
    "作出决定＝会议或选举表决后进入公示、实施或评议，或就此结束；"
    "按时办结＝办结前每个答复期限都在期限当日或之前答复；"
    "已答复＝建议已并入议题或已退回并说明理由；"
    "满意率＝各轮评议中评为“满意”类的人次之和 ÷ 参加评价人次之和（百分比四舍五入，仅供阅读）。",
    "How counted: each act on the day it happened (a step entered from paper on the day it "
    "was held); nothing after the period's last day. Decided = after a meeting's or election's "
    "verdict the matter went on to a notice, execution or evaluation, or ended. On time = every "
    "answer deadline on the matter was met by its last day. Answered = merged into a topic or "
    "declined with a reason. Satisfaction rate = satisfied ratings ÷ ratings, over every "
    "evaluation round (percentages rounded, for reading only).",
)


def cell(group: dict[str, Any], figure: str, rate_key: str, lang: str) -> str:
    value = str(group[figure])
    if not rate_key:
        return value
    r = group[rate_key]
    if r is None:
        return value  # nothing to count against: no rate
    shown = f"{r['count']}/{r['of']}"
    return f"{shown} ({r['percent']})" if lang == "en" else f"{shown}（{r['percent']}）"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _grid(rows: list[list[str]]) -> list[str]:
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def to_table(document: dict[str, Any], lang: str = "zh") -> str:
    en = lang == "en"
    period = document["period"]
    out = [
        f"Period: {period['from']} to {period['to']}"
        if en
        else f"统计期间：{period['from']} 至 {period['to']}"
    ]
    councils = document["councils"]
    columns = [c["name"][lang] for c in councils] + (["Total" if en else "合计"])
    figures = [c["figures"] for c in councils] + [document["total"]["figures"]]
    rows = [["Figure" if en else "项目", *columns]]
    for group, figure, rate_key, zh, en_label in ROWS:
        rows.append(
            [en_label if en else zh, *(cell(f[group], figure, rate_key, lang) for f in figures)]
        )
    out += ["", *_grid(rows)]
    bodies = [
        [c["name"][lang], b["name"][lang], *(str(b["meetings"][k]) for k, _, _ in _MEETINGS)]
        for c in councils
        for b in c["bodies"]
    ]
    if bodies:
        head = ["Council" if en else "议事规则", "Body" if en else "机构"]
        head += [e if en else z for _, z, e in _MEETINGS]
        out += ["", "Meetings by body" if en else "各机构会议", *_grid([head, *bodies])]
    out += ["", DEFINITIONS[1] if en else DEFINITIONS[0]]
    return "\n".join(out)


CSV_COLUMNS = (
    "from",
    "to",
    "council",
    "council_name",
    "body",
    "body_name",
    "figure",
    "figure_name",
    "value",
    "of",
    "percent",
)


def to_csv(document: dict[str, Any], lang: str = "zh") -> str:
    """One row per figure: the council's (or the total's, with an empty council),
    then each body's meetings."""
    period = document["period"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    sections = [(c["council"], c["name"][lang], c["figures"]) for c in document["councils"]]
    sections.append(("", "Total" if lang == "en" else "合计", document["total"]["figures"]))
    for council, name, figures in sections:
        for group, figure, rate_key, zh, en in ROWS:
            r = figures[group][rate_key] if rate_key else None
            writer.writerow(
                [
                    period["from"],
                    period["to"],
                    council,
                    name,
                    "",
                    "",
                    f"{group}.{figure}",
                    en if lang == "en" else zh,
                    figures[group][figure],
                    r["of"] if r else "",
                    r["percent"] if r else "",
                ]
            )
    for c in document["councils"]:
        for b in c["bodies"]:
            for key, zh, en in _MEETINGS:
                writer.writerow(
                    [
                        period["from"],
                        period["to"],
                        c["council"],
                        c["name"][lang],
                        b["body"],
                        b["name"][lang],
                        f"meetings.{key}",
                        en if lang == "en" else zh,
                        b["meetings"][key],
                        "",
                        "",
                    ]
                )
    return buffer.getvalue()
