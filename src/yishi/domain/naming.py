"""Meetings, matters, notices, objections and suggestions named the way a person names them.

"会议 m2-review 已结束" shows the reader an identifier they never chose and cannot look
up; "村民代表会议（2026-03-05）已结束" names the meeting by what everyone knows about it:
who met, and on which day. Where that is not enough — two meetings of one body on one
day — the name adds what tells them apart: the matter's title, then the step, then a
count (之二), much as the console tells two people of one name apart
(domain/person_names.py). A notice is named by its title and the day it went up; an
objection and a suggestion by their day and what they said. A matter is its title;
only when another matter has the same one does the name add the day each was proposed.

Pure: it reads the state and the rule sets, nothing else.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from yishi.domain import groups
from yishi.domain.bodies import BodySpec
from yishi.domain.counting import chinese_number
from yishi.domain.errors import Text
from yishi.domain.rules import RuleSet
from yishi.domain.state import Disclosure, Matter, Meeting, Objection, State, Suggestion

T = TypeVar("T")

# A meeting of a body whose name is not already a meeting's (村民委员会, 院落居民) is
# called that body's 会议; a trailing bracket (村民小组会议（第三组）) is not the name's end.
_ZH_TAIL = re.compile(r"^(.*?)(（[^（）]*）)?$", re.S)
_EN_TAIL = re.compile(r"^(.*?)( \([^()]*\))?$", re.S)
_EN_MEETING = re.compile(r"\b(meeting|assembly)\b", re.I)
_EN_ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
]
PROPOSED = Text("提出", "proposed")
SUBMITTED = Text("提交", "submitted")
# The start of an objection is enough to recognise it; the whole may be long.
EXCERPT = 40


def meeting_name(
    state: State,
    ruleset: RuleSet,
    meeting: Meeting,
    rulesets: Mapping[str, RuleSet] | None = None,
) -> Text:
    """The meeting as its body's name and its day: 村民代表会议（2026-03-05）.

    ``ruleset`` is the procedure the caller decides under; ``rulesets`` (optional) the
    community's others, for a meeting held under an earlier procedure. A meeting not
    (yet) in ``state`` is named as it would be if convened now, after the others."""
    resolve = _Resolver(state, ruleset, rulesets or {})
    base = resolve.body_words(meeting)
    same_day = [
        m
        for m in state.meetings.values()
        if m.date == meeting.date and m.id != meeting.id and resolve.body_words(m) == base
    ]
    ordered = sorted([*same_day, meeting], key=_convened_order(state))
    extra, count = _apart(
        ordered,
        meeting,
        (
            lambda m: _quoted(state.matters[m.matter].title if m.matter in state.matters else ""),
            resolve.stage_words,
        ),
    )
    return _with_details(base, meeting.date.isoformat(), extra, count)


def matter_name(state: State, matter: Matter) -> Text:
    """A matter as its title: “村道硬化” / '村道硬化'. A title another matter also has gets the day
    each was proposed (“村道硬化”（2026-03-01 提出）), and a count after the first of
    one day: a community may well pave a road twice, but nobody knows a matter by m9."""
    return _titled(
        state.matters.values(), matter, lambda m: m.title, lambda m: m.proposed_on, PROPOSED
    )


def suggestion_title(state: State, suggestion: Suggestion) -> Text:
    """A suggestion as its title, told apart like a matter's (“消防通道被堵”（2026-09-01
    提交）): the short form for a line that already says it is about suggestions."""
    return _titled(
        state.suggestions.values(),
        suggestion,
        lambda s: s.title,
        lambda s: s.submitted_on,
        SUBMITTED,
    )


def disclosure_name(state: State, disclosure: Disclosure) -> Text:
    """A notice as its title and the day it went up: “修村道（决议公示）”（2026-03-17 张贴）."""
    count = _count_among(state.disclosures.values(), disclosure, lambda d: (d.title, d.posted_on))
    day = disclosure.posted_on.isoformat()
    return Text(
        f"“{disclosure.title}”（{day} 张贴{_zh_count(count)}）",
        f"'{disclosure.title}' (posted {day}{_en_count(count)})",
    )


def objection_name(state: State, objection: Objection) -> Text:
    """An objection as its day and its words: 2026-06-15 提出的异议（“安排顺序……”）.

    Not by who raised it: an escalation's reason is printed on the public notice,
    which lists objections without the objectors' names (publish/document.py)."""
    words = _excerpt(objection.text)
    count = _count_among(
        state.objections.values(), objection, lambda o: (o.raised_on, _excerpt(o.text))
    )
    day = objection.raised_on.isoformat()
    return Text(
        f"{day} 提出的异议（“{words}”{_zh_count(count)}）",
        f"the objection of {day} (“{words}”{_en_count(count)})",
    )


def suggestion_name(state: State, suggestion: Suggestion) -> Text:
    """A suggestion as its day and its title: 2026-09-01 提交的建议“消防通道被堵”."""
    count = _count_among(
        state.suggestions.values(), suggestion, lambda s: (s.title, s.submitted_on)
    )
    day = suggestion.submitted_on.isoformat()
    return Text(
        f"{day} 提交的建议“{suggestion.title}”"
        + (f"（之{chinese_number(count)}）" if count > 1 else ""),
        f"the suggestion '{suggestion.title}' of {day}"
        + (f" ({ordinal(count)})" if count > 1 else ""),
    )


def _titled(
    everyone: Iterable[T],
    item: T,
    title: Callable[[T], str],
    day: Callable[[T], dt.date],
    verb: Text,
) -> Text:
    own = title(item)
    same = [x for x in everyone if title(x) == own]
    words = _quoted(own)
    if not any(x is not item for x in same):
        return words
    on = day(item)
    count = _position([x for x in same if day(x) == on], item)
    return Text(
        f"{words.zh}（{on.isoformat()} {verb.zh}{_zh_count(count)}）",
        f"{words.en} ({verb.en} {on.isoformat()}{_en_count(count)})",
    )


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "……"


def meeting_words(spec: BodySpec | None) -> Text:
    """What a meeting of the body is called: 村民委员会 meets in a 村民委员会会议,
    a 村民代表会议 is one already."""
    if spec is None:  # a body no rule set at hand declares: still no identifier
        return Text("会议", "Meeting")
    core, tail = _split(_ZH_TAIL, spec.name)
    zh = spec.name if core.endswith(("会议", "大会")) else f"{core}会议{tail}"
    if not spec.name_en:
        return Text(zh, zh)
    core, tail = _split(_EN_TAIL, spec.name_en)
    en = spec.name_en if _EN_MEETING.search(core) else f"{core} meeting{tail}"
    return Text(zh, en)


class _Resolver:
    """Body and step names for meetings, each under the procedure it was held in."""

    def __init__(self, state: State, ruleset: RuleSet, rulesets: Mapping[str, RuleSet]) -> None:
        self.state, self.ruleset, self.rulesets = state, ruleset, rulesets
        self._named: dict[str, RuleSet] = {}

    def _rules(self, procedure: str) -> RuleSet | None:
        """The meeting's procedure, its 村民小组 bodies named after the groups; None
        when neither the caller's procedure nor any given one is it."""
        if procedure in self._named:
            return self._named[procedure]
        found = self.rulesets.get(procedure) or (
            self.ruleset if procedure in ("", self.ruleset.id) else None
        )
        if found is not None:
            found = groups.for_state(found, self.state)
            self._named[procedure] = found
        return found

    def body_words(self, meeting: Meeting) -> Text:
        own = self._rules(meeting.procedure)
        spec = own.bodies.get(meeting.body) if own is not None else None
        if spec is None:
            # Bodies belong to the community, not to one procedure: the caller's rule
            # set names one that an earlier procedure also had.
            spec = self._caller().bodies.get(meeting.body)
        return meeting_words(spec)

    def _caller(self) -> RuleSet:
        found = self._rules("")
        assert found is not None  # "" is always the caller's own procedure
        return found

    def stage_words(self, meeting: Meeting) -> Text:
        rules = self._rules(meeting.procedure)
        stage = next((s for s in rules.stages if s.id == meeting.stage), None) if rules else None
        if stage is None:  # a step of a procedure not at hand: nothing to tell by
            return Text("", "")
        return Text(stage.name, stage.name_en or stage.name)


def _convened_order(state: State) -> Callable[[Meeting], int]:
    """The order meetings were convened in (the log's); one not yet recorded comes last."""
    order = {meeting_id: i for i, meeting_id in enumerate(state.meetings)}
    return lambda m: order.get(m.id, len(order))


def _apart(
    group: Sequence[T], item: T, ways: Sequence[Callable[[T], Text]]
) -> tuple[list[Text], int]:
    """What tells ``item`` apart from the rest of ``group`` (which holds it): each way
    that tells some of them apart, narrowing to those it does not; then its count
    among those still alike, or 0 when none is."""
    extra = []
    for way in ways:
        own = way(item)
        shown = [(way(x).zh, way(x).en) for x in group]
        if len(set(shown)) > 1:
            extra.append(own)
            group = [x for x, words in zip(group, shown, strict=True) if words == (own.zh, own.en)]
    return extra, (_position(group, item) if len(group) > 1 else 0)


def _count_among(everyone: Iterable[T], item: T, key: Callable[[T], object]) -> int:
    """``item``'s place among those of ``everyone`` that share its ``key``: ``_position``."""
    mine = key(item)
    return _position([x for x in everyone if key(x) == mine], item)


def _position(group: Sequence[T], item: T) -> int:
    """``item``'s place in ``group`` counted from one, or 0 when it is alone. Only the
    second and later show it (之二, 之三): the first keeps the name it had alone."""
    if len(group) < 2:
        return 0
    # by identity: records compare by value, and two may differ only in their id
    return next((i + 1 for i, x in enumerate(group) if x is item), 0)


def _with_details(base: Text, day: str, extra: list[Text], count: int) -> Text:
    shown = [x for x in extra if x.zh]  # a step no rule set at hand names shows nothing
    zh = "".join(f"，{x.zh}" for x in shown) + _zh_count(count)
    en = "".join(f", {x.en}" for x in shown) + _en_count(count)
    return Text(f"{base.zh}（{day}{zh}）", f"{base.en} ({day}{en})")


def _zh_count(count: int) -> str:
    return f"，之{chinese_number(count)}" if count > 1 else ""


def _en_count(count: int) -> str:
    return f", {ordinal(count)}" if count > 1 else ""


def ordinal(n: int) -> str:
    """first, second … tenth, then 11th, 12th, 21st: an English count in words."""
    if 1 <= n <= len(_EN_ORDINALS):
        return _EN_ORDINALS[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _quoted(title: str) -> Text:
    return Text(f"“{title}”", f"'{title}'") if title else Text("", "")


def _split(pattern: re.Pattern[str], name: str) -> tuple[str, str]:
    found = pattern.match(name)
    assert found is not None  # both patterns match any text
    return found.group(1), found.group(2) or ""
