"""People in the console's forms, by the names a community worker knows them by.

Every field of a command that takes a person (the voter, those checking in, a
proxy's grantor, "on behalf of" …) is offered in the console as the names of
those it may be: the meeting's members for a meeting's fields, the meeting's
candidates for an election's, the whole register otherwise. Where two of them
share a name, each is shown with what tells them apart (household, 村民小组,
year of birth; domain/person_names.py), never with the register id. What is submitted is mapped back to
the person before the command is built; a name that matches no one, or more
than one, is refused naming the field, and nothing is sent. The JSON API keeps
its ids (portals send ids): only the HTML console goes through here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from yishi.domain.membership import roster
from yishi.domain.methods import YES_NO
from yishi.domain.person_names import people_names
from yishi.domain.rules import RuleSet
from yishi.domain.state import State
from yishi.i18n import message

MEETING = "meeting"  # the meeting's members (its body's roster on the meeting day)
CANDIDATES = "candidates"  # the meeting's candidates (an election)
REGISTER = "register"  # everyone registered in the community

# Fields holding one person, several (one per line or ticked), or one per line
# followed by something else (a choice, a count, words), with whom they may name.
ONE: dict[str, str] = {
    "voter": MEETING,
    "for_person": MEETING,
    "grantor": MEETING,
    "holder": REGISTER,
    "person": REGISTER,
    "relative": REGISTER,
    "reviewer": REGISTER,
    "representative": REGISTER,
    "signer": REGISTER,
    "on_behalf_of": REGISTER,
}
MANY: dict[str, str] = {"people": MEETING, "candidates": REGISTER, "cosigners": REGISTER}
PAIRS: dict[str, str] = {
    "ballots": MEETING,
    "objections": MEETING,
    "exemptions": REGISTER,
    "votes": CANDIDATES,
}
# Where the command decides the field's scope rather than the field's name.
BY_COMMAND: dict[tuple[str, str], str] = {
    ("excuse_member", "person"): MEETING,
    ("cast_election_ballot", "candidates"): CANDIDATES,
}
# The fields as the console labels them: by name, not by number.
LABELS: dict[str, tuple[str, str]] = {
    "voter": ("投票人", "voter"),
    "for_person": ("代谁投票（委托人，可不填）", "voting for (the grantor, optional)"),
    "grantor": ("委托人", "grantor"),
    "holder": ("受托人", "proxy holder"),
    "person": ("本人", "person"),
    "relative": ("有利害关系的近亲属", "the close relative with the interest"),
    "reviewer": ("审核人", "reviewer"),
    "representative": ("走访的村民代表", "representative who asked"),
    "signer": ("签字人（不填为户代表）", "who signed (default the household head)"),
    "on_behalf_of": ("代谁录入（可不填）", "on behalf of (optional)"),
    "people": ("到会人员（勾选）", "people present (tick)"),
    "candidates": ("候选人（每行一个姓名）", "candidates (one name per line)"),
    "cosigners": ("联名人（每行一个姓名）", "co-signers (one name per line)"),
    "ballots": (
        "选票（每行：投票人姓名 表决意见）",
        "ballots (one per line: voter's name, choice)",
    ),
    "objections": (
        "保留意见（每行：姓名 意见）",
        "objections kept (one per line: name, text)",
    ),
    "exemptions": (
        "减免（每行：姓名 减免类别）",
        "exemptions (one per line: name, category)",
    ),
    "votes": ("得票（每行：候选人姓名 票数）", "votes (one per line: candidate's name, count)"),
}
_LINES = re.compile(r"[\n,，、;；]+")
_SPACE = re.compile(r"\s+")
_OPEN = re.compile(r"\s*（\s*")
_CLOSE = re.compile(r"\s*）")
_AFTER = ",，、:："


def scope_of(command: str, field: str) -> str | None:
    """Whom the command's field may name, or None if it takes no person."""
    found = BY_COMMAND.get((command, field))
    return found or ONE.get(field) or MANY.get(field) or PAIRS.get(field)


def field_label(field: str, lang: str) -> str:
    zh, en = LABELS[field]
    return en if lang == "en" else zh


def _key(text: str) -> str:
    """What is compared: no spaces, parentheses and commas in one width
    (``王 (二组, 1950年生)`` = ``王（二组，1950年生）``)."""
    return _SPACE.sub("", text).replace("(", "（").replace(")", "）").replace(",", "，")


@attrs.frozen
class People:
    """Those a field may name: each person's label, and who each label or bare name means."""

    labels: dict[str, str]  # person -> the label shown (a name, made distinct where needed)
    by_key: dict[str, tuple[str, ...]]  # _key(label or name) -> the people it may mean
    texts: tuple[str, ...] = ()  # every label and name as written, for finding one in a line

    def find(self, text: str) -> tuple[str, ...]:
        return self.by_key.get(_key(text), ())

    def choices(self, leave_out: Iterable[str] = ()) -> tuple[tuple[str, str], ...]:
        """(value, shown) pairs for a form: both the label, never the id."""
        out = set(leave_out)
        return tuple((shown, shown) for p, shown in self.labels.items() if p not in out)


def people(state: State, ids: Iterable[str]) -> People:
    """The people ``ids``, labelled as domain/person_names.py names them: by name, and
    where a name is shared within them, with what tells them apart (never the id)."""
    chosen = [state.people[p] for p in dict.fromkeys(ids) if p in state.people]
    labels = {p: name.zh for p, name in people_names(state, [p.id for p in chosen]).items()}
    # A label that is also someone else's registered name means both of them:
    # finding it then says so rather than picking one.
    by_key: dict[str, list[str]] = defaultdict(list)
    for p in chosen:
        for text in {labels[p.id], p.name}:
            by_key[_key(text)].append(p.id)
    texts = tuple(dict.fromkeys([*labels.values(), *(p.name for p in chosen)]))
    return People(labels, {k: tuple(dict.fromkeys(v)) for k, v in by_key.items()}, texts)


def people_for(
    state: State, ruleset_of: Callable[[str], RuleSet], scope: str, values: Mapping[str, str]
) -> People:
    """Those a field of ``scope`` may name, given the form's other values (its meeting)."""
    meeting = state.meetings.get(values.get("meeting", "").strip())
    if scope == CANDIDATES and meeting is not None:
        return people(state, meeting.candidates)
    if scope == MEETING and meeting is not None:
        try:
            ruleset = ruleset_of(state.matters[meeting.matter].procedure)
            members = roster(state, ruleset, meeting.body, meeting.date)
        except KeyError:
            members = {}
        if members:
            return people(state, members)
    return people(state, state.people)


def motion_choices(
    state: State, ruleset_of: Callable[[str], RuleSet], values: Mapping[str, str]
) -> tuple[tuple[str, str, str], ...]:
    """The meeting's choices on a motion as (internal name, 中文, English), so that a
    choice is picked or written by its name (同意), never by the rule set's key."""
    meeting = state.meetings.get(values.get("meeting", "").strip())
    if meeting is None:
        return ()
    try:
        spec = ruleset_of(state.matters[meeting.matter].procedure).vote_method(meeting.method)
    except KeyError:
        return ()
    # the method's own choices, 赞成/反对/弃权 unless it says (as the engine counts them)
    rule = spec.motion_rule() if spec is not None else YES_NO
    return tuple((c, *rule.labels.get(c, (c, c))) for c in rule.choices)


def _choice(choices: tuple[tuple[str, str, str], ...], text: str) -> str:
    """The choice a ballot line's words name (its Chinese or English name, or the
    key itself); words that name none pass as written, for the engine to refuse."""
    for key, zh, en in choices:
        if text in (key, zh) or text.casefold() == en.casefold():
            return key
    return text


class Unresolved(Exception):
    """A name in a person field matches no one or more than one person."""

    def __init__(self, field: str, code: str, **params: Any) -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code
        self.params = params

    def text(self, lang: str) -> str:
        return message(self.code, lang, field=field_label(self.field, lang), **self.params)


def _one(found: People, field: str, text: str) -> str:
    matches = found.find(text)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise Unresolved(field, "web_no_such_person", name=text.strip())
    shown = "、".join(found.labels[p] for p in matches)
    raise Unresolved(
        field, "web_ambiguous_person", name=text.strip(), count=len(matches), choices=shown
    )


def _split_pair(found: People, field: str, line: str) -> tuple[str, str]:
    """A line's person (the longest label or name it starts with) and the rest."""
    text = _OPEN.sub("（", _CLOSE.sub("）", line.replace("(", "（").replace(")", "）"))).strip()
    best = ""
    for candidate in found.texts:
        if text.startswith(candidate) and len(candidate) > len(best):
            rest = text[len(candidate) :]
            if not rest or rest[0].isspace() or rest[0] in _AFTER:
                best = candidate
    if not best:
        head = re.split(r"[\s,，、:：]+", text, maxsplit=1)[0]
        raise Unresolved(field, "web_no_such_person", name=head)
    return _one(found, field, best), text[len(best) :].strip(" \t" + _AFTER)


def to_people(
    state: State,
    ruleset_of: Callable[[str], RuleSet],
    command: str,
    values: Mapping[str, str],
) -> tuple[dict[str, str], list[Unresolved]]:
    """The submitted values with every person field's names replaced by the people
    they name (as the form's text for ids: one per line, or "id rest" per line),
    and each field whose names do not each name one person."""
    out = dict(values)
    problems: list[Unresolved] = []
    for field, raw in values.items():
        scope = scope_of(command, field)
        if scope is None or not raw.strip():
            continue
        found = people_for(state, ruleset_of, scope, values)
        try:
            if field in MANY:
                parts = [p for p in _LINES.split(raw) if p.strip()]
                out[field] = "\n".join(_one(found, field, p) for p in parts)
            elif field in PAIRS:
                lines = [line for line in raw.splitlines() if line.strip()]
                pairs = [_split_pair(found, field, line) for line in lines]
                if field == "ballots":
                    choices = motion_choices(state, ruleset_of, values)
                    pairs = [(p, _choice(choices, rest)) for p, rest in pairs]
                out[field] = "\n".join(f"{p} {rest}".strip() for p, rest in pairs)
            else:
                out[field] = _one(found, field, raw)
        except Unresolved as problem:
            problems.append(problem)
    return out, problems


_BRACKETED = re.compile(r"（([^（）\s]{1,64})）")


def _named(state: State, text: str) -> list[re.Match[str]]:
    """Where ``text`` names a registered person as ``姓名（id）``."""
    found = [m for m in _BRACKETED.finditer(text) if m.group(1) in state.people]
    return [m for m in found if text[: m.start()].endswith(state.people[m.group(1)].name)]


def ids_named(state: State, text: str) -> list[str]:
    """The ids of the people ``text`` names as ``姓名（id）``, in order, once each."""
    return list(dict.fromkeys(m.group(1) for m in _named(state, text)))


def without_ids(state: State, text: str) -> str:
    """An engine refusal's text as people read it: the engine names a person as
    ``姓名（id）`` (the id helps whoever wrote a scenario file); here each such
    person is named by the label the console's forms use, without the id."""
    named = _named(state, text)
    if not named:
        return text
    labels = people(state, state.people).labels
    out, last = [], 0
    for m in named:
        person = state.people[m.group(1)]
        out += [text[last : m.start() - len(person.name)], labels[person.id]]
        last = m.end()
    return "".join([*out, text[last:]])
