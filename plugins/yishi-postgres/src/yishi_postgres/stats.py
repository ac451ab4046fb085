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

# What is counted: (column, name, event types). Names are for people, in Chinese.
MEASURES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("matters", "议题", ("MatterProposed",)),
    ("meetings", "会议", ("MeetingConvened",)),
    ("ballots", "选票", ("BallotCast", "ElectionBallotCast")),
    ("disclosures", "公示", ("DisclosurePublished",)),
    ("objections", "异议", ("ObjectionRaised",)),
    ("completed", "办结", ("ExecutionCompleted",)),
)
# Records that state many of what a column counts: (column, event type, the
# payload's array with one item each). A clerk's stack of paper ballots is one
# BallotsEntered, and each ballot in it counts as one cast online.
STACKS: tuple[tuple[str, str, str], ...] = (("ballots", "BallotsEntered", "ballots"),)
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
    terms: list[str] = []
    values: list[Any] = []
    for column, _, types in MEASURES:
        sql, args = _counted(column, types)
        terms.append(f"{sql} AS {column}")
        values += args
    filters = ",\n".join(terms)
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
        values,
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


def _counted(column: str, types: tuple[str, ...]) -> tuple[str, list[Any]]:
    """The column's records, one each, plus the items of its stacks; the SQL and
    its values. Only a stack's own rows have their payload parsed (the FILTER
    comes first), as ``json``: checked, not converted as ``jsonb`` would be."""
    sql = "count(*) FILTER (WHERE e.type = ANY(%s))"
    values: list[Any] = [list(types)]
    for name, stack, field in STACKS:
        if name == column:
            sql += " + coalesce(sum(json_array_length(e.payload::json -> %s))"
            sql += " FILTER (WHERE e.type = %s), 0)"
            values += (field, stack)
    return sql, values
