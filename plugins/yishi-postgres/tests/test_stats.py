"""Many communities in one database; statistics roll up 市—区县—镇街—社区/村."""

from __future__ import annotations

import datetime as dt
import secrets

import psycopg

from yishi.domain import events as ev
from yishi_postgres import PostgresStore
from yishi_postgres.stats import rollup

AT = dt.datetime(2026, 3, 1, 9, 0)


def test_counts_roll_up_from_community_to_city(pg: str) -> None:
    # A database of its own: the rollup counts everything in it.
    name = f"yishi_stats_{secrets.token_hex(3)}"
    with psycopg.connect(pg, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    conninfo = psycopg.conninfo.make_conninfo(pg, dbname=name)
    try:
        places = {
            "gaojia": ("宝鸡市", "渭滨区", "高家镇", 3),
            "shenjia": ("宝鸡市", "渭滨区", "高家镇", 1),
            "jiangcheng": ("宝鸡市", "渭滨区", "姜谭路街道", 2),
            "qiaozhen": ("宝鸡市", "陈仓区", "虢镇街道", 4),
        }
        for community, (city, district, town, ballots) in places.items():
            with PostgresStore(conninfo, community) as store:
                store.place(name=community, city=city, district=district, town=town)
                # One ballot cast online; the rest on paper, one stack for the lot.
                online = ev.BallotCast(
                    at=AT, actor="p0", matter="m", meeting="m1", voter="p0", choice="yes"
                )
                paper = ev.BallotsEntered(
                    at=AT,
                    actor="clerk",
                    matter="m",
                    meeting="m1",
                    ballots=tuple((f"p{i}", "yes") for i in range(1, ballots)),
                )
                batch: list[tuple[str, int, ev.Event]] = [("matter-m", 0, online)]
                if paper.ballots:
                    batch.append(("matter-m", 1, paper))
                store.append(batch)
        with psycopg.connect(conninfo) as db:
            rows = {(r.level, r.place): (r.communities, r.counts["ballots"]) for r in rollup(db)}
        assert rows[("社区/村", "宝鸡市 / 渭滨区 / 高家镇 / gaojia")] == (1, 3)
        assert rows[("镇街", "宝鸡市 / 渭滨区 / 高家镇")] == (2, 4)
        assert rows[("区县", "宝鸡市 / 渭滨区")] == (3, 6)
        assert rows[("区县", "宝鸡市 / 陈仓区")] == (1, 4)
        assert rows[("市", "宝鸡市")] == (4, 10)
        assert rows[("全部", "")] == (4, 10)
    finally:
        with psycopg.connect(pg, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
