"""Accounts against the budget (domain/accounts.py, domain/bookkeeping.py)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "bad_amount": (
        "{field} 的金额“{amount}”无效：须为以元为单位的金额，至多两位小数，如 12000 或 12000.50（{why}）",
        "{field}: invalid amount '{amount}': give yuan with at most two decimals, e.g. 12000 or 12000.50 ({why})",
    ),
    "empty_account_item": ("{field} 未写明项目名称", "{field}: the item has no name"),
    "empty_budget": ("预算没有任何预算项目", "the budget has no lines"),
    "too_many_budget_lines": (
        "预算项目 {count} 项，超过上限 {limit} 项",
        "{count} budget lines, more than the limit of {limit}",
    ),
    "budget_source_missing": (
        "请写明预算出自哪项决议或方案（source）",
        "say which decision or plan the budget comes from (source)",
    ),
    "budget_item_twice": ("预算项目“{item}”写了两次", "budget line '{item}' is listed twice"),
    "budget_recorded": (
        "本事项已登记预算（合计 {total} 元，依据：{source}）；预算调整须经新的决议，不能直接改写",
        "this matter's budget is already recorded (total {total} yuan, from: {source}); "
        "a changed budget needs a new decision and is not overwritten",
    ),
    "no_budget": (
        "尚未登记预算：请先登记决议或方案确定的预算，再记支出",
        "no budget recorded yet: record the budget the decision or plan set before any expenditure",
    ),
    "needs_budget": (
        "本步骤须记账：完成实施前须先登记预算",
        "this stage keeps accounts: record the budget before completing it",
    ),
}
