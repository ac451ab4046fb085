"""What a scenario's values may be beyond their TOML type: dates of the right kind
in a sane range, and bounded sizes.

The structural check (``rulesets.fields``) knows strings, integers and tables;
this module knows what the values mean. Every check here runs at load and
reports the file, line and key, so that nothing accepted can fail later: a
``born`` with a time of day would be encoded as a date-time and could not be
read back, a range ``v001..v99999999`` or ten million households would make
the run spin, a date near 9999 would overflow when a period is added to it.
docs/limits.md lists the limits.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any, TypeGuard

from yishi.rulesets.locate import PathKey, dotted
from yishi.rulesets.problems import Problem

# Keys that hold a calendar day only; a time of day there is a mistake.
DATE_ONLY = frozenset({"born", "date", "held_on"})
# Keys that hold a day or a moment (a day alone means 09:00 that day).
DATE_OR_TIME = frozenset({"at", "until"})
DATE_KEYS = DATE_ONLY | DATE_OR_TIME

# Dates are kept well inside what the calendar arithmetic can handle: the
# longest period a rule set may set (rulesets.fields.MAX_DAYS) added to the
# latest date still lands far before year 9999.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)
# From the first action to the last (or to ``until``): every midnight in
# between is processed, so the span bounds the work of a run.
MAX_SPAN_DAYS = 20 * 366
MAX_PEOPLE = 100_000  # people in a community, listed and generated together
MAX_RANGE = 100_000  # ids in one range "v001..v100000"
MAX_ACTIONS = 100_000
MAX_IDS = 300_000  # ids named in the whole file, ranges expanded (each may become a step)

RANGE = re.compile(r"^([A-Za-z_\-]*?)(\d+)\.\.([A-Za-z_\-]*?)(\d+)$")


def range_size(item: str) -> int:
    """How many ids ``item`` stands for: a range's length, else 1."""
    found = RANGE.match(item)
    if found and found.group(1) == found.group(3):
        return max(0, int(found.group(4)) - int(found.group(2)) + 1)
    return 1


def expand(ids: list[str]) -> tuple[str, ...]:
    """Every id the list stands for, each range "v001..v010" written out."""
    out: list[str] = []
    for item in ids:
        found = RANGE.match(item)
        # A range past the limit stays one (unknown) id: the loader has reported it.
        if found and found.group(1) == found.group(3) and range_size(item) <= MAX_RANGE:
            width = len(found.group(2))
            lo, hi = int(found.group(2)), int(found.group(4))
            out += [f"{found.group(1)}{n:0{width}d}" for n in range(lo, hi + 1)]
        else:
            out.append(item)
    return tuple(out)


def check_date(value: Any, path: PathKey, out: list[Problem]) -> None:
    """A TOML date of the kind the key needs, inside [EARLIEST, LATEST]."""
    key = path[-1] if path else ""
    value = getattr(value, "value", value)  # dates._Date keeps the date in .value
    if not isinstance(value, dt.date):
        out.append(
            Problem(
                "wrong_type",
                dotted(path),
                expected="TOML 日期，如 2026-03-02 或 2026-03-02T09:00:00（不加引号）",
                expected_en="a TOML date such as 2026-03-02 (no quotes)",
                found=_show(value),
            )
        )
        return
    if key in DATE_ONLY and (isinstance(value, (dt.datetime, dt.time))):
        out.append(
            Problem(
                "wrong_type",
                dotted(path),
                expected="日期（不带时刻），如 1981-01-01",
                expected_en="a date without a time of day, such as 1981-01-01",
                found=str(value),
                hint="此项只记日期；请删去 T 及其后的时刻",
                hint_en="this key records a day only: drop the T and the time",
            )
        )
        return
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        out.append(
            Problem(
                "wrong_type",
                dotted(path),
                expected="当地时间，不带时区，如 2026-03-02T09:00:00",
                expected_en="local time without a zone, such as 2026-03-02T09:00:00",
                found=str(value),
            )
        )
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST <= day <= LATEST:
        out.append(
            Problem(
                "bad_value",
                dotted(path),
                expected=f"{EARLIEST} 至 {LATEST} 之间的日期",
                expected_en=f"a date from {EARLIEST} to {LATEST}",
                found=str(value),
            )
        )


def check_sizes(document: dict[str, Any], out: list[Problem]) -> bool:
    """People, ranges and actions within their limits, each excess located;
    returns whether any was exceeded."""
    before = len(out)
    community = document.get("community")
    if isinstance(community, dict):
        people = community.get("people")
        total = len(people) if isinstance(people, list) else 0
        for index, entry in _items(community.get("generate")):
            if not isinstance(entry, dict):
                continue
            households, adults = entry.get("households"), entry.get("adults_per_household")
            if _count(households) and _count(adults):
                total += households * adults
                if total > MAX_PEOPLE:
                    out.append(_too_many(("community", "generate", index), total, MAX_PEOPLE))
                    break
        else:
            if total > MAX_PEOPLE:
                out.append(_too_many(("community", "people"), total, MAX_PEOPLE))
    actions = document.get("actions")
    if isinstance(actions, list) and len(actions) > MAX_ACTIONS:
        out.append(_too_many(("actions",), len(actions), MAX_ACTIONS))
    total_ids = 0  # every id every range stands for, across the file: the run's work
    for path, text in _strings(document, ()):
        size = range_size(text)
        total_ids += size
        if total_ids > MAX_IDS:
            out.append(_too_many(path, total_ids, MAX_IDS))
            break
        if size > MAX_RANGE:
            out.append(
                Problem(
                    "bad_value",
                    dotted(path),
                    expected=f"区间最多 {MAX_RANGE} 个编号",
                    expected_en=f"a range of at most {MAX_RANGE} ids",
                    found=_show(text),
                )
            )
    return len(out) > before


def check_span(first: dt.datetime, last: dt.datetime, path: PathKey, out: list[Problem]) -> None:
    if (last - first).days > MAX_SPAN_DAYS:
        out.append(
            Problem(
                "bad_value",
                dotted(path),
                expected=f"距第一条动作不超过 {MAX_SPAN_DAYS} 天",
                expected_en=f"at most {MAX_SPAN_DAYS} days after the first action",
                found=f"{last:%Y-%m-%d}（{(last - first).days} 天）",
                hint="一个场景覆盖的时间过长；请分成几个场景",
                hint_en="the scenario spans too long: split it",
            )
        )


def _too_many(path: PathKey, found: int, limit: int) -> Problem:
    return Problem(
        "bad_value",
        dotted(path),
        expected=f"合计不超过 {limit}",
        expected_en=f"at most {limit} in all",
        found=str(found),
        hint="超出上限（见 docs/limits.md）",
        hint_en="above the limit (see docs/limits.md)",
    )


def _count(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _items(value: Any) -> Iterator[tuple[int, Any]]:
    return enumerate(value) if isinstance(value, list) else iter(())


def _strings(node: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, (*path, index))


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
