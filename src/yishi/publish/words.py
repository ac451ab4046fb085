"""The wording of published pages, in Chinese and English.

A community may change any of it with a ``wording.toml`` in its template
folder (``[zh]`` and ``[en]`` tables of the same keys), e.g. to say 居务 for
村务 or to name its own office in the objection line.
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        # punctuation between the words of a line
        "colon": "：",
        "sep": "、",
        "comma": "，",
        "lp": "（",
        "rp": "）",
        "board": "公开栏",
        "current": "正在公示",
        "past": "往期公示",
        "none": "暂无",
        "matter": "事项",
        "matters": "全部事项",
        "notice": "公示",
        "notice_no": "公示编号",
        "posted": "公示期",
        "posted_day": "张贴日期",
        "to": "至",
        "inclusive": "（含）",
        "posted_at": "公示地点",
        "status_posted": "公示中",
        "status_ended": "公示期满",
        "status_suspended": "已中止",
        "decided": "决策过程",
        "date": "日期",
        "body": "表决主体",
        "method": "表决方式",
        "result": "结果",
        "counts": "票数",
        "entitled": "应到",
        "present": "实到",
        "yes": "赞成",
        "no": "反对",
        "abstain": "弃权",
        "invalid": "无效",
        "why": "依据",
        "elected": "当选",
        "recusals": "回避情况",
        "approvals": "报批情况",
        "supervision": "监督意见",
        "objecting": "异议方式与期限",
        "objections": "异议及答复",
        "reply": "答复",
        "implementation": "实施结果",
        "progress": "实施进展",
        "outcome": "结果",
        "evidence": "佐证材料",
        "accounts": "收支情况（对照预算）",
        "item": "项目",
        "budget": "预算（元）",
        "spent": "实际（元）",
        "difference": "超支／结余（元）",
        "remaining": "结余",
        "over": "超支",
        "total": "合计",
        "income_total": "收入合计（元）",
        "budget_source": "预算依据",
        "entries": "收支明细",
        "entries_online": "逐笔收支明细见线上公开栏（扫码查看）。",
        "evidence_online": "原件与数字指纹见线上公开栏",
        "why_online": "此为据以实施的决议；各次会议的法定人数与票数计算见决议公开及线上公开栏。",
        "continued": "（续）",
        "kind": "收／支",
        "amount": "金额（元）",
        "voucher": "凭证号",
        "recorded_by": "记账人",
        "timeline": "全过程记录",
        "flowchart": "办理流程图",
        "current_step": "当前步骤",
        "verify": "核验",
        "verify_title": "如何核验公示",
        "code": "核验码",
        "checkpoint": "存证",
        "records": "记录条数",
        "head": "链头摘要",
        "verify_how": "在保存记录的电脑上运行下面的命令，输入公示上的核验码：",
        "verify_what": "核验码对应唯一一份公示及其生成时的记录状态；命令会重算整条哈希链，并显示该公示的标题和张贴日期，请与纸质公示对照。用手机扫纸质公示上的二维码，会打开本页并标出这份公示所在的一行，可对照核验码、标题和存证。",
        "withheld": "依规不予公开的内容",
        "publisher": "公示单位",
        "seal": "（盖章）",
        "signed": "日期",
        "scan": "扫码查看网上记录并核验",
        "feed": "订阅（Atom）",
        "procedure": "办理程序",
        "type": "事项类别",
        "print": "打印版",
        "back": "返回公开栏",
        "closed_matter": "已办结",
        # CSS content for the printed page's footer (a community's own wording is trusted CSS)
        "page_of": '"第 " counter(page) " 页，共 " counter(pages) " 页"',
    },
    "en": {
        "colon": ": ",
        "sep": ", ",
        "comma": ", ",
        "lp": " (",
        "rp": ")",
        "board": "Notice board",
        "current": "Now posted",
        "past": "Earlier notices",
        "none": "None",
        "matter": "Matter",
        "matters": "All matters",
        "notice": "Notice",
        "notice_no": "Notice no.",
        "posted": "Posting period",
        "posted_day": "Posted on",
        "to": "to",
        "inclusive": " (inclusive)",
        "posted_at": "Posted at",
        "status_posted": "posted",
        "status_ended": "period ended",
        "status_suspended": "suspended",
        "decided": "How it was decided",
        "date": "Date",
        "body": "Body",
        "method": "Method",
        "result": "Result",
        "counts": "Votes",
        "entitled": "entitled",
        "present": "present",
        "yes": "yes",
        "no": "no",
        "abstain": "abstain",
        "invalid": "invalid",
        "why": "Explanation",
        "elected": "Elected",
        "recusals": "Recusals",
        "approvals": "Outside approvals",
        "supervision": "Monitoring committee's opinion",
        "objecting": "How to object, and until when",
        "objections": "Objections and replies",
        "reply": "Reply",
        "implementation": "Implementation result",
        "progress": "Progress",
        "outcome": "Outcome",
        "evidence": "Evidence",
        "accounts": "Accounts against the budget",
        "item": "Item",
        "budget": "Budget (yuan)",
        "spent": "Spent (yuan)",
        "difference": "Over / left (yuan)",
        "remaining": "Left",
        "over": "Over by",
        "total": "Total",
        "income_total": "Income in total (yuan)",
        "budget_source": "Budget from",
        "entries": "Income and expenditure lines",
        "entries_online": "Every line of income and expenditure is on the online board (scan the code).",
        "evidence_online": "originals and their fingerprints are on the online board",
        "why_online": "The decision carried out; every meeting's quorum and count are on the resolution notice and the online board.",
        "continued": " (continued)",
        "kind": "In / out",
        "amount": "Amount (yuan)",
        "voucher": "Voucher",
        "recorded_by": "Recorded by",
        "timeline": "Full record",
        "flowchart": "Procedure flowchart",
        "current_step": "current step",
        "verify": "Verify",
        "verify_title": "How to verify a notice",
        "code": "Verification code",
        "checkpoint": "Checkpoint",
        "records": "Records",
        "head": "Head digest",
        "verify_how": "On the computer that keeps the record, run this command with the code printed on the notice:",
        "verify_what": "The code belongs to one notice and the state of the record it was made from; the command recomputes the whole hash chain and shows the notice's title and posting date, to compare with the paper. Scanning the QR code on the paper notice opens this page at that notice's row, to compare its code, title and checkpoint.",
        "withheld": "Withheld by rule",
        "publisher": "Published by",
        "seal": "(seal)",
        "signed": "Date",
        "scan": "Scan to see the online record and verify it",
        "feed": "Subscribe (Atom)",
        "procedure": "Procedure",
        "type": "Type",
        "print": "Printable",
        "back": "Back to the board",
        "closed_matter": "completed",
        "page_of": '"page " counter(page) " of " counter(pages)',
    },
}


# Names of the parts and fields a rule set may withhold, for the line that says so.
WITHHELD_LABELS: dict[str, tuple[str, str]] = {
    "decisions": ("决策过程", "how it was decided"),
    "counts": ("票数与到会人数", "the counts"),
    "recusals": ("回避情况", "recusals"),
    "objections": ("异议及答复", "objections and replies"),
    "implementation": ("实施结果", "the implementation result"),
    "text": ("事项说明", "the description"),
    "reason": ("理由", "reasons"),
    "reply": ("答复内容", "replies"),
    "person": ("姓名", "names"),
    "by": ("签认人", "who signed off"),
    "evidence": ("佐证材料", "evidence"),
    "elected": ("当选人", "those elected"),
}


def withheld_label(name: str, lang: str) -> str:
    """A withheld part or field in words; a field the table does not know keeps its name."""
    labels = WITHHELD_LABELS.get(name)
    return labels[1 if lang == "en" else 0] if labels else name


def wording(lang: str, folder: Path | None = None) -> dict[str, str]:
    """The words for ``lang``, with a community's ``wording.toml`` over them."""
    words = dict(WORDS["en" if lang == "en" else "zh"])
    path = folder / "wording.toml" if folder is not None else None
    if path is not None and path.is_file():
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        table = data.get("en" if lang == "en" else "zh", {})
        if not isinstance(table, dict):
            raise ValueError(f"{path}: [{lang}] must be a table of words")
        for key, value in table.items():
            if key not in words or not isinstance(value, str):
                raise ValueError(f"{path}: [{lang}].{key}: unknown word or not a string")
            words[key] = value
    return words
