"""Ranked counts: instant-runoff (one seat) and single transferable vote (several).

Both take the candidates in ballot-paper order and the valid ballots as
rankings (tuples of candidate ids, most preferred first, no repeats) and return
a :class:`RankedCount`: the winners, every round's totals and the reason each
candidate was elected or excluded, in Chinese and English.

**Instant-runoff (IRV, 即时决选).** In each round every ballot counts for its
highest-ranked candidate still in the count. A candidate with more than half of
the ballots still in the count (exhausted ballots left out) is elected;
otherwise the candidate with fewest votes is excluded and their ballots move on.

**STV (单记名可转移投票)** follows the counting rules of the Scottish Local
Government Elections Order 2007 (SSI 2007/42, Schedule 1, rules 45–52):

- quota (Droop): ⌊valid ballots ÷ (seats + 1)⌋ + 1;
- a candidate whose votes reach the quota is elected;
- surpluses are transferred before any exclusion, the largest first; every
  ballot the elected candidate holds moves on at
  ``value × surplus ÷ candidate's total``, truncated to five decimal places
  (rule 48) — values are kept as whole numbers of 1/100000 vote, so the
  arithmetic is exact and matches a count done by hand under the rules;
- with no surplus left, the candidate with fewest votes is excluded and all
  their ballots move on at the value they carry;
- when the candidates still in the count are no more than the seats left,
  they are all elected.

**Ties** (the same for both methods, so every count is reproducible): between
candidates with equal votes, the one with more votes at the *most recent*
earlier round where their votes differed is treated as ahead (rules 49(2) and
51); if no earlier round separates them, the candidate listed *earlier* on the
ballot paper (the order of candidates as the meeting was convened — in practice
set by drawing lots) is ahead. The rules say "by lot" at that point; here the
lot is drawn once, for the order of names, so that the count itself never
depends on chance. Every tie so broken is named in the result.

The count groups identical ballots and moves whole groups, so its cost grows
with the number of *distinct* rankings times the rounds, not with voters.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from fractions import Fraction

import attrs

EXHAUSTED = ""  # ends every ranking inside a count; no candidate id is empty
UNIT = 100_000  # STV values are whole numbers of 1/100000 vote (five decimal places)


@attrs.frozen
class Round:
    """One stage of a ranked count: totals after it, and what it did."""

    totals: Mapping[str, Fraction]  # candidates still in the count (or just elected)
    exhausted: Fraction  # ballots (value) with no further preference
    action: str  # "count" | "elect" | "transfer" | "exclude"
    candidates: tuple[str, ...]  # whom the action concerns
    note_zh: str
    note_en: str

    def as_dict(self) -> dict[str, object]:
        return {
            "action": self.action,
            "candidates": list(self.candidates),
            "totals": {c: _fmt(v) for c, v in self.totals.items()},
            "exhausted": _fmt(self.exhausted),
            "note": {"zh": self.note_zh, "en": self.note_en},
        }


@attrs.frozen
class RankedCount:
    method: str  # "irv" | "stv"
    seats: int
    valid: int
    quota: Fraction | None
    elected: tuple[str, ...]
    rounds: tuple[Round, ...]
    ties: tuple[str, ...]  # each tie broken, as "zh|en"
    by_order: bool = False  # some tie was settled by ballot-paper order (where the rules say lot)

    def first_preferences(self) -> dict[str, Fraction]:
        return dict(self.rounds[0].totals) if self.rounds else {}


def _fmt(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.5f}".rstrip("0")


class _Hopeful:
    """Which candidates are still in the count, by number and by name."""

    def __init__(self, candidates: Sequence[str]) -> None:
        self.candidates = tuple(candidates)
        self.by_name = dict.fromkeys(self.candidates, True)
        self.by_name[EXHAUSTED] = True  # the end of every ranking: stops the search

    def __getitem__(self, c: int) -> bool:
        return self.by_name[self.candidates[c]]

    def __setitem__(self, c: int, value: bool) -> None:
        self.by_name[self.candidates[c]] = value


class _Count:
    """Shared bookkeeping: ballot groups, who holds them, round history."""

    def __init__(
        self, candidates: Sequence[str], ballots: Sequence[Sequence[str]], names: Mapping[str, str]
    ) -> None:
        self.candidates = tuple(candidates)
        self.names = names
        self.index = {c: i for i, c in enumerate(self.candidates)}
        # Identical ballots are grouped and moved as one group.
        grouped = Counter(map(tuple, ballots))
        grouped.pop((), None)  # a blank ballot counts for no one
        self.size = list(grouped.values())
        # Rankings stay tuples of names (str hashes are cached, so looking a name
        # up costs what looking up a number would, and nothing is translated).
        self.rankings: list[tuple[str, ...]] = [(*r, EXHAUSTED) for r in grouped]
        self.pos = [0] * len(self.rankings)
        n = len(self.candidates)
        self.hopeful = _Hopeful(self.candidates)
        self.value = [0] * n  # whole units per candidate
        # candidate -> list of parcels (value per ballot, group indices)
        self.parcels: list[list[tuple[int, list[int]]]] = [[] for _ in range(n)]
        self.exhausted = 0
        self.history: list[list[int]] = []
        self.ties: list[str] = []
        self.by_order = False  # a tie fell through to ballot-paper order

    def deal(self, unit: int) -> None:
        first: defaultdict[str, list[int]] = defaultdict(list)
        for g, ranking in enumerate(self.rankings):
            first[ranking[0]].append(g)
        weigh = self.size.__getitem__
        for name, groups in first.items():
            c = self.index[name]
            self.parcels[c].append((unit, groups))
            self.value[c] += unit * sum(map(weigh, groups))
        self.snapshot()

    def snapshot(self) -> None:
        self.history.append(list(self.value))

    def move(self, source: int, new_value: int | None, numerator: int = 1, den: int = 1) -> None:
        """Move every ballot ``source`` holds to its next hopeful preference.

        A parcel's ballots move at ``new_value`` when given, else at
        ``value × numerator ÷ den`` truncated (a surplus transfer)."""
        hopeful, rankings, pos = self.hopeful.by_name, self.rankings, self.pos
        parcels, values, weigh = self.parcels, self.value, self.size.__getitem__
        for value, groups in parcels[source]:
            moved = new_value if new_value is not None else value * numerator // den
            dest: defaultdict[str, list[int]] = defaultdict(list)
            for g in groups:  # the hot loop of a count: kept plain on purpose
                ranking = rankings[g]
                p = pos[g] + 1
                while not hopeful[ranking[p]]:  # every ranking ends in EXHAUSTED
                    p += 1
                pos[g] = p
                dest[ranking[p]].append(g)
            for name, gs in dest.items():
                weight = moved * sum(map(weigh, gs))
                if name == EXHAUSTED:
                    self.exhausted += weight
                    continue
                to = self.index[name]
                parcels[to].append((moved, gs))
                values[to] += weight
        parcels[source] = []

    def sort(self, among: Sequence[int]) -> list[int]:
        """``among`` by votes, most first (equal votes: earlier on the ballot paper
        first). Used only where the order does not change the result."""
        return sorted(among, key=lambda c: (-self.value[c], c))

    def pick(self, among: Sequence[int], *, lowest: bool) -> int:
        """The candidate with most votes (fewest when ``lowest``).

        A tie is broken by the most recent earlier round at which the tied
        candidates had unequal votes (narrowing round by round, as rules 49(2)
        and 51 say), then by ballot-paper order in place of lot: the candidate
        listed later is excluded first, the one listed earlier has its surplus
        transferred first. Each tie so broken is named in :attr:`ties`."""
        extreme = (min if lowest else max)(self.value[c] for c in among)
        tied = [c for c in among if self.value[c] == extreme]
        if len(tied) == 1:
            return tied[0]
        field = list(tied)
        decided_at = None
        for r in range(len(self.history) - 2, -1, -1):  # the last snapshot is "now"
            values = {c: self.history[r][c] for c in field}
            best = (min if lowest else max)(values.values())
            narrowed = [c for c in field if values[c] == best]
            if len(narrowed) < len(field):
                field = narrowed
                decided_at = r
                if len(field) == 1:
                    break
        chosen = max(field) if lowest else min(field)
        who_zh = "、".join(self.name(c) for c in tied)
        who_en = ", ".join(self.candidates[c] for c in tied)
        if len(field) == 1 and decided_at is not None:
            how_zh = f"按此前票数不同的最近一轮（第 {decided_at + 1} 轮）"
            how_en = f"by round {decided_at + 1}, the latest earlier round where they differed"
        else:
            self.by_order = True
            how_zh = "此前各轮无法区分，按候选人名单顺序（代替抽签）"
            how_en = "no earlier round separates them; by ballot-paper order (in place of lot)"
        act_zh, act_en = (
            ("被淘汰", "excluded") if lowest else ("的剩余票先转移", "transferred first")
        )
        self.ties.append(
            f"{who_zh} 票数相同，{how_zh}，{self.name(chosen)}{act_zh}"
            f"|{who_en} tied; {how_en}: {self.candidates[chosen]} {act_en}"
        )
        return chosen

    def totals(self, unit: int, include: Sequence[int]) -> dict[str, Fraction]:
        return {self.candidates[c]: Fraction(self.value[c], unit) for c in include}

    def standing(self, unit: int, among: Sequence[int], lang: str) -> str:
        """Votes of the candidates still in the count, for the explanation."""
        shown = [
            (
                self.name(c) if lang == "zh" else self.candidates[c],
                _fmt(Fraction(self.value[c], unit)),
            )
            for c in sorted(among, key=lambda c: (-self.value[c], c))
        ]
        if lang == "zh":
            return "（继续计票的候选人：" + "，".join(f"{n} {v} 票" for n, v in shown) + "）"
        return " (continuing: " + ", ".join(f"{n} {v}" for n, v in shown) + ")"

    def new_ties(self, seen: int) -> tuple[str, str]:
        """The ties broken since ``seen`` were recorded, as (zh, en) prefixes."""
        fresh = self.ties[seen:]
        return (
            "".join(t.split("|", 1)[0] + "；" for t in fresh),
            "".join(t.split("|", 1)[1] + "; " for t in fresh),
        )

    def name(self, c: int) -> str:
        cid = self.candidates[c]
        return self.names.get(cid, cid)


def irv(
    candidates: Sequence[str],
    ballots: Sequence[Sequence[str]],
    names: Mapping[str, str] | None = None,
) -> RankedCount:
    """Instant-runoff for one seat (see the module docstring)."""
    count = _Count(candidates, ballots, names or {})
    count.deal(1)
    rounds: list[Round] = []
    valid = sum(count.size)
    hopeful = list(range(len(count.candidates)))
    elected: tuple[str, ...] = ()
    while hopeful:
        live = sum(count.value[c] for c in hopeful)
        top = max(hopeful, key=lambda c: count.value[c])
        shown = count.totals(1, hopeful)
        if 2 * count.value[top] > live or len(hopeful) == 1:
            if count.value[top] == 0:
                break
            elected = (count.candidates[top],)
            rounds.append(
                Round(
                    shown,
                    Fraction(count.exhausted),
                    "elect",
                    elected,
                    f"{count.name(top)} 得 {count.value[top]} 票，超过仍有效选票 {live} 张的半数，当选",
                    f"{elected[0]} has {count.value[top]} of {live} continuing ballots, "
                    "more than half: elected",
                )
            )
            break
        seen = len(count.ties)
        low = count.pick(hopeful, lowest=True)
        tie_zh, tie_en = count.new_ties(seen)
        rounds.append(
            Round(
                shown,
                Fraction(count.exhausted),
                "exclude",
                (count.candidates[low],),
                f"无人超过仍有效选票 {live} 张的半数；{tie_zh}{count.name(low)} 得票最少"
                f"（{count.value[low]} 票），淘汰，其选票转给下一顺位",
                f"no one has more than half of {live} continuing ballots; {tie_en}"
                f"{count.candidates[low]} has fewest ({count.value[low]}) and is excluded",
            )
        )
        count.hopeful[low] = False
        hopeful.remove(low)
        count.move(low, 1)
        count.value[low] = 0
        count.snapshot()
    return RankedCount(
        "irv", 1, valid, None, elected, tuple(rounds), tuple(count.ties), count.by_order
    )


def droop_quota(valid: int, seats: int) -> int:
    return valid // (seats + 1) + 1


def stv(
    candidates: Sequence[str],
    ballots: Sequence[Sequence[str]],
    seats: int,
    names: Mapping[str, str] | None = None,
) -> RankedCount:
    """Single transferable vote, Scottish rules (see the module docstring)."""
    if seats < 1:
        raise ValueError("seats must be at least 1")
    count = _Count(candidates, ballots, names or {})
    count.deal(UNIT)
    valid = sum(count.size)
    quota = droop_quota(valid, seats) * UNIT
    hopeful = list(range(len(count.candidates)))
    elected: list[int] = []
    pending: list[int] = []  # elected with a surplus not yet transferred
    rounds: list[Round] = []

    def shown() -> dict[str, Fraction]:
        return count.totals(UNIT, [*elected, *hopeful])

    def record(action: str, who: list[int], zh: str, en: str) -> None:
        rounds.append(
            Round(
                shown(),
                Fraction(count.exhausted, UNIT),
                action,
                tuple(count.candidates[c] for c in who),
                zh,
                en,
            )
        )

    q = Fraction(quota, UNIT)
    record(
        "count",
        [],
        f"有效选票 {valid} 张，应选 {seats} 名，当选基数 ⌊{valid}÷{seats + 1}⌋+1 = {q}",
        f"{valid} valid ballots, {seats} seat(s): quota ⌊{valid}/{seats + 1}⌋+1 = {q}",
    )
    while len(elected) < seats and hopeful:
        reached = [c for c in count.sort(hopeful) if count.value[c] >= quota]
        if reached:
            for c in reached:
                hopeful.remove(c)
                count.hopeful[c] = False
                elected.append(c)
                if count.value[c] > quota:
                    pending.append(c)
            record(
                "elect",
                reached,
                "、".join(
                    f"{count.name(c)}（{_fmt(Fraction(count.value[c], UNIT))} 票）" for c in reached
                )
                + f" 达到当选基数 {q}，当选",
                ", ".join(
                    f"{count.candidates[c]} ({_fmt(Fraction(count.value[c], UNIT))})"
                    for c in reached
                )
                + f" reach the quota {q}: elected",
            )
            continue
        if len(hopeful) <= seats - len(elected):
            rest = count.sort(hopeful)
            for c in rest:
                count.hopeful[c] = False
                elected.append(c)
            hopeful.clear()
            record(
                "elect",
                rest,
                f"剩余候选人 {len(rest)} 名不多于剩余名额 {seats - len(elected) + len(rest)} 名，均当选",
                f"the {len(rest)} remaining candidate(s) fill the remaining seat(s): elected",
            )
            break
        if pending:
            seen = len(count.ties)
            source = count.pick(pending, lowest=False)
            pending.remove(source)
            total = count.value[source]
            surplus = total - quota
            count.move(source, None, surplus, total)
            count.value[source] = quota
            count.snapshot()
            tie_zh, tie_en = count.new_ties(seen)
            record(
                "transfer",
                [source],
                f"{tie_zh}转移 {count.name(source)} 的剩余票 {_fmt(Fraction(surplus, UNIT))}："
                f"每张选票按原值 × {_fmt(Fraction(surplus, UNIT))}/{_fmt(Fraction(total, UNIT))}"
                "（截至小数点后五位）转给下一顺位" + count.standing(UNIT, hopeful, "zh"),
                f"{tie_en}surplus of {count.candidates[source]} ({_fmt(Fraction(surplus, UNIT))}) "
                f"transferred at value × {_fmt(Fraction(surplus, UNIT))}/"
                f"{_fmt(Fraction(total, UNIT))}, truncated to 5 decimals"
                + count.standing(UNIT, hopeful, "en"),
            )
            continue
        seen = len(count.ties)
        low = count.pick(hopeful, lowest=True)
        tie_zh, tie_en = count.new_ties(seen)
        hopeful.remove(low)
        count.hopeful[low] = False
        votes = count.value[low]
        count.move(low, None, 1, 1)
        count.value[low] = 0
        count.snapshot()
        record(
            "exclude",
            [low],
            f"无剩余票可转；{tie_zh}{count.name(low)} 得票最少（{_fmt(Fraction(votes, UNIT))} 票），"
            "淘汰，其选票按所带票值转给下一顺位" + count.standing(UNIT, hopeful, "zh"),
            f"no surplus to transfer; {tie_en}{count.candidates[low]} has fewest "
            f"({_fmt(Fraction(votes, UNIT))}) and is excluded"
            + count.standing(UNIT, hopeful, "en"),
        )
    return RankedCount(
        "stv",
        seats,
        valid,
        q,
        tuple(count.candidates[c] for c in elected),
        tuple(rounds),
        tuple(count.ties),
        count.by_order,
    )
