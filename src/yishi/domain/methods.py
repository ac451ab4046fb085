"""Counting rules (计票规则): what a vote method counts, and how.

A vote method (:class:`yishi.domain.catalog.VoteMethodSpec`) says what a
meeting records; its ``counting`` is one of the rules below, which says which
ballots are valid, how they are tallied, who or what wins, and why, in Chinese
and English with the numbers. A plugin adds a way of counting by registering a
vote method whose ``counting`` is its own :class:`MotionRule` or
:class:`ElectionRule` (subclass and override :meth:`ElectionRule.count`).

Built-in rules:

- ``yes_no`` — 赞成/反对/弃权; the rule set's threshold applies to 赞成.
- ``satisfaction`` — 满意/基本满意/不满意; 满意 and 基本满意 count towards
  the threshold (满意率).
- ``consensus`` — 协商一致, with every recorded objection (保留意见) listed.
- ``at_most_seats`` — 差额选举: a ballot names at most as many candidates as
  there are seats; a candidate needs the rule set's threshold (e.g. more than
  half of the ballots cast); in a run-off (另行选举) those with most votes win,
  provided they have the stage's ``runoff_threshold`` (by default not less than
  one third of the ballots cast, 村民委员会组织法).
- ``approval`` — 认可投票: a ballot names any number of candidates; counted
  like ``at_most_seats`` otherwise.
- ``irv`` and ``stv`` — ranked ballots (:mod:`yishi.domain.ranked`).

Ballots returned but invalid (废票) are always part of the ballots cast (参加
投票的人数): they count in every base and for no candidate.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any, ClassVar

import attrs

from yishi.domain.counting import Base, Comparator, Requirement, check
from yishi.domain.ranked import RankedCount, irv, stv

#: Why a ballot is invalid -> (zh, en). A plugin's reasons may be any string.
INVALID_REASONS: dict[str, tuple[str, str]] = {
    "too_many_names": ("所选人数多于应选名额", "more names than seats"),
    "duplicate_name": ("同一人写了两次", "the same name twice"),
    "not_a_candidate": ("选了非候选人", "a name that is not a candidate"),
    "marked": ("计票时认定无效", "ruled invalid at the count"),
    "bad_choice": ("选项不在表决选项之内", "a choice that is not on the ballot"),
}

#: 另行选举: "候选人以得票多的当选，但是所得票数不得少于已投选票总数的三分之一"
#: (村民委员会组织法 2025 第十八条; the same words in the 2018 text).
RUNOFF_DEFAULT = Requirement(
    Base.VOTES_CAST,
    Fraction(1, 3),
    Comparator.GTE,
    note="另行选举：得票多的当选，但不得少于已投选票总数的三分之一（村民委员会组织法第十八条）",
)


def reason_text(reason: str, lang: str = "zh") -> str:
    zh, en = INVALID_REASONS.get(reason, (reason, reason))
    return en if lang == "en" else zh


# -- motions (事项表决) ---------------------------------------------------------


@attrs.frozen
class MotionRule:
    """Choices on a motion, and which of them carry it.

    ``support`` choices count towards the rule set's threshold, ``against``
    ones are the votes against; every other choice is an abstention. The
    counts keep the three keys ``yes``/``no``/``abstain`` that quorums and
    thresholds read, plus one per choice.
    """

    kind: ClassVar[str] = "motion"
    name: str
    label_zh: str
    label_en: str
    choices: tuple[str, ...]
    labels: Mapping[str, tuple[str, str]]  # choice -> (zh, en)
    support: frozenset[str]
    against: frozenset[str] = frozenset()

    def invalid(self, choice: str) -> str | None:
        return None if choice in self.choices else "bad_choice"

    def count(self, choices: Iterable[str]) -> dict[str, int]:
        seen = Counter(choices)
        counts = {c: seen.get(c, 0) for c in self.choices}
        yes = sum(counts[c] for c in self.support)
        no = sum(counts[c] for c in self.against)
        total = sum(counts.values())
        return {"yes": yes, "no": no, "abstain": total - yes - no, **_choice_keys(self, counts)}

    def describe(self, counts: Mapping[str, int], lang: str = "zh") -> str:
        en = lang == "en"
        parts = [
            f"{self.labels[c][1 if en else 0]} {counts.get('choice_' + c, 0)}" for c in self.choices
        ]
        return (", " if en else "，").join(parts)


def _choice_keys(rule: MotionRule, counts: Mapping[str, int]) -> dict[str, int]:
    if rule.choices == ("yes", "no", "abstain"):
        return {}  # the three keys already are the choices
    return {f"choice_{c}": n for c, n in counts.items()}


YES_NO = MotionRule(
    "yes_no",
    "赞成/反对/弃权",
    "yes / no / abstain",
    ("yes", "no", "abstain"),
    {"yes": ("赞成", "yes"), "no": ("反对", "no"), "abstain": ("弃权", "abstain")},
    frozenset({"yes"}),
    frozenset({"no"}),
)

SATISFACTION = MotionRule(
    "satisfaction",
    "满意度（满意/基本满意/不满意）",
    "satisfaction (satisfied / fairly satisfied / dissatisfied)",
    ("satisfied", "basically_satisfied", "dissatisfied"),
    {
        "satisfied": ("满意", "satisfied"),
        "basically_satisfied": ("基本满意", "fairly satisfied"),
        "dissatisfied": ("不满意", "dissatisfied"),
    },
    frozenset({"satisfied", "basically_satisfied"}),
    frozenset({"dissatisfied"}),
)


@attrs.frozen
class ConsensusRule:
    """协商一致: reached or not, as the meeting records it; objections are kept."""

    kind: ClassVar[str] = "consensus"
    name: str = "consensus"
    label_zh: str = "协商一致"
    label_en: str = "consensus"

    def explain(
        self, reached: bool, present: int, objections: Sequence[tuple[str, str]], lang: str
    ) -> str:
        en = lang == "en"
        if en:
            text = (
                f"consensus of the {present} present — passed"
                if reached
                else f"no consensus among the {present} present — not passed"
            )
        else:
            text = (
                f"到会 {present} 人协商一致。表决通过"
                if reached
                else f"到会 {present} 人未能协商一致。表决未通过"
            )
        if objections:
            listed = ("; " if en else "；").join(
                f"{who}: {why}" if en else f"{who}：{why}" for who, why in objections
            )
            text += (
                f" ({len(objections)} objection(s) recorded — {listed})"
                if en
                else f"（记录在案的异议 {len(objections)} 条——{listed}）"
            )
        return text


CONSENSUS = ConsensusRule()


# -- elections (选举) ------------------------------------------------------------


@attrs.frozen
class ElectionContext:
    """What an election count needs besides the ballots."""

    candidates: tuple[str, ...]  # in ballot-paper order (ties fall back to it)
    seats: int
    cast: int  # ballots returned, invalid ones included (参加投票的人数)
    thresholds: tuple[Requirement, ...] = ()
    runoff: bool = False  # 另行选举
    runoff_threshold: Requirement = RUNOFF_DEFAULT
    names: Mapping[str, str] = attrs.Factory(dict)

    def name(self, person: str) -> str:
        return self.names.get(person, person)


@attrs.frozen
class ElectionCount:
    """The result of one election count, with everything needed to explain it."""

    elected: tuple[str, ...]
    votes: Mapping[str, Fraction]  # first count (first preferences for ranked ballots)
    valid: int
    invalid: Mapping[str, int]  # reason -> ballots
    candidates: tuple[dict[str, Any], ...]  # per candidate: votes and checks, for the record
    rounds: tuple[dict[str, Any], ...] = ()
    ties: tuple[str, ...] = ()
    explanation: Mapping[str, str] = attrs.Factory(dict)

    def as_dict(self, seats: int, method: str) -> dict[str, Any]:
        return {
            "counting": method,
            "candidates": list(self.candidates),
            "elected": list(self.elected),
            "seats": seats,
            "valid": self.valid,
            "invalid": dict(self.invalid),
            "rounds": list(self.rounds),
            "ties": [{"zh": t.split("|", 1)[0], "en": t.split("|", 1)[-1]} for t in self.ties],
            "explanation": dict(self.explanation),
        }


class ElectionRule:
    """Base of election counting rules; a plugin subclasses it.

    Override :meth:`invalid` (which ballots are valid) and :meth:`count` (the
    tally, the winners and the explanation). ``ranked`` says the order of names
    on a ballot matters; ``accepts_tally`` that a count of votes per candidate
    may be entered instead of ballots (paper ballots counted in public).
    """

    kind: ClassVar[str] = "election"
    name: str = ""
    label_zh: str = ""
    label_en: str = ""
    ranked: bool = False
    accepts_tally: bool = False
    max_seats: int | None = None

    def invalid(self, ballot: tuple[str, ...], ctx: ElectionContext) -> str | None:
        seen: set[str] = set()
        for person in ballot:
            if person not in ctx.candidates:
                return "not_a_candidate"
            if person in seen:
                return "duplicate_name"
            seen.add(person)
        return None

    def count(self, ballots: Sequence[tuple[str, ...]], ctx: ElectionContext) -> ElectionCount:
        raise NotImplementedError

    def sort_valid(
        self, ballots: Sequence[tuple[str, ...]], ctx: ElectionContext, marked: int = 0
    ) -> tuple[list[tuple[str, ...]], dict[str, int]]:
        """Valid ballots, and invalid ones counted by reason (``marked`` ruled
        invalid at the count are added under ``"marked"``)."""
        valid: list[tuple[str, ...]] = []
        invalid: Counter[str] = Counter()
        for ballot in ballots:
            reason = self.invalid(ballot, ctx)
            if reason is None:
                valid.append(ballot)
            else:
                invalid[reason] += 1
        if marked:
            invalid["marked"] += marked
        return valid, dict(sorted(invalid.items()))


def _invalid_line(invalid: Mapping[str, int], lang: str) -> str:
    total = sum(invalid.values())
    if not total:
        return ""
    parts = [f"{reason_text(r, lang)} {n}" for r, n in invalid.items()]
    if lang == "en":
        return f"{total} invalid ballot(s) ({', '.join(parts)}), counted in the ballots cast"
    return f"无效票 {total} 张（{'，'.join(parts)}），计入参加投票人数"


class MarkRule(ElectionRule):
    """Names marked on a ballot, each a vote: 差额选举 and approval voting."""

    accepts_tally = True
    limit_to_seats = True

    def invalid(self, ballot: tuple[str, ...], ctx: ElectionContext) -> str | None:
        if self.limit_to_seats and len(ballot) > ctx.seats:
            return "too_many_names"
        return super().invalid(ballot, ctx)

    def count(self, ballots: Sequence[tuple[str, ...]], ctx: ElectionContext) -> ElectionCount:
        valid, invalid = self.sort_valid(ballots, ctx)
        votes = Counter(p for b in valid for p in b)
        return self.from_votes(
            {p: votes.get(p, 0) for p in ctx.candidates}, len(valid), invalid, ctx
        )

    def from_votes(
        self,
        votes: Mapping[str, int],
        valid: int,
        invalid: Mapping[str, int],
        ctx: ElectionContext,
    ) -> ElectionCount:
        order = sorted(ctx.candidates, key=lambda p: (-votes.get(p, 0), ctx.candidates.index(p)))
        rules = (ctx.runoff_threshold,) if ctx.runoff else ctx.thresholds
        checks = {
            p: [check(r, "candidate", votes.get(p, 0), ctx.cast) for r in rules] for p in order
        }
        qualified = [p for p in order if all(x.met for x in checks[p])]
        elected, tied = fill(qualified, votes, ctx.seats)
        lines = {
            lang: [
                f"{ctx.name(p) if lang == 'zh' else p}{'：' if lang == 'zh' else ': '}"
                + ("；" if lang == "zh" else "; ").join(x.explain(lang) for x in checks[p])
                if checks[p]
                else f"{ctx.name(p) if lang == 'zh' else p} {votes.get(p, 0)}"
                for p in order
            ]
            for lang in ("zh", "en")
        }
        if ctx.runoff:
            lines["zh"].insert(
                0,
                "另行选举：以得票多的当选，得票不得少于已投选票总数的"
                + _wording(ctx.runoff_threshold),
            )
            lines["en"].insert(
                0,
                "run-off: most votes win, each needing "
                + ctx.runoff_threshold.wording_en()
                + " of the ballots cast",
            )
        for lang in ("zh", "en"):
            line = _invalid_line(invalid, lang)
            if line:
                lines[lang].append(line)
        seats_zh = f"应选 {ctx.seats} 名，当选 {len(elected)} 名：{'、'.join(ctx.name(p) for p in elected) or '无'}"
        seats_en = f"{ctx.seats} seat(s), {len(elected)} elected: {', '.join(elected) or 'none'}"
        if tied:
            seats_zh += f"；{'、'.join(ctx.name(p) for p in tied)} 得票相同，争最后的名额，均不当选，须另行选举"
            seats_en += f"; {', '.join(tied)} tie for the last seat(s) and are not elected: a run-off is needed"
        return ElectionCount(
            elected=tuple(elected),
            votes={p: Fraction(votes.get(p, 0)) for p in ctx.candidates},
            valid=valid,
            invalid=invalid,
            candidates=tuple(
                {
                    "person": p,
                    "votes": votes.get(p, 0),
                    "checks": [x.as_dict() for x in checks[p]],
                }
                for p in order
            ),
            ties=(
                (
                    f"{'、'.join(ctx.name(p) for p in tied)} 得票相同，均不当选|{', '.join(tied)} tied",
                )
                if tied
                else ()
            ),
            explanation={
                "zh": "\n".join([*lines["zh"], seats_zh]),
                "en": "\n".join([*lines["en"], seats_en]),
            },
        )


def _wording(req: Requirement) -> str:
    """ "不得少于……三分之一" already includes the number itself."""
    return req.wording_zh().replace("以上（含本数）", "")


def fill(
    qualified: Sequence[str], votes: Mapping[str, int], seats: int
) -> tuple[list[str], list[str]]:
    """Top ``seats`` of ``qualified`` (already in order of votes); a tie across
    the last seat elects none of the tied (they go to a run-off). Returns the
    elected and the tied left out."""
    if len(qualified) <= seats:
        return list(qualified), []
    cutoff = votes[qualified[seats - 1]]
    if votes[qualified[seats]] == cutoff:
        return [p for p in qualified if votes[p] > cutoff], [
            p for p in qualified if votes[p] == cutoff
        ]
    return list(qualified[:seats]), []


class AtMostSeats(MarkRule):
    name = "at_most_seats"
    label_zh = "差额选举（所选人数不得多于应选名额）"
    label_en = "at most as many names as seats"


class Approval(MarkRule):
    name = "approval"
    label_zh = "认可投票（可选任意多名）"
    label_en = "approval voting (any number of names)"
    limit_to_seats = False


class RankedRule(ElectionRule):
    """A ranked ballot: names in order of preference."""

    ranked = True

    def run(self, valid: list[tuple[str, ...]], ctx: ElectionContext) -> RankedCount:
        raise NotImplementedError

    def count(self, ballots: Sequence[tuple[str, ...]], ctx: ElectionContext) -> ElectionCount:
        valid, invalid = self.sort_valid(ballots, ctx)
        result = self.run(valid, ctx)
        first = result.first_preferences()
        # each round's note names the tie it broke, where it broke one
        lines_zh = [r.note_zh for r in result.rounds]
        lines_en = [r.note_en for r in result.rounds]
        for lang, lines in (("zh", lines_zh), ("en", lines_en)):
            line = _invalid_line(invalid, lang)
            if line:
                lines.append(line)
        elected = result.elected
        lines_zh.append(
            f"应选 {ctx.seats} 名，当选 {len(elected)} 名：{'、'.join(ctx.name(p) for p in elected) or '无'}"
        )
        lines_en.append(
            f"{ctx.seats} seat(s), {len(elected)} elected: {', '.join(elected) or 'none'}"
        )
        return ElectionCount(
            elected=elected,
            votes={p: first.get(p, Fraction(0)) for p in ctx.candidates},
            valid=len(valid),
            invalid=invalid,
            candidates=tuple(
                {"person": p, "first_preferences": str(first.get(p, 0)), "elected": p in elected}
                for p in ctx.candidates
            ),
            rounds=tuple(r.as_dict() for r in result.rounds),
            ties=result.ties,
            explanation={"zh": "\n".join(lines_zh), "en": "\n".join(lines_en)},
        )


class InstantRunoff(RankedRule):
    name = "irv"
    label_zh = "排序复选（即时决选，一个名额）"
    label_en = "instant-runoff (one seat)"
    max_seats = 1

    def run(self, valid: list[tuple[str, ...]], ctx: ElectionContext) -> RankedCount:
        return irv(ctx.candidates, valid, ctx.names)


class SingleTransferable(RankedRule):
    name = "stv"
    label_zh = "单记名可转移投票（苏格兰规则）"
    label_en = "single transferable vote (Scottish rules)"

    def run(self, valid: list[tuple[str, ...]], ctx: ElectionContext) -> RankedCount:
        return stv(ctx.candidates, valid, ctx.seats, ctx.names)


AT_MOST_SEATS = AtMostSeats()
APPROVAL = Approval()
IRV = InstantRunoff()
STV = SingleTransferable()

BUILTIN_RULES: dict[str, Any] = {
    r.name: r for r in (YES_NO, SATISFACTION, CONSENSUS, AT_MOST_SEATS, APPROVAL, IRV, STV)
}
