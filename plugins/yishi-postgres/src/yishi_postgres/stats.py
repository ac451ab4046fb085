"""Statistics that roll up the city's levels: 市—区县—镇街—社区/村.

Read straight from the event table with ``GROUP BY ROLLUP``, so a subtotal is
always the sum of the rows under it and nothing is kept that could drift from
the record. Where a community sits comes from ``yishi_communities``
(:meth:`PostgresStore.place`); a community not yet placed is counted under
empty names rather than left out.
"""

from __future__ import annotations

from typing import Any

import attrs
import psycopg

# What is counted: (column, event types). Names are for people, in Chinese.
MEASURES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("matters", "议题", ("MatterProposed",)),
    ("meetings", "会议", ("MeetingConvened",)),
    ("ballots", "选票", ("BallotCast", "ElectionBallotCast")),
    ("disclosures", "公示", ("DisclosurePublished",)),
    ("objections", "异议", ("ObjectionRaised",)),
    ("completed", "办结", ("ExecutionCompleted",)),
)
LEVELS = {0: "社区/村", 1: "镇街", 3: "区县", 7: "市", 15: "全部"}


@attrs.frozen
class Row:
    level: str  # 社区/村, 镇街, 区县, 市, 全部
    city: str
    district: str
    town: str
    community: str
    communities: int
    counts: dict[str, int]

    @property
    def place(self) -> str:
        return " / ".join(p for p in (self.city, self.district, self.town, self.community) if p)


def rollup(conn: psycopg.Connection[Any]) -> list[Row]:
    """One row per community, town, district and city, and one for the whole database."""
    filters = ",\n".join(
        f"count(*) FILTER (WHERE e.type = ANY(%s)) AS {column}" for column, _, _ in MEASURES
    )
    rows = conn.execute(
        f"""
        SELECT grouping(c.city, c.district, c.town, c.community),
               c.city, c.district, c.town, c.community,
               count(DISTINCT c.community),
               {filters}
        FROM yishi_communities c
        LEFT JOIN yishi_events e ON e.community = c.community
        GROUP BY ROLLUP (c.city, c.district, c.town, c.community)
        ORDER BY c.city NULLS LAST, c.district NULLS LAST, c.town NULLS LAST,
                 c.community NULLS LAST
        """,
        [list(types) for _, _, types in MEASURES],
    ).fetchall()
    return [
        Row(
            LEVELS[group],
            city or "",
            district or "",
            town or "",
            community or "",
            places,
            {column: int(n) for (column, _, _), n in zip(MEASURES, counts, strict=True)},
        )
        for group, city, district, town, community, places, *counts in rows
    ]
