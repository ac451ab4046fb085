"""The rule-set format, declared once.

The same declaration drives the structural checks of ``yishi check`` and the
JSON Schema printed by ``yishi schema`` (for Taplo / Even Better TOML), so the
two cannot drift apart. The machinery is in ``fields.py``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import attrs

from yishi.domain.bodies import Membership
from yishi.domain.catalog import BUILTIN_CATALOG, Catalog
from yishi.domain.counting import Base, Comparator
from yishi.domain.periods import Counting
from yishi.domain.rules import DISCLOSURE_SECTIONS
from yishi.domain.statutory import BODY_FLOORS, MATTER_STATUTES
from yishi.domain.transitions import Action
from yishi.rulesets import fields
from yishi.rulesets.fields import ID, MAX_DAYS, Field, arr, b, i, s, table, validate

__all__ = [
    "RULESET",
    "SCHEMA_VERSION",
    "Field",
    "arr",
    "b",
    "i",
    "json_schema",
    "ruleset_spec",
    "s",
    "table",
    "validate",
]

# The one format version this yishi reads; the loader refuses any other.
SCHEMA_VERSION = 1

REF_DOC = '"residents"、机构 id 或 "机构.职务"，如 "village_committee.director"'

REQUIREMENT = table(
    '一个人数条件：base 的 fraction，比较方式 cmp（">" 过半数/超过；">=" 以上/不少于）',
    base=s("基数", required=True, enum=tuple(b.value for b in Base)),
    fraction=Field("fraction", '分数字符串，如 "2/3"；不接受小数或百分比', required=True),
    cmp=s(
        '比较：">" 不含本数，">=" 含本数', required=True, enum=tuple(c.value for c in Comparator)
    ),
    note=s("说明（出处、取舍理由）"),
)
QUORUM = Field(
    "table",
    "法定人数：单个条件，或 any_of 列出的任一条件",
    one_of=(REQUIREMENT, table(any_of=arr(REQUIREMENT, required=True), note=s())),
)
THRESHOLD = Field(
    "table",
    "表决通过条件：单个条件，或 all_of 列出的全部条件",
    one_of=(REQUIREMENT, table(all_of=arr(REQUIREMENT, required=True), note=s())),
)
TRANSITION = Field(
    "string",
    '去向："next"、"abandon"、"complete"、"reconvene"，或 {action = "...", stage = "...", body = "...", notice_days = N}；'
    '移交另一程序：{action = "hand_off", procedure = "规则 id", stage = "目标步骤 id", matter_type = "...", note = "理由"}',
    one_of=(
        s(enum=tuple(a.value for a in Action)),
        table(
            action=s(required=True, enum=tuple(a.value for a in Action)),
            stage=s("目标步骤 id"),
            body=s("升级到的机构 id"),
            notice_days=i("重新通知的天数", maximum=MAX_DAYS),
            procedure=s("hand_off：移交到的规则 id（另一议事程序）", pattern=ID),
            matter_type=s("hand_off：事项在目标程序中的类型（不写则不变）"),
            note=s("说明；hand_off 时为移交理由，记入事项历史"),
            note_en=s("the reason in English (hand_off)"),
        ),
    ),
)
METHODS = arr(
    s(enum=tuple(BUILTIN_CATALOG.vote_methods), enum_from="vote_methods"), "允许的表决方式"
)
REFS = arr(s(), f"谁可以操作：{REF_DOC}")

BODY = table(
    "一个机构",
    name=s("中文名称", required=True),
    name_en=s("English name"),
    membership=s("成员来源", enum=tuple(m.value for m in Membership)),
    per=s(
        '按村民小组生成：写 "village_group" 时，本机构是模板，为村庄档案中的每个村民小组各生成一个会议'
        "（村组法第三十二条），成员为该小组的十八周岁以上村民",
        enum=("village_group",),
    ),
    statutory_kind=s("对应的法定机构类型，用于核对法定下限", enum=tuple(BODY_FLOORS)),
    urgent_notice=b("是否允许“遇有特殊情况”临时通知（须逐次写明理由，记入会议记录和公示）"),
    excludes_relatives_of=arr(s(), "其成员及其近亲属不得担任本机构成员的机构 id"),
    observers=arr(s(), "可以列席本机构会议（无表决权）的机构 id"),
    steps_down_if_relative_nominated=b(
        "选举委员会：成员本人或其近亲属被提名为候选人的，应当退出（村组法第十五条）"
    ),
    roles=arr(s(pattern=ID), "职务列表"),
    non_voting_party=arr(
        s(enum=("full", "probationary")),
        '列席但无表决权的党员身份，如 ["probationary"]（预备党员）',
    ),
    role_names=Field("map", '职务的中文名称，如 { secretary = "书记" }', values=s()),
    notice_days=i("提前通知天数", maximum=MAX_DAYS),
    quorum=QUORUM,
    quorum_also=Field(
        "table",
        "在法定人数之外还须同时满足的到会条件（全部满足），如一事一议：到会代表所代表的户数三分之二以上",
        one_of=(REQUIREMENT, table(all_of=arr(REQUIREMENT, required=True), note=s())),
    ),
    threshold=THRESHOLD,
    vote_methods=METHODS,
    excusal=b("是否允许经批准不计入应到会人数（长期外出、丧失行为能力等）"),
    sittings=table(
        "章程规定的例会（常设议事机构）：例会以外召集的会议记为临时会议",
        days_of_month=arr(i(minimum=1, maximum=31), "每月例会的日子，如 [15]", required=True),
        note=s("例会的说明，如“每月十五日在古槐树下例会”", required=True),
        note_en=s(),
    ),
    proxies=table(
        "书面委托投票",
        allowed=b("是否允许"),
        holder=s("受托人条件", enum=("close_relative", "same_household", "any_member")),
        max_per_holder=i("每名受托人最多受托人数", minimum=1),
        absent_only=b("委托人本人不得到会"),
        note=s(),
    ),
    composition=arr(
        table(
            label=s("说明", required=True),
            role=s("职务", required=True),
            gender=s("性别", enum=("male", "female")),
            fraction=Field("fraction", "占组成人员的比例", required=True),
            cmp=s(required=True, enum=tuple(c.value for c in Comparator)),
        ),
        "组成要求，如村民代表占五分之四以上",
    ),
    note=s(),
)

STAGE = table(
    "一个步骤",
    id=s("步骤 id", required=True, pattern=ID),
    kind=s(
        "步骤类型",
        required=True,
        enum=tuple(BUILTIN_CATALOG.stage_kinds),
        enum_from="stage_kinds",
    ),
    name=s("中文名称", required=True),
    name_en=s(),
    bodies=arr(s(), "开会的机构（可列多个备选）"),
    actors=REFS,
    in_sequence=b("false 表示只能经转向进入"),
    notice_days=i(maximum=MAX_DAYS),
    quorum=QUORUM,
    threshold=THRESHOLD,
    vote_methods=METHODS,
    on_pass=TRANSITION,
    on_reject=TRANSITION,
    on_no_quorum=TRANSITION,
    merge=table(
        "一肩挑时吸收前一步骤",
        absorbs=s("被吸收的步骤 id", required=True),
        same_person=arr(
            s(),
            '同一人担任的职务，如 ["party_branch_committee.secretary", "village_committee.director"]',
            required=True,
        ),
    ),
    disclosure_days=i("公示天数", minimum=1, maximum=MAX_DAYS),
    disclosure_kind=s("公示类别", enum=("resolution", "result", "other")),
    statutory_posting=b(
        "本地程序（statutory = false）中，此公布是否属村（居）委会依法须公布、不少于十五日的事项"
        "（村组法第三十五条、居委会组织法第三十四条）；不写时 resolution、result 类属于，other 类不属于"
    ),
    channels=arr(s(), "公示渠道"),
    objections=table(
        "异议",
        window_days=i("异议期天数（默认等于公示期）", maximum=MAX_DAYS),
        reply_days=i("答复期限（天）", required=True, maximum=MAX_DAYS),
        handler=REFS,
        on_unresolved=TRANSITION,
        note=s(),
    ),
    reviewers=arr(s(), f"公示前审核并出具监督意见的人（如村务监督委员会）：{REF_DOC}"),
    canvass=b(
        "会议步骤：表决前须由村民代表逐户征求意见并由每户签字（一事一议），缺一户不得召集表决"
    ),
    supervisor=REFS,
    accounts=b(
        "实施：是否记账。为 true 时须先登记预算（出自决议或方案）才能完成实施，收支逐笔登记"
    ),
    scale=arr(s(), "评价等级"),
    satisfied=arr(s(), "计为满意的等级"),
    raters=REFS,
    min_suggestions=i(minimum=1),
    seats=i("选举：应选名额", minimum=1),
    fills=s('选举：当选者加入的 "机构.职务"，如 "supervisors.supervisor"'),
    women_present=table(
        "会议：到会人员中妇女须占的比例（可选；不足则不能表决，按 on_no_quorum 处理）",
        fraction=Field("fraction", '分数字符串，如 "1/3"', required=True),
        cmp=s(required=True, enum=tuple(c.value for c in Comparator)),
        note=s("说明（出处、取舍理由）"),
    ),
    # referral (转办答复): domain/referral.py
    recipients=arr(
        table(
            "可送交的外部机构",
            name=s("机构名称，如“镇人民政府”", required=True),
            name_en=s(),
            body=s("本社区登记的机构 id（如服务队）：其成员可为它录入答复"),
        ),
        "转办：可送交的机构（不写则送交时写明任一机构）",
    ),
    answer_days=i("转办：对方答复期限（天）", minimum=1, maximum=MAX_DAYS),
    answer_counting=s(
        "转办：答复期限按日历日还是工作日计算（默认同 [periods]）",
        enum=tuple(c.value for c in Counting),
    ),
    responders=arr(s(), f"转办：录入答复的人（默认同 actors）：{REF_DOC}"),
    on_overdue=TRANSITION,
    answer_words=table(
        "转办：两种答复的说法（默认“已办结”“未办结”）",
        settled=s("办结时的说法，如“审核通过”“准予备案”“接单”", required=True),
        not_settled=s("未办结时的说法，如“须修改”“不接单”", required=True),
        settled_en=s(),
        not_settled_en=s(),
    ),
    runoff_threshold=table(
        "另行选举时当选所需票数（默认：不少于已投选票总数的三分之一）",
        base=s("基数", required=True, enum=(Base.VOTES_CAST.value,)),
        fraction=Field("fraction", '分数字符串，如 "1/3"', required=True),
        cmp=s(required=True, enum=tuple(c.value for c in Comparator)),
        note=s("说明（出处、取舍理由）"),
    ),
    note=s(),
)

APPROVAL = table(
    "决议后、实施前须经的外部批准（如报乡（镇）人民政府批准）",
    by=s("批准机关", required=True),
    by_en=s(),
    before=s("等待批准的步骤 id（实施步骤）", required=True),
    reply_working_days=i(
        "须在前一道批准后多少个工作日内答复（如县级复审七个工作日内书面答复）",
        minimum=1,
        maximum=MAX_DAYS,
    ),
    note=s(),
)

OVERRIDE = table(
    quorum=QUORUM,
    threshold=THRESHOLD,
    bodies=arr(s()),
    vote_methods=METHODS,
    notice_days=i(maximum=MAX_DAYS),
    on_pass=TRANSITION,
    on_reject=TRANSITION,
    answer_days=i("转办：此类事项的答复期限（天）", minimum=1, maximum=MAX_DAYS),
    note=s(),
)

RULESET = table(
    "yishi 议事规则",
    schema_version=i("格式版本，目前为 1", required=True, minimum=1),
    id=s("规则 id（ASCII 小写加下划线）", required=True, pattern=ID),
    title=s("标题", required=True),
    title_en=s(),
    scope=s("适用范围", enum=("village", "community", "any")),
    statutory=b("true：按法定程序核对法定下限；false：本地非法定程序", required=True),
    law_version=s("所依据法律文本的版本年份", enum=("2018", "2025")),
    timezone=s("时区"),
    description=s(),
    periods=table(
        "期间的计算（民法典第二百零一条、第二百零三条）",
        counting=s(
            "calendar_days：按日历日计算（法律所称“日”）；working_days：按工作日计算",
            enum=("calendar_days", "working_days"),
        ),
        calendar=s("法定节假日与调休日历", enum=("cn",)),
        note=s(),
    ),
    template=table(
        "模板：来源（报道）未给出、须由各社区设定的数值；yishi check 在其所在行逐一提示",
        values=arr(
            table(
                key=s("键路径，如 bodies.courtyard.quorum", required=True),
                why=s("为什么须由本社区设定（来源说了什么、没说什么）", required=True),
                why_en=s(),
            ),
            required=True,
        ),
        note=s(),
    ),
    legal_basis=arr(
        table(
            law=s(required=True),
            version=s(required=True),
            articles=arr(s()),
            note=s(),
            quote=s("所依据条文的原文摘录"),
        ),
        "法律依据",
    ),
    proposers=arr(s(), f"谁可以提出事项：{REF_DOC}", required=True),
    recorders=arr(s(), f"谁可以代他人录入（网格员、村文书等）：{REF_DOC}"),
    petitions=arr(
        table(
            "联名提议：不属于 proposers 的人，联名人数达到时也可提出事项（任一方式达到即可）",
            label=s("说明，如“十分之一以上村民联名”", required=True),
            label_en=s(),
            base=s(
                "基数：eligible_adults（十八周岁以上村民）或 representatives（某机构的村民代表）",
                required=True,
                enum=(Base.ELIGIBLE_ADULTS.value, Base.REPRESENTATIVES.value),
            ),
            body=s("base 为 representatives 时：其代表（职务 representative）所在的机构 id"),
            fraction=Field("fraction", '分数字符串，如 "1/10"', required=True),
            cmp=s(required=True, enum=tuple(c.value for c in Comparator)),
            note=s("出处"),
        ),
        "联名提议的方式",
    ),
    recusal=table(
        "回避",
        enabled=b(),
        may_speak=b(),
        remove_from_bases=b("回避人从法定人数和表决基数中同时扣除"),
        on_quorum_lost=TRANSITION,
        statutory=b("回避规则是否为法定规则"),
        relatives=b("近亲属有利害关系的，本人也可声明回避（声明时写明 relative）"),
        note=s(),
    ),
    bodies=Field("map", "机构，键为机构 id", required=True, values=BODY),
    stages=arr(STAGE, "步骤，按顺序", required=True),
    matter_types=Field(
        "map",
        "事项清单（小微权力清单），键为事项类型 id",
        values=table(
            name=s(required=True),
            name_en=s(),
            procedure=s("须遵循的规则 id（默认本规则）"),
            approval=APPROVAL,
            further_approvals=arr(
                APPROVAL, "在 approval 之后依次须经的外部批准（如乡镇审核后县级复审）"
            ),
            statute=s("特别法", enum=tuple(MATTER_STATUTES)),
            note=s(),
            overrides=Field("map", "按步骤覆盖", values=OVERRIDE),
            withhold=arr(
                s(enum=DISCLOSURE_SECTIONS), "这类事项的公示不予公开的部分（如低保评议不公开票数）"
            ),
        ),
    ),
    levy=table(
        "一事一议筹资筹劳的上限与减免（上限由省规定）",
        money_cap=Field(
            "string",
            '每人每年筹资上限（元），小数字符串，如 "15"',
            required=True,
            pattern=r"^\d{1,9}(\.\d{1,2})?$",
        ),
        labour_cap=Field(
            "string",
            '每个劳力每年筹劳上限（标准工日），如 "10"',
            required=True,
            pattern=r"^\d{1,9}(\.\d{1,2})?$",
        ),
        labour_ages=table(
            "承担筹劳的年龄（含两端），按性别",
            male=arr(i(minimum=0, maximum=150), "[最低, 最高]"),
            female=arr(i(minimum=0, maximum=150), "[最低, 最高]"),
        ),
        exemptions=arr(
            table(
                id=s("减免类别 id", required=True, pattern=ID),
                name=s("名称，如“现役军人”", required=True),
                name_en=s(),
                money=b("免筹资"),
                labour=b("免筹劳"),
                note=s("出处"),
            ),
            "减免类别",
        ),
        note=s(),
    ),
    privacy=table(
        "公示中的个人信息保护（身份证号、电话号码总是打码）",
        withhold=arr(s(), "任何公示都不公开的字段名，如 reason（回避、请假的理由）"),
        note=s(),
    ),
)


def ruleset_spec(catalog: Catalog | None = None) -> Field:
    """The rule-set format for a catalogue: its vote methods and stage kinds are the enums."""
    if catalog is None:
        return RULESET
    return _named(tuple(catalog.vote_methods), tuple(catalog.stage_kinds))


@functools.lru_cache(maxsize=16)
def _named(methods: tuple[str, ...], kinds: tuple[str, ...]) -> Field:
    return _rename(RULESET, {"vote_methods": methods, "stage_kinds": kinds})


def _rename(field: Field, names: Mapping[str, tuple[str, ...]]) -> Field:
    changes: dict[str, Any] = {}
    if field.enum_from:
        changes["enum"] = names[field.enum_from]
    if field.items is not None:
        changes["items"] = _rename(field.items, names)
    if field.values is not None:
        changes["values"] = _rename(field.values, names)
    if field.fields is not None:
        changes["fields"] = {k: _rename(v, names) for k, v in field.fields.items()}
    if field.one_of:
        changes["one_of"] = tuple(_rename(o, names) for o in field.one_of)
    return attrs.evolve(field, **changes)


def json_schema(root: Field = RULESET, name: str = "ruleset") -> dict[str, Any]:
    return fields.json_schema(root, name)
