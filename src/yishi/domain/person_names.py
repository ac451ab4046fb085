"""People named by the names a community worker knows them by, never by register id.

A name shared within those named gets what tells them apart: household, 村民小组,
year of birth — the first detail (or pair) that does, and a count (之二) where
nothing recorded does. The console's forms label people this way
(web/person_fields.py), and a refusal that lists people names them the same way, so
a worker reads one name for one person everywhere.

Pure: it reads the state, nothing else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from yishi.domain.errors import Text
from yishi.domain.naming import ordinal
from yishi.domain.state import Person, State

# A detail in each language: the household and the group are known by their
# (Chinese) names in both, a year of birth is worded.
_Detail = tuple[Text, Text, Text]


def _details(state: State, p: Person) -> _Detail:
    home = state.households.get(p.household or "")
    group = state.groups.get(home.group or "") if home is not None else None
    house = home.name if home is not None else ""
    grouped = group.name if group is not None else ""
    born = Text(f"{p.born.year}年生", f"born {p.born.year}") if p.born is not None else Text("", "")
    return Text(house, house), Text(grouped, grouped), born


def _joined(parts: Iterable[Text]) -> Text:
    shown = [x for x in parts if x.zh]
    return Text("，".join(x.zh for x in shown), ", ".join(x.en for x in shown))


# Tried in turn until one tells them all apart: household, group, both, all three.
_WAYS: list[Callable[[_Detail], Text]] = [
    lambda d: d[0],
    lambda d: d[1],
    lambda d: _joined(d[:2]),
    lambda d: _joined(d),
]


def people_names(state: State, ids: Iterable[str]) -> dict[str, Text]:
    """The people ``ids`` (those registered) by name; a name shared within them gets,
    for each, what tells them apart: 王芳（二组） / 王芳 (二组), 王芳（之二） / 王芳 (second)."""
    chosen = [state.people[p] for p in dict.fromkeys(ids) if p in state.people]
    named: dict[str, list[Person]] = defaultdict(list)
    for p in chosen:
        named[p.name].append(p)
    labels: dict[str, Text] = {}
    for name, same in named.items():
        if len(same) == 1:
            labels[same[0].id] = Text(name, name)
            continue
        details = {p.id: _details(state, p) for p in same}
        for way in _WAYS:
            shown = [way(details[p.id]) for p in same]
            if all(shown) and len({x.zh for x in shown}) == len(shown):
                break
        else:
            shown = [_WAYS[-1](details[p.id]) for p in same]
        counted: dict[str, int] = defaultdict(int)
        for p, detail in zip(same, shown, strict=True):
            counted[detail.zh] += 1
            n = counted[detail.zh]
            # the first keeps the detail alone; with no detail at all, a bare name
            # would mean every one of them, so the first is 之一
            extra = (
                Text("", "")
                if n == 1 and detail
                else Text("之" + ("一二三四五六七八九十"[n - 1] if n <= 10 else str(n)), ordinal(n))
            )
            inside = _joined((detail, extra))
            labels[p.id] = (
                Text(f"{name}（{inside.zh}）", f"{name} ({inside.en})")
                if inside
                else Text(name, name)
            )
    return labels
