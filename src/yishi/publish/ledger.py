"""The accounts section of a 实施结果公开 notice: budget against spending, per line and in total.

Built from the matter's events as the notice was posted (``document.as_posted``),
so a notice printed again later states the same figures it stated on the wall.
Amounts are text in 元 with two decimals (``"12000.50"``), computed from whole 分:
exact, and the same in every publisher.
"""

from __future__ import annotations

from typing import Any

from yishi.domain.accounts import EXPENDITURE, from_events, summarize, yuan
from yishi.domain.state import State
from yishi.publish.timeline import person


def grouped(amount: str) -> str:
    """``"280000.00"`` as ``"280,000.00"``: long sums are read by people, not parsed."""
    whole, _, cents = amount.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    return f"{sign}{int(digits):,}" + (f".{cents}" if cents else "")


def _money(fen: int | None) -> str | None:
    return None if fen is None else yuan(fen)


def _row(line: dict[str, Any], lang: str) -> dict[str, Any]:
    over = line["over"] > 0
    return {
        "item": line["item"] or ("Total" if lang == "en" else "合计"),
        "budget": _money(line["budget"]),
        "spent": yuan(line["spent"]),
        "over": yuan(line["over"]),
        "remaining": yuan(line["remaining"]),
        "over_budget": over,
        "unbudgeted": line["unbudgeted"],
        "mark": _mark(line, lang),
    }


def _mark(line: dict[str, Any], lang: str) -> str:
    """The over-budget mark in words, so it survives a black-and-white print."""
    en = lang == "en"
    if line["unbudgeted"] and line["spent"]:
        return "Not in the budget" if en else "预算外支出"
    if line["over"] > 0:
        over = grouped(yuan(line["over"]))
        return f"Over budget by {over}" if en else f"超支 {over}"
    return ""


def accounts_section(own: list[Any], state: State, lang: str) -> dict[str, Any]:
    """The keys the notice's ``implementation`` carries about accounts (docs/publishing.md)."""
    en = lang == "en"
    accounts = from_events(own)
    if not accounts.kept:
        return {
            "accounts": [],
            "accounts_note": "No accounts recorded." if en else "记录中未载明收支明细。",
        }
    summary = summarize(accounts)
    total = _row(summary["total"], lang)
    return {
        "accounts": [_row(line, lang) for line in summary["lines"]],
        "accounts_total": total,
        "accounts_source": summary["source"],
        "accounts_note": ""
        if summary["has_budget"]
        else ("No budget recorded." if en else "记录中未载明预算。"),
        "income_total": yuan(summary["income"]),
        "account_entries": [
            {
                "date": e.day,
                "kind": e.kind,
                "kind_label": (
                    ("Expenditure" if en else "支出")
                    if e.kind == EXPENDITURE
                    else ("Income" if en else "收入")
                ),
                "item": e.item,
                "amount": yuan(e.fen),
                "document": e.document,
                "text": e.text,
                "recorded_by": person(state, e.recorded_by),
            }
            for e in summary["entries"]
        ],
    }


def account_lines(recorded: Any, lang: str) -> list[str]:
    """The accounts a disclosure recorded (``content["accounts"]``, in 分) as plain text
    lines for the text notice, over-budget lines marked in words."""
    en = lang == "en"
    unit = " yuan" if en else " 元"

    def amount(fen: int) -> str:
        return grouped(yuan(fen)) + unit

    source = recorded.get("source", "")
    head = "Accounts against the budget" if en else "收支情况（对照预算"
    if source:
        head += f" (budget from {source})" if en else f"，预算依据：{source}"
    head += "" if en else "）"
    out = [head + (":" if en else "：")]
    rows = [*recorded.get("lines", ()), {"item": "", **recorded.get("total", {})}]
    for row in rows:
        item = row["item"] or ("Total" if en else "合计")
        budget = row.get("budget")
        if row.get("unbudgeted"):
            verdict = "▲ not in the budget" if en else "▲ 预算外支出"
        elif row.get("over"):
            verdict = f"▲ over by {amount(row['over'])}" if en else f"▲ 超支 {amount(row['over'])}"
        else:
            verdict = (
                f"left {amount(row['remaining'])}" if en else f"结余 {amount(row['remaining'])}"
            )
        planned = amount(budget) if budget is not None else "—"
        out.append(
            f"- {item}: budget {planned}, spent {amount(row['spent'])}, {verdict}"
            if en
            else f"- {item}：预算 {planned}，实际 {amount(row['spent'])}，{verdict}"
        )
    if recorded.get("income"):
        out.append(
            f"- Income in total: {amount(recorded['income'])}"
            if en
            else f"- 收入合计：{amount(recorded['income'])}"
        )
    return out
