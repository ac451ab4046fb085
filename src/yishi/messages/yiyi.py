"""一事一议 (canvass, petitions, levy caps) and 村民小组 bodies."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "canvass_incomplete": (
        "{stage}前须由村民代表逐户征求意见并由每户签字：{total} 户中尚有 {count} 户未签字：{households}",
        "before {stage}, a representative must ask every household and each must sign: "
        "{count} of {total} households have not signed: {households}",
    ),
    "no_canvass_here": (
        "“{stage}”这一步不需要入户征求意见",
        "the step '{stage}' has no household canvass",
    ),
    "canvass_after_convened": (
        "“{stage}”的会议已经召集，入户征求意见须在召集前完成",
        "the meeting of '{stage}' is already convened; the canvass comes before it",
    ),
    "unknown_household": (
        "查无此户，或该户不在本事项的范围内：{household}",
        "no such household, or not one this matter concerns: {household}",
    ),
    "canvass_by_other": (
        "{person}不是联系{household}的村民代表，不能以代表身份录入该户意见（可由记录员代为录入）",
        "{person} is not the representative of {household} (a recorder may enter it on his behalf)",
    ),
    "canvass_wrong_representative": (
        "{household}由村民代表{representative}联系，不是{person}",
        "{household} is represented by {representative}, not {person}",
    ),
    "canvass_signer_outside": (
        "{person}不是{household}的成员，不能代表该户签字",
        "{person} is not a member of {household} and cannot sign for it",
    ),
    "canvass_signer_required": (
        "{household}没有登记户代表，请写明由谁签字（signer）",
        "{household} has no household head on record: say who signed (signer)",
    ),
    "petition_short": (
        "不是{who}成员提出的事项，须有足够的联名：{explanation}",
        "a matter not raised by {who} needs enough co-signers: {explanation}",
    ),
    "petition_not_allowed": (
        "本规则不接受联名提议，请由有权提出的机构提出",
        "this rule set takes no co-signed proposals; a proposer body must raise it",
    ),
    "petition_signed_twice": ("{person}重复联名", "{person} co-signed twice"),
    "group_required": (
        "{body}按村民小组召开：请在提出事项时写明所涉及的村民小组（group）",
        "{body} meets per 村民小组: say which group the matter concerns (group) when proposing it",
    ),
    "unknown_group": (
        "村庄档案中没有这个村民小组：{group}",
        "no such 村民小组 in the community: {group}",
    ),
    "not_in_group": (
        "{person}不属于这个村民小组，不是{body}的成员",
        "{person} does not belong to this villager group and is not a member of {body}",
    ),
    "levy_above_cap": (
        "{what}超过上限：本方案 {own} {unit}，本年度其他 {count} 个方案已有 {others} {unit}，"
        "合计 {total} {unit}，上限 {cap} {unit}",
        "{what} above the cap: this plan {own} {unit}, the year's {count} other plans {others} {unit}, "
        "together {total} {unit}; the cap is {cap} {unit}",
    ),
    "levy_above_cap_alone": (
        "{what}超过上限：本方案 {own} {unit}，上限 {cap} {unit}（本年度没有其他方案）",
        "{what} above the cap: this plan {own} {unit}; the cap is {cap} {unit} "
        "(no other plans this year)",
    ),
    "levy_bad_amount": (
        "{field} 的值“{value}”不是金额或工日数（写成“15”或“12.5”，最多两位小数）",
        "{field}: '{value}' is not an amount (write 15 or 12.5, at most two decimals)",
    ),
    "levy_unknown_exemption": (
        "没有“{category}”这一减免类别（可用：{allowed}）",
        "no exemption category '{category}' (known: {allowed})",
    ),
    "levy_exempt_twice": ("{person}的减免登记了两次", "{person} is exempted twice"),
    "levy_not_used": ("本规则没有筹资筹劳方案", "this rule set has no levy plan"),
    "levy_after_vote": (
        "“{stage}”已经开始，方案不能再改；修改后的方案须作为新事项提出",
        "'{stage}' has begun; the plan is fixed; a changed plan is a new matter",
    ),
    "levy_plan_missing": (
        "{stage}前须先录入筹资筹劳方案（每人筹资额、筹劳数和减免）",
        "before {stage}, record the levy plan (money per person, labour days, exemptions)",
    ),
    "record_households_not_met": (
        "书面记录写“通过”，但到会代表所代表的只有 {count} 户（共 {base_value} 户，须至少 {minimum} 户）",
        "the record says passed, but the representatives present answer for only {count} "
        "households ({minimum} of {base_value} needed)",
    ),
    "canvass_twice": ("{household}已经签字", "{household} has already signed"),
    "canvass_view_required": (
        "请写明{household}的意见（同意、不同意或具体意见）",
        "write down the view of {household} (agree, disagree or its words)",
    ),
}
