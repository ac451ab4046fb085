"""The declared shape of a scenario file: the keys every action shares, the
community's people, households and bodies, and the whole file.

Checked by the same declared-field machinery as rule sets (``rulesets.fields``),
so every problem names the file, line and key path; ``SCENARIO_FOR_EDITORS`` is
the same shape spelled out per action for JSON Schema completion.
"""

from __future__ import annotations

import attrs

from yishi.rulesets.fields import Field, arr, b, i, s, table
from yishi.scenario import limits
from yishi.scenario.actions import ACTIONS, ANY_DATE, PEOPLE

COMMON = {
    "at": Field("string", "日期或日期时间", required=True),
    "actor": s("录入人 id", required=True),
    "on_behalf_of": s("代谁办理（如网格员代老人提出异议）"),
    "do": s("动作", required=True, enum=tuple(ACTIONS)),
    "expect": s("预期：ok 或 refused（用于测试规则）", enum=("ok", "refused")),
    "note": s("备注"),
    "evidence": arr(
        s(), "附件：文件路径列表（相对于场景文件），如签到表照片、会议记录扫描件、公示张贴照片"
    ),
}

PERSON = table(
    id=s(required=True),
    name=s(required=True),
    gender=s(enum=("male", "female")),
    born=ANY_DATE,
    adult=b(),
    household=s(),
    party=s(enum=("full", "probationary")),
    relatives=arr(s()),
)
SCENARIO = table(
    "yishi 场景",
    schema_version=i("格式版本，目前为 1", required=True, minimum=1, maximum=1),
    title=s(required=True),
    description=s(),
    ruleset=s(
        "规则 id 或 .toml 路径（相对本文件）；有多个议事程序时为默认程序，可改写 community.procedures"
    ),
    until=ANY_DATE,
    community_file=s("共用的村（社区）档案文件，相对本文件；其中的 [community] 与本文件的合并"),
    community=table(
        name=s("村（社区）名称，记入记录，公示与公开栏上印出"),
        township=s("所在乡（镇）或街道，如“青石镇”"),
        county=s("所在县（市、区）"),
        procedures=table(
            "本村（社区）使用的议事程序（一村多会）与事项类型的去向（小微权力清单）",
            use=arr(
                s(),
                "使用的规则：规则 id 或 .toml 路径（相对场景文件）；未写 ruleset 时第一个为默认程序",
                required=True,
            ),
            routes=Field("map", "事项类型 → 办理它的规则 id（须是 use 中的一个）", values=s()),
        ),
        groups=arr(
            table(
                "村民小组（村组法第三十二条）；各户用 group 指明所属小组",
                id=s(required=True),
                name=s("名称，如“第三村民小组”", required=True),
            )
        ),
        households=arr(
            table(
                id=s(required=True),
                name=s(),
                representative=s("户代表：代表本户参加村民会议的人"),
                represented_by=s("联系本户的村民代表（村组法第二十九条：每五户至十五户推选一人）"),
                group=s("所属村民小组 id（community.groups 中列出）"),
            )
        ),
        people=arr(PERSON),
        generate=arr(
            table(
                "批量生成村民（大村的演示与测试）",
                prefix=s(required=True),
                households=i(required=True, minimum=1, maximum=limits.MAX_PEOPLE),
                adults_per_household=i(required=True, minimum=1, maximum=50),
                born=ANY_DATE,
                start=i("起始编号", minimum=1, maximum=limits.MAX_PEOPLE),
                name=s("户名前缀，如“东坡”（生成“东坡第1户”……）；默认以户代表姓名称“王建国户”"),
                represented_by=s("这些户都由哪一位村民代表联系（人员 id）"),
                group=s("这些户所属的村民小组 id"),
            )
        ),
        bodies=arr(
            table(
                id=s(required=True),
                members=PEOPLE,
                roles=Field("map", "人员 id → 职务列表", values=arr(s())),
                by_role=Field("map", "职务 → 人员列表（同时计为成员，可写区间）", values=PEOPLE),
                non_voting=PEOPLE,
            )
        ),
    ),
    actions=arr(Field("table", "动作", fields=None), required=True),
)


# For editors: each action spelled out, so completion offers the right keys per "do".
SCENARIO_FOR_EDITORS = attrs.evolve(
    SCENARIO,
    fields={
        **(SCENARIO.fields or {}),
        "actions": arr(
            Field(
                "table",
                "动作",
                one_of=tuple(
                    Field(
                        "table", fields={**COMMON, "do": s(required=True, enum=(name,)), **fields}
                    )
                    for name, (_, fields) in ACTIONS.items()
                ),
            ),
            required=True,
        ),
    },
)
