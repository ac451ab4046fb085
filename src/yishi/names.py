"""Chinese personal names for made-up villagers: surnames, given names by generation.

Shared by the demo village and by a scenario's ``[[community.generate]]`` so that
nobody is ever shown as "村民v001". Pure data and one function over a caller's
``random.Random``: the caller owns the seed, so the same seed always gives the same
names (no ``hash()``, so ``PYTHONHASHSEED`` plays no part). Imports nothing from
yishi, so every layer may use it.
"""

from __future__ import annotations

import random

# Surnames roughly by frequency (a uniform draw over them already looks like a village).
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马胡朱郭何罗高林郑梁谢宋唐许韩冯邓曹"
    "彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石"
)


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Given names by generation (birth year up to the key) and gender: 德福 and 秀英 among
# the elderly, 建国 and 丽娟 in middle age, single characters for the 1980s and 90s,
# 子轩 and 欣怡 among the children.
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


def given_names(gender: str, born_year: int) -> tuple[str, ...]:
    """The given names of someone of this gender born in this year."""
    for upto, male, female in GIVEN:
        if born_year <= upto:
            return male if gender == "male" else female
    raise AssertionError("the last generation has no upper bound")  # pragma: no cover


def full_name(
    rng: random.Random,
    surname: str,
    gender: str,
    born_year: int,
    taken: set[str],
    tries: int = 200,
) -> str | None:
    """A name not in ``taken`` (which it joins), or None after ``tries`` draws.

    Exactly one ``rng.choice`` per try, so a caller's later draws stay where they were.
    """
    pool = given_names(gender, born_year)
    for _ in range(tries):
        name = surname + rng.choice(pool)
        if name not in taken:
            taken.add(name)
            return name
    return None
