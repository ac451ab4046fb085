"""Drawing households: who lives with whom, when they were born, what they are called.

Names follow the generations of a north-China village: 德福 and 秀英 among the
elderly, 建国 and 丽娟 in middle age, single-character names for those born in
the 1980s and 90s, 子轩 and 欣怡 among the children. Each 村民小组 has one or two
large clans. Every draw comes from one ``random.Random``, in a fixed order.
"""

from __future__ import annotations

import datetime as dt
import random

import attrs

# Surnames weighted roughly by frequency; each 村民小组 also has one or two large clans.
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马胡朱郭何罗高林郑梁谢宋唐许韩冯邓曹"
    "彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石"
)
CLANS = (("王", "刘"), ("李", "赵"), ("张", "孙"), ("陈", "周"), ("杨", "马"), ("郭", "何"))


# Given names by generation (birth year up to the key) and gender.
def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


GIVEN: tuple[tuple[int, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        1959,
        _names(
            "德福 长顺 守仁 福贵 有才 金山 保国 来福 永年 树林 占魁 万山 兴旺 茂林 春生 根生 广田 满仓 振海 玉堂"
        ),
        _names(
            "秀英 桂兰 玉兰 凤英 淑珍 桂英 翠花 秀兰 玉珍 兰英 素芬 桂芝 凤兰 金花 彩霞 玉梅 秀珍 春兰 月娥 巧云"
        ),
    ),
    (
        1979,
        _names(
            "建国 建军 志强 国庆 卫东 建华 立新 海涛 志刚 文斌 晓东 春雷 德明 振华 明亮 红旗 新民 永胜 向东 学文"
        ),
        _names(
            "丽娟 红梅 春梅 秀云 海燕 丽华 晓红 美玲 桂芳 秀梅 彩云 小燕 玉霞 红霞 凤琴 爱华 淑芬 建英 丽萍 素琴"
        ),
    ),
    (
        1999,
        _names("伟 勇 军 强 斌 磊 鹏 涛 超 刚 海龙 俊峰 建波 志勇 小军 永刚 国栋 明辉 亚军 宏伟"),
        _names("艳 玲 静 芳 敏 霞 娟 丽 燕 莉 晓丽 小红 春燕 海霞 丽君 雪梅 亚楠 晓燕 美娟 红艳"),
    ),
    (
        9999,
        _names(
            "子轩 浩然 宇轩 梓豪 一鸣 俊熙 睿泽 皓轩 明哲 宇航 博文 晨阳 子豪 俊杰 嘉乐 天佑 思远 泽宇 奕辰 家豪"
        ),
        _names(
            "欣怡 梓涵 诗涵 可馨 语桐 依诺 若汐 紫萱 雨桐 思琪 梦瑶 佳慧 欣悦 雨涵 晓雯 子琪 佳怡 心怡 梓萱 一诺"
        ),
    ),
)


class Draw:
    """The random choices, kept in one place so that the order of draws is fixed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.names: set[str] = set()

    def day(self, first_year: int, last_year: int) -> dt.date:
        year = self.rng.randint(first_year, last_year)
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randint(0, 364))

    def surname(self, clans: tuple[str, ...], avoid: str = "") -> str:
        while True:
            name = self.rng.choice(clans) if self.rng.random() < 0.5 else self.rng.choice(SURNAMES)
            if name != avoid:
                return name

    def full_name(self, surname: str, gender: str, born: dt.date) -> str:
        for upto, male, female in GIVEN:
            if born.year <= upto:
                pool = male if gender == "male" else female
                break
        for _ in range(200):
            name = surname + self.rng.choice(pool)
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("name pool exhausted")  # pragma: no cover - pools are large enough


@attrs.define
class Drawn:
    name: str
    gender: str
    born: dt.date


def draw_household(draw: Draw, clans: tuple[str, ...]) -> tuple[int, list[Drawn]]:
    """One household's members, head first (index of the head, members)."""
    rng = draw.rng
    kind = rng.choices(("elderly", "young", "middle", "three"), weights=(15, 25, 32, 28))[0]
    surname = draw.surname(clans)

    def spouse_of(husband: Drawn) -> Drawn:
        born = husband.born + dt.timedelta(days=rng.randint(-3 * 365, 5 * 365))
        return Drawn(
            draw.full_name(draw.surname(clans, avoid=surname), "female", born), "female", born
        )

    def man(first: int, last: int) -> Drawn:
        born = draw.day(first, last)
        return Drawn(draw.full_name(surname, "male", born), "male", born)

    def children(parent: Drawn, count: int, latest: int) -> list[Drawn]:
        found = []
        for _ in range(count):
            first = parent.born.year + 22
            last = min(parent.born.year + 38, latest)
            born = draw.day(min(first, last), last)
            gender = rng.choice(("male", "female"))
            found.append(Drawn(draw.full_name(surname, gender, born), gender, born))
        return sorted(found, key=lambda c: c.born)

    if kind == "elderly":
        husband = man(1938, 1956)
        members = [husband, spouse_of(husband)]
        if rng.random() < 0.25:  # a widow living with an unmarried son
            members = [members[1], *children(husband, 1, 1995)]
        return 0, members
    if kind == "young":
        husband = man(1984, 1996)
        return 0, [husband, spouse_of(husband), *children(husband, rng.choice((1, 1, 2)), 2024)]
    if kind == "middle":
        husband = man(1966, 1983)
        kids = children(husband, rng.choice((1, 2, 2)), 2014)
        members = [husband, spouse_of(husband), *kids]
        if len(members) < 5 and rng.random() < 0.35:
            born = husband.born - dt.timedelta(days=rng.randint(24 * 365, 32 * 365))
            gender = rng.choice(("male", "female"))
            grand_surname = surname if gender == "male" else draw.surname(clans, avoid=surname)
            members.append(Drawn(draw.full_name(grand_surname, gender, born), gender, born))
        return 0, members
    # three generations: grandparents, their son (the head) and his wife, a grandchild
    grandfather = man(1944, 1958)
    son = Drawn("", "male", grandfather.born + dt.timedelta(days=rng.randint(22 * 365, 30 * 365)))
    son.name = draw.full_name(surname, "male", son.born)
    members = [son, spouse_of(son), *children(son, 1, 2023), grandfather]
    if rng.random() < 0.6:
        members.append(spouse_of(grandfather))
    return 0, members[:5]
